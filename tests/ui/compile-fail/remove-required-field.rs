//! A typed removal of a field the schema requires does not compile: the stored
//! metadata could no longer be read. The method whose name says so does.

use clerk_metadata::{Backend, Frontend, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(unsafe)]
    pub lang: String,
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: String,
}

fn main() {
    let _ = AppUserPatch::<Frontend>::new().remove_lang();
    let _ = AppUserPatch::<Backend>::new().remove_role();
    // Fine: optional, or asked for by name.
    let _ = AppUserPatch::<Frontend>::new().remove_theme();
    let _ = AppUserPatch::<Backend>::new().remove_required_role().remove_required_lang();
}
