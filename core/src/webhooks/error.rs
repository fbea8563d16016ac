//! Why a delivery was refused.

use core::fmt;

use crate::read::ReadError;

/// One of the three headers of a delivery. Svix (Clerk) sends `svix-id`,
/// `svix-timestamp` and `svix-signature`; Standard Webhooks names them `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`. Either spelling is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WebhookHeader {
    /// `svix-id` / `webhook-id`: the delivery's message ID, the same on every retry.
    Id,
    /// `svix-timestamp` / `webhook-timestamp`: when this attempt was made, in Unix
    /// seconds.
    Timestamp,
    /// `svix-signature` / `webhook-signature`: the space-separated `v1,<base64>`
    /// signatures.
    Signature,
}

impl WebhookHeader {
    /// Svix's name of the header (`svix-id`), the one Clerk sends.
    pub const fn name(self) -> &'static str {
        match self {
            WebhookHeader::Id => "svix-id",
            WebhookHeader::Timestamp => "svix-timestamp",
            WebhookHeader::Signature => "svix-signature",
        }
    }

    /// Standard Webhooks' name of the header (`webhook-id`).
    pub const fn standard_name(self) -> &'static str {
        match self {
            WebhookHeader::Id => "webhook-id",
            WebhookHeader::Timestamp => "webhook-timestamp",
            WebhookHeader::Signature => "webhook-signature",
        }
    }
}

impl fmt::Display for WebhookHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a webhook delivery was refused. Each refusal is its own variant with a stable
/// [`reason`](Self::reason); no message quotes the body, a header's value or a
/// signature, and a user that does not fit the schema is reported as a
/// [`ReadError`], which never holds a private value.
///
/// The variants up to [`TooLarge`](Self::TooLarge) are found before the signature is
/// checked, [`NoMatchingSignature`](Self::NoMatchingSignature) by it; the rest only
/// for a delivery whose signature verified, before or while its JSON is read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The header is missing (in both spellings).
    MissingHeader(WebhookHeader),
    /// The header is not visible ASCII, or it is an ID longer than 256 bytes or
    /// holding a `.` (which would make the signed content ambiguous).
    InvalidHeader(WebhookHeader),
    /// The header comes more than once with different values: as `svix-…` and
    /// `webhook-…`, or twice in one spelling.
    ConflictingHeaders(WebhookHeader),
    /// The timestamp is not a whole number of seconds in plain decimal digits.
    InvalidTimestamp,
    /// The timestamp is older than the tolerance (5 minutes by default): a replayed
    /// delivery, or a clock that is far off.
    TooOld,
    /// The timestamp is further in the future than the tolerance.
    TooNew,
    /// The body is larger than the limit (1 MiB by default).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The signature header holds no well-formed `v1` entry (`v1,` and 32 bytes of
    /// standard base64): a header mangled on its way (a proxy that changed `+` or `/`),
    /// or signed by a scheme this crate does not know.
    NoSignature,
    /// No `v1` signature in the header matches the body under any of the secrets: a
    /// forged or altered delivery, a body changed on its way (re-serialized JSON), or a
    /// secret that is not the endpoint's.
    NoMatchingSignature,
    /// The signed body is not JSON.
    NotJson,
    /// The signed body is JSON but not an event envelope (`type` and `data`, `object`
    /// `"event"`).
    NotAnEvent,
    /// The user in a `user.*` event cannot be read with the schema: public or private
    /// metadata that does not fit it (named by path, never by value), or an object
    /// that is not a user.
    User(ReadError),
    /// The organization, membership or invitation of an organization event cannot be
    /// read with the schemas given to
    /// [`WebhookEvent::organization_event`](super::WebhookEvent::organization_event):
    /// metadata that does not fit them (named by path, never by value), or an object
    /// of another shape.
    Organization(ReadError),
}

impl WebhookError {
    /// A stable, machine-readable reason: `header_missing`, `signature_mismatch`, ….
    pub const fn reason(&self) -> &'static str {
        match self {
            WebhookError::MissingHeader(_) => "header_missing",
            WebhookError::InvalidHeader(_) => "header_invalid",
            WebhookError::ConflictingHeaders(_) => "header_conflicting",
            WebhookError::InvalidTimestamp => "timestamp_invalid",
            WebhookError::TooOld => "timestamp_too_old",
            WebhookError::TooNew => "timestamp_too_new",
            WebhookError::TooLarge { .. } => "body_too_large",
            WebhookError::NoSignature => "signature_missing",
            WebhookError::NoMatchingSignature => "signature_mismatch",
            WebhookError::NotJson => "body_not_json",
            WebhookError::NotAnEvent => "not_an_event",
            WebhookError::User(_) => "user_does_not_fit",
            WebhookError::Organization(_) => "organization_does_not_fit",
        }
    }

    /// The header the refusal is about, if it is about one.
    pub const fn header(&self) -> Option<WebhookHeader> {
        match self {
            WebhookError::MissingHeader(h)
            | WebhookError::InvalidHeader(h)
            | WebhookError::ConflictingHeaders(h) => Some(*h),
            WebhookError::InvalidTimestamp | WebhookError::TooOld | WebhookError::TooNew => {
                Some(WebhookHeader::Timestamp)
            }
            WebhookError::NoSignature | WebhookError::NoMatchingSignature => {
                Some(WebhookHeader::Signature)
            }
            _ => None,
        }
    }

    /// Whether the delivery failed authentication: its signature does not match or its
    /// timestamp is out of tolerance (an axum answer of 401). The other refusals are
    /// malformed deliveries (400), a body too large (413) or a user that does not fit
    /// the schema (422).
    pub const fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            WebhookError::NoSignature
                | WebhookError::NoMatchingSignature
                | WebhookError::TooOld
                | WebhookError::TooNew
        )
    }
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookError::MissingHeader(h) => write!(
                f,
                "the delivery has no `{}` (or `{}`) header",
                h.name(),
                h.standard_name()
            ),
            WebhookError::InvalidHeader(h) => write!(f, "the delivery's `{h}` header is malformed"),
            WebhookError::ConflictingHeaders(h) => write!(
                f,
                "the delivery carries different values of the `{h}` header"
            ),
            WebhookError::InvalidTimestamp => {
                f.write_str("the delivery's timestamp is not a number of Unix seconds")
            }
            WebhookError::TooOld => {
                f.write_str("the delivery's timestamp is older than the tolerance")
            }
            WebhookError::TooNew => {
                f.write_str("the delivery's timestamp is further ahead than the tolerance")
            }
            WebhookError::TooLarge { limit } => {
                write!(f, "the delivery's body is larger than {limit} bytes")
            }
            WebhookError::NoSignature => {
                f.write_str("the delivery's signature header holds no well-formed `v1` signature")
            }
            WebhookError::NoMatchingSignature => {
                f.write_str("no signature of the delivery matches its body and the secret")
            }
            WebhookError::NotJson => f.write_str("the delivery's body is not JSON"),
            WebhookError::NotAnEvent => f.write_str(
                "the delivery's body is not an event (an object with `type` and `data`)",
            ),
            WebhookError::User(error) => {
                write!(f, "the event's user does not fit the schema: {error}")
            }
            WebhookError::Organization(error) => {
                write!(f, "the event's object does not fit the schema: {error}")
            }
        }
    }
}

impl std::error::Error for WebhookError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WebhookError::User(error) | WebhookError::Organization(error) => Some(error),
            _ => None,
        }
    }
}
