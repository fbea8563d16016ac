//! Schemas whose writes could leave metadata the schema cannot read back.

use clerk_metadata::{MetadataObject, UserMetadata};
use serde::{Deserialize, Serialize};

#[derive(UserMetadata)]
pub struct SkipsRequired {
    #[metadata(public)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
}

/// A nested patch sends only the keys it changes: every field must be optional.
#[derive(Serialize, Deserialize, MetadataObject)]
#[metadata(drop_unknown_keys)]
pub struct Notifications {
    pub email: bool,
    #[serde(default)]
    pub push: bool,
}

fn main() {}
