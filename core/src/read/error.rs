//! `ReadError`: where a read went wrong and why, built from what the schema knows, so
//! that nothing of a private value or key reaches the message.

use core::fmt;

use serde_path_to_error::Segment;

use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped, message_only};
use crate::schema::field::FieldInfo;
use crate::schema::metadata::MetadataTier;
use crate::schema::tier::{Tier, TierKind};

/// Why a user could not be read: the JSON path where it went wrong (such as
/// `public_metadata.role`) and what was expected there.
///
/// Under `private_metadata`, neither the path nor the message holds any part of a
/// stored value or of a key the schema does not name: the message is built from the
/// schema (the field and its type), not from the parser's text. Elsewhere the parser's
/// message is kept, with control and invisible characters escaped and long text cut,
/// since stored values (unsafe metadata above all) may be written by anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    path: String,
    message: String,
}

impl ReadError {
    /// The JSON path of the problem (`.` for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A problem at `segments` from the root of a `User` object; `message` is the
    /// parser's. `fields` gives the fields of each tier, for the private one.
    pub(crate) fn at_root(
        segments: &[Segment],
        message: &str,
        fields: impl Fn(TierKind) -> &'static [FieldInfo],
    ) -> Self {
        if let Some((Segment::Map { key }, rest)) = segments.split_first()
            && let Some(tier) = TierKind::ALL.into_iter().find(|t| t.key() == key)
        {
            return ReadError::in_tier(tier, fields(tier), rest, message);
        }
        ReadError {
            path: render(segments),
            message: plain(message),
        }
    }

    /// A problem at `segments` inside tier `tier`, whose fields are `fields`.
    pub(crate) fn in_tier(
        tier: TierKind,
        fields: &[FieldInfo],
        segments: &[Segment],
        message: &str,
    ) -> Self {
        if tier != TierKind::Private {
            let mut path = tier.key().to_owned();
            if !segments.is_empty() {
                path.push('.');
                path.push_str(&render(segments));
            }
            return ReadError {
                path,
                message: plain(message),
            };
        }
        let field = match segments.first() {
            Some(Segment::Map { key }) => fields.iter().find(|f| f.reads(key)),
            _ => None,
        };
        let mut path = tier.key().to_owned();
        let message = match field {
            Some(field) => {
                path.push('.');
                path.push_str(field.key);
                if segments.len() > 1 {
                    path.push_str(".…");
                }
                format!(
                    "the stored value does not fit the schema type `{}`",
                    field.type_name
                )
            }
            None => fields
                .iter()
                .map(|f| f.key)
                .find(|key| {
                    let text = message_only(message);
                    text == format!("missing field `{key}`")
                        || text == format!("duplicate field `{key}`")
                })
                .map(|_| message_only(message).to_owned())
                .unwrap_or_else(|| "the stored object does not fit the schema".to_owned()),
        };
        ReadError { path, message }
    }

    /// A problem with the value of top-level field `key`; `message` is the parser's.
    pub(crate) fn at_key(key: &str, message: &str) -> Self {
        ReadError {
            path: escaped(key, KEY_CHARS).to_string(),
            message: plain(message),
        }
    }

    /// The same problem, in an object that is the value at `prefix` (`data[3]`).
    pub(crate) fn under(mut self, prefix: &str) -> Self {
        self.path = if self.path == "." {
            prefix.to_owned()
        } else {
            format!("{prefix}.{}", self.path)
        };
        self
    }

    /// A problem with the document as a whole.
    pub(crate) fn document(message: &str) -> Self {
        ReadError {
            path: ".".to_owned(),
            message: plain(message),
        }
    }
}

/// A message from the parser, which may quote stored text: escaped and cut.
fn plain(message: &str) -> String {
    escaped(message_only(message), MESSAGE_CHARS).to_string()
}

/// `a.b[0]`, keys escaped and cut.
fn render(segments: &[Segment]) -> String {
    use fmt::Write;
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => {
                let _ = write!(out, "[{index}]");
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                let _ = write!(out, "{}", escaped(key, KEY_CHARS));
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    if out.is_empty() {
        out.push('.');
    }
    out
}

/// The error of a private tier that does not fit its schema, in place of serde's: the
/// schema's own words (`missing field `plan``) or a fixed sentence, never the value.
#[doc(hidden)]
pub fn private_read_error<T: MetadataTier, E: serde::de::Error>(error: E) -> E {
    E::custom(ReadError::in_tier(
        <T::Tier as Tier>::KIND,
        T::FIELDS,
        &[],
        &error.to_string(),
    ))
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ReadError {}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldInfo] = &[FieldInfo {
        name: "risk_score",
        key: "riskScore",
        aliases: &[],
        required: true,
        nested: false,
        claim: None,
        type_name: "u32",
    }];

    fn map(key: &str) -> Segment {
        Segment::Map {
            key: key.to_owned(),
        }
    }

    #[test]
    fn private_messages_come_from_the_schema() {
        let error = ReadError::in_tier(
            TierKind::Private,
            FIELDS,
            &[map("riskScore")],
            "invalid type: string \"sk_live_1, expected \", expected u32 at line 1 column 9",
        );
        assert_eq!(
            error.to_string(),
            "private_metadata.riskScore: the stored value does not fit the schema type `u32`"
        );
        let nested = ReadError::in_tier(
            TierKind::Private,
            FIELDS,
            &[map("tokens"), map("sk_live_secret")],
            "whatever",
        );
        assert_eq!(
            nested.to_string(),
            "private_metadata: the stored object does not fit the schema"
        );
        let missing =
            ReadError::in_tier(TierKind::Private, FIELDS, &[], "missing field `riskScore`");
        assert_eq!(missing.message(), "missing field `riskScore`");
        let forged =
            ReadError::in_tier(TierKind::Private, FIELDS, &[], "missing field `sk_live_x`");
        assert_eq!(
            forged.message(),
            "the stored object does not fit the schema"
        );
    }

    #[test]
    fn other_messages_are_escaped_and_cut() {
        let error = ReadError::in_tier(
            TierKind::Unsafe,
            &[],
            &[map("theme\u{202e}")],
            &format!(
                "unknown variant `{}\r\n`, expected `dark` at line 3 column 4",
                "x".repeat(500)
            ),
        );
        assert_eq!(error.path(), r"unsafe_metadata.theme\u{202e}");
        assert!(error.message().ends_with('…'), "{}", error.message());
        assert!(!error.message().contains('\n'));
    }
}
