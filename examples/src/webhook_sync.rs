//! The app of `examples/webhook_sync.rs`: a SQLite table of users kept in sync from
//! Clerk's webhooks, and a sign-up's requested plan checked and promoted to public
//! metadata.
//!
//! Clerk delivers at least once, retries, and does not keep order. So the handler:
//! - answers a delivery whose ID it applied before with 200 and changes nothing; it
//!   records the ID only once the delivery is applied, so an attempt that failed, timed
//!   out or was cut off is applied again by Clerk's retry (every step is idempotent);
//! - writes a user's row only if the event is newer than the row (`updated_at`, Unix
//!   milliseconds): a late `user.updated` never overwrites a newer one;
//! - keeps a deleted user as a tombstone for good (Clerk never reuses a user ID), so a
//!   late `user.updated` does not bring the user back;
//! - promotes from the user as Clerk holds it when the promotion runs, not from the
//!   event's snapshot, which a retried or late delivery may carry long after the plan
//!   changed.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use clerk_metadata::axum::ClerkWebhook;
use clerk_metadata::client::Clerk;
use clerk_metadata::webhooks::{WebhookEvent, Webhooks};
use clerk_metadata::{Backend, TierRead, User, UserId, UserMetadata};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A regular user.
    #[default]
    Member,
    /// May manage the app.
    Admin,
}

/// What the user pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// The free plan.
    Free,
    /// Fourteen days of everything.
    Trial,
    /// The paid plan: granted by billing, never by a request.
    Pro,
}

impl Plan {
    fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Trial => "trial",
            Plan::Pro => "pro",
        }
    }
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
}

/// The app's metadata.
#[derive(UserMetadata)]
pub struct AppUser {
    /// Only the backend writes it.
    #[metadata(public)]
    #[serde(default)]
    pub role: Role,
    /// The plan the app granted.
    #[metadata(public)]
    #[serde(default)]
    pub plan: Option<Plan>,
    /// The plan the user asked for at sign-up
    /// (`signUp.create({ unsafeMetadata: { requested_plan: "trial" } })`): the user's
    /// request, checked before anything is granted.
    #[metadata(unsafe, user_controlled)]
    #[serde(default)]
    pub requested_plan: Option<Plan>,
}

/// The plan a request earns: what the user may choose alone. A paid plan comes from
/// billing, so a request for it gets the free plan.
pub fn granted(requested: Plan) -> Plan {
    match requested {
        Plan::Free | Plan::Pro => Plan::Free,
        Plan::Trial => Plan::Trial,
    }
}

/// One row of the `users` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Clerk's user ID.
    pub id: String,
    /// The first name, if any.
    pub first_name: Option<String>,
    /// `role` from public metadata.
    pub role: String,
    /// `plan` from public metadata.
    pub plan: Option<String>,
    /// The user's `updated_at` (or, for a deleted user, the deletion's time), Unix ms.
    pub updated_at: i64,
    /// Whether the user was deleted (the row is a tombstone).
    pub deleted: bool,
}

/// The app's database: one SQLite connection (a file or in memory).
pub struct Db(Mutex<Connection>);

impl Db {
    /// Opens `path`, or an in-memory database, and creates the tables.
    pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Db> {
        let connection = match path {
            Some(path) => Connection::open(path)?,
            None => Connection::open_in_memory()?,
        };
        connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS users (
                 id TEXT PRIMARY KEY,
                 first_name TEXT,
                 role TEXT NOT NULL,
                 plan TEXT,
                 updated_at INTEGER NOT NULL,
                 deleted INTEGER NOT NULL DEFAULT 0
             );
             CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY);",
        )?;
        Ok(Db(Mutex::new(connection)))
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether delivery `id` was applied before.
    fn applied(&self, id: &str) -> rusqlite::Result<bool> {
        self.lock()
            .query_row(
                "SELECT 1 FROM deliveries WHERE id = ?1",
                params![id],
                |_| Ok(()),
            )
            .optional()
            .map(|row| row.is_some())
    }

    /// Records delivery `id` as applied.
    fn record(&self, id: &str) -> rusqlite::Result<()> {
        self.lock().execute(
            "INSERT OR IGNORE INTO deliveries (id) VALUES (?1)",
            params![id],
        )?;
        Ok(())
    }

    /// Writes `user`'s row, unless the row is as new or newer, or the user was deleted.
    fn upsert(&self, user: &User<AppUser>) -> rusqlite::Result<()> {
        let public = &user.public_metadata;
        self.lock().execute(
            "INSERT INTO users (id, first_name, role, plan, updated_at, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, 0)
             ON CONFLICT (id) DO UPDATE SET
                 first_name = excluded.first_name, role = excluded.role,
                 plan = excluded.plan, updated_at = excluded.updated_at
             WHERE users.deleted = 0 AND excluded.updated_at > users.updated_at",
            params![
                user.profile.id.as_str(),
                user.profile.first_name,
                public.role.as_str(),
                public.plan.map(Plan::as_str),
                user.profile.updated_at,
            ],
        )?;
        Ok(())
    }

    /// Marks user `id` deleted, for good: Clerk never reuses a user ID. `at` (Unix ms,
    /// the deletion's time) stamps the tombstone of a user never seen before.
    fn delete(&self, id: &UserId, at: i64) -> rusqlite::Result<()> {
        self.lock().execute(
            "INSERT INTO users (id, role, updated_at, deleted) VALUES (?1, 'member', ?2, 1)
             ON CONFLICT (id) DO UPDATE SET deleted = 1",
            params![id.as_str(), at],
        )?;
        Ok(())
    }

    /// Every row, by ID.
    pub fn rows(&self) -> rusqlite::Result<Vec<Row>> {
        let connection = self.lock();
        let mut statement = connection.prepare(
            "SELECT id, first_name, role, plan, updated_at, deleted FROM users ORDER BY id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(Row {
                id: row.get(0)?,
                first_name: row.get(1)?,
                role: row.get(2)?,
                plan: row.get(3)?,
                updated_at: row.get(4)?,
                deleted: row.get::<_, i64>(5)? == 1,
            })
        })?;
        rows.collect()
    }

    /// The row of user `id`.
    pub fn row(&self, id: &str) -> rusqlite::Result<Option<Row>> {
        Ok(self.rows()?.into_iter().find(|r| r.id == id))
    }

    /// How many deliveries were applied (each ID once).
    pub fn deliveries(&self) -> rusqlite::Result<i64> {
        self.lock()
            .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
            .optional()
            .map(|n| n.unwrap_or(0))
    }
}

/// The app's state.
#[derive(Clone, FromRef)]
pub struct App {
    /// Clerk's Backend API, for the promotion.
    pub clerk: Clerk,
    /// Verifies Clerk's deliveries.
    pub webhooks: Webhooks,
    /// The users table.
    pub db: Arc<Db>,
}

/// The routes: `POST /webhooks/clerk`.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/webhooks/clerk", post(clerk_webhook))
        .with_state(app)
}

/// A failure to apply a verified delivery: 500, so that Clerk retries it.
pub struct Failed(String);

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        eprintln!("webhook_sync: {}", self.0);
        (StatusCode::INTERNAL_SERVER_ERROR, "not applied; retry").into_response()
    }
}

/// `POST /webhooks/clerk`: a verified, typed delivery (a forged, tampered or stale one
/// never reaches this function: the extractor answers it 400/401).
async fn clerk_webhook(
    State(app): State<App>,
    ClerkWebhook(delivery): ClerkWebhook<AppUser>,
) -> Result<StatusCode, Failed> {
    let failed = |e: &dyn std::fmt::Display| Failed(e.to_string());
    if app
        .db
        .applied(&delivery.delivery_id)
        .map_err(|e| failed(&e))?
    {
        return Ok(StatusCode::OK); // applied before: at-least-once delivery
    }
    // Recorded only once applied: a failed, timed-out or cut-off attempt leaves no
    // record, and Clerk's retry applies it again (each step is idempotent).
    apply(&app, &delivery.event, delivery.timestamp).await?;
    app.db
        .record(&delivery.delivery_id)
        .map_err(|e| failed(&e))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn apply(
    app: &App,
    event: &WebhookEvent<AppUser>,
    timestamp: Option<clerk_metadata::Timestamp>,
) -> Result<(), Failed> {
    let failed = |e: &dyn std::fmt::Display| Failed(e.to_string());
    match event {
        WebhookEvent::UserCreated(user) => {
            app.db.upsert(user).map_err(|e| failed(&e))?;
            promote(app, user).await
        }
        WebhookEvent::UserUpdated(user) => app.db.upsert(user).map_err(|e| failed(&e)),
        WebhookEvent::UserDeleted(deleted) => {
            let at = timestamp
                .and_then(|t| t.into_inner().duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(i64::MAX, |d| {
                    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
                });
            app.db.delete(&deleted.id, at).map_err(|e| failed(&e))
        }
        _ => Ok(()),
    }
}

/// Check, then promote: the plan a new user asked for in unsafe metadata, checked,
/// written to public metadata, and the request removed, in one merge patch (one
/// request: both land, or neither).
///
/// It decides from the user as Clerk holds it now: the event is a snapshot from
/// sign-up, and a retried or late delivery may come after billing set a plan, or after
/// this promotion ran. (Clerk has no conditional write, so a plan written between this
/// read and the patch can still be overwritten: the window is one round trip.)
async fn promote(app: &App, user: &User<AppUser>) -> Result<(), Failed> {
    if !matches!(&user.unsafe_metadata, TierRead::Typed(t) if t.requested_plan.is_some()) {
        return Ok(()); // nothing asked for, or the user's own junk
    }
    let now = match app.clerk.users::<AppUser>().get(&user.profile.id).await {
        Ok(now) => now,
        // Deleted since it signed up: there is no one to promote.
        Err(error) if error.status() == Some(404) => return Ok(()),
        Err(error) => return Err(Failed(error.to_string())),
    };
    let requested = match &now.unsafe_metadata {
        TierRead::Typed(tier) => tier.requested_plan,
        _ => None,
    };
    let Some(requested) = requested else {
        return Ok(()); // promoted already (this is a retry), or the request withdrawn
    };
    if now.public_metadata.plan.is_some() {
        return Ok(()); // a plan was set since (by billing, say): keep it
    }
    let patch = AppUserPatch::<Backend>::new()
        .plan(Some(granted(requested)))
        .remove_requested_plan();
    match app
        .clerk
        .users::<AppUser>()
        .update_metadata(&user.profile.id, patch)
        .await
    {
        Ok(_) => Ok(()),
        // Deleted since it signed up: there is no one to promote.
        Err(error) if error.status() == Some(404) => Ok(()),
        Err(error) => Err(Failed(error.to_string())),
    }
}
