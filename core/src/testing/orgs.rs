//! The fake's organizations, memberships and invitations: Clerk's documented semantics
//! for the endpoints the client calls, over objects held as JSON, answered in the
//! spec's `Organization`, `OrganizationMembership(s)`, `Invitation` and
//! `OrganizationInvitation` shapes.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::api::{
    Answer, Call, TIER_LIMIT, deep_merge, error, format_invalid, json_body, not_found, now_ms,
    too_large, unknown,
};
use crate::update::create::is_email_address;
use crate::wire::version::ApiVersion;

type Object = Map<String, Value>;

/// The two tiers an organization, a membership or an organization invitation has.
const TIERS: [&str; 2] = ["public_metadata", "private_metadata"];

/// The `PATCH /v1/organizations/{organization_id}` body fields of 2026-05-12; the older
/// versions also take the two metadata tiers (replacing each one sent).
const UPDATE_ORGANIZATION_FIELDS: [&str; 6] = [
    "name",
    "slug",
    "max_allowed_memberships",
    "admin_delete_enabled",
    "created_at",
    "role_set_key",
];

/// The `POST /v1/invitations` body fields.
const CREATE_INVITATION_FIELDS: [&str; 7] = [
    "email_address",
    "public_metadata",
    "redirect_url",
    "notify",
    "ignore_existing",
    "expires_in_days",
    "template_slug",
];

/// The `POST /v1/organizations/{organization_id}/invitations` body fields.
const CREATE_ORGANIZATION_INVITATION_FIELDS: [&str; 8] = [
    "email_address",
    "inviter_user_id",
    "role",
    "public_metadata",
    "private_metadata",
    "redirect_url",
    "expires_in_days",
    "notify",
];

/// The organizations, memberships and invitations the fake holds.
#[derive(Default)]
pub(crate) struct Orgs {
    pub(crate) organizations: BTreeMap<String, Object>,
    /// By organization ID, then user ID: the membership without its embedded
    /// `organization` (added, as the organization is now, when answered).
    pub(crate) memberships: BTreeMap<String, BTreeMap<String, Object>>,
    pub(crate) invitations: BTreeMap<String, Object>,
    pub(crate) organization_invitations: BTreeMap<String, Object>,
}

/// A new organization as Clerk would hold it.
pub(crate) fn blank_organization(id: &str) -> Object {
    let now = now_ms();
    let Value::Object(org) = json!({
        "object": "organization",
        "id": id,
        "name": "Organization",
        "slug": id.to_ascii_lowercase().replace('_', "-"),
        "image_url": "https://img.clerk.com/default-organization",
        "has_image": false,
        "members_count": 0,
        "pending_invitations_count": 0,
        "max_allowed_memberships": 0,
        "admin_delete_enabled": true,
        "public_metadata": {},
        "private_metadata": {},
        "created_at": now,
        "updated_at": now,
        "role_set_key": null,
    }) else {
        return Object::new();
    };
    org
}

/// A new membership of `user` (the user's JSON, for `public_user_data`).
pub(crate) fn blank_membership(id: &str, user_id: &str, user: Option<&Object>) -> Object {
    let now = now_ms();
    let field = |key: &str| {
        user.and_then(|u| u.get(key))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let identifier = user
        .and_then(|u| u.get("email_addresses"))
        .and_then(Value::as_array)
        .and_then(|emails| emails.first())
        .and_then(|email| email.get("email_address"))
        .cloned()
        .unwrap_or(Value::Null);
    let image = user
        .and_then(|u| u.get("image_url"))
        .cloned()
        .filter(Value::is_string)
        .unwrap_or_else(|| json!("https://img.clerk.com/default-user"));
    let Value::Object(membership) = json!({
        "object": "organization_membership",
        "id": id,
        "role": "org:member",
        "role_name": "Member",
        "permissions": [],
        "public_metadata": {},
        "private_metadata": {},
        "public_user_data": {
            "user_id": user_id,
            "first_name": field("first_name"),
            "last_name": field("last_name"),
            "profile_image_url": image.clone(),
            "image_url": image,
            "has_image": false,
            "identifier": identifier,
            "username": field("username"),
        },
        "created_at": now,
        "updated_at": now,
    }) else {
        return Object::new();
    };
    membership
}

/// Each tier of `body` that is not an object is a format error; each over 8 KB too
/// large.
fn check_tiers(object: &Object, written: &[&str], trace: u64) -> Result<(), Answer> {
    for tier in written {
        let size = object.get(*tier).map_or(0, |t| t.to_string().len());
        if size > TIER_LIMIT {
            return Err(too_large(tier, trace));
        }
    }
    Ok(())
}

/// The metadata body of an organization or membership: only the two tiers, each an
/// object.
fn tiers(body: Object, trace: u64) -> Result<Vec<(String, Object)>, Answer> {
    let mut out = Vec::new();
    for (key, value) in body {
        if !TIERS.contains(&key.as_str()) {
            return Err(unknown(&key, trace));
        }
        match value {
            Value::Object(tier) => out.push((key, tier)),
            _ => return Err(format_invalid(&key, trace)),
        }
    }
    Ok(out)
}

fn merge(object: &mut Object, body: Object, trace: u64) -> Result<Vec<String>, Answer> {
    let mut written = Vec::new();
    for (key, patch) in tiers(body, trace)? {
        let tier = object
            .entry(key.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !tier.is_object() {
            *tier = Value::Object(Map::new());
        }
        if let Value::Object(tier) = tier {
            deep_merge(tier, patch);
        }
        written.push(key);
    }
    Ok(written)
}

fn replace(object: &mut Object, body: Object, trace: u64) -> Result<Vec<String>, Answer> {
    let mut written = Vec::new();
    for (key, tier) in tiers(body, trace)? {
        object.insert(key.clone(), Value::Object(tier));
        written.push(key);
    }
    Ok(written)
}

/// Stamps `updated_at` strictly later than the last write.
fn touch(object: &mut Object) {
    let before = object
        .get("updated_at")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    object.insert("updated_at".to_owned(), json!(now_ms().max(before + 1)));
}

fn invalid(param: &str, message: &str, trace: u64) -> Answer {
    error(422, "form_param_value_invalid", message, Some(param), trace)
}

/// `PATCH /v1/organizations/{organization_id}`: the fields the spec lists, checked as
/// it states (name: no URL or HTML, at most 256; slug unique; `max_allowed_memberships`
/// at least 0; `created_at` RFC 3339); before 2026-05-12 the tiers too, each replacing
/// the stored one.
fn update_organization(
    org: &mut Object,
    body: Object,
    call: &Call<'_>,
    slug_taken: &dyn Fn(&str) -> bool,
) -> Result<Vec<String>, Answer> {
    let trace = call.trace;
    let takes_metadata = call.version != ApiVersion::V2026_05_12;
    for key in body.keys() {
        let known = UPDATE_ORGANIZATION_FIELDS.contains(&key.as_str())
            || (takes_metadata && TIERS.contains(&key.as_str()));
        if !known {
            return Err(unknown(key, trace));
        }
    }
    let mut written = Vec::new();
    for (key, value) in body {
        if value.is_null() {
            // Every field is nullable: `null` leaves it as it is.
            continue;
        }
        match key.as_str() {
            "name" => {
                let Some(name) = value.as_str() else {
                    return Err(format_invalid(&key, trace));
                };
                let lower = name.to_ascii_lowercase();
                if name.trim().is_empty() {
                    return Err(invalid(&key, "name must not be blank", trace));
                }
                if name.chars().count() > 256 {
                    return Err(error(
                        422,
                        "form_param_max_length_exceeded",
                        "name must be at most 256 characters",
                        Some("name"),
                        trace,
                    ));
                }
                if name.contains(['<', '>']) || lower.contains("://") || lower.contains("www.") {
                    return Err(format_invalid(&key, trace));
                }
            }
            "slug" => {
                let Some(slug) = value.as_str() else {
                    return Err(format_invalid(&key, trace));
                };
                if slug.is_empty() || slug.chars().any(|c| c.is_whitespace() || c == '/') {
                    return Err(format_invalid(&key, trace));
                }
                let current = org.get("slug").and_then(Value::as_str);
                if current != Some(slug) && slug_taken(slug) {
                    return Err(error(
                        422,
                        "form_identifier_exists",
                        "That slug is taken. Please try another.",
                        Some("slug"),
                        trace,
                    ));
                }
            }
            "max_allowed_memberships" => {
                if !value.is_u64() {
                    return Err(format_invalid(&key, trace));
                }
            }
            "admin_delete_enabled" => {
                if !value.is_boolean() {
                    return Err(format_invalid(&key, trace));
                }
            }
            "created_at" => {
                let at = value
                    .as_str()
                    .and_then(rfc3339_ms)
                    .ok_or_else(|| format_invalid(&key, trace))?;
                org.insert(key, json!(at));
                continue;
            }
            "role_set_key" => {
                if !value.is_string() {
                    return Err(format_invalid(&key, trace));
                }
            }
            tier => {
                if !value.is_object() {
                    return Err(format_invalid(tier, trace));
                }
                written.push(key.clone());
            }
        }
        org.insert(key, value);
    }
    Ok(written)
}

/// Milliseconds since the epoch of an RFC 3339 date-time, if it is one.
fn rfc3339_ms(text: &str) -> Option<i64> {
    let at = crate::wire::values::Timestamp::parse_rfc3339(text).ok()?;
    let since = at.into_inner().duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_millis()).ok()
}

impl Orgs {
    /// The membership of `user` in `org` as Clerk answers it: with the organization
    /// embedded as it is now.
    pub(crate) fn membership_answer(&self, org: &str, membership: &Object) -> Value {
        let mut out = membership.clone();
        if let Some(organization) = self.organizations.get(org) {
            out.insert(
                "organization".to_owned(),
                Value::Object(self.organization_answer(org, organization)),
            );
        }
        Value::Object(out)
    }

    /// An organization with its counts as they are now.
    fn organization_answer(&self, id: &str, org: &Object) -> Object {
        let mut out = org.clone();
        let members = self.memberships.get(id).map_or(0, BTreeMap::len);
        let pending = self
            .organization_invitations
            .values()
            .filter(|inv| {
                inv.get("organization_id").and_then(Value::as_str) == Some(id)
                    && inv.get("status").and_then(Value::as_str) == Some("pending")
            })
            .count();
        out.insert("members_count".to_owned(), json!(members));
        out.insert("pending_invitations_count".to_owned(), json!(pending));
        out
    }

    fn slug_taken(&self, slug: &str, by_other_than: &str) -> bool {
        self.organizations.iter().any(|(id, org)| {
            id != by_other_than && org.get("slug").and_then(Value::as_str) == Some(slug)
        })
    }

    pub(crate) fn get_organization(&self, id: &str, trace: u64) -> Answer {
        match self.organizations.get(id) {
            Some(org) => Answer::json(200, &Value::Object(self.organization_answer(id, org))),
            None => not_found(trace),
        }
    }

    /// A write of organization `id`: applied to a copy, checked, then stored.
    pub(crate) fn write_organization(
        &mut self,
        id: &str,
        call: &Call<'_>,
        how: OrgWrite,
    ) -> Answer {
        let Some(mut org) = self.organizations.get(id).cloned() else {
            return not_found(call.trace);
        };
        let body = match json_body(call) {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        let result = match how {
            OrgWrite::Profile => {
                let taken = |slug: &str| self.slug_taken(slug, id);
                update_organization(&mut org, body, call, &taken)
            }
            OrgWrite::Merge => merge(&mut org, body, call.trace),
            OrgWrite::Replace => replace(&mut org, body, call.trace),
        };
        let written = match result {
            Ok(written) => written,
            Err(answer) => return answer,
        };
        let written: Vec<&str> = written.iter().map(String::as_str).collect();
        if let Err(answer) = check_tiers(&org, &written, call.trace) {
            return answer;
        }
        touch(&mut org);
        self.organizations.insert(id.to_owned(), org.clone());
        Answer::json(200, &Value::Object(self.organization_answer(id, &org)))
    }

    /// `GET /v1/organizations/{organization_id}/memberships?limit=&offset=`.
    pub(crate) fn list_memberships(&self, org: &str, query: &str, trace: u64) -> Answer {
        if !self.organizations.contains_key(org) {
            return not_found(trace);
        }
        let (mut limit, mut offset) = (10u64, 0u64);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let number = value.parse::<u64>().ok();
            match (key, number) {
                ("limit", Some(n)) if (1..=500).contains(&n) => limit = n,
                ("offset", Some(n)) => offset = n,
                ("limit" | "offset", _) => return format_invalid(key, trace),
                _ => {}
            }
        }
        let all = self.memberships.get(org);
        let total = all.map_or(0, BTreeMap::len);
        let data: Vec<Value> = all
            .into_iter()
            .flat_map(|m| m.values())
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|m| self.membership_answer(org, m))
            .collect();
        Answer::json(200, &json!({"data": data, "total_count": total}))
    }

    /// `PATCH …/memberships/{user_id}/metadata`: a deep merge of the two tiers.
    pub(crate) fn merge_membership(&mut self, org: &str, user: &str, call: &Call<'_>) -> Answer {
        let Some(mut membership) = self.memberships.get(org).and_then(|m| m.get(user)).cloned()
        else {
            return not_found(call.trace);
        };
        let body = match json_body(call) {
            Ok(body) => body,
            Err(answer) => return answer,
        };
        let written = match merge(&mut membership, body, call.trace) {
            Ok(written) => written,
            Err(answer) => return answer,
        };
        let written: Vec<&str> = written.iter().map(String::as_str).collect();
        if let Err(answer) = check_tiers(&membership, &written, call.trace) {
            return answer;
        }
        touch(&mut membership);
        let answer = self.membership_answer(org, &membership);
        self.memberships
            .entry(org.to_owned())
            .or_default()
            .insert(user.to_owned(), membership);
        Answer::json(200, &answer)
    }

    /// `POST /v1/invitations`.
    pub(crate) fn create_invitation(
        &mut self,
        id: String,
        call: &Call<'_>,
        email_taken: &dyn Fn(&str) -> bool,
    ) -> Answer {
        let trace = call.trace;
        let (body, email) = match invitation_body(call, &CREATE_INVITATION_FIELDS) {
            Ok(read) => read,
            Err(answer) => return answer,
        };
        let email = email.as_str();
        let ignore_existing = body.get("ignore_existing").and_then(Value::as_bool) == Some(true);
        if email_taken(email) && !ignore_existing {
            return error(
                422,
                "duplicate_record",
                "There is already a user with this email address",
                Some("email_address"),
                trace,
            );
        }
        let public = match tier_of(&body, "public_metadata", trace) {
            Ok(tier) => tier,
            Err(answer) => return answer,
        };
        let now = now_ms();
        let days = body
            .get("expires_in_days")
            .and_then(Value::as_i64)
            .unwrap_or(30);
        let Value::Object(invitation) = json!({
            "object": "invitation",
            "id": id,
            "email_address": email,
            "public_metadata": public,
            "revoked": false,
            "status": "pending",
            "url": format!("https://accounts.example.com/sign-up?__clerk_ticket={id}"),
            "expires_at": now + days * 86_400_000,
            "created_at": now,
            "updated_at": now,
        }) else {
            return not_found(trace);
        };
        self.invitations.insert(id, invitation.clone());
        Answer::json(200, &Value::Object(invitation))
    }

    /// `POST /v1/organizations/{organization_id}/invitations`.
    pub(crate) fn create_organization_invitation(
        &mut self,
        org: &str,
        id: String,
        call: &Call<'_>,
    ) -> Answer {
        let trace = call.trace;
        if !self.organizations.contains_key(org) {
            return not_found(trace);
        }
        let (body, email) = match invitation_body(call, &CREATE_ORGANIZATION_INVITATION_FIELDS) {
            Ok(read) => read,
            Err(answer) => return answer,
        };
        let email = email.as_str();
        let role = match required_text(&body, "role", trace) {
            Ok(role) => role,
            Err(answer) => return answer,
        };
        let mut tiers = Vec::new();
        for tier in TIERS {
            match tier_of(&body, tier, trace) {
                Ok(value) => tiers.push(value),
                Err(answer) => return answer,
            }
        }
        let now = now_ms();
        let days = body
            .get("expires_in_days")
            .and_then(Value::as_i64)
            .unwrap_or(30);
        let inviter = body.get("inviter_user_id").cloned().unwrap_or(Value::Null);
        let role_name = role.rsplit(':').next().unwrap_or(role);
        let Value::Object(invitation) = json!({
            "object": "organization_invitation",
            "id": id,
            "email_address": email,
            "role": role,
            "role_name": role_name,
            "organization_id": org,
            "inviter_id": inviter,
            "public_inviter_data": null,
            "status": "pending",
            "public_metadata": tiers[0],
            "private_metadata": tiers[1],
            "url": null,
            "expires_at": now + days * 86_400_000,
            "created_at": now,
            "updated_at": now,
        }) else {
            return not_found(trace);
        };
        self.organization_invitations.insert(id, invitation.clone());
        Answer::json(200, &Value::Object(invitation))
    }
}

/// The body of an invitation create: a JSON object of `fields` only, with a valid
/// `email_address`; else the answer that refuses it.
fn invitation_body(call: &Call<'_>, fields: &[&str]) -> Result<(Object, String), Answer> {
    let body = json_body(call)?;
    if let Some(key) = body.keys().find(|key| !fields.contains(&key.as_str())) {
        return Err(unknown(key, call.trace));
    }
    let email = required_text(&body, "email_address", call.trace)?;
    if !is_email_address(email) {
        return Err(format_invalid("email_address", call.trace));
    }
    let email = email.to_owned();
    Ok((body, email))
}

/// The text `key` of `body`, or Clerk's `form_param_missing`.
fn required_text<'b>(body: &'b Object, key: &str, trace: u64) -> Result<&'b str, Answer> {
    body.get(key).and_then(Value::as_str).ok_or_else(|| {
        error(
            422,
            "form_param_missing",
            &format!("{key} must be included"),
            Some(key),
            trace,
        )
    })
}

/// The metadata tier `key` of a create's body: absent or `null` is `{}`; another shape
/// is refused, and so is one over Clerk's 8 KB.
fn tier_of(body: &Object, key: &str, trace: u64) -> Result<Value, Answer> {
    let tier = match body.get(key) {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(Value::Object(tier)) => Value::Object(tier.clone()),
        Some(_) => return Err(format_invalid(key, trace)),
    };
    if tier.to_string().len() > TIER_LIMIT {
        return Err(too_large(key, trace));
    }
    Ok(tier)
}

/// What a write of an organization does.
#[derive(Clone, Copy)]
pub(crate) enum OrgWrite {
    /// `PATCH /v1/organizations/{organization_id}`.
    Profile,
    /// `PATCH …/metadata`.
    Merge,
    /// `PUT …/metadata`.
    Replace,
}

use super::api::{Event, EventType, Users, blank_user, email_address};
use super::{FakeClerk, SeedError};
use crate::wire::id::{InvitationId, OrganizationId, OrganizationInvitationId, UserId};

/// `given` over `base`, each tier that is not an object made `{}`.
fn seeded(mut base: Object, given: Object) -> Object {
    base.extend(given);
    for tier in TIERS {
        if !base.get(tier).is_some_and(Value::is_object) {
            base.insert(tier.to_owned(), Value::Object(Map::new()));
        }
    }
    base
}

impl Users {
    /// Stores a new membership of `user` in `org` with `role` and the two tiers.
    fn add_membership(&mut self, org: &str, user: &str, given: Object) -> Object {
        let id = self.new_id("orgmem_");
        let membership = seeded(blank_membership(&id, user, self.users.get(user)), given);
        self.orgs
            .memberships
            .entry(org.to_owned())
            .or_default()
            .insert(user.to_owned(), membership.clone());
        membership
    }
}

impl FakeClerk {
    /// Adds (or replaces) an organization from its Backend API JSON, which must be an
    /// object with an `id` of the form `org_…`. The fields it leaves out are those of a
    /// new organization (empty metadata tiers, no membership limit). Seeding: no
    /// webhook is sent.
    ///
    /// ```
    /// # use clerk_metadata::testing::FakeClerk;
    /// # use serde_json::json;
    /// let fake = FakeClerk::start()?;
    /// let org = fake.insert_organization(json!({
    ///     "id": "org_acme", "name": "Acme", "slug": "acme",
    ///     "public_metadata": {"plan": "pro"},
    /// }))?;
    /// assert_eq!(fake.organization(&org).unwrap()["public_metadata"]["plan"], "pro");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn insert_organization(&self, organization: Value) -> Result<OrganizationId, SeedError> {
        let Value::Object(given) = organization else {
            return Err(SeedError("an organization is a JSON object"));
        };
        let id = given
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| OrganizationId::parse(id).ok())
            .ok_or(SeedError(
                "an organization needs an `id` of the form `org_…`",
            ))?;
        let org = seeded(blank_organization(id.as_str()), given);
        self.shared
            .users()
            .orgs
            .organizations
            .insert(id.as_str().to_owned(), org);
        Ok(id)
    }

    /// The stored JSON of organization `id`, if the fake holds it.
    pub fn organization(&self, id: &OrganizationId) -> Option<Value> {
        self.shared
            .users()
            .orgs
            .organizations
            .get(id.as_str())
            .cloned()
            .map(Value::Object)
    }

    /// Adds (or replaces) the membership of user `user_id` in organization
    /// `organization_id`: `membership` (an object; `{}` will do) over a new
    /// membership with role `org:member`, whose `public_user_data` is the user's if
    /// the fake holds it. The organization must exist. Seeding: no webhook is sent.
    pub fn insert_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        membership: Value,
    ) -> Result<(), SeedError> {
        let Value::Object(given) = membership else {
            return Err(SeedError("a membership is a JSON object"));
        };
        let mut users = self.shared.users();
        if !users
            .orgs
            .organizations
            .contains_key(organization_id.as_str())
        {
            return Err(SeedError("the fake holds no organization with this ID"));
        }
        users.add_membership(organization_id.as_str(), user_id.as_str(), given);
        Ok(())
    }

    /// The stored JSON of the membership of user `user_id` in organization
    /// `organization_id` (without its embedded organization), if there is one.
    pub fn membership(&self, organization_id: &OrganizationId, user_id: &UserId) -> Option<Value> {
        self.shared
            .users()
            .orgs
            .memberships
            .get(organization_id.as_str())
            .and_then(|m| m.get(user_id.as_str()))
            .cloned()
            .map(Value::Object)
    }

    /// The stored JSON of invitation `id` (`POST /v1/invitations`), if there is one.
    pub fn invitation(&self, id: &InvitationId) -> Option<Value> {
        self.shared
            .users()
            .orgs
            .invitations
            .get(id.as_str())
            .cloned()
            .map(Value::Object)
    }

    /// Accepts invitation `id` as the invitee signing up would: a new user with the
    /// invited address (verified, primary) and the invitation's public metadata as its
    /// public metadata, and `user.created` delivered as a `POST /v1/users` delivers it.
    /// The invitation becomes `accepted`. Refused if the invitation is not pending or
    /// another user has the address.
    pub fn accept_invitation(&self, id: &InvitationId) -> Result<UserId, SeedError> {
        let mut users = self.shared.users();
        let invitation = users
            .orgs
            .invitations
            .get(id.as_str())
            .cloned()
            .ok_or(SeedError("the fake holds no invitation with this ID"))?;
        if invitation.get("status").and_then(Value::as_str) != Some("pending") {
            return Err(SeedError("the invitation is not pending"));
        }
        let address = invitation
            .get("email_address")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if users.identification_taken("email_address", &address) {
            return Err(SeedError("another user has this email address"));
        }
        let user_id = loop {
            let id = users.new_id("user_");
            if !users.users.contains_key(&id) {
                break id;
            }
        };
        let email_id = users.new_id("idn_");
        let now = now_ms();
        let mut user = blank_user(&user_id);
        user.insert(
            "email_addresses".to_owned(),
            Value::Array(vec![email_address(&email_id, &address)]),
        );
        user.insert("primary_email_address_id".to_owned(), json!(email_id));
        user.insert(
            "public_metadata".to_owned(),
            invitation
                .get("public_metadata")
                .cloned()
                .unwrap_or_else(|| json!({})),
        );
        user.insert("created_at".to_owned(), json!(now));
        user.insert("updated_at".to_owned(), json!(now));
        users.users.insert(user_id.clone(), user.clone());
        if let Some(stored) = users.orgs.invitations.get_mut(id.as_str()) {
            stored.insert("status".to_owned(), json!("accepted"));
            stored.insert("updated_at".to_owned(), json!(now));
        }
        let user_id = UserId(user_id);
        // Published while the users are locked, as the API's writes are.
        self.shared.webhooks.publish(
            Event {
                kind: EventType::Created,
                object_id: user_id.as_str().to_owned(),
                data: user,
                at_ms: now,
            },
            "",
        );
        drop(users);
        Ok(user_id)
    }

    /// Accepts organization invitation `id` as user `user_id` (whom the fake must
    /// hold): a new membership with the invitation's role and its public and private
    /// metadata. The invitation becomes `accepted`, and the fake's webhook endpoints
    /// receive `organizationInvitation.accepted` and `organizationMembership.created`.
    /// Refused if it is not pending or the user is already a member.
    pub fn accept_organization_invitation(
        &self,
        id: &OrganizationInvitationId,
        user_id: &UserId,
    ) -> Result<(), SeedError> {
        let mut users = self.shared.users();
        let invitation = users
            .orgs
            .organization_invitations
            .get(id.as_str())
            .cloned()
            .ok_or(SeedError(
                "the fake holds no organization invitation with this ID",
            ))?;
        if invitation.get("status").and_then(Value::as_str) != Some("pending") {
            return Err(SeedError("the invitation is not pending"));
        }
        if !users.users.contains_key(user_id.as_str()) {
            return Err(SeedError("the fake holds no user with this ID"));
        }
        let org = invitation
            .get("organization_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !users.orgs.organizations.contains_key(&org) {
            return Err(SeedError("the invitation's organization is gone"));
        }
        let member = users
            .orgs
            .memberships
            .get(&org)
            .is_some_and(|m| m.contains_key(user_id.as_str()));
        if member {
            return Err(SeedError("the user is already a member"));
        }
        let mut given = Object::new();
        for key in ["role", "role_name", "public_metadata", "private_metadata"] {
            if let Some(value) = invitation.get(key) {
                given.insert(key.to_owned(), value.clone());
            }
        }
        users.add_membership(&org, user_id.as_str(), given);
        let now = now_ms();
        let mut accepted = None;
        if let Some(stored) = users.orgs.organization_invitations.get_mut(id.as_str()) {
            stored.insert("status".to_owned(), json!("accepted"));
            stored.insert("updated_at".to_owned(), json!(now));
            accepted = Some(stored.clone());
        }
        let membership = users
            .orgs
            .memberships
            .get(&org)
            .and_then(|m| m.get(user_id.as_str()))
            .map(|m| users.orgs.membership_answer(&org, m));
        // Published while the users are locked, as the API's writes are: the
        // invitation's acceptance, then the membership it made.
        let events = [
            (EventType::OrganizationInvitationAccepted, accepted),
            (
                EventType::MembershipCreated,
                membership.and_then(|m| match m {
                    Value::Object(m) => Some(m),
                    _ => None,
                }),
            ),
        ];
        for (kind, data) in events {
            let Some(data) = data else { continue };
            let object_id = data
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            self.shared.webhooks.publish(
                Event {
                    kind,
                    object_id,
                    data,
                    at_ms: now,
                },
                "",
            );
        }
        drop(users);
        Ok(())
    }
}
