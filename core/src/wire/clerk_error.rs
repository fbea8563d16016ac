//! Clerk's error responses (`ClerkErrors`), typed, with anything else kept raw.

use core::fmt;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped};

/// The most errors of one response `Display` shows.
const SHOWN_ERRORS: usize = 10;

/// One error of a Clerk error response.
///
/// Its `Debug`, like its `Display`, escapes and cuts Clerk's text (which may echo what
/// a user typed) and shows only the names of `meta`'s entries.
#[derive(Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ClerkError {
    /// The machine-readable code, such as `form_password_length_too_short`.
    pub code: String,
    /// A short message.
    pub message: String,
    /// A longer message.
    #[serde(default)]
    pub long_message: Option<String>,
    /// Extra details; `param_name` names the request field at fault.
    #[serde(default)]
    pub meta: Option<Map<String, Value>>,
}

impl ClerkError {
    /// The request field the error is about (`meta.param_name`), if Clerk named one.
    pub fn param_name(&self) -> Option<&str> {
        self.meta.as_ref()?.get("param_name")?.as_str()
    }
}

/// `param: message (code)`, each part escaped and cut: the text comes from the
/// response, which may echo what a user typed.
impl fmt::Display for ClerkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(param) = self.param_name() {
            write!(f, "{}: ", escaped(param, KEY_CHARS))?;
        }
        write!(
            f,
            "{} ({})",
            escaped(&self.message, MESSAGE_CHARS),
            escaped(&self.code, KEY_CHARS)
        )
    }
}

/// A Clerk error body: `{"errors": [...], "clerk_trace_id": "..."}`.
///
/// Its `Debug` escapes and cuts the text it shows, like [`ClerkError`]'s.
#[derive(Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ClerkErrors {
    /// The errors, in Clerk's order.
    pub errors: Vec<ClerkError>,
    /// Extra details of the response.
    #[serde(default)]
    pub meta: Option<Map<String, Value>>,
    /// The trace ID to quote to Clerk's support.
    #[serde(default)]
    pub clerk_trace_id: Option<String>,
}

/// A failed Clerk response, read from its status and body. A body that is not
/// `ClerkErrors` is kept as it came by [`ApiError::from_response`]; the client scrubs
/// secret keys from every error it returns, and withholds Clerk's text when the request
/// carried private metadata or a password (see
/// [`ClerkFailure::withheld`](crate::client::ClerkFailure::withheld)).
///
/// `Display` and `Debug` show Clerk's codes and messages with control and invisible
/// characters escaped and long text cut, and never an unrecognized body (a proxy's page
/// may echo the request, key and all), only its length.
#[derive(Clone, PartialEq)]
pub enum ApiError {
    /// Clerk's own error body.
    Clerk {
        /// The HTTP status.
        status: u16,
        /// The parsed body.
        errors: ClerkErrors,
    },
    /// A body of another shape (a proxy's HTML page, an empty body, …).
    Unrecognized {
        /// The HTTP status.
        status: u16,
        /// The body as received, except that the client scrubs secret keys from it
        /// (`[redacted]`) and empties it when the request carried private metadata
        /// or a password (see
        /// [`ClerkFailure::withheld`](crate::client::ClerkFailure::withheld)).
        body: Vec<u8>,
    },
}

impl ApiError {
    /// Reads an error response. It never fails and never panics: any body that is not
    /// a `ClerkErrors` object becomes [`ApiError::Unrecognized`].
    ///
    /// ```
    /// # use clerk_metadata::ApiError;
    /// let body = br#"{"errors":[{"code":"form_password_length_too_short","message":"too short",
    ///     "long_message":"Passwords must be 8 characters or more.","meta":{"param_name":"password"}}],
    ///     "clerk_trace_id":"abc"}"#;
    /// let ApiError::Clerk { errors, .. } = ApiError::from_response(422, body) else { unreachable!() };
    /// assert_eq!(errors.errors[0].param_name(), Some("password"));
    /// assert!(matches!(ApiError::from_response(502, b"<html>"), ApiError::Unrecognized { .. }));
    /// ```
    pub fn from_response(status: u16, body: &[u8]) -> ApiError {
        match serde_json::from_slice::<ClerkErrors>(body) {
            Ok(errors) => ApiError::Clerk { status, errors },
            Err(_) => ApiError::Unrecognized {
                status,
                body: body.to_vec(),
            },
        }
    }

    /// Scrubs secret keys from everything the error keeps (codes, messages, `meta`,
    /// the trace ID, an unrecognized body): every `sk_live_…` or `sk_test_…` token, and
    /// the part of `secret` after its prefix wherever it stands alone, become
    /// `[redacted]`. A proxy or a gateway that echoes the request must not carry the key
    /// into an error.
    #[cfg(feature = "client")]
    pub(crate) fn redact(&mut self, secret: &str) {
        let suffix = secret
            .strip_prefix("sk_live_")
            .or_else(|| secret.strip_prefix("sk_test_"))
            .unwrap_or(secret);
        let scrub = |text: &mut String| {
            if let Some(clean) = redacted(text.as_bytes(), suffix) {
                // Only ASCII was replaced by ASCII: still UTF-8.
                *text = String::from_utf8_lossy(&clean).into_owned();
            }
        };
        match self {
            ApiError::Clerk { errors, .. } => errors.visit_text(scrub),
            ApiError::Unrecognized { body, .. } => {
                if let Some(clean) = redacted(body, suffix) {
                    *body = clean;
                }
            }
        }
    }

    /// Withholds what Clerk's answer may have echoed from a request that wrote private
    /// metadata: each error keeps its code, its message becomes [`WITHHELD`], and its
    /// long message and `meta` are dropped, except a `param_name` that is one of
    /// `request_keys` (the top-level keys of the request, such as `private_metadata`);
    /// the response's `meta` is dropped; an unrecognized body is emptied.
    #[cfg(feature = "client")]
    pub(crate) fn withhold(&mut self, request_keys: &[String]) {
        match self {
            ApiError::Clerk { errors, .. } => {
                for error in &mut errors.errors {
                    let param = error
                        .param_name()
                        .filter(|p| request_keys.iter().any(|k| k == p))
                        .map(str::to_owned);
                    error.message = WITHHELD.to_owned();
                    error.long_message = None;
                    error.meta = param.map(|p| {
                        let mut meta = Map::new();
                        meta.insert("param_name".to_owned(), Value::String(p));
                        meta
                    });
                }
                errors.meta = None;
            }
            ApiError::Unrecognized { body, .. } => body.clear(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Clerk { status, .. } | ApiError::Unrecognized { status, .. } => *status,
        }
    }

    /// The Clerk error codes, in order (none for an unrecognized body).
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        let errors = match self {
            ApiError::Clerk { errors, .. } => errors.errors.as_slice(),
            ApiError::Unrecognized { .. } => &[],
        };
        errors.iter().map(|e| e.code.as_str())
    }
}

/// The message that replaces Clerk's when the request wrote private metadata.
#[cfg(feature = "client")]
pub(crate) const WITHHELD: &str =
    "(message withheld: the request carried private metadata or a password)";

impl ClerkErrors {
    /// Calls `f` on every text of the response: codes, messages, `meta` keys and string
    /// values at any depth, the trace ID.
    #[cfg(feature = "client")]
    fn visit_text(&mut self, mut f: impl FnMut(&mut String)) {
        fn value(v: &mut Value, f: &mut dyn FnMut(&mut String)) {
            match v {
                Value::String(text) => f(text),
                Value::Array(items) => items.iter_mut().for_each(|v| value(v, f)),
                Value::Object(map) => object(map, f),
                _ => {}
            }
        }
        fn object(map: &mut Map<String, Value>, f: &mut dyn FnMut(&mut String)) {
            *map = std::mem::take(map)
                .into_iter()
                .map(|(mut k, mut v)| {
                    f(&mut k);
                    value(&mut v, f);
                    (k, v)
                })
                .collect();
        }
        for error in &mut self.errors {
            f(&mut error.code);
            f(&mut error.message);
            if let Some(long) = &mut error.long_message {
                f(long);
            }
            if let Some(meta) = &mut error.meta {
                object(meta, &mut f);
            }
        }
        if let Some(meta) = &mut self.meta {
            object(meta, &mut f);
        }
        if let Some(trace) = &mut self.clerk_trace_id {
            f(trace);
        }
    }
}

/// `text` with every `sk_live_…`/`sk_test_…` token and every occurrence of `suffix`
/// (a key without its prefix) replaced by `[redacted]`; `None` if there was none.
#[cfg(feature = "client")]
fn redacted(text: &[u8], suffix: &str) -> Option<Vec<u8>> {
    const MARK: &[u8] = b"[redacted]";
    let suffix = suffix.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with(b"sk_live_") || rest.starts_with(b"sk_test_") {
            let token = 8 + rest[8..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if token > 8 {
                out.extend_from_slice(MARK);
                changed = true;
                i += token;
                continue;
            }
        }
        if !suffix.is_empty() && rest.starts_with(suffix) {
            out.extend_from_slice(MARK);
            changed = true;
            i += suffix.len();
            continue;
        }
        out.push(text[i]);
        i += 1;
    }
    changed.then_some(out)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Clerk { status, errors } => {
                write!(f, "Clerk answered {status}")?;
                for (i, error) in errors.errors.iter().take(SHOWN_ERRORS).enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    fmt::Display::fmt(error, f)?;
                }
                if let Some(more) = errors
                    .errors
                    .len()
                    .checked_sub(SHOWN_ERRORS)
                    .filter(|n| *n > 0)
                {
                    write!(f, "; and {more} more")?;
                }
                if let Some(trace) = &errors.clerk_trace_id {
                    write!(f, " (trace {})", escaped(trace, KEY_CHARS))?;
                }
                Ok(())
            }
            ApiError::Unrecognized { status, body } => {
                write!(
                    f,
                    "Clerk answered {status} with a {}-byte body that is not a Clerk error",
                    body.len()
                )
            }
        }
    }
}

impl std::error::Error for ApiError {}

/// The names of a `meta` object's entries, not their values.
struct MetaKeys<'a>(&'a Option<Map<String, Value>>);

impl fmt::Debug for MetaKeys<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(meta) => f
                .debug_set()
                .entries(
                    meta.keys()
                        .take(SHOWN_ERRORS)
                        .map(|k| escaped(k, KEY_CHARS)),
                )
                .finish(),
        }
    }
}

/// Text from a response, escaped and cut, shown as a quoted string.
struct Shown<'a>(&'a str, usize);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", escaped(self.0, self.1))
    }
}

impl fmt::Debug for ClerkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkError")
            .field("code", &Shown(&self.code, KEY_CHARS))
            .field("message", &Shown(&self.message, MESSAGE_CHARS))
            .field(
                "long_message",
                &self
                    .long_message
                    .as_deref()
                    .map(|m| Shown(m, MESSAGE_CHARS)),
            )
            .field("meta", &MetaKeys(&self.meta))
            .finish()
    }
}

impl fmt::Debug for ClerkErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClerkErrors")
            .field(
                "errors",
                &&self.errors[..self.errors.len().min(SHOWN_ERRORS)],
            )
            .field("meta", &MetaKeys(&self.meta))
            .field(
                "clerk_trace_id",
                &self.clerk_trace_id.as_deref().map(|t| Shown(t, KEY_CHARS)),
            )
            .finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Clerk { status, errors } => f
                .debug_struct("Clerk")
                .field("status", status)
                .field("errors", errors)
                .finish(),
            ApiError::Unrecognized { status, body } => f
                .debug_struct("Unrecognized")
                .field("status", status)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
        }
    }
}
