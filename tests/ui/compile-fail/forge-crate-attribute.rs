//! `#[metadata(crate = "...")]` could point the generated code at a look-alike crate
//! with an open guard: it is refused.

mod fake {
    pub use clerk_metadata::*;
}

#[derive(clerk_metadata::UserMetadata)]
#[metadata(crate = "crate::fake")]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
}

fn main() {}
