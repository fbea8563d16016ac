//! The main example: Clerk's documented `updateUser` job in Rust. It updates a user's
//! first and last name and their metadata in one call, then prints the updated user as
//! a browser may see it, and shows the guard on what a browser may write.
//!
//! `cargo run --example update_user` runs it against `FakeClerk`, an in-process fake of
//! Clerk's Backend API (no account needed). With `CLERK_SECRET_KEY` and `CLERK_USER_ID`
//! set, it runs against the real Clerk, unchanged.

use std::error::Error;

use clerk_metadata::client::Clerk;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{Backend, Frontend, FrontendUser, UserId, UserMetadata, UserUpdate};
use serde::{Deserialize, Serialize};

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May manage other users.
    Admin,
    /// A regular user.
    #[default]
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

/// The app's view of a Clerk user's metadata. Every field has a default, so a user
/// whose metadata is still empty reads fine.
#[derive(UserMetadata)]
pub struct AppUser {
    /// Shown in the UI; only the backend may change it.
    #[metadata(public)]
    #[serde(default)]
    pub role: Role,
    /// The user's Stripe customer, for billing code only.
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    /// The user's own choice of colours.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Theme,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    // The real Clerk if the environment names a key and a user; the fake otherwise.
    let fake;
    let (clerk, user_id) = match (
        std::env::var("CLERK_SECRET_KEY"),
        std::env::var("CLERK_USER_ID"),
    ) {
        (Ok(_), Ok(id)) => {
            println!("== Against the real Clerk (CLERK_SECRET_KEY, CLERK_USER_ID)\n");
            (Clerk::from_env()?, UserId::parse(&id)?)
        }
        _ => {
            fake = FakeClerk::start()?;
            println!(
                "== Against FakeClerk at {} (set CLERK_SECRET_KEY and CLERK_USER_ID for the real Clerk)\n",
                fake.url()
            );
            let id = fake.insert_user(serde_json::json!({
                "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
                "first_name": "Jonathan",
                "public_metadata": {"role": "member", "beta_flags": {"new_nav": true}},
                "private_metadata": {"stripe_customer_id": "cus_NffrFeUfNV2Hib"},
            }))?;
            (fake.client()?, id)
        }
    };

    // clerkClient.users.updateUser(userId, { firstName: 'John', lastName: 'Wick' }),
    // plus a typed metadata patch: validated, then sent (profile, then metadata).
    let users = clerk.users::<AppUser>();
    let user = users
        .update(
            &user_id,
            UserUpdate::<Backend>::new()
                .first_name("John")
                .last_name("Wick")
                .metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
        .await?;
    println!(
        "updated: {} {}, role {:?}",
        user.profile.first_name.as_deref().unwrap_or(""),
        user.profile.last_name.as_deref().unwrap_or(""),
        user.public_metadata.value().role,
    );

    // The answer for the browser: the browser view has no private metadata at all.
    let for_browser = FrontendUser::from(user);
    let json = serde_json::to_value(&for_browser)?;
    println!("\nthe user as a browser may see it:");
    for key in [
        "id",
        "first_name",
        "last_name",
        "public_metadata",
        "unsafe_metadata",
    ] {
        println!("  {key}: {}", json[key]);
    }
    println!(
        "  private_metadata: {}",
        if json.get("private_metadata").is_some() {
            "present?!"
        } else {
            "absent"
        }
    );

    // What a browser may write: unsafe metadata only, checked when its JSON is read.
    println!("\n== What a browser sends to the app\n");
    for body in [
        r#"{"theme": "dark"}"#,
        r#"{"theme": "dark", "role": "admin"}"#,
    ] {
        match serde_json::from_str::<AppUserPatch<Frontend>>(body) {
            Ok(patch) => println!("{body}\n  accepted: {}", serde_json::to_string(&patch)?),
            Err(error) => println!("{body}\n  rejected: {error}"),
        }
    }
    Ok(())
}
