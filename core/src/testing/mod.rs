//! A fake of Clerk's Backend API on 127.0.0.1, for tests and examples (feature
//! `testing`).
//!
//! [`FakeClerk`] runs an HTTP server on a random loopback port, on a thread of its own,
//! so it serves any test: async or not, with tokio's clock paused or not. It holds
//! users as JSON and answers the endpoints this crate calls with Clerk's documented
//! semantics:
//!
//! | request | what the fake does |
//! |---|---|
//! | `GET /v1/users` | the users, newest first (`order_by`, default `-created_at`; ties by ID in the same direction), at most `limit` (1–500, default 10) after `offset` or after the `starting_after` cursor (the ID of the last user of the previous page; 422 if it names no user, is combined with a non-zero `offset`, or with an ordering other than `created_at`), filtered by the spec's parameters (below) |
//! | `GET /v1/users/count` | `{"object": "total_count", "total_count": n}` for the same filters |
//! | `GET /v1/users/{user_id}` | the user, or 404 |
//! | `POST /v1/users` | creates a user (below) and answers it |
//! | `PATCH /v1/users/{user_id}` | sets the profile fields sent; unknown fields are 422; metadata is refused on 2026-05-12 and replaces each tier sent before |
//! | `PATCH /v1/users/{user_id}/metadata` | deep merge: nested objects merge, `null` deletes a key at any level |
//! | `PUT /v1/users/{user_id}/metadata` | replaces each tier sent, leaves the others |
//! | `DELETE /v1/users/{user_id}` | removes the user; answers `{"deleted": true, "id": …, "object": "user"}`, or 404 |
//! | `GET /v1/jwks` | the instance's session-token keys |
//! | `GET /v1/organizations/{organization_id}` | the organization (seeded by [`FakeClerk::insert_organization`]), or 404 |
//! | `PATCH /v1/organizations/{organization_id}` | sets the `UpdateOrganization` fields sent (a name with a URL or HTML, blank or over 256 characters, a slug with whitespace or `/` or another organization's, are 422); unknown fields are 422; metadata is refused on 2026-05-12 and replaces each tier sent before |
//! | `PATCH` / `PUT /v1/organizations/{organization_id}/metadata` | deep merge with `null` deleting / replace of each tier sent (public, private) |
//! | `GET /v1/organizations/{organization_id}/memberships` | a page (`limit` 1–500, default 10; `offset`) of its memberships, each with the organization embedded |
//! | `PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata` | deep merge of the membership's tiers, or 404 |
//! | `POST /v1/invitations` | a pending invitation with its public metadata (422 for an address a user has, unless `ignore_existing`); [`FakeClerk::accept_invitation`] makes the user |
//! | `POST /v1/organizations/{organization_id}/invitations` | a pending invitation with its role and both tiers; [`FakeClerk::accept_organization_invitation`] makes the membership |
//!
//! Organization and membership writes hold each tier written to 8 KB and count
//! against the same per-object write limit as a user's. Seeding
//! ([`FakeClerk::insert_organization`], [`FakeClerk::insert_membership`]) sends no
//! webhook; accepting an invitation delivers `user.created` as `POST /v1/users` does.
//!
//! `POST /v1/users` takes the `CreateUser` body of the spec (the same in the three API
//! versions; any other field is 422 `form_param_unknown`) and answers the new user with
//! a fresh `user_…` ID and `created_at`/`updated_at` of now (or the `created_at` sent).
//! Email addresses, phone numbers and web3 wallets are created verified (or reserved,
//! as `…_identification_status` says), the first of each primary. An email address, phone
//! number, web3 wallet or username another user has (compared without regard to ASCII
//! case), or listed twice, and an `external_id` another user has, are 422
//! `form_identifier_exists` naming the parameter; an email address that is not
//! `local@domain` is 422 `form_param_format_invalid`; a password shorter than 8
//! characters or longer than 72 bytes is 422 `form_password_length_too_short` or
//! `form_password_size_in_bytes_exceeded` (unless `skip_password_checks`); a
//! `password_digest` without `password_hasher` (or the reverse) is 422
//! `form_param_missing`. The password is not kept: the user shows `password_enabled`.
//! The instance's settings (required identifiers, password policy beyond length, the
//! list of breached passwords) are not modelled.
//!
//! `PATCH /v1/users/{user_id}` holds a user to what Clerk holds it to across the
//! instance: a `username` another user has (compared without regard to ASCII case) is
//! 422 `form_identifier_exists`; a `primary_email_address_id` (or
//! `primary_phone_number_id`, `primary_web3_wallet_id`) that is not the ID of one of
//! the user's own email addresses (phone numbers, wallets) is 422
//! `form_resource_not_found`. [`FakeClerk::add_email_address`] gives a user an email
//! address to name.
//!
//! Every request needs `Authorization: Bearer` with the fake's secret key (else 401;
//! the scheme's case does not matter, as in HTTP);
//! `Clerk-API-Version` picks the version (2021-02-05 when absent; an unknown one is
//! 400); a tier over 8 KB is 422; more than 10 writes to one user in 10 seconds is 429
//! with `Retry-After`. Errors come in Clerk's `ClerkErrors` envelope with a trace ID.
//! The instance-wide limit (1,000 requests per 10 s; 100 on development instances) is
//! off until [`set_instance_limit`](FakeClerk::set_instance_limit) sets it; then every
//! request over it is 429 with `Retry-After`.
//!
//! The list filters: `user_id`, `external_id` and `organization_id` (each value
//! optionally `+`/`-` to include/exclude), `email_address`, `phone_number`, `username`,
//! `web3_wallet` (up to 100 values each, exact, identifiers without regard to ASCII
//! case), `query`, `email_address_query`, `phone_number_query`, `username_query`,
//! `name_query` (case-insensitive partial matches), `banned`, and the millisecond
//! ranges `created_at_before/after`, `last_active_at_before/after/since`,
//! `last_sign_in_at_before/after` (strict bounds; a user without the field does not
//! match). `provider`/`provider_user_id` are 422 (external accounts are not modelled),
//! and any other parameter is 422 `form_param_unknown`.
//! [`seed_users`](FakeClerk::seed_users) seeds many users at once.
//!
//! # Webhooks
//!
//! [`add_webhook_endpoint`](FakeClerk::add_webhook_endpoint) registers an endpoint (an
//! `http://` URL on a loopback address: the fake sends nothing off the machine) and
//! gives its signing secret, `whsec_…`. From then on every write the fake applies
//! through its API is posted to every endpoint as Clerk posts it, through Svix: a
//! `POST /v1/users` as `user.created`, a `PATCH` of the user and a `PATCH` or `PUT` of
//! its metadata as `user.updated`, a `DELETE` as `user.deleted`. The body is Clerk's
//! event, `{"data": …, "event_attributes": {"http_request": {"client_ip", "user_agent"}},
//! "instance_id": "ins_…", "object": "event", "timestamp": <ms>, "type": "user.created"}`,
//! whose `data` is the user as `GET /v1/users/{user_id}` answers it after the write
//! (for `user.deleted`, `{"deleted": true, "id": …, "object": "user"}`); the headers are
//! Standard Webhooks': `svix-id` (`msg_…`, one per message), `svix-timestamp` (Unix
//! seconds of the attempt) and `svix-signature` (`v1,` and the base64 HMAC-SHA256 of
//! `{svix-id}.{svix-timestamp}.{body}`, keyed with the secret's bytes after `whsec_`).
//! Seeding ([`insert_user`](FakeClerk::insert_user),
//! [`create_user`](FakeClerk::create_user),
//! [`add_email_address`](FakeClerk::add_email_address)) sends nothing: it sets up what
//! existed before the test.
//!
//! Deliveries are asynchronous: the API answers without waiting for them. A 2xx answer
//! takes the message; any other status, no answer within the schedule's timeout, or no
//! connection is tried again after the schedule's backoff ([`WebhookSchedule`]; the
//! default is compressed to under a second), with the same `svix-id` and a fresh
//! timestamp and signature. Each endpoint gets its messages one at a time, in the order
//! of the writes; a retried one arrives after later ones. [`WebhookChaos`] shuffles and
//! duplicates them on purpose, reproducibly, to test a handler against what Clerk
//! promises (at least once, in no order). [`webhook_deliveries`](FakeClerk::webhook_deliveries)
//! records every attempt and how it ended, and [`settle_webhooks`](FakeClerk::settle_webhooks)
//! waits until every delivery has ended, so a test needs no sleep:
//!
//! ```
//! # use std::time::Duration;
//! # use clerk_metadata::{NewUser, UserMetadata};
//! # use clerk_metadata::testing::{DeliveryOutcome, FakeClerk, WebhookSchedule};
//! # #[derive(UserMetadata)]
//! # pub struct AppUser { #[metadata(public)] pub role: Option<String> }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let closed = std::net::TcpListener::bind("127.0.0.1:0")?;
//! # let app_route = format!("http://{}/api/webhooks", closed.local_addr()?);
//! # drop(closed);
//! let fake = FakeClerk::start()?;
//! // The app's webhook route (here nothing listens: every attempt fails).
//! let endpoint = fake.add_webhook_endpoint(&app_route)?;
//! fake.set_webhook_schedule(WebhookSchedule {
//!     backoff: vec![Duration::from_millis(10)],
//!     timeout: Duration::from_secs(5),
//! });
//! let users = fake.client()?.users::<AppUser>();
//! let user = users.create(NewUser::new().email_address("ada@example.com")).await?;
//! assert!(fake.settle_webhooks(Duration::from_secs(30)).await);
//! let deliveries = fake.webhook_deliveries(); // the attempt and its one retry
//! assert_eq!(deliveries.len(), 2);
//! assert_eq!(deliveries[0].event_type(), "user.created");
//! assert_eq!(deliveries[0].object_id(), user.profile.id.as_str());
//! assert_eq!(deliveries[0].endpoint_id(), endpoint.id());
//! assert_eq!(deliveries[1].outcome(), DeliveryOutcome::ConnectionFailed);
//! # Ok(()) }
//! ```
//!
//! It is also the instance's session-token issuer: [`session_token`](FakeClerk::session_token)
//! signs a signed-in user's token (with custom claims: [`session_token_with`](FakeClerk::session_token_with)),
//! [`expired_session_token`](FakeClerk::expired_session_token) and
//! [`foreign_session_token`](FakeClerk::foreign_session_token) the two an app most
//! often refuses, and [`session_verifier`](FakeClerk::session_verifier) is the
//! verifier that accepts them. The keys are fixed RSA-2048 pairs embedded in the crate
//! for tests only (their private halves are public; they sign nothing real), so the
//! fake generates no key and starts at once; every fake shares them, so a token of
//! one fake verifies against another's keys.
//!
//! Tokens are signed and verified by *ring* (RSASSA-PKCS1-v1_5 with SHA-256), fast in
//! a debug build too: no profile override is needed.
//!
//! ```
//! # use clerk_metadata::testing::FakeClerk;
//! # use serde_json::json;
//! let fake = FakeClerk::start()?;
//! let id = fake.insert_user(json!({"id": "user_1", "first_name": "John"}))?;
//! assert_eq!(fake.user(&id).unwrap()["first_name"], "John");
//! assert!(fake.url().starts_with("http://127.0.0.1:"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod keys;
mod list;
mod orgs;
mod server;
mod webhooks;

pub use webhooks::{
    DeliveryOutcome, DeliveryRecord, WebhookChaos, WebhookEndpoint, WebhookEndpointError,
    WebhookSchedule,
};

use core::fmt;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::client::{Clerk, ClerkBuilder, ConfigError, SecretKey};
use crate::session::{SessionVerifier, SessionVerifierBuilder};
use crate::wire::id::{OrganizationId, UserId};
use api::{RateLimit, Users};

/// The `created_at` of the first user [`FakeClerk::seed_users`] makes, in milliseconds.
const SEED_EPOCH_MS: u64 = 1_700_000_000_000;

/// The fake's secret key: shaped like a development instance's key.
const FAKE_KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

/// A fake Clerk Backend API; see the [module docs](self). Dropping it stops the
/// server.
pub struct FakeClerk {
    url: String,
    key: SecretKey,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the server and the handle share.
pub(crate) struct Shared {
    pub(crate) key: SecretKey,
    users: Mutex<Users>,
    faults: Mutex<Vec<Queued>>,
    requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) traces: AtomicU64,
    next_id: AtomicU64,
    /// The instance's session-token keys, newest last: fixed test-only keys, so
    /// nothing is generated.
    keys: Mutex<Vec<keys::KeyPair>>,
    /// The `azp` put in tokens, if any.
    azp: Mutex<Option<String>>,
    /// The session token customization, rendered into every token.
    template: Mutex<Option<Map<String, Value>>>,
    /// Each user's active organization (user ID to organization ID), as the browser
    /// sets it: their tokens carry it (`o`, and the `org.*` shortcodes).
    active_organizations: Mutex<BTreeMap<String, String>>,
    /// The webhook endpoints, and the deliveries of the events writes emit.
    pub(crate) webhooks: Arc<webhooks::Hub>,
}

/// Locks a mutex, whether or not a panicking thread poisoned it (the data is plain
/// JSON and lists, always in a usable state).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn users(&self) -> MutexGuard<'_, Users> {
        lock(&self.users)
    }

    /// The first queued fault that applies to `request`, taken off the queue.
    pub(crate) fn next_fault(&self, request: &RecordedRequest) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let at = faults.iter().position(|queued| {
            queued.on.as_ref().is_none_or(|(method, suffix)| {
                request.method.eq_ignore_ascii_case(method)
                    && request
                        .path
                        .split('?')
                        .next()
                        .unwrap_or_default()
                        .ends_with(suffix.as_str())
            })
        })?;
        Some(faults.remove(at).fault)
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        lock(&self.requests).push(request);
    }
}

/// A fault waiting for a request it applies to.
struct Queued {
    /// The method and path end it applies to; `None` for any request.
    on: Option<(String, String)>,
    fault: Fault,
}

/// A failure the fake plays instead of (or before) its answer, for the next requests;
/// see [`FakeClerk::inject`].
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status, body and headers, changing nothing.
    Status {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: Vec<u8>,
        /// Headers besides `content-type: application/json`, as (name, value).
        headers: Vec<(String, String)>,
    },
    /// Wait this long, then handle the request as usual.
    Delay(Duration),
    /// Close the connection without answering, changing nothing.
    DropConnection,
}

impl Fault {
    /// Answer with `status` and a Clerk error body.
    pub fn status(status: u16) -> Fault {
        let body = serde_json::json!({
            "errors": [{"code": "fake_fault", "message": format!("injected status {status}")}],
            "clerk_trace_id": "fake_fault",
        });
        Fault::Status {
            status,
            body: body.to_string().into_bytes(),
            headers: Vec::new(),
        }
    }

    /// Answer with `status` and `body` as given (a proxy's page, say).
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Fault {
        Fault::Status {
            status,
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// A redirect: `303 See Other` to `location`.
    pub fn redirect(location: impl Into<String>) -> Fault {
        Fault::raw(303, Vec::new()).header("location", location)
    }

    /// The same fault with header `name` (a status fault only).
    #[must_use]
    pub fn header(self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        match self {
            Fault::Status {
                status,
                body,
                mut headers,
            } => {
                headers.push((name.into(), value.into()));
                Fault::Status {
                    status,
                    body,
                    headers,
                }
            }
            other => other,
        }
    }

    /// The same fault with a `Retry-After` header (seconds, or an HTTP date).
    #[must_use]
    pub fn retry_after(self, value: impl Into<String>) -> Fault {
        self.header("retry-after", value)
    }
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Status {
                status,
                body,
                headers,
            } => f
                .debug_struct("Status")
                .field("status", status)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .field("headers", headers)
                .finish(),
            Fault::Delay(delay) => f.debug_tuple("Delay").field(delay).finish(),
            Fault::DropConnection => f.write_str("DropConnection"),
        }
    }
}

/// A request the fake received, for assertions.
///
/// The `Authorization` header is kept only as whether it was the fake's key; `Debug`
/// shows the body's length, never the body (it may hold a password).
#[derive(Clone)]
pub struct RecordedRequest {
    pub(crate) method: String,
    pub(crate) path: String,
    /// Headers other than `authorization` and `cookie`, names lower case.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) authorized: bool,
    pub(crate) body: Vec<u8>,
}

impl RecordedRequest {
    /// `GET`, `PATCH`, `PUT`, …
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path and query, as sent.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The value of header `name` (case-insensitive), except `authorization` and
    /// `cookie`, which are not kept.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether it carried `Authorization: Bearer` with the fake's secret key.
    pub fn authorized(&self) -> bool {
        self.authorized
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The request as an `http::Request` (without `authorization`), to check it
    /// against a specification.
    pub fn to_http(&self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(self.body.clone());
        *request.method_mut() =
            http::Method::from_bytes(self.method.as_bytes()).unwrap_or(http::Method::GET);
        *request.uri_mut() = http::Uri::try_from(self.path.as_str()).unwrap_or_default();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                request.headers_mut().append(name, value);
            }
        }
        request
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("api_version", &self.header("clerk-api-version"))
            .field("authorized", &self.authorized)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// Why the fake could not sign a session token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the fake could not sign the session token: {}", self.0)
    }
}

impl std::error::Error for KeyError {}

/// Why a user, or an email address of a user, could not be added to the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(pub(crate) &'static str);

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for SeedError {}

impl FakeClerk {
    /// Starts a fake on a random port of 127.0.0.1 with Clerk's per-user limit (10
    /// writes per 10 seconds).
    pub fn start() -> std::io::Result<FakeClerk> {
        FakeClerk::start_with_limit(10, Duration::from_secs(10))
    }

    /// Starts a fake that allows `writes` writes to one user per `window`.
    pub fn start_with_limit(writes: usize, window: Duration) -> std::io::Result<FakeClerk> {
        let key = SecretKey::new(FAKE_KEY)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        let shared = Arc::new(Shared {
            key: key.clone(),
            users: Mutex::new(Users::new(RateLimit { writes, window })),
            faults: Mutex::new(Default::default()),
            requests: Mutex::new(Vec::new()),
            traces: AtomicU64::new(1),
            next_id: AtomicU64::new(1),
            keys: Mutex::new(vec![keys::KeyPair {
                kid: "ins_fake_1".to_owned(),
                key: &keys::SIGNING[0],
            }]),
            azp: Mutex::new(None),
            template: Mutex::new(None),
            active_organizations: Mutex::new(BTreeMap::new()),
            webhooks: Arc::new(webhooks::Hub::new()),
        });
        let (url, stop, thread) = server::spawn(shared.clone())?;
        let fake = FakeClerk {
            url,
            key,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        };
        fake.publish(&lock(&fake.shared.keys));
        Ok(fake)
    }

    /// The base URL: `http://127.0.0.1:{port}`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The secret key the fake accepts.
    pub fn secret_key(&self) -> SecretKey {
        self.key.clone()
    }

    /// A [`Clerk`] builder aimed at the fake, with its key, to configure further.
    pub fn client_builder(&self) -> ClerkBuilder {
        Clerk::builder(self.secret_key()).loopback_base(self.url.clone())
    }

    /// A [`Clerk`] aimed at the fake, with the default settings.
    pub fn client(&self) -> Result<Clerk, ConfigError> {
        self.client_builder().build()
    }

    /// Adds (or replaces) a user from its Backend API JSON, which must be an object
    /// with an `id` of the form `user_…`. The fields it leaves out are those of a new
    /// Clerk user (no names, no email address, empty metadata tiers).
    ///
    /// The JSON is taken as given, `username`, `email_addresses` and
    /// `primary_email_address_id` included: the fake checks them against the other
    /// users on writes through the API, not here. [`FakeClerk::add_email_address`]
    /// adds an email address in Clerk's shape.
    ///
    /// Seeding sets up what existed before the test: it sends no webhook (a
    /// `POST /v1/users` through the API sends `user.created`).
    pub fn insert_user(&self, user: Value) -> Result<UserId, SeedError> {
        let (id, user) = api::seed(user).map_err(SeedError)?;
        self.shared
            .users()
            .users
            .insert(id.as_str().to_owned(), user);
        Ok(id)
    }

    /// Adds a new user with a fresh ID, no names and empty metadata. Seeding, as
    /// [`insert_user`](Self::insert_user): no webhook is sent.
    pub fn create_user(&self) -> UserId {
        let n = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        // `user_` and ASCII letters and digits: a valid ID.
        let id = UserId(format!("user_fake{n:020}"));
        self.shared
            .users()
            .users
            .insert(id.as_str().to_owned(), api::blank_user(id.as_str()));
        id
    }

    /// Gives user `id` a verified email address, as `POST /v1/email_addresses` with
    /// `verified: true` does, and returns the address's ID (`idn_…`), which
    /// `primary_email_address_id` may then name. The user's first address becomes its
    /// primary one. An address another user has (compared without regard to ASCII
    /// case) is refused, as Clerk keeps email addresses unique per instance, and so is
    /// text that is not `local@domain`. Seeding: no webhook is sent.
    ///
    /// ```
    /// # use clerk_metadata::testing::FakeClerk;
    /// let fake = FakeClerk::start()?;
    /// let id = fake.create_user();
    /// let email = fake.add_email_address(&id, "ada@example.com")?;
    /// let user = fake.user(&id).unwrap();
    /// assert_eq!(user["primary_email_address_id"], email.as_str());
    /// assert_eq!(user["email_addresses"][0]["email_address"], "ada@example.com");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_email_address(&self, id: &UserId, address: &str) -> Result<String, SeedError> {
        let n = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        // `idn_` and ASCII letters and digits, as Clerk's identification IDs.
        let email_id = format!("idn_fake{n:020}");
        if !crate::update::create::is_email_address(address) {
            return Err(SeedError(
                "an email address is `local@domain`, without spaces",
            ));
        }
        let mut users = self.shared.users();
        if users.email_taken_by_other(address, id.as_str()) {
            return Err(SeedError("another user has this email address"));
        }
        let user = users
            .users
            .get_mut(id.as_str())
            .ok_or(SeedError("the fake holds no user with this ID"))?;
        let email = api::email_address(&email_id, address);
        match user.get_mut("email_addresses") {
            Some(Value::Array(emails)) => emails.push(email),
            _ => {
                user.insert("email_addresses".to_owned(), Value::Array(vec![email]));
            }
        }
        if user
            .get("primary_email_address_id")
            .is_none_or(Value::is_null)
        {
            user.insert(
                "primary_email_address_id".to_owned(),
                Value::String(email_id.clone()),
            );
        }
        Ok(email_id)
    }

    /// Seeds `n` users at once, straight into the store (no HTTP, no webhook): user
    /// `i` (from 0) is a blank user with ID `user_seed` and `i` in 22 digits,
    /// `created_at` and `updated_at` of 1,700,000,000,000 + `i` milliseconds (so user
    /// `n - 1` is the newest), and the fields `fields(i)` gives on top: its metadata
    /// tiers, names, an `external_id`, or another `id` or `created_at`. Returns the IDs
    /// in seeding order.
    ///
    /// `fields(i)` must be a JSON object, and any `id` in it of the form `user_…`; a
    /// tier that is not an object is stored as `{}` (Clerk stores only objects). Tiers
    /// are taken as given, over 8 KB or not: seeding sets up what exists, drifted and
    /// hostile data included.
    ///
    /// ```
    /// # use clerk_metadata::testing::FakeClerk;
    /// # use serde_json::json;
    /// let fake = FakeClerk::start()?;
    /// let ids = fake.seed_users(1000, |i| json!({"public_metadata": {"n": i}}))?;
    /// assert_eq!(ids.len(), 1000);
    /// assert_eq!(fake.user(&ids[7]).unwrap()["public_metadata"]["n"], 7);
    /// assert_eq!(fake.user_count(), 1000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn seed_users(
        &self,
        n: usize,
        mut fields: impl FnMut(usize) -> Value,
    ) -> Result<Vec<UserId>, SeedError> {
        let template = api::blank_user("");
        let mut seeded = Vec::with_capacity(n);
        let mut users = Vec::with_capacity(n);
        for i in 0..n {
            let Value::Object(given) = fields(i) else {
                return Err(SeedError("a seeded user's fields are a JSON object"));
            };
            let mut user = template.clone();
            let at = serde_json::json!(SEED_EPOCH_MS + i as u64);
            user.insert("id".to_owned(), Value::String(format!("user_seed{i:022}")));
            user.insert("created_at".to_owned(), at.clone());
            user.insert("updated_at".to_owned(), at);
            user.extend(given);
            let id = user
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| UserId::parse(id).ok())
                .ok_or(SeedError("a user needs an `id` of the form `user_…`"))?;
            for tier in ["public_metadata", "private_metadata", "unsafe_metadata"] {
                if !user.get(tier).is_some_and(Value::is_object) {
                    user.insert(tier.to_owned(), Value::Object(Map::new()));
                }
            }
            seeded.push(id);
            users.push(user);
        }
        let mut store = self.shared.users();
        for (id, user) in seeded.iter().zip(users) {
            store.users.insert(id.as_str().to_owned(), user);
        }
        Ok(seeded)
    }

    /// How many users the fake holds.
    pub fn user_count(&self) -> usize {
        self.shared.users().users.len()
    }

    /// Removes user `id` straight from the store, as a deletion elsewhere would (no
    /// webhook). Whether the fake held it.
    pub fn remove_user(&self, id: &UserId) -> bool {
        self.shared.users().users.remove(id.as_str()).is_some()
    }

    /// Limits the whole instance to `requests` requests per `window`, as Clerk does
    /// (1,000 per 10 s for a production instance, 100 for a development one): every
    /// authorized request counts, reads and writes alike, and one over the limit is
    /// answered 429 with `Retry-After` (whole seconds, rounded up) and changes
    /// nothing. Off until set; `requests` of 0 turns it off again.
    pub fn set_instance_limit(&self, requests: usize, window: Duration) {
        let mut users = self.shared.users();
        users.instance.limit = (requests > 0).then_some(list::InstanceLimit { requests, window });
    }

    /// How many requests the instance-wide limit has refused with 429 so far.
    pub fn instance_limit_refusals(&self) -> u64 {
        self.shared.users().instance.refused
    }

    /// The stored JSON of user `id`, if the fake holds it.
    pub fn user(&self, id: &UserId) -> Option<Value> {
        self.shared
            .users()
            .users
            .get(id.as_str())
            .cloned()
            .map(Value::Object)
    }

    /// Plays `fault` for each of the next `times` requests (queued after any fault
    /// already waiting).
    pub fn inject(&self, fault: Fault, times: usize) {
        let mut faults = lock(&self.shared.faults);
        faults.extend(std::iter::repeat_n(fault, times).map(|fault| Queued { on: None, fault }));
    }

    /// Plays `fault` for each of the next `times` requests with method `method` whose
    /// path ends with `path_end` (`"/metadata"`, say); other requests pass.
    pub fn inject_on(&self, method: &str, path_end: &str, fault: Fault, times: usize) {
        let mut faults = lock(&self.shared.faults);
        faults.extend(std::iter::repeat_n(fault, times).map(|fault| Queued {
            on: Some((method.to_owned(), path_end.to_owned())),
            fault,
        }));
    }

    /// How many requests the fake has received so far (without copying them, as
    /// [`requests`](Self::requests) does).
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Registers a webhook endpoint, as the Clerk Dashboard does, and returns it with
    /// its signing secret. From now on, every user write the fake applies through its
    /// API is posted there as a signed event (see the [module docs](self#webhooks)).
    ///
    /// The URL must be `http://` to a loopback address (`127.0.0.1` or another
    /// 127.x.y.z, `[::1]`, `localhost`), without credentials: the fake sends nothing
    /// off the machine. Anything else is refused, saying why.
    ///
    /// ```
    /// # use clerk_metadata::testing::{FakeClerk, WebhookEndpointError};
    /// let fake = FakeClerk::start()?;
    /// let endpoint = fake.add_webhook_endpoint("http://127.0.0.1:3000/api/webhooks")?;
    /// assert!(endpoint.secret().starts_with("whsec_"));
    /// assert!(!format!("{endpoint:?}").contains(endpoint.secret()));
    /// assert_eq!(
    ///     fake.add_webhook_endpoint("http://example.com/api/webhooks"),
    ///     Err(WebhookEndpointError::NotLoopback)
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_webhook_endpoint(&self, url: &str) -> Result<WebhookEndpoint, WebhookEndpointError> {
        self.shared.webhooks.add_endpoint(url)
    }

    /// Removes endpoint `id`: nothing more is sent to it, and its waiting deliveries
    /// are dropped. Whether the fake had it.
    pub fn remove_webhook_endpoint(&self, id: &str) -> bool {
        self.shared.webhooks.remove_endpoint(id)
    }

    /// The registered webhook endpoints, oldest first.
    pub fn webhook_endpoints(&self) -> Vec<WebhookEndpoint> {
        self.shared.webhooks.endpoints()
    }

    /// Sets when failed deliveries are tried again, for the messages of later writes
    /// (default: [`WebhookSchedule::default`], compressed for tests).
    pub fn set_webhook_schedule(&self, schedule: WebhookSchedule) {
        self.shared.webhooks.set_schedule(schedule);
    }

    /// Makes deliveries as disorderly as Clerk's may be: shuffled and duplicated,
    /// reproducibly (see [`WebhookChaos`]); `WebhookChaos::default()` turns it off
    /// (and sends what the shuffle held, in order).
    pub fn set_webhook_chaos(&self, chaos: WebhookChaos) {
        self.shared.webhooks.set_chaos(chaos);
    }

    /// Every delivery attempt so far, in the order they ended.
    pub fn webhook_deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.webhooks.records()
    }

    /// Sends what the shuffle holds (see [`WebhookChaos`]), then waits until every
    /// delivery has ended: taken by its endpoint, out of attempts, or its endpoint
    /// removed. Whether they all ended within `timeout` (measured on the fake's own
    /// clock, so a test's paused tokio clock does not cut it short).
    ///
    /// It waits without blocking the caller's runtime, so a receiver running on the
    /// same runtime keeps answering.
    pub async fn settle_webhooks(&self, timeout: Duration) -> bool {
        self.shared.webhooks.settle(timeout).await.unwrap_or(false)
    }

    /// [`settle_webhooks`](Self::settle_webhooks) for code that is not async. It blocks
    /// the calling thread: a receiver running on that thread's runtime cannot answer
    /// meanwhile (use `settle_webhooks` there).
    pub fn settle_webhooks_blocking(&self, timeout: Duration) -> bool {
        let settled = self.shared.webhooks.settle(timeout);
        let (done, wait) = std::sync::mpsc::channel();
        let Some(runtime) = self.shared.webhooks.runtime() else {
            return false;
        };
        runtime.spawn(async move {
            let _ = done.send(settled.await.unwrap_or(false));
        });
        wait.recv().unwrap_or(false)
    }

    /// The instance's ID, `ins_…`, as the `instance_id` of every webhook event.
    pub fn instance_id(&self) -> &str {
        self.shared.webhooks.instance_id()
    }

    /// Sets the JSON that `GET /v1/jwks` answers, in place of the fake's own keys
    /// (a JWKS with keys of another instance, say).
    pub fn set_jwks(&self, jwks: Value) {
        self.shared.users().jwks = jwks;
    }

    /// Moves the instance to a new signing key: new tokens are signed with it, and it is
    /// published at `GET /v1/jwks` beside the older keys, as Clerk does when it
    /// rotates an instance's keys. Returns the new key's `kid` (`ins_fake_2`, …).
    ///
    /// The keys are fixed, test-only key pairs, so nothing is generated: after two
    /// rotations the key material repeats, under new `kid`s.
    pub fn rotate_keys(&self) -> String {
        let mut keys = lock(&self.shared.keys);
        let kid = format!("ins_fake_{}", keys.len() + 1);
        let key = &keys::SIGNING[keys.len() % keys::SIGNING.len()];
        keys.push(keys::KeyPair {
            kid: kid.clone(),
            key,
        });
        self.publish(&keys);
        kid
    }

    fn publish(&self, keys: &[keys::KeyPair]) {
        let jwks =
            serde_json::json!({ "keys": keys.iter().map(keys::KeyPair::jwk).collect::<Vec<_>>() });
        self.shared.users().jwks = jwks;
    }

    /// The current signing key's public half in PEM form, as the Clerk Dashboard gives
    /// it for `CLERK_JWT_KEY` (for [`SessionVerifier::with_pem`]).
    pub fn jwt_public_key_pem(&self) -> String {
        let keys = lock(&self.shared.keys);
        keys.last()
            .map_or(keys::SIGNING[0].public_pem, |k| k.key.public_pem)
            .to_owned()
    }

    /// Puts `azp` (the origin a token is made for) into the tokens made from now on,
    /// and makes it the authorized party of the verifiers
    /// [`session_verifier`](Self::session_verifier) builds from now on.
    pub fn set_authorized_party(&self, azp: impl Into<String>) {
        *lock(&self.shared.azp) = Some(azp.into());
    }

    /// A [`SessionVerifier`] builder for the fake's tokens: the fake's JWKS through
    /// [`client`](Self::client), its [publishable key](Self::publishable_key) (so it
    /// reads the [suffixed cookie](Self::session_cookie_name) too), and the authorized
    /// party set by [`set_authorized_party`](Self::set_authorized_party), if any, to
    /// configure further.
    pub fn session_verifier_builder(&self) -> Result<SessionVerifierBuilder, ConfigError> {
        let builder = SessionVerifier::with_jwks(self.client()?);
        // The fake's own key always reads.
        let builder = match builder.publishable_key(&self.publishable_key()) {
            Ok(with_key) => with_key,
            Err(_) => SessionVerifier::with_jwks(self.client()?),
        };
        Ok(match lock(&self.shared.azp).clone() {
            Some(azp) => builder.authorized_parties([azp]),
            None => builder,
        })
    }

    /// A [`SessionVerifier`] that accepts the fake's tokens, as an app's verifier
    /// accepts its instance's: the fake's JWKS through [`client`](Self::client), and
    /// the authorized party set by [`set_authorized_party`](Self::set_authorized_party)
    /// (set it first; without one the verifier checks no `azp`, and logs the warning
    /// every verifier without authorized parties logs).
    ///
    /// ```
    /// # use clerk_metadata::testing::FakeClerk;
    /// # use clerk_metadata::session::SessionError;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let fake = FakeClerk::start()?;
    /// fake.set_authorized_party("http://localhost:3000");
    /// let sessions = fake.session_verifier()?;
    /// let user = fake.create_user();
    ///
    /// let claims = sessions.verify::<()>(&fake.session_token(&user)?).await?;
    /// assert_eq!(claims.sub, user);
    /// let expired = sessions.verify::<()>(&fake.expired_session_token(&user)?).await;
    /// assert!(matches!(expired, Err(SessionError::Expired)));
    /// let forged = sessions.verify::<()>(&fake.foreign_session_token(&user)?).await;
    /// assert!(matches!(forged, Err(SessionError::BadSignature)));
    /// # Ok(()) }
    /// ```
    pub fn session_verifier(&self) -> Result<SessionVerifier, ConfigError> {
        Ok(self.session_verifier_builder()?.build())
    }

    /// The fake instance's publishable key, as the Clerk Dashboard gives it: `pk_test_`
    /// and the instance's Frontend API host, here the fake's `127.0.0.1:{port}`, with
    /// `$`, in base64. The fake's tokens have its URL as `iss`.
    pub fn publishable_key(&self) -> String {
        use base64::Engine;
        let host = self.url.trim_start_matches("http://");
        format!(
            "pk_test_{}",
            base64::engine::general_purpose::STANDARD.encode(format!("{host}$"))
        )
    }

    /// The name of the instance's suffixed session cookie, `__session_<suffix>`, which
    /// Clerk's browser SDK sets beside `__session` and a verifier given the
    /// [publishable key](Self::publishable_key) reads.
    pub fn session_cookie_name(&self) -> String {
        crate::session::suffixed_cookie_name(&self.publishable_key())
            .unwrap_or_else(|| "__session".to_owned())
    }

    /// A session token for `user`, as Clerk makes them (version 2): `sub`, `sid`,
    /// `iat`, `nbf`, `exp` a minute ahead, `iss` the fake's URL, `azp` if set, `v: 2`,
    /// `sts: "active"`; RS256 with the current key.
    pub fn session_token(&self, user: &UserId) -> Result<String, KeyError> {
        self.session_token_with(user, Value::Object(Default::default()))
    }

    /// A session token for `user` with `extra` claims added (or replacing the
    /// standard ones: `{"exp": …}` sets the expiry, `{"metadata": …}` makes a
    /// customized one, `{"azp": null}` drops `azp`).
    pub fn session_token_with(&self, user: &UserId, extra: Value) -> Result<String, KeyError> {
        self.sign(&self.claims(user, extra))
    }

    /// A session token for `user` that expired ten minutes ago (beyond any clock skew
    /// a verifier allows), otherwise valid: what a browser left open sends.
    pub fn expired_session_token(&self, user: &UserId) -> Result<String, KeyError> {
        let now = keys::now();
        let times = serde_json::json!({"iat": now - 660, "nbf": now - 665, "exp": now - 600});
        self.session_token_with(user, times)
    }

    /// A session token for `user` like [`session_token`](Self::session_token), with the
    /// current key's `kid`, signed by a key the fake never publishes: another
    /// instance's token, or a forgery. Verifiers refuse it
    /// ([`SessionError::BadSignature`](crate::session::SessionError::BadSignature)).
    pub fn foreign_session_token(&self, user: &UserId) -> Result<String, KeyError> {
        let claims = self.claims(user, Value::Object(Default::default()));
        let kid = self.current_kid();
        keys::sign(&keys::FOREIGN, &kid, &claims, SESSION_CATEGORY).map_err(KeyError)
    }

    /// The claims of a session token for `user`, with `extra` merged in.
    fn claims(&self, user: &UserId, extra: Value) -> Value {
        let now = keys::now();
        let mut claims = serde_json::json!({
            "sub": user.as_str(),
            "sid": format!("sess_fake{}", self.shared.next_id.fetch_add(1, Ordering::Relaxed)),
            "iat": now,
            "nbf": now - 5,
            "exp": now + 60,
            "iss": self.url,
            "v": 2,
            "sts": "active",
        });
        if let Some(azp) = lock(&self.shared.azp).clone() {
            claims["azp"] = Value::String(azp);
        }
        let scope = self.token_scope(user);
        if let (Some(o), Value::Object(claims)) = (scope.organization_claim(), &mut claims) {
            claims.insert("o".to_owned(), o);
        }
        if let Some(template) = lock(&self.shared.template).clone()
            && let Value::Object(claims) = &mut claims
        {
            for (claim, value) in template {
                claims.insert(claim, scope.render(value));
            }
        }
        if let (Value::Object(claims), Value::Object(extra)) = (&mut claims, extra) {
            claims.extend(extra);
        }
        claims
    }

    /// What `user`'s tokens are rendered from: the user as stored, and the active
    /// organization with the user's membership in it, while both exist.
    fn token_scope(&self, user: &UserId) -> TokenScope {
        let active = lock(&self.shared.active_organizations)
            .get(user.as_str())
            .cloned();
        let users = self.shared.users();
        let organization = active.and_then(|org_id| {
            let org = users.orgs.organizations.get(&org_id)?;
            let membership = users.orgs.memberships.get(&org_id)?.get(user.as_str())?;
            Some((
                Value::Object(org.clone()),
                Value::Object(membership.clone()),
            ))
        });
        drop(users);
        let user_json = self
            .user(user)
            .unwrap_or_else(|| serde_json::json!({"id": user.as_str()}));
        TokenScope {
            user: user_json,
            organization,
        }
    }

    /// Makes `organization` the active organization of `user`'s sessions (`None`:
    /// no active organization), as the browser's `setActive({ organization })` does:
    /// every token the fake signs for the user from then on carries the `o` claim (ID,
    /// role, slug, permissions) and renders the customization's `org.*` and
    /// `org_membership.*` shortcodes from the organization and the user's membership,
    /// as they are stored when the token is signed. The user must be a member.
    ///
    /// ```
    /// # use clerk_metadata::testing::FakeClerk;
    /// # use serde_json::json;
    /// let fake = FakeClerk::start()?;
    /// let user = fake.create_user();
    /// let org = fake.insert_organization(json!({"id": "org_acme", "slug": "acme", "public_metadata": {"plan": "pro"}}))?;
    /// fake.insert_membership(&org, &user, json!({"role": "org:admin"}))?;
    /// fake.set_active_organization(&user, Some(&org))?;
    /// fake.customize_session_token(json!({"org_plan": "{{org.public_metadata.plan}}"}));
    /// // The token's `o` is {"id": "org_acme", "rol": "admin", "slg": "acme", "per": ""},
    /// // and its `org_plan` claim is "pro".
    /// # let _ = fake.session_token(&user)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_active_organization(
        &self,
        user: &UserId,
        organization: Option<&OrganizationId>,
    ) -> Result<(), SeedError> {
        let Some(organization) = organization else {
            lock(&self.shared.active_organizations).remove(user.as_str());
            return Ok(());
        };
        let is_member = self
            .shared
            .users()
            .orgs
            .memberships
            .get(organization.as_str())
            .is_some_and(|m| m.contains_key(user.as_str()));
        if !is_member {
            return Err(SeedError(
                "the user is not a member of the organization: insert the membership first",
            ));
        }
        lock(&self.shared.active_organizations)
            .insert(user.as_str().to_owned(), organization.as_str().to_owned());
        Ok(())
    }

    /// Sets the session token customization (Clerk Dashboard, Sessions, customize
    /// session token), as `claims::template::<S>()` gives it: every token the fake signs
    /// from then on carries it, rendered from the user's stored public metadata as
    /// Clerk renders it. `{{user.public_metadata}}`, `{{user.public_metadata.<key>}}`
    /// (a dotted path) and `{{user.id}}` are filled in (`null` where the user has no
    /// such key), and so are the active organization's `{{org.id}}`, `{{org.slug}}`,
    /// `{{org.name}}`, `{{org.role}}`, `{{org.public_metadata…}}` and
    /// `{{org_membership.public_metadata…}}` (`null` without an active organization:
    /// [`set_active_organization`](Self::set_active_organization)); any other value is
    /// copied as it is.
    ///
    /// ```
    /// # use clerk_metadata::{UserMetadata, claims, testing::FakeClerk};
    /// # #[derive(UserMetadata)]
    /// # pub struct AppUser { #[metadata(public, claim)] pub role: String }
    /// let fake = FakeClerk::start()?;
    /// fake.customize_session_token(claims::template::<AppUser>());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn customize_session_token(&self, template: Value) {
        *lock(&self.shared.template) = match template {
            Value::Object(template) => Some(template),
            _ => None,
        };
    }

    fn current_kid(&self) -> String {
        lock(&self.shared.keys)
            .last()
            .map_or_else(|| "ins_fake_1".to_owned(), |k| k.kid.clone())
    }

    /// Any claims, signed RS256 with the fake's current key, as a session token
    /// (`kid`, and Clerk's session category `cat: cl_B7d4PD111AAA`, in the header).
    pub fn sign(&self, claims: &Value) -> Result<String, KeyError> {
        self.sign_category(claims, SESSION_CATEGORY)
    }

    /// Any claims, signed as a JWT template token (`cat: cl_B7d4PD222AAA`): what
    /// `getToken({ template })` gives, with the same instance key, and which is not a
    /// session.
    pub fn sign_template(&self, claims: &Value) -> Result<String, KeyError> {
        self.sign_category(claims, "cl_B7d4PD222AAA")
    }

    fn sign_category(&self, claims: &Value, cat: &str) -> Result<String, KeyError> {
        let keys = lock(&self.shared.keys);
        let (kid, key) = keys.last().map_or(("ins_fake_1", &keys::SIGNING[0]), |k| {
            (k.kid.as_str(), k.key)
        });
        keys::sign(key, kid, claims, cat).map_err(KeyError)
    }
}

/// What a session token customization is rendered from: the user, and the active
/// organization with the user's membership in it.
struct TokenScope {
    user: Value,
    organization: Option<(Value, Value)>,
}

impl TokenScope {
    /// The `o` claim of a session in an organization (token version 2): its ID, the
    /// member's role and permissions without the `org:` prefix, its slug.
    fn organization_claim(&self) -> Option<Value> {
        let (org, membership) = self.organization.as_ref()?;
        let role = membership.get("role").and_then(Value::as_str).unwrap_or("");
        let permissions: Vec<&str> = membership
            .get("permissions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|p| p.strip_prefix("org:").unwrap_or(p))
            .collect();
        Some(serde_json::json!({
            "id": org.get("id").cloned().unwrap_or(Value::Null),
            "rol": role.strip_prefix("org:").unwrap_or(role),
            "slg": org.get("slug").cloned().unwrap_or(Value::Null),
            "per": permissions.join(","),
        }))
    }

    /// One value of a session token customization: a shortcode (`{{user.id}}`,
    /// `{{user.public_metadata…}}`, `{{org.id}}`, `{{org.slug}}`, `{{org.name}}`,
    /// `{{org.role}}`, `{{org.public_metadata…}}`, `{{org_membership.public_metadata…}}`)
    /// is filled in, `null` where there is nothing (no active organization, no such
    /// key); any other value is copied as it is.
    fn render(&self, value: Value) -> Value {
        let Some(code) = value
            .as_str()
            .and_then(|v| v.strip_prefix("{{"))
            .and_then(|v| v.strip_suffix("}}"))
            .map(str::trim)
        else {
            return value;
        };
        let org = self.organization.as_ref().map(|(org, _)| org);
        let membership = self.organization.as_ref().map(|(_, m)| m);
        let field = |of: Option<&Value>, key: &str| {
            of.and_then(|o| o.get(key)).cloned().unwrap_or(Value::Null)
        };
        match code {
            "user.id" => return field(Some(&self.user), "id"),
            "org.id" => return field(org, "id"),
            "org.slug" => return field(org, "slug"),
            "org.name" => return field(org, "name"),
            "org.role" => return field(membership, "role"),
            _ => {}
        }
        let sources = [
            ("user.public_metadata", Some(&self.user)),
            ("org_membership.public_metadata", membership),
            ("org.public_metadata", org),
        ];
        for (source, owner) in sources {
            let Some(path) = code
                .strip_prefix(source)
                .filter(|path| path.is_empty() || path.starts_with('.'))
            else {
                continue;
            };
            let Some(owner) = owner else {
                return Value::Null;
            };
            let mut at = owner.get("public_metadata").unwrap_or(&Value::Null);
            for key in path.split('.').filter(|k| !k.is_empty()) {
                at = at.get(key).unwrap_or(&Value::Null);
            }
            return match (at, path.is_empty()) {
                (Value::Null, true) => Value::Object(Map::new()),
                (at, _) => at.clone(),
            };
        }
        value
    }
}

/// Clerk's token category of a session token (the `cat` header).
const SESSION_CATEGORY: &str = "cl_B7d4PD111AAA";

impl Drop for FakeClerk {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for FakeClerk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeClerk")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}
