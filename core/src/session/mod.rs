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
//!   `iat` must not be negative, `exp` must follow it, and the lifetime is at most an
//!   hour by default; `sub` must be a user ID and `sid` a session; `azp` must be one of
//!   the authorized parties when any are set (set them: a token made for another origin
//!   of the instance, such as a sibling subdomain, is then refused).
//! - Only session tokens pass: machine tokens (M2M and OAuth tokens, API keys), JWT
//!   template tokens (Clerk's `cat` header, or no `sid`), a `typ` other than `JWT`, and
//!   sessions still `pending` (unless [`accept_pending`](SessionVerifierBuilder::accept_pending))
//!   are refused. A header with `crit` is refused.
//! - The token comes from `Authorization: Bearer` first, otherwise the `__session`
//!   cookie ([`session_token`]), or, given the app's [publishable
//!   key](SessionVerifierBuilder::publishable_key), Clerk's suffixed
//!   `__session_<suffix>` as Clerk's SDKs read it. Two different tokens are refused.
//! - A token from a cookie is refused for a request another site makes, the cookie
//!   guard against cross-site request forgery: `Sec-Fetch-Site: cross-site`, or an
//!   `Origin` that is not exactly (scheme, host and port) one of the authorized
//!   parties, unless the browser itself says the request is same-origin
//!   (`Sec-Fetch-Site: same-origin`). The request's own scheme is never guessed: a
//!   server behind a TLS proxy sees `http` requests for `https` pages, and
//!   `X-Forwarded-Proto` or `Forwarded` are whatever the client sent when no proxy
//!   replaces them. So with no authorized parties set, a cookie request that carries
//!   an `Origin` passes only with the browser's `Sec-Fetch-Site: same-origin` (which
//!   browsers send over HTTPS and to `localhost`); a request without `Origin` (a
//!   link followed, a server-side caller) passes.
//!
//! The token is read here as a compact JWS: exactly three base64url parts (no
//! padding, no `+` or `/`), a JSON header and a JSON claims object. The signature is
//! checked by *ring* (RSASSA-PKCS1-v1_5 with SHA-256, a key of 2048 to 4096 bits),
//! the PEM key read by the `pem`, `spki` and `der` crates; nothing here is
//! hand-written cryptography, and the app's own JWT crates are left as they are.
//! Every refusal has its own [`SessionError`], which never shows the token.
//!
//! ```no_run
//! # async fn run(headers: http::HeaderMap) -> Result<(), Box<dyn std::error::Error>> {
//! use clerk_metadata::client::Clerk;
//! use clerk_metadata::session::{SessionClaims, SessionVerifier};
//!
//! // The origins the app's pages are served from: without them any origin's token
//! // passes, and `build` logs a warning.
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
mod jws;
mod token;

use core::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use claims::{ActorClaim, OrganizationClaim, SessionClaims};
pub use error::SessionError;
pub use token::session_token;

use crate::client::Clerk;
use jwks::JwksCache;
use jws::RsaKey;

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
    /// The parties as origins (scheme, host, port), for the cookie guard.
    party_origins: Vec<Origin>,
    /// The app's suffixed session cookie, from its publishable key.
    suffixed: Option<token::Suffixed>,
    skew: Duration,
    max_lifetime: Duration,
    accept_pending: bool,
}

enum Keys {
    Pem(RsaKey),
    Jwks(JwksCache),
}

/// Configures a [`SessionVerifier`]; made by [`SessionVerifier::with_pem`] or
/// [`SessionVerifier::with_jwks`].
///
/// Set the [authorized parties](Self::authorized_parties), the origins the app's
/// pages are served from, as the [module example](self) does. Without them any `azp`
/// passes (a token made for a sibling subdomain, or another app of the instance), a
/// cookie request with an `Origin` passes only when the browser says it is
/// same-origin, and [`build`](Self::build) logs a `tracing` warning.
pub struct SessionVerifierBuilder {
    keys: KeysConfig,
    parties: Vec<String>,
    suffixed: Option<token::Suffixed>,
    skew: Duration,
    ttl: Duration,
    min_refetch: Duration,
    max_lifetime: Duration,
    accept_pending: bool,
}

enum KeysConfig {
    Pem(RsaKey),
    Jwks(Clerk),
}

/// A PEM key that cannot be used: not a PEM public key (a private key is refused),
/// not RSA, or an RSA key outside 2048 to 4096 bits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidPem;

impl fmt::Display for InvalidPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an RSA public key of 2048 to 4096 bits in PEM form (copy the JWT public key from the Clerk Dashboard, API keys)")
    }
}

impl std::error::Error for InvalidPem {}

/// A publishable key that cannot be read: not `pk_test_…` or `pk_live_…` followed by
/// the instance's Frontend API host and `$` in base64.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InvalidPublishableKey;

impl fmt::Display for InvalidPublishableKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a Clerk publishable key (copy it from the Clerk Dashboard, API keys: pk_test_… or pk_live_…)")
    }
}

impl std::error::Error for InvalidPublishableKey {}

/// Why [`SessionVerifier::from_env`] could not configure a verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FromEnvError {
    /// `CLERK_JWT_KEY` is not an RSA public key in PEM form.
    JwtKey(InvalidPem),
    /// `CLERK_PUBLISHABLE_KEY` is not a publishable key.
    PublishableKey(InvalidPublishableKey),
}

impl fmt::Display for FromEnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromEnvError::JwtKey(error) => write!(f, "CLERK_JWT_KEY: {error}"),
            FromEnvError::PublishableKey(error) => write!(f, "CLERK_PUBLISHABLE_KEY: {error}"),
        }
    }
}

impl std::error::Error for FromEnvError {}

/// An origin as the cookie guard compares it: scheme and host in lower case, and the
/// port, the scheme's default when none is written.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// `text` as an origin: `http` or `https`, a host, an optional port, and nothing
    /// else (no user, no path but `/`, no query). Anything else (`null`, say) is none.
    fn parse(text: &str) -> Option<Origin> {
        let uri: http::Uri = text.trim().parse().ok()?;
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let default = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let authority = uri.authority()?;
        if authority.as_str().contains('@')
            || !matches!(uri.path(), "" | "/")
            || uri.query().is_some()
        {
            return None;
        }
        Some(Origin {
            scheme,
            host: authority.host().to_ascii_lowercase(),
            port: authority.port_u16().unwrap_or(default),
        })
    }
}

impl SessionVerifier {
    /// Verifies with the instance's JWT public key in PEM form (Clerk's
    /// `CLERK_JWT_KEY`): no network, no JWKS. A PEM written on one line with `\n`
    /// escapes is read too. `-----BEGIN PUBLIC KEY-----` (SPKI, as the Dashboard
    /// gives it) and `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) are read; anything else,
    /// a private key included, is [`InvalidPem`], as is an RSA key under 2048 or over
    /// 4096 bits.
    pub fn with_pem(pem: &str) -> Result<SessionVerifierBuilder, InvalidPem> {
        let pem = pem.replace("\\n", "\n");
        let pem = pem.trim();
        // Only a public key is the instance's JWT key: a private key pasted by mistake
        // is refused, never read.
        let public = [
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----",
        ]
        .iter()
        .any(|label| pem.starts_with(label));
        if !public {
            return Err(InvalidPem);
        }
        let key = RsaKey::from_pem(pem).ok_or(InvalidPem)?;
        Ok(SessionVerifierBuilder::new(KeysConfig::Pem(key)))
    }

    /// Verifies with the instance's JWKS, fetched through `clerk` (`GET /v1/jwks`).
    pub fn with_jwks(clerk: Clerk) -> SessionVerifierBuilder {
        SessionVerifierBuilder::new(KeysConfig::Jwks(clerk))
    }

    /// `CLERK_JWT_KEY` if set (networkless), otherwise the JWKS through `clerk`; the
    /// authorized parties from `CLERK_AUTHORIZED_PARTIES` (comma-separated origins,
    /// such as `https://app.example.com,https://www.example.com`); the publishable key
    /// from `CLERK_PUBLISHABLE_KEY`, if set, for Clerk's suffixed session cookie.
    ///
    /// Set `CLERK_AUTHORIZED_PARTIES`: without it, a token made for any origin of the
    /// instance (a sibling subdomain, another app on it) is accepted, and a cookie
    /// request that carries an `Origin` passes only when the browser itself says it is
    /// same-origin. `from_env` then logs one `tracing` warning naming the variable.
    pub fn from_env(clerk: Clerk) -> Result<SessionVerifier, FromEnvError> {
        let mut builder = match std::env::var("CLERK_JWT_KEY") {
            Ok(pem) if !pem.trim().is_empty() => {
                SessionVerifier::with_pem(&pem).map_err(FromEnvError::JwtKey)?
            }
            _ => SessionVerifier::with_jwks(clerk),
        };
        if let Ok(key) = std::env::var("CLERK_PUBLISHABLE_KEY")
            && !key.trim().is_empty()
        {
            builder = builder
                .publishable_key(&key)
                .map_err(FromEnvError::PublishableKey)?;
        }
        let parties = std::env::var("CLERK_AUTHORIZED_PARTIES").unwrap_or_default();
        let builder =
            builder.authorized_parties(parties.split(',').map(str::trim).filter(|p| !p.is_empty()));
        if builder.parties.is_empty() {
            tracing::warn!(
                target: "clerk_metadata::session",
                "CLERK_AUTHORIZED_PARTIES is not set: session tokens made for any origin of the instance are accepted (set it to the app's origins, such as https://app.example.com)"
            );
        }
        Ok(builder.finish())
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
        let parts = jws::Parts::split(token)?;
        let header_json = jws::decode_part(parts.header)?;
        let header = jws::Header::parse(&header_json)?;
        let kid = check_header(&header)?;
        let fetched;
        let key = match &inner.keys {
            Keys::Pem(key) => Some(key),
            Keys::Jwks(cache) => {
                fetched = cache.key(kid).await?;
                fetched.as_ref().as_ref()
            }
        };
        header.check_members()?;
        let signature = jws::decode_part(parts.signature)?;
        // A key of the instance the verifier does not use (under 2048 or over 4096
        // bits) verifies nothing.
        if !key.is_some_and(|key| key.verify(parts.signed.as_bytes(), &signature)) {
            return Err(SessionError::BadSignature);
        }
        let claims = jws::claims(&jws::decode_part(parts.payload)?)?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // Clerk's session tokens carry no audience: `aud`, set by a customization, is
        // the app's to check.
        jws::check_registered(&claims, now, inner.skew.as_secs())?;
        // `iat` present, not negative, not in the future; `exp` after it, and not
        // further than the longest lifetime allowed.
        let time = |name: &'static str| -> Result<i64, SessionError> {
            claims
                .get(name)
                .ok_or(SessionError::MissingClaim(name))?
                .as_i64()
                .ok_or(SessionError::Malformed)
        };
        let (iat, exp) = (time("iat")?, time("exp")?);
        let now = i64::try_from(now).unwrap_or(i64::MAX);
        let skew = i64::try_from(inner.skew.as_secs()).unwrap_or(0);
        if iat > now.saturating_add(skew) {
            return Err(SessionError::NotYetValid);
        }
        if iat < 0 || exp <= iat {
            return Err(SessionError::Malformed);
        }
        if exp - iat > i64::try_from(inner.max_lifetime.as_secs()).unwrap_or(i64::MAX) {
            return Err(SessionError::TooLongLived);
        }
        // A session token has a session; a JWT template token, which Clerk signs with
        // the same key, has none.
        if !claims
            .get("sid")
            .and_then(Value::as_str)
            .is_some_and(|sid| sid.starts_with("sess_"))
        {
            return Err(SessionError::MissingClaim("sid"));
        }
        if !inner.parties.is_empty() {
            let azp = claims.get("azp").and_then(Value::as_str);
            if !azp.is_some_and(|azp| inner.parties.iter().any(|p| p == azp)) {
                return Err(SessionError::UnauthorizedParty);
            }
        }
        if !inner.accept_pending && claims.get("sts").and_then(Value::as_str) == Some("pending") {
            return Err(SessionError::Pending);
        }
        SessionClaims::from_verified(claims)
    }

    /// Verifies the session token of a request: `Authorization: Bearer` first, then
    /// the `__session` cookie, or the app's `__session_<suffix>` (see the [module
    /// docs](self)). A cookie token in a request another site made is refused
    /// ([`SessionError::CrossSite`]); two different tokens are refused
    /// ([`SessionError::Conflicting`]).
    pub async fn verify_request<C: DeserializeOwned>(
        &self,
        headers: &http::HeaderMap,
    ) -> Result<SessionClaims<C>, SessionError> {
        let (token, source) = token::locate(headers, self.inner.suffixed.as_ref())?;
        if source == token::Source::Cookie && self.cross_site(headers) {
            return Err(SessionError::CrossSite);
        }
        self.verify(token).await
    }

    /// Whether a request was made by another site: `Sec-Fetch-Site: cross-site`, or
    /// an `Origin` that is not exactly an authorized party, unless the browser says
    /// the request is its page's own (`Sec-Fetch-Site: same-origin`, or `none` for one
    /// the user started). The request's own scheme is not known from its headers, so
    /// `Origin` is never compared with `Host`.
    fn cross_site(&self, headers: &http::HeaderMap) -> bool {
        let header =
            |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
        let fetch_site = header(http::header::HeaderName::from_static("sec-fetch-site"))
            .map(str::to_ascii_lowercase);
        if fetch_site.as_deref() == Some("cross-site") {
            return true;
        }
        if headers.get_all(http::header::ORIGIN).iter().count() > 1 {
            return true;
        }
        let Some(origin) = headers.get(http::header::ORIGIN) else {
            return false;
        };
        let party = origin
            .to_str()
            .ok()
            .and_then(Origin::parse)
            .is_some_and(|origin| self.inner.party_origins.contains(&origin));
        let browser_same_origin = matches!(fetch_site.as_deref(), Some("same-origin" | "none"));
        !(party || browser_same_origin)
    }
}

/// The name of Clerk's suffixed session cookie for publishable key `key`.
#[cfg(feature = "testing")]
pub(crate) fn suffixed_cookie_name(key: &str) -> Option<String> {
    token::Suffixed::from_publishable_key(key).map(|suffixed| suffixed.name)
}

/// Clerk's token categories (the `cat` header): a session token, and "not
/// categorized"; every other category (JWT templates, machine tokens) is refused.
const SESSION_CATEGORIES: [&str; 2] = ["cl_B7d4PD111AAA", "cl_I7d4PD111III"];

/// Checks the token's header before any key is looked at: `alg` exactly `RS256`,
/// `typ` (if any) `JWT`, `cat` (if any) a session token's, no `crit`. Returns the
/// `kid`.
fn check_header<'a>(header: &'a jws::Header<'_>) -> Result<Option<&'a str>, SessionError> {
    use jws::Member;
    if !matches!(&header.alg, Some(Member::Text(alg)) if alg == "RS256") {
        return Err(SessionError::Algorithm);
    }
    match &header.typ {
        None => {}
        Some(Member::Text(typ)) if typ.eq_ignore_ascii_case("JWT") => {}
        Some(_) => return Err(SessionError::MachineToken),
    }
    match &header.cat {
        None => {}
        Some(Member::Text(cat)) if SESSION_CATEGORIES.contains(&&**cat) => {}
        Some(_) => return Err(SessionError::MachineToken),
    }
    if header.crit {
        return Err(SessionError::Malformed);
    }
    match &header.kid {
        None => Ok(None),
        Some(Member::Text(kid)) => Ok(Some(kid)),
        Some(_) => Err(SessionError::Malformed),
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
            suffixed: None,
            skew: Duration::from_secs(5),
            ttl: Duration::from_secs(300),
            min_refetch: Duration::from_secs(10),
            max_lifetime: Duration::from_secs(3600),
            accept_pending: false,
        }
    }

    /// The origins a token may be made for (`azp`), such as
    /// `https://app.example.com`: the origins the app's pages are served from, the
    /// API's own included when its pages call it. With any set, a token without `azp`,
    /// or with another, is refused; and a cookie request whose `Origin` is not one of
    /// them (scheme, host and port) is refused unless the browser says it is
    /// same-origin.
    #[must_use]
    pub fn authorized_parties<I, P>(mut self, parties: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: Into<String>,
    {
        self.parties = parties.into_iter().map(Into::into).collect();
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat` (default 5 seconds; at most 5
    /// minutes).
    #[must_use]
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.skew = skew.min(Duration::from_secs(300));
        self
    }

    /// The longest lifetime (`exp` − `iat`) a token may have (default 1 hour). Clerk's
    /// session tokens live 60 seconds; a longer-lived token is something else.
    #[must_use]
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// The app's publishable key (`pk_test_…`, `pk_live_…`; Clerk's
    /// `CLERK_PUBLISHABLE_KEY`), to read Clerk's suffixed session cookie
    /// `__session_<suffix>` as Clerk's SDKs do (the suffix is the first 8 characters
    /// of the key's SHA-1, base64url): it is used when present, else `__session`.
    /// When both are present and differ, a `__session` whose `iss` is another
    /// instance's (another app on the same domain, as on `localhost`) is set aside,
    /// and one of this instance is refused as [`SessionError::Conflicting`].
    pub fn publishable_key(mut self, key: &str) -> Result<Self, InvalidPublishableKey> {
        self.suffixed =
            Some(token::Suffixed::from_publishable_key(key).ok_or(InvalidPublishableKey)?);
        Ok(self)
    }

    /// Accepts sessions whose status is `pending` (a user who has not finished a
    /// required step, such as choosing an organization). By default they are refused,
    /// as Clerk's SDKs treat them as signed out.
    #[must_use]
    pub fn accept_pending(mut self) -> Self {
        self.accept_pending = true;
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

    /// The verifier. Without authorized parties it logs one `tracing` warning (target
    /// `clerk_metadata::session`): such a verifier accepts a token made for any origin
    /// of the instance.
    pub fn build(self) -> SessionVerifier {
        if self.parties.is_empty() {
            tracing::warn!(
                target: "clerk_metadata::session",
                "SessionVerifier built without authorized parties: session tokens made for any origin of the instance are accepted (set them with authorized_parties)"
            );
        }
        self.finish()
    }

    /// The verifier, without the warning about missing parties.
    fn finish(self) -> SessionVerifier {
        for party in self
            .parties
            .iter()
            .filter(|p| Origin::parse(p).is_none() || p.ends_with('/'))
        {
            // The party is the app's own configuration, but cut and escaped all the same.
            tracing::warn!(
                target: "clerk_metadata::session",
                party = %crate::json::escape::escaped(party, crate::json::escape::KEY_CHARS),
                "an authorized party is not an origin (scheme://host[:port], no path, no trailing slash): no token's `azp` can match it, and no request's `Origin` either"
            );
        }
        let keys = match self.keys {
            KeysConfig::Pem(key) => Keys::Pem(key),
            KeysConfig::Jwks(clerk) => {
                Keys::Jwks(JwksCache::new(clerk, self.ttl, self.min_refetch))
            }
        };
        SessionVerifier {
            inner: Arc::new(Inner {
                keys,
                party_origins: self
                    .parties
                    .iter()
                    .filter_map(|p| Origin::parse(p))
                    .collect(),
                parties: self.parties,
                suffixed: self.suffixed,
                skew: self.skew,
                max_lifetime: self.max_lifetime,
                accept_pending: self.accept_pending,
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
