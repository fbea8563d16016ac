// Unsafe fields whose names read like authorization facts: the signed-in user writes
// them, so nothing may be authorized from them unless the schema says so.
use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(unsafe)]
    #[serde(default)]
    pub role: Option<String>,
    #[metadata(unsafe)]
    #[serde(default, rename = "isAdmin")]
    pub admin_flag: bool,
    #[metadata(unsafe)]
    #[serde(default, alias = "subscription")]
    pub chosen: Option<String>,
    // Fine: the user's own choice, nothing the app authorizes from.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Option<String>,
    // Acknowledged on the wrong tier.
    #[metadata(public, user_controlled)]
    pub plan: Option<String>,
}

fn main() {}
