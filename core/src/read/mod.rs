//! Typed reads of Clerk's `User` objects that lose nothing, and schema drift reported
//! by path.
//!
//! Unsafe metadata is untrusted: the signed-in user can write anything into it through
//! Clerk's Frontend API. So a read never fails because of it: a drifted unsafe tier is
//! kept as raw JSON and reported beside the user ([`TierRead::Drifted`]). Public and
//! private metadata, which only the backend writes, must fit the schema, or the read
//! fails naming the path ([`User::lenient`] tolerates those too).

mod error;
mod organization;
mod parts;
mod profile;

use core::fmt;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_path_to_error::Segment;

pub use error::{ProblemKind, ReadError, private_read_error};
pub use organization::{
    Membership, MembershipPage, MembershipProfile, Organization, OrganizationProfile,
    SentInvitation, SentOrganizationInvitation,
};
use profile::serialize_profile;
pub use profile::{OtherFields, UserProfile};

use crate::schema::field::FieldInfo;
use crate::schema::metadata::{MetadataTier, UserMetadata};
use crate::schema::stored::Stored;
use crate::schema::tier::TierKind;
pub(crate) use parts::Parts;
#[cfg(feature = "webhooks")]
pub(crate) use parts::PartsVisitor;
use parts::Tracked;

/// A `User` object's parts as [`User::from_json`] reads them.
pub(crate) type UserParts<'de, S> =
    Parts<Stored<<S as UserMetadata>::Public>, Stored<<S as UserMetadata>::Private>, &'de RawValue>;

/// A Backend API `User` with its metadata typed by the schema `S`.
///
/// Read it with [`User::from_json`] (drift errors name the JSON path) or through
/// `Deserialize` (the same, for `serde_json::from_slice`, reqwest's `.json()` or axum's
/// `Json`); [`User::from_json_lenient`] tolerates drift in every tier. Following
/// Clerk's spec, `public_metadata` is required, and a missing or `null`
/// `private_metadata` or `unsafe_metadata` reads as `{}`.
///
/// It is not `Serialize`, because it holds private metadata: to answer a browser, turn
/// it into a [`FrontendUser`] (`FrontendUser::from(user)`), which has none; to write
/// the whole object back (a cache, say), serialize
/// [`with_private_metadata`](User::with_private_metadata).
#[non_exhaustive]
pub struct User<S: UserMetadata> {
    /// The profile fields and every other field the API sent.
    pub profile: UserProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<S::Public>,
    /// `private_metadata`.
    pub private_metadata: Stored<S::Private>,
    /// `unsafe_metadata`: typed if it fits the schema, else kept raw with the problem.
    pub unsafe_metadata: TierRead<S::Unsafe>,
}

/// The signed-in user as the browser may see them (the Frontend API's `Client.User`):
/// public and unsafe metadata only.
///
/// There is no private metadata here at all, so code holding a `FrontendUser` cannot
/// read a private field, and serializing it (to answer a browser) cannot leak one.
/// `From<User<S>>` makes one from a Backend API user: it keeps the profile fields the
/// Frontend API has, and drops every other field (an unknown field may be private), and
/// every `private_metadata` nested in the ones it keeps (organization memberships carry
/// their own).
#[non_exhaustive]
pub struct FrontendUser<S: UserMetadata> {
    /// The profile fields and every other field the API sent.
    pub profile: UserProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<S::Public>,
    /// `unsafe_metadata`: typed if it fits the schema, else kept raw with the problem.
    pub unsafe_metadata: TierRead<S::Unsafe>,
}

/// A metadata tier as a read found it.
pub enum TierRead<T> {
    /// The stored object fits the schema.
    Typed(Stored<T>),
    /// It does not: the tier as stored, untouched, and what did not fit.
    Drifted(Drift),
}

/// A stored tier that does not fit the schema.
pub struct Drift {
    raw: Box<RawValue>,
    problem: ReadError,
}

impl Drift {
    /// The tier's JSON exactly as stored (`null` for a missing tier).
    pub fn raw(&self) -> &RawValue {
        &self.raw
    }

    /// What did not fit, with its path.
    pub fn problem(&self) -> &ReadError {
        &self.problem
    }

    /// The tier's JSON.
    pub fn into_raw(self) -> Box<RawValue> {
        self.raw
    }
}

impl Clone for Drift {
    fn clone(&self) -> Self {
        Drift {
            raw: self.raw.clone(),
            problem: self.problem.clone(),
        }
    }
}

/// Shows the problem and the size of the stored JSON, never the JSON: it may be private.
impl fmt::Debug for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drift")
            .field("problem", &self.problem)
            .field("raw", &format_args!("<{} bytes>", self.raw.get().len()))
            .finish()
    }
}

impl<T> TierRead<T> {
    /// The typed tier, if it fit the schema.
    pub fn typed(&self) -> Option<&Stored<T>> {
        match self {
            TierRead::Typed(stored) => Some(stored),
            TierRead::Drifted(_) => None,
        }
    }

    /// The typed tier, to change, if it fit the schema.
    pub fn typed_mut(&mut self) -> Option<&mut Stored<T>> {
        match self {
            TierRead::Typed(stored) => Some(stored),
            TierRead::Drifted(_) => None,
        }
    }

    /// The typed tier, or what did not fit.
    pub fn into_typed(self) -> Result<Stored<T>, Drift> {
        match self {
            TierRead::Typed(stored) => Ok(stored),
            TierRead::Drifted(drift) => Err(drift),
        }
    }

    /// What did not fit, if the tier drifted.
    pub fn drift(&self) -> Option<&Drift> {
        match self {
            TierRead::Typed(_) => None,
            TierRead::Drifted(drift) => Some(drift),
        }
    }
}

impl<T: fmt::Debug + MetadataTier> fmt::Debug for TierRead<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TierRead::Typed(stored) => f.debug_tuple("Typed").field(stored).finish(),
            TierRead::Drifted(drift) => f.debug_tuple("Drifted").field(drift).finish(),
        }
    }
}

impl<T: Clone> Clone for TierRead<T> {
    fn clone(&self) -> Self {
        match self {
            TierRead::Typed(stored) => TierRead::Typed(stored.clone()),
            TierRead::Drifted(drift) => TierRead::Drifted(drift.clone()),
        }
    }
}

/// The typed tier with its unknown keys, or the stored JSON as it was read.
impl<T: Serialize + MetadataTier> Serialize for TierRead<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            TierRead::Typed(stored) => stored.serialize(serializer),
            TierRead::Drifted(drift) => drift.raw.serialize(serializer),
        }
    }
}

/// A user read leniently: a tier that does not fit the schema does not fail the read.
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
    /// The bytes of each tier's JSON as Clerk sent it (public, private, unsafe).
    sizes: [usize; 3],
}

impl<S: UserMetadata> LenientUser<S> {
    /// The bytes of tier `tier`'s JSON as Clerk sent it (0 for a missing tier): what
    /// Clerk holds to its 8 KB per tier, give or take whitespace.
    pub fn stored_size(&self, tier: TierKind) -> usize {
        match tier {
            TierKind::Public => self.sizes[0],
            TierKind::Private => self.sizes[1],
            TierKind::Unsafe => self.sizes[2],
        }
    }

    /// Whether every tier fits the schema (unsafe metadata too).
    pub fn fits(&self) -> bool {
        self.public_metadata.drift().is_none()
            && self.private_metadata.drift().is_none()
            && self.unsafe_metadata.drift().is_none()
    }

    /// What did not fit, one entry per drifted tier, each naming its JSON path.
    pub fn problems(&self) -> Vec<&ReadError> {
        [
            self.public_metadata.drift(),
            self.private_metadata.drift(),
            self.unsafe_metadata.drift(),
        ]
        .into_iter()
        .flatten()
        .map(Drift::problem)
        .collect()
    }

    /// The user as a strict read gives it, if public and private metadata fit the
    /// schema (unsafe metadata may have drifted: a strict read tolerates that too).
    pub fn into_strict(self) -> Option<User<S>> {
        match (self.public_metadata, self.private_metadata) {
            (TierRead::Typed(public), TierRead::Typed(private)) => Some(User {
                profile: self.profile,
                public_metadata: public,
                private_metadata: private,
                unsafe_metadata: self.unsafe_metadata,
            }),
            _ => None,
        }
    }
}

/// The fields of tier `tier` of schema `S`.
fn fields_of<S: UserMetadata>(tier: TierKind) -> &'static [FieldInfo] {
    match tier {
        TierKind::Public => S::Public::FIELDS,
        TierKind::Private => S::Private::FIELDS,
        TierKind::Unsafe => S::Unsafe::FIELDS,
    }
}

/// Reads a tier from its stored JSON (`None` for a missing one): typed if it fits, the
/// JSON itself and the problem if it does not. Nothing is lost either way.
fn tier_read<T: DeserializeOwned + MetadataTier>(raw: Option<&RawValue>) -> TierRead<T> {
    let text = match raw.map(RawValue::get) {
        None | Some("null") => "{}",
        Some(text) => text,
    };
    if let Ok(stored) = serde_json::from_str::<Stored<T>>(text) {
        return TierRead::Typed(stored);
    }
    let problem = tier_with_path::<T>(text).err().unwrap_or_else(|| {
        ReadError::in_tier(
            <T::Tier as crate::schema::tier::Tier>::KIND,
            T::FIELDS,
            &[],
            "the stored object does not fit the schema",
        )
    });
    TierRead::Drifted(Drift {
        raw: raw.map_or_else(Box::default, ToOwned::to_owned),
        problem,
    })
}

/// Reads a tier from its JSON text, tracking the path of a failure.
pub(crate) fn tier_with_path<T: DeserializeOwned + MetadataTier>(
    text: &str,
) -> Result<Stored<T>, ReadError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize::<_, Stored<T>>(&mut deserializer).map_err(|e| {
        let segments: Vec<Segment> = e.path().iter().cloned().collect();
        ReadError::in_tier(
            <T::Tier as crate::schema::tier::Tier>::KIND,
            T::FIELDS,
            &segments,
            &e.inner().to_string(),
        )
    })
}

/// A strict tier, or for one that is missing or `null`, the tier read from `{}`.
fn strict_tier<T: DeserializeOwned + MetadataTier>(
    stored: Option<Stored<T>>,
) -> Result<Stored<T>, ReadError> {
    match stored {
        Some(stored) => Ok(stored),
        None => tier_with_path::<T>("{}"),
    }
}

impl<S: UserMetadata> User<S> {
    /// Reads a Backend API `User` object. A public or private value that does not fit
    /// the schema is an error naming its JSON path; unsafe metadata that does not fit
    /// is kept raw in [`TierRead::Drifted`].
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
        let parts = parts::from_slice::<Stored<S::Public>, Stored<S::Private>, &RawValue>(
            json,
            fields_of::<S>,
        )?;
        User::from_parts(parts)
    }

    /// The user of parts read as [`from_json`](User::from_json) reads them (by
    /// `PartsVisitor`, here or inside a webhook's envelope).
    pub(crate) fn from_parts(parts: UserParts<'_, S>) -> Result<User<S>, ReadError> {
        Ok(User {
            profile: parts.profile,
            public_metadata: parts.public,
            private_metadata: strict_tier(parts.private)?,
            unsafe_metadata: tier_read(parts.unsafe_),
        })
    }

    /// Reads a Backend API `User` object; a tier that does not fit the schema is kept
    /// as raw JSON with its problem ([`LenientUser::problems`]). Only a document that is
    /// not a `User` at all (bad JSON, a missing `id`) is an error.
    pub fn from_json_lenient(json: &[u8]) -> Result<LenientUser<S>, ReadError> {
        let parts = parts::from_slice::<&RawValue, &RawValue, &RawValue>(json, fields_of::<S>)?;
        let size = |tier: Option<&RawValue>| tier.map_or(0, |t| t.get().len());
        Ok(LenientUser {
            sizes: [
                size(Some(parts.public)),
                size(parts.private),
                size(parts.unsafe_),
            ],
            profile: parts.profile,
            public_metadata: tier_read(Some(parts.public)),
            private_metadata: tier_read(parts.private),
            unsafe_metadata: tier_read(parts.unsafe_),
        })
    }

    /// The whole user, private metadata included, as `Serialize`: the Backend API
    /// `User` object it was read from, with every field and unknown key kept. Never
    /// send it to a browser; use [`FrontendUser`] for that.
    pub fn with_private_metadata(&self) -> WithPrivateMetadata<'_, S> {
        WithPrivateMetadata(self)
    }
}

impl<'de, S: UserMetadata> Deserialize<'de> for User<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts = Parts::<Tracked<S::Public>, Tracked<S::Private>, Box<RawValue>>::deserialize(
            deserializer,
        )?;
        Ok(User {
            profile: parts.profile,
            public_metadata: parts.public.0,
            private_metadata: strict_tier(parts.private.map(|t| t.0)).map_err(de::Error::custom)?,
            unsafe_metadata: tier_read(parts.unsafe_.as_deref()),
        })
    }
}

impl<S: UserMetadata> FrontendUser<S> {
    /// Reads a Frontend API `Client.User` object. Any `private_metadata` it carries is
    /// dropped, not kept in [`UserProfile::other`].
    pub fn from_json(json: &[u8]) -> Result<FrontendUser<S>, ReadError> {
        let parts = parts::from_slice::<Stored<S::Public>, de::IgnoredAny, &RawValue>(
            json,
            fields_of::<S>,
        )?;
        Ok(FrontendUser {
            profile: parts.profile,
            public_metadata: parts.public,
            unsafe_metadata: tier_read(parts.unsafe_),
        })
    }
}

impl<'de, S: UserMetadata> Deserialize<'de> for FrontendUser<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let parts =
            Parts::<Tracked<S::Public>, de::IgnoredAny, Box<RawValue>>::deserialize(deserializer)?;
        Ok(FrontendUser {
            profile: parts.profile,
            public_metadata: parts.public.0,
            unsafe_metadata: tier_read(parts.unsafe_.as_deref()),
        })
    }
}

/// The fields of the Frontend API's `Client.User` (Clerk's spec, 2026-05-12) outside
/// the profile and the metadata: what a browser may see of a user.
const CLIENT_USER_FIELDS: &[&str] = &[
    "object",
    "password_enabled",
    "two_factor_enabled",
    "totp_enabled",
    "backup_code_enabled",
    "email_addresses",
    "phone_numbers",
    "web3_wallets",
    "passkeys",
    "external_accounts",
    "saml_accounts",
    "enterprise_accounts",
    "organization_memberships",
    "lockout_expires_in_seconds",
    "verification_attempts_remaining",
    "delete_self_enabled",
    "create_organization_enabled",
    "create_organizations_limit",
    "last_active_at",
    "mfa_enabled_at",
    "mfa_disabled_at",
    "legal_accepted_at",
    "password_last_updated_at",
    "profile_image_url",
    "deprovisioned",
];

/// The browser's view of a Backend API user: no private metadata, no field the
/// Frontend API does not have, and no `private_metadata` nested in the fields it keeps.
impl<S: UserMetadata> From<User<S>> for FrontendUser<S> {
    fn from(user: User<S>) -> Self {
        let mut profile = user.profile;
        profile.other = profile.other.filtered(
            |key| CLIENT_USER_FIELDS.contains(&key),
            without_private_metadata,
        );
        FrontendUser {
            profile,
            public_metadata: user.public_metadata,
            unsafe_metadata: user.unsafe_metadata,
        }
    }
}

/// `json` with every `private_metadata` key removed, at any depth.
fn without_private_metadata(json: &str) -> Option<Box<RawValue>> {
    // A key may spell `private_metadata` with escapes: any backslash means a parse.
    if !json.contains("private_metadata") && !json.contains('\\') {
        return RawValue::from_string(json.to_owned()).ok();
    }
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("private_metadata");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    // A value with an escaped key spelling `private_metadata` is parsed too: the
    // parsed keys are what is compared. A value that does not parse is dropped.
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    strip(&mut value);
    serde_json::value::to_raw_value(&value).ok()
}

/// A [`User`] as `Serialize`, private metadata included; see
/// [`User::with_private_metadata`].
pub struct WithPrivateMetadata<'a, S: UserMetadata>(&'a User<S>);

impl<S: UserMetadata> fmt::Debug for WithPrivateMetadata<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithPrivateMetadata").field(&self.0).finish()
    }
}

impl<S: UserMetadata> Serialize for WithPrivateMetadata<'_, S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let user = self.0;
        let mut map = serializer.serialize_map(None)?;
        serialize_profile(&mut map, &user.profile)?;
        map.serialize_entry("public_metadata", &user.public_metadata)?;
        map.serialize_entry("private_metadata", &user.private_metadata)?;
        map.serialize_entry("unsafe_metadata", &user.unsafe_metadata)?;
        map.end()
    }
}

/// The user as a browser may see it: the profile, the Frontend API's fields, public and
/// unsafe metadata.
impl<S: UserMetadata> Serialize for FrontendUser<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        let mut map = serializer.serialize_map(None)?;
        serialize_profile(&mut map, &self.profile)?;
        map.serialize_entry("public_metadata", &self.public_metadata)?;
        map.serialize_entry("unsafe_metadata", &self.unsafe_metadata)?;
        map.end()
    }
}

impl<S: UserMetadata> Clone for User<S>
where
    S::Public: Clone,
    S::Private: Clone,
    S::Unsafe: Clone,
{
    fn clone(&self) -> Self {
        User {
            profile: self.profile.clone(),
            public_metadata: self.public_metadata.clone(),
            private_metadata: self.private_metadata.clone(),
            unsafe_metadata: self.unsafe_metadata.clone(),
        }
    }
}

impl<S: UserMetadata> Clone for FrontendUser<S>
where
    S::Public: Clone,
    S::Unsafe: Clone,
{
    fn clone(&self) -> Self {
        FrontendUser {
            profile: self.profile.clone(),
            public_metadata: self.public_metadata.clone(),
            unsafe_metadata: self.unsafe_metadata.clone(),
        }
    }
}

/// Which keys a tier holds outside the schema, and whether unsafe metadata drifted.
fn tier_summary<T>(read: &TierRead<T>) -> Vec<&str> {
    match read {
        TierRead::Typed(stored) => stored.unknown().keys().map(String::as_str).collect(),
        TierRead::Drifted(_) => vec!["<drifted>"],
    }
}

/// Shows the profile; the metadata tiers by their unknown keys only (print a tier
/// itself, `user.public_metadata`, to see its values), and private metadata not at all.
impl<S: UserMetadata> fmt::Debug for User<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("User")
            .field("profile", &self.profile)
            .field(
                "public_metadata_unknown_keys",
                &self.public_metadata.unknown().keys().collect::<Vec<_>>(),
            )
            .field("private_metadata", &format_args!("<redacted>"))
            .field(
                "unsafe_metadata_unknown_keys",
                &tier_summary(&self.unsafe_metadata),
            )
            .finish()
    }
}

/// Shows the profile and the metadata tiers by their unknown keys only.
impl<S: UserMetadata> fmt::Debug for FrontendUser<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrontendUser")
            .field("profile", &self.profile)
            .field(
                "public_metadata_unknown_keys",
                &self.public_metadata.unknown().keys().collect::<Vec<_>>(),
            )
            .field(
                "unsafe_metadata_unknown_keys",
                &tier_summary(&self.unsafe_metadata),
            )
            .finish()
    }
}
