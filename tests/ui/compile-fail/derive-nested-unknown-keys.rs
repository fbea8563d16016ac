// A nested object must keep the keys it does not name, or say that it drops them; the
// field that keeps them is an `UnknownKeys`, once, without a tier.
use clerk_metadata::{MetadataObject, UnknownKeys};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Forgets {
    pub email: bool,
}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct FlattensAMap {
    pub email: bool,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
#[metadata(drop_unknown_keys)]
pub struct Contradicts {
    pub email: bool,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
#[metadata(drop_unknown_keys)]
pub struct DropsOnPurpose {
    pub email: bool,
}

fn main() {}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct SkipsThem {
    pub email: bool,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}

#[derive(Default, Serialize, Deserialize, MetadataObject)]
#[serde(default, deny_unknown_fields)]
pub struct DeniesThem {
    pub email: bool,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}
