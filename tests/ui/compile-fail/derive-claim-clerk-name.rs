// A claim named like one of Clerk's own: Clerk keeps its value, so the field would read
// Clerk's.
use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public, claim = "azp")]
    pub origin: Option<String>,
    #[metadata(public, claim)]
    #[serde(rename = "sid")]
    pub site_id: Option<String>,
}

fn main() {}
