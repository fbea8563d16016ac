//! A client of Clerk's Backend API that performs typed updates in one call (feature
//! `client`).
//!
//! Every route in Clerk's `updateUser` docs is three steps: who is signed in,
//! `clerkClient.users.updateUser(userId, params)`, and the updated user as the answer.
//! This module is the second step:
//!
//! ```no_run
//! # use clerk_metadata::{Backend, UserId, UserMetadata, UserUpdate};
//! # use clerk_metadata::client::Clerk;
//! # #[derive(UserMetadata)] struct AppUser { #[metadata(public)] role: Option<String> }
//! # async fn run(user_id: UserId) -> Result<(), Box<dyn std::error::Error>> {
//! let clerk = Clerk::from_env()?; // CLERK_SECRET_KEY; CLERK_API_URL overrides the base URL
//! let users = clerk.users::<AppUser>();
//! let user = users
//!     .update(&user_id, UserUpdate::<Backend>::new().first_name("John").last_name("Wick"))
//!     .await?;
//! assert_eq!(user.profile.first_name.as_deref(), Some("John"));
//! let user = users.update_metadata(&user_id, AppUserPatch::<Backend>::new().role("admin")).await?;
//! # Ok(()) }
//! ```
//!
//! - An update is validated first ([`Error::Invalid`]: nothing sent), then its requests
//!   are sent in order (profile, then metadata), and the user is read from the last
//!   answer, with the rules of [`User::from_json`]: a user's own junk in unsafe
//!   metadata does not turn a successful update into an error.
//! - Each request is retried as [`RetryPolicy`] says (429, 502–504, connection
//!   failures; `Retry-After` honoured).
//! - If a later request fails after an earlier one was applied, the error is
//!   [`Error::Partial`], which says which steps were applied.
//! - [`Users::create`] creates a user from a [`NewUser`], validated the
//!   same way; a create is not idempotent, so it is retried only while no attempt can
//!   have been applied, and its error says whether the user may exist.
//! - [`Clerk::organizations`], [`Clerk::memberships`], [`Clerk::invitations`] and
//!   [`Clerk::organization_invitations`] read and write organizations, memberships and
//!   invitations with the same validation, retries, partial-failure reports and
//!   withholding of Clerk's text; an invitation create is retried as a user create is.
//! - Each attempt is a `tracing` event at debug level (target `clerk_metadata::client`)
//!   with the method, the path, the status, the attempt and Clerk's trace ID; never a
//!   body, the key or a header value.
//! - [`Clerk`] is cheap to clone: clones share one configuration and one connection
//!   pool.
//!
//! The transport is hyper's HTTP/1.1 client on tokio. It follows no redirect (a
//! `3xx` is Clerk's answer, an error), uses no proxy, and reads at most 4 MiB of an
//! answer. TLS is rustls with the platform's certificate verifier, on the crypto
//! provider the app installed as rustls's process default if it did, else *ring*
//! (feature `ring`, a default feature) or aws-lc-rs (feature `aws-lc-rs`); the
//! `native-tls` feature uses the platform's TLS library instead. The crate turns on no
//! feature of the app's own HTTP client (it does not depend on reqwest).

mod error;
mod key;
mod organizations;
mod retry;
mod send;
pub(crate) mod transport;

use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;
use std::sync::Arc;

pub use error::{
    ClerkFailure, ConfigError, Error, NotAUser, Partial, Step, TransportError, TransportKind,
    WalkStuck,
};
pub use key::{InvalidSecretKey, SecretKey};
pub use organizations::{Invitations, Memberships, OrganizationInvitations, Organizations};
pub use retry::{Decision, Outcome, RetryPolicy, parse_retry_after};

use crate::read::User;
use crate::schema::metadata::{MembershipMetadata, OrganizationMetadata, UserMetadata};
use crate::schema::patch::MetadataPatch;
use crate::schema::writer::{Backend, Within};
use crate::update::UserUpdate;
use crate::update::create::NewUser;
use crate::update::rules::Rules;
use crate::wire::id::{OrganizationId, UserId};
use crate::wire::request::Method;
use crate::wire::version::ApiVersion;
use send::Body;

/// Clerk's Backend API.
pub const DEFAULT_BASE_URL: &str = "https://api.clerk.com";

/// A client of Clerk's Backend API; see the [module docs](self).
///
/// Its `Debug` shows the base URL, the API version and the retry policy, never the
/// key.
#[derive(Clone)]
pub struct Clerk {
    inner: Arc<Inner>,
}

struct Inner {
    http: transport::HttpClient,
    /// Kept to scrub it from error answers that echo the request.
    key: SecretKey,
    /// The base URL without a trailing `/`.
    base: String,
    authorization: http::HeaderValue,
    version: ApiVersion,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    rules: Rules,
    /// The client-side rate limit every attempt waits for.
    #[cfg(feature = "jobs")]
    pub(crate) limiter: Option<crate::jobs::limit::Limiter>,
}

impl Clerk {
    /// A client configured from the environment: `CLERK_SECRET_KEY` (required) and
    /// `CLERK_API_URL` (optional, the base URL); everything else as
    /// [`ClerkBuilder`]'s defaults.
    pub fn from_env() -> Result<Clerk, ConfigError> {
        let key = std::env::var("CLERK_SECRET_KEY").map_err(|_| ConfigError::MissingSecretKey)?;
        let mut builder = Clerk::builder(SecretKey::new(key)?);
        if let Ok(url) = std::env::var("CLERK_API_URL") {
            builder = builder.base_url(&url).map_err(|e| match e {
                ConfigError::BaseUrl(reason) => ConfigError::EnvBaseUrl(reason),
                other => other,
            })?;
        }
        builder.build()
    }

    /// A builder of a client with secret key `key`.
    pub fn builder(key: SecretKey) -> ClerkBuilder {
        ClerkBuilder {
            key,
            base: DEFAULT_BASE_URL.to_owned(),
            version: ApiVersion::LATEST,
            retry: RetryPolicy::default(),
            timeout: Some(ClerkBuilder::DEFAULT_TIMEOUT),
            rules: Rules::default(),
            #[cfg(feature = "jobs")]
            rate_limit: None,
        }
    }

    /// The client-side rate limit set by [`ClerkBuilder::rate_limit`], if any.
    #[cfg(feature = "jobs")]
    pub fn rate_limit(&self) -> Option<crate::jobs::RateLimit> {
        self.inner.limiter.as_ref().map(|l| l.limit())
    }

    /// A client like this one (same key, base URL, version, retries, rules and
    /// connection pool) held under `limit` by a limiter of its own, which its clones
    /// share (feature `jobs`; see [`ClerkBuilder::rate_limit`]).
    #[cfg(feature = "jobs")]
    pub fn with_rate_limit(&self, limit: crate::jobs::RateLimit) -> Clerk {
        let inner = &*self.inner;
        Clerk {
            inner: Arc::new(Inner {
                http: inner.http.clone(),
                key: inner.key.clone(),
                base: inner.base.clone(),
                authorization: inner.authorization.clone(),
                version: inner.version,
                retry: inner.retry,
                timeout: inner.timeout,
                rules: inner.rules.clone(),
                limiter: Some(crate::jobs::limit::Limiter::new(limit)),
            }),
        }
    }

    /// The secret key, for the jobs' default rate limit.
    #[cfg(feature = "jobs")]
    pub(crate) fn key(&self) -> &SecretKey {
        &self.inner.key
    }

    /// The validation rules updates are checked against.
    #[cfg(feature = "jobs")]
    pub(crate) fn rules(&self) -> &Rules {
        &self.inner.rules
    }

    /// The users of the instance, read and written with schema `S`.
    pub fn users<S: UserMetadata>(&self) -> Users<S> {
        Users {
            clerk: self.clone(),
            schema: PhantomData,
        }
    }

    /// The organizations of the instance, read and written with schema `O`.
    pub fn organizations<O: OrganizationMetadata>(&self) -> Organizations<O> {
        Organizations::new(self.clone())
    }

    /// The memberships of organization `organization_id`, read and written with schema
    /// `M`.
    pub fn memberships<M: MembershipMetadata>(
        &self,
        organization_id: &OrganizationId,
    ) -> Memberships<M> {
        Memberships::new(self.clone(), organization_id.clone())
    }

    /// The instance's invitations (`POST /v1/invitations`), whose public metadata is
    /// typed by the user schema `S`.
    pub fn invitations<S: UserMetadata>(&self) -> Invitations<S> {
        Invitations::new(self.clone())
    }

    /// The invitations to organization `organization_id`, whose metadata is typed by
    /// the membership schema `M`.
    pub fn organization_invitations<M: MembershipMetadata>(
        &self,
        organization_id: &OrganizationId,
    ) -> OrganizationInvitations<M> {
        OrganizationInvitations::new(self.clone(), organization_id.clone())
    }

    /// Sends the requests of one call in order, each retried as the policy says (the
    /// policy's `max_elapsed` bounds the whole call), and returns the steps applied and
    /// the last answer. The first failure ends the call: alone if nothing was applied,
    /// else as [`Error::Partial`].
    pub(crate) async fn send_steps(
        &self,
        requests: Vec<(Step, crate::wire::request::ApiRequest)>,
    ) -> Result<(Vec<Step>, Vec<u8>), Error> {
        let start = tokio::time::Instant::now();
        let mut applied = Vec::with_capacity(requests.len());
        let mut last = Vec::new();
        for (step, request) in requests {
            let method = match request.method() {
                Method::Patch => http::Method::PATCH,
                Method::Put => http::Method::PUT,
                Method::Post => http::Method::POST,
            };
            let path = request.path().to_owned();
            let body = Body::of(request);
            match self.send(step, method, &path, Some(&body), start).await {
                Ok(answer) => {
                    applied.push(step);
                    last = answer;
                }
                Err(cause) if applied.is_empty() => return Err(cause),
                Err(cause) => {
                    return Err(Error::Partial(Box::new(Partial {
                        applied,
                        failed: step,
                        cause,
                    })));
                }
            }
        }
        Ok((applied, last))
    }

    /// The instance's session-token keys (`GET /v1/jwks`), as JSON.
    #[cfg(feature = "session")]
    pub(crate) async fn get_jwks(&self) -> Result<Vec<u8>, Error> {
        let start = tokio::time::Instant::now();
        self.send(Step::GetJwks, http::Method::GET, "/v1/jwks", None, start)
            .await
    }

    /// The API version sent on every request.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.version
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }
}

impl fmt::Debug for Clerk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clerk")
            .field("base_url", &self.inner.base)
            .field("api_version", &self.inner.version.as_str())
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Clerk`]; made by [`Clerk::builder`].
///
/// ```
/// # use std::time::Duration;
/// # use clerk_metadata::ApiVersion;
/// # use clerk_metadata::client::{Clerk, RetryPolicy, SecretKey};
/// let clerk = Clerk::builder(SecretKey::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc")?)
///     .base_url("http://127.0.0.1:4010")? // default https://api.clerk.com
///     .api_version(ApiVersion::V2025_11_10) // default ApiVersion::LATEST
///     .retry(RetryPolicy::none()) // default RetryPolicy::default()
///     .timeout(Duration::from_secs(10)) // per attempt; default 30 s; None for none
///     .build()?;
/// assert_eq!(clerk.base_url(), "http://127.0.0.1:4010");
/// # Ok::<(), clerk_metadata::client::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct ClerkBuilder {
    key: SecretKey,
    base: String,
    version: ApiVersion,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    rules: Rules,
    #[cfg(feature = "jobs")]
    rate_limit: Option<crate::jobs::RateLimit>,
}

impl ClerkBuilder {
    /// The time one attempt may take unless [`timeout`](Self::timeout) says otherwise.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// The base URL of the API (default [`DEFAULT_BASE_URL`]), for a proxy, a mock or
    /// [`FakeClerk`](crate::testing::FakeClerk).
    ///
    /// It must be `https://`, or `http://` to a loopback address (`127.0.0.1`, `::1`,
    /// `localhost`): the secret key is never sent in clear text over a network. It may
    /// have a path prefix, and no query, fragment or credentials.
    pub fn base_url(mut self, url: &str) -> Result<Self, ConfigError> {
        let parsed = url::Url::parse(url).map_err(|_| ConfigError::BaseUrl("not a URL"))?;
        let host = parsed
            .host_str()
            .ok_or(ConfigError::BaseUrl("it has no host"))?;
        // An IPv6 host comes in brackets.
        let ip = host.trim_start_matches('[').trim_end_matches(']');
        let loopback = host.eq_ignore_ascii_case("localhost")
            || ip
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => {
                return Err(ConfigError::BaseUrl(
                    "plain http is allowed only to a loopback address: the secret key would cross the network in clear text",
                ));
            }
            _ => return Err(ConfigError::BaseUrl("the scheme must be https")),
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(ConfigError::BaseUrl(
                "it may not have a query or a fragment",
            ));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ConfigError::BaseUrl("it may not hold credentials"));
        }
        self.base = parsed.as_str().trim_end_matches('/').to_owned();
        Ok(self)
    }

    /// Aims at a base URL known to be good (the fake's own loopback address).
    #[cfg(feature = "testing")]
    pub(crate) fn loopback_base(mut self, base: String) -> Self {
        self.base = base;
        self
    }

    /// The API version sent as `Clerk-API-Version` on every request (default
    /// [`ApiVersion::LATEST`]); updates are built for it.
    #[must_use]
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// How failed requests are retried (default [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] turns retries off).
    #[must_use]
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The time one attempt may take, from sending to the end of the answer (default
    /// 30 s); `None` waits as long as the connection lives.
    #[must_use]
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// The validation rules updates are checked against (default: Clerk's defaults).
    #[must_use]
    pub fn rules(mut self, rules: Rules) -> Self {
        self.rules = rules;
        self
    }

    /// Holds the client (and its clones) under `limit`: every attempt of every request
    /// waits until it is within the limit, so reads and writes share one budget
    /// (default: none; feature `jobs`). A 429 is still retried as the
    /// [`RetryPolicy`] says.
    #[cfg(feature = "jobs")]
    #[must_use]
    pub fn rate_limit(mut self, limit: crate::jobs::RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The client.
    pub fn build(self) -> Result<Clerk, ConfigError> {
        let http = transport::http_client()?;
        let mut authorization =
            http::HeaderValue::try_from(format!("Bearer {}", self.key.expose()))
                .map_err(|_| ConfigError::SecretKey(InvalidSecretKey::Characters))?;
        authorization.set_sensitive(true);
        Ok(Clerk {
            inner: Arc::new(Inner {
                http,
                key: self.key,
                base: self.base,
                authorization,
                version: self.version,
                retry: self.retry,
                timeout: self.timeout,
                rules: self.rules,
                #[cfg(feature = "jobs")]
                limiter: self.rate_limit.map(crate::jobs::limit::Limiter::new),
            }),
        })
    }
}

impl fmt::Debug for ClerkBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkBuilder")
            .field("key", &self.key)
            .field("base_url", &self.base)
            .field("api_version", &self.version.as_str())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Clerk {
    /// The answer to a `GET` of `path` (`/v1/…?…`), retried as the policy says.
    #[cfg(feature = "jobs")]
    pub(crate) async fn get(&self, step: Step, path: &str) -> Result<Vec<u8>, Error> {
        let start = tokio::time::Instant::now();
        self.send(step, http::Method::GET, path, None, start).await
    }
}

const USER_AGENT: &str = concat!("clerk-metadata/", env!("CARGO_PKG_VERSION"));

/// The users of an instance, read and written with schema `S`; made by
/// [`Clerk::users`].
pub struct Users<S> {
    pub(crate) clerk: Clerk,
    schema: PhantomData<fn() -> S>,
}

impl<S> Users<S> {
    /// The same users through another client (one with a rate limit, say).
    #[cfg(feature = "jobs")]
    pub(crate) fn through(&self, clerk: Clerk) -> Users<S> {
        Users {
            clerk,
            schema: PhantomData,
        }
    }
}

impl<S> Clone for Users<S> {
    fn clone(&self) -> Self {
        Users {
            clerk: self.clerk.clone(),
            schema: PhantomData,
        }
    }
}

impl<S> fmt::Debug for Users<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Users").field("clerk", &self.clerk).finish()
    }
}

impl<S: UserMetadata> Users<S> {
    /// Reads user `user_id` (`GET /v1/users/{user_id}`).
    pub async fn get(&self, user_id: &UserId) -> Result<User<S>, Error> {
        let path = format!("/v1/users/{user_id}");
        let start = tokio::time::Instant::now();
        let body = self
            .clerk
            .send(Step::GetUser, http::Method::GET, &path, None, start)
            .await?;
        User::from_json(&body).map_err(|error| {
            Error::NotAUser(NotAUser {
                applied: Vec::new(),
                error,
                user_id: None,
                created_id: None,
                object: "user",
            })
        })
    }

    /// Performs `update` on user `user_id`, as `clerkClient.users.updateUser` does, and
    /// returns the user as Clerk's last answer shows it.
    ///
    /// The update is validated first; then its requests (profile, then metadata) are
    /// sent in order, each retried as the [`RetryPolicy`] says (its `max_elapsed`
    /// bounds the retries of the whole call; each step is sent at least once, so a
    /// call takes at most about `max_elapsed` plus one timeout per step). See [`Error`]
    /// for what each failure means for the user's data.
    ///
    /// An update that changes nothing ([`UserUpdate::is_empty`]: a browser's `{}`,
    /// say) sends no write: it reads the user ([`get`](Self::get)) and returns it, as
    /// Clerk answers a `PATCH` with an empty body. (`UserUpdate::build` refuses it as
    /// `empty_update`: there is no request to build.)
    ///
    /// Dropping the future (an outer timeout, a `select!`) stops the call where it is:
    /// the steps already applied stay applied, the one in flight may or may not land,
    /// and no error reports it. Prefer the client's own timeout and retry policy.
    pub async fn update(
        &self,
        user_id: &UserId,
        update: UserUpdate<Backend>,
    ) -> Result<User<S>, Error> {
        if update.is_empty() {
            return self.get(user_id).await;
        }
        let requests =
            update.build_with(user_id, self.clerk.inner.version, &self.clerk.inner.rules)?;
        for warning in update.warnings(&self.clerk.inner.rules) {
            tracing::warn!(
                target: "clerk_metadata::client",
                field = warning.field(), code = warning.code(), "{}", warning.message()
            );
        }
        let steps = requests
            .into_iter()
            .map(|request| {
                let step = match (request.method(), request.path().ends_with("/metadata")) {
                    (Method::Patch, false) => Step::UpdateProfile,
                    (Method::Put, _) => Step::ReplaceMetadata,
                    (Method::Patch, true) => Step::MergeMetadata,
                    // An update builds no `POST`.
                    (Method::Post, _) => Step::CreateUser,
                };
                (step, request)
            })
            .collect();
        let (applied, last) = self.clerk.send_steps(steps).await?;
        // `build` refuses an update that sends nothing, so there is an answer.
        User::from_json(&last).map_err(|error| {
            Error::NotAUser(NotAUser {
                applied,
                error,
                user_id: None,
                created_id: None,
                object: "user",
            })
        })
    }

    /// Creates a user (`POST /v1/users`), as `clerkClient.users.createUser` does, and
    /// returns it as Clerk's answer shows it.
    ///
    /// The user is validated first ([`Error::Invalid`]: nothing sent). A create is not
    /// idempotent, so it is retried only while no attempt can have reached Clerk (a
    /// `429`, a `503`, a connection that could not be made; see [`RetryPolicy`]). After
    /// any other failure the error says whether the user may have been created
    /// ([`ClerkFailure::may_have_applied`], [`TransportError::may_have_reached_clerk`]):
    /// look the user up by an identifier you sent (its email address or `external_id`)
    /// before creating it again. If Clerk created the user but its answer is not a user
    /// of the schema, the error is [`Error::NotAUser`] with the new user's ID.
    ///
    /// As with [`update`](Self::update), an error of a request that wrote private
    /// metadata keeps Clerk's codes and withholds its text; the password is never kept.
    ///
    /// ```no_run
    /// # use clerk_metadata::{NewUser, UserMetadata};
    /// # use clerk_metadata::client::Clerk;
    /// # #[derive(UserMetadata)] struct AppUser { #[metadata(public)] role: Option<String> }
    /// # async fn run(clerk: Clerk) -> Result<(), clerk_metadata::client::Error> {
    /// let user = clerk
    ///     .users::<AppUser>()
    ///     .create(NewUser::new().email_address("ada@example.com").first_name("Ada"))
    ///     .await?;
    /// println!("created {}", user.profile.id);
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, user: NewUser<S>) -> Result<User<S>, Error> {
        let rules = &self.clerk.inner.rules;
        let request = user.build_with(self.clerk.inner.version, rules)?;
        for warning in user.warnings(rules) {
            tracing::warn!(
                target: "clerk_metadata::client",
                field = warning.field(), code = warning.code(), "{}", warning.message()
            );
        }
        drop(user);
        let body = Body::of(request);
        let start = tokio::time::Instant::now();
        let answer = self
            .clerk
            .send(
                Step::CreateUser,
                http::Method::POST,
                "/v1/users",
                Some(&body),
                start,
            )
            .await?;
        User::from_json(&answer).map_err(|error| {
            let user_id = serde_json::from_slice::<serde_json::Value>(&answer)
                .ok()
                .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(UserId::parse))
                .and_then(Result::ok);
            Error::NotAUser(NotAUser {
                applied: vec![Step::CreateUser],
                error,
                created_id: user_id.as_ref().map(|id| id.as_str().to_owned()),
                user_id,
                object: "user",
            })
        })
    }

    /// Deletes user `user_id` (`DELETE /v1/users/{user_id}`), as
    /// `clerkClient.users.deleteUser` does. Retried as an update is; a retry whose
    /// earlier attempt was applied meets Clerk's 404 for a user that is gone, and the
    /// error says the deletion may have been applied.
    pub async fn delete(&self, user_id: &UserId) -> Result<(), Error> {
        let path = format!("/v1/users/{user_id}");
        let start = tokio::time::Instant::now();
        self.clerk
            .send(Step::DeleteUser, http::Method::DELETE, &path, None, start)
            .await
            .map(drop)
    }

    /// Deep-merges a typed metadata patch into user `user_id` (`PATCH
    /// /v1/users/{user_id}/metadata`): the same as [`update`](Self::update) with
    /// `UserUpdate::new().metadata(patch)`.
    pub async fn update_metadata<P>(&self, user_id: &UserId, patch: P) -> Result<User<S>, Error>
    where
        P: MetadataPatch + Send + Sync + 'static,
        P::Writer: Within<Backend>,
    {
        self.update(user_id, UserUpdate::new().metadata(patch))
            .await
    }
}
