//! When to try a request again, and how long to wait: a pure decision.

use core::time::Duration;
use std::time::SystemTime;

/// How the client retries a request that failed in a way that may pass.
///
/// Retried: `429 Too Many Requests`, `502`, `503` and `504`, a connection that could
/// not be made, and a connection that broke before the answer came (every update and
/// read is idempotent: sending it twice leaves the user as sending it once). Not
/// retried: any other status, and a timeout (the time was spent).
///
/// A create (`POST /v1/users`) is not idempotent: sending it twice could create two
/// users. The client retries it only while no attempt can have been applied: after a
/// `429`, a `503` or a connection that could not be made, and never after a `502` or
/// `504` (a gateway may answer after the user was created), a broken connection or a
/// timeout; the error then says the user may have been created.
///
/// The wait is an exponential backoff with jitter: for attempt *n*, half of
/// `min(max_backoff, initial_backoff × 2ⁿ⁻¹)` plus a random part of the other half; or
/// Clerk's `Retry-After` (in seconds or as an HTTP date), when it sends a longer one.
/// A `Retry-After` longer than [`max_retry_after`](Self::max_retry_after) is not waited
/// out: the error is returned with it, for the caller to decide (waiting less would
/// only earn another 429). No retry starts if it
/// would end past [`max_elapsed`](Self::max_elapsed) since the first attempt began.
///
/// Clerk's limits: 10 updates per 10 seconds for one user, and 1,000 requests per 10
/// seconds for an instance (100 for a development instance, whose key is `sk_test_…`).
/// Both are answered with 429 and `Retry-After`.
///
/// ```
/// # use std::time::Duration;
/// # use clerk_metadata::client::{Decision, Outcome, RetryPolicy};
/// let policy = RetryPolicy::default();
/// let busy = Outcome::Status { status: 429, retry_after: Some(Duration::from_secs(3)) };
/// assert_eq!(policy.decide(1, busy, Duration::ZERO, 0.5), Decision::Retry(Duration::from_secs(3)));
/// let refused = Outcome::Status { status: 422, retry_after: None };
/// assert_eq!(policy.decide(1, refused, Duration::ZERO, 0.5), Decision::Stop);
/// assert_eq!(RetryPolicy::none().decide(1, busy, Duration::ZERO, 0.5), Decision::Stop);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// Up to 4 attempts, backoff from 250 ms to 4 s, `Retry-After` waited up to 15 s
    /// (Clerk's per-user window is 10 s), and no retry past 30 s in all.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(15),
            max_elapsed: Duration::from_secs(30),
        }
    }
}

/// How an attempt ended, as far as retrying goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Clerk answered with a status that is not a success.
    Status {
        /// The HTTP status.
        status: u16,
        /// Clerk's `Retry-After`, if it sent one that could be read.
        retry_after: Option<Duration>,
    },
    /// No connection could be made: the request did not reach Clerk.
    Connect,
    /// The connection broke before the whole answer came: the request may have
    /// reached Clerk.
    Interrupted,
    /// No answer within the timeout: the request may have reached Clerk.
    Timeout,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Give up and return the error.
    Stop,
}

impl RetryPolicy {
    /// No retries: every request is sent once.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            max_retry_after: Duration::ZERO,
            max_elapsed: Duration::ZERO,
        }
    }

    /// At most `attempts` attempts per request, the first included (0 counts as 1).
    #[must_use]
    pub const fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// The backoff without `Retry-After`: from `initial`, doubling, capped at `max`.
    #[must_use]
    pub const fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// The longest `Retry-After` waited out; a longer one ends the retries.
    #[must_use]
    pub const fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// No retry starts that would end later than this after the first attempt began.
    #[must_use]
    pub const fn max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// The decision after attempt number `attempt` (the first is 1) ended in `outcome`,
    /// `elapsed` after the first attempt began. `jitter`, in `0.0..1.0`, picks the wait
    /// within the backoff's random half (the client passes a random number; a test
    /// passes what it likes). A pure function of its arguments.
    pub fn decide(
        &self,
        attempt: u32,
        outcome: Outcome,
        elapsed: Duration,
        jitter: f64,
    ) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let wait = match outcome {
            Outcome::Status {
                status: 429 | 502 | 503 | 504,
                retry_after: Some(after),
            } => {
                if after > self.max_retry_after {
                    return Decision::Stop;
                }
                // `Retry-After: 0` still backs off, with jitter, so that many waiting
                // clients do not all come back at once.
                after.max(self.backoff_for(attempt, jitter))
            }
            Outcome::Status {
                status: 429 | 502 | 503 | 504,
                retry_after: None,
            }
            | Outcome::Connect
            | Outcome::Interrupted => self.backoff_for(attempt, jitter),
            Outcome::Status { .. } | Outcome::Timeout => return Decision::Stop,
        };
        match elapsed.checked_add(wait) {
            Some(end) if end <= self.max_elapsed => Decision::Retry(wait),
            _ => Decision::Stop,
        }
    }

    /// Half the capped exponential step, plus `jitter` of the other half.
    fn backoff_for(&self, attempt: u32, jitter: f64) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let step = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        let half = step / 2;
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        half + (step - half).mul_f64(jitter)
    }
}

/// Reads a `Retry-After` value: whole seconds, or an HTTP date (a date in the past is a
/// wait of zero). Anything else is `None`.
///
/// ```
/// # use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// # use clerk_metadata::client::parse_retry_after;
/// let now = UNIX_EPOCH + Duration::from_secs(1_445_412_480); // Wed, 21 Oct 2015 07:28:00 GMT
/// assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
/// assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is a very long wait, not an unreadable one.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;
    const MS: fn(u64) -> Duration = Duration::from_millis;

    fn status(status: u16, retry_after: Option<Duration>) -> Outcome {
        Outcome::Status {
            status,
            retry_after,
        }
    }

    #[test]
    fn retried_outcomes_and_the_rest() {
        let policy = RetryPolicy::default();
        for outcome in [
            status(429, None),
            status(502, None),
            status(503, None),
            status(504, None),
            Outcome::Connect,
            Outcome::Interrupted,
        ] {
            assert!(
                matches!(policy.decide(1, outcome, S(0), 0.0), Decision::Retry(_)),
                "{outcome:?}"
            );
        }
        for outcome in [
            status(400, None),
            status(401, None),
            status(404, Some(S(1))),
            status(422, None),
            status(500, None),
            Outcome::Timeout,
        ] {
            assert_eq!(
                policy.decide(1, outcome, S(0), 0.0),
                Decision::Stop,
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let policy = RetryPolicy::default().max_retry_after(S(10));
        assert_eq!(
            policy.decide(1, status(429, Some(S(10))), S(0), 0.9),
            Decision::Retry(S(10))
        );
        assert_eq!(
            policy.decide(1, status(503, Some(S(2))), S(0), 0.9),
            Decision::Retry(S(2))
        );
        assert_eq!(
            policy.decide(1, status(429, Some(S(11))), S(0), 0.9),
            Decision::Stop
        );
    }

    #[test]
    fn a_short_retry_after_still_backs_off() {
        let policy = RetryPolicy::default().backoff(MS(100), MS(1000));
        assert_eq!(
            policy.decide(1, status(503, Some(S(0))), S(0), 0.0),
            Decision::Retry(MS(50))
        );
        assert_eq!(
            policy.decide(3, status(429, Some(MS(10))), S(0), 1.0),
            Decision::Retry(MS(400))
        );
        assert_eq!(
            policy.decide(3, status(429, Some(S(2))), S(0), 1.0),
            Decision::Retry(S(2))
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_in_the_upper_half_and_is_capped() {
        let policy = RetryPolicy::default().backoff(MS(100), MS(1000));
        let wait = |attempt, jitter| match policy.max_attempts(100).decide(
            attempt,
            Outcome::Connect,
            S(0),
            jitter,
        ) {
            Decision::Retry(wait) => wait,
            Decision::Stop => panic!("stopped"),
        };
        assert_eq!(wait(1, 0.0), MS(50));
        assert_eq!(wait(1, 1.0), MS(100));
        assert_eq!(wait(2, 0.0), MS(100));
        assert_eq!(wait(3, 0.5), MS(300));
        assert_eq!(wait(4, 0.0), MS(400));
        assert_eq!(wait(5, 1.0), MS(1000));
        assert_eq!(wait(60, 1.0), MS(1000));
        // Out-of-range jitter is clamped, never a panic or a huge wait.
        assert_eq!(wait(1, f64::NAN), MS(50));
        assert_eq!(wait(1, 7.0), MS(100));
        assert_eq!(wait(1, -1.0), MS(50));
    }

    #[test]
    fn attempts_and_total_time_are_bounded() {
        let policy = RetryPolicy::default().max_attempts(3).max_elapsed(S(5));
        assert!(matches!(
            policy.decide(2, Outcome::Connect, S(0), 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(
            policy.decide(3, Outcome::Connect, S(0), 0.0),
            Decision::Stop
        );
        assert_eq!(
            policy.decide(1, status(429, Some(S(3))), S(2), 0.0),
            Decision::Retry(S(3))
        );
        assert_eq!(
            policy.decide(1, status(429, Some(S(3))), MS(2001), 0.0),
            Decision::Stop
        );
        assert_eq!(
            RetryPolicy::none().decide(1, Outcome::Connect, S(0), 0.0),
            Decision::Stop
        );
        assert_eq!(
            RetryPolicy::default().max_attempts(0),
            RetryPolicy::default().max_attempts(1)
        );
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + S(1_445_412_480);
        assert_eq!(parse_retry_after(" 0 ", now), Some(S(0)));
        assert_eq!(parse_retry_after("120", now), Some(S(120)));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(S(u64::MAX))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now),
            Some(S(60))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(S(0))
        );
        for bad in ["", "-1", "1.5", "soon", "Wed, 21 Oct 2015"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
