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
    fn promote<C: clerk_metadata::Writer>(patch: AppUserPatch<C>) -> AppUserPatch<C> {
        patch.role("admin".to_owned())
    }
    let _ = promote(AppUserPatch::<Frontend>::new());
    let _ = AppUserPatch::<Backend>::new();
}
