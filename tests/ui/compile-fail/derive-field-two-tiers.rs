use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public, unsafe)]
    pub role: String,
    #[metadata(private)]
    #[metadata(unsafe)]
    pub stripe_customer_id: String,
}

fn main() {}
