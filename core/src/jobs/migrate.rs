//! A migration of stored metadata: the app's rewrite run over a walk, its updates sent
//! under the rate limit with bounded concurrency, resumable from a checkpoint.

use core::fmt;
use core::time::Duration;
use std::time::Instant;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::limit::RateLimit;
use super::list::{Cursor, ListUsers};
use crate::client::{Error, Users};
use crate::read::{Drift, LenientUser, ReadError};
use crate::schema::metadata::{MetadataTier, UserMetadata};
use crate::schema::stored::Stored;
use crate::schema::writer::Backend;
use crate::update::UserUpdate;
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::wire::id::UserId;

/// Reads a drifted tier again after `fix` has changed its stored JSON: the typed tier,
/// with every key the schema does not name kept (so a replace built from it keeps
/// them at Clerk), or where it still does not fit.
///
/// This is how a rewrite builds a replace from the read tier: the stored object, as
/// Clerk holds it, fixed where the schema changed, and nothing else dropped.
///
/// ```
/// # use clerk_metadata::{User, UserMetadata, jobs::repair_tier};
/// #[derive(UserMetadata)]
/// struct AppUser { #[metadata(public)] plan: String }
/// let json = br#"{"id": "user_1", "has_image": false, "banned": false, "locked": false,
///     "created_at": 1, "updated_at": 2, "public_metadata": {"tier": "pro", "legacy": 1}}"#;
/// let user = User::<AppUser>::from_json_lenient(json)?;
/// let drift = user.public_metadata.drift().unwrap();
/// // `tier` was renamed `plan`.
/// let fixed = repair_tier::<AppUserPublic>(drift, |tier| {
///     if let Some(old) = tier.remove("tier") {
///         tier.insert("plan".into(), old);
///     }
/// })?;
/// assert_eq!(fixed.plan, "pro");
/// assert_eq!(serde_json::to_string(&fixed).unwrap(), r#"{"plan":"pro","legacy":1}"#);
/// # Ok::<(), clerk_metadata::ReadError>(())
/// ```
pub fn repair_tier<T>(
    drift: &Drift,
    fix: impl FnOnce(&mut Map<String, Value>),
) -> Result<Stored<T>, ReadError>
where
    T: MetadataTier + serde::de::DeserializeOwned,
{
    // A tier that is not an object (or missing) starts from `{}`.
    let mut tier = match serde_json::from_str::<Value>(drift.raw().get()) {
        Ok(Value::Object(tier)) => tier,
        _ => Map::new(),
    };
    fix(&mut tier);
    crate::read::tier_with_path::<T>(&Value::Object(tier).to_string())
}

/// What the migration does besides the rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrateOptions {
    /// How many updates are in flight at once (default 8; at least 1).
    pub concurrency: usize,
    /// Builds and checks every update and reports it, and sends none (default
    /// `false`). The walk's reads are still sent.
    pub dry_run: bool,
    /// Calls the rewrite for users whose three tiers already fit too (default
    /// `false`: a user that fits gets no write). A resumed run may then write again
    /// to users of the last page before the crash.
    pub rewrite_fitting: bool,
    /// How many per-user failures the report keeps (default 10,000); past that they
    /// are counted only.
    pub max_failures_kept: usize,
    /// How many planned writes a dry run's report keeps (default 10,000); past that
    /// they are counted only ([`MigrationReport::planned_not_kept`]), so a dry run's
    /// memory stays flat however many users it plans for.
    pub max_planned_kept: usize,
}

impl Default for MigrateOptions {
    fn default() -> Self {
        MigrateOptions {
            concurrency: 8,
            dry_run: false,
            rewrite_fitting: false,
            max_failures_kept: 10_000,
            max_planned_kept: 10_000,
        }
    }
}

/// Where a migration is: the walk's cursor and its counts, after a page. Store it
/// (it is `Serialize`) after each page, and give it back with
/// [`Migration::resume`] after a crash: the run goes on after the last page whose
/// writes all ended, and, since a user that fits gets no write, neither skips a user
/// nor writes one twice.
///
/// It says whether a dry run reported it and which query it walked (a fingerprint,
/// holding no filter value): a run that writes refuses to resume from a dry run's
/// checkpoint ([`codes::CHECKPOINT_FROM_DRY_RUN`]), and any run refuses one of
/// another query ([`codes::CHECKPOINT_QUERY_MISMATCH`]), each as
/// [`Error::Invalid`] in [`Stopped`], before any request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The walk's cursor after the page.
    pub cursor: Cursor,
    /// Users listed.
    pub scanned: u64,
    /// Users that fit already (and got no write).
    pub fitting: u64,
    /// Users the rewrite fixed: their update was applied (in a dry run: would be sent).
    pub fixed: u64,
    /// Users the rewrite left as they are (it gave no update).
    pub left: u64,
    /// Users whose update failed, or that are not users at all.
    pub failed: u64,
    /// Whether a dry run reported it (a dry run resuming any checkpoint makes it
    /// one): a run that writes refuses to resume from it.
    #[serde(default)]
    pub dry_run: bool,
    /// The fingerprint of the query walked ([`ListUsers::fingerprint`]); `None` in a
    /// checkpoint no run reported yet.
    #[serde(default)]
    pub query: Option<u64>,
}

/// How far a migration has come, after each page; see [`Migration::on_progress`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Progress {
    /// The counts and the cursor: store it to resume.
    pub checkpoint: Checkpoint,
    /// The users the query selects, if the count could be read at the start.
    pub total: Option<u64>,
    /// Time since this run started.
    pub elapsed: Duration,
    /// Users scanned per second in this run.
    pub rate: f64,
    /// The time left at this rate, if the total is known.
    pub eta: Option<Duration>,
}

/// An update the dry run would send: the user and the requests, by method and path,
/// with the top-level keys of each body (`public_metadata`, …), never its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlannedWrite {
    /// The user.
    pub user_id: String,
    /// Each request: method, path and the body's top-level keys.
    pub requests: Vec<(String, String, Vec<String>)>,
}

/// A user the migration could not fix, with why.
#[derive(Debug)]
#[non_exhaustive]
pub struct UserFailure {
    /// The user, if the entry had a readable ID.
    pub user_id: Option<UserId>,
    /// Why: the update's error (nothing sent, refused, partly applied, …), or the
    /// read's for an entry that is not a user.
    pub error: Error,
}

/// What a migration did.
#[derive(Debug)]
#[non_exhaustive]
pub struct MigrationReport {
    /// The counts and the cursor at the end.
    pub checkpoint: Checkpoint,
    /// Users that could not be fixed, with their typed errors (up to
    /// [`MigrateOptions::max_failures_kept`]).
    pub failures: Vec<UserFailure>,
    /// In a dry run, the updates that would have been sent (up to
    /// [`MigrateOptions::max_planned_kept`]).
    pub planned: Vec<PlannedWrite>,
    /// In a dry run, the planned updates past [`MigrateOptions::max_planned_kept`]:
    /// counted, not kept.
    pub planned_not_kept: u64,
}

/// A migration stopped: by a request of the walk that failed (after the client's
/// retries), by a write that failed in a way a later run may not (see [`Migration`]),
/// or by a checkpoint it may not resume from. The report so far, whose checkpoint is
/// where to resume.
#[derive(Debug)]
#[non_exhaustive]
pub struct Stopped {
    /// Why.
    pub error: Error,
    /// What was done until then.
    pub report: MigrationReport,
}

impl fmt::Display for Stopped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the migration stopped after {} users: {}",
            self.report.checkpoint.scanned, self.error
        )
    }
}

impl std::error::Error for Stopped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

type ProgressFn = Box<dyn FnMut(&Progress) + Send>;

/// A migration of every user a query selects: for each user whose metadata does not
/// fit the schema, the app's `rewrite` gives a typed update (or nothing), and the job
/// sends it (feature `jobs`).
///
/// - The rewrite gets the user read leniently, drift and all, and returns a
///   [`UserUpdate<Backend>`]: a merge patch, or a replace built from the read tier
///   ([`repair_tier`], or the typed [`Stored`] tier, which keeps the keys the schema
///   does not name), so no key is lost.
/// - A user that already fits gets no write unless
///   [`MigrateOptions::rewrite_fitting`]; a dry run sends no write at all and reports
///   each one it would send.
/// - Updates are sent `concurrency` at a time, under a rate limit the walk's reads
///   share; a 429 is retried as the client retries it. If the client has a limiter
///   ([`ClerkBuilder::rate_limit`](crate::client::ClerkBuilder::rate_limit)), the
///   migration draws from it, so the app's other requests through that client (and
///   its clones) and the migration share one budget; [`rate_limit`](Self::rate_limit)
///   is then ignored. Only a client without one gets a limiter of the migration's
///   own: [`rate_limit`](Self::rate_limit)'s, or by default
///   [`RateLimit::for_jobs`], half the instance's limit, so the live app keeps the
///   other half. A limiter counts the requests of one process only: Clerk's limit is
///   the instance's, over every process and server using its key, so leave them
///   their share.
/// - After each page, once all its writes have ended, the job reports a
///   [`Checkpoint`] (and progress) to the [`on_progress`](Self::on_progress) callback
///   and as a `tracing` event (target `clerk_metadata::jobs`, info level).
/// - A user whose update is refused ([`Error::Invalid`], a 4xx other than 429) or
///   whose entry is not a user is kept with its typed error, and the walk goes on: a
///   later run would fail the same way.
/// - A write that fails in a way a later run may not (a 429 or a 5xx after the
///   client's retries, a transport error, a partial update ending in one) stops the
///   run once the page's other writes have ended, with that error in [`Stopped`] and
///   the checkpoint of the page before: resuming reads the page again and writes its
///   users that still do not fit, so no such user is skipped for good. (The page's
///   counts are dropped with it; the users fixed on it count as fitting when read
///   again.)
///
/// Dropping the run's future (a crash, a cancelled task) stops it where it is: the
/// writes in flight may or may not land. Resume from the last checkpoint stored.
///
/// # Concurrent writers
///
/// Clerk has no conditional write: a replace built from the read tier
/// ([`repair_tier`], a [`Stored`] tier) sends the whole tier as it was read, so it
/// overwrites any change another writer (the live app, a webhook handler) made to
/// that tier between the migration's read and its write. A merge patch of only the
/// keys the rewrite changes leaves the others as Clerk holds them at the write, which
/// narrows that window to the changed keys; prefer it where the fix allows.
pub struct Migration<S, F> {
    users: Users<S>,
    query: ListUsers,
    rewrite: F,
    options: MigrateOptions,
    limit: Option<RateLimit>,
    resume: Option<Checkpoint>,
    progress: Option<ProgressFn>,
}

impl<S, F> fmt::Debug for Migration<S, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migration")
            .field("query", &self.query)
            .field("options", &self.options)
            .field("limit", &self.limit)
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

impl<S, F> Migration<S, F>
where
    S: UserMetadata,
    F: Fn(&LenientUser<S>) -> Option<UserUpdate<Backend>>,
{
    /// A migration of the users `query` selects, fixed by `rewrite`.
    pub fn new(users: &Users<S>, query: ListUsers, rewrite: F) -> Self {
        Migration {
            users: users.clone(),
            query,
            rewrite,
            options: MigrateOptions::default(),
            limit: None,
            resume: None,
            progress: None,
        }
    }

    /// Sets the options.
    #[must_use]
    pub fn options(mut self, options: MigrateOptions) -> Self {
        self.options = options;
        self
    }

    /// Holds the job's requests under `limit` instead of [`RateLimit::for_jobs`], if
    /// the client has no limiter of its own; a client with one keeps it, and `limit`
    /// is ignored (with a warning in the log).
    #[must_use]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Goes on from `checkpoint` (one this migration reported, for the same query):
    /// from the page after it, with its counts. A run that writes refuses a dry run's
    /// checkpoint, and any run refuses one of another query (see [`Checkpoint`]).
    #[must_use]
    pub fn resume(mut self, checkpoint: Checkpoint) -> Self {
        self.resume = Some(checkpoint);
        self
    }

    /// Calls `progress` after each page with the checkpoint and the progress.
    #[must_use]
    pub fn on_progress(mut self, progress: impl FnMut(&Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Runs the migration to the end of the walk. A query that cannot be sent, or a
    /// checkpoint it may not resume from, is [`Error::Invalid`] in [`Stopped`], and
    /// nothing is sent.
    pub async fn run(mut self) -> Result<MigrationReport, Stopped> {
        let clerk = &self.users.clerk;
        let clerk = match (clerk.rate_limit(), self.limit) {
            (Some(_), limit) => {
                if limit.is_some() {
                    tracing::warn!(
                        target: "clerk_metadata::jobs",
                        "the client has a rate limit: the migration draws from it, not from its own"
                    );
                }
                clerk.clone()
            }
            (None, Some(limit)) => clerk.with_rate_limit(limit),
            (None, None) => clerk.with_rate_limit(RateLimit::for_jobs(clerk.key())),
        };
        let users = self.users.through(clerk);
        let fingerprint = self.query.fingerprint();
        let mut report = MigrationReport {
            checkpoint: self.resume.take().unwrap_or_default(),
            failures: Vec::new(),
            planned: Vec::new(),
            planned_not_kept: 0,
        };
        if let Err(errors) = self.may_resume(&report.checkpoint, fingerprint) {
            return Err(Stopped {
                error: Error::Invalid(errors),
                report,
            });
        }
        report.checkpoint.dry_run |= self.options.dry_run;
        report.checkpoint.query = Some(fingerprint);
        let mut pager = match users.pager_from(self.query.clone(), report.checkpoint.cursor.clone())
        {
            Ok(pager) => pager,
            Err(errors) => {
                return Err(Stopped {
                    error: Error::Invalid(errors),
                    report,
                });
            }
        };
        let total = users.count(&self.query).await.ok();
        let started = Instant::now();
        let scanned_before = report.checkpoint.scanned;
        let concurrency = self.options.concurrency.max(1);
        loop {
            let page = match pager.next_page().await {
                Ok(Some(page)) => page,
                Ok(None) => break,
                Err(error) => return Err(Stopped { error, report }),
            };
            let before_page = report.checkpoint.clone();
            let mut writes = Vec::new();
            for item in page.users {
                report.checkpoint.scanned += 1;
                let user = match item {
                    Ok(user) => user,
                    Err(error) => {
                        let user_id = match &error {
                            Error::NotAUser(not) => not.user_id.clone(),
                            _ => None,
                        };
                        self.fail(&mut report, user_id, error);
                        continue;
                    }
                };
                let fits = user.fits();
                if fits {
                    report.checkpoint.fitting += 1;
                    if !self.options.rewrite_fitting {
                        continue;
                    }
                }
                let Some(update) = (self.rewrite)(&user) else {
                    if !fits {
                        report.checkpoint.left += 1;
                    }
                    continue;
                };
                let user_id = user.profile.id.clone();
                drop(user);
                if update.is_empty() {
                    if !fits {
                        report.checkpoint.left += 1;
                    }
                    continue;
                }
                if self.options.dry_run {
                    let clerk = &users.clerk;
                    match update.build_with(&user_id, clerk.api_version(), clerk.rules()) {
                        Ok(_) if report.planned.len() >= self.options.max_planned_kept => {
                            report.checkpoint.fixed += 1;
                            report.planned_not_kept += 1;
                        }
                        Ok(requests) => {
                            report.checkpoint.fixed += 1;
                            report.planned.push(PlannedWrite {
                                user_id: user_id.as_str().to_owned(),
                                requests: requests
                                    .iter()
                                    .map(|r| {
                                        let keys =
                                            serde_json::from_slice::<Map<String, Value>>(r.body())
                                                .map(|m| m.keys().cloned().collect())
                                                .unwrap_or_default();
                                        (r.method().as_str().to_owned(), r.path().to_owned(), keys)
                                    })
                                    .collect(),
                            });
                        }
                        Err(errors) => {
                            self.fail(&mut report, Some(user_id), Error::Invalid(errors))
                        }
                    }
                    continue;
                }
                writes.push((user_id, update));
            }
            let results: Vec<(UserId, Result<_, Error>)> = futures_util::stream::iter(writes)
                .map(|(user_id, update)| {
                    let users = &users;
                    async move {
                        let result = users.update(&user_id, update).await.map(drop);
                        (user_id, result)
                    }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
            let mut stop = None;
            for (user_id, result) in results {
                match result {
                    Ok(()) => report.checkpoint.fixed += 1,
                    Err(error) if stop.is_none() && may_pass_later(&error) => {
                        tracing::warn!(
                            target: "clerk_metadata::jobs",
                            user_id = user_id.as_str(), error = %error,
                            "migration stops: a write failed and may pass later"
                        );
                        stop = Some(error);
                    }
                    Err(error) => self.fail(&mut report, Some(user_id), error),
                }
            }
            if let Some(error) = stop {
                // The page is read again on resume: its users that still do not fit
                // are written then.
                report.checkpoint = before_page;
                return Err(Stopped { error, report });
            }
            report.checkpoint.cursor = page.cursor;
            let elapsed = started.elapsed();
            let done = report.checkpoint.scanned - scanned_before;
            let rate = if elapsed.is_zero() {
                0.0
            } else {
                done as f64 / elapsed.as_secs_f64()
            };
            let eta = total.and_then(|total| {
                let left = total.saturating_sub(report.checkpoint.scanned);
                Duration::try_from_secs_f64(left as f64 / rate).ok()
            });
            let c = &report.checkpoint;
            tracing::info!(
                target: "clerk_metadata::jobs",
                scanned = c.scanned, fitting = c.fitting, fixed = c.fixed, left = c.left,
                failed = c.failed, rate, eta_s = eta.map(|e| e.as_secs()), dry_run = self.options.dry_run,
                "migration page done"
            );
            if let Some(progress) = &mut self.progress {
                progress(&Progress {
                    checkpoint: report.checkpoint.clone(),
                    total,
                    elapsed,
                    rate,
                    eta,
                });
            }
        }
        Ok(report)
    }

    /// Whether the run may resume from `checkpoint`: not a dry run's for a run that
    /// writes, not another query's.
    fn may_resume(
        &self,
        checkpoint: &Checkpoint,
        fingerprint: u64,
    ) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        if checkpoint.dry_run && !self.options.dry_run {
            errors.push(ValidationError::new(
                "checkpoint",
                codes::CHECKPOINT_FROM_DRY_RUN,
                "the checkpoint is a dry run's, which moved past users it wrote nothing to: \
                 start the run that writes from the beginning",
            ));
        }
        if checkpoint.query.is_some_and(|query| query != fingerprint) {
            errors.push(ValidationError::new(
                "checkpoint",
                codes::CHECKPOINT_QUERY_MISMATCH,
                "the checkpoint is of another query: resume with the query it was made with",
            ));
        }
        ValidationErrors::from_vec(errors)
    }

    fn fail(&self, report: &mut MigrationReport, user_id: Option<UserId>, error: Error) {
        report.checkpoint.failed += 1;
        tracing::warn!(
            target: "clerk_metadata::jobs",
            user_id = user_id.as_ref().map(UserId::as_str), error = %error,
            "migration could not fix a user"
        );
        if report.failures.len() < self.options.max_failures_kept {
            report.failures.push(UserFailure { user_id, error });
        }
    }
}

/// Whether a failed write may pass when sent again later: a 429 or a 5xx (after the
/// client's retries), a transport error, or a partial update that ended in one.
fn may_pass_later(error: &Error) -> bool {
    match error {
        Error::Transport(_) => true,
        Error::Clerk(failure) => {
            let status = failure.error.status();
            status == 429 || status >= 500
        }
        Error::Partial(partial) => may_pass_later(&partial.cause),
        _ => false,
    }
}
