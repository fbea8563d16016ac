use clerk_metadata::UserMetadata;

#[derive(UserMetadata)]
pub union AppUser {
    id: u32,
    flags: u32,
}

fn main() {}
