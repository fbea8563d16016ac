//! Sending one request, with retries, and reading its answer.

use std::hash::BuildHasher;
use std::time::SystemTime;

use bytes::Bytes;
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
}

/// A random number in `0.0..1.0` for the backoff's jitter: std's per-map random hash
/// keys, hashing the time.
fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// How a send that got no answer failed.
fn classify(error: &reqwest::Error) -> TransportKind {
    if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_redirect() {
        TransportKind::Redirected
    } else if error.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Interrupted
    }
}

/// Whether an answer with `status` to a write leaves it possibly applied: a gateway's
/// error or timeout, or a server error, may come after the write landed.
fn status_may_have_applied(status: u16) -> bool {
    matches!(status, 500 | 502 | 504)
}

/// Why reading an answer failed.
enum ReadFailure {
    TooLarge,
    Broken(reqwest::Error),
}

/// Reads an answer's body, up to [`ANSWER_LIMIT`].
async fn read_body(mut response: reqwest::Response) -> Result<Vec<u8>, ReadFailure> {
    if response
        .content_length()
        .is_some_and(|n| n > ANSWER_LIMIT as u64)
    {
        return Err(ReadFailure::TooLarge);
    }
    let mut body = Vec::with_capacity(
        response
            .content_length()
            .map_or(0, |n| n as usize)
            .min(ANSWER_LIMIT),
    );
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Broken)? {
        if body.len() + chunk.len() > ANSWER_LIMIT {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

impl Clerk {
    /// Sends a request to `path` (`/v1/…`), retrying as the policy says, and returns
    /// the body of a success answer. `start` is when the whole call began: no retry
    /// starts that would end past the policy's `max_elapsed` after it.
    pub(crate) async fn send(
        &self,
        step: Step,
        method: reqwest::Method,
        path: &str,
        body: Option<&Body>,
        start: Instant,
    ) -> Result<Vec<u8>, Error> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.base);
        let mut attempt = 0u32;
        // Whether any attempt so far may have been applied by Clerk.
        let mut maybe_applied = false;
        loop {
            attempt += 1;
            let mut request = inner
                .http
                .request(method.clone(), &url)
                .header(reqwest::header::AUTHORIZATION, inner.authorization.clone())
                .header(CLERK_API_VERSION, inner.version.as_str());
            if let Some(body) = body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, body.content_type)
                    .body(body.bytes.clone());
            }
            if let Some(timeout) = inner.timeout {
                request = request.timeout(timeout);
            }
            let (outcome, error) = match request.send().await {
                // An app's own client may follow redirects: an answer from elsewhere
                // is not Clerk's answer to this request (a 303 turns a write into a
                // read), whatever it says.
                Ok(response) if response.url().as_str() != url => {
                    let kind = TransportKind::Redirected;
                    self.log_no_answer(&method, path, attempt, kind);
                    let error = TransportError::new(step, kind, attempt, true, "redirected");
                    return Err(Error::Transport(error));
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    match read_body(response).await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            tracing::debug!(
                                target: "clerk_metadata::client",
                                method = %method, path, status, attempt,
                                "clerk request"
                            );
                            return Ok(bytes);
                        }
                        Ok(bytes) => {
                            maybe_applied |= step.writes() && status_may_have_applied(status);
                            let mut error = ApiError::from_response(status, &bytes);
                            error.redact(inner.key.expose());
                            let failure = ClerkFailure {
                                step,
                                error,
                                retry_after,
                                attempts: attempt,
                                may_have_applied: maybe_applied,
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
                        Err(ReadFailure::TooLarge) => {
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
                        Err(ReadFailure::Broken(error)) => {
                            maybe_applied = true;
                            self.transport(step, &method, path, attempt, maybe_applied, error)
                        }
                    }
                }
                Err(error) => {
                    maybe_applied |= !matches!(classify(&error), TransportKind::Connect);
                    self.transport(step, &method, path, attempt, maybe_applied, error)
                }
            };
            let Some(outcome) = outcome else {
                return Err(error);
            };
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

    fn log_no_answer(
        &self,
        method: &reqwest::Method,
        path: &str,
        attempt: u32,
        kind: TransportKind,
    ) {
        tracing::debug!(
            target: "clerk_metadata::client",
            method = %method, path, attempt, kind = ?kind,
            "clerk request got no answer"
        );
    }

    /// A send that got no (whole) answer: its outcome for the retry decision (`None`:
    /// not to be retried), and its error.
    fn transport(
        &self,
        step: Step,
        method: &reqwest::Method,
        path: &str,
        attempt: u32,
        maybe_applied: bool,
        error: reqwest::Error,
    ) -> (Option<Outcome>, Error) {
        let kind = classify(&error);
        self.log_no_answer(method, path, attempt, kind);
        let outcome = match kind {
            TransportKind::Connect => Some(Outcome::Connect),
            TransportKind::Timeout => Some(Outcome::Timeout),
            TransportKind::Interrupted => Some(Outcome::Interrupted),
            // Never retried: a redirect is not Clerk's answer, and a limit would
            // hold again.
            TransportKind::Redirected | TransportKind::TooLarge => None,
        };
        // reqwest's message names no header or body; its URL is left out too.
        let error = TransportError::new(step, kind, attempt, maybe_applied, error.without_url());
        (outcome, Error::Transport(error))
    }
}
