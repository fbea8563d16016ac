//! The instance's session-token keys, fetched through the client and cached.

use std::sync::{Arc, RwLock};
use std::time::Duration;

// tokio's clock, so that an app's tests can move it (`tokio::time::pause`).
use tokio::time::Instant;

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};

use super::error::SessionError;
use crate::client::Clerk;

/// The keys, as last fetched.
struct Keys {
    /// RS256 signing keys by `kid`.
    keys: Vec<(Option<String>, Arc<DecodingKey>)>,
    /// When they were fetched (`None`: never).
    fetched: Option<Instant>,
    /// When a fetch was last tried, and why it failed if it did.
    attempted: Option<(Instant, Option<String>)>,
}

impl Keys {
    /// The key for `kid`: the one with that ID, or for a token without one, the only
    /// key there is.
    fn find(&self, kid: Option<&str>) -> Option<Arc<DecodingKey>> {
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
    pub(crate) async fn key(&self, kid: Option<&str>) -> Result<Arc<DecodingKey>, SessionError> {
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
    fn cached(&self, kid: Option<&str>, fresh_only: bool) -> Option<Arc<DecodingKey>> {
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
            .iter()
            .filter(|jwk| matches!(jwk.algorithm, AlgorithmParameters::RSA(_)))
            .filter(|jwk| {
                matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256))
                    && matches!(
                        jwk.common.public_key_use,
                        None | Some(PublicKeyUse::Signature)
                    )
            })
            .filter_map(|jwk| {
                Some((
                    jwk.common.key_id.clone(),
                    Arc::new(DecodingKey::from_jwk(jwk).ok()?),
                ))
            })
            .collect();
        cached.fetched = Some(Instant::now());
        cached.attempted = Some((Instant::now(), None));
        Ok(())
    }
}
