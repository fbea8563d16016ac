//! Jobs over every user of an instance (feature `jobs`): list them, audit their
//! stored metadata against the schema, and migrate what does not fit, within Clerk's
//! rate limits, resumably.
//!
//! - [`Users::list`](crate::client::Users::list) walks `GET /v1/users` as a stream of
//!   leniently read users, by Clerk's cursor, one page in memory at a time;
//!   [`Users::pager`](crate::client::Users::pager) gives the pages and the
//!   [`Cursor`] after each.
//! - [`RateLimit`] holds a client under the instance's limit
//!   ([`ClerkBuilder::rate_limit`](crate::client::ClerkBuilder::rate_limit)): every
//!   attempt of every request of the client waits for it, reads and writes alike.
//! - [`Users::audit`](crate::client::Users::audit) (or an [`Audit`] fed by a walk)
//!   reports which users do not fit the schema, where and why, the keys the schema
//!   does not name, and the users near Clerk's limits: an [`AuditReport`], with no
//!   private value in it.
//! - [`Migration`] runs the app's typed rewrite over a walk and sends its updates
//!   under the rate limit, with bounded concurrency, a dry run, per-user failures,
//!   and a [`Checkpoint`] after each page to resume from; [`repair_tier`] builds a
//!   replace from a drifted tier without losing a key.

mod audit;
pub(crate) mod limit;
mod list;
mod migrate;

pub use audit::{
    Audit, AuditOptions, AuditReport, DriftFinding, Flagged, MAX_NEW_KEYS_PER_USER, Place,
    PrivateUnknownKeys, TIER_LIMIT, TierSizes, UnknownKey,
};
pub use limit::{InvalidRateLimit, RateLimit};
pub use list::{Cursor, ListUsers, MAX_FILTER_VALUES, MAX_PAGE_SIZE, Page, UserPager};
pub use migrate::{
    Checkpoint, MigrateOptions, Migration, MigrationReport, PlannedWrite, Progress, Stopped,
    UserFailure, repair_tier,
};
