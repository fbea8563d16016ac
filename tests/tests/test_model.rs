//! Model-based property tests of the no-loss invariant.
//!
//! A small reference implementation of Clerk's documented metadata semantics — `PATCH`
//! deep-merges objects, `null` deletes a key at any depth, arrays and scalars replace;
//! `PUT` replaces each tier it sends — holds the stored metadata, which starts with
//! random keys outside the schema. Random sequences of typed patches and replaces
//! (including replaces built from a typed read of the stored user) are built into
//! requests and applied to it. After every step the stored state must equal what the
//! typed operations mean, and every key outside the schema must still be there unless
//! a fresh replace deleted it on purpose.

use std::collections::BTreeMap;

use clerk_metadata::User;
use clerk_metadata::{ApiVersion, Backend, UserId, UserUpdate};
use clerk_metadata_tests::{
    AppUser, AppUserPatch, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Role, Theme,
};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const TIERS: [&str; 3] = ["public_metadata", "private_metadata", "unsafe_metadata"];

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

/// The stored metadata at "Clerk".
#[derive(Debug, Clone, PartialEq)]
struct Clerk(BTreeMap<&'static str, Map<String, Value>>);

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

/// What the typed operations mean: the schema's keys per tier, and the keys outside it.
#[derive(Debug, Clone)]
struct Expected {
    typed: BTreeMap<&'static str, Map<String, Value>>,
    unknown: BTreeMap<&'static str, Map<String, Value>>,
}

impl Expected {
    fn stored(&self) -> BTreeMap<&'static str, Map<String, Value>> {
        TIERS
            .into_iter()
            .map(|tier| {
                let mut all = self.unknown[tier].clone();
                all.extend(self.typed[tier].clone());
                (tier, all)
            })
            .collect()
    }

    /// The typed fields of a tier become exactly `value`'s, as a `PUT` stores them.
    fn set_tier<T: serde::Serialize>(&mut self, tier: &'static str, value: &T) {
        let Value::Object(fields) = serde_json::to_value(value).unwrap() else {
            unreachable!()
        };
        self.typed.insert(tier, fields);
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
fn notifications() -> impl Strategy<Value = Notifications> {
    (any::<bool>(), any::<bool>()).prop_map(|(email, push)| Notifications { email, push })
}

#[derive(Debug, Clone)]
struct PatchOps {
    role: Op<Role>,
    teams: Op<Vec<String>>,
    stripe: Op<Option<String>>,
    risk: Op<u32>,
    theme: Op<Theme>,
    notifications: Op<Notifications>,
}

fn patch_ops() -> impl Strategy<Value = PatchOps> {
    (
        op(role()),
        op(teams()),
        op(stripe()),
        op(any::<u32>()),
        op(theme()),
        op(notifications()),
    )
        .prop_map(
            |(role, teams, stripe, risk, theme, notifications)| PatchOps {
                role,
                teams,
                stripe,
                risk,
                theme,
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
    ReplaceFresh {
        tiers: [bool; 3],
        public: AppUserPublic,
        private: AppUserPrivate,
        unsafe_: AppUserUnsafe,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let tiers = prop::array::uniform3(any::<bool>());
    prop_oneof![
        3 => patch_ops().prop_map(Step::Patch),
        3 => (tiers, prop::option::of(role()), prop::option::of(any::<u32>()), prop::option::of(theme()))
            .prop_map(|(tiers, role, risk, theme)| Step::ReplaceFromRead { tiers, role, risk, theme }),
        1 => (tiers, role(), teams(), stripe(), any::<u32>(), theme(), notifications()).prop_map(
            |(tiers, role, teams, stripe_customer_id, risk_score, theme, notifications)| Step::ReplaceFresh {
                tiers,
                public: AppUserPublic { role, teams },
                private: AppUserPrivate { stripe_customer_id, risk_score },
                unsafe_: AppUserUnsafe { theme, notifications },
            }
        ),
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

fn initial_user() -> impl Strategy<Value = AppUser> {
    (
        role(),
        teams(),
        stripe(),
        any::<u32>(),
        theme(),
        notifications(),
    )
        .prop_map(
            |(role, teams, stripe_customer_id, risk_score, theme, notifications)| AppUser {
                role,
                teams,
                stripe_customer_id,
                risk_score,
                theme,
                notifications,
            },
        )
}

fn field<T: serde::Serialize>(expected: &mut Expected, tier: &'static str, key: &str, op: &Op<T>) {
    let typed = expected.typed.get_mut(tier).unwrap();
    match op {
        Op::Keep => {}
        Op::Remove => {
            typed.remove(key);
        }
        Op::Set(value) => match serde_json::to_value(value).unwrap() {
            Value::Null => {
                typed.remove(key);
            }
            value => {
                typed.insert(key.to_owned(), value);
            }
        },
    }
}

fn run(
    initial: AppUser,
    unknown: [Map<String, Value>; 3],
    steps: Vec<Step>,
) -> Result<(), TestCaseError> {
    use clerk_metadata::UserMetadata;
    let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
    let (public, private, unsafe_) = initial.into_tiers();
    let mut expected = Expected {
        typed: BTreeMap::new(),
        unknown: BTreeMap::new(),
    };
    expected.set_tier("public_metadata", &public);
    expected.set_tier("private_metadata", &private);
    expected.set_tier("unsafe_metadata", &unsafe_);
    for (tier, keys) in TIERS.into_iter().zip(unknown) {
        expected.unknown.insert(tier, keys);
    }
    let mut clerk = Clerk(expected.stored());

    for step in steps {
        let update = match &step {
            Step::Patch(ops) => {
                let mut patch = AppUserPatch::<Backend>::new();
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
                patch = match &ops.notifications {
                    Op::Keep => patch,
                    Op::Remove => patch.remove_notifications(),
                    Op::Set(v) => patch.notifications(v.clone()),
                };
                field(&mut expected, "public_metadata", "role", &ops.role);
                field(&mut expected, "public_metadata", "teams", &ops.teams);
                field(
                    &mut expected,
                    "private_metadata",
                    "stripe_customer_id",
                    &ops.stripe,
                );
                field(&mut expected, "private_metadata", "riskScore", &ops.risk);
                field(&mut expected, "unsafe_metadata", "theme", &ops.theme);
                field(
                    &mut expected,
                    "unsafe_metadata",
                    "notifications",
                    &ops.notifications,
                );
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
                // A user whose stored role was removed no longer fits the schema: a
                // strict read fails, and there is nothing to write back.
                let Ok(mut user) = User::<AppUser>::from_json(&clerk.user_json()) else {
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
                    expected.set_tier("public_metadata", user.public_metadata.value());
                    update = update.replace_public(user.public_metadata);
                }
                if tiers[1] {
                    expected.set_tier("private_metadata", user.private_metadata.value());
                    update = update.replace_private(user.private_metadata);
                }
                if tiers[2] {
                    expected.set_tier("unsafe_metadata", unsafe_metadata.value());
                    update = update.replace_unsafe(unsafe_metadata);
                }
                if update.is_empty() {
                    continue;
                }
                update
            }
            Step::ReplaceFresh {
                tiers,
                public,
                private,
                unsafe_,
            } => {
                let mut update = UserUpdate::<Backend>::new();
                if tiers[0] {
                    expected.set_tier("public_metadata", public);
                    expected.unknown.insert("public_metadata", Map::new());
                    update = update.replace_public(public.clone());
                }
                if tiers[1] {
                    expected.set_tier("private_metadata", private);
                    expected.unknown.insert("private_metadata", Map::new());
                    update = update.replace_private(private.clone());
                }
                if tiers[2] {
                    expected.set_tier("unsafe_metadata", unsafe_);
                    expected.unknown.insert("unsafe_metadata", Map::new());
                    update = update.replace_unsafe(unsafe_.clone());
                }
                if update.is_empty() {
                    continue;
                }
                update
            }
        };
        let requests = update
            .build(&id, ApiVersion::LATEST)
            .map_err(|e| TestCaseError::fail(format!("{step:?}: {e}")))?;
        for request in &requests {
            clerk.apply(request.method().as_str(), request.body());
        }
        prop_assert_eq!(&clerk.0, &expected.stored(), "after {:?}", step);
        for tier in TIERS {
            for (key, value) in &expected.unknown[tier] {
                prop_assert_eq!(
                    clerk.0[tier].get(key),
                    Some(value),
                    "{} {} lost after {:?}",
                    tier,
                    key,
                    step
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn typed_operations_mean_what_they_say_and_keep_unknown_keys(
        initial in initial_user(),
        unknown in prop::array::uniform3(unknown_keys()),
        steps in prop::collection::vec(step(), 1..8),
    ) {
        run(initial, unknown, steps)?;
    }

    #[test]
    fn a_read_then_replace_of_every_tier_changes_nothing(
        initial in initial_user(),
        unknown in prop::array::uniform3(unknown_keys()),
    ) {
        let steps = vec![Step::ReplaceFromRead { tiers: [true; 3], role: None, risk: None, theme: None }];
        run(initial, unknown, steps)?;
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
