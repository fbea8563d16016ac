use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser;

fn main() {}
