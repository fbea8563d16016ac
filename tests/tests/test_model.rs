//! Model-based property tests of the no-loss invariant.
//!
//! A small reference implementation of Clerk's documented metadata semantics — `PATCH`
//! deep-merges objects, `null` deletes a key at any depth, arrays and scalars replace;
//! `PUT` replaces each tier it sends — holds the stored metadata, which starts with
//! random keys outside the schema, at the top of each tier and inside the nested
//! `notifications` object, and may hold a field under its old key (`alias`). Random
//! sequences of typed patches (nested ones too) and replaces (including replaces built
//! from a typed read of the stored user, which keep the nested object's unknown keys
//! through its `UnknownKeys` field) are built into requests and applied to it.
//!
//! A `nested` field cannot have an `alias` (a compile error,
//! `tests/ui/compile-fail/derive-nested-alias.rs`): a merge under the new key would
//! either delete the old key with every nested key it does not set, or leave both keys
//! for the next read. The migration the error points to, a plain aliased field read and
//! replaced, is `an_old_nested_key_moves_whole_through_a_read_and_replace` below.
//!
//! The expected state is worked out from what each typed operation means, not from
//! the requests: after every step the two must be equal, every key outside the schema
//! must still be there unless a replace dropped it on purpose, and the stored metadata
//! must still be readable by the schema. A set of NaN or an infinity must fail the
//! build, naming the field, and change nothing.

use std::collections::BTreeMap;

use clerk_metadata::{ApiVersion, Backend, User, UserId, UserMetadata, UserUpdate, codes};
use clerk_metadata_tests::{Notifications, NotificationsPatch, Role, Theme};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const TIERS: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

/// The model's schema: every shape a write can go wrong on. `riskScore` was once
/// stored as `risk`; `score` is a float; `notifications` takes a nested patch.
#[derive(UserMetadata, Debug, Clone)]
struct Model {
    #[metadata(public)]
    role: Role,
    #[metadata(public)]
    #[serde(default)]
    teams: Vec<String>,
    #[metadata(private)]
    stripe_customer_id: Option<String>,
    #[metadata(private)]
    #[serde(rename = "riskScore", alias = "risk", default)]
    risk_score: u32,
    #[metadata(unsafe)]
    #[serde(default)]
    theme: Theme,
    #[metadata(unsafe)]
    #[serde(default)]
    score: f64,
    #[metadata(unsafe, nested)]
    #[serde(default)]
    notifications: Notifications,
}

/// Clerk's deep merge: objects merge, `null` deletes at any depth, the rest replaces.
fn merge(target: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => {
                if !matches!(target.get(key), Some(Value::Object(_))) {
                    target.insert(key.clone(), Value::Object(Map::new()));
                }
                if let Some(Value::Object(existing)) = target.get_mut(key) {
                    merge(existing, inner);
                }
            }
            other => {
                target.insert(key.clone(), other.clone());
            }
        }
    }
}

/// Stored metadata, per tier: at "Clerk", or as the model expects it.
type Tiers = BTreeMap<&'static str, Map<String, Value>>;

/// The stored metadata at "Clerk".
#[derive(Debug, Clone, PartialEq)]
struct Clerk(Tiers);

impl Clerk {
    fn apply(&mut self, method: &str, body: &[u8]) {
        let Value::Object(body) = serde_json::from_slice(body).unwrap() else {
            panic!("body is not an object")
        };
        for tier in TIERS {
            let Some(Value::Object(sent)) = body.get(tier) else {
                continue;
            };
            match method {
                "PATCH" => merge(self.0.get_mut(tier).unwrap(), sent),
                "PUT" => {
                    self.0.insert(tier, sent.clone());
                }
                other => panic!("unexpected method {other}"),
            }
        }
    }

    fn user_json(&self) -> Vec<u8> {
        let mut user = json!({
            "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "object": "user", "has_image": false,
            "banned": false, "locked": false, "created_at": 1, "updated_at": 2,
        });
        for tier in TIERS {
            user[tier] = Value::Object(self.0[tier].clone());
        }
        serde_json::to_vec(&user).unwrap()
    }
}

#[derive(Debug, Clone)]
enum Op<T> {
    Keep,
    Remove,
    Set(T),
}

fn op<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Op<T>> {
    prop_oneof![2 => Just(Op::Keep), 1 => Just(Op::Remove), 2 => value.prop_map(Op::Set)]
}

/// What a patch does to `notifications`.
#[derive(Debug, Clone)]
enum NestedOp {
    Keep,
    Remove,
    Set(Notifications),
    Merge { email: Op<bool>, push: Op<bool> },
}

fn role() -> impl Strategy<Value = Role> {
    prop_oneof![Just(Role::Admin), Just(Role::Member)]
}
fn teams() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec("[a-z]{0,4}", 0..3)
}
fn stripe() -> impl Strategy<Value = Option<String>> {
    prop::option::of("cus_[A-Za-z0-9]{1,6}")
}
fn theme() -> impl Strategy<Value = Theme> {
    prop_oneof![Just(Theme::System), Just(Theme::Light), Just(Theme::Dark)]
}
/// Mostly finite, sometimes NaN or an infinity.
fn score() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (-1e6f64..1e6).prop_map(|f| (f * 100.0).round() / 100.0),
        1 => Just(f64::NAN),
        1 => prop_oneof![Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ]
}
fn notifications() -> impl Strategy<Value = Notifications> {
    (any::<bool>(), any::<bool>()).prop_map(|(email, push)| Notifications {
        email,
        push,
        unknown: Default::default(),
    })
}
fn nested_op() -> impl Strategy<Value = NestedOp> {
    prop_oneof![
        2 => Just(NestedOp::Keep),
        1 => Just(NestedOp::Remove),
        1 => notifications().prop_map(NestedOp::Set),
        3 => (op(any::<bool>()), op(any::<bool>()))
            .prop_map(|(email, push)| NestedOp::Merge { email, push }),
    ]
}

#[derive(Debug, Clone)]
struct PatchOps {
    role: Op<Role>,
    teams: Op<Vec<String>>,
    stripe: Op<Option<String>>,
    risk: Op<u32>,
    theme: Op<Theme>,
    score: Op<f64>,
    notifications: NestedOp,
}

fn patch_ops() -> impl Strategy<Value = PatchOps> {
    (
        op(role()),
        op(teams()),
        op(stripe()),
        op(any::<u32>()),
        op(theme()),
        op(score()),
        nested_op(),
    )
        .prop_map(
            |(role, teams, stripe, risk, theme, score, notifications)| PatchOps {
                role,
                teams,
                stripe,
                risk,
                theme,
                score,
                notifications,
            },
        )
}

#[derive(Debug, Clone)]
enum Step {
    /// A typed merge patch.
    Patch(PatchOps),
    /// Read the user, change fields in the typed value, replace the chosen tiers with
    /// what was read.
    ReplaceFromRead {
        tiers: [bool; 3],
        role: Option<Role>,
        risk: Option<u32>,
        theme: Option<Theme>,
    },
    /// Replace tiers with fresh typed values: their unknown keys go, on purpose.
    ReplaceFresh { tiers: [bool; 3], user: Box<Model> },
}

fn model_user(score: impl Strategy<Value = f64>) -> impl Strategy<Value = Model> {
    (
        role(),
        teams(),
        stripe(),
        any::<u32>(),
        theme(),
        score,
        notifications(),
    )
        .prop_map(
            |(role, teams, stripe_customer_id, risk_score, theme, score, notifications)| Model {
                role,
                teams,
                stripe_customer_id,
                risk_score,
                theme,
                score,
                notifications,
            },
        )
}

fn step() -> impl Strategy<Value = Step> {
    let tiers = prop::array::uniform3(any::<bool>());
    prop_oneof![
        3 => patch_ops().prop_map(Step::Patch),
        3 => (tiers, prop::option::of(role()), prop::option::of(any::<u32>()), prop::option::of(theme()))
            .prop_map(|(tiers, role, risk, theme)| Step::ReplaceFromRead { tiers, role, risk, theme }),
        1 => (tiers, model_user(score())).prop_map(|(tiers, user)| Step::ReplaceFresh { tiers, user: Box::new(user) }),
    ]
}

/// JSON for keys outside the schema: any shape, nested, with `null`s inside.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-z ]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Keys outside the schema (the `x_` prefix keeps them apart from its keys), with
/// non-null values, as Clerk never stores a top-level `null`.
fn unknown_keys() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(
        "x_[a-z]{1,5}",
        json_value().prop_filter("stored values are not null", |v| !v.is_null()),
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

/// The JSON of a typed value.
fn json_of<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// The keys of the tier's schema fields, aliases included.
fn schema_keys<T: clerk_metadata::MetadataTier>() -> &'static [&'static str] {
    T::KEYS
}

/// What the model expects Clerk to hold.
#[derive(Debug, Clone)]
struct Expected(Tiers);

impl Expected {
    fn tier(&mut self, tier: &'static str) -> &mut Map<String, Value> {
        self.0.get_mut(tier).unwrap()
    }

    /// A field's patch: a set writes the key (and deletes its old keys), `None` and a
    /// removal delete them.
    fn field<T: serde::Serialize>(&mut self, tier: &'static str, keys: &[&str], op: &Op<T>) {
        let tier = self.tier(tier);
        match op {
            Op::Keep => {}
            Op::Remove => keys.iter().for_each(|k| {
                tier.remove(*k);
            }),
            Op::Set(value) => {
                keys.iter().for_each(|k| {
                    tier.remove(*k);
                });
                match json_of(value) {
                    Value::Null => {}
                    value => {
                        tier.insert(keys[0].to_owned(), value);
                    }
                }
            }
        }
    }

    /// `notifications`' patch: a set or a merge changes the nested keys it names and
    /// keeps the others (what Clerk's deep merge does with an object).
    fn notifications(&mut self, op: &NestedOp) {
        let tier = self.tier("unsafe_metadata");
        let nested = |tier: &mut Map<String, Value>| {
            if !matches!(tier.get("notifications"), Some(Value::Object(_))) {
                tier.insert("notifications".to_owned(), json!({}));
            }
            match tier.get_mut("notifications") {
                Some(Value::Object(nested)) => nested.clone(),
                _ => unreachable!(),
            }
        };
        match op {
            NestedOp::Keep => {}
            NestedOp::Remove => {
                tier.remove("notifications");
            }
            NestedOp::Set(whole) => {
                let mut object = nested(tier);
                object.extend(json_of(whole).as_object().unwrap().clone());
                tier.insert("notifications".to_owned(), Value::Object(object));
            }
            NestedOp::Merge { email, push } => {
                if matches!((email, push), (Op::Keep, Op::Keep)) {
                    return;
                }
                let mut object = nested(tier);
                for (key, op) in [("email", email), ("push", push)] {
                    match op {
                        Op::Keep => {}
                        Op::Remove => {
                            object.remove(key);
                        }
                        Op::Set(value) => {
                            object.insert(key.to_owned(), json!(value));
                        }
                    }
                }
                tier.insert("notifications".to_owned(), Value::Object(object));
            }
        }
    }

    /// A replace with a typed tier: the schema's keys become the typed value's, and the
    /// other keys are `unknown`.
    fn replace<T: serde::Serialize + clerk_metadata::MetadataTier>(
        &mut self,
        tier: &'static str,
        value: &T,
        keep_unknown: bool,
    ) {
        let keys = schema_keys::<T>();
        let mut object: Map<String, Value> = if keep_unknown {
            self.0[tier]
                .iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        } else {
            Map::new()
        };
        object.extend(json_of(value).as_object().unwrap().clone());
        self.0.insert(tier, object);
    }
}

fn patch_of(ops: &PatchOps) -> ModelPatch<Backend> {
    let mut patch = ModelPatch::<Backend>::new();
    patch = match &ops.role {
        Op::Keep => patch,
        Op::Remove => patch.remove_required_role(),
        Op::Set(v) => patch.role(*v),
    };
    patch = match &ops.teams {
        Op::Keep => patch,
        Op::Remove => patch.remove_teams(),
        Op::Set(v) => patch.teams(v.clone()),
    };
    patch = match &ops.stripe {
        Op::Keep => patch,
        Op::Remove => patch.remove_stripe_customer_id(),
        Op::Set(v) => patch.stripe_customer_id(v.clone()),
    };
    patch = match &ops.risk {
        Op::Keep => patch,
        Op::Remove => patch.remove_risk_score(),
        Op::Set(v) => patch.risk_score(*v),
    };
    patch = match &ops.theme {
        Op::Keep => patch,
        Op::Remove => patch.remove_theme(),
        Op::Set(v) => patch.theme(*v),
    };
    patch = match &ops.score {
        Op::Keep => patch,
        Op::Remove => patch.remove_score(),
        Op::Set(v) => patch.score(*v),
    };
    match &ops.notifications {
        NestedOp::Keep => patch,
        NestedOp::Remove => patch.remove_notifications(),
        NestedOp::Set(v) => patch.notifications(v.clone()),
        NestedOp::Merge { email, push } => {
            let mut nested = NotificationsPatch::new();
            nested = match email {
                Op::Keep => nested,
                Op::Remove => nested.remove_email(),
                Op::Set(v) => nested.email(*v),
            };
            nested = match push {
                Op::Keep => nested,
                Op::Remove => nested.remove_push(),
                Op::Set(v) => nested.push(*v),
            };
            patch.merge_notifications(nested)
        }
    }
}

fn run(
    initial: Model,
    unknown: [Map<String, Value>; 3],
    nested_unknown: Map<String, Value>,
    old_risk_key: bool,
    steps: Vec<Step>,
) -> Result<Clerk, TestCaseError> {
    let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
    let (public, private, unsafe_) = initial.into_tiers();
    let mut stored: Tiers = TIERS.into_iter().zip(unknown).collect();
    stored
        .get_mut("public_metadata")
        .unwrap()
        .extend(json_of(&public).as_object().unwrap().clone());
    let private_json = json_of(&private);
    let private_tier = stored.get_mut("private_metadata").unwrap();
    for (key, value) in private_json.as_object().unwrap() {
        let key = if key == "riskScore" && old_risk_key {
            "risk"
        } else {
            key
        };
        private_tier.insert(key.to_owned(), value.clone());
    }
    let mut unsafe_json = json_of(&unsafe_);
    unsafe_json["notifications"]
        .as_object_mut()
        .unwrap()
        .extend(nested_unknown);
    stored
        .get_mut("unsafe_metadata")
        .unwrap()
        .extend(unsafe_json.as_object().unwrap().clone());
    let mut clerk = Clerk(stored.clone());
    let mut expected = Expected(stored);

    for step in steps {
        let mut next = expected.clone();
        let mut non_finite = false;
        let update = match &step {
            Step::Patch(ops) => {
                let patch = patch_of(ops);
                next.field("public_metadata", &["role"], &ops.role);
                next.field("public_metadata", &["teams"], &ops.teams);
                next.field("private_metadata", &["stripe_customer_id"], &ops.stripe);
                next.field("private_metadata", &["riskScore", "risk"], &ops.risk);
                next.field("unsafe_metadata", &["theme"], &ops.theme);
                next.field("unsafe_metadata", &["score"], &ops.score);
                next.notifications(&ops.notifications);
                non_finite = matches!(ops.score, Op::Set(s) if !s.is_finite());
                if patch.is_empty() {
                    continue;
                }
                UserUpdate::<Backend>::new().metadata(patch)
            }
            Step::ReplaceFromRead {
                tiers,
                role,
                risk,
                theme,
            } => {
                // A user whose stored role was removed (on purpose, by name) no longer
                // fits the schema: a strict read fails, and there is nothing to write back.
                let Ok(mut user) = User::<Model>::from_json(&clerk.user_json()) else {
                    prop_assert!(!clerk.0["public_metadata"].contains_key("role"));
                    continue;
                };
                // Every unsafe field has a default, so the unsafe tier always fits.
                let Ok(mut unsafe_metadata) = user.unsafe_metadata.into_typed() else {
                    return Err(TestCaseError::fail("unsafe metadata drifted"));
                };
                if let Some(role) = role {
                    user.public_metadata.role = *role;
                }
                if let Some(risk) = risk {
                    user.private_metadata.risk_score = *risk;
                }
                if let Some(theme) = theme {
                    unsafe_metadata.theme = *theme;
                }
                let mut update = UserUpdate::<Backend>::new();
                if tiers[0] {
                    next.replace("public_metadata", user.public_metadata.value(), true);
                    update = update.replace_public(user.public_metadata);
                }
                if tiers[1] {
                    next.replace("private_metadata", user.private_metadata.value(), true);
                    update = update.replace_private(user.private_metadata);
                }
                if tiers[2] {
                    next.replace("unsafe_metadata", unsafe_metadata.value(), true);
                    update = update.replace_unsafe(unsafe_metadata);
                }
                if update.is_empty() {
                    continue;
                }
                update
            }
            Step::ReplaceFresh { tiers, user } => {
                let (public, private, unsafe_) = (**user).clone().into_tiers();
                let mut update = UserUpdate::<Backend>::new();
                if tiers[0] {
                    next.replace("public_metadata", &public, false);
                    update = update.replace_public(public);
                }
                if tiers[1] {
                    next.replace("private_metadata", &private, false);
                    update = update.replace_private(private);
                }
                if tiers[2] {
                    non_finite = !unsafe_.score.is_finite();
                    if !non_finite {
                        next.replace("unsafe_metadata", &unsafe_, false);
                    }
                    update = update.replace_unsafe(unsafe_);
                }
                if update.is_empty() {
                    continue;
                }
                update
            }
        };
        let built = update.build(&id, ApiVersion::LATEST);
        if non_finite {
            let errors = built.err().ok_or_else(|| {
                TestCaseError::fail(format!("a non-finite score was accepted: {step:?}"))
            })?;
            prop_assert!(
                errors.contains("unsafe_metadata.score", codes::METADATA_NON_FINITE_NUMBER),
                "{}",
                errors
            );
            continue;
        }
        let requests = built.map_err(|e| TestCaseError::fail(format!("{step:?}: {e}")))?;
        for request in &requests {
            clerk.apply(request.method().as_str(), request.body());
        }
        expected = next;
        prop_assert_eq!(&clerk.0, &expected.0, "after {:?}", step);
        // The stored metadata stays readable by the schema, unless a required field
        // was removed by name.
        if clerk.0["public_metadata"].contains_key("role") {
            prop_assert!(
                User::<Model>::from_json(&clerk.user_json()).is_ok(),
                "unreadable after {:?}: {:?}",
                step,
                clerk.0
            );
        }
    }
    Ok(clerk)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn typed_operations_mean_what_they_say_and_keep_unknown_keys(
        initial in model_user(-1e6f64..1e6),
        unknown in prop::array::uniform3(unknown_keys()),
        nested_unknown in unknown_keys(),
        old_risk_key in any::<bool>(),
        steps in prop::collection::vec(step(), 1..8),
    ) {
        run(initial, unknown, nested_unknown, old_risk_key, steps)?;
    }

    /// Every key outside the schema survives a replace built from a read: at the top of
    /// each tier, and inside the nested object (its `UnknownKeys`).
    #[test]
    fn a_read_then_replace_of_every_tier_keeps_every_unknown_key_nested_too(
        initial in model_user(-1e6f64..1e6),
        unknown in prop::array::uniform3(unknown_keys()),
        nested_unknown in unknown_keys(),
        old_risk_key in any::<bool>(),
    ) {
        let steps = vec![Step::ReplaceFromRead { tiers: [true; 3], role: None, risk: None, theme: None }];
        let clerk = run(initial, unknown.clone(), nested_unknown.clone(), old_risk_key, steps)?;
        for (tier, keys) in TIERS.into_iter().zip(&unknown) {
            for (key, value) in keys {
                prop_assert_eq!(clerk.0[tier].get(key), Some(value), "{} {} lost", tier, key);
            }
        }
        let nested = &clerk.0["unsafe_metadata"]["notifications"];
        for (key, value) in &nested_unknown {
            prop_assert_eq!(nested.get(key), Some(value), "notifications.{} lost", key);
        }
    }

    /// Nested keys outside the schema survive every patch; only a replace, which
    /// writes the nested object whole, drops them.
    #[test]
    fn nested_patches_keep_nested_keys_they_do_not_name(
        initial in model_user(-1e6f64..1e6),
        nested_unknown in unknown_keys(),
        ops in prop::collection::vec(patch_ops(), 1..6),
    ) {
        // A step that sets a non-finite score fails to build and applies nothing.
        let removed = ops.iter().any(|o| {
            matches!(o.notifications, NestedOp::Remove)
                && !matches!(o.score, Op::Set(s) if !s.is_finite())
        });
        let steps = ops.into_iter().map(Step::Patch).collect();
        let unknown = [Map::new(), Map::new(), Map::new()];
        let clerk = run(initial, unknown, nested_unknown.clone(), false, steps)?;
        let nested = clerk.0["unsafe_metadata"].get("notifications");
        for (key, value) in &nested_unknown {
            let kept = nested.and_then(|n| n.get(key));
            if removed {
                prop_assert!(kept.is_none(), "notifications.{} outlived its removal", key);
            } else {
                prop_assert_eq!(kept, Some(value), "notifications.{} lost", key);
            }
        }
    }
}

#[test]
fn the_reference_merge_follows_clerks_documented_semantics() {
    let mut stored = json!({"a": {"b": 1, "c": [1, 2]}, "d": "x", "e": 1})
        .as_object()
        .unwrap()
        .clone();
    let patch =
        json!({"a": {"b": null, "c": [3], "n": {"m": null, "k": 1}}, "d": null, "f": {"g": true}});
    merge(&mut stored, patch.as_object().unwrap());
    assert_eq!(
        Value::Object(stored),
        json!({"a": {"c": [3], "n": {"k": 1}}, "e": 1, "f": {"g": true}})
    );
}

/// The migration off an old key of a nested object: the field stays plain (whole
/// writes) with its `alias` while stored data moves; a read and a replace then write
/// the object under the new key with every nested key, unknown ones included, and
/// delete the old key.
#[derive(UserMetadata)]
struct Migrating {
    #[metadata(public)]
    role: Role,
    #[metadata(unsafe)]
    #[serde(default, alias = "notifs_v1")]
    notifications: Notifications,
}

proptest! {
    #[test]
    fn an_old_nested_key_moves_whole_through_a_read_and_replace(
        email in any::<bool>(),
        nested_unknown in unknown_keys(),
        top_unknown in unknown_keys(),
    ) {
        let mut old = Map::new();
        old.insert("email".to_owned(), json!(email));
        old.extend(nested_unknown.clone());
        let mut unsafe_tier = top_unknown.clone();
        unsafe_tier.insert("notifs_v1".to_owned(), Value::Object(old));
        let mut clerk = Clerk(BTreeMap::from([
            ("public_metadata", json!({"role": "member"}).as_object().unwrap().clone()),
            ("private_metadata", Map::new()),
            ("unsafe_metadata", unsafe_tier),
        ]));
        let user = User::<Migrating>::from_json(&clerk.user_json()).unwrap();
        let unsafe_metadata = user.unsafe_metadata.into_typed().unwrap();
        let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
        let requests = UserUpdate::<Backend>::new()
            .replace_unsafe(unsafe_metadata)
            .build(&id, ApiVersion::LATEST)
            .unwrap();
        for request in &requests {
            clerk.apply(request.method().as_str(), request.body());
        }
        let mut moved = Map::new();
        moved.insert("email".to_owned(), json!(email));
        moved.insert("push".to_owned(), json!(false));
        moved.extend(nested_unknown);
        let mut expected = top_unknown;
        expected.insert("notifications".to_owned(), Value::Object(moved));
        prop_assert_eq!(&clerk.0["unsafe_metadata"], &expected);
    }
}
