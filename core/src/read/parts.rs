//! A `User` object split into its profile and its three metadata tiers, in one pass.

use core::fmt;
use core::marker::PhantomData;
use core::ops::Range;
use std::borrow::Cow;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_path_to_error::Segment;

use super::error::ReadError;
use super::profile::{KeyText, OtherFields, ProfileSlots, UserProfile, once};
use crate::json::key::Key;
use crate::schema::field::FieldInfo;
use crate::schema::metadata::MetadataTier;
use crate::schema::stored::Stored;
use crate::schema::tier::TierKind;

/// A `User` object split into its profile and its three metadata tiers, each tier read
/// as `P`, `Q` and `U`; a missing or `null` private or unsafe tier is `None`.
pub(crate) struct Parts<P, Q, U> {
    pub(crate) profile: UserProfile,
    pub(crate) public: P,
    pub(crate) private: Option<Q>,
    pub(crate) unsafe_: Option<U>,
}

/// A tier read through plain serde, with the path of a failure in the error's message.
pub(crate) struct Tracked<T>(pub(crate) Stored<T>);

impl<'de, T: DeserializeOwned + MetadataTier> Deserialize<'de> for Tracked<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_path_to_error::deserialize::<_, Stored<T>>(deserializer)
            .map(Tracked)
            .map_err(|e| {
                let segments: Vec<Segment> = e.path().iter().cloned().collect();
                let problem = ReadError::in_tier(
                    <T::Tier as crate::schema::tier::Tier>::KIND,
                    T::FIELDS,
                    &segments,
                    &e.inner().to_string(),
                );
                de::Error::custom(problem)
            })
    }
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> Deserialize<'de>
    for Parts<P, Q, U>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PartsVisitor {
            document: None,
            parts: PhantomData,
        })
    }
}

/// Reads a `User` object from bytes in one pass, keeping the document and where each
/// untyped field is in it. A failure is read again with path tracking, which costs only
/// on that path, so the error names where it went wrong.
///
/// The document is checked as UTF-8 once, up front, and then read as text: that is
/// cheaper than checking each string and each kept field on its own.
pub(crate) fn from_slice<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>>(
    json: &'de [u8],
    fields: impl Fn(TierKind) -> &'static [FieldInfo],
) -> Result<Parts<P, Q, U>, ReadError> {
    let visitor = || PartsVisitor::<P, Q, U> {
        document: Some(json),
        parts: PhantomData,
    };
    let first = match core::str::from_utf8(json) {
        Ok(text) => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            match visitor().deserialize(&mut deserializer) {
                Ok(parts) => match deserializer.end() {
                    Ok(()) => return Ok(parts),
                    Err(error) => error.to_string(),
                },
                Err(error) => error.to_string(),
            }
        }
        Err(error) => format!(
            "the document is not valid UTF-8 (at byte {})",
            error.valid_up_to()
        ),
    };
    // Read as bytes, a string with invalid UTF-8 fails where it is, with its path.
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    match visitor().deserialize(tracked) {
        Err(error) => {
            let segments: Vec<Segment> = track.path().iter().cloned().collect();
            Err(ReadError::at_root(&segments, &error.to_string(), fields))
        }
        Ok(_) => Err(ReadError::document(&first)),
    }
}

/// Reads a `User` object into [`Parts`]. With the `document` it reads from, it keeps
/// where each untyped field is; without, it keeps each field's JSON.
pub(crate) struct PartsVisitor<'de, P, Q, U> {
    document: Option<&'de [u8]>,
    parts: PhantomData<(P, Q, U)>,
}

impl<'de, P, Q, U> PartsVisitor<'de, P, Q, U> {
    /// Reads a `User` object that is a value somewhere in `document`, the text being
    /// read (as [`from_slice`] reads one that is the whole document): a webhook's
    /// `data`, read in the one pass of its envelope.
    #[cfg(feature = "webhooks")]
    pub(crate) fn in_document(document: &'de [u8]) -> Self {
        PartsVisitor {
            document: Some(document),
            parts: PhantomData,
        }
    }
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> DeserializeSeed<'de>
    for PartsVisitor<'de, P, Q, U>
{
    type Value = Parts<P, Q, U>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// Where `part` (a slice of `document`) is in it.
fn place(document: &[u8], part: &str) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(document.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= document.len()).then_some(start..end)
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> Visitor<'de>
    for PartsVisitor<'de, P, Q, U>
{
    type Value = Parts<P, Q, U>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Clerk User object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut profile = ProfileSlots::default();
        let (mut public, mut private, mut unsafe_) = (None, None::<Option<Q>>, None::<Option<U>>);
        let mut owned: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut spans: Vec<(KeyText, Range<usize>)> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "public_metadata" => once(&mut public, "public_metadata", &mut map)?,
                "private_metadata" => once(&mut private, "private_metadata", &mut map)?,
                "unsafe_metadata" => once(&mut unsafe_, "unsafe_metadata", &mut map)?,
                typed if profile.read(typed, &mut map)? => {}
                // An untyped field sent twice is kept twice, as sent: nothing is lost.
                _ => match self.document {
                    // Borrowed from the document: the value's text is checked as JSON
                    // and UTF-8 here, so it can be found again without a parse.
                    Some(document) => {
                        let value: &'de RawValue = map.next_value()?;
                        let value = place(document, value.get()).ok_or_else(|| {
                            de::Error::custom("a field of the User object is not in it")
                        })?;
                        let key_text = match &key {
                            Cow::Borrowed(k) => place(document, k).map(KeyText::Span),
                            Cow::Owned(_) => None,
                        }
                        .unwrap_or_else(|| KeyText::Owned(key.as_ref().into()));
                        spans.push((key_text, value));
                    }
                    None => {
                        let value: Box<RawValue> = map.next_value()?;
                        owned.push((key.into_owned(), value));
                    }
                },
            }
        }
        let other = match self.document {
            Some(document) => OtherFields::spans(document, spans),
            None => OtherFields::owned(owned),
        };
        Ok(Parts {
            profile: profile.finish(other)?,
            public: public.ok_or_else(|| de::Error::missing_field("public_metadata"))?,
            private: private.flatten(),
            unsafe_: unsafe_.flatten(),
        })
    }
}
