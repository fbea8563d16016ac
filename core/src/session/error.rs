//! Why a session token was refused.

use core::fmt;

use crate::json::escape::{MESSAGE_CHARS, escaped};

/// Why a request has no valid session. Each reason is its own variant; neither
/// `Display` nor `Debug` ever shows the token.
#[derive(Debug)]
#[non_exhaustive]
pub enum SessionError {
    /// No token: no `Authorization: Bearer` header and no `__session` cookie.
    Missing,
    /// The token is longer than any session token (over 16 KiB).
    TooLarge,
    /// The token is not a JWT: its parts, base64 or JSON are broken.
    Malformed,
    /// The header names another algorithm than RS256 (`none`, `HS256`, …).
    Algorithm,
    /// The token is a machine token (an M2M or OAuth token, or an API key), not a
    /// user's session token.
    MachineToken,
    /// No key of the instance has the token's `kid` (even after fetching the keys
    /// again), or the token names none while the instance has several.
    UnknownKey,
    /// The signature does not verify with the instance's key.
    BadSignature,
    /// `exp` has passed (beyond the clock skew).
    Expired,
    /// `nbf` or `iat` is in the future (beyond the clock skew).
    NotYetValid,
    /// A claim every session token has is missing (`sub`, `exp`, `iat`).
    MissingClaim(&'static str),
    /// `sub` is not a user ID.
    InvalidSubject,
    /// `azp` is missing or not one of the authorized parties.
    UnauthorizedParty,
    /// The claims do not fit the app's claims type; the message names the problem,
    /// escaped and cut.
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
            SessionError::Claims(_) => "token_claims_invalid",
            SessionError::Keys(_) => "keys_unavailable",
        }
    }

    /// Whether the request is at fault (no session: 401) rather than the server (the
    /// keys could not be fetched: 503).
    pub const fn is_unauthenticated(&self) -> bool {
        !matches!(self, SessionError::Keys(_))
    }

    pub(crate) fn claims(message: &str) -> SessionError {
        SessionError::Claims(escaped(message, MESSAGE_CHARS).to_string())
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Missing => f.write_str(
                "no session token (no Authorization: Bearer header, no __session cookie)",
            ),
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
            SessionError::Claims(message) => {
                write!(f, "the session token's claims do not fit: {message}")
            }
            SessionError::Keys(message) => {
                write!(f, "the instance's keys could not be fetched: {message}")
            }
        }
    }
}

impl std::error::Error for SessionError {}
