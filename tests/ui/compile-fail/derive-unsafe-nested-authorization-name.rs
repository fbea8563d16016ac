// A field named like an authorization fact inside an object nested in unsafe metadata:
// the signed-in user writes it all the same.
use clerk_metadata::{MetadataObject, UnknownKeys, UserMetadata};
use serde::{Deserialize, Serialize};

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Prefs {
    pub theme: Option<String>,
    #[metadata(nested)]
    pub flags: Option<Flags>,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Flags {
    pub is_admin: bool,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(unsafe, nested)]
    #[serde(default)]
    pub prefs: Option<Prefs>,
}

fn main() {}
