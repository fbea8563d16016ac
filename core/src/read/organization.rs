//! Typed reads of Clerk's `Organization` and `OrganizationMembership` objects, and of a
//! page of memberships: the metadata tiers typed by an organization or membership
//! schema, every other field kept as the API sent it.
//!
//! Only the backend writes organization and membership metadata, so both tiers must
//! fit the schema, or the read fails naming the JSON path; under `private_metadata`
//! the message is built from the schema, never from the stored value.

use core::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::error::ReadError;
use super::profile::OtherFields;
use super::tier_with_path;
use crate::schema::metadata::{
    MembershipMetadata, MetadataTier, OrganizationMetadata, UserMetadata,
};
use crate::schema::stored::Stored;
use crate::wire::id::{InvitationId, OrganizationId, OrganizationInvitationId, UserId};

/// A JSON object's entries, each value kept as its JSON text, in the order sent.
struct Entries(Vec<(String, Box<RawValue>)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<Box<RawValue>>()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Reads an object's entries from bytes: a document that is not one JSON object is an
/// error of the whole document.
fn entries(json: &[u8]) -> Result<Entries, ReadError> {
    serde_json::from_slice::<Entries>(json).map_err(|e| ReadError::document(&e.to_string()))
}

/// The entries of an object being read: each typed field taken once, the rest kept.
struct Fields {
    entries: Vec<(String, Box<RawValue>)>,
    taken: Vec<&'static str>,
}

impl Fields {
    fn new(entries: Entries) -> Self {
        Fields {
            entries: entries.0,
            taken: Vec::new(),
        }
    }

    /// The JSON of `key`, taken out of the kept fields; a key sent twice is an error.
    fn take_raw(&mut self, key: &'static str) -> Result<Option<Box<RawValue>>, ReadError> {
        self.taken.push(key);
        let mut found = None;
        let mut index = 0;
        while index < self.entries.len() {
            if self.entries[index].0 == key {
                let (_, value) = self.entries.remove(index);
                if found.replace(value).is_some() {
                    return Err(ReadError::document(&format!("duplicate field `{key}`")));
                }
            } else {
                index += 1;
            }
        }
        Ok(found)
    }

    /// Field `key`, typed; a missing key is read from `null` (so an `Option` is `None`
    /// and anything else an error naming the field).
    fn take<T: DeserializeOwned>(&mut self, key: &'static str) -> Result<T, ReadError> {
        match self.take_raw(key)? {
            Some(raw) => {
                serde_json::from_str(raw.get()).map_err(|e| ReadError::at_key(key, &e.to_string()))
            }
            None => serde_json::from_str("null")
                .map_err(|_| ReadError::document(&format!("missing field `{key}`"))),
        }
    }

    /// A metadata tier: required (`public_metadata`), or for a missing or `null` one,
    /// the tier read from `{}`.
    fn tier<T: DeserializeOwned + MetadataTier>(
        &mut self,
        key: &'static str,
        required: bool,
    ) -> Result<Stored<T>, ReadError> {
        match self.take_raw(key)? {
            Some(raw) if raw.get() != "null" || required => tier_with_path::<T>(raw.get()),
            None if required => Err(ReadError::document(&format!("missing field `{key}`"))),
            _ => tier_with_path::<T>("{}"),
        }
    }

    fn other(self) -> OtherFields {
        OtherFields::owned(self.entries)
    }
}

/// The fields of a Clerk `Organization` object (Clerk's spec, 2021-02-05 to 2026-05-12)
/// outside its metadata, with every other field the API sent kept as JSON in
/// [`other`](OrganizationProfile::other). The fields the spec requires are required
/// here; the others are `None` when absent or `null`.
#[derive(Clone)]
#[non_exhaustive]
pub struct OrganizationProfile {
    /// The organization's ID.
    pub id: OrganizationId,
    /// `name`.
    pub name: String,
    /// `slug`.
    pub slug: String,
    /// `image_url`.
    pub image_url: Option<String>,
    /// `has_image`.
    pub has_image: bool,
    /// `members_count`.
    pub members_count: Option<u64>,
    /// `pending_invitations_count`.
    pub pending_invitations_count: Option<u64>,
    /// `max_allowed_memberships` (`0`: no limit).
    pub max_allowed_memberships: u64,
    /// `admin_delete_enabled`.
    pub admin_delete_enabled: bool,
    /// `created_by`: the ID of the user who created the organization.
    pub created_by: Option<String>,
    /// `created_at`, Unix milliseconds.
    pub created_at: i64,
    /// `updated_at`, Unix milliseconds.
    pub updated_at: i64,
    /// `last_active_at`, Unix milliseconds.
    pub last_active_at: Option<i64>,
    /// `role_set_key`.
    pub role_set_key: Option<String>,
    /// Every other field the API sent (`object`, …), as sent.
    pub other: OtherFields,
}

impl OrganizationProfile {
    fn read(fields: &mut Fields) -> Result<Self, ReadError> {
        Ok(OrganizationProfile {
            id: fields.take("id")?,
            name: fields.take("name")?,
            slug: fields.take("slug")?,
            image_url: fields.take("image_url")?,
            has_image: fields.take("has_image")?,
            members_count: fields.take("members_count")?,
            pending_invitations_count: fields.take("pending_invitations_count")?,
            max_allowed_memberships: fields.take("max_allowed_memberships")?,
            admin_delete_enabled: fields.take("admin_delete_enabled")?,
            created_by: fields.take("created_by")?,
            created_at: fields.take("created_at")?,
            updated_at: fields.take("updated_at")?,
            last_active_at: fields.take("last_active_at")?,
            role_set_key: fields.take("role_set_key")?,
            other: OtherFields::owned(Vec::new()),
        })
    }
}

impl fmt::Debug for OrganizationProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrganizationProfile")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("slug", &self.slug)
            .field("image_url", &self.image_url)
            .field("has_image", &self.has_image)
            .field("members_count", &self.members_count)
            .field("pending_invitations_count", &self.pending_invitations_count)
            .field("max_allowed_memberships", &self.max_allowed_memberships)
            .field("admin_delete_enabled", &self.admin_delete_enabled)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("last_active_at", &self.last_active_at)
            .field("role_set_key", &self.role_set_key)
            .field("other_keys", &self.other.keys())
            .finish()
    }
}

/// A Backend API `Organization` with its metadata typed by the schema `O`.
///
/// Read it with [`Organization::from_json`] or through `Deserialize`. Following Clerk's
/// spec, `public_metadata` is required, and a missing or `null` `private_metadata`
/// reads as `{}`. A value in either tier that does not fit the schema fails the read,
/// naming its JSON path (`public_metadata.seats`); under `private_metadata` the message
/// comes from the schema, never from the stored value. Each tier is a [`Stored`] that
/// keeps the keys the schema does not name, so a replace built from a read
/// ([`OrganizationUpdate::replace_public`](crate::OrganizationUpdate::replace_public))
/// writes them back. It is not `Serialize`: it holds private metadata.
///
/// ```
/// use clerk_metadata::{Organization, OrganizationMetadata};
///
/// #[derive(OrganizationMetadata)]
/// pub struct AppOrg {
///     #[metadata(public)]
///     pub seats: u32,
///     #[metadata(private)]
///     pub crm_id: Option<String>,
/// }
///
/// let json = br#"{"object": "organization", "id": "org_1", "name": "Acme", "slug": "acme",
///     "has_image": false, "max_allowed_memberships": 0, "admin_delete_enabled": true,
///     "created_at": 1, "updated_at": 2,
///     "public_metadata": {"seats": 25, "color": "teal"},
///     "private_metadata": {"crm_id": "0015g00000XyZ"}}"#;
/// let org = Organization::<AppOrg>::from_json(json).unwrap();
/// assert_eq!(org.public_metadata.seats, 25);
/// assert!(org.public_metadata.unknown().contains_key("color"));
/// assert_eq!(org.profile.slug, "acme");
/// ```
#[non_exhaustive]
pub struct Organization<O: OrganizationMetadata> {
    /// The organization's other fields.
    pub profile: OrganizationProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<O::Public>,
    /// `private_metadata`.
    pub private_metadata: Stored<O::Private>,
}

impl<O: OrganizationMetadata> Organization<O> {
    /// Reads a Backend API `Organization` object.
    pub fn from_json(json: &[u8]) -> Result<Self, ReadError> {
        Self::from_fields(Fields::new(entries(json)?))
    }

    fn from_fields(mut fields: Fields) -> Result<Self, ReadError> {
        let mut profile = OrganizationProfile::read(&mut fields)?;
        let public_metadata = fields.tier("public_metadata", true)?;
        let private_metadata = fields.tier("private_metadata", false)?;
        profile.other = fields.other();
        Ok(Organization {
            profile,
            public_metadata,
            private_metadata,
        })
    }

    /// The organization's ID.
    pub fn id(&self) -> &OrganizationId {
        &self.profile.id
    }
}

/// The fields of a Clerk `OrganizationMembership` object outside its metadata, with
/// every other field the API sent (`organization`, `public_user_data`, …) kept as JSON
/// in [`other`](MembershipProfile::other).
///
/// The embedded `organization` object carries the organization's own metadata,
/// private included: it is kept only as JSON, never shown by `Debug`.
#[derive(Clone)]
#[non_exhaustive]
pub struct MembershipProfile {
    /// The membership's ID (`orgmem_…`).
    pub id: String,
    /// `role`, such as `org:admin`.
    pub role: String,
    /// `role_name`.
    pub role_name: Option<String>,
    /// `permissions`.
    pub permissions: Vec<String>,
    /// `organization.id`.
    pub organization_id: OrganizationId,
    /// `public_user_data.user_id`: the member (absent for a membership read without
    /// its user).
    pub user_id: Option<UserId>,
    /// `created_at`, Unix milliseconds.
    pub created_at: i64,
    /// `updated_at`, Unix milliseconds.
    pub updated_at: i64,
    /// Every other field the API sent, as sent; `organization` and `public_user_data`
    /// among them.
    pub other: OtherFields,
}

impl fmt::Debug for MembershipProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MembershipProfile")
            .field("id", &self.id)
            .field("role", &self.role)
            .field("role_name", &self.role_name)
            .field("permissions", &self.permissions)
            .field("organization_id", &self.organization_id)
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .field("other_keys", &self.other.keys())
            .finish()
    }
}

/// `{"id": …}` of an embedded object, the rest ignored.
#[derive(Deserialize)]
struct IdOf<T> {
    id: T,
}

/// `{"user_id": …}` of `public_user_data`, the rest ignored.
#[derive(Deserialize)]
struct UserIdOf {
    user_id: UserId,
}

impl MembershipProfile {
    fn read(fields: &mut Fields) -> Result<Self, ReadError> {
        let id = fields.take("id")?;
        let role = fields.take("role")?;
        let role_name = fields.take("role_name")?;
        let permissions: Option<Vec<String>> = fields.take("permissions")?;
        let created_at = fields.take("created_at")?;
        let updated_at = fields.take("updated_at")?;
        // Read from the kept JSON, which stays in `other`.
        let organization = fields.entries.iter().find(|(k, _)| k == "organization");
        let organization_id = match organization {
            Some((_, raw)) => serde_json::from_str::<IdOf<OrganizationId>>(raw.get())
                .map(|o| o.id)
                .map_err(|e| ReadError::at_key("id", &e.to_string()).under("organization"))?,
            None => return Err(ReadError::document("missing field `organization`")),
        };
        let user_id = match fields.entries.iter().find(|(k, _)| k == "public_user_data") {
            Some((_, raw)) if raw.get() != "null" => Some(
                serde_json::from_str::<UserIdOf>(raw.get())
                    .map(|d| d.user_id)
                    .map_err(|e| {
                        ReadError::at_key("user_id", &e.to_string()).under("public_user_data")
                    })?,
            ),
            _ => None,
        };
        Ok(MembershipProfile {
            id,
            role,
            role_name,
            permissions: permissions.unwrap_or_default(),
            organization_id,
            user_id,
            created_at,
            updated_at,
            other: OtherFields::owned(Vec::new()),
        })
    }
}

/// A Backend API `OrganizationMembership` with its metadata typed by the schema `M`:
/// one member's facts in one organization.
///
/// Read as [`Organization`] is: `public_metadata` required, a missing or `null`
/// `private_metadata` read as `{}`, drift an error naming the path (never quoting a
/// private value), unknown keys kept. It is not `Serialize`: it holds private metadata
/// (its own, and the organization's inside `organization`).
#[non_exhaustive]
pub struct Membership<M: MembershipMetadata> {
    /// The membership's other fields.
    pub profile: MembershipProfile,
    /// `public_metadata`.
    pub public_metadata: Stored<M::Public>,
    /// `private_metadata`.
    pub private_metadata: Stored<M::Private>,
}

impl<M: MembershipMetadata> Membership<M> {
    /// Reads a Backend API `OrganizationMembership` object.
    pub fn from_json(json: &[u8]) -> Result<Self, ReadError> {
        Self::from_fields(Fields::new(entries(json)?))
    }

    fn from_fields(mut fields: Fields) -> Result<Self, ReadError> {
        let mut profile = MembershipProfile::read(&mut fields)?;
        let public_metadata = fields.tier("public_metadata", true)?;
        let private_metadata = fields.tier("private_metadata", false)?;
        profile.other = fields.other();
        Ok(Membership {
            profile,
            public_metadata,
            private_metadata,
        })
    }
}

/// A page of Clerk's `OrganizationMemberships` list: `{"data": [...], "total_count": n}`.
#[non_exhaustive]
pub struct MembershipPage<M: MembershipMetadata> {
    /// The memberships on this page.
    pub data: Vec<Membership<M>>,
    /// How many memberships the whole list has.
    pub total_count: u64,
}

impl<M: MembershipMetadata> MembershipPage<M> {
    /// Reads a page; a membership that does not fit fails the read, naming its path
    /// (`data[2].public_metadata.seat`).
    pub fn from_json(json: &[u8]) -> Result<Self, ReadError> {
        let mut fields = Fields::new(entries(json)?);
        let items: Vec<Box<RawValue>> = fields.take("data")?;
        let total_count = fields.take("total_count")?;
        let data = items
            .iter()
            .enumerate()
            .map(|(index, raw)| {
                Membership::from_json(raw.get().as_bytes())
                    .map_err(|e| e.under(&format!("data[{index}]")))
            })
            .collect::<Result<_, _>>()?;
        Ok(MembershipPage { data, total_count })
    }
}

/// Reads through [`Organization::from_json`]: the same result and errors.
impl<'de, O: OrganizationMetadata> Deserialize<'de> for Organization<O> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Entries::deserialize(deserializer)?;
        Organization::from_fields(Fields::new(entries)).map_err(de::Error::custom)
    }
}

/// Reads through [`Membership::from_json`]: the same result and errors.
impl<'de, M: MembershipMetadata> Deserialize<'de> for Membership<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entries = Entries::deserialize(deserializer)?;
        Membership::from_fields(Fields::new(entries)).map_err(de::Error::custom)
    }
}

/// Reads through [`MembershipPage::from_json`]: the same result and errors.
impl<'de, M: MembershipMetadata> Deserialize<'de> for MembershipPage<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        MembershipPage::from_json(raw.get().as_bytes()).map_err(de::Error::custom)
    }
}

/// Shows the profile, and the metadata tiers by their unknown keys only (print a tier
/// itself to see its values); private metadata not at all.
impl<O: OrganizationMetadata> fmt::Debug for Organization<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Organization")
            .field("profile", &self.profile)
            .field(
                "public_metadata_unknown_keys",
                &self.public_metadata.unknown().keys().collect::<Vec<_>>(),
            )
            .field("private_metadata", &format_args!("<redacted>"))
            .finish()
    }
}

/// Shows the profile, and the metadata tiers by their unknown keys only; private
/// metadata not at all.
impl<M: MembershipMetadata> fmt::Debug for Membership<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Membership")
            .field("profile", &self.profile)
            .field(
                "public_metadata_unknown_keys",
                &self.public_metadata.unknown().keys().collect::<Vec<_>>(),
            )
            .field("private_metadata", &format_args!("<redacted>"))
            .finish()
    }
}

impl<M: MembershipMetadata> fmt::Debug for MembershipPage<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MembershipPage")
            .field("data", &self.data)
            .field("total_count", &self.total_count)
            .finish()
    }
}

impl<O: OrganizationMetadata> Clone for Organization<O>
where
    O::Public: Clone,
    O::Private: Clone,
{
    fn clone(&self) -> Self {
        Organization {
            profile: self.profile.clone(),
            public_metadata: self.public_metadata.clone(),
            private_metadata: self.private_metadata.clone(),
        }
    }
}

impl<M: MembershipMetadata> Clone for Membership<M>
where
    M::Public: Clone,
    M::Private: Clone,
{
    fn clone(&self) -> Self {
        Membership {
            profile: self.profile.clone(),
            public_metadata: self.public_metadata.clone(),
            private_metadata: self.private_metadata.clone(),
        }
    }
}

/// The invitation Clerk created for [`UserInvitation`](crate::UserInvitation)
/// (`POST /v1/invitations`), read minimally: its ID, address, status and the public
/// metadata the new user will get, typed by the user schema `S`. Every other field of
/// Clerk's `Invitation` is kept as JSON in [`other`](Self::other).
#[non_exhaustive]
pub struct SentInvitation<S: UserMetadata> {
    /// `id`: what [`FakeClerk::accept_invitation`](crate::testing::FakeClerk) and
    /// Clerk's revoke take.
    pub id: InvitationId,
    /// `email_address`.
    pub email_address: String,
    /// `status`: `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    /// `public_metadata`: what the user gets as public metadata on sign-up.
    pub public_metadata: Stored<S::Public>,
    /// Every other field, as sent.
    pub other: OtherFields,
}

impl<S: UserMetadata> SentInvitation<S> {
    /// Reads a Backend API `Invitation` object.
    pub fn from_json(json: &[u8]) -> Result<Self, ReadError> {
        let mut fields = Fields::new(entries(json)?);
        let id = fields.take("id")?;
        let email_address = fields.take("email_address")?;
        let status = fields.take("status")?;
        let public_metadata = fields.tier("public_metadata", false)?;
        Ok(SentInvitation {
            id,
            email_address,
            status,
            public_metadata,
            other: fields.other(),
        })
    }
}

/// Shows the ID, address and status, and the metadata by its unknown keys only.
impl<S: UserMetadata> fmt::Debug for SentInvitation<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentInvitation")
            .field("id", &self.id)
            .field("email_address", &self.email_address)
            .field("status", &self.status)
            .field(
                "public_metadata_unknown_keys",
                &self.public_metadata.unknown().keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// The invitation Clerk created for an
/// [`OrganizationInvitation`](crate::OrganizationInvitation)
/// (`POST /v1/organizations/{organization_id}/invitations`), read minimally: its ID,
/// organization, address, role, status and the metadata the membership will get,
/// typed by the membership schema `M`. Every other field is kept in
/// [`other`](Self::other). It is not `Serialize`: it holds private metadata.
#[non_exhaustive]
pub struct SentOrganizationInvitation<M: MembershipMetadata> {
    /// `id`.
    pub id: OrganizationInvitationId,
    /// `organization_id`, when Clerk sends it.
    pub organization_id: Option<OrganizationId>,
    /// `email_address`.
    pub email_address: String,
    /// `role`.
    pub role: String,
    /// `status`: `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    /// `public_metadata`: the membership's public metadata on acceptance.
    pub public_metadata: Stored<M::Public>,
    /// `private_metadata`: the membership's private metadata on acceptance.
    pub private_metadata: Stored<M::Private>,
    /// Every other field, as sent.
    pub other: OtherFields,
}

impl<M: MembershipMetadata> SentOrganizationInvitation<M> {
    /// Reads a Backend API `OrganizationInvitation` object.
    pub fn from_json(json: &[u8]) -> Result<Self, ReadError> {
        let mut fields = Fields::new(entries(json)?);
        let id = fields.take("id")?;
        let organization_id = fields.take("organization_id")?;
        let email_address = fields.take("email_address")?;
        let role = fields.take("role")?;
        let status = fields.take("status")?;
        let public_metadata = fields.tier("public_metadata", false)?;
        let private_metadata = fields.tier("private_metadata", false)?;
        Ok(SentOrganizationInvitation {
            id,
            organization_id,
            email_address,
            role,
            status,
            public_metadata,
            private_metadata,
            other: fields.other(),
        })
    }
}

/// Shows the ID, organization, address, role and status; metadata by tier name only.
impl<M: MembershipMetadata> fmt::Debug for SentOrganizationInvitation<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SentOrganizationInvitation")
            .field("id", &self.id)
            .field("organization_id", &self.organization_id)
            .field("email_address", &self.email_address)
            .field("role", &self.role)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
