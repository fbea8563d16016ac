//! What can go wrong when the client talks to Clerk, said in terms of the user's data.

use core::fmt;
use core::time::Duration;

use crate::read::ReadError;
use crate::validation::ValidationErrors;
use crate::wire::clerk_error::ApiError;
use crate::wire::id::UserId;

/// One request of a client call, by what it does to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// `GET /v1/users/{user_id}`: reads the user.
    GetUser,
    /// `PATCH /v1/users/{user_id}`: updates profile fields.
    UpdateProfile,
    /// `PUT /v1/users/{user_id}/metadata`: replaces metadata tiers.
    ReplaceMetadata,
    /// `PATCH /v1/users/{user_id}/metadata`: deep-merges a metadata patch.
    MergeMetadata,
    /// `GET /v1/jwks`: reads the instance's session-token keys.
    GetJwks,
    /// `POST /v1/users`: creates a user.
    CreateUser,
    /// `DELETE /v1/users/{user_id}`: deletes a user.
    DeleteUser,
    /// `GET /v1/organizations/{organization_id}`: reads an organization.
    GetOrganization,
    /// `PATCH /v1/organizations/{organization_id}`: updates an organization's profile
    /// fields.
    UpdateOrganization,
    /// `PUT /v1/organizations/{organization_id}/metadata`: replaces an organization's
    /// metadata tiers.
    ReplaceOrganizationMetadata,
    /// `PATCH /v1/organizations/{organization_id}/metadata`: deep-merges a patch of an
    /// organization's metadata.
    MergeOrganizationMetadata,
    /// `GET /v1/organizations/{organization_id}/memberships`: lists memberships.
    ListMemberships,
    /// `PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata`:
    /// deep-merges a patch of a membership's metadata.
    MergeMembershipMetadata,
    /// `POST /v1/invitations`: invites a user to the instance.
    CreateInvitation,
    /// `POST /v1/organizations/{organization_id}/invitations`: invites a user to an
    /// organization.
    CreateOrganizationInvitation,
    /// `GET /v1/users`: lists users.
    ListUsers,
    /// `GET /v1/users/count`: counts users.
    CountUsers,
}

impl Step {
    /// What the step does, in words: `the profile update`.
    pub const fn describe(self) -> &'static str {
        match self {
            Step::GetUser => "the user read",
            Step::UpdateProfile => "the profile update",
            Step::ReplaceMetadata => "the metadata replace",
            Step::MergeMetadata => "the metadata merge",
            Step::GetJwks => "the JWKS read",
            Step::CreateUser => "the user creation",
            Step::DeleteUser => "the user deletion",
            Step::GetOrganization => "the organization read",
            Step::UpdateOrganization => "the organization update",
            Step::ReplaceOrganizationMetadata => "the organization metadata replace",
            Step::MergeOrganizationMetadata => "the organization metadata merge",
            Step::ListMemberships => "the membership list read",
            Step::MergeMembershipMetadata => "the membership metadata merge",
            Step::CreateInvitation => "the invitation creation",
            Step::CreateOrganizationInvitation => "the organization invitation creation",
            Step::ListUsers => "the user list read",
            Step::CountUsers => "the user count read",
        }
    }

    /// Whether the step changes the user.
    pub const fn writes(self) -> bool {
        matches!(
            self,
            Step::UpdateProfile
                | Step::ReplaceMetadata
                | Step::MergeMetadata
                | Step::CreateUser
                | Step::DeleteUser
                | Step::UpdateOrganization
                | Step::ReplaceOrganizationMetadata
                | Step::MergeOrganizationMetadata
                | Step::MergeMembershipMetadata
                | Step::CreateInvitation
                | Step::CreateOrganizationInvitation
        )
    }

    /// Whether the step creates something (a user, an invitation): such a step is not
    /// idempotent.
    pub const fn creates(self) -> bool {
        matches!(
            self,
            Step::CreateUser | Step::CreateInvitation | Step::CreateOrganizationInvitation
        )
    }

    /// Whether sending the step twice leaves Clerk as sending it once: every step but
    /// the creates ([`CreateUser`](Step::CreateUser), which would create a second user,
    /// and the invitation creates, which would send a second invitation). A step that
    /// is not idempotent is retried only when no attempt can have been applied (see
    /// [`RetryPolicy`](super::RetryPolicy)).
    pub const fn idempotent(self) -> bool {
        !self.creates()
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// An error of a client call. Each variant says what happened to the user's data.
///
/// No variant holds or prints the secret key (or any `sk_live_…`/`sk_test_…` token:
/// they are scrubbed from Clerk's answers) or a request body, and none prints a
/// response body that is not Clerk's error envelope; Clerk's messages are escaped and
/// cut. When the failed request carried private metadata or a password (a digest, a TOTP
/// secret, backup codes), Clerk's messages, `meta` and
/// any other body are not kept at all, only its error codes (see
/// [`ClerkFailure::withheld`]): they may quote the value sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The update (or the new user) failed validation: **nothing was sent**.
    Invalid(ValidationErrors),
    /// Clerk answered a request with an error. If it was not the call's first request,
    /// the error is inside [`Error::Partial`] instead.
    Clerk(ClerkFailure),
    /// Clerk could not be reached, or the connection broke, or no answer came in time.
    /// If it was not the call's first request, the error is inside [`Error::Partial`].
    Transport(TransportError),
    /// Some requests of an update were applied, then one failed: the user holds the
    /// applied ones.
    Partial(Box<Partial>),
    /// Clerk answered with success, but the answer is not a user of the schema. For an
    /// update, **the update was applied**.
    NotAUser(NotAUser),
    /// A walk of the users (feature `jobs`) cannot go on without skipping users or
    /// reading the same page forever; nothing was written.
    WalkStuck(WalkStuck),
}

/// Why a walk of the users cannot go on: a full page came back that moves its cursor
/// nowhere. Reading the page again would read the same users again, forever; going on
/// past them could skip users, so the walk stops here (its cursor stays where it was).
///
/// This happens after the user the cursor names was deleted (the walk then reads by
/// creation time, see `jobs::UserPager::next_page`, feature `jobs`) when
/// at least a page of users were created in the same millisecond as it: Clerk's
/// creation-time filter cannot tell them apart. Walk again with a larger page size or
/// a narrower filter. It also happens when a full page holds no entry with a readable
/// user ID and creation time to go on after.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WalkStuck {
    /// The entries of the page that moved nothing (the page size).
    pub entries: usize,
    /// The creation time (Unix milliseconds) the users tie at, if the walk was
    /// reading by creation time after a deleted cursor user; `None` for a page with no
    /// readable user ID and creation time.
    pub tied_at: Option<i64>,
}

impl fmt::Display for WalkStuck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tied_at {
            Some(at) => write!(
                f,
                "the walk cannot go on past a deleted user: a page of {} users were all \
                 created in the same millisecond ({at}) at or before it, and Clerk's \
                 creation-time filter cannot tell them apart; walk again with a larger \
                 page size or a narrower filter",
                self.entries
            ),
            None => write!(
                f,
                "the walk cannot go on: a full page of {} entries holds no readable user \
                 ID and creation time to go on after",
                self.entries
            ),
        }
    }
}

impl std::error::Error for WalkStuck {}

impl Error {
    /// The steps Clerk applied before the call failed (none unless
    /// [`Error::Partial`] or an update's [`Error::NotAUser`]).
    pub fn applied(&self) -> &[Step] {
        match self {
            Error::Partial(partial) => &partial.applied,
            Error::NotAUser(not) => &not.applied,
            _ => &[],
        }
    }

    /// The HTTP status of Clerk's error answer, if the call ended in one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Clerk(failure) => Some(failure.error.status()),
            Error::Partial(partial) => partial.cause.status(),
            _ => None,
        }
    }

    /// Clerk's `Retry-After`, if the call ended in an answer that carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Clerk(failure) => failure.retry_after,
            Error::Partial(partial) => partial.cause.retry_after(),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(errors) => {
                write!(f, "nothing was sent: the request is invalid: {errors}")
            }
            Error::Clerk(failure) => {
                if failure.step.writes() {
                    f.write_str(fate(failure.may_have_applied))?;
                }
                fmt::Display::fmt(failure, f)
            }
            Error::Transport(error) => {
                if error.step.writes() {
                    f.write_str(fate(error.may_have_reached_clerk()))?;
                }
                fmt::Display::fmt(error, f)
            }
            Error::Partial(partial) => fmt::Display::fmt(partial, f),
            Error::NotAUser(not) => fmt::Display::fmt(not, f),
            Error::WalkStuck(stuck) => fmt::Display::fmt(stuck, f),
        }
    }
}

/// What a failed write left: the words before the failure.
fn fate(may_have_applied: bool) -> &'static str {
    if may_have_applied {
        "it may have been applied: "
    } else {
        "nothing was applied: "
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Invalid(errors) => Some(errors),
            Error::Clerk(failure) => Some(&failure.error),
            Error::Transport(error) => Some(error),
            Error::Partial(partial) => Some(&partial.cause),
            Error::NotAUser(not) => Some(&not.error),
            Error::WalkStuck(stuck) => Some(stuck),
        }
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::Invalid(errors)
    }
}

/// Clerk's error answer to one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClerkFailure {
    /// The request that failed.
    pub step: Step,
    /// The answer: status and Clerk's typed errors (with the trace ID), or a body of
    /// another shape; secret keys scrubbed, and Clerk's text withheld if
    /// [`withheld`](Self::withheld).
    pub error: ApiError,
    /// Clerk's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
    /// How many times the request was sent.
    pub attempts: u32,
    /// Whether Clerk may have applied the request all the same: an earlier attempt
    /// broke off or timed out, or a gateway answered 500, 502 or 504 (which may come
    /// after the write landed). Always `false` for a read.
    pub may_have_applied: bool,
    /// Whether Clerk's text was withheld because the request carried private metadata
    /// or a password, digest, TOTP secret or backup codes (which Clerk's messages may
    /// quote): each error keeps its code, and its
    /// `meta.param_name` if that is a top-level field of the request (such as
    /// `private_metadata`), but its message reads "message withheld", its long message
    /// and other `meta` are dropped, and a body that is not Clerk's envelope is
    /// emptied. Secret keys are scrubbed from every error whatever this says.
    pub withheld: bool,
}

impl ClerkFailure {
    /// The trace ID to quote to Clerk's support, if Clerk sent one.
    pub fn trace_id(&self) -> Option<&str> {
        match &self.error {
            ApiError::Clerk { errors, .. } => errors.clerk_trace_id.as_deref(),
            ApiError::Unrecognized { .. } => None,
        }
    }
}

impl fmt::Display for ClerkFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed: {}", self.step, self.error)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if let Some(after) = self.retry_after {
            write!(f, " (retry after {} s)", after.as_secs())?;
        }
        if self.withheld && matches!(self.error, ApiError::Unrecognized { .. }) {
            f.write_str(
                " (its body withheld: the request carried private metadata or a password)",
            )?;
        }
        Ok(())
    }
}

/// How the connection to Clerk failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake).
    Connect,
    /// No answer came within the timeout.
    Timeout,
    /// The connection broke before the whole answer came.
    Interrupted,
    /// The answer was larger than any user (over 4 MiB) and was not read.
    TooLarge,
}

/// A request that got no answer from Clerk.
#[derive(Debug)]
pub struct TransportError {
    step: Step,
    kind: TransportKind,
    attempts: u32,
    reached: bool,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    pub(crate) fn new(
        step: Step,
        kind: TransportKind,
        attempts: u32,
        reached: bool,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            step,
            kind,
            attempts,
            reached,
            source: source.into(),
        }
    }

    /// The request that failed.
    pub fn step(&self) -> Step {
        self.step
    }

    /// How it failed.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// How many times the request was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether Clerk may have received (and applied) the request: `false` only if no
    /// attempt ever got a connection through, or every attempt that did was answered
    /// with a refusal.
    pub fn may_have_reached_clerk(&self) -> bool {
        self.reached
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportKind::Connect => "could not connect to Clerk",
            TransportKind::Timeout => "Clerk did not answer in time",
            TransportKind::Interrupted => "the connection to Clerk broke before the answer",
            TransportKind::TooLarge => "the answer was larger than 4 MiB",
        };
        write!(f, "{} failed: {what}", self.step)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// An update of which some requests were applied before one failed.
#[derive(Debug)]
#[non_exhaustive]
pub struct Partial {
    /// The steps Clerk applied, in order.
    pub applied: Vec<Step>,
    /// The step that failed; it and every later step were not applied (for a
    /// [`TransportError`] that may have reached Clerk: maybe applied).
    pub failed: Step,
    /// Why it failed: an [`Error::Clerk`] or an [`Error::Transport`].
    pub cause: Error,
}

impl fmt::Display for Partial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("partly applied: ")?;
        for (i, step) in self.applied.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(step.describe())?;
        }
        f.write_str(" applied, then ")?;
        match &self.cause {
            Error::Clerk(failure) => {
                f.write_str(later_fate(failure.may_have_applied))?;
                fmt::Display::fmt(failure, f)
            }
            Error::Transport(error) => {
                f.write_str(later_fate(error.may_have_reached_clerk()))?;
                fmt::Display::fmt(error, f)
            }
            other => fmt::Display::fmt(other, f),
        }
    }
}

impl Partial {
    /// Whether the failed step may have been applied all the same (see
    /// [`ClerkFailure::may_have_applied`] and
    /// [`TransportError::may_have_reached_clerk`]).
    pub fn failed_may_have_applied(&self) -> bool {
        match &self.cause {
            Error::Clerk(failure) => failure.may_have_applied,
            Error::Transport(error) => error.may_have_reached_clerk(),
            _ => false,
        }
    }
}

/// What a failed later step left, in a partial update's message.
fn later_fate(may_have_applied: bool) -> &'static str {
    if may_have_applied {
        "(it may have been applied) "
    } else {
        "(not applied) "
    }
}

/// A success answer that is not a user of the schema.
#[derive(Debug)]
#[non_exhaustive]
pub struct NotAUser {
    /// The steps Clerk applied (every step of an update; `CreateUser` for a create).
    pub applied: Vec<Step>,
    /// Why the answer could not be read; it names the JSON path and never quotes a
    /// private value.
    pub error: ReadError,
    /// For a create, the new user's ID, if the answer has a valid one: **the user was
    /// created**, and this is the ID to read, fix or delete it by.
    pub user_id: Option<UserId>,
    /// For a create, the ID of what was created (a user's or an invitation's), if the
    /// answer has one.
    pub created_id: Option<String>,
    /// What the answer should have been: `user`, `organization`, `membership`,
    /// `membership page` or `invitation`.
    pub object: &'static str,
}

impl fmt::Display for NotAUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(create) = self.applied.iter().find(|step| step.creates()) {
            let what = match create {
                Step::CreateUser => "the user",
                _ => "the invitation",
            };
            write!(f, "{what} was created")?;
            if let Some(id) = &self.created_id {
                write!(
                    f,
                    " (`{}`)",
                    crate::json::escape::escaped(id, crate::json::escape::KEY_CHARS)
                )?;
            }
            f.write_str(", but ")?;
        } else if self.applied.iter().any(|step| step.writes()) {
            f.write_str("the update was applied, but ")?;
        }
        write!(
            f,
            "Clerk's answer is not {} {} of this schema: {}",
            if matches!(self.object, "organization" | "invitation") {
                "an"
            } else {
                "a"
            },
            self.object,
            self.error
        )
    }
}

/// A client that could not be configured.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// `CLERK_SECRET_KEY` is not set (or not Unicode).
    MissingSecretKey,
    /// The secret key has the wrong shape.
    SecretKey(super::key::InvalidSecretKey),
    /// The base URL cannot be used; the reason says why.
    BaseUrl(&'static str),
    /// `CLERK_API_URL` is not a base URL that can be used; the reason says why.
    EnvBaseUrl(&'static str),
    /// The HTTP client or its TLS configuration could not be built.
    Http(Box<dyn std::error::Error + Send + Sync>),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingSecretKey => f.write_str(
                "CLERK_SECRET_KEY is not set: copy the secret key from the Clerk Dashboard (API keys)",
            ),
            ConfigError::SecretKey(error) => write!(f, "invalid secret key: {error}"),
            ConfigError::BaseUrl(reason) => write!(f, "invalid base URL: {reason}"),
            ConfigError::EnvBaseUrl(reason) => write!(f, "invalid CLERK_API_URL: {reason}"),
            ConfigError::Http(error) => write!(f, "the HTTP client could not be built: {error}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::SecretKey(error) => Some(error),
            ConfigError::Http(error) => Some(&**error),
            _ => None,
        }
    }
}

impl From<super::key::InvalidSecretKey> for ConfigError {
    fn from(error: super::key::InvalidSecretKey) -> Self {
        ConfigError::SecretKey(error)
    }
}
