//! Every context may write unsafe metadata, so code generic over the context can.

#![deny(warnings)]

use clerk_metadata::{Backend, Writer, Frontend, UserMetadata};

#[derive(UserMetadata)]
pub struct AppUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(unsafe)]
    pub theme: String,
}

fn dark<C: Writer>(patch: AppUserPatch<C>) -> AppUserPatch<C> {
    patch.theme("dark".to_owned()).set_unsafe(AppUserUnsafe { theme: "light".to_owned() })
}

fn main() {
    let frontend = dark(AppUserPatch::<Frontend>::new());
    let backend = dark(AppUserPatch::<Backend>::new()).role("admin".to_owned());
    assert_eq!(serde_json::to_string(&frontend).unwrap(), r#"{"unsafe_metadata":{"theme":"light"}}"#);
    assert_eq!(
        serde_json::to_string(&backend).unwrap(),
        r#"{"public_metadata":{"role":"admin"},"unsafe_metadata":{"theme":"light"}}"#
    );
}
