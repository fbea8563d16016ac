//! Where a request carries its session token, and the app's suffixed cookie.

use base64::Engine;
use serde_json::Value;

use super::error::SessionError;

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `Authorization: Bearer`.
    Header,
    /// The `__session` cookie, or the app's `__session_<suffix>`.
    Cookie,
}

/// The session token of a request: `Authorization: Bearer …` first (what a client on
/// another origin sends), otherwise the `__session` cookie (what the browser sends to
/// the app's own origin), as Clerk's SDKs read it. A request with two different
/// bearer tokens, or two different `__session` cookies (one planted by a sibling
/// subdomain, say), has none.
///
/// It reads no suffixed `__session_<suffix>` cookie: a [`SessionVerifier`] given the
/// app's [publishable key](super::SessionVerifierBuilder::publishable_key) does.
///
/// [`SessionVerifier`]: super::SessionVerifier
///
/// ```
/// # use clerk_metadata::session::session_token;
/// let mut headers = http::HeaderMap::new();
/// headers.insert("cookie", "theme=dark; __session=from.cookie.jwt".parse().unwrap());
/// assert_eq!(session_token(&headers), Some("from.cookie.jwt"));
/// headers.insert("authorization", "Bearer from.header.jwt".parse().unwrap());
/// assert_eq!(session_token(&headers), Some("from.header.jwt"));
/// ```
pub fn session_token(headers: &http::HeaderMap) -> Option<&str> {
    locate(headers, None).ok().map(|(token, _)| token)
}

/// The app's own session cookie, named from its publishable key as Clerk's SDKs name
/// it, and the instance it is for.
#[derive(Debug, Clone)]
pub(crate) struct Suffixed {
    /// `__session_<suffix>`.
    pub(crate) name: String,
    /// The instance's Frontend API host (`clerk.example.com`), from the key.
    pub(crate) frontend_api: String,
}

impl Suffixed {
    /// The cookie of publishable key `key` (`pk_test_…`, `pk_live_…`), whose part after
    /// the prefix is the Frontend API host and `$`, base64. The suffix is the first 8
    /// characters of the key's SHA-1 in base64url, as `@clerk/shared`'s
    /// `getCookieSuffix` makes it.
    pub(crate) fn from_publishable_key(key: &str) -> Option<Suffixed> {
        let key = key.trim();
        let encoded = key
            .strip_prefix("pk_test_")
            .or_else(|| key.strip_prefix("pk_live_"))?;
        let lenient = base64::engine::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let decoded = String::from_utf8(lenient.decode(encoded).ok()?).ok()?;
        let frontend_api = decoded.strip_suffix('$')?;
        let valid = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
        if frontend_api.is_empty() || !frontend_api.chars().all(valid) {
            return None;
        }
        let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
        let suffix = base64::engine::general_purpose::URL_SAFE.encode(digest.as_ref());
        Some(Suffixed {
            name: format!("__session_{}", suffix.get(..8)?),
            frontend_api: frontend_api.to_ascii_lowercase(),
        })
    }

    /// Whether `token` says (unverified) that the instance issued it: its `iss`, less
    /// the scheme, is the key's Frontend API host.
    fn issued_for(&self, token: &str) -> bool {
        let issuer = token
            .split('.')
            .nth(1)
            .and_then(|payload| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(payload)
                    .ok()
            })
            .and_then(|json| serde_json::from_slice::<Value>(&json).ok())
            .and_then(|claims| claims.get("iss")?.as_str().map(str::to_ascii_lowercase));
        issuer.is_some_and(|iss| {
            let host = iss
                .strip_prefix("https://")
                .or_else(|| iss.strip_prefix("http://"))
                .unwrap_or(&iss);
            host.trim_end_matches('/') == self.frontend_api
        })
    }
}

/// The one value `values` agree on: `Ok(None)` for none, an error for two that differ.
fn only<'a>(mut values: impl Iterator<Item = &'a str>) -> Result<Option<&'a str>, SessionError> {
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.any(|other| other != first) {
        return Err(SessionError::Conflicting);
    }
    Ok(Some(first))
}

/// The values of the cookies named `name`. Cookie pairs are read one by one, so one
/// pair that is not text does not hide the others.
fn cookies<'a>(headers: &'a http::HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .filter_map(move |pair| {
            let (n, value) = pair.trim().split_once('=')?;
            (n.trim() == name).then(|| value.trim().trim_matches('"'))
        })
        .filter(|t| !t.is_empty())
}

/// The token and where it came from; [`SessionError::Missing`] without one.
///
/// With the app's `suffixed` cookie, as Clerk's SDKs read it: the suffixed cookie
/// when there is one, since it is the app's own; `__session` otherwise. When both are
/// there and differ, a `__session` of another instance (another app on the same
/// domain, such as `localhost`) is set aside, and one of this instance is a conflict.
pub(crate) fn locate<'a>(
    headers: &'a http::HeaderMap,
    suffixed: Option<&'a Suffixed>,
) -> Result<(&'a str, Source), SessionError> {
    let bearers = headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    if let Some(token) = only(bearers)? {
        return Ok((token, Source::Header));
    }
    let own = match suffixed {
        Some(suffixed) => only(cookies(headers, &suffixed.name))?.map(|t| (t, suffixed)),
        None => None,
    };
    let token = match own {
        // The app's own cookie: a `__session` beside it counts only if this instance
        // issued it (one another app, or another subdomain, planted is set aside).
        Some((own, suffixed)) => {
            if cookies(headers, "__session").any(|plain| plain != own && suffixed.issued_for(plain))
            {
                return Err(SessionError::Conflicting);
            }
            own
        }
        None => match only(cookies(headers, "__session"))? {
            Some(plain) => plain,
            None => return Err(SessionError::Missing),
        },
    };
    Ok((token, Source::Cookie))
}
