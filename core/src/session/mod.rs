//! Verifying Clerk session tokens (feature `session`), framework-free.
//!
//! Every route in Clerk's `updateUser` docs starts with "get the user ID from the
//! session". [`SessionVerifier`] does it the way Clerk's SDKs do, and stricter where
//! they are lax:
//!
//! - **RS256 only**: a token whose header names any other algorithm (`none`, `HS256`
//!   with the public key as the secret, …) is refused before any key is used.
//! - The key is a PEM public key given up front (Clerk's networkless `CLERK_JWT_KEY`)
//!   or the instance's JWKS, fetched through the [client](crate::client) (`GET
//!   /v1/jwks`), cached for 5 minutes, fetched again for an unknown `kid` at most once
//!   every 10 seconds, and with one fetch in flight however many requests wait.
//! - `exp`, `nbf` and `iat` are checked with a clock skew of 5 seconds by default;
//!   `sub` must be a user ID; `azp` must be one of the authorized parties when any are
//!   set (the CSRF guard Clerk recommends: set them).
//! - Machine tokens (an M2M or OAuth token, an API key, or a JWT whose `typ` is not
//!   `JWT`) are refused: they are not a user's session.
//! - The token comes from `Authorization: Bearer` first, otherwise the `__session`
//!   cookie ([`session_token`]).
//!
//! The cryptography is the `jsonwebtoken` crate's (its pure-Rust backend); nothing
//! here is hand-written cryptography. Every refusal has its own [`SessionError`],
//! which never shows the token.
//!
//! ```no_run
//! # async fn run(headers: http::HeaderMap) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_metadata::client::Clerk;
//! use clerk_metadata::session::{SessionClaims, SessionVerifier};
//!
//! let verifier = SessionVerifier::with_jwks(Clerk::from_env()?)
//!     .authorized_parties(["https://app.example.com"])
//!     .build();
//! let claims: SessionClaims = verifier.verify_request(&headers).await?;
//! println!("signed in: {}", claims.sub);
//! # Ok(()) }
//! ```

mod claims;
mod error;
mod jwks;
mod token;

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use claims::{ActorClaim, OrganizationClaim, SessionClaims};
pub use error::SessionError;
pub use token::session_token;

use crate::client::Clerk;
use jwks::JwksCache;

/// The longest token verified; Clerk's session tokens, in a 4 KB cookie, are far
/// shorter.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Verifies Clerk session tokens; see the [module docs](self). Cheap to clone: clones
/// share one key cache.
#[derive(Clone)]
pub struct SessionVerifier {
    inner: Arc<Inner>,
}

struct Inner {
    keys: Keys,
    parties: Vec<String>,
    validation: Validation,
    skew: Duration,
}

enum Keys {
    Pem(DecodingKey),
    Jwks(JwksCache),
}

/// Configures a [`SessionVerifier`]; made by [`SessionVerifier::with_pem`] or
/// [`SessionVerifier::with_jwks`].
pub struct SessionVerifierBuilder {
    keys: KeysConfig,
    parties: Vec<String>,
    skew: Duration,
    ttl: Duration,
    min_refetch: Duration,
}

enum KeysConfig {
    Pem(DecodingKey),
    Jwks(Clerk),
}

/// A PEM key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidPem;

impl fmt::Display for InvalidPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an RSA public key in PEM form (copy the JWT public key from the Clerk Dashboard, API keys)")
    }
}

impl std::error::Error for InvalidPem {}

impl SessionVerifier {
    /// Verifies with the instance's JWT public key in PEM form (Clerk's
    /// `CLERK_JWT_KEY`): no network, no JWKS. A PEM written on one line with `\n`
    /// escapes is read too.
    pub fn with_pem(pem: &str) -> Result<SessionVerifierBuilder, InvalidPem> {
        let pem = pem.replace("\\n", "\n");
        let key = DecodingKey::from_rsa_pem(pem.trim().as_bytes()).map_err(|_| InvalidPem)?;
        Ok(SessionVerifierBuilder::new(KeysConfig::Pem(key)))
    }

    /// Verifies with the instance's JWKS, fetched through `clerk` (`GET /v1/jwks`).
    pub fn with_jwks(clerk: Clerk) -> SessionVerifierBuilder {
        SessionVerifierBuilder::new(KeysConfig::Jwks(clerk))
    }

    /// `CLERK_JWT_KEY` if set (networkless), otherwise the JWKS through `clerk`; the
    /// authorized parties from `CLERK_AUTHORIZED_PARTIES` (comma-separated origins),
    /// if set.
    pub fn from_env(clerk: Clerk) -> Result<SessionVerifier, InvalidPem> {
        let builder = match std::env::var("CLERK_JWT_KEY") {
            Ok(pem) if !pem.trim().is_empty() => SessionVerifier::with_pem(&pem)?,
            _ => SessionVerifier::with_jwks(clerk),
        };
        let parties = std::env::var("CLERK_AUTHORIZED_PARTIES").unwrap_or_default();
        Ok(builder
            .authorized_parties(parties.split(',').map(str::trim).filter(|p| !p.is_empty()))
            .build())
    }

    /// Verifies `token` and reads its claims.
    pub async fn verify<C: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<SessionClaims<C>, SessionError> {
        let inner = &*self.inner;
        if token.len() > MAX_TOKEN_LEN {
            return Err(SessionError::TooLarge);
        }
        // Clerk's opaque machine tokens and API keys.
        if ["mt_", "oat_", "ak_"].iter().any(|p| token.starts_with(p)) {
            return Err(SessionError::MachineToken);
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| SessionError::Malformed)?;
        if header.alg != Algorithm::RS256 {
            return Err(SessionError::Algorithm);
        }
        if header
            .typ
            .as_deref()
            .is_some_and(|typ| !typ.eq_ignore_ascii_case("JWT"))
        {
            return Err(SessionError::MachineToken);
        }
        let fetched;
        let key = match &inner.keys {
            Keys::Pem(key) => key,
            Keys::Jwks(cache) => {
                fetched = cache.key(header.kid.as_deref()).await?;
                &*fetched
            }
        };
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, key, &inner.validation)
            .map_err(|e| refusal(e.kind()))?;
        let claims = data.claims;
        // `iat`, which jsonwebtoken does not check: present, and not in the future.
        let iat = claims
            .get("iat")
            .ok_or(SessionError::MissingClaim("iat"))?
            .as_i64()
            .ok_or(SessionError::Malformed)?;
        let now = jsonwebtoken::get_current_timestamp();
        let skew = inner.skew.as_secs();
        if u64::try_from(iat).is_ok_and(|iat| iat > now.saturating_add(skew)) {
            return Err(SessionError::NotYetValid);
        }
        if !inner.parties.is_empty() {
            let azp = claims.get("azp").and_then(Value::as_str);
            if !azp.is_some_and(|azp| inner.parties.iter().any(|p| p == azp)) {
                return Err(SessionError::UnauthorizedParty);
            }
        }
        SessionClaims::from_verified(claims)
    }

    /// Verifies the session token of a request ([`session_token`]: `Authorization:
    /// Bearer` first, then the `__session` cookie).
    pub async fn verify_request<C: DeserializeOwned>(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<SessionClaims<C>, SessionError> {
        let token = session_token(headers).ok_or(SessionError::Missing)?;
        self.verify(token).await
    }
}

/// The refusal for one of jsonwebtoken's errors.
fn refusal(kind: &jsonwebtoken::errors::ErrorKind) -> SessionError {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidSignature => SessionError::BadSignature,
        K::ExpiredSignature => SessionError::Expired,
        K::ImmatureSignature => SessionError::NotYetValid,
        K::InvalidAlgorithm | K::InvalidAlgorithmName | K::UnsupportedAlgorithm => {
            SessionError::Algorithm
        }
        K::MissingRequiredClaim(claim) => SessionError::MissingClaim(match claim.as_str() {
            "exp" => "exp",
            "sub" => "sub",
            "nbf" => "nbf",
            _ => "iat",
        }),
        _ => SessionError::Malformed,
    }
}

impl fmt::Debug for SessionVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys = match self.inner.keys {
            Keys::Pem(_) => "pem",
            Keys::Jwks(_) => "jwks",
        };
        f.debug_struct("SessionVerifier")
            .field("keys", &keys)
            .field("authorized_parties", &self.inner.parties)
            .field("clock_skew", &self.inner.skew)
            .finish()
    }
}

impl SessionVerifierBuilder {
    fn new(keys: KeysConfig) -> Self {
        SessionVerifierBuilder {
            keys,
            parties: Vec::new(),
            skew: Duration::from_secs(5),
            ttl: Duration::from_secs(300),
            min_refetch: Duration::from_secs(10),
        }
    }

    /// The origins a token may be made for (`azp`), such as
    /// `https://app.example.com`. With any set, a token without `azp`, or with
    /// another, is refused.
    #[must_use]
    pub fn authorized_parties<I, P>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<String>,
    {
        self.parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat` (default 5 seconds).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// How long fetched keys are used (default 5 minutes), and the least time between
    /// two fetches caused by an unknown `kid` (default 10 seconds).
    #[must_use]
    pub fn jwks_cache(mut self, ttl: Duration, min_refetch: Duration) -> Self {
        self.ttl = ttl;
        self.min_refetch = min_refetch;
        self
    }

    /// The verifier.
    pub fn build(self) -> SessionVerifier {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.algorithms = vec![Algorithm::RS256];
        validation.leeway = self.skew.as_secs();
        validation.validate_exp = true;
        validation.validate_nbf = true;
        // Clerk's session tokens carry no audience; one set by a customization is the
        // app's to check.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let keys = match self.keys {
            KeysConfig::Pem(key) => Keys::Pem(key),
            KeysConfig::Jwks(clerk) => {
                Keys::Jwks(JwksCache::new(clerk, self.ttl, self.min_refetch))
            }
        };
        SessionVerifier {
            inner: Arc::new(Inner {
                keys,
                parties: self.parties,
                validation,
                skew: self.skew,
            }),
        }
    }
}

impl fmt::Debug for SessionVerifierBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionVerifierBuilder")
            .field("authorized_parties", &self.parties)
            .field("clock_skew", &self.skew)
            .finish_non_exhaustive()
    }
}
