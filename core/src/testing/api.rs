//! What the fake does with a request: Clerk's documented semantics for the user
//! endpoints this crate calls, over users held as JSON, and the events its writes emit.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::orgs::OrgWrite;
use crate::update::create::is_email_address;
use crate::wire::id::UserId;
use crate::wire::values::PasswordHasher;
use crate::wire::version::ApiVersion;

/// The largest metadata tier Clerk stores, in bytes of JSON.
pub(crate) const TIER_LIMIT: usize = 8 * 1024;

/// The `PATCH /v1/users/{user_id}` body fields of 2026-05-12; the older versions also
/// take the three metadata tiers (replacing each one sent).
const UPDATE_USER_FIELDS: [&str; 24] = [
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "primary_email_address_id",
    "notify_primary_email_address_changed",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
    "username",
    "profile_image_id",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "sign_out_of_other_sessions",
    "totp_secret",
    "backup_codes",
    "delete_self_enabled",
    "create_organization_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
];

const TIERS: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

/// A JSON object.
type Object = Map<String, Value>;

/// How a write changes a user: from the request body, or an error answer.
type Apply = fn(&mut Object, Object, &Call<'_>) -> Result<(), Answer>;

/// An answer: status, `Retry-After` (seconds) and JSON body.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<u64>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            retry_after: None,
            body: serde_json::to_vec(body).unwrap_or_default(),
        }
    }
}

/// One Clerk error answer, in Clerk's `ClerkErrors` envelope.
pub(crate) fn error(
    status: u16,
    code: &str,
    message: &str,
    param: Option<&str>,
    trace: u64,
) -> Answer {
    let mut error = json!({"code": code, "message": message, "long_message": message});
    if let Some(param) = param {
        error["meta"] = json!({ "param_name": param });
    }
    Answer::json(
        status,
        &json!({"errors": [error], "clerk_trace_id": format!("fake_trace_{trace}")}),
    )
}

/// The per-user write limit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimit {
    pub(crate) writes: usize,
    pub(crate) window: Duration,
}

/// The users and what the fake tracks of them.
pub(crate) struct Users {
    pub(crate) users: super::list::Store,
    pub(crate) limit: RateLimit,
    writes: HashMap<String, VecDeque<Instant>>,
    pub(crate) jwks: Value,
    /// Numbers the IDs of the users and identifications the API creates.
    created: u64,
    /// Organizations, memberships and invitations.
    pub(crate) orgs: super::orgs::Orgs,
    /// The instance-wide request limit, if set, and its window.
    pub(crate) instance: super::list::InstanceWindow,
}

/// A request, as the fake's logic sees it.
pub(crate) struct Call<'a> {
    pub(crate) method: &'a str,
    /// The `Content-Type` header, if any.
    pub(crate) content_type: Option<&'a str>,
    pub(crate) path: &'a str,
    /// The query string, without its `?` (empty if none).
    pub(crate) query: &'a str,
    pub(crate) version: ApiVersion,
    pub(crate) body: &'a [u8],
    pub(crate) trace: u64,
}

/// The `POST /v1/users` body fields (`CreateUser`; the same in the three API
/// versions).
const CREATE_USER_FIELDS: [&str; 30] = [
    "external_id",
    "first_name",
    "last_name",
    "locale",
    "email_address",
    "email_address_identification_status",
    "phone_number",
    "phone_number_identification_status",
    "web3_wallet",
    "username",
    "password",
    "password_digest",
    "password_hasher",
    "skip_password_checks",
    "skip_password_requirement",
    "totp_secret",
    "backup_codes",
    "public_metadata",
    "private_metadata",
    "unsafe_metadata",
    "delete_self_enabled",
    "legal_accepted_at",
    "skip_legal_checks",
    "skip_user_requirement",
    "create_organization_enabled",
    "create_organizations_limit",
    "created_at",
    "bypass_client_trust",
    "banned",
    "locked",
];

/// The kind of a webhook event a write emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    /// `user.created`.
    Created,
    /// `user.updated`.
    Updated,
    /// `user.deleted`.
    Deleted,
    /// `organization.updated`.
    OrganizationUpdated,
    /// `organizationMembership.created`.
    MembershipCreated,
    /// `organizationMembership.updated`.
    MembershipUpdated,
    /// `organizationInvitation.created`.
    OrganizationInvitationCreated,
    /// `organizationInvitation.accepted`.
    OrganizationInvitationAccepted,
}

impl EventType {
    /// Clerk's name of the event: `user.created`, ….
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            EventType::Created => "user.created",
            EventType::Updated => "user.updated",
            EventType::Deleted => "user.deleted",
            EventType::OrganizationUpdated => "organization.updated",
            EventType::MembershipCreated => "organizationMembership.created",
            EventType::MembershipUpdated => "organizationMembership.updated",
            EventType::OrganizationInvitationCreated => "organizationInvitation.created",
            EventType::OrganizationInvitationAccepted => "organizationInvitation.accepted",
        }
    }
}

/// A write the fake applied, for its webhooks: the event's type, the ID of the object
/// it is about, and the event's `data` (the object as `GET` answers it; for a
/// deletion, Clerk's deleted object).
pub(crate) struct Event {
    pub(crate) kind: EventType,
    pub(crate) object_id: String,
    pub(crate) data: Object,
    /// When the write was applied, in milliseconds since the epoch.
    pub(crate) at_ms: i64,
}

impl Event {
    /// The event of an answer that applied a write (status 200, a JSON object with an
    /// `id`), or none.
    pub(crate) fn of_answer(answer: &Answer, kind: EventType) -> Option<Event> {
        if answer.status != 200 {
            return None;
        }
        let Ok(Value::Object(data)) = serde_json::from_slice::<Value>(&answer.body) else {
            return None;
        };
        let object_id = data.get("id").and_then(Value::as_str)?.to_owned();
        Some(Event {
            kind,
            object_id,
            data,
            at_ms: now_ms(),
        })
    }
}

/// The answer to a write that applied and stored `user` (or refused, with its answer),
/// and the event it emits.
fn applied(result: Result<Object, Answer>, kind: EventType) -> (Answer, Option<Event>) {
    let data = match result {
        Ok(data) => data,
        Err(answer) => return (answer, None),
    };
    let answer = Answer::json(200, &Value::Object(data.clone()));
    let object_id = data
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| UserId::parse(id).is_ok())
        .map(str::to_owned);
    let event = object_id.map(|object_id| Event {
        kind,
        object_id,
        data,
        at_ms: now_ms(),
    });
    (answer, event)
}

/// An answer, with the event it emits if it applied a write.
fn with_event(answer: Answer, kind: EventType) -> (Answer, Option<Event>) {
    let event = Event::of_answer(&answer, kind);
    (answer, event)
}

/// The JSON object a write sends, or the answer that refuses it: 415 for another
/// content type, 400 for text that is not JSON, 422 for JSON that is not an object.
pub(crate) fn json_body(call: &Call<'_>) -> Result<Object, Answer> {
    let json = call
        .content_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(error(
            415,
            "unsupported_media_type",
            "The request body must be application/json",
            None,
            call.trace,
        ));
    }
    match serde_json::from_slice::<Value>(call.body) {
        Ok(Value::Object(body)) => Ok(body),
        Ok(_) => Err(error(
            422,
            "form_param_format_invalid",
            "The request body must be a JSON object",
            None,
            call.trace,
        )),
        Err(_) => Err(error(
            400,
            "malformed_request",
            "The request body is not valid JSON",
            None,
            call.trace,
        )),
    }
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Users {
    pub(crate) fn new(limit: RateLimit) -> Users {
        Users {
            users: super::list::Store::default(),
            limit,
            writes: HashMap::new(),
            jwks: json!({"keys": []}),
            created: 0,
            orgs: super::orgs::Orgs::default(),
            instance: super::list::InstanceWindow::default(),
        }
    }

    /// Answers an authenticated request, with the event a write it applied emits.
    pub(crate) fn answer(&mut self, call: &Call<'_>) -> (Answer, Option<Event>) {
        if let Some(answer) = self.instance.admit(call.trace) {
            return (answer, None);
        }
        let segments: Vec<&str> = call.path.trim_start_matches('/').split('/').collect();
        match (call.method, segments.as_slice()) {
            ("GET", ["v1", "jwks"]) => (Answer::json(200, &self.jwks), None),
            ("GET", ["v1", "users"]) => (self.list(call), None),
            ("GET", ["v1", "users", "count"]) => (self.count(call), None),
            ("GET", ["v1", "users", id]) => (self.get(id, call), None),
            ("POST", ["v1", "users"]) => applied(self.create(call), EventType::Created),
            ("DELETE", ["v1", "users", id]) => applied(self.delete(id, call), EventType::Deleted),
            ("PATCH", ["v1", "users", id]) => {
                applied(self.write(id, call, update_user), EventType::Updated)
            }
            ("PATCH", ["v1", "users", id, "metadata"]) => {
                applied(self.write(id, call, merge_metadata), EventType::Updated)
            }
            ("PUT", ["v1", "users", id, "metadata"]) => {
                applied(self.write(id, call, replace_metadata), EventType::Updated)
            }
            ("GET", ["v1", "organizations", id]) => {
                (self.orgs.get_organization(id, call.trace), None)
            }
            ("PATCH", ["v1", "organizations", id]) => with_event(
                self.org_write(id, call, OrgWrite::Profile),
                EventType::OrganizationUpdated,
            ),
            ("PATCH", ["v1", "organizations", id, "metadata"]) => with_event(
                self.org_write(id, call, OrgWrite::Merge),
                EventType::OrganizationUpdated,
            ),
            ("PUT", ["v1", "organizations", id, "metadata"]) => with_event(
                self.org_write(id, call, OrgWrite::Replace),
                EventType::OrganizationUpdated,
            ),
            ("GET", ["v1", "organizations", id, "memberships"]) => {
                (self.orgs.list_memberships(id, call.query, call.trace), None)
            }
            ("PATCH", ["v1", "organizations", org, "memberships", user, "metadata"]) => {
                let answer = match self.rate_limited(&format!("{org}/{user}"), call) {
                    Some(answer) => answer,
                    None => self.orgs.merge_membership(org, user, call),
                };
                with_event(answer, EventType::MembershipUpdated)
            }
            ("POST", ["v1", "invitations"]) => {
                let id = self.new_id("inv_");
                let mut orgs = std::mem::take(&mut self.orgs);
                let taken = |email: &str| self.identification_taken("email_address", email);
                let answer = orgs.create_invitation(id, call, &taken);
                self.orgs = orgs;
                (answer, None)
            }
            ("POST", ["v1", "organizations", org, "invitations"]) => {
                let id = self.new_id("orginv_");
                with_event(
                    self.orgs.create_organization_invitation(org, id, call),
                    EventType::OrganizationInvitationCreated,
                )
            }
            _ => {
                let answer = error(
                    404,
                    "resource_not_found",
                    "The requested resource was not found (the fake serves the user, organization, membership and invitation endpoints and /v1/jwks)",
                    None,
                    call.trace,
                );
                (answer, None)
            }
        }
    }

    /// Counts a write to `key` (a user's or an organization's ID), or answers 429 if
    /// the per-object limit is reached.
    fn rate_limited(&mut self, key: &str, call: &Call<'_>) -> Option<Answer> {
        let now = Instant::now();
        let window = self.limit.window;
        let writes = self.writes.entry(key.to_owned()).or_default();
        while writes
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            writes.pop_front();
        }
        if writes.len() >= self.limit.writes {
            let wait = writes.front().map_or(window, |oldest| {
                window.saturating_sub(now.duration_since(*oldest))
            });
            let mut answer = error(
                429,
                "too_many_requests",
                "Too many requests, retry later",
                None,
                call.trace,
            );
            answer.retry_after = Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
            return Some(answer);
        }
        writes.push_back(now);
        None
    }

    /// A write of organization `id`, rate-limited as a user's.
    fn org_write(&mut self, id: &str, call: &Call<'_>, how: OrgWrite) -> Answer {
        if !self.orgs.organizations.contains_key(id) {
            return not_found(call.trace);
        }
        if let Some(answer) = self.rate_limited(id, call) {
            return answer;
        }
        self.orgs.write_organization(id, call, how)
    }

    fn get(&self, id: &str, call: &Call<'_>) -> Answer {
        match self.users.get(id) {
            Some(user) => Answer::json(200, &Value::Object(user.clone())),
            None => not_found(call.trace),
        }
    }

    /// A write: rate-limited per user, applied to a copy, checked, then stored. Returns
    /// the user stored, or the answer that refuses the write.
    fn write(&mut self, id: &str, call: &Call<'_>, apply: Apply) -> Result<Object, Answer> {
        if !self.users.contains_key(id) {
            return Err(not_found(call.trace));
        }
        if let Some(answer) = self.rate_limited(id, call) {
            return Err(answer);
        }
        let body = json_body(call)?;
        let Some(mut updated) = self.users.get(id).cloned() else {
            return Err(not_found(call.trace));
        };
        let written: Vec<&str> = TIERS
            .into_iter()
            .filter(|t| body.contains_key(*t))
            .collect();
        apply(&mut updated, body, call)?;
        // A username this request sets must be one no other user has.
        let stored = self.users.get(id).and_then(|u| u.get("username"));
        if let Some(username) = updated.get("username").and_then(Value::as_str)
            && stored != updated.get("username")
            && self.username_taken_by_other(username, id)
        {
            return Err(username_taken(call.trace));
        }
        // Only the tiers this request writes are held to the limit.
        for tier in TIERS.into_iter().filter(|t| written.contains(t)) {
            let size = updated.get(tier).map_or(0, |t| t.to_string().len());
            if size > TIER_LIMIT {
                return Err(too_large(tier, call.trace));
            }
        }
        // Strictly later than the last write, as an app ordering events by
        // `updated_at` needs, even for two writes within a millisecond.
        let before = updated
            .get("updated_at")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        updated.insert("updated_at".to_owned(), json!(now_ms().max(before + 1)));
        self.users.insert(id.to_owned(), updated.clone());
        Ok(updated)
    }

    /// `DELETE /v1/users/{user_id}`: removes the user; answers Clerk's deleted object.
    fn delete(&mut self, id: &str, call: &Call<'_>) -> Result<Object, Answer> {
        if self.users.remove(id).is_none() {
            return Err(not_found(call.trace));
        }
        self.writes.remove(id);
        let mut deleted = Object::new();
        deleted.insert("deleted".to_owned(), Value::Bool(true));
        deleted.insert("id".to_owned(), Value::String(id.to_owned()));
        deleted.insert("object".to_owned(), Value::String("user".to_owned()));
        Ok(deleted)
    }

    /// `POST /v1/users`: checks the body as Clerk does (see the module docs), then
    /// stores and returns the new user.
    fn create(&mut self, call: &Call<'_>) -> Result<Object, Answer> {
        let body = json_body(call)?;
        let new = NewUserBody::read(&body, call.trace)?;
        let trace = call.trace;
        // Unique across the instance: identifications compared without regard to
        // ASCII case, and within the request too.
        for (list, items) in [
            ("email_address", &new.emails),
            ("phone_number", &new.phones),
            ("web3_wallet", &new.wallets),
        ] {
            for (i, item) in items.iter().enumerate() {
                let repeated = items[..i].iter().any(|o| o.eq_ignore_ascii_case(item));
                if repeated || self.identification_taken(list, item) {
                    return Err(identifier_exists(list, trace));
                }
            }
        }
        if let Some(username) = &new.username
            && self.username_taken_by_other(username, "")
        {
            return Err(username_taken(trace));
        }
        if let Some(external_id) = &new.external_id {
            let taken = self.users.values().any(|user| {
                user.get("external_id").and_then(Value::as_str) == Some(external_id.as_str())
            });
            if taken {
                return Err(identifier_exists("external_id", trace));
            }
        }
        let id = loop {
            let id = self.new_id("user_");
            if !self.users.contains_key(&id) {
                break id;
            }
        };
        let now = now_ms();
        let mut user = blank_user(&id);
        let mut set = |key: &str, value: Value| {
            user.insert(key.to_owned(), value);
        };
        for (key, value) in [
            ("external_id", &new.external_id),
            ("first_name", &new.first_name),
            ("last_name", &new.last_name),
            ("locale", &new.locale),
            ("username", &new.username),
        ] {
            if let Some(value) = value {
                set(key, Value::String(value.clone()));
            }
        }
        for (key, value) in &new.flags {
            set(key, Value::Bool(*value));
        }
        if let Some(limit) = new.create_organizations_limit {
            set("create_organizations_limit", json!(limit));
        }
        if let Some(at) = new.legal_accepted_at {
            set("legal_accepted_at", json!(at));
        }
        if new.password {
            set("password_enabled", Value::Bool(true));
            set("password_last_updated_at", json!(now));
        }
        if new.totp {
            set("totp_enabled", Value::Bool(true));
            set("two_factor_enabled", Value::Bool(true));
        }
        if new.backup_codes {
            set("backup_code_enabled", Value::Bool(true));
        }
        for (tier, value) in new.tiers {
            set(tier, Value::Object(value));
        }
        set("created_at", json!(new.created_at.unwrap_or(now)));
        set("updated_at", json!(now));
        let mut emails = Vec::new();
        for (address, reserved) in new.emails.iter().zip(&new.email_reserved) {
            let mut email = email_address(&self.new_id("idn_"), address);
            if *reserved {
                email["reserved"] = Value::Bool(true);
                email["verification"] = Value::Null;
            }
            emails.push(email);
        }
        let mut phones = Vec::new();
        for (number, reserved) in new.phones.iter().zip(&new.phone_reserved) {
            let mut phone = phone_number(&self.new_id("idn_"), number);
            if *reserved {
                phone["reserved"] = Value::Bool(true);
                phone["verification"] = Value::Null;
            }
            phones.push(phone);
        }
        let wallets: Vec<Value> = new
            .wallets
            .iter()
            .map(|wallet| web3_wallet(&self.new_id("idn_"), wallet))
            .collect();
        for (list, primary, items) in [
            ("email_addresses", "primary_email_address_id", emails),
            ("phone_numbers", "primary_phone_number_id", phones),
            ("web3_wallets", "primary_web3_wallet_id", wallets),
        ] {
            if let Some(first) = items.first() {
                user.insert(primary.to_owned(), first["id"].clone());
            }
            user.insert(list.to_owned(), Value::Array(items));
        }
        self.users.insert(id, user.clone());
        Ok(user)
    }

    /// A new ID with `prefix` (`user_`, `idn_`) and 27 letters and digits, as Clerk's
    /// IDs look; unique within the fake.
    pub(crate) fn new_id(&mut self, prefix: &str) -> String {
        self.created += 1;
        let mut state = self.created;
        let mut id = String::with_capacity(prefix.len() + 27);
        id.push_str(prefix);
        // The first 11 characters are a bijection of the counter (62^11 > 2^64); the
        // rest only look random.
        let mut chars = 0;
        while chars < 27 {
            let mut bits = splitmix64(&mut state);
            for _ in 0..11 {
                if chars == 27 {
                    break;
                }
                id.push(char::from(BASE62[(bits % 62) as usize]));
                bits /= 62;
                chars += 1;
            }
        }
        id
    }

    /// Whether some user has `item` in its identification list `list`
    /// (`email_address`, `phone_number`, `web3_wallet`), compared without regard to
    /// ASCII case.
    pub(crate) fn identification_taken(&self, list: &str, item: &str) -> bool {
        let (objects, key) = match list {
            "email_address" => ("email_addresses", "email_address"),
            "phone_number" => ("phone_numbers", "phone_number"),
            _ => ("web3_wallets", "web3_wallet"),
        };
        self.users.values().any(|user| {
            identifications(user, objects).any(|held| {
                held.get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|held| held.eq_ignore_ascii_case(item))
            })
        })
    }

    /// Whether a user other than `id` has the username `username`, compared without
    /// regard to ASCII case (Clerk keeps usernames unique per instance).
    pub(crate) fn username_taken_by_other(&self, username: &str, id: &str) -> bool {
        self.users.iter().any(|(other, user)| {
            other != id
                && user
                    .get("username")
                    .and_then(Value::as_str)
                    .is_some_and(|held| held.eq_ignore_ascii_case(username))
        })
    }

    /// Whether a user other than `id` has the email address `address`, compared
    /// without regard to ASCII case.
    pub(crate) fn email_taken_by_other(&self, address: &str, id: &str) -> bool {
        self.users.iter().any(|(other, user)| {
            other != id
                && identifications(user, "email_addresses").any(|email| {
                    email
                        .get("email_address")
                        .and_then(Value::as_str)
                        .is_some_and(|held| held.eq_ignore_ascii_case(address))
                })
        })
    }
}

/// ASCII letters and digits, for IDs.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// SplitMix64: the next number of the sequence `state` is at.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A `CreateUser` body, read and checked field by field.
struct NewUserBody {
    external_id: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    locale: Option<String>,
    username: Option<String>,
    emails: Vec<String>,
    email_reserved: Vec<bool>,
    phones: Vec<String>,
    phone_reserved: Vec<bool>,
    wallets: Vec<String>,
    /// Whether a password (or its digest) was set: the fake keeps nothing else of it.
    password: bool,
    totp: bool,
    backup_codes: bool,
    /// The boolean fields stored on the user, as sent.
    flags: Vec<(&'static str, bool)>,
    create_organizations_limit: Option<u64>,
    legal_accepted_at: Option<i64>,
    created_at: Option<i64>,
    tiers: Vec<(&'static str, Object)>,
}

impl NewUserBody {
    fn read(body: &Object, trace: u64) -> Result<NewUserBody, Answer> {
        if let Some(key) = body
            .keys()
            .find(|k| !CREATE_USER_FIELDS.contains(&k.as_str()))
        {
            return Err(unknown(key, trace));
        }
        let string = |key: &str| match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(format_invalid(key, trace)),
        };
        let strings = |key: &str| match body.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| format_invalid(key, trace)),
            Some(_) => Err(format_invalid(key, trace)),
        };
        let flag = |key: &str| match body.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(format_invalid(key, trace)),
        };
        let time = |key: &str| -> Result<Option<i64>, Answer> {
            let Some(text) = string(key)? else {
                return Ok(None);
            };
            let at = humantime::parse_rfc3339(&text).map_err(|_| format_invalid(key, trace))?;
            let ms = at
                .duration_since(UNIX_EPOCH)
                .map_err(|_| format_invalid(key, trace))?
                .as_millis();
            Ok(Some(i64::try_from(ms).unwrap_or(i64::MAX)))
        };
        // `…_identification_status`: empty, or one `verified` or `reserved` per item.
        let statuses = |key: &str, count: usize| -> Result<Vec<bool>, Answer> {
            let statuses = strings(key)?;
            if statuses.is_empty() {
                return Ok(vec![false; count]);
            }
            if statuses.len() != count {
                return Err(error(
                    422,
                    "form_param_value_invalid",
                    "must have one item per identification",
                    Some(key),
                    trace,
                ));
            }
            statuses
                .iter()
                .map(|s| match s.as_str() {
                    "verified" => Ok(false),
                    "reserved" => Ok(true),
                    _ => Err(format_invalid(key, trace)),
                })
                .collect()
        };

        let emails = strings("email_address")?;
        if !emails.iter().all(|e| is_email_address(e)) {
            return Err(format_invalid("email_address", trace));
        }
        let email_reserved = statuses("email_address_identification_status", emails.len())?;
        let phones = strings("phone_number")?;
        if phones.iter().any(String::is_empty) {
            return Err(format_invalid("phone_number", trace));
        }
        let phone_reserved = statuses("phone_number_identification_status", phones.len())?;
        let wallets = strings("web3_wallet")?;
        if wallets.iter().any(String::is_empty) {
            return Err(format_invalid("web3_wallet", trace));
        }

        let password = string("password")?;
        let skip_checks = flag("skip_password_checks")?.unwrap_or(false);
        if let Some(password) = &password
            && !skip_checks
        {
            if password.chars().count() < 8 {
                return Err(error(
                    422,
                    "form_password_length_too_short",
                    "Passwords must be 8 characters or more.",
                    Some("password"),
                    trace,
                ));
            }
            if password.len() > 72 {
                return Err(error(
                    422,
                    "form_password_size_in_bytes_exceeded",
                    "Passwords may not exceed 72 bytes.",
                    Some("password"),
                    trace,
                ));
            }
        }
        let digest = string("password_digest")?;
        let hasher = string("password_hasher")?;
        if let Some(hasher) = &hasher
            && !PasswordHasher::ALL.iter().any(|h| h.as_str() == hasher)
        {
            return Err(format_invalid("password_hasher", trace));
        }
        if digest.is_some() != hasher.is_some() {
            let missing = if digest.is_some() {
                "password_hasher"
            } else {
                "password_digest"
            };
            return Err(error(
                422,
                "form_param_missing",
                "is missing",
                Some(missing),
                trace,
            ));
        }

        let mut flags = Vec::new();
        for key in [
            "delete_self_enabled",
            "create_organization_enabled",
            "bypass_client_trust",
            "banned",
            "locked",
        ] {
            if let Some(value) = flag(key)? {
                flags.push((key, value));
            }
        }
        // Read to check their type; they change nothing the fake shows.
        for key in [
            "skip_password_requirement",
            "skip_legal_checks",
            "skip_user_requirement",
        ] {
            flag(key)?;
        }
        let create_organizations_limit = match body.get("create_organizations_limit") {
            None | Some(Value::Null) => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .ok_or_else(|| format_invalid("create_organizations_limit", trace))?,
            ),
        };
        let mut tiers = Vec::new();
        for tier in TIERS {
            match body.get(tier) {
                None | Some(Value::Null) => {}
                Some(Value::Object(value)) => {
                    if Value::Object(value.clone()).to_string().len() > TIER_LIMIT {
                        return Err(too_large(tier, trace));
                    }
                    tiers.push((tier, value.clone()));
                }
                Some(_) => return Err(format_invalid(tier, trace)),
            }
        }
        Ok(NewUserBody {
            external_id: string("external_id")?,
            first_name: string("first_name")?,
            last_name: string("last_name")?,
            locale: string("locale")?,
            username: string("username")?.filter(|u| !u.is_empty()),
            emails,
            email_reserved,
            phones,
            phone_reserved,
            wallets,
            password: password.is_some() || digest.is_some(),
            totp: string("totp_secret")?.is_some(),
            backup_codes: !strings("backup_codes")?.is_empty(),
            flags,
            create_organizations_limit,
            legal_accepted_at: time("legal_accepted_at")?,
            created_at: time("created_at")?,
            tiers,
        })
    }
}

/// An identification another user has (or the request lists twice): Clerk's
/// `FormIdentifierExists`, naming the parameter.
fn identifier_exists(param: &str, trace: u64) -> Answer {
    let what = match param {
        "email_address" => "That email address is taken. Please try another.",
        "phone_number" => "That phone number is taken. Please try another.",
        "web3_wallet" => "That web3 wallet is taken. Please try another.",
        _ => "That identifier is taken. Please try another.",
    };
    error(422, "form_identifier_exists", what, Some(param), trace)
}

pub(crate) fn not_found(trace: u64) -> Answer {
    error(
        404,
        "resource_not_found",
        "The requested resource was not found",
        None,
        trace,
    )
}

/// A metadata tier over Clerk's 8 KB.
pub(crate) fn too_large(tier: &str, trace: u64) -> Answer {
    error(
        422,
        "form_param_exceeds_allowed_size",
        "Metadata may not exceed 8 KB per tier",
        Some(tier),
        trace,
    )
}

pub(crate) fn unknown(param: &str, trace: u64) -> Answer {
    error(
        422,
        "form_param_unknown",
        "is not a valid parameter for this request",
        Some(param),
        trace,
    )
}

/// A username another user has: Clerk's `FormIdentifierExists` (422,
/// `form_identifier_exists`, naming the parameter), listed under "Forms" in Clerk's
/// Backend API errors (clerk.com/docs/guides/development/errors/backend-api).
fn username_taken(trace: u64) -> Answer {
    error(
        422,
        "form_identifier_exists",
        "That username is taken. Please try another.",
        Some("username"),
        trace,
    )
}

/// A `primary_…_id` that names none of the user's identifications: Clerk's
/// `FormMissingResource` (422, `form_resource_not_found`: "the form parameter is
/// referring to a missing resource"), from the same list.
fn missing_resource(param: &str, trace: u64) -> Answer {
    error(
        422,
        "form_resource_not_found",
        &format!("The resource associated with the supplied {param} was not found."),
        Some(param),
        trace,
    )
}

/// The objects of the user's list `list` (`email_addresses`, `phone_numbers`,
/// `web3_wallets`).
fn identifications<'a>(
    user: &'a Map<String, Value>,
    list: &str,
) -> impl Iterator<Item = &'a Map<String, Value>> {
    user.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// The list of identifications a `primary_…_id` field names one of.
fn primary_list(field: &str) -> Option<&'static str> {
    match field {
        "primary_email_address_id" => Some("email_addresses"),
        "primary_phone_number_id" => Some("phone_numbers"),
        "primary_web3_wallet_id" => Some("web3_wallets"),
        _ => None,
    }
}

pub(crate) fn format_invalid(param: &str, trace: u64) -> Answer {
    error(
        422,
        "form_param_format_invalid",
        "has an invalid format",
        Some(param),
        trace,
    )
}

/// `PATCH /v1/users/{user_id}`: sets the fields sent; metadata (before 2026-05-12)
/// replaces each tier sent.
fn update_user(
    user: &mut Map<String, Value>,
    body: Map<String, Value>,
    call: &Call<'_>,
) -> Result<(), Answer> {
    let takes_metadata = call.version != ApiVersion::V2026_05_12;
    for key in body.keys() {
        let known = UPDATE_USER_FIELDS.contains(&key.as_str())
            || (takes_metadata && TIERS.contains(&key.as_str()));
        if !known {
            return Err(unknown(key, call.trace));
        }
    }
    for (key, value) in body {
        // "It must be verified, and present on the current user" (the spec's
        // `UpdateUser` body, tests/spec/bapi-*-users.yml): an ID none of the user's
        // identifications has is refused.
        if let Some(list) = primary_list(&key) {
            match &value {
                Value::String(wanted) => {
                    let present = identifications(user, list)
                        .any(|item| item.get("id").and_then(Value::as_str) == Some(wanted));
                    if !present {
                        return Err(missing_resource(&key, call.trace));
                    }
                }
                Value::Null => {}
                _ => return Err(format_invalid(&key, call.trace)),
            }
            user.insert(key, value);
            continue;
        }
        match key.as_str() {
            "first_name" | "last_name" | "external_id" | "locale" => {
                if !(value.is_string() || value.is_null()) {
                    return Err(format_invalid(&key, call.trace));
                }
                user.insert(key, value);
            }
            "username" => {
                let value = match value {
                    Value::String(s) if s.is_empty() => Value::Null,
                    v @ (Value::String(_) | Value::Null) => v,
                    _ => return Err(format_invalid(&key, call.trace)),
                };
                user.insert(key, value);
            }
            "delete_self_enabled" | "create_organization_enabled" | "bypass_client_trust" => {
                if !value.is_boolean() {
                    return Err(format_invalid(&key, call.trace));
                }
                user.insert(key, value);
            }
            "create_organizations_limit" => {
                if !(value.is_u64() || value.is_null()) {
                    return Err(format_invalid(&key, call.trace));
                }
                user.insert(key, value);
            }
            "password" | "password_digest" => {
                user.insert("password_enabled".to_owned(), Value::Bool(true));
                user.insert("password_last_updated_at".to_owned(), json!(now_ms()));
            }
            "totp_secret" => {
                user.insert("totp_enabled".to_owned(), Value::Bool(true));
            }
            "backup_codes" => {
                user.insert("backup_code_enabled".to_owned(), Value::Bool(true));
            }
            tier if TIERS.contains(&tier) => {
                if !value.is_object() {
                    return Err(format_invalid(tier, call.trace));
                }
                user.insert(key, value);
            }
            // Accepted, and nothing the fake shows changes.
            _ => {}
        }
    }
    Ok(())
}

/// The metadata body: only the three tiers, each an object.
fn tiers(body: Map<String, Value>, trace: u64) -> Result<Vec<(String, Object)>, Answer> {
    let mut tiers = Vec::new();
    for (key, value) in body {
        if !TIERS.contains(&key.as_str()) {
            return Err(unknown(&key, trace));
        }
        match value {
            Value::Object(tier) => tiers.push((key, tier)),
            _ => return Err(format_invalid(&key, trace)),
        }
    }
    Ok(tiers)
}

/// `PATCH …/metadata`: a deep merge, where `null` deletes a key at any level.
fn merge_metadata(
    user: &mut Map<String, Value>,
    body: Map<String, Value>,
    call: &Call<'_>,
) -> Result<(), Answer> {
    for (key, patch) in tiers(body, call.trace)? {
        let tier = user.entry(key).or_insert_with(|| Value::Object(Map::new()));
        if !tier.is_object() {
            *tier = Value::Object(Map::new());
        }
        if let Value::Object(tier) = tier {
            deep_merge(tier, patch);
        }
    }
    Ok(())
}

/// `PUT …/metadata`: each tier sent replaces the stored one; the others stay.
fn replace_metadata(
    user: &mut Map<String, Value>,
    body: Map<String, Value>,
    call: &Call<'_>,
) -> Result<(), Answer> {
    for (key, tier) in tiers(body, call.trace)? {
        user.insert(key, Value::Object(tier));
    }
    Ok(())
}

/// Merges `patch` into `target` as Clerk documents: objects merge key by key, `null`
/// deletes, anything else replaces.
pub(crate) fn deep_merge(target: &mut Map<String, Value>, patch: Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(&key);
            }
            Value::Object(patch) => {
                let slot = target
                    .entry(key)
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(slot) = slot {
                    deep_merge(slot, patch);
                }
            }
            value => {
                target.insert(key, value);
            }
        }
    }
}

/// A new user as Clerk would hold it: no names, no email address, empty metadata.
pub(crate) fn blank_user(id: &str) -> Map<String, Value> {
    let mut user: Map<String, Value> =
        serde_json::from_str(include_str!("user.json")).unwrap_or_default();
    user.insert("id".to_owned(), Value::String(id.to_owned()));
    user
}

/// A verified email address as Clerk shows it in a user's `email_addresses`: what
/// `POST /v1/email_addresses` with `verified: true` makes (verified by an admin).
pub(crate) fn email_address(id: &str, address: &str) -> Value {
    let now = now_ms();
    json!({
        "id": id,
        "object": "email_address",
        "email_address": address,
        "reserved": false,
        "verification": {
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
        },
        "linked_to": [],
        "matches_sso_connection": false,
        "created_at": now,
        "updated_at": now,
    })
}

/// A verified phone number as Clerk shows it in a user's `phone_numbers`.
pub(crate) fn phone_number(id: &str, number: &str) -> Value {
    let now = now_ms();
    json!({
        "id": id,
        "object": "phone_number",
        "phone_number": number,
        "reserved_for_second_factor": false,
        "default_second_factor": false,
        "reserved": false,
        "verification": {
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
        },
        "linked_to": [],
        "backup_codes": null,
        "created_at": now,
        "updated_at": now,
    })
}

/// A verified web3 wallet as Clerk shows it in a user's `web3_wallets`.
pub(crate) fn web3_wallet(id: &str, wallet: &str) -> Value {
    let now = now_ms();
    json!({
        "id": id,
        "object": "web3_wallet",
        "web3_wallet": wallet,
        "verification": {
            "object": "verification_admin",
            "status": "verified",
            "strategy": "admin",
            "attempts": null,
            "expire_at": null,
        },
        "created_at": now,
        "updated_at": now,
    })
}

/// A user for the fake: `user` must be an object with a valid `id`; the fields it does
/// not have are a blank user's, and a metadata tier that is not an object is `{}`.
pub(crate) fn seed(user: Value) -> Result<(UserId, Map<String, Value>), &'static str> {
    let Value::Object(given) = user else {
        return Err("a user is a JSON object");
    };
    let id = given
        .get("id")
        .and_then(Value::as_str)
        .and_then(|id| UserId::parse(id).ok())
        .ok_or("a user needs an `id` of the form `user_…`")?;
    let mut user = blank_user(id.as_str());
    user.extend(given);
    for tier in TIERS {
        if !user.get(tier).is_some_and(Value::is_object) {
            user.insert(tier.to_owned(), Value::Object(Map::new()));
        }
    }
    Ok((id, user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_merge_follows_clerks_rules() {
        let mut stored = json!({"a": 1, "n": {"x": 1, "y": 2}, "s": "keep", "o": 5})
            .as_object()
            .cloned()
            .unwrap_or_default();
        let patch =
            json!({"a": null, "n": {"x": null, "z": 3}, "o": {"p": 1}, "new": {"k": null, "v": 1}});
        deep_merge(&mut stored, patch.as_object().cloned().unwrap_or_default());
        assert_eq!(
            Value::Object(stored),
            json!({"n": {"y": 2, "z": 3}, "s": "keep", "o": {"p": 1}, "new": {"v": 1}})
        );
    }
}
