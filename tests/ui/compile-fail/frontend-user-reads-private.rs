use clerk_metadata::{FrontendUser, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
}

fn main() {
    let user = FrontendUser::<AppUser>::from_json(b"{}").unwrap();
    let _ = &user.public_metadata.role;
    let _ = &user.private_metadata.stripe_customer_id;
}
