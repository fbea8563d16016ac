//! Typed values of update fields: timestamps and password hashers.

use core::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Serialize, Serializer};

use crate::validation::{ValidationError, codes};

/// Seconds from the epoch to 10000-01-01T00:00:00Z: RFC 3339 has four-digit years.
const YEAR_10000: u64 = 253_402_300_800;

/// A point in time, sent as RFC 3339 in UTC with milliseconds
/// (`2012-10-20T07:15:20.902Z`), as Clerk's spec shows.
///
/// RFC 3339 is written and read by the `humantime` crate. It covers 1970-01-01 to
/// 9999-12-31; a time outside that range is a validation error when the update is
/// built, never a panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(SystemTime);

impl Timestamp {
    /// Parses an RFC 3339 timestamp in UTC (`Z` or `+00:00`).
    ///
    /// ```
    /// # use clerk_metadata::Timestamp;
    /// let t = Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap();
    /// assert_eq!(t.to_rfc3339().unwrap(), "2012-10-20T07:15:20.902Z");
    /// assert!(Timestamp::parse_rfc3339("20 Oct 2012").is_err());
    /// ```
    pub fn parse_rfc3339(text: &str) -> Result<Timestamp, ValidationError> {
        humantime::parse_rfc3339(text).map(Timestamp).map_err(|_| {
            ValidationError::new(
                "timestamp",
                codes::FORM_PARAM_FORMAT_INVALID,
                "expected an RFC 3339 timestamp in UTC, such as 2012-10-20T07:15:20.902Z",
            )
        })
    }

    /// A timestamp `millis` milliseconds after the Unix epoch, the unit of the
    /// timestamps in Clerk's `User` objects.
    pub fn from_unix_millis(millis: u64) -> Timestamp {
        Timestamp(UNIX_EPOCH + Duration::from_millis(millis))
    }

    /// The timestamp as RFC 3339, or `None` outside 1970–9999.
    pub fn to_rfc3339(&self) -> Option<String> {
        let since_epoch = self.0.duration_since(UNIX_EPOCH).ok()?;
        (since_epoch.as_secs() < YEAR_10000)
            .then(|| humantime::format_rfc3339_millis(self.0).to_string())
    }

    /// The wrapped time.
    pub fn into_inner(self) -> SystemTime {
        self.0
    }
}

/// `"2012-10-20T07:15:20.902Z".parse::<Timestamp>()`, the same as
/// [`Timestamp::parse_rfc3339`].
impl core::str::FromStr for Timestamp {
    type Err = ValidationError;

    fn from_str(text: &str) -> Result<Timestamp, ValidationError> {
        Timestamp::parse_rfc3339(text)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(value: SystemTime) -> Self {
        Timestamp(value)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_rfc3339() {
            Some(text) => f.write_str(&text),
            None => fmt::Debug::fmt(&self.0, f),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.to_rfc3339() {
            Some(text) => serializer.serialize_str(&text),
            None => Err(serde::ser::Error::custom(
                "timestamp outside what RFC 3339 can write (1970 to 9999)",
            )),
        }
    }
}

macro_rules! password_hashers {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// The algorithm a `password_digest` was made with: the values Clerk's spec lists
        /// for `PasswordHasher`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum PasswordHasher {
            $($(#[doc = $doc])* $variant,)*
        }

        impl PasswordHasher {
            /// Every hasher Clerk accepts.
            pub const ALL: &'static [PasswordHasher] = &[$(PasswordHasher::$variant,)*];

            /// The value sent: `bcrypt`, `argon2id`, ….
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(PasswordHasher::$variant => $name,)*
                }
            }
        }
    };
}

password_hashers! {
    /// `bcrypt`.
    Bcrypt => "bcrypt",
    /// `bcrypt_sha256_django`: Django's bcrypt over SHA-256.
    BcryptSha256Django => "bcrypt_sha256_django",
    /// `md5`.
    Md5 => "md5",
    /// `pbkdf2_sha1`.
    Pbkdf2Sha1 => "pbkdf2_sha1",
    /// `pbkdf2_sha256`.
    Pbkdf2Sha256 => "pbkdf2_sha256",
    /// `pbkdf2_sha256_django`: Django's PBKDF2 format.
    Pbkdf2Sha256Django => "pbkdf2_sha256_django",
    /// `pbkdf2_sha512`.
    Pbkdf2Sha512 => "pbkdf2_sha512",
    /// `pbkdf2_sha512_hex`: `pbkdf2_sha512` with hex-encoded salt and hash.
    Pbkdf2Sha512Hex => "pbkdf2_sha512_hex",
    /// `phpass`.
    Phpass => "phpass",
    /// `md5_phpass`.
    Md5Phpass => "md5_phpass",
    /// `scrypt_firebase`.
    ScryptFirebase => "scrypt_firebase",
    /// `scrypt_werkzeug`.
    ScryptWerkzeug => "scrypt_werkzeug",
    /// `sha256`.
    Sha256 => "sha256",
    /// `ldap_ssha`.
    LdapSsha => "ldap_ssha",
    /// `argon2i`.
    Argon2i => "argon2i",
    /// `argon2id`.
    Argon2id => "argon2id",
    /// `sha512_symfony`: Symfony's legacy SHA-512 hasher.
    Sha512Symfony => "sha512_symfony",
}

impl fmt::Display for PasswordHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PasswordHasher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
