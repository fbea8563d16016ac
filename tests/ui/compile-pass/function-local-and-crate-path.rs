//! A schema inside a function, and `#[metadata(crate = ...)]` for a renamed dependency.

mod renamed {
    pub use clerk_metadata as metadata_crate;
}

fn main() {
    use clerk_metadata::{Frontend, UserMetadata};

    #[derive(UserMetadata)]
    #[metadata(crate = "crate::renamed::metadata_crate")]
    struct Local {
        #[metadata(unsafe)]
        theme: String,
    }

    let (_, private, unsafe_) = Local { theme: "dark".to_owned() }.into_tiers();
    assert_eq!(serde_json::to_string(&private).unwrap(), "{}");
    assert_eq!(unsafe_.theme, "dark");
    let _ = LocalPatch::<Frontend>::new().theme("light".to_owned());
}
