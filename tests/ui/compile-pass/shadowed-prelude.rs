//! The generated code names nothing from the user's scope: a user's own `Result`,
//! `Option`, `Default`, `Some`, `From` and a local `serde` module break nothing.

#![deny(warnings)]

#![allow(dead_code)]

mod serde {}

type Result<T> = core::result::Result<T, ()>;
struct Option;
trait Default {}
trait From {}
struct Some;
struct None;
enum Ok {}
enum Err {}

use clerk_metadata::{Backend, UserMetadata};

#[derive(UserMetadata)]
#[metadata(derive(Debug, Clone, PartialEq, Default))]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(private)]
    pub stripe_customer_id: core::option::Option<String>,
}

fn main() {
    let patch = AppUserPatch::<Backend>::new().role("admin".to_owned());
    assert!(!patch.is_empty());
    let _ = format!("{patch:?}");
}
