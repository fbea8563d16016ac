//! Tier structs are `Clone` exactly when their fields are; the error leads to the fix.

use clerk_metadata::UserMetadata;

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Plan {
    pub name: String,
}

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub plan: Plan,
}

fn main() {
    let (public, _, _) = AppUser { plan: Plan { name: "pro".to_owned() } }.into_tiers();
    let _copy: AppUserPublic = public.clone();
}
