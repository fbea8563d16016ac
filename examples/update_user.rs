//! The main example: a schema, its tiers, a backend patch, a frontend patch, a browser
//! body that tries to set a public field, then the requests of a user update (the seed
//! scenario: first name John, last name Wick, plus a metadata patch) and an update that
//! validation rejects.
//!
//! Run with `cargo run --example update_user`.

use std::error::Error;

use clerk_metadata::{ApiRequest, ApiVersion, Backend, Frontend, UserId, UserMetadata, UserUpdate};
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

fn print_requests(requests: &[ApiRequest]) {
    for request in requests {
        println!("  {request}");
        for (name, value) in request.headers() {
            println!("    {name}: {value}");
        }
        println!("    {}", String::from_utf8_lossy(request.body()));
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    println!("== Tiers, patches and the browser guard\n");
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

    println!("\n== Updating a user: first name John, last name Wick, and a metadata patch\n");
    let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")?;
    let requests = UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick")
        .metadata(AppUserPatch::<Backend>::new().role(Role::Admin))
        .build(&id, ApiVersion::LATEST)?;
    print_requests(&requests);

    println!("\n== The same user, from the browser (Frontend API)\n");
    let mine = UserUpdate::<Frontend>::new()
        .username("jwick")
        .metadata(AppUserPatch::<Frontend>::new().theme(Theme::Dark))
        .build(ApiVersion::LATEST)?;
    print_requests(&mine);

    println!("\n== An update that validation rejects, with every error\n");
    let rejected = UserUpdate::<Backend>::new()
        .username("j.w")
        .password("short")
        .skip_password_checks(true)
        .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMye")
        .locale("English")
        .build(&id, ApiVersion::LATEST);
    match rejected {
        Ok(requests) => println!("unexpectedly accepted: {requests:?}"),
        Err(errors) => {
            println!("{} errors:", errors.len());
            for error in &errors {
                println!(
                    "  {:<16} {:<34} {}",
                    error.field(),
                    error.code(),
                    error.message()
                );
            }
        }
    }
    println!(
        "\nA bad user ID never becomes a path: {}",
        UserId::parse("user_../../admin").unwrap_err()
    );
    Ok(())
}
