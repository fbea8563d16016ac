//! axum integration (feature `axum`): who is signed in, the browser's write, and the
//! crate's errors as JSON answers.
//!
//! ```no_run
//! use axum::extract::State;
//! use axum::{Router, routing::post};
//! use clerk_metadata::axum::{BrowserJson, SignedIn};
//! use clerk_metadata::client::{Clerk, Error};
//! use clerk_metadata::session::SessionVerifier;
//! use clerk_metadata::{Frontend, FrontendUser, UserMetadata, UserUpdate};
//!
//! #[derive(UserMetadata)]
//! struct AppUser { #[metadata(unsafe)] #[serde(default)] theme: Option<String> }
//!
//! #[derive(Clone, axum::extract::FromRef)]
//! struct App { clerk: Clerk, sessions: SessionVerifier }
//!
//! // POST /api/preferences: the signed-in user's own unsafe metadata, from the browser.
//! async fn preferences(
//!     State(app): State<App>,
//!     user: SignedIn,
//!     BrowserJson(patch): BrowserJson<AppUserPatch<Frontend>>,
//! ) -> Result<FrontendUser<AppUser>, Error> {
//!     let update = UserUpdate::new().metadata(patch);
//!     Ok(app.clerk.users::<AppUser>().update(&user.user_id, update).await?.into())
//! }
//! # fn app(app: App) -> Router { Router::new().route("/api/preferences", post(preferences)).with_state(app) }
//! ```
//!
//! - [`SignedIn`] is "signed in, or 401" (Express's `ClerkExpressRequireAuth`);
//!   `Option<SignedIn>` is "maybe signed in" (`ClerkExpressWithAuth`); [`Session`]
//!   gives the typed claims. The [`SessionVerifier`] comes from the app's state through
//!   `FromRef`.
//! - [`BrowserJson`] reads the browser's JSON: 415 without a JSON content type, 413
//!   past the body limit, 400 for broken JSON, 422 naming the field and its tier for a
//!   write the browser may not make.
//! - The crate's errors are answers: validation → 422 with every field error; Clerk's
//!   answers mapped (404 stays 404, 429 keeps `Retry-After`, Clerk's refusals → 422,
//!   its failures and transport → 502, a timeout → 504); a session refusal → 401. No
//!   body carries a secret, a private value or Clerk's raw internals (trace IDs,
//!   unrecognized bodies, `meta`).
//! - A user answers as its browser view only: [`FrontendUser`] is an answer, `User` is
//!   not.
//! - With the `webhooks` feature, `ClerkWebhook<S>` is a Clerk webhook delivery,
//!   verified and typed; its refusals answer as the table of the `webhooks` module
//!   docs says.

use axum_core::body::Body;
use axum_core::extract::{
    FromRef, FromRequest, FromRequestParts, OptionalFromRequestParts, Request,
};
use axum_core::response::{IntoResponse, Response};
use http::request::Parts;
use http::{HeaderValue, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::client::{Error, Step, TransportKind};
use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped, message_only};
use crate::read::FrontendUser;
use crate::schema::metadata::UserMetadata;
use crate::schema::patch::{MetadataPatch, ObjectFields};
use crate::session::{SessionClaims, SessionError, SessionVerifier};
use crate::validation::ValidationErrors;
use crate::wire::clerk_error::ApiError;
use crate::wire::id::UserId;

/// The largest browser body [`BrowserJson`] reads: metadata is at most 8 KB a tier.
pub const BODY_LIMIT: usize = 64 * 1024;

/// A JSON answer with `status`.
fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The signed-in user of a request, or a 401 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedIn {
    /// The user (`sub`).
    pub user_id: UserId,
    /// The session (`sid`).
    pub session_id: Option<String>,
}

/// The verified claims of a request's session token, with the app's claims `C`, or a
/// 401 answer.
#[derive(Debug, Clone)]
pub struct Session<C = ()>(pub SessionClaims<C>);

async fn verify<S, C>(parts: &Parts, state: &S) -> Result<SessionClaims<C>, SessionError>
where
    SessionVerifier: FromRef<S>,
    C: DeserializeOwned,
{
    SessionVerifier::from_ref(state)
        .verify_request(&parts.headers)
        .await
}

impl<S> FromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    SessionVerifier: FromRef<S>,
{
    type Rejection = SessionError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let claims = verify::<S, ()>(parts, state).await?;
        Ok(SignedIn {
            user_id: claims.sub,
            session_id: claims.sid,
        })
    }
}

/// `Option<SignedIn>`: `None` for a request without a valid session, as Clerk's
/// `ClerkExpressWithAuth` does (an expired token reads as signed out, with no 401 to
/// prompt a refresh); an error only when the server cannot tell (503, 500).
impl<S> OptionalFromRequestParts<S> for SignedIn
where
    S: Send + Sync,
    SessionVerifier: FromRef<S>,
{
    type Rejection = SessionError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match verify::<S, ()>(parts, state).await {
            Ok(claims) => Ok(Some(SignedIn {
                user_id: claims.sub,
                session_id: claims.sid,
            })),
            Err(error) if error.is_unauthenticated() => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl<S, C> FromRequestParts<S> for Session<C>
where
    S: Send + Sync,
    SessionVerifier: FromRef<S>,
    C: DeserializeOwned + Send,
{
    type Rejection = SessionError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        verify::<S, C>(parts, state).await.map(Session)
    }
}

/// 401 with the reason (`{"error": "token_expired", "message": …}`) and
/// `WWW-Authenticate: Bearer`; 503 when the keys could not be fetched; 500 when the
/// app's claims type does not fit the token (the app's bug).
impl IntoResponse for SessionError {
    fn into_response(self) -> Response {
        let status = match self {
            SessionError::Keys(_) => StatusCode::SERVICE_UNAVAILABLE,
            SessionError::Claims(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNAUTHORIZED,
        };
        let message = if self.is_unauthenticated() {
            self.to_string()
        } else {
            "the session could not be checked".to_owned()
        };
        let mut response =
            json_response(status, &json!({"error": self.reason(), "message": message}));
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// A browser's JSON body for a `Frontend` patch (`AppUserPatch<Frontend>`); see the
/// [module docs](self) for its answers. A `Backend` patch does not compile here: the
/// browser never writes public or private metadata.
///
/// ```compile_fail,E0277
/// # use clerk_metadata::{Backend, UserMetadata};
/// # use clerk_metadata::axum::BrowserJson;
/// # #[derive(UserMetadata)] struct AppUser { #[metadata(public)] role: Option<String> }
/// async fn handler(BrowserJson(patch): BrowserJson<AppUserPatch<Backend>>) {}
/// fn is_extractor<T: axum_core::extract::FromRequest<()>>() {}
/// is_extractor::<BrowserJson<AppUserPatch<Backend>>>();
/// ```
#[derive(Debug, Clone)]
pub struct BrowserJson<P>(pub P);

/// Why a browser body was refused; answers as JSON with the status.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyRejection {
    /// No `Content-Type: application/json` (415).
    NotJson,
    /// Larger than [`BODY_LIMIT`] (413).
    TooLarge,
    /// Not valid JSON, or the body could not be read (400).
    Malformed(String),
    /// A field the browser may not write, or that does not exist, or a value of the
    /// wrong shape (422).
    Field {
        /// The field's JSON path (`role`, `notifications.sms`); empty when the body as a
        /// whole is wrong.
        field: String,
        /// The field's tier (`public`, `private`, `unsafe`), if it is a field of the
        /// schema.
        tier: Option<&'static str>,
        /// What is wrong, escaped and cut.
        message: String,
    },
}

impl IntoResponse for BodyRejection {
    fn into_response(self) -> Response {
        match self {
            BodyRejection::NotJson => json_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &json!({"error": "unsupported_media_type", "message": "send Content-Type: application/json"}),
            ),
            BodyRejection::TooLarge => json_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                &json!({"error": "body_too_large", "message": format!("the body is larger than {BODY_LIMIT} bytes")}),
            ),
            BodyRejection::Malformed(message) => json_response(
                StatusCode::BAD_REQUEST,
                &json!({"error": "malformed_json", "message": message}),
            ),
            BodyRejection::Field {
                field,
                tier,
                message,
            } => json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({"error": "field_refused", "field": field, "tier": tier, "message": message}),
            ),
        }
    }
}

/// Whether a body error is a length limit's, this extractor's or an outer layer's
/// (tower-http's `RequestBodyLimitLayer` wraps it).
fn over_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        next = error.source();
    }
    false
}

/// The tier of top-level key `key` of patch `P`'s schema.
fn tier_of<P: MetadataPatch>(key: &str) -> Option<&'static str> {
    let has = |fields: &[crate::schema::field::FieldInfo]| {
        fields
            .iter()
            .any(|f| f.key == key || f.aliases.contains(&key))
    };
    // Private fields are left out: a `Frontend` patch answers them as unknown keys.
    if has(P::__Public::FIELDS) {
        Some("public")
    } else if has(P::__Unsafe::FIELDS) {
        Some("unsafe")
    } else {
        None
    }
}

/// The field a browser-patch error names: the path the parser was at, or the first
/// `` `name` `` of the message when it says more (the patch's own errors name the
/// field first: `notifications.sms` where the parser was at `notifications`).
fn field_of(path: &str, message: &str) -> String {
    let path = if path == "." { "" } else { path };
    let named = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("field `") || message.starts_with("unknown field `"));
    match named {
        Some(name) if path.is_empty() || name.starts_with(path) => name.to_owned(),
        _ => path.to_owned(),
    }
}

/// Whether the request says its body is JSON (`application/json` or
/// `application/…+json`, any parameters).
fn is_json(headers: &http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json")
                || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

impl<S, P> FromRequest<S> for BrowserJson<P>
where
    S: Send + Sync,
    P: MetadataPatch<Writer = crate::schema::writer::Frontend> + DeserializeOwned,
{
    type Rejection = BodyRejection;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(BodyRejection::NotJson);
        }
        let body = match Limited::new(request.into_body(), BODY_LIMIT)
            .collect()
            .await
        {
            Ok(body) => body.to_bytes(),
            Err(error) if over_limit(&*error) => return Err(BodyRejection::TooLarge),
            Err(_) => {
                return Err(BodyRejection::Malformed(
                    "the body could not be read".to_owned(),
                ));
            }
        };
        let mut deserializer = serde_json::Deserializer::from_slice(&body);
        match serde_path_to_error::deserialize::<_, P>(&mut deserializer) {
            Ok(patch) => match deserializer.end() {
                Ok(()) => Ok(BrowserJson(patch)),
                Err(_) => Err(BodyRejection::Malformed(
                    "the body has more after its JSON value".to_owned(),
                )),
            },
            Err(error) => {
                let inner = error.inner();
                // serde_json's position (` at line 1 column 22`) is left out: it differs
                // with the length of what was sent, and says nothing a browser needs.
                let text = inner.to_string();
                let text = message_only(&text);
                let message = escaped(text, MESSAGE_CHARS).to_string();
                if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                    return Err(BodyRejection::Malformed(message));
                }
                let field = field_of(&error.path().to_string(), text);
                // The tier of the top-level key the error is under: the path's first
                // key as sent when the parser went into its value, else the key the
                // refusal names (a refused key, whose value was never read) unless it
                // names no field at all. The patch answers a private field exactly as a
                // key that names no field, and `tier_of` does not tell its tier either.
                let tier = match error.path().iter().next() {
                    Some(serde_path_to_error::Segment::Map { key }) => tier_of::<P>(key),
                    Some(_) => None,
                    None if text.starts_with("unknown field") => None,
                    None => tier_of::<P>(&field),
                };
                let field = escaped(&field, KEY_CHARS).to_string();
                Err(BodyRejection::Field {
                    tier,
                    field,
                    message,
                })
            }
        }
    }
}

/// Answers with the user's browser view, as JSON: never private metadata.
impl<S: UserMetadata> IntoResponse for FrontendUser<S> {
    fn into_response(self) -> Response {
        match serde_json::to_value(&self) {
            Ok(user) => json_response(StatusCode::OK, &user),
            Err(_) => json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &json!({"error": "user_not_serializable"}),
            ),
        }
    }
}

/// 422 with every field error: `{"error": "invalid_update", "errors": [{"field",
/// "code", "message"}]}`. The messages never quote a value.
impl IntoResponse for ValidationErrors {
    fn into_response(self) -> Response {
        let errors: Vec<Value> = self
            .iter()
            .map(|e| json!({"field": e.field(), "code": e.code(), "message": e.message()}))
            .collect();
        json_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!({"error": "invalid_update", "errors": errors}),
        )
    }
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::GetUser => "get_user",
        Step::UpdateProfile => "update_profile",
        Step::ReplaceMetadata => "replace_metadata",
        Step::MergeMetadata => "merge_metadata",
        Step::GetJwks => "get_jwks",
        Step::CreateUser => "create_user",
        Step::DeleteUser => "delete_user",
        Step::GetOrganization => "get_organization",
        Step::UpdateOrganization => "update_organization",
        Step::ReplaceOrganizationMetadata => "replace_organization_metadata",
        Step::MergeOrganizationMetadata => "merge_organization_metadata",
        Step::ListMemberships => "list_memberships",
        Step::MergeMembershipMetadata => "merge_membership_metadata",
        Step::CreateInvitation => "create_invitation",
        Step::CreateOrganizationInvitation => "create_organization_invitation",
        Step::ListUsers => "list_users",
        Step::CountUsers => "count_users",
    }
}

/// The client's errors as answers; see the [module docs](self).
impl IntoResponse for Error {
    fn into_response(self) -> Response {
        match self {
            Error::Invalid(errors) => errors.into_response(),
            Error::Clerk(failure) => clerk_answer(&failure.error, failure.retry_after),
            Error::Transport(error) => {
                let (status, code) = match error.kind() {
                    TransportKind::Timeout => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
                    _ => (StatusCode::BAD_GATEWAY, "upstream_unreachable"),
                };
                json_response(
                    status,
                    &json!({"error": code, "may_have_applied": error.may_have_reached_clerk()}),
                )
            }
            Error::Partial(partial) => {
                let applied: Vec<&str> = partial.applied.iter().map(|s| step_name(*s)).collect();
                json_response(
                    StatusCode::BAD_GATEWAY,
                    &json!({
                        "error": "partial_update",
                        "applied": applied,
                        "failed": step_name(partial.failed),
                        "failed_may_have_applied": partial.failed_may_have_applied(),
                    }),
                )
            }
            Error::NotAUser(not) => {
                let applied: Vec<&str> = not.applied.iter().map(|s| step_name(*s)).collect();
                json_response(
                    StatusCode::BAD_GATEWAY,
                    &json!({"error": "unreadable_user", "applied": applied}),
                )
            }
            Error::WalkStuck(_) => {
                json_response(StatusCode::BAD_GATEWAY, &json!({"error": "walk_stuck"}))
            }
        }
    }
}

/// Clerk's error answer, mapped: the codes and escaped messages of a refusal (which
/// are for the user: "that username is taken"), never the trace ID, `meta` or an
/// unrecognized body.
fn clerk_answer(error: &ApiError, retry_after: Option<core::time::Duration>) -> Response {
    let status = error.status();
    match status {
        404 => json_response(StatusCode::NOT_FOUND, &json!({"error": "not_found"})),
        429 => {
            // Whole seconds, rounded up, at least one.
            let seconds =
                retry_after.map(|d| (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1));
            let mut response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                &json!({"error": "rate_limited", "retry_after": seconds}),
            );
            if let Some(seconds) = seconds
                && let Ok(value) = HeaderValue::try_from(seconds.to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        400 | 409 | 422 => {
            let errors: Vec<Value> = match error {
                ApiError::Clerk { errors, .. } => errors
                    .errors
                    .iter()
                    .take(10)
                    .map(|e| {
                        json!({
                            "code": escaped(&e.code, KEY_CHARS).to_string(),
                            "message": escaped(e.long_message.as_deref().unwrap_or(&e.message), MESSAGE_CHARS).to_string(),
                            "field": e.param_name().map(|p| escaped(p, KEY_CHARS).to_string()),
                        })
                    })
                    .collect(),
                ApiError::Unrecognized { .. } => Vec::new(),
            };
            json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({"error": "update_refused", "errors": errors}),
            )
        }
        _ => json_response(StatusCode::BAD_GATEWAY, &json!({"error": "upstream_error"})),
    }
}

/// A signed-in user who may not do what the request asks: a 403 answer,
/// `{"error": "forbidden", "reason": "<reason>"}`.
///
/// The reason is a stable code the app chooses (`"admin_only"`), never text from the
/// request. An admin route reads the role from the session's typed claims and refuses
/// with it:
///
/// ```
/// use clerk_metadata::UserMetadata;
/// use clerk_metadata::axum::{Forbidden, Session};
///
/// #[derive(UserMetadata)]
/// struct AppUser {
///     #[metadata(public, claim)]
///     #[serde(default)]
///     role: Option<String>,
/// }
///
/// async fn admin_only(Session(session): Session<AppUserClaims>) -> Result<&'static str, Forbidden> {
///     match session.custom.role.as_deref() {
///         Some("admin") => Ok("welcome"),
///         _ => Err(Forbidden::new("admin_only")),
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Forbidden {
    reason: &'static str,
}

impl Forbidden {
    /// A refusal for `reason`, a stable code of the app's (`"admin_only"`).
    pub const fn new(reason: &'static str) -> Self {
        Forbidden { reason }
    }

    /// The reason's code.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl IntoResponse for Forbidden {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::FORBIDDEN,
            &json!({"error": "forbidden", "reason": self.reason}),
        )
    }
}

#[cfg(feature = "webhooks")]
pub use self::webhook::{ClerkWebhook, WebhookRejection};

#[cfg(feature = "webhooks")]
mod webhook {
    use core::fmt;

    use axum_core::extract::{FromRef, FromRequest, Request};
    use axum_core::response::{IntoResponse, Response};
    use http::StatusCode;
    use http_body_util::{BodyExt, Limited};
    use serde_json::json;

    use super::{is_json, json_response, over_limit};
    use crate::schema::metadata::UserMetadata;
    use crate::webhooks::{Delivery, WebhookError, Webhooks};

    /// A Clerk webhook delivery, verified and typed with the metadata schema `S`; or a
    /// JSON refusal.
    ///
    /// The [`Webhooks`] verifier comes from the app's state through `FromRef`. The
    /// extractor requires a JSON `Content-Type` (415), reads the raw body up to the
    /// verifier's [body limit](Webhooks::body_limit) (413), verifies the signature over
    /// those exact bytes, then reads the event: the handler receives only verified,
    /// typed events. Its refusals are in the [`webhooks` module
    /// docs](crate::webhooks); each answers `{"error": "<reason>", "message": …}` (with
    /// `"header"` for a header's refusal and `"path"` for a user that does not fit),
    /// never quoting the body, a header or a signature.
    ///
    /// Take `Result<ClerkWebhook<S>, WebhookRejection>` to see a refusal before it is
    /// answered (to log it, say).
    ///
    /// ```
    /// use axum::extract::FromRef;
    /// use axum::{Router, routing::post};
    /// use clerk_metadata::UserMetadata;
    /// use clerk_metadata::axum::ClerkWebhook;
    /// use clerk_metadata::webhooks::{WebhookEvent, Webhooks};
    ///
    /// #[derive(UserMetadata)]
    /// struct AppUser { #[metadata(public)] #[serde(default)] role: Option<String> }
    ///
    /// #[derive(Clone, FromRef)]
    /// struct App { webhooks: Webhooks }
    ///
    /// // POST /webhooks/clerk
    /// async fn clerk_webhook(ClerkWebhook(delivery): ClerkWebhook<AppUser>) {
    ///     match delivery.event {
    ///         WebhookEvent::UserCreated(user) | WebhookEvent::UserUpdated(user) => {
    ///             // upsert the user, once per `delivery.delivery_id`
    ///         }
    ///         WebhookEvent::UserDeleted(deleted) => { /* delete `deleted.id` */ }
    ///         _ => {}
    ///     }
    /// }
    /// # fn app(webhooks: Webhooks) -> Router {
    /// Router::new().route("/webhooks/clerk", post(clerk_webhook)).with_state(App { webhooks })
    /// # }
    /// ```
    pub struct ClerkWebhook<S: UserMetadata>(pub Delivery<S>);

    impl<S: UserMetadata> fmt::Debug for ClerkWebhook<S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_tuple("ClerkWebhook").field(&self.0).finish()
        }
    }

    /// Why [`ClerkWebhook`] refused a request; answers as JSON with the status of the
    /// [`webhooks` module docs](crate::webhooks)' table.
    #[derive(Debug, Clone, PartialEq, Eq)]
    #[non_exhaustive]
    pub enum WebhookRejection {
        /// No `Content-Type: application/json` (415).
        UnsupportedMediaType,
        /// The body could not be read: the connection failed while it was sent (400).
        BodyUnreadable,
        /// The delivery was refused (400, 401, 413 or 422).
        Refused(WebhookError),
    }

    impl WebhookRejection {
        /// A stable, machine-readable reason: `unsupported_media_type`,
        /// `body_unreadable`, or the [`WebhookError`]'s.
        pub const fn reason(&self) -> &'static str {
            match self {
                WebhookRejection::UnsupportedMediaType => "unsupported_media_type",
                WebhookRejection::BodyUnreadable => "body_unreadable",
                WebhookRejection::Refused(error) => error.reason(),
            }
        }

        /// The answer's status.
        pub const fn status(&self) -> StatusCode {
            match self {
                WebhookRejection::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
                WebhookRejection::BodyUnreadable => StatusCode::BAD_REQUEST,
                WebhookRejection::Refused(error) => webhook_status(error),
            }
        }
    }

    impl fmt::Display for WebhookRejection {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                WebhookRejection::UnsupportedMediaType => {
                    f.write_str("a webhook delivery is sent as Content-Type: application/json")
                }
                WebhookRejection::BodyUnreadable => {
                    f.write_str("the delivery's body could not be read")
                }
                WebhookRejection::Refused(error) => fmt::Display::fmt(error, f),
            }
        }
    }

    impl std::error::Error for WebhookRejection {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            match self {
                WebhookRejection::Refused(error) => Some(error),
                _ => None,
            }
        }
    }

    /// The status of a refused delivery: 401 when it failed authentication (no
    /// signature matches, or its timestamp is out of tolerance), 413 past the body
    /// limit, 422 for a user (or an organization event's object) the schema cannot read, 400 for the rest (malformed
    /// headers, a body that is not a JSON event).
    const fn webhook_status(error: &WebhookError) -> StatusCode {
        match error {
            WebhookError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookError::User(_) | WebhookError::Organization(_) => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            error if error.is_unauthenticated() => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The refusal as JSON: `{"error": "<reason>", "message": …}`, with `"header"`
    /// naming the header a header's refusal is about, `"limit"` for a body too large
    /// and `"path"` for a user that does not fit the schema (the path only: the
    /// parser's message may quote a public value, and the answer is shown in the Clerk
    /// Dashboard).
    impl IntoResponse for WebhookError {
        fn into_response(self) -> Response {
            let mut body = json!({"error": self.reason(), "message": self.to_string()});
            match &self {
                WebhookError::User(error) => {
                    body["message"] = json!("the event's user does not fit the app's schema");
                    body["path"] = json!(error.path());
                }
                WebhookError::Organization(error) => {
                    body["message"] = json!("the event's object does not fit the app's schema");
                    body["path"] = json!(error.path());
                }
                WebhookError::TooLarge { limit } => body["limit"] = json!(limit),
                _ => {}
            }
            if let Some(header) = self.header() {
                body["header"] = json!(header.name());
            }
            json_response(webhook_status(&self), &body)
        }
    }

    impl IntoResponse for WebhookRejection {
        fn into_response(self) -> Response {
            match self {
                WebhookRejection::Refused(error) => error.into_response(),
                other => json_response(
                    other.status(),
                    &json!({"error": other.reason(), "message": other.to_string()}),
                ),
            }
        }
    }

    impl<St, S> FromRequest<St> for ClerkWebhook<S>
    where
        St: Send + Sync,
        Webhooks: FromRef<St>,
        S: UserMetadata,
        Delivery<S>: Send,
    {
        type Rejection = WebhookRejection;

        async fn from_request(request: Request, state: &St) -> Result<Self, Self::Rejection> {
            let webhooks = Webhooks::from_ref(state);
            if !is_json(request.headers()) {
                return Err(WebhookRejection::UnsupportedMediaType);
            }
            // The headers first: a request without a signature to check, or out of
            // the tolerance, is refused before its body is read.
            webhooks
                .check_headers(request.headers(), std::time::SystemTime::now())
                .map_err(WebhookRejection::Refused)?;
            let (parts, body) = request.into_parts();
            let limit = webhooks.body_limit();
            let body = match Limited::new(body, limit).collect().await {
                Ok(body) => body.to_bytes(),
                Err(error) if over_limit(&*error) => {
                    return Err(WebhookRejection::Refused(WebhookError::TooLarge { limit }));
                }
                Err(_) => return Err(WebhookRejection::BodyUnreadable),
            };
            webhooks
                .verify(&parts.headers, &body)
                .and_then(|verified| verified.event())
                .map(ClerkWebhook)
                .map_err(WebhookRejection::Refused)
        }
    }
}
