//! Sending one request, with retries, and reading its answer.

use std::hash::BuildHasher;
use std::time::SystemTime;

use tokio::time::Instant;

use super::Clerk;
use super::error::{ClerkFailure, Error, Step, TransportError, TransportKind};
use super::retry::{Decision, Outcome, parse_retry_after};
use crate::wire::clerk_error::ApiError;
use crate::wire::request::CLERK_API_VERSION;

/// A request body and its type.
pub(crate) struct Body {
    pub(crate) content_type: &'static str,
    pub(crate) bytes: Vec<u8>,
}

/// A random number in `0.0..1.0` for the backoff's jitter: std's per-map random hash
/// keys, hashing the time.
fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// How a failed send went, for the retry decision.
fn classify(error: &reqwest::Error) -> TransportKind {
    if error.is_timeout() {
        TransportKind::Timeout
    } else if error.is_connect() {
        TransportKind::Connect
    } else {
        TransportKind::Interrupted
    }
}

impl Clerk {
    /// Sends a request to `path` (`/v1/…`), retrying as the policy says, and returns
    /// the body of a success answer.
    pub(crate) async fn send(
        &self,
        step: Step,
        method: reqwest::Method,
        path: &str,
        body: Option<Body>,
    ) -> Result<Vec<u8>, Error> {
        let inner = &*self.inner;
        let url = format!("{}{path}", inner.base);
        let start = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let mut request = inner
                .http
                .request(method.clone(), &url)
                .header(reqwest::header::AUTHORIZATION, inner.authorization.clone())
                .header(CLERK_API_VERSION, inner.version.as_str());
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, body.content_type)
                    .body(body.bytes.clone());
            }
            if let Some(timeout) = inner.timeout {
                request = request.timeout(timeout);
            }
            let (outcome, error) = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| parse_retry_after(v, SystemTime::now()));
                    match response.bytes().await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            tracing::debug!(
                                target: "clerk_metadata::client",
                                method = %method, path, status, attempt,
                                "clerk request"
                            );
                            return Ok(bytes.to_vec());
                        }
                        Ok(bytes) => {
                            let failure = ClerkFailure {
                                step,
                                error: ApiError::from_response(status, &bytes),
                                retry_after,
                                attempts: attempt,
                            };
                            tracing::debug!(
                                target: "clerk_metadata::client",
                                method = %method, path, status, attempt,
                                trace_id = failure.trace_id().unwrap_or(""),
                                "clerk request failed"
                            );
                            let outcome = Outcome::Status {
                                status,
                                retry_after,
                            };
                            (outcome, Error::Clerk(failure))
                        }
                        Err(error) => self.transport(step, &method, path, attempt, error),
                    }
                }
                Err(error) => self.transport(step, &method, path, attempt, error),
            };
            match inner
                .retry
                .decide(attempt, outcome, start.elapsed(), jitter())
            {
                Decision::Retry(wait) => tokio::time::sleep(wait).await,
                Decision::Stop => return Err(error),
            }
        }
    }

    /// A send that got no answer: its outcome for the retry decision, and its error.
    fn transport(
        &self,
        step: Step,
        method: &reqwest::Method,
        path: &str,
        attempt: u32,
        error: reqwest::Error,
    ) -> (Outcome, Error) {
        let kind = classify(&error);
        tracing::debug!(
            target: "clerk_metadata::client",
            method = %method, path, attempt, kind = ?kind,
            "clerk request got no answer"
        );
        let outcome = match kind {
            TransportKind::Connect => Outcome::Connect,
            TransportKind::Timeout => Outcome::Timeout,
            TransportKind::Interrupted => Outcome::Interrupted,
        };
        // reqwest's message names the URL (base and path), never a header or a body.
        let error = TransportError::new(step, kind, attempt, error.without_url());
        (outcome, Error::Transport(error))
    }
}
