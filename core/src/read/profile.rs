//! The profile of a `User` object, and the fields this crate does not type, kept as
//! the exact JSON the API sent.

use core::fmt;
use core::ops::Range;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, MapAccess};
use serde::ser::SerializeMap;
use serde_json::value::RawValue;

use crate::json::key::first_time;
use crate::wire::id::UserId;

/// How a profile field is read and written: `required` (a read fails without it),
/// `nullable` (absent and `null` read as `None`, written as the value or `null`), or
/// `omitted` (as `nullable`, but `None` is written as an absent key).
macro_rules! profile_fields {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident: $ty:ty => $kind:ident,
    )*) => {
        /// The profile fields of a Clerk `User` (the Backend API's `User` or the Frontend
        /// API's `Client.User`), with every other field the API sent kept as JSON in
        /// [`other`](UserProfile::other).
        #[derive(Clone)]
        #[non_exhaustive]
        pub struct UserProfile {
            $($(#[doc = $doc])* pub $name: $ty,)*
            /// Every other field of the object (`email_addresses`, `object`, …), as the
            /// exact JSON the API sent.
            pub other: OtherFields,
        }

        impl fmt::Debug for UserProfile {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct("UserProfile")
                    $(.field(stringify!($name), &self.$name))*
                    .field("other_keys", &self.other.keys())
                    .finish()
            }
        }

        /// The profile fields as they are read, each at most once.
        #[derive(Default)]
        pub(crate) struct ProfileSlots {
            $($name: Option<$ty>,)*
        }

        impl ProfileSlots {
            /// Reads the value of `key` if it names a profile field; `false` if not.
            pub(crate) fn read<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $(stringify!($name) => once(&mut self.$name, stringify!($name), map)?,)*
                    _ => return Ok(false),
                }
                Ok(true)
            }

            /// The profile, or the first required field that is missing.
            pub(crate) fn finish<E: de::Error>(self, other: OtherFields) -> Result<UserProfile, E> {
                Ok(UserProfile {
                    $($name: finish!($kind self.$name, stringify!($name)),)*
                    other,
                })
            }
        }

        /// Writes the profile fields back as the API sent them, then every other field.
        pub(crate) fn serialize_profile<M: SerializeMap>(
            map: &mut M,
            p: &UserProfile,
        ) -> Result<(), M::Error> {
            $(write!($kind map, stringify!($name), &p.$name);)*
            for (key, value) in p.other.entries() {
                let raw = RawValue::from_string(value.to_owned()).map_err(serde::ser::Error::custom)?;
                map.serialize_entry(key, &raw)?;
            }
            Ok(())
        }
    };
}

macro_rules! finish {
    (required $slot:expr, $key:expr) => {
        $slot.ok_or_else(|| de::Error::missing_field($key))?
    };
    (nullable $slot:expr, $key:expr) => {
        $slot.unwrap_or_default()
    };
    (omitted $slot:expr, $key:expr) => {
        $slot.unwrap_or_default()
    };
}

macro_rules! write {
    (omitted $map:ident, $key:expr, $value:expr) => {
        if let Some(value) = $value {
            $map.serialize_entry($key, value)?;
        }
    };
    ($kind:ident $map:ident, $key:expr, $value:expr) => {
        $map.serialize_entry($key, $value)?;
    };
}

profile_fields! {
    /// The user's ID.
    id: UserId => required,
    /// `external_id`.
    external_id: Option<String> => nullable,
    /// `username`.
    username: Option<String> => nullable,
    /// `first_name`.
    first_name: Option<String> => nullable,
    /// `last_name`.
    last_name: Option<String> => nullable,
    /// `primary_email_address_id`.
    primary_email_address_id: Option<String> => nullable,
    /// `primary_phone_number_id`.
    primary_phone_number_id: Option<String> => nullable,
    /// `primary_web3_wallet_id`.
    primary_web3_wallet_id: Option<String> => nullable,
    /// `image_url`.
    image_url: Option<String> => omitted,
    /// `has_image`.
    has_image: bool => required,
    /// `banned`.
    banned: bool => required,
    /// `locked`.
    locked: bool => required,
    /// `created_at`, Unix milliseconds.
    created_at: i64 => required,
    /// `updated_at`, Unix milliseconds.
    updated_at: i64 => required,
    /// `last_sign_in_at`, Unix milliseconds.
    last_sign_in_at: Option<i64> => nullable,
}

/// Stores the next value in `slot`, refusing a key sent twice.
pub(crate) fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    let mut seen = slot.is_some();
    first_time(&mut seen, key)?;
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The fields of a `User` object that [`UserProfile`] and the metadata tiers do not
/// type, each kept as the exact JSON the API sent, in the order it sent them.
///
/// A read from bytes ([`User::from_json`](crate::User::from_json)) keeps the document
/// and where each field is in it, found in the one pass that reads the user; a read
/// through `Deserialize` keeps each field separately. Either way the document is parsed
/// once.
#[derive(Clone)]
pub struct OtherFields(Repr);

#[derive(Clone)]
enum Repr {
    /// Each field, read through `Deserialize`.
    Owned(Vec<(String, Box<RawValue>)>),
    /// The document (valid JSON, every string in it checked as UTF-8 when it was read)
    /// and the places of each field's key and value in it.
    Spans {
        doc: Arc<[u8]>,
        fields: Vec<(KeyText, Range<usize>)>,
    },
}

/// Where a key is: in the document, or (when it held escapes) decoded.
#[derive(Clone)]
pub(crate) enum KeyText {
    Span(Range<usize>),
    Owned(Box<str>),
}

impl OtherFields {
    pub(crate) fn owned(fields: Vec<(String, Box<RawValue>)>) -> Self {
        OtherFields(Repr::Owned(fields))
    }

    pub(crate) fn spans(doc: &[u8], fields: Vec<(KeyText, Range<usize>)>) -> Self {
        OtherFields(Repr::Spans {
            doc: doc.into(),
            fields,
        })
    }

    /// Each field's key and JSON text, in the order the API sent them.
    pub(crate) fn entries(&self) -> Box<dyn Iterator<Item = (&str, &str)> + '_> {
        match &self.0 {
            Repr::Owned(fields) => Box::new(fields.iter().map(|(k, v)| (k.as_str(), v.get()))),
            Repr::Spans { doc, fields } => {
                Box::new(fields.iter().filter_map(move |(key, value)| {
                    let key = match key {
                        KeyText::Span(range) => {
                            std::str::from_utf8(doc.get(range.clone())?).ok()?
                        }
                        KeyText::Owned(key) => key,
                    };
                    let value = std::str::from_utf8(doc.get(value.clone())?).ok()?;
                    Some((key, value))
                }))
            }
        }
    }

    /// The JSON of field `key`, if the object had it and it is not a typed field.
    pub fn get(&self, key: &str) -> Option<Box<RawValue>> {
        let (_, text) = self.entries().find(|(k, _)| *k == key)?;
        RawValue::from_string(text.to_owned()).ok()
    }

    /// Whether the object had field `key` (and it is not a typed field).
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries().any(|(k, _)| k == key)
    }

    /// The names of the other fields, in the order the API sent them.
    pub fn keys(&self) -> Vec<&str> {
        self.entries().map(|(k, _)| k).collect()
    }

    /// Every other field with its JSON, in key order.
    pub fn to_map(&self) -> BTreeMap<String, Box<RawValue>> {
        self.entries()
            .filter_map(|(k, v)| Some((k.to_owned(), RawValue::from_string(v.to_owned()).ok()?)))
            .collect()
    }

    /// The fields `keep` accepts, with `transform` applied to each value's JSON.
    pub(crate) fn filtered(
        &self,
        keep: impl Fn(&str) -> bool,
        transform: impl Fn(&str) -> Option<Box<RawValue>>,
    ) -> OtherFields {
        OtherFields::owned(
            self.entries()
                .filter(|(k, _)| keep(k))
                .filter_map(|(k, v)| Some((k.to_owned(), transform(v)?)))
                .collect(),
        )
    }
}
