use clerk_metadata::{ApiVersion, Backend, Frontend, UserMetadata, UserUpdate};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    #[metadata(unsafe)]
    pub theme: String,
}

fn main() {
    let _ = UserUpdate::<Frontend>::new().replace_public(AppUserPublic { role: "admin".to_owned() });
    let _ = (ApiVersion::LATEST, UserUpdate::<Backend>::new(), AppUserPatch::<Frontend>::new());
}
