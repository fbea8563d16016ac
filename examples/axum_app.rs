//! Clerk's documented route in Rust, in axum: `POST /api/update-user` (the signed-in
//! user → first and last name → the updated user), `POST /api/preferences` (the
//! browser's own unsafe metadata), `POST /api/admin/role` (an admin sets a public
//! role), and a page to try them (`GET /`).
//!
//! `cargo run --example axum_app --features axum_app` runs it on `FakeClerk`, with its
//! fixed test-only keys, and prints a `curl` line and a link with valid session tokens.
//! With `CLERK_SECRET_KEY` set it runs against the real instance unchanged (set
//! `CLERK_JWT_KEY` for networkless verification and `CLERK_AUTHORIZED_PARTIES` to the
//! app's origin). `PORT` picks the port (default 3000).

use std::error::Error;

use clerk_metadata::claims;
use clerk_metadata::client::Clerk;
use clerk_metadata::session::SessionVerifier;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::axum_app::{App, AppUser, router};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let origin = format!("http://{}", listener.local_addr()?);

    let _fake;
    let app = if std::env::var("CLERK_SECRET_KEY").is_ok() {
        let clerk = Clerk::from_env()?;
        let sessions = SessionVerifier::from_env(clerk.clone())?;
        println!("Against the real Clerk instance of CLERK_SECRET_KEY.");
        if std::env::var("CLERK_AUTHORIZED_PARTIES").is_err() {
            eprintln!(
                "warning: CLERK_AUTHORIZED_PARTIES is not set: tokens made for any origin of the instance are accepted (set it to {origin})"
            );
        }
        App { clerk, sessions }
    } else {
        let fake = FakeClerk::start()?;
        fake.set_authorized_party(&origin);
        let member = fake.insert_user(json!({
            "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
            "first_name": "Jonathan",
            "public_metadata": {"role": "member"},
        }))?;
        let admin = fake.insert_user(json!({
            "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Ad",
            "first_name": "Winston",
            "public_metadata": {"role": "admin"},
        }))?;
        // The customization the Clerk Dashboard would hold: `role` as a claim.
        fake.customize_session_token(claims::template::<AppUser>());
        let member_token = fake.session_token_with(&member, json!({"exp": now() + 3600}))?;
        let admin_token = fake.session_token_with(&admin, json!({"exp": now() + 3600}))?;
        println!(
            "On FakeClerk at {} (tokens valid for an hour).\n",
            fake.url()
        );
        println!("The documented route, as the member:");
        println!(
            "  curl -X POST {origin}/api/update-user -H 'Authorization: Bearer {member_token}'\n"
        );
        println!("A browser write that tries to set the public role (refused, 422):");
        println!(
            "  curl -X POST {origin}/api/preferences -H 'Authorization: Bearer {member_token}' -H 'Content-Type: application/json' -d '{{\"theme\":\"dark\",\"role\":\"admin\"}}'\n"
        );
        println!("The admin sets the member's role:");
        println!(
            "  curl -X POST {origin}/api/admin/role -H 'Authorization: Bearer {admin_token}' -H 'Content-Type: application/json' -d '{{\"user_id\":\"{member}\",\"role\":\"admin\"}}'\n"
        );
        println!("The page, signed in as the member:\n  {origin}/#token={member_token}\n");
        let clerk = fake.client()?;
        let sessions = fake.session_verifier()?;
        _fake = fake;
        App { clerk, sessions }
    };
    println!("Listening on {origin}");
    axum::serve(listener, router(app)).await?;
    Ok(())
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
