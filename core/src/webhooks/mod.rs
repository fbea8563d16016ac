//! Clerk's webhooks (feature `webhooks`): deliveries verified over the exact bytes
//! received, and their events typed with the app's metadata schema.
//!
//! Apps that keep their own copy of users (a `users` table) sync it from Clerk's
//! `user.created`, `user.updated` and `user.deleted` events. Clerk sends them through
//! Svix, which signs each delivery as the [Standard Webhooks] spec says. Clerk's
//! JavaScript:
//!
//! ```js
//! import { verifyWebhook } from '@clerk/backend/webhooks'
//!
//! export async function POST(request) {
//!   try {
//!     const evt = await verifyWebhook(request)      // CLERK_WEBHOOK_SIGNING_SECRET
//!     if (evt.type === 'user.updated') {
//!       await db.users.upsert(evt.data.id, evt.data.public_metadata)
//!     }
//!     return new Response('Success', { status: 200 })
//!   } catch (err) {
//!     return new Response('Webhook verification failed', { status: 400 })
//!   }
//! }
//! ```
//!
//! The same with this crate, with the metadata typed (with the `axum` feature,
//! `clerk_metadata::axum::ClerkWebhook` does it as an extractor):
//!
//! ```no_run
//! # fn handle(headers: &http::HeaderMap, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_metadata::UserMetadata;
//! use clerk_metadata::webhooks::{WebhookEvent, Webhooks};
//!
//! #[derive(UserMetadata)]
//! struct AppUser { #[metadata(public)] #[serde(default)] role: Option<String> }
//!
//! let webhooks = Webhooks::from_env()?; // once, at start-up; cheap to clone
//! let delivery = webhooks.event::<AppUser>(headers, body)?; // the raw body, as received
//! match delivery.event {
//!     WebhookEvent::UserCreated(user) | WebhookEvent::UserUpdated(user) => {
//!         // upsert `user.profile.id`, `user.public_metadata.role`, … keyed by
//!         // `delivery.delivery_id` so that a retried delivery is applied once
//!     }
//!     WebhookEvent::UserDeleted(deleted) => { /* delete `deleted.id` */ }
//!     _ => {} // every other event type, kept as its type and raw JSON
//! }
//! # Ok(()) }
//! ```
//!
//! **Verification** ([`Webhooks::verify`]) follows Standard Webhooks:
//!
//! - the headers `svix-id`, `svix-timestamp` and `svix-signature`, or Standard
//!   Webhooks' `webhook-id`, `webhook-timestamp` and `webhook-signature` (the same
//!   header twice with different values, in either spelling, is refused);
//! - the signed content is `{id}.{timestamp}.{body}`, with the body exactly as received:
//!   verify the raw bytes, before any JSON is parsed (a body parsed and serialized
//!   again no longer matches);
//! - HMAC-SHA256 keyed with the base64 secret after `whsec_`, computed by *ring* and
//!   compared in constant time by `subtle` (no cryptography is written here);
//! - the signature header is a space-separated list of `v1,<base64>` entries, any one
//!   of which may match (Svix signs with the old and the new secret during a rotation);
//!   other versions (`v1a`, `v2`) and malformed entries are skipped, at most 8 `v1`
//!   entries are checked, and the HMAC is computed once per secret whatever their
//!   number, each entry compared with it in constant time (`subtle`); a header with no
//!   well-formed `v1` entry is its own refusal;
//! - a `user.deleted` event whose data has no user ID (Clerk's deleted object may lack
//!   it) is kept as an other event, never refused;
//! - the timestamp (Unix seconds, plain decimal) must be within the tolerance, 5
//!   minutes either way by default ([`Webhooks::with_tolerance`], at most an hour);
//! - the body may be at most 1 MiB by default ([`Webhooks::with_body_limit`]);
//! - several secrets may be configured at once, for a rotation on the app's side
//!   ([`Webhooks::with_secret`]; in `CLERK_WEBHOOK_SIGNING_SECRET`, separated by
//!   whitespace or commas).
//!
//! **Events** ([`Verified::event`]): the envelope's `type` picks the
//! [`WebhookEvent`]; a `user.created` or `user.updated` user is read exactly as
//! [`User::from_json`](crate::User::from_json) reads it, and every other type is
//! kept as its name and raw JSON, never refused. [`Delivery`] has the delivery ID
//! (`svix-id`: the same on every retry, the key for idempotency), the envelope's
//! `timestamp`, `instance_id` and `event_attributes.http_request`.
//!
//! **Organization events** (`organization.*`, `organizationMembership.*`,
//! `organizationInvitation.*`) arrive as [`WebhookEvent::Other`];
//! [`WebhookEvent::organization_event`] reads one with the app's organization and
//! membership schemas into an [`OrganizationEvent`], each object read as the Backend
//! API's is ([`Organization`](crate::Organization), [`Membership`](crate::Membership),
//! [`SentOrganizationInvitation`](crate::SentOrganizationInvitation)).
//!
//! **Nothing leaks.** [`WebhookSecret`] has no `Display` and its `Debug` shows nothing
//! of the key. No error quotes the body, a header or a signature; a user whose private
//! metadata does not fit the schema is reported by path and type, never by value. The
//! `Debug` of a delivery shows no private metadata: users as [`User`](crate::User)
//! shows them, other events' data by length only.
//!
//! | reason | refusal | axum answer |
//! |---|---|---|
//! | `header_missing` | [`WebhookError::MissingHeader`] | 400 |
//! | `header_invalid` | [`WebhookError::InvalidHeader`] | 400 |
//! | `header_conflicting` | [`WebhookError::ConflictingHeaders`] | 400 |
//! | `timestamp_invalid` | [`WebhookError::InvalidTimestamp`] | 400 |
//! | `timestamp_too_old` | [`WebhookError::TooOld`] | 401 |
//! | `timestamp_too_new` | [`WebhookError::TooNew`] | 401 |
//! | `body_too_large` | [`WebhookError::TooLarge`] | 413 |
//! | `signature_missing` | [`WebhookError::NoSignature`] | 401 |
//! | `signature_mismatch` | [`WebhookError::NoMatchingSignature`] | 401 |
//! | `body_not_json` | [`WebhookError::NotJson`] | 400 |
//! | `not_an_event` | [`WebhookError::NotAnEvent`] | 400 |
//! | `user_does_not_fit` | [`WebhookError::User`] | 422 |
//! | `organization_does_not_fit` | [`WebhookError::Organization`] ([`WebhookEvent::organization_event`]) | 422 |
//! | `unsupported_media_type` | (the extractor) no JSON `Content-Type` | 415 |
//! | `body_unreadable` | (the extractor) the body could not be read | 400 |
//!
//! Svix retries every answer that is not a 2xx, on its schedule (seconds, then minutes,
//! then hours, over more than a day), and shows it in the Clerk Dashboard. That is what
//! each refusal should get: a real delivery is refused only when something on the
//! app's side is wrong (a secret not yet configured, a clock far off, a schema that
//! does not read the stored metadata), and once that is fixed the next retry passes.
//! No answer is 410, which tells Svix to disable the endpoint.
//!
//! [Standard Webhooks]: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

mod error;
mod event;
mod organization;
mod secret;
mod verify;

use core::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;

pub use error::{WebhookError, WebhookHeader};
pub use event::{DeletedUser, Delivery, HttpRequest, WebhookEvent};
pub use organization::{DeletedOrganization, OrganizationEvent};
pub use secret::{InvalidWebhookSecret, WebhookSecret};
pub use verify::Verified;

use crate::schema::metadata::UserMetadata;

/// The environment variable [`Webhooks::from_env`] reads, as Clerk's SDKs do.
pub const SIGNING_SECRET_ENV: &str = "CLERK_WEBHOOK_SIGNING_SECRET";

/// Verifies Clerk's webhook deliveries; see the [module docs](self). Cheap to clone:
/// clones share one configuration.
#[derive(Clone)]
pub struct Webhooks {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    secrets: Vec<WebhookSecret>,
    tolerance: Duration,
    body_limit: usize,
}

impl Webhooks {
    /// The default tolerance of a delivery's timestamp, either way: 5 minutes, as
    /// Standard Webhooks and Clerk's SDKs have it.
    pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);
    /// The largest tolerance: an hour. Svix signs every retry anew, so a real delivery
    /// is never older than the network makes it; a longer window only lets a captured
    /// delivery be replayed for longer.
    pub const MAX_TOLERANCE: Duration = Duration::from_secs(60 * 60);
    /// The default body limit: 1 MiB. A user event is a few KiB (each metadata tier
    /// holds at most 8 KB).
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

    /// A verifier of deliveries signed with `secret`.
    pub fn new(secret: WebhookSecret) -> Webhooks {
        Webhooks {
            inner: Arc::new(Inner {
                secrets: vec![secret],
                tolerance: Self::DEFAULT_TOLERANCE,
                body_limit: Self::DEFAULT_BODY_LIMIT,
            }),
        }
    }

    /// A verifier with the secrets in `CLERK_WEBHOOK_SIGNING_SECRET`: one `whsec_…`
    /// secret, or, during a rotation, several separated by whitespace or commas (see
    /// [`from_secrets`](Self::from_secrets)).
    pub fn from_env() -> Result<Webhooks, InvalidWebhookSecret> {
        let text = std::env::var(SIGNING_SECRET_ENV).map_err(|_| InvalidWebhookSecret::Missing)?;
        Webhooks::from_secrets(&text)
    }

    /// A verifier with the secrets in `text`: `whsec_…` secrets separated by
    /// whitespace or commas (neither occurs in base64), any one of which may verify a
    /// delivery. Empty text, or one malformed secret, is an error.
    ///
    /// ```
    /// # use clerk_metadata::webhooks::Webhooks;
    /// let webhooks = Webhooks::from_secrets(
    ///     "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
    /// )?;
    /// assert_eq!(webhooks.secrets(), 2);
    /// # Ok::<(), clerk_metadata::webhooks::InvalidWebhookSecret>(())
    /// ```
    pub fn from_secrets(text: &str) -> Result<Webhooks, InvalidWebhookSecret> {
        let mut secrets = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(WebhookSecret::new);
        let mut webhooks = Webhooks::new(secrets.next().ok_or(InvalidWebhookSecret::Missing)??);
        for secret in secrets {
            webhooks = webhooks.with_secret(secret?);
        }
        Ok(webhooks)
    }

    /// Adds a secret: a delivery whose signature matches any of the secrets verifies.
    /// Add the new secret before rotating it in the Clerk Dashboard, and remove the old
    /// one when the rotation is over (Svix signs with both for 24 hours).
    pub fn with_secret(mut self, secret: WebhookSecret) -> Webhooks {
        Arc::make_mut(&mut self.inner).secrets.push(secret);
        self
    }

    /// Sets how far a delivery's timestamp may be from now, either way (5 minutes by
    /// default; at most [`MAX_TOLERANCE`](Self::MAX_TOLERANCE), to which a longer
    /// one is cut).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Webhooks {
        Arc::make_mut(&mut self.inner).tolerance = tolerance.min(Self::MAX_TOLERANCE);
        self
    }

    /// Sets the largest body accepted, in bytes (1 MiB by default).
    pub fn with_body_limit(mut self, bytes: usize) -> Webhooks {
        Arc::make_mut(&mut self.inner).body_limit = bytes;
        self
    }

    /// The largest body accepted, in bytes: what an extractor reads at most.
    pub fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// How far a delivery's timestamp may be from now, either way.
    pub fn tolerance(&self) -> Duration {
        self.inner.tolerance
    }

    /// How many secrets verify deliveries.
    pub fn secrets(&self) -> usize {
        self.inner.secrets.len()
    }

    /// Verifies a delivery: its headers and the body exactly as received (the raw
    /// bytes; never JSON parsed and serialized again). Checks, in order: the headers,
    /// the timestamp's form, the body's size, the timestamp against the clock, the
    /// signature. Nothing of the body is parsed.
    pub fn verify<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
    ) -> Result<Verified<'a>, WebhookError> {
        self.verify_at(headers, body, SystemTime::now())
    }

    /// Verifies a delivery and reads its event with the metadata schema `S`:
    /// [`verify`](Self::verify), then [`Verified::event`].
    pub fn event<S: UserMetadata>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery<S>, WebhookError> {
        self.verify(headers, body)?.event()
    }
}

/// Shows the number of secrets (each as `WebhookSecret(whsec_…)`), the tolerance and
/// the body limit.
impl fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhooks")
            .field("secrets", &self.inner.secrets)
            .field("tolerance", &self.inner.tolerance)
            .field("body_limit", &self.inner.body_limit)
            .finish()
    }
}
