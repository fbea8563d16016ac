//! Where a request carries its session token.

/// The session token of a request: `Authorization: Bearer …` first (what a client on
/// another origin sends), otherwise the `__session` cookie (what the browser sends to
/// the app's own origin), as Clerk's SDKs read it.
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
    let bearer = headers
        .get_all(http::header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    bearer.or_else(|| {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name.trim() == "__session").then(|| value.trim().trim_matches('"'))
            })
            .filter(|t| !t.is_empty())
    })
}
