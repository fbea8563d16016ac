// A sign-up's requested plan: the user's request, which the backend checks before it
// writes the plan to public metadata.
#![deny(warnings)]
use clerk_metadata::{Backend, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    #[serde(default)]
    pub plan: Option<String>,
    #[metadata(unsafe, user_controlled)]
    #[serde(default)]
    pub requested_plan: Option<String>,
    #[metadata(unsafe)]
    #[serde(default)]
    pub planet: Option<String>,
}

fn main() {
    let _promote = AppUserPatch::<Backend>::new()
        .plan(Some("pro".to_owned()))
        .remove_requested_plan();
}
