use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    pub theme: String,
}

fn main() {}
