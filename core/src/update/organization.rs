//! `OrganizationUpdate` and `MembershipUpdate`: validated Backend API writes of an
//! organization (`PATCH /v1/organizations/{organization_id}` and its metadata) and of a
//! membership's metadata (`PATCH …/memberships/{user_id}/metadata`).

use core::fmt;

use serde::Serialize;

use super::body::{json, open_tier};
use super::metadata::{MetadataWrites, owner_requests};
use super::rules::Rules;
use crate::schema::metadata::{MembershipPatch, MetadataTier, OrganizationPatch};
use crate::schema::tier::{Private, Public, TierKind};
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::value::IntoValue;
use crate::wire::id::{OrganizationId, UserId};
use crate::wire::request::{ApiRequest, BodyKind, Method};
use crate::wire::values::Timestamp;
use crate::wire::version::ApiVersion;

/// The `UpdateOrganization` body fields an update sets: each sent only when set.
#[derive(Clone, Default, Serialize)]
struct OrganizationFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_allowed_memberships: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_delete_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role_set_key: Option<String>,
}

impl OrganizationFields {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.slug.is_none()
            && self.max_allowed_memberships.is_none()
            && self.admin_delete_enabled.is_none()
            && self.created_at.is_none()
            && self.role_set_key.is_none()
    }

    fn check(&self, rules: &Rules, errors: &mut Vec<ValidationError>) {
        if let Some(name) = &self.name {
            check_organization_name(name, rules, errors);
        }
        if let Some(slug) = &self.slug {
            check_slug(slug, errors);
        }
        if let Some(created_at) = &self.created_at
            && created_at.to_rfc3339().is_none()
        {
            errors.push(ValidationError::new(
                "created_at",
                codes::FORM_PARAM_FORMAT_INVALID,
                "created_at must be between 1970 and 9999 to be written in RFC 3339",
            ));
        }
        if let Some(key) = &self.role_set_key {
            check_token("role_set_key", key, errors);
        }
    }
}

/// `name`: not blank, at most `rules.name_max_chars` characters (Clerk's 256), and, as
/// Clerk requires, no URL or HTML.
fn check_organization_name(name: &str, rules: &Rules, errors: &mut Vec<ValidationError>) {
    if name.trim().is_empty() {
        errors.push(ValidationError::new(
            "name",
            codes::FORM_PARAM_VALUE_INVALID,
            "name must not be blank",
        ));
    } else if name.chars().count() > rules.name_max_chars {
        errors.push(ValidationError::new(
            "name",
            codes::FORM_PARAM_MAX_LENGTH_EXCEEDED,
            format!("name must be at most {} characters", rules.name_max_chars),
        ));
    }
    let www = name
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"www."));
    if name.contains(['<', '>']) || name.contains("://") || www {
        errors.push(ValidationError::new(
            "name",
            codes::FORM_PARAM_FORMAT_INVALID,
            "name may not contain URLs or HTML",
        ));
    }
}

/// `slug`: not empty, at most 256 characters, no whitespace, control characters or `/`.
fn check_slug(slug: &str, errors: &mut Vec<ValidationError>) {
    if slug.is_empty() || slug.chars().count() > 256 {
        errors.push(ValidationError::new(
            "slug",
            codes::FORM_PARAM_VALUE_INVALID,
            "slug must be 1 to 256 characters",
        ));
    } else if slug
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        errors.push(ValidationError::new(
            "slug",
            codes::FORM_PARAM_FORMAT_INVALID,
            "slug may not contain whitespace, control characters or `/`",
        ));
    }
}

/// A key or role: not empty, no whitespace or control characters.
pub(super) fn check_token(field: &'static str, value: &str, errors: &mut Vec<ValidationError>) {
    if value.is_empty() {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_VALUE_INVALID,
            format!("{field} must not be empty"),
        ));
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_FORMAT_INVALID,
            format!("{field} may not contain whitespace or control characters"),
        ));
    }
}

/// The bodies of `PUT …/metadata` and `PATCH …/metadata`, each if it sends something.
type MetadataBodies = (Option<Vec<u8>>, Option<Vec<u8>>);

/// Writes the metadata of an organization or a membership: the public and private
/// tiers, a replace into `put` and a patch into `patch`. A patch that touches unsafe
/// metadata (only a hand-written one can) is an error: these owners have none.
fn metadata_bodies(
    meta: &MetadataWrites,
    owner: &str,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) -> MetadataBodies {
    meta.check_conflicts(errors);
    if meta.patches(TierKind::Unsafe) || meta.replaces(TierKind::Unsafe) {
        errors.push(ValidationError::new(
            "unsafe_metadata",
            codes::METADATA_TIER_UNSUPPORTED,
            format!("{owner} has no unsafe metadata: write public or private metadata"),
        ));
    }
    let (mut put, mut patch) = (None, None);
    for tier in [TierKind::Public, TierKind::Private] {
        let body = if meta.replaces(tier) {
            &mut put
        } else if meta.patches(tier) {
            &mut patch
        } else {
            continue;
        };
        let out = open_tier(body, tier);
        meta.write_tier(tier, out, rules, errors);
    }
    for body in [&mut put, &mut patch].into_iter().flatten() {
        body.push(b'}');
    }
    (put, patch)
}

/// A typed, validated update of one Clerk organization, by the backend: what
/// `clerkClient.organizations.updateOrganization(…)` and `…updateOrganizationMetadata(…)`
/// do.
///
/// Setters are named as the JSON fields of `UpdateOrganization` (every one the three
/// API versions 2021-02-05, 2025-11-10 and 2026-05-12 share); untouched fields are not
/// sent. Metadata never goes into that body (2026-05-12 rejects it there, and the
/// older versions replace the tier whole): [`metadata`](Self::metadata) deep-merges a
/// typed patch (`PATCH /v1/organizations/{organization_id}/metadata`; several patches
/// merge, the later field winning) and [`replace_public`](Self::replace_public) /
/// [`replace_private`](Self::replace_private) replace a tier whole (`PUT …/metadata`).
/// [`build`](Self::build) checks everything at once and returns the requests in that
/// order: profile, replace, merge.
///
/// ```
/// use clerk_metadata::{ApiVersion, OrganizationId, OrganizationMetadata, OrganizationUpdate};
///
/// #[derive(OrganizationMetadata)]
/// pub struct AppOrg {
///     #[metadata(public)]
///     pub seats: u32,
///     #[metadata(private)]
///     pub crm_id: Option<String>,
/// }
///
/// let id: OrganizationId = "org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn".parse().unwrap();
/// let requests = OrganizationUpdate::new()
///     .name("Acme, Inc.")
///     .max_allowed_memberships(25u64)
///     .metadata(AppOrgPatch::new().seats(25u32))
///     .build(&id, ApiVersion::LATEST)
///     .unwrap();
/// assert_eq!(requests[0].path(), "/v1/organizations/org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn");
/// assert_eq!(requests[0].body(), br#"{"name":"Acme, Inc.","max_allowed_memberships":25}"#);
/// assert_eq!(requests[1].path(), "/v1/organizations/org_2ZHFRWdcUyXvGdQjUs6k3Bq7Ytn/metadata");
/// assert_eq!(requests[1].body(), br#"{"public_metadata":{"seats":25}}"#);
/// ```
#[derive(Clone, Default)]
pub struct OrganizationUpdate {
    fields: OrganizationFields,
    meta: MetadataWrites,
}

impl OrganizationUpdate {
    /// An update that changes nothing yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// `name`: not blank, at most 256 characters, no URL or HTML.
    #[must_use]
    pub fn name(mut self, value: impl IntoValue<String>) -> Self {
        self.fields.name = Some(value.into_value());
        self
    }

    /// `slug`, unique in the instance: 1 to 256 characters, no whitespace, control
    /// characters or `/`.
    #[must_use]
    pub fn slug(mut self, value: impl IntoValue<String>) -> Self {
        self.fields.slug = Some(value.into_value());
        self
    }

    /// `max_allowed_memberships` (`0`: no limit).
    #[must_use]
    pub fn max_allowed_memberships(mut self, value: impl IntoValue<u64>) -> Self {
        self.fields.max_allowed_memberships = Some(value.into_value());
        self
    }

    /// `admin_delete_enabled`: whether an admin may delete the organization through the
    /// Frontend API.
    #[must_use]
    pub fn admin_delete_enabled(mut self, value: bool) -> Self {
        self.fields.admin_delete_enabled = Some(value);
        self
    }

    /// `created_at`, sent in RFC 3339 (a year from 1970 to 9999).
    #[must_use]
    pub fn created_at(mut self, value: impl IntoValue<Timestamp>) -> Self {
        self.fields.created_at = Some(value.into_value());
        self
    }

    /// `role_set_key`: the role set to assign; not empty, no whitespace.
    #[must_use]
    pub fn role_set_key(mut self, value: impl IntoValue<String>) -> Self {
        self.fields.role_set_key = Some(value.into_value());
        self
    }

    /// Deep-merges a typed patch of the organization's metadata
    /// (`PATCH …/metadata`; `null` deletes a key). Patches added by several calls are
    /// merged into one request: where two touch the same field, the later one wins.
    #[must_use]
    pub fn metadata<P: OrganizationPatch + Send + Sync + 'static>(mut self, patch: P) -> Self {
        self.meta.add_patch(patch);
        self
    }

    /// Replaces the organization's public metadata with `tier` (`PUT …/metadata`): the
    /// stored object becomes exactly `tier`. Pass the [`Stored`](crate::Stored) tier
    /// you read to keep the keys your schema does not name.
    #[must_use]
    pub fn replace_public<T>(mut self, tier: T) -> Self
    where
        T: MetadataTier<Tier = Public> + Serialize + Send + Sync + 'static,
    {
        self.meta.replace(tier);
        self
    }

    /// Replaces the organization's private metadata with `tier` (`PUT …/metadata`).
    #[must_use]
    pub fn replace_private<T>(mut self, tier: T) -> Self
    where
        T: MetadataTier<Tier = Private> + Serialize + Send + Sync + 'static,
    {
        self.meta.replace(tier);
        self
    }

    /// Whether the update sends nothing.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.meta.is_empty()
    }

    /// Checks everything `build_with` checks, against `rules`, without building
    /// requests.
    pub fn validate(&self, rules: &Rules) -> Result<(), ValidationErrors> {
        self.bodies(rules).map(drop)
    }

    fn bodies(&self, rules: &Rules) -> Result<MetadataBodies, ValidationErrors> {
        let mut errors = Vec::new();
        self.fields.check(rules, &mut errors);
        if self.is_empty() {
            errors.push(ValidationError::new(
                "update",
                codes::EMPTY_UPDATE,
                "the update sends nothing",
            ));
        }
        let bodies = metadata_bodies(&self.meta, "an organization", rules, &mut errors);
        ValidationErrors::from_vec(errors)?;
        Ok(bodies)
    }

    /// Validates the update against [`Rules::default`] and builds its requests for
    /// organization `organization_id`.
    pub fn build(
        &self,
        organization_id: &OrganizationId,
        version: ApiVersion,
    ) -> Result<Vec<ApiRequest>, ValidationErrors> {
        self.build_with(organization_id, version, &Rules::default())
    }

    /// Validates the update against `rules` and builds its requests:
    /// `PATCH /v1/organizations/{organization_id}`, then `PUT` and `PATCH …/metadata`,
    /// each only if it sends something.
    pub fn build_with(
        &self,
        organization_id: &OrganizationId,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<Vec<ApiRequest>, ValidationErrors> {
        let (put, patch) = self.bodies(rules)?;
        let profile = if self.fields.is_empty() {
            None
        } else {
            Some(json(&self.fields)?)
        };
        Ok(owner_requests(
            "organizations",
            organization_id.as_str(),
            version,
            profile,
            put,
            patch,
        ))
    }
}

/// Shows the fields that are set, and metadata by tier only.
impl fmt::Debug for OrganizationUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("OrganizationUpdate");
        let x = &self.fields;
        if let Some(v) = &x.name {
            d.field("name", v);
        }
        if let Some(v) = &x.slug {
            d.field("slug", v);
        }
        if let Some(v) = &x.max_allowed_memberships {
            d.field("max_allowed_memberships", v);
        }
        if let Some(v) = &x.admin_delete_enabled {
            d.field("admin_delete_enabled", v);
        }
        if let Some(v) = &x.created_at {
            d.field("created_at", v);
        }
        if let Some(v) = &x.role_set_key {
            d.field("role_set_key", v);
        }
        debug_tiers(&mut d, &self.meta);
        d.finish()
    }
}

/// The metadata tiers an update patches and replaces, by name.
fn debug_tiers(d: &mut fmt::DebugStruct<'_, '_>, meta: &MetadataWrites) {
    let tiers = |written: &dyn Fn(TierKind) -> bool| {
        TierKind::ALL
            .into_iter()
            .filter(|t| written(*t))
            .map(TierKind::key)
            .collect::<Vec<_>>()
    };
    let patched = tiers(&|t| meta.patches(t));
    if !patched.is_empty() {
        d.field("metadata_patch", &patched);
    }
    let replaced = tiers(&|t| meta.replaces(t));
    if !replaced.is_empty() {
        d.field("metadata_replace", &replaced);
    }
}

/// A typed, validated merge of one organization membership's metadata, by the backend:
/// `PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata`, what
/// `clerkClient.organizations.updateOrganizationMembershipMetadata(…)` does. Clerk
/// offers only the merge for memberships: there is no replace.
///
/// ```
/// use clerk_metadata::{ApiVersion, MembershipMetadata, MembershipUpdate};
///
/// #[derive(MembershipMetadata)]
/// pub struct Seat {
///     #[metadata(public)]
///     pub department: Option<String>,
///     #[metadata(private)]
///     pub cost_center: Option<String>,
/// }
///
/// let request = MembershipUpdate::new()
///     .metadata(SeatPatch::new().department("Research").cost_center("CC-7"))
///     .build(&"org_1".parse().unwrap(), &"user_1".parse().unwrap(), ApiVersion::LATEST)
///     .unwrap();
/// assert_eq!(request.path(), "/v1/organizations/org_1/memberships/user_1/metadata");
/// assert_eq!(
///     request.body(),
///     br#"{"public_metadata":{"department":"Research"},"private_metadata":{"cost_center":"CC-7"}}"#
/// );
/// ```
#[derive(Clone, Default)]
pub struct MembershipUpdate {
    meta: MetadataWrites,
}

impl MembershipUpdate {
    /// An update that changes nothing yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Deep-merges a typed patch of the membership's metadata. Patches added by several
    /// calls are merged: where two touch the same field, the later one wins.
    #[must_use]
    pub fn metadata<P: MembershipPatch + Send + Sync + 'static>(mut self, patch: P) -> Self {
        self.meta.add_patch(patch);
        self
    }

    /// Whether the update sends nothing.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Checks everything `build_with` checks, against `rules`, without building the
    /// request.
    pub fn validate(&self, rules: &Rules) -> Result<(), ValidationErrors> {
        self.body(rules).map(drop)
    }

    fn body(&self, rules: &Rules) -> Result<Vec<u8>, ValidationErrors> {
        let mut errors = Vec::new();
        let (_, patch) =
            metadata_bodies(&self.meta, "an organization membership", rules, &mut errors);
        if patch.is_none() && errors.is_empty() {
            errors.push(ValidationError::new(
                "update",
                codes::EMPTY_UPDATE,
                "the update sends nothing",
            ));
        }
        ValidationErrors::from_vec(errors)?;
        Ok(patch.unwrap_or_default())
    }

    /// Validates the update against [`Rules::default`] and builds its request for the
    /// membership of user `user_id` in organization `organization_id`.
    pub fn build(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        version: ApiVersion,
    ) -> Result<ApiRequest, ValidationErrors> {
        self.build_with(organization_id, user_id, version, &Rules::default())
    }

    /// Validates the update against `rules` and builds its request.
    pub fn build_with(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<ApiRequest, ValidationErrors> {
        let body = self.body(rules)?;
        let path = format!(
            "/v1/organizations/{}/memberships/{}/metadata",
            organization_id.as_str(),
            user_id.as_str()
        );
        Ok(ApiRequest::new(
            Method::Patch,
            path,
            version,
            BodyKind::Json,
            body,
        ))
    }
}

/// Shows the metadata tiers the update writes, by name only.
impl fmt::Debug for MembershipUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("MembershipUpdate");
        debug_tiers(&mut d, &self.meta);
        d.finish()
    }
}
