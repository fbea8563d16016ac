//! The main example: a schema, its tiers, a backend patch, a frontend patch, and a
//! browser body that tries to set a public field.
//!
//! Run with `cargo run --example tour`.

use clerk_metadata::{Backend, Frontend, UserMetadata};
use serde::{Deserialize, Serialize};

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May manage other users.
    Admin,
    /// A regular user.
    Member,
}

/// The colour scheme the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system setting.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The app's view of a Clerk user's metadata.
#[derive(UserMetadata)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct AppUser {
    /// Shown in the UI; only the backend may change it.
    #[metadata(public)]
    pub role: Role,
    /// The user's Stripe customer, for billing code only.
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    /// The user's own choice of colours.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Theme,
}

fn main() -> Result<(), serde_json::Error> {
    let user = AppUser {
        role: Role::Member,
        stripe_customer_id: Some("cus_NffrFeUfNV2Hib".to_owned()),
        theme: Theme::Dark,
    };
    let (public, private, unsafe_) = user.into_tiers();
    println!("public_metadata:  {}", serde_json::to_string(&public)?);
    println!("private_metadata: {}", serde_json::to_string(&private)?);
    println!("unsafe_metadata:  {}", serde_json::to_string(&unsafe_)?);
    println!("Debug of the private tier: {private:?}");

    let backend = AppUserPatch::<Backend>::new()
        .role(Role::Admin)
        .remove_stripe_customer_id();
    println!("\nbackend patch:  {}", serde_json::to_string(&backend)?);

    let frontend = AppUserPatch::<Frontend>::new().theme(Theme::Light);
    println!("frontend patch: {}", serde_json::to_string(&frontend)?);

    // A browser sends the flat body the app's handler deserializes.
    let body = r#"{"theme": "dark"}"#;
    let accepted: AppUserPatch<Frontend> = serde_json::from_str(body)?;
    println!(
        "\nbrowser body {body} -> {}",
        serde_json::to_string(&accepted)?
    );
    for body in [
        r#"{"theme": "dark", "role": "admin"}"#,
        r#"{"is_admin": true}"#,
    ] {
        match serde_json::from_str::<AppUserPatch<Frontend>>(body) {
            Ok(patch) => println!("browser body {body} -> accepted?! {patch:?}"),
            Err(error) => println!("browser body {body} -> rejected: {error}"),
        }
    }
    Ok(())
}
