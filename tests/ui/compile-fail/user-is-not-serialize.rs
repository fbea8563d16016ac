//! A `User` holds private metadata, so it is not `Serialize`: answering a browser with
//! it does not compile. `FrontendUser::from(user)` is the browser's view.

use clerk_metadata::{User, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
}

fn answer(user: &User<AppUser>) -> String {
    serde_json::to_string(user).unwrap()
}

fn main() {}
