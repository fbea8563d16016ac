//! Map keys as serde hands them over, borrowed from the input where it can be.

use core::fmt;
use std::borrow::Cow;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// A map key, borrowed from the input where it can be.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// Marks a key as read, refusing it the second time: `duplicate field `key``. The one
/// check of keys sent twice, wherever a map is read key by key.
pub(crate) fn first_time<E: de::Error>(seen: &mut bool, key: impl fmt::Display) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        Err(E::custom(format_args!("duplicate field `{key}`")))
    } else {
        Ok(())
    }
}
