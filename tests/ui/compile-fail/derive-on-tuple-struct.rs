use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub struct AppUser(#[metadata(public)] String);

fn main() {}
