//! The support module of generated code opens nothing: a `Frontend` patch's public
//! storage cannot be read into, and only `Backend` opens a public slot.

use clerk_metadata::__private_0_1::{At, ObjectFields};
use clerk_metadata::{CanWrite, Frontend, MetadataPatch, Public, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(unsafe)]
    pub theme: String,
}

fn forge<'de, A: serde::de::MapAccess<'de>>(map: &mut A, at: At<'_>) {
    let mut patch = AppUserPatch::<Frontend>::new();
    let parts = patch.__parts_mut();
    let _ = ObjectFields::read_field(parts.public, 0, map, at);
    let _ = <Frontend as CanWrite<AppUserPublic, Public>>::__open(parts.public);
}

fn main() {}
