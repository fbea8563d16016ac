//! The instance's secret key, checked and kept out of every message.

use core::fmt;
use std::sync::Arc;

/// A Clerk secret key (`sk_live_…` or `sk_test_…`), the Backend API's credential.
///
/// Its shape is checked when it is made. It has no `Display`, its `Debug` shows only
/// whether it is a live or a test key, and no error of this crate quotes it: it cannot
/// reach a log by accident.
///
/// ```
/// # use clerk_metadata::client::SecretKey;
/// let key = SecretKey::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc")?;
/// assert!(key.is_test());
/// assert_eq!(format!("{key:?}"), "SecretKey(sk_test_…)");
/// assert!(SecretKey::new("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k").is_err());
/// # Ok::<(), clerk_metadata::client::InvalidSecretKey>(())
/// ```
#[derive(Clone)]
pub struct SecretKey(Arc<str>);

/// The longest key accepted; Clerk's are far shorter.
const MAX_KEY_LEN: usize = 256;

impl SecretKey {
    /// Checks and wraps a secret key: `sk_live_` or `sk_test_`, then ASCII letters and
    /// digits.
    pub fn new(key: impl AsRef<str>) -> Result<SecretKey, InvalidSecretKey> {
        let key = key.as_ref();
        let rest = key
            .strip_prefix("sk_live_")
            .or_else(|| key.strip_prefix("sk_test_"))
            .ok_or(InvalidSecretKey::Prefix)?;
        if rest.is_empty() || key.len() > MAX_KEY_LEN {
            return Err(InvalidSecretKey::Length);
        }
        if !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(InvalidSecretKey::Characters);
        }
        Ok(SecretKey(key.into()))
    }

    /// Whether this is a development instance's key (`sk_test_…`). Development
    /// instances have lower rate limits: 100 requests per 10 seconds instead of 1,000.
    pub fn is_test(&self) -> bool {
        self.0.starts_with("sk_test_")
    }

    /// The key itself, to send.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.is_test() {
            "sk_test_"
        } else {
            "sk_live_"
        };
        write!(f, "SecretKey({kind}…)")
    }
}

/// Why a string is not a Clerk secret key. The message never quotes the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidSecretKey {
    /// It does not start with `sk_live_` or `sk_test_` (a publishable key starts with
    /// `pk_`).
    Prefix,
    /// Nothing follows the prefix, or it is longer than any Clerk key.
    Length,
    /// Something other than ASCII letters and digits follows the prefix (whitespace or
    /// quotes copied with it, say).
    Characters,
}

impl fmt::Display for InvalidSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidSecretKey::Prefix => {
                "a Clerk secret key starts with `sk_live_` or `sk_test_` (a `pk_` key is the publishable key)"
            }
            InvalidSecretKey::Length => "a Clerk secret key has 1 to 248 characters after its prefix",
            InvalidSecretKey::Characters => {
                "a Clerk secret key has only ASCII letters and digits after its prefix (check for spaces or quotes)"
            }
        })
    }
}

impl std::error::Error for InvalidSecretKey {}
