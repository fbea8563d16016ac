//! Container and field serde attributes carry over to the tier structs and the patch.

#![deny(warnings)]

use clerk_metadata::{Backend, UserMetadata};

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(UserMetadata)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    #[metadata(public)]
    pub display_name: String,
    #[metadata(public)]
    #[serde(rename = "lvl", alias = "level")]
    pub access_level: u32,
    #[metadata(unsafe)]
    #[serde(default, skip_serializing_if = "is_zero")]
    pub visit_count: u32,
}

fn main() {
    let (public, _, unsafe_) = Profile { display_name: "A".to_owned(), access_level: 2, visit_count: 0 }.into_tiers();
    assert_eq!(serde_json::to_string(&public).unwrap(), r#"{"displayName":"A","lvl":2}"#);
    assert_eq!(serde_json::to_string(&unsafe_).unwrap(), "{}");
    let patch = ProfilePatch::<Backend>::new().display_name("B".to_owned()).access_level(3);
    assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"public_metadata":{"displayName":"B","lvl":3,"level":null}}"#);
    let read: ProfilePatch<Backend> = serde_json::from_str(r#"{"level": 4, "visitCount": 1}"#).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"public_metadata":{"lvl":4,"level":null},"unsafe_metadata":{"visitCount":1}}"#);
}
