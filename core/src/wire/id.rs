//! Clerk object IDs, checked before any path is built from them.

use core::fmt;

use crate::validation::{ValidationError, codes};

/// The longest ID accepted. Clerk's IDs are a prefix and 27 characters.
const MAX_ID_LEN: usize = 128;

/// Whether `id` is `prefix` followed by one or more ASCII letters or digits, at most
/// [`MAX_ID_LEN`] bytes in all.
fn is_prefixed_id(id: &str, prefix: &str) -> bool {
    id.len() <= MAX_ID_LEN
        && id
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A checked Clerk ID type: its prefix, the field its errors name, its article and noun
/// for messages, and an example that parses.
macro_rules! clerk_id {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident, $prefix:literal, $field:literal, $what:literal, $example:literal;
    )*) => {$(
        $(#[doc = $doc])*
        ///
        /// Parsing rejects everything else (an empty string, another prefix, `/`, `..`,
        /// `?`, `#`, `%`, whitespace, non-ASCII, more than 128 bytes), so the ID is always
        /// safe to put in a URL path.
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub(crate) String);

        impl $name {
            /// The prefix of every ID of this kind.
            pub const PREFIX: &'static str = $prefix;

            /// Checks and wraps an ID.
            ///
            /// ```
            #[doc = concat!("# use clerk_metadata::", stringify!($name), ";")]
            #[doc = concat!("assert!(", stringify!($name), "::parse(\"", $example, "\").is_ok());")]
            #[doc = concat!("assert!(", stringify!($name), "::parse(\"", $prefix, "../../admin\").is_err());")]
            #[doc = concat!("assert!(", stringify!($name), "::parse(\"", $prefix, "\").is_err());")]
            /// ```
            pub fn parse(id: &str) -> Result<$name, ValidationError> {
                if is_prefixed_id(id, $prefix) {
                    Ok($name(id.to_owned()))
                } else {
                    Err(ValidationError::new(
                        $field,
                        codes::FORM_PARAM_FORMAT_INVALID,
                        concat!($what, " is `", $prefix, "` followed by ASCII letters or digits"),
                    ))
                }
            }

            /// The ID as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        #[doc = concat!("`\"", $prefix, "…\".parse::<", stringify!($name), ">()`, the same as [`", stringify!($name), "::parse`].")]
        impl core::str::FromStr for $name {
            type Err = ValidationError;

            fn from_str(id: &str) -> Result<$name, ValidationError> {
                $name::parse(id)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let id = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&id).map_err(|e| serde::de::Error::custom(e.message()))
            }
        }
    )*};
}

clerk_id! {
    /// A Clerk user ID: `user_` followed by one or more ASCII letters or digits.
    UserId, "user_", "user_id", "a user ID", "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb";
    /// A Clerk organization ID: `org_` followed by one or more ASCII letters or digits.
    OrganizationId, "org_", "organization_id", "an organization ID", "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn";
    /// A Clerk organization invitation ID: `orginv_` followed by one or more ASCII
    /// letters or digits.
    OrganizationInvitationId, "orginv_", "organization_invitation_id", "an organization invitation ID", "orginv_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn";
    /// A Clerk (user) invitation ID: `inv_` followed by one or more ASCII letters or
    /// digits.
    InvitationId, "inv_", "invitation_id", "an invitation ID", "inv_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn";
}

/// Whether `id` has the shape of a Clerk object ID (identification or image IDs):
/// non-empty, ASCII letters, digits and `_`, at most 128 bytes.
pub(crate) fn is_object_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}
