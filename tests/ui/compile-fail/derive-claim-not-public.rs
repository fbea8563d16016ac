// Only public metadata goes into the session token, and one claim holds one field.
use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(private, claim)]
    pub stripe_customer_id: Option<String>,
    #[metadata(public, claim = "role")]
    pub role: String,
    #[metadata(public, claim = "role")]
    pub legacy_role: Option<String>,
}

fn main() {}
