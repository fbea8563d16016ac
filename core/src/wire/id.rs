//! Clerk object IDs, checked before any path is built from them.

use core::fmt;

use crate::validation::{ValidationError, codes};

/// The longest ID accepted. Clerk's IDs are a prefix and 27 characters.
const MAX_ID_LEN: usize = 128;

/// A Clerk user ID: `user_` followed by one or more ASCII letters or digits.
///
/// Parsing rejects everything else (an empty string, another prefix, `/`, `..`, `?`,
/// `#`, `%`, whitespace, non-ASCII), so a `UserId` is always safe to put in a URL path.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub(crate) String);

impl UserId {
    /// Checks and wraps a user ID.
    ///
    /// ```
    /// # use clerk_metadata::UserId;
    /// assert!(UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").is_ok());
    /// assert!(UserId::parse("user_../../admin").is_err());
    /// assert!(UserId::parse("org_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").is_err());
    /// ```
    pub fn parse(id: &str) -> Result<UserId, ValidationError> {
        let valid = id.len() <= MAX_ID_LEN
            && id.strip_prefix("user_").is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if valid {
            Ok(UserId(id.to_owned()))
        } else {
            Err(ValidationError::new(
                "user_id",
                codes::FORM_PARAM_FORMAT_INVALID,
                "a user ID is `user_` followed by ASCII letters or digits",
            ))
        }
    }

    /// The ID as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `"user_…".parse::<UserId>()`, the same as [`UserId::parse`].
impl core::str::FromStr for UserId {
    type Err = ValidationError;

    fn from_str(id: &str) -> Result<UserId, ValidationError> {
        UserId::parse(id)
    }
}

impl fmt::Debug for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserId").field(&self.0).finish()
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UserId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for UserId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for UserId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        UserId::parse(&id).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

/// Whether `id` has the shape of a Clerk object ID (identification or image IDs):
/// non-empty, ASCII letters, digits and `_`, at most 128 bytes.
pub(crate) fn is_object_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
