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
/// them again, but not within `min_refetch` of the last fetch; and however many
/// requests wait, one fetch is in flight.
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
        let fetched = self.read().fetched;
        let fresh = fetched.is_some_and(|at| at.elapsed() < self.ttl);
        if fresh && fetched.is_some_and(|at| at.elapsed() < self.min_refetch) {
            // Fresh keys without this `kid`, fetched moments ago: fetching again would
            // only let made-up `kid`s drive requests to Clerk.
            return Err(SessionError::UnknownKey);
        }
        self.refresh().await?;
        self.cached(kid, false).ok_or(SessionError::UnknownKey)
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

    /// Fetches the keys (`GET /v1/jwks`) and keeps the RS256 signing keys.
    async fn refresh(&self) -> Result<(), SessionError> {
        let body = self
            .clerk
            .get_jwks()
            .await
            .map_err(|e| SessionError::Keys(e.to_string()))?;
        let set: JwkSet = serde_json::from_slice(&body)
            .map_err(|_| SessionError::Keys("the JWKS answer is not a JWK set".to_owned()))?;
        let keys = set
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
        let mut cached = self
            .keys
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *cached = Keys {
            keys,
            fetched: Some(Instant::now()),
        };
        Ok(())
    }
}
