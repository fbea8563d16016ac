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
    let _ = UserUpdate::<Frontend>::new().first_name("John").password("correct horse battery staple");
    let _ = (ApiVersion::LATEST, UserUpdate::<Backend>::new(), AppUserPatch::<Frontend>::new());
}
