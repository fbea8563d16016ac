//! serde's split, repeated and `cfg_attr` forms, resolved as serde resolves them,
//! where both directions agree.

#![deny(warnings)]

use clerk_metadata::{Backend, Frontend, UserMetadata};

#[derive(UserMetadata)]
#[serde(rename_all(serialize = "camelCase"))]
#[serde(rename_all(deserialize = "camelCase"))]
pub struct Profile {
    #[metadata(public)]
    #[serde(rename(serialize = "lvl"))]
    #[serde(rename(deserialize = "lvl"), alias = "level")]
    pub access_level: u32,
    #[metadata(unsafe)]
    #[cfg_attr(all(), serde(rename = "colour"))]
    #[serde(default)]
    pub favourite_colour: String,
    #[metadata(unsafe)]
    pub display_name: Option<String>,
}

fn main() {
    let (public, _, unsafe_) = Profile {
        access_level: 2,
        favourite_colour: "red".to_owned(),
        display_name: None,
    }
    .into_tiers();
    assert_eq!(serde_json::to_string(&public).unwrap(), r#"{"lvl":2}"#);
    // `None` is left out of the object, as `JSON.stringify` leaves out `undefined`.
    assert_eq!(serde_json::to_string(&unsafe_).unwrap(), r#"{"colour":"red"}"#);
    let patch = ProfilePatch::<Backend>::new().access_level(3).remove_display_name();
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"public_metadata":{"lvl":3,"level":null},"unsafe_metadata":{"displayName":null}}"#
    );
    let read: ProfilePatch<Frontend> = serde_json::from_str(r#"{"colour": "blue"}"#).unwrap();
    assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"unsafe_metadata":{"colour":"blue"}}"#);
    let read: ProfilePatch<Backend> = serde_json::from_str(r#"{"level": 4}"#).unwrap();
    // A write deletes the old key, so the stored object never holds both.
    assert_eq!(serde_json::to_string(&read).unwrap(), r#"{"public_metadata":{"lvl":4,"level":null}}"#);
}
