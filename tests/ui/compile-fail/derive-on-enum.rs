use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub enum AppUser {
    Admin,
    Member,
}

fn main() {}
