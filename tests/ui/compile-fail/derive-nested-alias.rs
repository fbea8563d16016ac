// A nested field read from an old key: a merge under the new key would delete the old
// key with every nested key it does not set.
use clerk_metadata::{MetadataObject, UnknownKeys, UserMetadata};
use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Notifications {
    pub email: bool,
    pub push: bool,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(UserMetadata)]
pub struct Prefs {
    #[metadata(unsafe, nested)]
    #[serde(default, alias = "notifs_v1")]
    pub notifications: Notifications,
}

fn main() {}
