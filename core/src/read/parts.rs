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
use super::profile::{KeyText, OtherFields, UserProfile};
use crate::json::key::Key;
use crate::schema::field::FieldInfo;
use crate::schema::metadata::MetadataTier;
use crate::schema::stored::Stored;
use crate::schema::tier::TierKind;
use crate::wire::id::UserId;

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
pub(crate) fn from_slice<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>>(
    json: &'de [u8],
    fields: impl Fn(TierKind) -> &'static [FieldInfo],
) -> Result<Parts<P, Q, U>, ReadError> {
    let visitor = || PartsVisitor::<P, Q, U> {
        document: Some(json),
        parts: PhantomData,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let first = match visitor().deserialize(&mut deserializer) {
        Ok(parts) => match deserializer.end() {
            Ok(()) => return Ok(parts),
            Err(error) => error,
        },
        Err(error) => error,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let mut track = serde_path_to_error::Track::new();
    let tracked = serde_path_to_error::Deserializer::new(&mut deserializer, &mut track);
    match visitor().deserialize(tracked) {
        Err(error) => {
            let segments: Vec<Segment> = track.path().iter().cloned().collect();
            Err(ReadError::at_root(&segments, &error.to_string(), fields))
        }
        Ok(_) => Err(ReadError::document(&first.to_string())),
    }
}

/// Reads a `User` object into [`Parts`]. With the `document` it reads from, it keeps
/// where each untyped field is; without, it keeps each field's JSON.
struct PartsVisitor<'de, P, Q, U> {
    document: Option<&'de [u8]>,
    parts: PhantomData<(P, Q, U)>,
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> DeserializeSeed<'de>
    for PartsVisitor<'de, P, Q, U>
{
    type Value = Parts<P, Q, U>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

macro_rules! user_keys {
    ($($variant:ident => $key:literal,)*) => {
        /// The keys of a `User` object this crate reads; every other key is kept raw.
        enum UserKey<'de> {
            $($variant,)*
            Other(Cow<'de, str>),
        }

        impl<'de> UserKey<'de> {
            fn from_key(key: Cow<'de, str>) -> Self {
                match key.as_ref() {
                    $($key => UserKey::$variant,)*
                    _ => UserKey::Other(key),
                }
            }
        }
    };
}

user_keys! {
    Id => "id",
    ExternalId => "external_id",
    Username => "username",
    FirstName => "first_name",
    LastName => "last_name",
    PrimaryEmailAddressId => "primary_email_address_id",
    PrimaryPhoneNumberId => "primary_phone_number_id",
    PrimaryWeb3WalletId => "primary_web3_wallet_id",
    ImageUrl => "image_url",
    HasImage => "has_image",
    Banned => "banned",
    Locked => "locked",
    CreatedAt => "created_at",
    UpdatedAt => "updated_at",
    LastSignInAt => "last_sign_in_at",
    PublicMetadata => "public_metadata",
    PrivateMetadata => "private_metadata",
    UnsafeMetadata => "unsafe_metadata",
}

/// Stores `value` in `slot`, rejecting a key sent twice.
fn once<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    slot: &mut Option<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = Some(map.next_value()?);
    Ok(())
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
        let (mut id, mut external_id, mut username, mut first_name, mut last_name) =
            (None, None, None, None, None);
        let (mut email, mut phone, mut web3, mut image_url) = (None, None, None, None);
        let (mut has_image, mut banned, mut locked) = (None, None, None);
        let (mut created_at, mut updated_at, mut last_sign_in_at) = (None, None, None);
        let (mut public, mut private, mut unsafe_) = (None, None::<Option<Q>>, None::<Option<U>>);
        let mut owned: Vec<(String, Box<RawValue>)> = Vec::new();
        let mut spans: Vec<(KeyText, Range<usize>)> = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            match UserKey::from_key(key) {
                UserKey::Id => once::<_, UserId>(&mut id, "id", &mut map)?,
                UserKey::ExternalId => once(&mut external_id, "external_id", &mut map)?,
                UserKey::Username => once(&mut username, "username", &mut map)?,
                UserKey::FirstName => once(&mut first_name, "first_name", &mut map)?,
                UserKey::LastName => once(&mut last_name, "last_name", &mut map)?,
                UserKey::PrimaryEmailAddressId => {
                    once(&mut email, "primary_email_address_id", &mut map)?
                }
                UserKey::PrimaryPhoneNumberId => {
                    once(&mut phone, "primary_phone_number_id", &mut map)?
                }
                UserKey::PrimaryWeb3WalletId => {
                    once(&mut web3, "primary_web3_wallet_id", &mut map)?
                }
                UserKey::ImageUrl => once(&mut image_url, "image_url", &mut map)?,
                UserKey::HasImage => once(&mut has_image, "has_image", &mut map)?,
                UserKey::Banned => once(&mut banned, "banned", &mut map)?,
                UserKey::Locked => once(&mut locked, "locked", &mut map)?,
                UserKey::CreatedAt => once(&mut created_at, "created_at", &mut map)?,
                UserKey::UpdatedAt => once(&mut updated_at, "updated_at", &mut map)?,
                UserKey::LastSignInAt => once(&mut last_sign_in_at, "last_sign_in_at", &mut map)?,
                UserKey::PublicMetadata => once(&mut public, "public_metadata", &mut map)?,
                UserKey::PrivateMetadata => once(&mut private, "private_metadata", &mut map)?,
                UserKey::UnsafeMetadata => once(&mut unsafe_, "unsafe_metadata", &mut map)?,
                // An untyped field sent twice is kept twice, as sent: nothing is lost.
                UserKey::Other(key) => {
                    match self.document {
                        // Borrowed from the document: the value's text is checked as
                        // JSON and UTF-8 here, so it can be found again without a parse.
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
                    }
                }
            }
        }
        let required = |name: &'static str| de::Error::missing_field(name);
        let other = match self.document {
            Some(document) => OtherFields::spans(document, spans),
            None => OtherFields::owned(owned),
        };
        Ok(Parts {
            profile: UserProfile {
                id: id.ok_or_else(|| required("id"))?,
                external_id: external_id.flatten(),
                username: username.flatten(),
                first_name: first_name.flatten(),
                last_name: last_name.flatten(),
                primary_email_address_id: email.flatten(),
                primary_phone_number_id: phone.flatten(),
                primary_web3_wallet_id: web3.flatten(),
                image_url: image_url.flatten(),
                has_image: has_image.ok_or_else(|| required("has_image"))?,
                banned: banned.ok_or_else(|| required("banned"))?,
                locked: locked.ok_or_else(|| required("locked"))?,
                created_at: created_at.ok_or_else(|| required("created_at"))?,
                updated_at: updated_at.ok_or_else(|| required("updated_at"))?,
                last_sign_in_at: last_sign_in_at.flatten(),
                other,
            },
            public: public.ok_or_else(|| required("public_metadata"))?,
            private: private.flatten(),
            unsafe_: unsafe_.flatten(),
        })
    }
}
