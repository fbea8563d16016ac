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
    kind: ProblemKind,
}

/// What kind of problem a [`ReadError`] is, told from the parser's message before
/// anything of it is withheld: it says what went wrong, never what was stored, so a
/// private tier's problems have a kind too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// A field the schema requires is not there.
    MissingField,
    /// A string is not one of the enum's variants.
    UnknownVariant,
    /// A key the schema refuses (`deny_unknown_fields`).
    UnknownField,
    /// A key is there twice.
    DuplicateField,
    /// A value of the wrong JSON type (a string for a number, an object for a flag).
    WrongType,
    /// A value of the right type that the field does not take (out of range, say).
    InvalidValue,
    /// A sequence or tuple of the wrong length.
    InvalidLength,
    /// Text that is not valid UTF-8 (or a lone surrogate escape).
    NotUtf8,
    /// Text that is not JSON.
    Syntax,
    /// Anything else.
    Other,
}

impl ProblemKind {
    /// Tells the kind from a parser's message (`missing field `x``, `unknown variant
    /// …`, `invalid type: …`).
    pub(crate) fn of(message: &str) -> ProblemKind {
        let m = message_only(message);
        // A private tier's own message, built from the schema, ends with its kind.
        if let Some(kind) = ProblemKind::ALL
            .into_iter()
            .find(|k| m.ends_with(&format!("({})", k.describe())))
        {
            return kind;
        }
        // A message wrapped in a path (`private_metadata: missing field …`).
        let m = match m.split_once(": ") {
            Some((path, rest)) if !path.contains(' ') => rest,
            _ => m,
        };
        let starts = |p: &str| m.starts_with(p);
        if starts("missing field") {
            ProblemKind::MissingField
        } else if starts("unknown variant") {
            ProblemKind::UnknownVariant
        } else if starts("unknown field") {
            ProblemKind::UnknownField
        } else if starts("duplicate field") {
            ProblemKind::DuplicateField
        } else if starts("invalid type") || starts("expected value") {
            // serde_json's words for a value of the wrong type where an enum is read; a
            // document it has already parsed has no syntax errors left.
            ProblemKind::WrongType
        } else if starts("invalid length") {
            ProblemKind::InvalidLength
        } else if starts("invalid value") || m.contains("out of range") {
            ProblemKind::InvalidValue
        } else if m.contains("UTF-8")
            || m.contains("unicode")
            || m.contains("surrogate")
            || m.contains("hex escape")
        {
            ProblemKind::NotUtf8
        } else if starts("EOF while")
            || starts("expected")
            || starts("trailing")
            || starts("key must be")
            || starts("control character")
            || starts("invalid escape")
            || starts("invalid number")
        {
            ProblemKind::Syntax
        } else {
            ProblemKind::Other
        }
    }

    /// Every kind.
    const ALL: [ProblemKind; 10] = [
        ProblemKind::MissingField,
        ProblemKind::UnknownVariant,
        ProblemKind::UnknownField,
        ProblemKind::DuplicateField,
        ProblemKind::WrongType,
        ProblemKind::InvalidValue,
        ProblemKind::InvalidLength,
        ProblemKind::NotUtf8,
        ProblemKind::Syntax,
        ProblemKind::Other,
    ];

    /// The kind in words: `missing field`, `unknown enum value`, `wrong type`, ….
    pub const fn describe(self) -> &'static str {
        match self {
            ProblemKind::MissingField => "missing field",
            ProblemKind::UnknownVariant => "unknown enum value",
            ProblemKind::UnknownField => "refused key",
            ProblemKind::DuplicateField => "duplicate key",
            ProblemKind::WrongType => "wrong type",
            ProblemKind::InvalidValue => "invalid value",
            ProblemKind::InvalidLength => "wrong length",
            ProblemKind::NotUtf8 => "not UTF-8",
            ProblemKind::Syntax => "not JSON",
            ProblemKind::Other => "does not fit",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl ReadError {
    /// What kind of problem it is.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

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
            kind: ProblemKind::of(message),
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
                kind: ProblemKind::of(message),
            };
        }
        let field = match segments.first() {
            Some(Segment::Map { key }) => fields.iter().find(|f| f.reads(key)),
            _ => None,
        };
        let raw = message;
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
                .unwrap_or_else(|| match ProblemKind::of(raw) {
                    ProblemKind::Other => "the stored object does not fit the schema".to_owned(),
                    kind => format!("the stored object does not fit the schema ({kind})"),
                }),
        };
        ReadError {
            path,
            message,
            kind: ProblemKind::of(raw),
        }
    }

    /// A problem with the value of top-level field `key`; `message` is the parser's.
    pub(crate) fn at_key(key: &str, message: &str) -> Self {
        ReadError {
            path: escaped(key, KEY_CHARS).to_string(),
            message: plain(message),
            kind: ProblemKind::of(message),
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
            kind: ProblemKind::of(message),
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
            "the stored object does not fit the schema (missing field)"
        );
        assert_eq!(forged.kind(), ProblemKind::MissingField);
        // The kind survives the private tier's own message, wrapped again.
        let wrapped = ReadError::in_tier(
            TierKind::Private,
            FIELDS,
            &[map("riskScore")],
            &forged.to_string(),
        );
        assert_eq!(wrapped.kind(), ProblemKind::MissingField);
        let typed = ReadError::in_tier(
            TierKind::Private,
            FIELDS,
            &[],
            "invalid type: string \"x\", expected u32",
        );
        assert_eq!(typed.kind(), ProblemKind::WrongType);
        let outer = ReadError::in_tier(
            TierKind::Private,
            FIELDS,
            &[map("riskScore")],
            &typed.to_string(),
        );
        assert_eq!(outer.kind(), ProblemKind::WrongType);
        assert_eq!(
            outer.message(),
            "the stored value does not fit the schema type `u32`"
        );
        let variant = ReadError::in_tier(
            TierKind::Public,
            &[],
            &[map("role")],
            "unknown variant `root`, expected `admin` at line 1 column 9",
        );
        assert_eq!(variant.kind(), ProblemKind::UnknownVariant);
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
