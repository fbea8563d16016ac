//! Why a session token was refused.

use core::fmt;

use crate::json::escape::{MESSAGE_CHARS, escaped};

/// Why a request has no valid session. Each reason is its own variant; neither
/// `Display` nor `Debug` ever shows the token.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// No token: no `Authorization: Bearer` header and no `__session` cookie (nor the
    /// app's `__session_<suffix>`).
    Missing,
    /// The request carries two different tokens: two bearer tokens, two cookies of
    /// one name (one planted by a sibling subdomain, say), or the app's
    /// `__session_<suffix>` and a `__session` of the same instance that differ.
    Conflicting,
    /// The token is longer than any session token (over 16 KiB).
    TooLarge,
    /// The token is not a JWT as Clerk makes them: not exactly three base64url parts
    /// (without padding), a header or claims that are not a JSON object, a header
    /// member of the wrong type or named twice, `crit`, a `kid` that is not text, a
    /// time claim the checks read named twice, `nbf` not a date, `iat` negative or not
    /// before `exp`.
    Malformed,
    /// The header names another algorithm than RS256 (`none`, `HS256`, …).
    Algorithm,
    /// The token is a machine token (an M2M or OAuth token, or an API key), not a
    /// user's session token.
    MachineToken,
    /// No key of the instance has the token's `kid` (even after fetching the keys
    /// again), or the token names none while the instance has several.
    UnknownKey,
    /// The signature does not verify with the instance's key (or the instance's key
    /// with that `kid` is one the verifier does not use: an RSA key under 2048 or over
    /// 4096 bits).
    BadSignature,
    /// `exp` has passed (beyond the clock skew).
    Expired,
    /// `nbf` or `iat` is in the future (beyond the clock skew).
    NotYetValid,
    /// A claim every session token has is missing (`sub`, `exp`, `iat`, `sid`), or
    /// not of its type (`sub` not text, `exp` not a date), or `sid` is not a
    /// session's.
    MissingClaim(&'static str),
    /// `sub` is not a user ID.
    InvalidSubject,
    /// `azp` is missing or not one of the authorized parties.
    UnauthorizedParty,
    /// The session is `pending` (a required step is not done), which Clerk's SDKs
    /// treat as signed out.
    Pending,
    /// The token lives longer (`exp` − `iat`) than the verifier allows.
    TooLongLived,
    /// The token came in the cookie of a request another site made: a cross-site
    /// request forgery, or a link followed from elsewhere.
    CrossSite,
    /// The claims do not fit the app's claims type: the app's bug, not the request's
    /// (500). The message is the claim's path and what the type expected there
    /// (`beta: expected a boolean`, ``the claims object: missing field `email` ``),
    /// never the value, not even escaped.
    Claims(String),
    /// The instance's keys could not be fetched: a server problem, not the
    /// request's.
    Keys(String),
}

impl SessionError {
    /// A stable, machine-readable reason: `token_expired`, `unknown_key`, ….
    pub const fn reason(&self) -> &'static str {
        match self {
            SessionError::Missing => "token_missing",
            SessionError::Conflicting => "token_conflicting",
            SessionError::TooLarge => "token_too_large",
            SessionError::Malformed => "token_malformed",
            SessionError::Algorithm => "token_algorithm_refused",
            SessionError::MachineToken => "token_not_a_session",
            SessionError::UnknownKey => "token_unknown_key",
            SessionError::BadSignature => "token_bad_signature",
            SessionError::Expired => "token_expired",
            SessionError::NotYetValid => "token_not_yet_valid",
            SessionError::MissingClaim(_) => "token_claim_missing",
            SessionError::InvalidSubject => "token_invalid_subject",
            SessionError::UnauthorizedParty => "token_unauthorized_party",
            SessionError::Pending => "session_pending",
            SessionError::TooLongLived => "token_too_long_lived",
            SessionError::CrossSite => "cross_site_request",
            SessionError::Claims(_) => "token_claims_invalid",
            SessionError::Keys(_) => "keys_unavailable",
        }
    }

    /// Whether the request is at fault (no valid session: 401) rather than the
    /// server (the keys could not be fetched, or the app's claims type does not fit).
    pub const fn is_unauthenticated(&self) -> bool {
        !matches!(self, SessionError::Keys(_) | SessionError::Claims(_))
    }

    /// A claims error at `path` (a path of claim names), saying what the type expected
    /// there as serde's `error` says it, and never what it found: serde quotes the
    /// value it found ("invalid type: string \"…\", expected a boolean"), and the
    /// value may be a secret.
    pub(crate) fn claims(path: &str, error: &serde_json::Error) -> SessionError {
        let path = if path.is_empty() || path == "." {
            "the claims object"
        } else {
            path
        };
        let what = expectation(&error.to_string());
        SessionError::Claims(escaped(&format!("{path}: {what}"), MESSAGE_CHARS).to_string())
    }
}

/// What a serde error message says the type expected, without what it found.
///
/// serde's messages are `invalid type: {found}, expected {expected}` (and `invalid
/// value`, `invalid length`, `unknown variant` alike), where `{found}` may quote the
/// value and `{expected}` comes from the type; `missing field `{name}`` names a field
/// of the type. The expectation is the text after the *last* `, expected `, since
/// the found part before it may contain those words. Any other message (an unknown
/// field, which names a claim of the token; a type's own error, which may quote
/// anything) says only that the value is not accepted.
fn expectation(message: &str) -> String {
    let quotes_found = [
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "unknown variant ",
    ];
    if quotes_found
        .iter()
        .any(|prefix| message.starts_with(prefix))
        && let Some((_, expected)) = message.rsplit_once(", expected ")
    {
        return format!("expected {expected}");
    }
    if let Some(name) = message.strip_prefix("missing field `")
        && let Some(name) = name.strip_suffix('`')
        && !name.contains('`')
    {
        return format!("missing field `{name}`");
    }
    if message.starts_with("unknown field `") {
        return "a field the type does not know".to_owned();
    }
    "a value the type does not accept".to_owned()
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Missing => f.write_str(
                "no session token (no Authorization: Bearer header, no __session cookie)",
            ),
            SessionError::Conflicting => {
                f.write_str("the request carries two different session tokens")
            }
            SessionError::TooLarge => f.write_str("the session token is too large"),
            SessionError::Malformed => f.write_str("the session token is not a well-formed JWT"),
            SessionError::Algorithm => f.write_str("the session token is not signed with RS256"),
            SessionError::MachineToken => {
                f.write_str("the token is a machine token, not a session token")
            }
            SessionError::UnknownKey => {
                f.write_str("the session token is signed with a key the instance does not have")
            }
            SessionError::BadSignature => {
                f.write_str("the session token's signature does not verify")
            }
            SessionError::Expired => f.write_str("the session token has expired"),
            SessionError::NotYetValid => f.write_str("the session token is not valid yet"),
            SessionError::MissingClaim(claim) => {
                write!(f, "the session token has no `{claim}` claim")
            }
            SessionError::InvalidSubject => {
                f.write_str("the session token's `sub` is not a user ID")
            }
            SessionError::UnauthorizedParty => {
                f.write_str("the session token's `azp` is not an authorized party")
            }
            SessionError::Pending => {
                f.write_str("the session is pending: a required step is not done")
            }
            SessionError::TooLongLived => {
                f.write_str("the token lives longer than a session token may")
            }
            SessionError::CrossSite => {
                f.write_str("the session cookie came with a request another site made")
            }
            SessionError::Claims(path) => write!(
                f,
                "the session token's claims do not fit the app's claims type at {path}"
            ),
            SessionError::Keys(message) => {
                write!(f, "the instance's keys could not be fetched: {message}")
            }
        }
    }
}

impl std::error::Error for SessionError {}
