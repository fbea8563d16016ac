use clerk_metadata::{Backend, Frontend, UserMetadata};

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
    let backend = AppUserPatch::<Backend>::new().role("admin".to_owned());
    let _ = backend.widen::<Frontend>();
}
