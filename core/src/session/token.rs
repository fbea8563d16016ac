//! Where a request carries its session token.

use super::error::SessionError;

/// Where a token came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `Authorization: Bearer`.
    Header,
    /// The `__session` cookie.
    Cookie,
}

/// The session token of a request: `Authorization: Bearer …` first (what a client on
/// another origin sends), otherwise the `__session` cookie (what the browser sends to
/// the app's own origin), as Clerk's SDKs read it. A request with two different
/// bearer tokens, or two different `__session` cookies (one planted by a sibling
/// subdomain, say), has none.
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
    locate(headers).ok().map(|(token, _)| token)
}

/// The one value `values` agree on: `Ok(None)` for none, an error for two that differ.
fn only<'a>(mut values: impl Iterator<Item = &'a str>) -> Result<Option<&'a str>, SessionError> {
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.any(|other| other != first) {
        return Err(SessionError::Malformed);
    }
    Ok(Some(first))
}

/// The token and where it came from; [`SessionError::Missing`] without one.
pub(crate) fn locate(headers: &http::HeaderMap) -> Result<(&str, Source), SessionError> {
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
    // Cookie pairs are read one by one, so one pair that is not text does not hide
    // the others.
    let cookies = headers
        .get_all(http::header::COOKIE)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b';'))
        .filter_map(|pair| std::str::from_utf8(pair).ok())
        .filter_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name.trim() == "__session").then(|| value.trim().trim_matches('"'))
        })
        .filter(|t| !t.is_empty());
    match only(cookies)? {
        Some(token) => Ok((token, Source::Cookie)),
        None => Err(SessionError::Missing),
    }
}
