//! The migration example's schema, seed, rewrite and run, in the library so that its
//! test runs the same code as `cargo run --example migrate`.
//!
//! The schema changed three ways since data was written: the `gold` plan was retired
//! (now `pro`), the public `subscription` key was renamed `plan`, and the private
//! `support` flag became an object. Browsers also wrote junk into unsafe metadata.
//! Every tier holds keys other services wrote, which the schema does not name.

use std::io;
use std::path::Path;

use clerk_metadata::client::Users;
use clerk_metadata::jobs::{
    Checkpoint, ListUsers, MigrateOptions, Migration, MigrationReport, Progress, Stopped,
    repair_tier,
};
use clerk_metadata::testing::{FakeClerk, SeedError};
use clerk_metadata::{Backend, LenientUser, UserId, UserMetadata, UserUpdate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The plans on sale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Free.
    Free,
    /// Pro (what `gold` became).
    Pro,
    /// Team.
    Team,
}

/// The support a subscriber gets; it was a flag, `support: true`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Support {
    /// Answered first.
    pub priority: bool,
}

/// The schema after the change.
#[derive(UserMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct Subscriber {
    /// The plan (was `subscription`; `gold` was retired).
    #[metadata(public)]
    pub plan: Plan,
    /// Seats paid for.
    #[metadata(public)]
    #[serde(default)]
    pub seats: u32,
    /// Support level (was a flag).
    #[metadata(private)]
    #[serde(default)]
    pub support: Support,
    /// The colour theme the browser picked.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Option<String>,
}

/// Whether seeded user `i` drifted, and how: 1 retired plan, 2 renamed key, 3 flag
/// become object, 4 unsafe junk; 0 fits.
pub fn drift_of(i: usize) -> usize {
    match i % 12 {
        d @ 1..=4 => d,
        _ => 0,
    }
}

/// Seeds `n` users, a third of them drifted (see [`drift_of`]), all with keys the
/// schema does not name in every tier, and every 997th with a hostile unsafe key.
pub fn seed(fake: &FakeClerk, n: usize) -> Result<Vec<UserId>, SeedError> {
    fake.seed_users(n, |i| {
        let mut public = json!({"seats": i % 50, "legacy_id": i, "signup_source": "web"});
        match drift_of(i) {
            1 => public["plan"] = json!("gold"),
            2 => public["subscription"] = json!("team"),
            _ => public["plan"] = json!(if i % 2 == 0 { "free" } else { "pro" }),
        }
        let mut private = json!({"crm_ref": format!("crm-{i}")});
        private["support"] = match drift_of(i) {
            3 => json!(i % 2 == 0),
            _ => json!({"priority": i % 5 == 0}),
        };
        let mut unsafe_ = json!({"onboarding": {"step": i % 4}});
        unsafe_["theme"] = match drift_of(i) {
            4 => json!({"dark": true}),
            _ => json!("dark"),
        };
        if i % 997 == 5 {
            unsafe_["\u{202e}\u{1b}[2Jhostile"] = json!("x".repeat(300));
        }
        json!({"public_metadata": public, "private_metadata": private, "unsafe_metadata": unsafe_})
    })
}

/// The app's rewrite: from a user read leniently to the update that makes it fit,
/// built from what is stored so no key is lost.
pub fn rewrite(user: &LenientUser<Subscriber>) -> Option<UserUpdate<Backend>> {
    let mut update = UserUpdate::<Backend>::new();
    let mut patch = SubscriberPatch::<Backend>::new();
    let mut patched = false;
    if let Some(drift) = user.public_metadata.drift() {
        // Rename `subscription` and retire `gold`, in a replace built from the stored
        // tier: every other key stays, and the old key goes.
        let fixed = repair_tier::<SubscriberPublic>(drift, |tier| {
            if let Some(old) = tier.remove("subscription") {
                tier.entry("plan").or_insert(old);
            }
            if tier.get("plan") == Some(&json!("gold")) {
                tier.insert("plan".to_owned(), json!("pro"));
            }
        })
        .ok()?;
        update = update.replace_public(fixed);
    }
    if let Some(drift) = user.private_metadata.drift() {
        let fixed = repair_tier::<SubscriberPrivate>(drift, |tier| {
            if let Some(Value::Bool(flag)) = tier.get("support") {
                let priority = *flag;
                tier.insert("support".to_owned(), json!({ "priority": priority }));
            }
        })
        .ok()?;
        update = update.replace_private(fixed);
    }
    if user.unsafe_metadata.drift().is_some() {
        // The browser's junk: unset it (a merge with `null`), keep the rest.
        patch = patch.remove_theme();
        patched = true;
    }
    if patched {
        update = update.metadata(patch);
    }
    Some(update)
}

/// Writes `checkpoint` to `path`, whole or not at all (a file beside it, renamed).
pub fn store_checkpoint(path: &Path, checkpoint: &Checkpoint) -> io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(checkpoint)?)?;
    std::fs::rename(&partial, path)
}

/// Reads a checkpoint [`store_checkpoint`] wrote.
pub fn read_checkpoint(path: &Path) -> io::Result<Checkpoint> {
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

/// Runs the migration over every user: checkpoints to `checkpoint_file` after each
/// page, `progress` after each page too; from `resume` if given. The rate limit is the
/// client's ([`ClerkBuilder::rate_limit`](clerk_metadata::client::ClerkBuilder::rate_limit)),
/// shared with its other requests; a client without one gets the job's default, half
/// the instance's limit ([`RateLimit::for_jobs`](clerk_metadata::jobs::RateLimit::for_jobs)).
pub async fn migrate(
    users: &Users<Subscriber>,
    dry_run: bool,
    resume: Option<Checkpoint>,
    checkpoint_file: &Path,
    mut progress: impl FnMut(&Progress) + Send + 'static,
) -> Result<MigrationReport, Stopped> {
    let file = checkpoint_file.to_owned();
    let mut migration = Migration::new(users, ListUsers::new(), rewrite)
        .options(MigrateOptions {
            dry_run,
            concurrency: 16,
            ..MigrateOptions::default()
        })
        .on_progress(move |p| {
            if !dry_run && let Err(error) = store_checkpoint(&file, &p.checkpoint) {
                eprintln!("the checkpoint could not be stored: {error}");
            }
            progress(p);
        });
    if let Some(checkpoint) = resume {
        migration = migration.resume(checkpoint);
    }
    migration.run().await
}
