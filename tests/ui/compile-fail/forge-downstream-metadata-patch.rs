//! A hand-written `MetadataPatch` that claims `Frontend` cannot hand over public
//! values: a `Frontend` patch's public storage is `Denied`, which holds none.

use clerk_metadata::__private_0_1::{PartsMutOf, PartsOf, PatchParts, PatchPartsMut};
use clerk_metadata::{Frontend, MetadataPatch, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(unsafe)]
    pub theme: String,
}

pub struct Evil {
    public: __AppUserPublicFields,
    unsafe_: __AppUserUnsafeFields,
}

impl MetadataPatch for Evil {
    type Writer = Frontend;
    type __Public = __AppUserPublicFields;
    type __Private = __AppUserPrivateFields;
    type __Unsafe = __AppUserUnsafeFields;

    fn __parts(&self) -> PartsOf<'_, Self> {
        PatchParts {
            public: &self.public,
            private: &clerk_metadata::__private_0_1::Denied,
            unsafe_: &self.unsafe_,
        }
    }

    fn __parts_mut(&mut self) -> PartsMutOf<'_, Self> {
        PatchPartsMut {
            public: &mut self.public,
            private: Box::leak(Box::new(clerk_metadata::__private_0_1::Denied)),
            unsafe_: &mut self.unsafe_,
        }
    }
}

fn main() {}
