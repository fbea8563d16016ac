//! Typed reads of Clerk's `User` objects that lose nothing, and schema drift reported
//! by path.

use core::fmt;
use core::marker::PhantomData;
use std::collections::BTreeMap;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::id::UserId;
use crate::stored::Stored;
use crate::tier::{MetadataTier, TierKind, UserMetadata};

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
/// type, each kept as the exact JSON the API sent.
///
/// A read from bytes ([`User::from_json`]) keeps the document itself and finds fields
/// in it when asked, which keeps the read fast; a read through `Deserialize` keeps each
/// field separately.
#[derive(Clone)]
pub struct OtherFields(OtherRepr);

#[derive(Clone)]
enum OtherRepr {
    Fields(BTreeMap<String, Box<RawValue>>),
    /// The whole `User` object, which parsed as JSON when it was read.
    Document(Box<[u8]>),
}

impl OtherFields {
    /// Every other field with its JSON, in key order.
    pub fn to_map(&self) -> BTreeMap<String, Box<RawValue>> {
        match &self.0 {
            OtherRepr::Fields(fields) => fields.clone(),
            OtherRepr::Document(bytes) => {
                let all: BTreeMap<String, Box<RawValue>> =
                    serde_json::from_slice(bytes).unwrap_or_default();
                all.into_iter().filter(|(k, _)| !is_typed_key(k)).collect()
            }
        }
    }

    /// The JSON of field `key`, if the object had it and it is not a typed field.
    pub fn get(&self, key: &str) -> Option<Box<RawValue>> {
        if is_typed_key(key) {
            return None;
        }
        match &self.0 {
            OtherRepr::Fields(fields) => fields.get(key).cloned(),
            OtherRepr::Document(_) => self.to_map().remove(key),
        }
    }

    /// Whether the object had field `key` (and it is not a typed field).
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The names of the other fields, in key order.
    pub fn keys(&self) -> Vec<String> {
        self.to_map().into_keys().collect()
    }
}

/// A Backend API `User` with its metadata typed by the schema `S`.
///
/// Read it with [`User::from_json`] (drift errors name the JSON path) or
/// [`User::from_json_lenient`] (a drifted tier is kept as raw JSON); it is also
/// `Deserialize`. Following Clerk's spec, `public_metadata` is required, and a missing
/// or `null` `private_metadata` or `unsafe_metadata` reads as `{}`.
#[non_exhaustive]
pub struct User<S: UserMetadata> {
    /// The profile fields and every other field the API sent.
    pub profile: UserProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<S::Public>,
    /// `private_metadata`.
    pub private_metadata: Stored<S::Private>,
    /// `unsafe_metadata`.
    pub unsafe_metadata: Stored<S::Unsafe>,
}

/// The signed-in user as the Frontend API (`Client.User`) shows them: public and unsafe
/// metadata only. There is no private metadata here at all, so code holding a
/// `FrontendUser` cannot read a private field; any `private_metadata` the object
/// carries is dropped, not kept in [`UserProfile::other`].
#[non_exhaustive]
pub struct FrontendUser<S: UserMetadata> {
    /// The profile fields and every other field the API sent.
    pub profile: UserProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<S::Public>,
    /// `unsafe_metadata`.
    pub unsafe_metadata: Stored<S::Unsafe>,
}

/// A metadata tier as a lenient read found it.
pub enum TierRead<T> {
    /// The stored object fits the schema.
    Typed(Stored<T>),
    /// It does not: the object as stored, untouched (`{}` for a missing or `null` tier).
    Drifted(serde_json::Map<String, serde_json::Value>),
}

impl<T> TierRead<T> {
    /// The typed tier, if it fit the schema.
    pub fn typed(&self) -> Option<&Stored<T>> {
        match self {
            TierRead::Typed(stored) => Some(stored),
            TierRead::Drifted(_) => None,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for TierRead<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TierRead::Typed(stored) => f.debug_tuple("Typed").field(stored).finish(),
            TierRead::Drifted(raw) => f
                .debug_tuple("Drifted")
                .field(&raw.keys().collect::<Vec<_>>())
                .finish(),
        }
    }
}

/// A user read leniently: one tier that does not fit the schema does not fail the read.
#[non_exhaustive]
pub struct LenientUser<S: UserMetadata> {
    /// The profile fields and every other field the API sent.
    pub profile: UserProfile,
    /// `public_metadata`.
    pub public_metadata: TierRead<S::Public>,
    /// `private_metadata`.
    pub private_metadata: TierRead<S::Private>,
    /// `unsafe_metadata`.
    pub unsafe_metadata: TierRead<S::Unsafe>,
    /// What did not fit, one entry per drifted tier, each naming its JSON path.
    pub problems: Vec<ReadError>,
}

impl<S: UserMetadata> LenientUser<S> {
    /// The strictly typed user, if every tier fit the schema.
    pub fn into_strict(self) -> Option<User<S>> {
        match (
            self.public_metadata,
            self.private_metadata,
            self.unsafe_metadata,
        ) {
            (TierRead::Typed(public), TierRead::Typed(private), TierRead::Typed(unsafe_)) => {
                Some(User {
                    profile: self.profile,
                    public_metadata: public,
                    private_metadata: private,
                    unsafe_metadata: unsafe_,
                })
            }
            _ => None,
        }
    }
}

/// Why a user could not be read: the JSON path where it went wrong (such as
/// `public_metadata.role`) and what was expected there.
///
/// Under `private_metadata`, the message never quotes the stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    path: String,
    message: String,
}

impl ReadError {
    /// The JSON path of the problem (`.` for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn from_json(path: String, error: &serde_json::Error) -> Self {
        let text = error.to_string();
        // serde_json appends the position; the path says where more usefully.
        let message = match text.rfind(" at line ") {
            Some(at) if error.line() > 0 => text[..at].to_owned(),
            _ => text,
        };
        let message = if path.starts_with(TierKind::Private.key()) {
            redact(&message)
        } else {
            message
        };
        ReadError { path, message }
    }
}

/// A serde message without the value it quotes: the "expected …" part, which comes
/// from the type, or a fixed sentence.
fn redact(message: &str) -> String {
    if message.starts_with("missing field") || message.starts_with("duplicate field") {
        return message.to_owned();
    }
    match message.find(", expected ") {
        Some(at) => format!(
            "the stored value does not fit the schema: {}",
            &message[at + 2..]
        ),
        None => "the stored value does not fit the schema".to_owned(),
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ReadError {}

/// Deserializes `T` from JSON text, reporting the path of a failure under `prefix`.
fn read_with_path<T: DeserializeOwned>(json: &[u8], prefix: &str) -> Result<T, ReadError> {
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let inner = e.path().to_string();
        let path = match (prefix, inner.as_str()) {
            ("", p) => p.to_owned(),
            (prefix, ".") => prefix.to_owned(),
            (prefix, p) => format!("{prefix}.{p}"),
        };
        ReadError::from_json(path, e.inner())
    })?;
    deserializer
        .end()
        .map_err(|e| ReadError::from_json(prefix.to_owned(), &e).or_root())?;
    Ok(value)
}

impl ReadError {
    fn or_root(mut self) -> Self {
        if self.path.is_empty() {
            self.path = ".".to_owned();
        }
        self
    }
}

impl<S: UserMetadata> User<S> {
    /// Reads a Backend API `User` object. A value that does not fit the schema is an
    /// error naming its JSON path.
    ///
    /// ```
    /// # use clerk_metadata::{User, UserMetadata};
    /// #[derive(UserMetadata)]
    /// struct AppUser {
    ///     #[metadata(public)]
    ///     plan: String,
    /// }
    /// let json = br#"{"id": "user_1", "has_image": false, "banned": false, "locked": false,
    ///     "created_at": 1, "updated_at": 2, "public_metadata": {"plan": 7, "legacy": true}}"#;
    /// let error = User::<AppUser>::from_json(json).unwrap_err();
    /// assert_eq!(error.path(), "public_metadata.plan");
    /// assert_eq!(error.message(), "invalid type: integer `7`, expected a string");
    /// ```
    pub fn from_json(json: &[u8]) -> Result<User<S>, ReadError> {
        User::from_parts(read_parts(json)?)
    }

    /// Reads a Backend API `User` object; a tier that does not fit the schema is kept
    /// as raw JSON and reported in [`LenientUser::problems`]. Only a document that is not
    /// a `User` at all (bad JSON, a missing `id`) is an error.
    pub fn from_json_lenient(json: &[u8]) -> Result<LenientUser<S>, ReadError> {
        let parts = read_with_path::<Parts<Box<RawValue>, Box<RawValue>, Box<RawValue>>>(json, "")
            .map_err(ReadError::or_root)?;
        let mut problems = Vec::new();
        let public = lenient_tier::<S::Public>(Some(parts.public), TierKind::Public, &mut problems);
        let private = lenient_tier::<S::Private>(parts.private, TierKind::Private, &mut problems);
        let unsafe_ = lenient_tier::<S::Unsafe>(parts.unsafe_, TierKind::Unsafe, &mut problems);
        Ok(LenientUser {
            profile: parts.profile,
            public_metadata: public,
            private_metadata: private,
            unsafe_metadata: unsafe_,
            problems,
        })
    }
}

fn lenient_tier<T: DeserializeOwned + MetadataTier>(
    raw: Option<Box<RawValue>>,
    tier: TierKind,
    problems: &mut Vec<ReadError>,
) -> TierRead<T> {
    let text = raw
        .as_deref()
        .map(RawValue::get)
        .filter(|t| *t != "null")
        .unwrap_or("{}");
    match read_with_path::<Stored<T>>(text.as_bytes(), tier.key()) {
        Ok(stored) => TierRead::Typed(stored),
        Err(problem) => {
            problems.push(problem);
            match serde_json::from_str(text) {
                Ok(serde_json::Value::Object(raw)) => TierRead::Drifted(raw),
                // Not even an object: keep it under its tier's key, so nothing is lost.
                Ok(other) => {
                    TierRead::Drifted(std::iter::once((tier.key().to_owned(), other)).collect())
                }
                Err(_) => TierRead::Drifted(serde_json::Map::new()),
            }
        }
    }
}

impl<S: UserMetadata> FrontendUser<S> {
    /// Reads a Frontend API `Client.User` object.
    pub fn from_json(json: &[u8]) -> Result<FrontendUser<S>, ReadError> {
        let parts: Parts<Stored<S::Public>, de::IgnoredAny, Stored<S::Unsafe>> = read_parts(json)?;
        Ok(FrontendUser {
            profile: parts.profile,
            public_metadata: parts.public,
            unsafe_metadata: or_empty(parts.unsafe_, TierKind::Unsafe)?,
        })
    }
}

impl<'de, S: UserMetadata> Deserialize<'de> for User<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts = Parts::<Stored<S::Public>, Stored<S::Private>, Stored<S::Unsafe>>::deserialize(
            deserializer,
        )?;
        User::from_parts(parts).map_err(de::Error::custom)
    }
}

impl<S: UserMetadata> User<S> {
    fn from_parts(parts: TypedParts<S>) -> Result<Self, ReadError> {
        Ok(User {
            profile: parts.profile,
            public_metadata: parts.public,
            private_metadata: or_empty(parts.private, TierKind::Private)?,
            unsafe_metadata: or_empty(parts.unsafe_, TierKind::Unsafe)?,
        })
    }
}

/// The stored tier, or for one that is missing or `null`, the tier read from `{}`.
fn or_empty<T: DeserializeOwned + MetadataTier>(
    stored: Option<Stored<T>>,
    tier: TierKind,
) -> Result<Stored<T>, ReadError> {
    match stored {
        Some(stored) => Ok(stored),
        None => Stored::empty::<de::value::Error>().map_err(|e| ReadError {
            path: tier.key().to_owned(),
            message: format!("missing or null, which reads as {{}}: {e}"),
        }),
    }
}

impl<'de, S: UserMetadata> Deserialize<'de> for FrontendUser<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts = Parts::<Stored<S::Public>, de::IgnoredAny, Stored<S::Unsafe>>::deserialize(
            deserializer,
        )?;
        Ok(FrontendUser {
            profile: parts.profile,
            public_metadata: parts.public,
            unsafe_metadata: or_empty(parts.unsafe_, TierKind::Unsafe)
                .map_err(de::Error::custom)?,
        })
    }
}

/// A `User` object with every tier typed by `S`.
type TypedParts<S> = Parts<
    Stored<<S as UserMetadata>::Public>,
    Stored<<S as UserMetadata>::Private>,
    Stored<<S as UserMetadata>::Unsafe>,
>;

/// A `User` object split into its profile and its three metadata tiers, each tier read
/// as `P`, `Q` and `U`.
struct Parts<P, Q, U> {
    profile: UserProfile,
    public: P,
    private: Option<Q>,
    unsafe_: Option<U>,
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> Deserialize<'de>
    for Parts<P, Q, U>
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PartsVisitor {
            keep_other: true,
            parts: PhantomData,
        })
    }
}

/// Reads a `User` object into [`Parts`]; `keep_other` keeps the untyped fields one by
/// one (a read from bytes keeps the document instead).
struct PartsVisitor<P, Q, U> {
    keep_other: bool,
    parts: PhantomData<(P, Q, U)>,
}

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> de::DeserializeSeed<'de>
    for PartsVisitor<P, Q, U>
{
    type Value = Parts<P, Q, U>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// Reads a `User` object from bytes. A failure is read again with path tracking, which
/// costs only on that path, so the error names where it went wrong.
fn read_parts<P: DeserializeOwned, Q: DeserializeOwned, U: DeserializeOwned>(
    json: &[u8],
) -> Result<Parts<P, Q, U>, ReadError> {
    parts_from_slice(json).map_err(|first| {
        read_with_path::<Parts<P, Q, U>>(json, "")
            .err()
            .unwrap_or_else(|| ReadError::from_json(".".to_owned(), &first))
            .or_root()
    })
}

/// Reads a `User` object from bytes, keeping the document for [`OtherFields`].
fn parts_from_slice<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>>(
    json: &'de [u8],
) -> serde_json::Result<Parts<P, Q, U>> {
    use de::DeserializeSeed;
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let mut parts = PartsVisitor {
        keep_other: false,
        parts: PhantomData,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    parts.profile.other = OtherFields(OtherRepr::Document(json.into()));
    Ok(parts)
}

macro_rules! user_keys {
    ($($variant:ident => $key:literal,)*) => {
        /// The keys of a `User` object this crate reads; every other key is kept raw.
        enum UserKey<'de> {
            $($variant,)*
            Other(std::borrow::Cow<'de, str>),
        }

        /// Whether `key` is one of the fields this crate types.
        fn is_typed_key(key: &str) -> bool {
            matches!(key, $($key)|*)
        }

        impl<'de> UserKey<'de> {
            fn from_str(key: std::borrow::Cow<'de, str>) -> Self {
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

impl<'de> Deserialize<'de> for UserKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = UserKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<UserKey<'de>, E> {
                Ok(UserKey::from_str(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<UserKey<'de>, E> {
                Ok(UserKey::from_str(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
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

impl<'de, P: Deserialize<'de>, Q: Deserialize<'de>, U: Deserialize<'de>> Visitor<'de>
    for PartsVisitor<P, Q, U>
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
        let mut other = BTreeMap::new();
        let keep_other = self.keep_other;
        while let Some(key) = map.next_key::<UserKey<'de>>()? {
            match key {
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
                UserKey::Other(_) if !keep_other => {
                    map.next_value::<de::IgnoredAny>()?;
                }
                UserKey::Other(key) => {
                    let value: Box<RawValue> = map.next_value()?;
                    if other.insert(key.into_owned(), value).is_some() {
                        return Err(de::Error::custom(
                            "a field of the User object is sent twice",
                        ));
                    }
                }
            }
        }
        let required = |name: &'static str| de::Error::missing_field(name);
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
                other: OtherFields(OtherRepr::Fields(other)),
            },
            public: public.ok_or_else(|| required("public_metadata"))?,
            private: private.flatten(),
            unsafe_: unsafe_.flatten(),
        })
    }
}

/// Writes the profile fields back as the API sent them, then the metadata tiers, with
/// every key the schema does not name.
impl<S: UserMetadata> Serialize for User<S> {
    fn serialize<Z: serde::Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeMap;
        let p = &self.profile;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &p.id)?;
        map.serialize_entry("external_id", &p.external_id)?;
        map.serialize_entry("username", &p.username)?;
        map.serialize_entry("first_name", &p.first_name)?;
        map.serialize_entry("last_name", &p.last_name)?;
        map.serialize_entry("primary_email_address_id", &p.primary_email_address_id)?;
        map.serialize_entry("primary_phone_number_id", &p.primary_phone_number_id)?;
        map.serialize_entry("primary_web3_wallet_id", &p.primary_web3_wallet_id)?;
        if let Some(url) = &p.image_url {
            map.serialize_entry("image_url", url)?;
        }
        map.serialize_entry("has_image", &p.has_image)?;
        map.serialize_entry("banned", &p.banned)?;
        map.serialize_entry("locked", &p.locked)?;
        map.serialize_entry("created_at", &p.created_at)?;
        map.serialize_entry("updated_at", &p.updated_at)?;
        map.serialize_entry("last_sign_in_at", &p.last_sign_in_at)?;
        for (key, value) in &p.other.to_map() {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("public_metadata", &self.public_metadata)?;
        map.serialize_entry("private_metadata", &self.private_metadata)?;
        map.serialize_entry("unsafe_metadata", &self.unsafe_metadata)?;
        map.end()
    }
}

/// Shows the profile; the metadata tiers by their unknown keys only (print a tier
/// itself, `user.public_metadata`, to see its values), and private metadata not at all.
impl<S: UserMetadata> fmt::Debug for User<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys =
            |unknown: &BTreeMap<String, Box<RawValue>>| unknown.keys().cloned().collect::<Vec<_>>();
        f.debug_struct("User")
            .field("profile", &self.profile)
            .field(
                "public_metadata_unknown_keys",
                &keys(self.public_metadata.unknown()),
            )
            .field("private_metadata", &format_args!("<redacted>"))
            .field(
                "unsafe_metadata_unknown_keys",
                &keys(self.unsafe_metadata.unknown()),
            )
            .finish()
    }
}
