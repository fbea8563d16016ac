//! `r#type` is the JSON key `type`, the setter `r#type` and the remover `remove_type`.

#![deny(warnings)]

use clerk_metadata::{Frontend, UserMetadata};

#[derive(UserMetadata)]
pub struct Account {
    #[metadata(public)]
    pub r#type: String,
    #[metadata(unsafe)]
    pub r#match: Option<String>,
}

fn main() {
    let (public, _, _) = Account { r#type: "team".to_owned(), r#match: None }.into_tiers();
    assert_eq!(serde_json::to_string(&public).unwrap(), r#"{"type":"team"}"#);
    let patch = AccountPatch::<Frontend>::new().r#match(Some("x".to_owned())).remove_match();
    assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"unsafe_metadata":{"match":null}}"#);
    let read: AccountPatch<Frontend> = serde_json::from_str(r#"{"match": "y"}"#).unwrap();
    assert!(!read.is_empty());
}
