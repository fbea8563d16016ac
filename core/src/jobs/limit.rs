//! A client-side limit on the requests a client sends, under Clerk's instance-wide
//! limit, by `governor`'s GCRA.

use core::fmt;
use core::num::NonZeroU32;
use core::time::Duration;
use std::sync::Arc;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::client::SecretKey;

/// How many requests a client may send: at most about [`requests`](Self::requests) per
/// [`window`](Self::window), as Clerk's instance-wide limit counts them (1,000 per 10 s
/// for a production instance, 100 for a development one, over every request of the
/// instance).
///
/// The limiter lets a burst of [`burst`](Self::burst) requests through at once (by
/// default a fiftieth of the limit, at least 1), then one request every
/// `window / (requests - 2 × burst)`: in any window it sends at most
/// `requests - burst`, which leaves room for the jitter of the network, and in steady
/// state it sends `(requests - 2 × burst) / window`, 96 % of the limit by default.
///
/// A limiter counts the requests of one process (one client and its clones): Clerk
/// counts every request made with the instance's key, from every process and server.
/// Give each process its share, and leave the live app room
/// ([`for_jobs`](Self::for_jobs) is half the instance's limit).
///
/// ```
/// # use std::time::Duration;
/// # use clerk_metadata::jobs::RateLimit;
/// let production = RateLimit::production();
/// assert_eq!((production.requests(), production.window()), (1000, Duration::from_secs(10)));
/// assert_eq!(RateLimit::development().requests(), 100);
/// let mine = RateLimit::new(500, Duration::from_secs(10))?.with_burst(5)?;
/// assert_eq!(mine.burst(), 5);
/// assert!(RateLimit::new(0, Duration::from_secs(10)).is_err());
/// # Ok::<(), clerk_metadata::jobs::InvalidRateLimit>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    window: Duration,
    burst: u32,
}

/// A [`RateLimit`] that cannot be enforced; the text says why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRateLimit(&'static str);

impl fmt::Display for InvalidRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid rate limit: {}", self.0)
    }
}

impl std::error::Error for InvalidRateLimit {}

impl RateLimit {
    /// Clerk's limit of a production instance: 1,000 requests per 10 seconds.
    pub fn production() -> RateLimit {
        RateLimit {
            requests: 1000,
            window: Duration::from_secs(10),
            burst: 20,
        }
    }

    /// Clerk's limit of a development instance: 100 requests per 10 seconds.
    pub fn development() -> RateLimit {
        RateLimit {
            requests: 100,
            window: Duration::from_secs(10),
            burst: 2,
        }
    }

    /// The limit of the instance whose secret key is `key`: development for
    /// `sk_test_…`, production otherwise.
    pub fn for_key(key: &SecretKey) -> RateLimit {
        if key.expose().starts_with("sk_test_") {
            RateLimit::development()
        } else {
            RateLimit::production()
        }
    }

    /// The default limit of a job ([`Migration`](crate::jobs::Migration)) on a client
    /// without a limiter: half the limit of the instance whose secret key is `key`
    /// ([`for_key`](Self::for_key)), so the live app keeps the other half: 500
    /// requests per 10 seconds in production, 50 in development.
    pub fn for_jobs(key: &SecretKey) -> RateLimit {
        let instance = RateLimit::for_key(key);
        RateLimit::new(instance.requests / 2, instance.window).unwrap_or(instance)
    }

    /// `requests` per `window`, with the default burst (a fiftieth, at least 1). At
    /// least 3 requests (room for the burst and the steady rate), and a window of at
    /// least a millisecond.
    pub fn new(requests: u32, window: Duration) -> Result<RateLimit, InvalidRateLimit> {
        if requests < 3 {
            return Err(InvalidRateLimit("at least 3 requests per window"));
        }
        if window < Duration::from_millis(1) {
            return Err(InvalidRateLimit("a window of at least 1 ms"));
        }
        Ok(RateLimit {
            requests,
            window,
            burst: (requests / 50).max(1),
        })
    }

    /// The same limit with a burst of `burst` requests: at least 1, and under half of
    /// [`requests`](Self::requests).
    pub fn with_burst(mut self, burst: u32) -> Result<RateLimit, InvalidRateLimit> {
        if burst == 0 || burst.saturating_mul(2) >= self.requests {
            return Err(InvalidRateLimit(
                "the burst must be at least 1 and under half of the requests",
            ));
        }
        self.burst = burst;
        Ok(self)
    }

    /// The instance's requests per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// The requests let through at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// The time between two requests in steady state.
    pub fn period(&self) -> Duration {
        let steady = self
            .requests
            .saturating_sub(self.burst.saturating_mul(2))
            .max(1);
        (self.window / steady).max(Duration::from_nanos(1))
    }

    /// The requests per second in steady state.
    pub fn steady_rate(&self) -> f64 {
        1.0 / self.period().as_secs_f64()
    }
}

/// The limiter of a client: shared by its clones, so every request of a job (its reads
/// and its writes) draws from one budget.
#[derive(Clone)]
pub(crate) struct Limiter {
    limit: RateLimit,
    gcra: Arc<DefaultDirectRateLimiter>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Limiter {
        let burst = NonZeroU32::new(limit.burst).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(limit.period())
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Limiter {
            limit,
            gcra: Arc::new(RateLimiter::direct(quota)),
        }
    }

    pub(crate) fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Waits until one more request is within the limit.
    pub(crate) async fn until_ready(&self) {
        self.gcra.until_ready().await;
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.limit, f)
    }
}
