use clerk_metadata::{Backend, Frontend, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: Option<String>,
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    #[metadata(unsafe)]
    pub theme: String,
}

fn main() {
    let _ = AppUserPatch::<Frontend>::new().theme("dark".to_owned()).remove_role();
    let _ = AppUserPatch::<Backend>::new();
}
