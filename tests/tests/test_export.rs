//! JSON Schemas and TypeScript from the Rust struct: snapshots of both for a schema
//! with every serde attribute the derive accepts, and a property test that each tier's
//! schema accepts exactly what the tier's reads accept. (The TypeScript compiler's
//! checks are in `examples/tests/types.rs`.)

use std::path::Path;

use clerk_metadata::{MetadataTier, UserMetadata, export};
use clerk_metadata_tests::export::Member;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Compares `tests/snapshots/name` with `generated`, or writes it with
/// `UPDATE_SNAPSHOTS=1`.
fn snapshot(name: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `UPDATE_SNAPSHOTS=1 cargo test -p clerk-metadata-tests --test test_export`, review the diff and commit it",
        path.display()
    );
}

#[test]
fn organization_and_membership_typescript_snapshots() {
    use clerk_metadata_tests::export::{Customer, Seat};
    let frontend = export::typescript_organization::<Customer>();
    snapshot("customer.d.ts", &frontend);
    let backend = export::typescript_organization_with_private::<Customer>();
    snapshot("customer.backend.d.ts", &backend);
    let member = export::typescript_membership::<Seat>();
    snapshot("seat.d.ts", &member);
    let member_backend = export::typescript_membership_with_private::<Seat>();
    snapshot("seat.backend.d.ts", &member_backend);
    // The frontend files name nothing of the private tiers: not the interface, a
    // field, a doc comment or a type only a private field uses.
    for (text, private) in [
        (
            &frontend,
            [
                "OrganizationPrivateMetadata",
                "contract",
                "Contract",
                "signed contract",
            ],
        ),
        (
            &member,
            [
                "OrganizationMembershipPrivateMetadata",
                "cost_center",
                "cost center",
                "costCenter",
            ],
        ),
    ] {
        for word in private {
            assert!(!text.contains(word), "{word} in {text}");
        }
    }
    assert!(frontend.contains("interface OrganizationPublicMetadata {"));
    assert!(frontend.contains("seats?: number;"));
    assert!(backend.contains("interface OrganizationPrivateMetadata {"));
    assert!(backend.contains("Contract"));
    assert!(member.contains("interface OrganizationMembershipPublicMetadata {"));
    assert!(member_backend.contains("interface OrganizationMembershipPrivateMetadata {"));
    assert!(member_backend.contains("cost_center"));
}

#[test]
fn typescript_snapshot() {
    snapshot("member.d.ts", &export::typescript::<Member>());
}

#[test]
fn typescript_with_private_snapshot() {
    snapshot(
        "member.backend.d.ts",
        &export::typescript_with_private::<Member>(),
    );
}

// The frontend declarations hold nothing of the private tier: no field name, alias,
// doc comment or type only private fields use. `Ledger` adds what `Member` lacks: a
// struct and an enum used only by private fields, a type shared by the public and the
// private tier, and a doc comment of several lines.

/// Where the payouts go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PayoutAccount {
    /// The bank's routing number, from the onboarding call.
    pub routing_number: String,
    /// The last four digits of the account.
    pub account_tail: String,
}

/// The fraud team's verdict on the account.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FraudVerdict {
    /// Nothing found.
    Cleared,
    /// Payouts held for review.
    OnHold,
}

/// A currency, for display and for settlement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Currency {
    /// Euro.
    EUR,
    /// US dollar.
    USD,
}

/// A schema whose private tier has types of its own.
#[derive(UserMetadata)]
#[metadata(derive(schemars::JsonSchema))]
pub struct Ledger {
    /// The currency prices are shown in.
    #[metadata(public)]
    pub display_currency: Currency,
    /// The currency payouts settle in.
    #[metadata(private)]
    pub settlement_currency: Currency,
    /// Where payouts go.
    ///
    /// Set by the onboarding service after the bank check.
    #[metadata(private)]
    #[serde(alias = "bank")]
    pub payout_account: Option<PayoutAccount>,
    /// What the fraud team decided.
    #[metadata(private)]
    #[serde(default)]
    pub fraud_verdict: Option<FraudVerdict>,
    /// The name the user goes by.
    #[metadata(unsafe)]
    #[serde(default)]
    pub nickname: Option<String>,
}

/// Every line of text in `schema` (descriptions, at any depth) and every `$defs`
/// name.
fn texts(schema: &Value, lines: &mut Vec<String>, defs: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object {
                match (key.as_str(), value) {
                    ("description", Value::String(text)) => lines.extend(
                        text.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_owned),
                    ),
                    ("$defs", Value::Object(found)) => defs.extend(found.keys().cloned()),
                    _ => {}
                }
                texts(value, lines, defs);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| texts(v, lines, defs)),
        _ => {}
    }
}

/// What only the private tier of `S` says: the names (its keys and aliases, and the
/// types only it uses) and the lines of its doc comments. Lines and types the public
/// or unsafe tier also has are theirs to show.
fn private_only<S>() -> (Vec<String>, Vec<String>)
where
    S: UserMetadata,
    S::Public: schemars::JsonSchema,
    S::Private: schemars::JsonSchema,
    S::Unsafe: schemars::JsonSchema,
{
    let schemas = export::json_schemas::<S>();
    let (mut shown, mut shown_defs) = (Vec::new(), Vec::new());
    texts(&schemas.public, &mut shown, &mut shown_defs);
    texts(&schemas.unsafe_, &mut shown, &mut shown_defs);
    let (mut private, mut private_defs) = (Vec::new(), Vec::new());
    texts(&schemas.private, &mut private, &mut private_defs);
    let mut names: Vec<String> = <S::Private as MetadataTier>::FIELDS
        .iter()
        .flat_map(|f| std::iter::once(f.key).chain(f.aliases.iter().copied()))
        .map(str::to_owned)
        .collect();
    names.extend(private_defs.into_iter().filter(|d| !shown_defs.contains(d)));
    let lines = private.into_iter().filter(|l| !shown.contains(l)).collect();
    (names, lines)
}

/// Fails if the frontend declarations of `S` hold anything only its private tier says.
/// The backend declarations hold every name (so the check looks for text the
/// generator writes); they hold the doc lines the renderer keeps (not those of enum
/// variants, which a string union has no place for).
fn assert_no_private<S>()
where
    S: UserMetadata,
    S::Public: schemars::JsonSchema,
    S::Private: schemars::JsonSchema,
    S::Unsafe: schemars::JsonSchema,
{
    let frontend = export::typescript::<S>();
    let backend = export::typescript_with_private::<S>();
    let (names, lines) = private_only::<S>();
    assert!(names.len() >= 2 && lines.len() >= 3, "{names:?} {lines:?}");
    for text in names.iter().chain(&lines) {
        assert!(
            !frontend.contains(text.as_str()),
            "the frontend declarations hold {text:?}:\n{frontend}"
        );
    }
    for name in &names {
        assert!(
            backend.contains(name.as_str()),
            "the backend declarations lack {name:?}:\n{backend}"
        );
    }
    assert!(!frontend.contains("UserPrivateMetadata"), "{frontend}");
    assert!(
        backend.contains("interface UserPrivateMetadata {"),
        "{backend}"
    );
}

#[test]
fn the_frontend_declarations_hold_nothing_private() {
    assert_no_private::<Member>();
    assert_no_private::<Ledger>();
    // The check covers what `Ledger` is for, in both declarations' terms.
    let (names, lines) = private_only::<Ledger>();
    let backend = export::typescript_with_private::<Ledger>();
    for expected in ["payout_account", "bank", "PayoutAccount", "FraudVerdict"] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    for expected in [
        "The bank's routing number, from the onboarding call.",
        "Set by the onboarding service after the bank check.",
        "The fraud team's verdict on the account.",
    ] {
        assert!(lines.iter().any(|l| l == expected), "{expected}: {lines:?}");
        assert!(backend.contains(expected), "{expected}: {backend}");
    }
    // A type the public tier uses too is declared, once, for the public field.
    let frontend = export::typescript::<Ledger>();
    assert!(
        frontend.contains(r#"export type Currency = "EUR" | "USD";"#),
        "{frontend}"
    );
    assert!(
        frontend.contains("display_currency: Currency;"),
        "{frontend}"
    );
    assert!(frontend.contains("nickname?: string | null;"), "{frontend}");
}

#[test]
fn json_schema_snapshots() {
    let schemas = export::json_schemas::<Member>();
    for (name, schema) in [
        ("member.public.schema.json", &schemas.public),
        ("member.private.schema.json", &schemas.private),
        ("member.unsafe.schema.json", &schemas.unsafe_),
    ] {
        snapshot(
            name,
            &(serde_json::to_string_pretty(schema).unwrap() + "\n"),
        );
    }
}

// The schema agrees with serde: for JSON values around each tier's shape (right and
// wrong types, missing and extra keys, aliases, bounds), the tier's schema accepts a
// value exactly when the crate reads it (`Stored<Tier>`, which is how stored metadata
// is read). Two shapes serde's derives also accept are left out, because the schema
// refuses them on purpose: a struct written as a positional array (`[true, null]`),
// and a unit variant written as a one-key object (`{"free": null}`).

use clerk_metadata::Stored;
use clerk_metadata_tests::export::{MemberPrivate, MemberPublic, MemberUnsafe};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde::de::DeserializeOwned;
use serde_json::{Map, json};

/// A JSON value of any of the shapes the tiers hold, right or wrong for a field;
/// `arrays: false` leaves out arrays (for a field that holds a struct: see above).
fn value(arrays: bool) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(7),
            Just(i64::from(u32::MAX)),
            Just(i64::from(u32::MAX) + 1),
            Just(i64::MIN),
            any::<i64>()
        ]
        .prop_map(|n| json!(n)),
        Just(json!(u64::MAX)),
        prop_oneof![Just(0.5f64), Just(-2.25), Just(1e300)].prop_map(|f| json!(f)),
        prop_oneof![
            Just("free"),
            Just("pro-monthly"),
            Just("legacy"),
            Just("ProMonthly"),
            Just("grandfathered"),
            Just(""),
            Just("x")
        ]
        .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(2, 8, 3, move |inner| {
        let objects = prop::collection::btree_map(
            // Keys that name no enum variant: see above.
            prop_oneof![Just("emailDigest"), Just("push"), Just("flag"), Just("x")],
            inner,
            0..3,
        )
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
        if arrays {
            prop_oneof![
                // Arrays of strings and numbers: never a struct's positional form.
                prop::collection::vec(
                    prop_oneof![Just(json!("core")), Just(json!(3)), Just(json!("x"))],
                    0..3
                )
                .prop_map(Value::Array),
                objects,
            ]
            .boxed()
        } else {
            objects.boxed()
        }
    })
    .boxed()
}

/// A field's values: mostly right ones, often anything.
fn field(right: impl Strategy<Value = Value> + 'static, arrays: bool) -> BoxedStrategy<Value> {
    prop_oneof![2 => right, 1 => value(arrays)].boxed()
}

/// An object with each field present or not (half the time each), plus a key no field
/// names.
fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let fields: Vec<_> = fields
        .into_iter()
        .map(|(key, values)| prop::option::weighted(0.5, values).prop_map(move |v| (key, v)))
        .collect();
    (fields, prop::option::weighted(0.2, value(true)))
        .prop_map(|(fields, other)| {
            let mut object: Map<String, Value> = fields
                .into_iter()
                .filter_map(|(key, value)| Some((key.to_owned(), value?)))
                .collect();
            if let Some(other) = other {
                object.insert("other".to_owned(), other);
            }
            Value::Object(object)
        })
        .boxed()
}

fn public_values() -> BoxedStrategy<Value> {
    object(vec![
        (
            "plan",
            field(
                prop_oneof![
                    Just(json!("free")),
                    Just(json!("pro-monthly")),
                    Just(json!("legacy"))
                ],
                false,
            ),
        ),
        ("seats", field((0u32..100).prop_map(|n| json!(n)), true)),
        (
            "featureFlags",
            field(
                prop::collection::btree_map("[a-z]{1,3}", any::<bool>(), 0..3)
                    .prop_map(|m| json!(m)),
                false,
            ),
        ),
    ])
}

fn private_values() -> BoxedStrategy<Value> {
    object(vec![
        (
            "crm_id",
            field("[a-z0-9]{0,6}".prop_map(|s| json!(s)), true),
        ),
        ("crm", field("[a-z0-9]{0,6}".prop_map(|s| json!(s)), true)),
        (
            "risk",
            field(
                prop_oneof![Just(Value::Null), (-10.0f64..10.0).prop_map(|f| json!(f))],
                true,
            ),
        ),
    ])
}

fn unsafe_values() -> BoxedStrategy<Value> {
    object(vec![
        (
            "teams",
            field(
                prop::collection::vec("[a-z]{1,4}", 0..3).prop_map(|v| json!(v)),
                true,
            ),
        ),
        (
            "channels",
            field(
                (
                    prop::option::of(any::<bool>()),
                    prop::option::of(prop::option::of(any::<bool>())),
                )
                    .prop_map(|(email, push)| {
                        let mut m = Map::new();
                        if let Some(email) = email {
                            m.insert("emailDigest".into(), json!(email));
                        }
                        if let Some(push) = push {
                            m.insert("push".into(), json!(push));
                        }
                        Value::Object(m)
                    }),
                false,
            ),
        ),
        (
            "utcOffset",
            field(
                prop_oneof![Just(Value::Null), (-720i64..720).prop_map(|n| json!(n))],
                true,
            ),
        ),
    ])
}

/// Whether the schema and the read agree on `value`.
fn agree<T: MetadataTier + DeserializeOwned + schemars::JsonSchema>(
    value: &Value,
) -> Result<(), TestCaseError> {
    let schema = export::json_schema::<T>();
    let validator =
        jsonschema::validator_for(&schema).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let by_schema = validator.is_valid(value);
    let by_serde = serde_json::from_value::<Stored<T>>(value.clone());
    prop_assert_eq!(
        by_schema,
        by_serde.is_ok(),
        "{} — schema says {}, serde says {:?}",
        value,
        by_schema,
        by_serde.err().map(|e| e.to_string())
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn the_public_schema_accepts_what_serde_reads(value in public_values()) {
        agree::<MemberPublic>(&value)?;
    }

    #[test]
    fn the_private_schema_accepts_what_serde_reads(value in private_values()) {
        agree::<MemberPrivate>(&value)?;
    }

    #[test]
    fn the_unsafe_schema_accepts_what_serde_reads(value in unsafe_values()) {
        agree::<MemberUnsafe>(&value)?;
    }
}

#[test]
fn the_generators_make_both_kinds() {
    // Each tier sees values both sides accept and values both refuse, so agreement is
    // not agreement on one answer.
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    fn count<T: MetadataTier + DeserializeOwned>(strategy: BoxedStrategy<Value>) -> (u32, u32) {
        let mut runner = TestRunner::deterministic();
        let (mut valid, mut invalid) = (0, 0);
        for _ in 0..1000 {
            let value = strategy.new_tree(&mut runner).unwrap().current();
            if serde_json::from_value::<Stored<T>>(value).is_ok() {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        (valid, invalid)
    }
    for (tier, (valid, invalid)) in [
        ("public", count::<MemberPublic>(public_values())),
        ("private", count::<MemberPrivate>(private_values())),
        ("unsafe", count::<MemberUnsafe>(unsafe_values())),
    ] {
        assert!(
            valid >= 100 && invalid >= 100,
            "{tier}: valid {valid}, invalid {invalid}"
        );
    }
}

// The session-token claims budget.

use clerk_metadata::claims::{self, ClaimsBudget};
use clerk_metadata::{ApiVersion, Backend, Rules, UserId, UserUpdate, codes};

/// A schema with a claim that can grow.
#[derive(UserMetadata)]
pub struct Tagged {
    #[metadata(public, claim)]
    #[serde(default)]
    pub tags: Vec<String>,
    #[metadata(public, claim = "lvl")]
    #[serde(default)]
    pub level: u8,
    #[metadata(public)]
    #[serde(default)]
    pub bio: Option<String>,
}

fn tags(bytes: usize) -> Vec<String> {
    (0..bytes / 12).map(|i| format!("tag-{i:06}")).collect()
}

#[test]
fn the_claims_of_stored_data_are_measured_against_the_budget() {
    assert_eq!(
        claims::template::<Tagged>(),
        json!({"tags": "{{user.public_metadata.tags}}", "lvl": "{{user.public_metadata.level}}"})
    );
    let small = TaggedPublic {
        tags: vec!["a".into()],
        level: 3,
        bio: Some("x".repeat(5000)),
    };
    assert_eq!(
        claims::of::<Tagged>(&small).unwrap(),
        *json!({"tags": ["a"], "lvl": 3}).as_object().unwrap()
    );
    assert_eq!(
        claims::size::<Tagged>(&small).unwrap(),
        r#"{"lvl":3,"tags":["a"]}"#.len()
    );
    assert!(claims::check::<Tagged>(&small, claims::BUDGET).is_ok());
    let big = TaggedPublic {
        tags: tags(1500),
        level: 3,
        bio: None,
    };
    let over = claims::check::<Tagged>(&big, claims::BUDGET).unwrap_err();
    assert!(over.size > 1200 && over.budget == 1200, "{over:?}");
    assert!(
        over.to_string().contains("over the budget of 1200"),
        "{over}"
    );
}

#[test]
fn an_update_checks_the_claims_it_sets() {
    let id = UserId::parse("user_1").unwrap();
    let mut strict = Rules::default();
    strict.claims_budget = ClaimsBudget::Error(claims::BUDGET);
    let big =
        || UserUpdate::<Backend>::new().metadata(TaggedPatch::<Backend>::new().tags(tags(1500)));
    // Over the budget, as an error: nothing is built.
    let errors = big()
        .build_with(&id, ApiVersion::LATEST, &strict)
        .unwrap_err();
    let error = errors
        .iter()
        .find(|e| e.code() == codes::CLAIMS_OVER_BUDGET)
        .unwrap();
    assert_eq!(error.field(), "public_metadata");
    // By default, a warning: built, and reported.
    let update = big();
    assert!(update.build(&id, ApiVersion::LATEST).is_ok());
    let warnings = update.warnings(&Rules::default());
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].code(), codes::CLAIMS_OVER_BUDGET);
    // A large public field that is not a claim is not measured; a replace is measured
    // whole.
    let bio =
        UserUpdate::<Backend>::new().metadata(TaggedPatch::<Backend>::new().bio("x".repeat(5000)));
    assert!(bio.build_with(&id, ApiVersion::LATEST, &strict).is_ok());
    let replace = UserUpdate::<Backend>::new().replace_public(TaggedPublic {
        tags: tags(1500),
        level: 1,
        bio: None,
    });
    assert!(
        replace
            .build_with(&id, ApiVersion::LATEST, &strict)
            .is_err()
    );
    let mut off = Rules::default();
    off.claims_budget = ClaimsBudget::Off;
    assert!(big().warnings(&off).is_empty());
}

#[test]
fn organization_and_membership_json_schemas_accept_what_their_reads_accept() {
    use clerk_metadata_tests::export::{Customer, Seat};
    let customer = export::metadata_json_schemas::<Customer>();
    let seat = export::metadata_json_schemas::<Seat>();
    let valid =
        |schema: &Value, value: Value| jsonschema::validator_for(schema).unwrap().is_valid(&value);
    // Stored tiers with keys the schema does not name: accepted, as the reads keep them.
    assert!(valid(
        &customer.public,
        json!({"plan": "pro-monthly", "seats": 3, "color": "teal"})
    ));
    assert!(valid(
        &customer.private,
        json!({"contract": {"crm_account": "a-1", "seats_paid": 3}})
    ));
    assert!(valid(&seat.public, json!({"team": null})));
    assert!(valid(&seat.private, json!({"cost_center": "cc-9"})));
    // What the reads refuse, the schemas refuse: an unknown plan, a missing required
    // field, seats beyond u32, a wrong type.
    for (schema, value) in [
        (&customer.public, json!({"plan": "enterprise"})),
        (&customer.public, json!({"seats": 3})),
        (
            &customer.public,
            json!({"plan": "free", "seats": 4_294_967_296u64}),
        ),
        (
            &customer.private,
            json!({"contract": {"seats_paid": "many"}}),
        ),
        (&seat.public, json!({"team": 7})),
    ] {
        assert!(!valid(schema, value.clone()), "{value}");
    }
    // Each schema agrees with the typed read on the same values.
    use clerk_metadata::{Metadata, Stored};
    type CustomerPublic = <Customer as Metadata>::Public;
    assert!(
        serde_json::from_value::<Stored<CustomerPublic>>(json!({"plan": "enterprise"})).is_err()
    );
    assert!(
        serde_json::from_value::<Stored<CustomerPublic>>(json!({"plan": "legacy", "x": 1})).is_ok()
    );
}
