//! Keeps a SQLite table of users in sync from Clerk's webhooks, and promotes a sign-up's
//! requested plan to public metadata once checked.
//!
//! ```sh
//! cargo run --example webhook_sync --features webhook_sync              # in memory
//! cargo run --example webhook_sync --features webhook_sync -- --measure # events/s
//! ```
//!
//! By default it runs against `FakeClerk`, which delivers signed webhooks to the app as
//! Clerk does. Against a real instance, set `CLERK_SECRET_KEY` and
//! `CLERK_WEBHOOK_SIGNING_SECRET`, expose `POST /webhooks/clerk` (the port is printed)
//! to Clerk's webhook deliveries, and subscribe it to `user.created`, `user.updated`
//! and `user.deleted`.

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clerk_metadata::client::Clerk;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::webhooks::{WebhookSecret, Webhooks};
use clerk_metadata::{Backend, NewUser, UserUpdate};
use clerk_metadata_examples::webhook_sync::{
    App, AppUser, AppUserPatch, AppUserUnsafe, Db, Plan, Role, router,
};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let measure = std::env::args().any(|a| a == "--measure");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/clerk", listener.local_addr()?);
    let db = Arc::new(Db::open(None)?);

    if std::env::var("CLERK_SECRET_KEY").is_ok() {
        let app = App {
            clerk: Clerk::from_env()?,
            webhooks: Webhooks::from_env()?,
            db,
        };
        println!("Against the real Clerk: deliver webhooks to POST {url}");
        axum::serve(listener, router(app)).await?;
        return Ok(());
    }

    let fake = FakeClerk::start()?;
    let endpoint = fake.add_webhook_endpoint(&url)?;
    let app = App {
        clerk: fake.client()?,
        webhooks: Webhooks::new(WebhookSecret::new(endpoint.secret())?),
        db: db.clone(),
    };
    let clerk = app.clerk.clone();
    tokio::spawn(async move { axum::serve(listener, router(app)).await });
    println!("FakeClerk at {}, delivering to {url}\n", fake.url());

    if measure {
        return events_per_second(&fake, &clerk, &db).await;
    }

    let users = clerk.users::<AppUser>();
    // Sign-ups: each asks for a plan in unsafe metadata, which the backend checks.
    let mut ids = Vec::new();
    for (name, requested) in [
        ("Ada", Plan::Trial),
        ("Grace", Plan::Pro),
        ("Alan", Plan::Free),
    ] {
        let request = AppUserUnsafe {
            requested_plan: Some(requested),
        };
        let user = users
            .create(
                NewUser::new()
                    .first_name(name)
                    .email_address(format!("{}@example.com", name.to_lowercase()))
                    .unsafe_metadata(request),
            )
            .await?;
        println!(
            "created {name} ({}), asking for {requested:?}",
            user.profile.id
        );
        ids.push(user.profile.id);
    }
    users
        .update(
            &ids[0],
            UserUpdate::new().metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
        .await?;
    users.delete(&ids[2]).await?;
    println!("made Ada an admin, deleted Alan\n");

    fake.settle_webhooks(Duration::from_secs(30)).await;
    println!("the users table, from {} deliveries:", db.deliveries()?);
    for row in db.rows()? {
        println!(
            "  {} {:<6} role={:<7} plan={:<6} deleted={}",
            row.id,
            row.first_name.as_deref().unwrap_or("-"),
            row.role,
            row.plan.as_deref().unwrap_or("-"),
            row.deleted
        );
    }
    Ok(())
}

/// Updates one user many times through the client and measures how fast the app
/// applies the deliveries, from the first write until every delivery has settled.
async fn events_per_second(fake: &FakeClerk, clerk: &Clerk, db: &Db) -> Result<(), Box<dyn Error>> {
    const UPDATES: usize = 2_000;
    // The per-user rate limit would slow the writes, not the deliveries: spread them.
    let users = clerk.users::<AppUser>();
    let mut ids = Vec::new();
    for i in 0..200 {
        let user = users
            .create(NewUser::new().email_address(format!("user{i}@example.com")))
            .await?;
        ids.push(user.profile.id);
    }
    fake.settle_webhooks(Duration::from_secs(60)).await;
    let before = db.deliveries()?;
    let start = Instant::now();
    for i in 0..UPDATES {
        let patch = AppUserPatch::<Backend>::new().role(if i % 2 == 0 {
            Role::Admin
        } else {
            Role::Member
        });
        users
            .update(&ids[i % ids.len()], UserUpdate::new().metadata(patch))
            .await?;
    }
    let settled = fake.settle_webhooks(Duration::from_secs(120)).await;
    let elapsed = start.elapsed();
    let applied = db.deliveries()? - before;
    println!(
        "{applied} deliveries applied in {:.2} s: {:.0} events/s (settled: {settled}; each: a signed POST over loopback, verified, typed, written to SQLite)",
        elapsed.as_secs_f64(),
        applied as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}
