//! `GET /v1/users` and `GET /v1/users/count`: Clerk's ordering, offset and cursor
//! pagination and filters (`GetUserList`, `GetUsersCount` in the spec), and the
//! instance-wide rate limit.

use std::cmp::Ordering;
use std::collections::{BTreeMap, VecDeque};
use std::ops::Deref;
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::api::{Answer, Call, Users, error};

type Object = Map<String, Value>;

/// The users by ID. It reads as a map; every change goes through a method that moves
/// its generation on, so the list's index of creation times knows when to rebuild.
#[derive(Default)]
pub(crate) struct Store {
    users: BTreeMap<String, Object>,
    generation: u64,
    /// `(created_at, id)` of every user, ascending, as of `index_generation`.
    index: Vec<(i64, String)>,
    index_generation: Option<u64>,
}

impl Deref for Store {
    type Target = BTreeMap<String, Object>;
    fn deref(&self) -> &Self::Target {
        &self.users
    }
}

impl Store {
    pub(crate) fn insert(&mut self, id: String, user: Object) -> Option<Object> {
        self.generation += 1;
        self.users.insert(id, user)
    }

    pub(crate) fn remove(&mut self, id: &str) -> Option<Object> {
        self.generation += 1;
        self.users.remove(id)
    }

    /// The user, to change: counted as a change, whatever the caller does with it.
    pub(crate) fn get_mut(&mut self, id: &str) -> Option<&mut Object> {
        self.generation += 1;
        self.users.get_mut(id)
    }

    /// The index, taken out to be read beside the store; give it back with
    /// [`index_restore`](Self::index_restore).
    fn index_snapshot(&mut self) -> Vec<(i64, String)> {
        self.by_creation();
        std::mem::take(&mut self.index)
    }

    fn index_restore(&mut self, index: Vec<(i64, String)>) {
        self.index = index;
    }

    /// The `(created_at, id)` of every user, ascending; rebuilt after any change.
    fn by_creation(&mut self) -> &[(i64, String)] {
        if self.index_generation != Some(self.generation) {
            let mut index: Vec<(i64, String)> = self
                .users
                .iter()
                .map(|(id, user)| (created_at(user), id.clone()))
                .collect();
            index.sort_unstable();
            self.index = index;
            self.index_generation = Some(self.generation);
        }
        &self.index
    }
}

/// A user's `created_at` as ordered: a missing or non-integer one first.
fn created_at(user: &Object) -> i64 {
    user.get("created_at")
        .and_then(Value::as_i64)
        .unwrap_or(i64::MIN)
}

/// The instance-wide limit: at most `requests` requests per `window`, counted over
/// every authorized request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InstanceLimit {
    pub(crate) requests: usize,
    pub(crate) window: Duration,
}

/// The requests of the current window, for the instance-wide limit.
#[derive(Default)]
pub(crate) struct InstanceWindow {
    pub(crate) limit: Option<InstanceLimit>,
    seen: VecDeque<Instant>,
    /// How many requests the limit refused.
    pub(crate) refused: u64,
}

impl InstanceWindow {
    /// Counts a request, or answers 429 with `Retry-After` if the window is full.
    pub(crate) fn admit(&mut self, trace: u64) -> Option<Answer> {
        let limit = self.limit?;
        let now = Instant::now();
        while self
            .seen
            .front()
            .is_some_and(|at| now.duration_since(*at) >= limit.window)
        {
            self.seen.pop_front();
        }
        if self.seen.len() >= limit.requests {
            self.refused += 1;
            let wait = self.seen.front().map_or(limit.window, |oldest| {
                limit.window.saturating_sub(now.duration_since(*oldest))
            });
            let mut answer = error(
                429,
                "too_many_requests",
                "Too many requests for this instance, retry later",
                None,
                trace,
            );
            answer.retry_after = Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0));
            return Some(answer);
        }
        self.seen.push_back(now);
        None
    }
}

/// The list parameters that take up to 100 values, each optionally prefixed with `+`
/// (include) or `-` (exclude) where the spec says so.
const LIST_PARAMS: [&str; 7] = [
    "email_address",
    "phone_number",
    "external_id",
    "username",
    "web3_wallet",
    "user_id",
    "organization_id",
];

/// The time filters, in milliseconds: (parameter, user field, before?).
const TIME_PARAMS: [(&str, &str, bool); 7] = [
    ("created_at_before", "created_at", true),
    ("created_at_after", "created_at", false),
    ("last_active_at_before", "last_active_at", true),
    ("last_active_at_after", "last_active_at", false),
    ("last_active_at_since", "last_active_at", false),
    ("last_sign_in_at_before", "last_sign_in_at", true),
    ("last_sign_in_at_after", "last_sign_in_at", false),
];

/// The text filters: (parameter, what they match).
const QUERY_PARAMS: [&str; 5] = [
    "query",
    "email_address_query",
    "phone_number_query",
    "username_query",
    "name_query",
];

/// The fields `order_by` may name.
const ORDER_FIELDS: [&str; 10] = [
    "created_at",
    "updated_at",
    "email_address",
    "web3wallet",
    "first_name",
    "last_name",
    "phone_number",
    "username",
    "last_active_at",
    "last_sign_in_at",
];

/// A parsed list or count request.
#[derive(Default)]
struct Query {
    lists: Vec<(String, Vec<String>)>,
    times: Vec<(&'static str, bool, i64)>,
    texts: Vec<(String, String)>,
    banned: Option<bool>,
    limit: Option<usize>,
    offset: usize,
    starting_after: Option<String>,
    /// The field ordered by, and whether descending.
    order: (String, bool),
}

fn invalid(param: &str, message: &str, trace: u64) -> Answer {
    error(422, "form_param_value_invalid", message, Some(param), trace)
}

impl Query {
    /// Reads the query string of `GetUserList` (`paged`) or `GetUsersCount`.
    fn parse(query: &str, paged: bool, trace: u64) -> Result<Query, Answer> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|_| {
            error(
                400,
                "malformed_request",
                "The query string cannot be read",
                None,
                trace,
            )
        })?;
        let mut q = Query {
            order: ("created_at".to_owned(), true),
            ..Query::default()
        };
        let mut ordered = false;
        for (name, value) in pairs {
            let name = name.as_str();
            if LIST_PARAMS.contains(&name) {
                match q.lists.iter_mut().find(|(n, _)| n == name) {
                    Some((_, values)) => values.push(value),
                    None => q.lists.push((name.to_owned(), vec![value])),
                }
                continue;
            }
            if let Some((_, field, before)) = TIME_PARAMS.iter().find(|(p, _, _)| *p == name) {
                let at = value
                    .parse::<i64>()
                    .map_err(|_| invalid(name, "must be an integer (milliseconds)", trace))?;
                q.times.push((field, *before, at));
                continue;
            }
            if QUERY_PARAMS.contains(&name) {
                q.texts.push((name.to_owned(), value));
                continue;
            }
            match name {
                "banned" => {
                    q.banned = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => return Err(invalid(name, "must be true or false", trace)),
                    });
                }
                "limit" if paged => {
                    let n = value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=500).contains(n));
                    q.limit = Some(n.ok_or_else(|| invalid(name, "must be from 1 to 500", trace))?);
                }
                "offset" if paged => {
                    q.offset = value
                        .parse::<usize>()
                        .map_err(|_| invalid(name, "must be an integer of 0 or more", trace))?;
                }
                "starting_after" if paged => q.starting_after = Some(value),
                // Only the first `order_by` counts, as the spec says.
                "order_by" if paged => {
                    if !ordered {
                        ordered = true;
                        let (descending, field) = match value.as_bytes().first() {
                            Some(b'-') => (true, &value[1..]),
                            Some(b'+') => (false, &value[1..]),
                            _ => (false, value.as_str()),
                        };
                        if !ORDER_FIELDS.contains(&field) {
                            return Err(invalid(
                                name,
                                "names no field users can be ordered by",
                                trace,
                            ));
                        }
                        q.order = (field.to_owned(), descending);
                    }
                }
                "provider" | "provider_user_id" => {
                    return Err(error(
                        422,
                        "form_param_value_invalid",
                        "the fake does not model external accounts",
                        Some(name),
                        trace,
                    ));
                }
                other => return Err(super::api::unknown(other, trace)),
            }
        }
        for (name, values) in &q.lists {
            if values.len() > 100 {
                return Err(invalid(name, "accepts up to 100 values", trace));
            }
        }
        if q.starting_after.is_some() {
            if q.order.0 != "created_at" {
                return Err(invalid(
                    "starting_after",
                    "cursor pagination requires ordering by created_at",
                    trace,
                ));
            }
            if q.offset != 0 {
                return Err(invalid(
                    "starting_after",
                    "cannot be combined with a non-zero offset",
                    trace,
                ));
            }
        }
        Ok(q)
    }
}

/// The strings of a user's identifications of list `list` at `key`.
fn held<'a>(user: &'a Object, list: &str, key: &'a str) -> impl Iterator<Item = &'a str> {
    user.get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(move |item| item.get(key).and_then(Value::as_str))
}

fn contains_ci(text: &str, needle: &str) -> bool {
    text.to_lowercase().contains(&needle.to_lowercase())
}

impl Users {
    /// The IDs of the organizations user `id` is a member of.
    fn member_of(&self, id: &str) -> impl Iterator<Item = &str> {
        self.orgs
            .memberships
            .iter()
            .filter(move |(_, members)| members.contains_key(id))
            .map(|(org, _)| org.as_str())
    }

    /// Whether user `id` passes every filter of `q`.
    fn matches(&self, id: &str, user: &Object, q: &Query) -> bool {
        let string = |key: &str| user.get(key).and_then(Value::as_str);
        for (name, values) in &q.lists {
            // `+` / `-` prefixes where the spec allows them; the rest match exactly
            // (identifications without regard to ASCII case).
            let signed = matches!(name.as_str(), "external_id" | "user_id" | "organization_id");
            let has = |wanted: &str| -> bool {
                match name.as_str() {
                    "user_id" => id == wanted,
                    "external_id" => string("external_id") == Some(wanted),
                    "organization_id" => self.member_of(id).any(|org| org == wanted),
                    "username" => {
                        string("username").is_some_and(|u| u.eq_ignore_ascii_case(wanted))
                    }
                    "email_address" => held(user, "email_addresses", "email_address")
                        .any(|e| e.eq_ignore_ascii_case(wanted)),
                    "phone_number" => {
                        held(user, "phone_numbers", "phone_number").any(|p| p == wanted)
                    }
                    _ => held(user, "web3_wallets", "web3_wallet")
                        .any(|w| w.eq_ignore_ascii_case(wanted)),
                }
            };
            let mut includes = Vec::new();
            for value in values {
                match (signed, value.strip_prefix('-'), value.strip_prefix('+')) {
                    (true, Some(excluded), _) => {
                        if has(excluded) {
                            return false;
                        }
                    }
                    (true, None, Some(included)) => includes.push(included),
                    _ => includes.push(value.as_str()),
                }
            }
            if !includes.is_empty() && !includes.iter().any(|v| has(v)) {
                return false;
            }
        }
        for (field, before, at) in &q.times {
            let Some(value) = user.get(*field).and_then(Value::as_i64) else {
                return false;
            };
            if (*before && value >= *at) || (!*before && value <= *at) {
                return false;
            }
        }
        for (name, text) in &q.texts {
            let names = [string("first_name"), string("last_name")];
            let emails = || held(user, "email_addresses", "email_address");
            let phones = || held(user, "phone_numbers", "phone_number");
            let found = match name.as_str() {
                "email_address_query" => emails().any(|e| contains_ci(e, text)),
                "phone_number_query" => phones().any(|p| contains_ci(p, text)),
                "username_query" => string("username").is_some_and(|u| contains_ci(u, text)),
                "name_query" => names.iter().flatten().any(|n| contains_ci(n, text)),
                _ => {
                    contains_ci(id, text)
                        || names.iter().flatten().any(|n| contains_ci(n, text))
                        || string("username").is_some_and(|u| contains_ci(u, text))
                        || emails().any(|e| contains_ci(e, text))
                        || phones().any(|p| contains_ci(p, text))
                        || held(user, "web3_wallets", "web3_wallet").any(|w| contains_ci(w, text))
                }
            };
            if !found {
                return false;
            }
        }
        if let Some(banned) = q.banned
            && user.get("banned").and_then(Value::as_bool).unwrap_or(false) != banned
        {
            return false;
        }
        true
    }

    /// `GET /v1/users/count`: `{"object": "total_count", "total_count": n}`.
    pub(crate) fn count(&self, call: &Call<'_>) -> Answer {
        let q = match Query::parse(call.query, false, call.trace) {
            Ok(q) => q,
            Err(answer) => return answer,
        };
        let n = self
            .users
            .iter()
            .filter(|(id, user)| self.matches(id, user, &q))
            .count();
        Answer::json(200, &json!({"object": "total_count", "total_count": n}))
    }

    /// `GET /v1/users`: the users that pass the filters, in the order asked (newest
    /// first by default; ties by ID, in the same direction), after the cursor or the
    /// offset, at most `limit` (default 10).
    pub(crate) fn list(&mut self, call: &Call<'_>) -> Answer {
        let q = match Query::parse(call.query, true, call.trace) {
            Ok(q) => q,
            Err(answer) => return answer,
        };
        if q.order.0 == "created_at" {
            return self.list_by_creation(&q, call.trace);
        }
        let (field, descending) = (&q.order.0, q.order.1);
        let key = |user: &Object| -> Value {
            match field.as_str() {
                "email_address" => held(user, "email_addresses", "email_address")
                    .next()
                    .map_or(Value::Null, |e| Value::String(e.to_owned())),
                "phone_number" => held(user, "phone_numbers", "phone_number")
                    .next()
                    .map_or(Value::Null, |p| Value::String(p.to_owned())),
                "web3wallet" => held(user, "web3_wallets", "web3_wallet")
                    .next()
                    .map_or(Value::Null, |w| Value::String(w.to_owned())),
                other => user.get(other).cloned().unwrap_or(Value::Null),
            }
        };
        let order = |a: &(Value, &str), b: &(Value, &str)| -> Ordering {
            let by = compare(&a.0, &b.0).then_with(|| a.1.cmp(b.1));
            if descending { by.reverse() } else { by }
        };
        let cursor = match &q.starting_after {
            None => None,
            Some(id) => match self.users.get(id) {
                Some(user) => Some((key(user), id.as_str())),
                None => {
                    return invalid(
                        "starting_after",
                        "names no user of this instance",
                        call.trace,
                    );
                }
            },
        };
        let mut matched: Vec<(Value, &str)> = self
            .users
            .iter()
            .filter(|(id, user)| self.matches(id, user, &q))
            .map(|(id, user)| (key(user), id.as_str()))
            .filter(|entry| {
                cursor
                    .as_ref()
                    .is_none_or(|cursor| order(entry, cursor) == Ordering::Greater)
            })
            .collect();
        let limit = q.limit.unwrap_or(10);
        let wanted = q.offset.saturating_add(limit);
        // Only the first `offset + limit` need sorting.
        if wanted < matched.len() {
            matched.select_nth_unstable_by(wanted, order);
            matched.truncate(wanted);
        }
        matched.sort_unstable_by(order);
        let page: Vec<Value> = matched
            .iter()
            .skip(q.offset)
            .filter_map(|(_, id)| self.users.get(*id).cloned().map(Value::Object))
            .collect();
        Answer::json(200, &Value::Array(page))
    }
}

impl Users {
    /// The list in creation order (the default, and the only one a cursor takes),
    /// through the store's index: a page costs its own users, not the whole store.
    fn list_by_creation(&mut self, q: &Query, trace: u64) -> Answer {
        let descending = q.order.1;
        let cursor = match &q.starting_after {
            None => None,
            Some(id) => match self.users.get(id) {
                Some(user) => Some((created_at(user), id.clone())),
                None => {
                    return invalid("starting_after", "names no user of this instance", trace);
                }
            },
        };
        let index = self.users.index_snapshot();
        let limit = q.limit.unwrap_or(10);
        let wanted = q.offset.saturating_add(limit);
        // Where the walk starts in the ascending index, and which way it goes.
        let picked: Vec<&str> = {
            let after: Box<dyn Iterator<Item = &(i64, String)>> = match (&cursor, descending) {
                (None, true) => Box::new(index.iter().rev()),
                (None, false) => Box::new(index.iter()),
                (Some(c), true) => {
                    let at = index.partition_point(|e| (e.0, e.1.as_str()) < (c.0, c.1.as_str()));
                    Box::new(index[..at].iter().rev())
                }
                (Some(c), false) => {
                    let at = index.partition_point(|e| (e.0, e.1.as_str()) <= (c.0, c.1.as_str()));
                    Box::new(index[at..].iter())
                }
            };
            after
                .filter(|(_, id)| {
                    self.users
                        .get(id)
                        .is_some_and(|user| self.matches(id, user, q))
                })
                .take(wanted)
                .skip(q.offset)
                .map(|(_, id)| id.as_str())
                .collect()
        };
        let page: Vec<Value> = picked
            .iter()
            .filter_map(|id| self.users.get(*id).cloned().map(Value::Object))
            .collect();
        self.users.index_restore(index);
        Answer::json(200, &Value::Array(page))
    }
}

/// Orders two JSON values of one field: `null` first, then numbers, then strings.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(Ordering::Equal),
        },
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(_), _) => Ordering::Less,
        (_, Value::Number(_)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}
