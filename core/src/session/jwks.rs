//! The instance's session-token keys, fetched through the client and cached.

use std::sync::{Arc, RwLock};
use std::time::Duration;

// tokio's clock, so that an app's tests can move it (`tokio::time::pause`).
use tokio::time::Instant;

use serde::Deserialize;

use super::error::SessionError;
use super::jws::{JwkMembers, RsaKey};
use crate::client::Clerk;

/// An RS256 signing key of the instance: `None` for one the verifier does not use (a
/// modulus under 2048 or over 4096 bits), with which no token verifies.
pub(crate) type Key = Arc<Option<RsaKey>>;

/// The JWKS answer (RFC 7517): every key must have its members' types, or the answer
/// is not a JWK set.
#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<JwkMembers>,
}

/// The keys, as last fetched.
struct Keys {
    /// RS256 signing keys by `kid`.
    keys: Vec<(Option<String>, Key)>,
    /// When they were fetched (`None`: never).
    fetched: Option<Instant>,
    /// When a fetch was last tried, and why it failed if it did.
    attempted: Option<(Instant, Option<String>)>,
}

impl Keys {
    /// The key for `kid`: the one with that ID, or for a token without one, the only
    /// key there is.
    fn find(&self, kid: Option<&str>) -> Option<Key> {
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|(id, _)| id.as_deref() == Some(kid))
                .map(|(_, key)| key.clone()),
            None if self.keys.len() == 1 => self.keys.first().map(|(_, key)| key.clone()),
            None => None,
        }
    }
}

/// The JWKS cache: keys are kept for `ttl`; a token with an unknown `kid` fetches
/// them again; no fetch starts within `min_refetch` of the last one, whether it
/// succeeded or failed; however many requests wait, one fetch is in flight; and when
/// a fetch fails, the keys fetched before stay in use.
pub(crate) struct JwksCache {
    clerk: Clerk,
    ttl: Duration,
    min_refetch: Duration,
    keys: RwLock<Keys>,
    fetching: tokio::sync::Mutex<()>,
}

impl JwksCache {
    pub(crate) fn new(clerk: Clerk, ttl: Duration, min_refetch: Duration) -> JwksCache {
        JwksCache {
            clerk,
            ttl,
            min_refetch,
            keys: RwLock::new(Keys {
                keys: Vec::new(),
                fetched: None,
                attempted: None,
            }),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    /// The key for a token with `kid`, fresh.
    pub(crate) async fn key(&self, kid: Option<&str>) -> Result<Key, SessionError> {
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let _one_fetch = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let attempted = self.read().attempted.clone();
        if let Some((at, failure)) = attempted
            && at.elapsed() < self.min_refetch
        {
            // A fetch moments ago: fetching again would only let made-up `kid`s, or a
            // failing Clerk, drive requests to Clerk. Keys fetched before still serve.
            return self.cached(kid, false).ok_or(match failure {
                Some(failure) => SessionError::Keys(failure),
                None => SessionError::UnknownKey,
            });
        }
        match self.refresh().await {
            Ok(()) => self.cached(kid, false).ok_or(SessionError::UnknownKey),
            Err(error) => self.cached(kid, false).ok_or(error),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Keys> {
        self.keys
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached key for `kid`, if there is one (and, with `fresh_only`, if the keys
    /// are younger than the TTL).
    fn cached(&self, kid: Option<&str>, fresh_only: bool) -> Option<Key> {
        let keys = self.read();
        let fresh = keys.fetched.is_some_and(|at| at.elapsed() < self.ttl);
        if fresh_only && !fresh {
            return None;
        }
        keys.find(kid)
    }

    /// Fetches the keys (`GET /v1/jwks`) and keeps the RS256 signing keys. The fetch
    /// runs as a task of its own, so a request that gives up waiting does not cancel
    /// it for the others.
    async fn refresh(&self) -> Result<(), SessionError> {
        let clerk = self.clerk.clone();
        let fetched = tokio::spawn(async move { clerk.get_jwks().await })
            .await
            .map_err(|_| "the fetch did not finish".to_owned())
            .and_then(|answer| answer.map_err(|e| e.to_string()))
            .and_then(|body| {
                serde_json::from_slice::<JwkSet>(&body)
                    .map_err(|_| "the JWKS answer is not a JWK set".to_owned())
            });
        let mut cached = self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let set = match fetched {
            Ok(set) => set,
            Err(failure) => {
                cached.attempted = Some((Instant::now(), Some(failure.clone())));
                return Err(SessionError::Keys(failure));
            }
        };
        cached.keys = set
            .keys
            .into_iter()
            .filter(|jwk| {
                matches!(jwk.alg.as_deref(), None | Some("RS256"))
                    && matches!(jwk.public_key_use.as_deref(), None | Some("sig"))
            })
            .filter_map(|jwk| {
                // Not RSA, or `n` and `e` not base64url: not a key at all.
                let (n, e) = jwk.rsa()?;
                let key = RsaKey::from_jwk(n, e).ok()?;
                if key.is_none() {
                    tracing::warn!(
                        target: "clerk_metadata::session",
                        kid = %crate::json::escape::escaped(
                            jwk.kid.as_deref().unwrap_or(""),
                            crate::json::escape::KEY_CHARS,
                        ),
                        "a key of the instance's JWKS is not an RSA key of 2048 to 4096 bits: no token signed with it verifies"
                    );
                }
                Some((jwk.kid, Arc::new(key)))
            })
            .collect();
        cached.fetched = Some(Instant::now());
        cached.attempted = Some((Instant::now(), None));
        Ok(())
    }
}
