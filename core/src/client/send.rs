//! Sending one request, with retries, and reading its answer.

use std::hash::BuildHasher;
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use tokio::time::Instant;

use super::Clerk;
use super::error::{ClerkFailure, Error, Step, TransportError, TransportKind};
use super::retry::{Decision, Outcome, parse_retry_after};
use crate::json::escape::{KEY_CHARS, escaped};
use crate::wire::clerk_error::ApiError;
use crate::wire::request::CLERK_API_VERSION;

/// The largest answer read. A user with three full 8 KB tiers and many email
/// addresses and memberships is far smaller; past this the answer is refused, so a
/// broken or hostile endpoint cannot exhaust memory.
pub(crate) const ANSWER_LIMIT: usize = 4 * 1024 * 1024;

/// A request body and its type.
pub(crate) struct Body {
    pub(crate) content_type: &'static str,
    pub(crate) bytes: Bytes,
    /// If the body carries private metadata or another secret, its top-level keys (see
    /// [`private_metadata_keys`]): Clerk's text in an error answer is then withheld.
    pub(crate) private_keys: Option<Vec<String>>,
}

impl Body {
    /// The body of a built request, with its secrets noted.
    pub(crate) fn of(request: crate::wire::request::ApiRequest) -> Body {
        let content_type = request.body_kind().content_type();
        let bytes: Bytes = request.into_body().into();
        let private_keys = private_metadata_keys(&bytes);
        Body {
            content_type,
            bytes,
            private_keys,
        }
    }
}

/// A random number in `0.0..1.0` for the backoff's jitter: std's per-map random hash
/// keys, hashing the time.
fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether an answer with `status` to a write leaves it possibly applied: a gateway's
/// error or timeout, or a server error, may come after the write landed.
fn status_may_have_applied(status: u16) -> bool {
    matches!(status, 500 | 502 | 504)
}

/// The top-level keys of a request body that carry secrets: private metadata, and the
/// password and second-factor secrets of a profile update or a create.
const SECRET_FIELDS: [&str; 5] = [
    "private_metadata",
    "password",
    "password_digest",
    "totp_secret",
    "backup_codes",
];

/// If a JSON request body carries a secret (a top-level key of [`SECRET_FIELDS`]:
/// private metadata, a password, a digest, a TOTP secret, backup codes), its top-level
/// keys; a body that is not a JSON object counts as carrying one if it names one
/// anywhere. Clerk's text in an error answer to such a request is withheld: it may
/// quote what was sent.
pub(crate) fn private_metadata_keys(body: &[u8]) -> Option<Vec<String>> {
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body) {
        Ok(map) => SECRET_FIELDS
            .iter()
            .any(|field| map.contains_key(*field))
            .then(|| map.keys().cloned().collect()),
        Err(_) => SECRET_FIELDS
            .iter()
            .any(|field| body.windows(field.len()).any(|w| w == field.as_bytes()))
            .then(Vec::new),
    }
}

/// What one attempt came to.
enum Attempt {
    /// An answer, read whole.
    Answer {
        status: u16,
        retry_after: Option<std::time::Duration>,
        body: Vec<u8>,
    },
    /// No answer: the request failed (connecting, or later).
    NoAnswer(hyper_util::client::legacy::Error),
    /// The answer broke off.
    Broken(Box<dyn std::error::Error + Send + Sync>),
    /// The answer was larger than [`ANSWER_LIMIT`].
    TooLarge,
    /// The attempt took longer than the timeout.
    Timeout,
}

/// Sends `request` and reads its answer, up to [`ANSWER_LIMIT`].
async fn attempt(
    http: &super::transport::HttpClient,
    request: http::Request<Full<Bytes>>,
) -> Attempt {
    let response = match http.request(request).await {
        Ok(response) => response,
        Err(error) => return Attempt::NoAnswer(error),
    };
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let too_large = response
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > ANSWER_LIMIT as u64);
    if too_large {
        return Attempt::TooLarge;
    }
    match Limited::new(response.into_body(), ANSWER_LIMIT)
        .collect()
        .await
    {
        Ok(body) => Attempt::Answer {
            status,
            retry_after,
            body: body.to_bytes().to_vec(),
        },
        Err(error) if error.is::<LengthLimitError>() => Attempt::TooLarge,
        Err(error) => Attempt::Broken(error),
    }
}

impl Clerk {
    /// Sends a request to `path` (`/v1/…`), retrying as the policy says, and returns
    /// the body of a success answer. `start` is when the whole call began: no retry
    /// starts that would end past the policy's `max_elapsed` after it.
    pub(crate) async fn send(
        &self,
        step: Step,
        method: http::Method,
        path: &str,
        body: Option<&Body>,
        start: Instant,
    ) -> Result<Vec<u8>, Error> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.base);
        // Logged without its query: a list's filters hold email addresses, phone
        // numbers and search text.
        let path = path.split_once('?').map_or(path, |(path, _)| path);
        let uri = http::Uri::try_from(url.as_str()).map_err(|e| {
            // The base URL was checked and the path is built from checked parts.
            Error::Transport(TransportError::new(
                step,
                TransportKind::Connect,
                0,
                false,
                e,
            ))
        })?;
        let mut attempt_no = 0u32;
        // Whether any attempt so far may have been applied by Clerk.
        let mut maybe_applied = false;
        loop {
            attempt_no += 1;
            #[cfg(feature = "jobs")]
            if let Some(limiter) = &inner.limiter {
                limiter.until_ready().await;
            }
            let mut request = http::Request::builder()
                .method(method.clone())
                .uri(uri.clone())
                .header(http::header::AUTHORIZATION, inner.authorization.clone())
                .header(CLERK_API_VERSION, inner.version.as_str())
                .header(http::header::USER_AGENT, super::USER_AGENT);
            let bytes = match body {
                Some(body) => {
                    request = request.header(http::header::CONTENT_TYPE, body.content_type);
                    body.bytes.clone()
                }
                None => Bytes::new(),
            };
            let request = request.body(Full::new(bytes)).map_err(|e| {
                Error::Transport(TransportError::new(
                    step,
                    TransportKind::Connect,
                    attempt_no,
                    maybe_applied,
                    e,
                ))
            })?;
            let sent = attempt(&inner.http, request);
            let result = match inner.timeout {
                Some(timeout) => tokio::time::timeout(timeout, sent)
                    .await
                    .unwrap_or(Attempt::Timeout),
                None => sent.await,
            };
            let attempt = attempt_no;
            let (outcome, error) = match result {
                Attempt::Answer {
                    status,
                    body: bytes,
                    ..
                } if (200..300).contains(&status) => {
                    tracing::debug!(
                        target: "clerk_metadata::client",
                        method = %method, path, status, attempt,
                        "clerk request"
                    );
                    return Ok(bytes);
                }
                Attempt::Answer {
                    status,
                    retry_after,
                    body: bytes,
                } => {
                    maybe_applied |= step.writes() && status_may_have_applied(status);
                    let mut error = ApiError::from_response(status, &bytes);
                    error.redact(inner.key.expose());
                    let private_keys = body.and_then(|b| b.private_keys.as_deref());
                    if let Some(keys) = private_keys {
                        error.withhold(keys);
                    }
                    let failure = ClerkFailure {
                        step,
                        error,
                        retry_after,
                        attempts: attempt,
                        may_have_applied: maybe_applied,
                        withheld: private_keys.is_some(),
                    };
                    tracing::debug!(
                        target: "clerk_metadata::client",
                        method = %method, path, status, attempt,
                        trace_id = %escaped(failure.trace_id().unwrap_or(""), KEY_CHARS),
                        "clerk request failed"
                    );
                    let outcome = Outcome::Status {
                        status,
                        retry_after,
                    };
                    (Some(outcome), Error::Clerk(failure))
                }
                Attempt::TooLarge => {
                    let kind = TransportKind::TooLarge;
                    self.log_no_answer(&method, path, attempt, kind);
                    let error = TransportError::new(
                        step,
                        kind,
                        attempt,
                        true,
                        "the answer is larger than 4 MiB",
                    );
                    return Err(Error::Transport(error));
                }
                Attempt::Broken(error) => {
                    maybe_applied = true;
                    let kind = TransportKind::Interrupted;
                    self.log_no_answer(&method, path, attempt, kind);
                    let error = TransportError::new(step, kind, attempt, maybe_applied, error);
                    (Some(Outcome::Interrupted), Error::Transport(error))
                }
                Attempt::Timeout => {
                    maybe_applied = true;
                    let kind = TransportKind::Timeout;
                    self.log_no_answer(&method, path, attempt, kind);
                    let error = TransportError::new(
                        step,
                        kind,
                        attempt,
                        maybe_applied,
                        "no answer within the timeout",
                    );
                    (Some(Outcome::Timeout), Error::Transport(error))
                }
                Attempt::NoAnswer(error) => {
                    let (kind, outcome) = if error.is_connect() {
                        (TransportKind::Connect, Outcome::Connect)
                    } else {
                        maybe_applied = true;
                        (TransportKind::Interrupted, Outcome::Interrupted)
                    };
                    self.log_no_answer(&method, path, attempt, kind);
                    // hyper's errors name no header, body or URL.
                    let error = TransportError::new(step, kind, attempt, maybe_applied, error);
                    (Some(outcome), Error::Transport(error))
                }
            };
            let Some(outcome) = outcome else {
                return Err(error);
            };
            // A step that is not idempotent (a create) is sent again only while no
            // attempt can have been applied: a second user is worse than an error that
            // says the first may exist.
            if !step.idempotent() && maybe_applied {
                return Err(error);
            }
            match inner
                .retry
                .decide(attempt, outcome, start.elapsed(), jitter())
            {
                Decision::Retry(wait) => {
                    tracing::debug!(
                        target: "clerk_metadata::client",
                        method = %method, path, attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "clerk request retried"
                    );
                    tokio::time::sleep(wait).await;
                }
                Decision::Stop => return Err(error),
            }
        }
    }

    fn log_no_answer(&self, method: &http::Method, path: &str, attempt: u32, kind: TransportKind) {
        tracing::debug!(
            target: "clerk_metadata::client",
            method = %method, path, attempt, kind = ?kind,
            "clerk request got no answer"
        );
    }
}
