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

pub(crate) mod limit;
mod list;

pub use limit::{InvalidRateLimit, RateLimit};
pub use list::{Cursor, ListUsers, MAX_FILTER_VALUES, MAX_PAGE_SIZE, Page, UserPager};
