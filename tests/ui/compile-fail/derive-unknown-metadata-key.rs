use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
#[metadata(visibility = "all")]
pub struct AppUser {
    #[metadata(publik)]
    pub role: String,
    #[metadata(unsafe, default)]
    pub theme: String,
}

fn main() {}
