//! The profile of a `User` object, and the fields this crate does not type, kept as
//! the exact JSON the API sent.

use core::fmt;
use core::ops::Range;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::wire::id::UserId;

/// The profile fields of a Clerk `User` (the Backend API's `User` or the Frontend API's
/// `Client.User`), with every other field the API sent kept as JSON in
/// [`other`](UserProfile::other).
#[derive(Clone)]
#[non_exhaustive]
pub struct UserProfile {
    /// The user's ID.
    pub id: UserId,
    /// `external_id`.
    pub external_id: Option<String>,
    /// `username`.
    pub username: Option<String>,
    /// `first_name`.
    pub first_name: Option<String>,
    /// `last_name`.
    pub last_name: Option<String>,
    /// `primary_email_address_id`.
    pub primary_email_address_id: Option<String>,
    /// `primary_phone_number_id`.
    pub primary_phone_number_id: Option<String>,
    /// `primary_web3_wallet_id`.
    pub primary_web3_wallet_id: Option<String>,
    /// `image_url`.
    pub image_url: Option<String>,
    /// `has_image`.
    pub has_image: bool,
    /// `banned`.
    pub banned: bool,
    /// `locked`.
    pub locked: bool,
    /// `created_at`, Unix milliseconds.
    pub created_at: i64,
    /// `updated_at`, Unix milliseconds.
    pub updated_at: i64,
    /// `last_sign_in_at`, Unix milliseconds.
    pub last_sign_in_at: Option<i64>,
    /// Every other field of the object (`email_addresses`, `object`, …), as the exact
    /// JSON the API sent.
    pub other: OtherFields,
}

impl fmt::Debug for UserProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserProfile")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("other_keys", &self.other.keys())
            .finish_non_exhaustive()
    }
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
