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

/// A failed Clerk response, read from its status and body. Nothing is lost: a body
/// that is not `ClerkErrors` is kept as it came.
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
    /// A body of another shape (a proxy's HTML page, an empty body, …), kept whole.
    Unrecognized {
        /// The HTTP status.
        status: u16,
        /// The body, as received.
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

    /// Replaces every occurrence of `secret` in the error's text (codes, messages,
    /// `meta`, the trace ID) with `[redacted]`: a proxy or a gateway that echoes the
    /// request must not carry the key into a message.
    #[cfg(feature = "client")]
    pub(crate) fn redact(&mut self, secret: &str) {
        fn scrub(text: &mut String, secret: &str) {
            if !secret.is_empty() && text.contains(secret) {
                *text = text.replace(secret, "[redacted]");
            }
        }
        fn scrub_value(value: &mut Value, secret: &str) {
            match value {
                Value::String(text) => scrub(text, secret),
                Value::Array(items) => items.iter_mut().for_each(|v| scrub_value(v, secret)),
                Value::Object(map) => scrub_map(map, secret),
                _ => {}
            }
        }
        fn scrub_map(map: &mut Map<String, Value>, secret: &str) {
            if map.keys().any(|k| k.contains(secret)) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(k, v)| (k.replace(secret, "[redacted]"), v))
                    .collect();
            }
            map.values_mut().for_each(|v| scrub_value(v, secret));
        }
        let ApiError::Clerk { errors, .. } = self else {
            return;
        };
        for error in &mut errors.errors {
            scrub(&mut error.code, secret);
            scrub(&mut error.message, secret);
            if let Some(long) = &mut error.long_message {
                scrub(long, secret);
            }
            if let Some(meta) = &mut error.meta {
                scrub_map(meta, secret);
            }
        }
        if let Some(meta) = &mut errors.meta {
            scrub_map(meta, secret);
        }
        if let Some(trace) = &mut errors.clerk_trace_id {
            scrub(trace, secret);
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
