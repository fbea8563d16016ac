//! What the fake does with a request: Clerk's documented semantics for the user
//! endpoints this crate calls, over users held as JSON.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::wire::id::UserId;
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
    fn json(status: u16, body: &Value) -> Answer {
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
    pub(crate) users: BTreeMap<String, Map<String, Value>>,
    pub(crate) limit: RateLimit,
    writes: HashMap<String, VecDeque<Instant>>,
    pub(crate) jwks: Value,
}

/// A request, as the fake's logic sees it.
pub(crate) struct Call<'a> {
    pub(crate) method: &'a str,
    /// The `Content-Type` header, if any.
    pub(crate) content_type: Option<&'a str>,
    pub(crate) path: &'a str,
    pub(crate) version: ApiVersion,
    pub(crate) body: &'a [u8],
    pub(crate) trace: u64,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Users {
    pub(crate) fn new(limit: RateLimit) -> Users {
        Users {
            users: BTreeMap::new(),
            limit,
            writes: HashMap::new(),
            jwks: json!({"keys": []}),
        }
    }

    /// Answers an authenticated request.
    pub(crate) fn answer(&mut self, call: &Call<'_>) -> Answer {
        let segments: Vec<&str> = call.path.trim_start_matches('/').split('/').collect();
        match (call.method, segments.as_slice()) {
            ("GET", ["v1", "jwks"]) => Answer::json(200, &self.jwks),
            ("GET", ["v1", "users", id]) => self.get(id, call),
            ("PATCH", ["v1", "users", id]) => self.write(id, call, update_user),
            ("PATCH", ["v1", "users", id, "metadata"]) => self.write(id, call, merge_metadata),
            ("PUT", ["v1", "users", id, "metadata"]) => self.write(id, call, replace_metadata),
            _ => error(
                404,
                "resource_not_found",
                "The requested resource was not found (the fake serves the user endpoints and /v1/jwks)",
                None,
                call.trace,
            ),
        }
    }

    fn get(&self, id: &str, call: &Call<'_>) -> Answer {
        match self.users.get(id) {
            Some(user) => Answer::json(200, &Value::Object(user.clone())),
            None => not_found(call.trace),
        }
    }

    /// A write: rate-limited per user, applied to a copy, checked, then stored.
    fn write(&mut self, id: &str, call: &Call<'_>, apply: Apply) -> Answer {
        if !self.users.contains_key(id) {
            return not_found(call.trace);
        }
        let now = Instant::now();
        let window = self.limit.window;
        let writes = self.writes.entry(id.to_owned()).or_default();
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
            return answer;
        }
        writes.push_back(now);
        let json = call
            .content_type
            .and_then(|t| t.split(';').next())
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return error(
                415,
                "unsupported_media_type",
                "The request body must be application/json",
                None,
                call.trace,
            );
        }
        let body = match serde_json::from_slice::<Value>(call.body) {
            Ok(Value::Object(body)) => body,
            Ok(_) => {
                return error(
                    422,
                    "form_param_format_invalid",
                    "The request body must be a JSON object",
                    None,
                    call.trace,
                );
            }
            Err(_) => {
                return error(
                    400,
                    "malformed_request",
                    "The request body is not valid JSON",
                    None,
                    call.trace,
                );
            }
        };
        let Some(mut updated) = self.users.get(id).cloned() else {
            return not_found(call.trace);
        };
        let written: Vec<&str> = TIERS
            .into_iter()
            .filter(|t| body.contains_key(*t))
            .collect();
        if let Err(answer) = apply(&mut updated, body, call) {
            return answer;
        }
        // A username this request sets must be one no other user has.
        let stored = self.users.get(id).and_then(|u| u.get("username"));
        if let Some(username) = updated.get("username").and_then(Value::as_str)
            && stored != updated.get("username")
            && self.username_taken_by_other(username, id)
        {
            return username_taken(call.trace);
        }
        // Only the tiers this request writes are held to the limit.
        for tier in TIERS.into_iter().filter(|t| written.contains(t)) {
            let size = updated.get(tier).map_or(0, |t| t.to_string().len());
            if size > TIER_LIMIT {
                return error(
                    422,
                    "form_param_exceeds_allowed_size",
                    "Metadata may not exceed 8 KB per tier",
                    Some(tier),
                    call.trace,
                );
            }
        }
        updated.insert("updated_at".to_owned(), json!(now_ms()));
        let answer = Answer::json(200, &Value::Object(updated.clone()));
        self.users.insert(id.to_owned(), updated);
        answer
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

fn not_found(trace: u64) -> Answer {
    error(
        404,
        "resource_not_found",
        "The requested resource was not found",
        None,
        trace,
    )
}

fn unknown(param: &str, trace: u64) -> Answer {
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

fn format_invalid(param: &str, trace: u64) -> Answer {
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
