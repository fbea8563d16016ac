//! In the schema's own module, a `Frontend` patch has no field to put a public or
//! private value in: not by name, not through its storage, not in a struct literal.

use clerk_metadata::{Frontend, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    #[metadata(unsafe)]
    pub theme: String,
}

fn main() {
    let mut patch = AppUserPatch::<Frontend>::new();
    patch.role = clerk_metadata::__private_0_1::FieldPatch::Set("admin".to_owned());
    patch.__public.role = clerk_metadata::__private_0_1::FieldPatch::Set("admin".to_owned());
    patch.__private.stripe_customer_id = clerk_metadata::__private_0_1::FieldPatch::Remove;
    let _literal = AppUserPatch::<Frontend> {
        __public: __AppUserPublicFields::default(),
        __private: clerk_metadata::__private_0_1::Denied,
        __unsafe: __AppUserUnsafeFields::default(),
    };
}
