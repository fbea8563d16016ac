//! serde merges split and repeated attributes; a key written one way and read another
//! would be read as missing and deleted by the next replace, so each form is refused.

use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct TwoAttributes {
    #[metadata(public)]
    #[serde(rename(deserialize = "lvl"))]
    #[serde(rename(serialize = "level"))]
    pub access_level: u32,
}

#[derive(UserMetadata)]
pub struct OneAttribute {
    #[metadata(public)]
    #[serde(rename(serialize = "level", deserialize = "lvl"))]
    pub access_level: u32,
}

#[derive(UserMetadata)]
pub struct OnlyDeserialize {
    #[metadata(public)]
    #[serde(rename(deserialize = "lvl"))]
    pub access_level: u32,
}

#[derive(UserMetadata)]
#[serde(rename_all(serialize = "camelCase"))]
pub struct SplitRenameAll {
    #[metadata(public)]
    pub access_level: u32,
}

#[derive(UserMetadata)]
#[cfg_attr(all(), serde(rename_all(deserialize = "kebab-case")))]
pub struct ThroughCfgAttr {
    #[metadata(public)]
    pub access_level: u32,
}

#[derive(UserMetadata)]
pub struct Repeated {
    #[metadata(public)]
    #[serde(rename = "a")]
    #[serde(rename = "b")]
    pub access_level: u32,
}

fn main() {}
