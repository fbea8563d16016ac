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

// The same inside a nested object: acknowledged on the nested field.
mod nested {
    use clerk_metadata::{MetadataObject, UnknownKeys, UserMetadata};
    use serde::{Deserialize, Serialize};

    #[derive(Default, Serialize, Deserialize, MetadataObject)]
    #[serde(default)]
    pub struct SignUp {
        #[metadata(user_controlled)]
        pub requested_plan: Option<String>,
        pub referrer: Option<String>,
        #[serde(flatten)]
        pub unknown: UnknownKeys,
    }

    #[derive(UserMetadata)]
    pub struct AppUser {
        #[metadata(unsafe, nested)]
        #[serde(default)]
        pub sign_up: Option<SignUp>,
    }
}
