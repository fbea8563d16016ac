//! A schema inside a function, whose field types are local to the function too.

#![deny(warnings)]

fn main() {
    use clerk_metadata::{Frontend, UserMetadata};

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    enum LocalTheme {
        Dark,
        Light,
    }

    #[derive(UserMetadata)]
    struct Local {
        #[metadata(unsafe)]
        theme: LocalTheme,
    }

    let (_, private, unsafe_) = Local { theme: LocalTheme::Dark }.into_tiers();
    assert_eq!(serde_json::to_string(&private).unwrap(), "{}");
    assert_eq!(unsafe_.theme, LocalTheme::Dark);
    let _ = LocalPatch::<Frontend>::new().theme(LocalTheme::Light);
}
