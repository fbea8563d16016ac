//! The audit over a walk of `FakeClerk`'s users: drift by tier, path and kind with
//! examples; the keys the schema does not name; claims over budget; tiers near 8 KB;
//! hostile metadata escaped and capped; no private value in the report, serialized or
//! shown.

use clerk_metadata::jobs::{Audit, AuditOptions, ListUsers, Place};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{ProblemKind, UserMetadata};
use clerk_metadata_tests::AppUser;
use serde_json::json;

/// A private value no report may show.
const SECRET: &str = "sk_live_AUDIT_SECRET_42";

fn seed(fake: &FakeClerk) {
    fake.seed_users(100, |i| match i % 10 {
        // An enum variant that was removed.
        1 => json!({"public_metadata": {"role": "superuser", "legacy_plan": "gold"}}),
        // A required field missing (renamed), its old key kept.
        2 => json!({"public_metadata": {"userRole": "admin"}}),
        // A private number that became a string, and a private key the schema does not name.
        3 => json!({"public_metadata": {"role": "member"},
                    "private_metadata": {"riskScore": SECRET, SECRET: 1}}),
        // Unsafe junk.
        4 => json!({"public_metadata": {"role": "member"}, "unsafe_metadata": {"theme": 42}}),
        _ => json!({"public_metadata": {"role": "admin", "legacy_plan": "free"},
                    "private_metadata": {"riskScore": i, "erp": "x"}}),
    })
    .unwrap();
}

#[tokio::test]
async fn the_report_counts_drift_by_tier_path_and_kind_with_examples() {
    let fake = FakeClerk::start().unwrap();
    seed(&fake);
    let users = fake.client().unwrap().users::<AppUser>();
    let report = users
        .audit(ListUsers::new().page_size(30), AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(report.scanned, 100);
    assert_eq!(report.fitting, 60);
    assert_eq!(report.not_fitting(), 40);
    // Unsafe drift does not stop a strict read.
    assert_eq!(report.strict_readable, 70);
    assert_eq!(report.unreadable, 0);
    let drift: Vec<(Place, &str, ProblemKind, u64)> = report
        .drift
        .iter()
        .map(|d| (d.place, d.path.as_str(), d.kind, d.users))
        .collect();
    assert_eq!(
        drift,
        [
            (
                Place::PublicMetadata,
                "public_metadata",
                ProblemKind::MissingField,
                10
            ),
            (
                Place::PublicMetadata,
                "public_metadata.role",
                ProblemKind::UnknownVariant,
                10
            ),
            (
                Place::PrivateMetadata,
                "private_metadata.riskScore",
                ProblemKind::WrongType,
                10
            ),
            (
                Place::UnsafeMetadata,
                "unsafe_metadata.theme",
                ProblemKind::WrongType,
                10
            ),
        ]
    );
    // Examples are the newest users first, three at most.
    assert_eq!(
        report.drift[1].examples,
        [
            "user_seed0000000000000000000091",
            "user_seed0000000000000000000081",
            "user_seed0000000000000000000071"
        ]
    );
    assert!(
        report.drift[1]
            .sample
            .as_deref()
            .unwrap()
            .contains("superuser")
    );
    assert_eq!(report.drift[2].sample, None);
    // The blind spots: public and unsafe keys by name, private ones counted.
    let keys: Vec<(Place, &str, u64)> = report
        .unknown_keys
        .iter()
        .map(|k| (k.place, k.key.as_str(), k.users))
        .collect();
    assert_eq!(
        keys,
        [
            (Place::PublicMetadata, "legacy_plan", 70),
            (Place::PublicMetadata, "userRole", 10),
        ]
    );
    assert_eq!(report.private_unknown_keys.users, 70);
    assert_eq!(report.private_unknown_keys.keys, 70);
    // No private value or private key anywhere.
    let json = serde_json::to_string(&report).unwrap();
    let table = report.to_string();
    for text in [&json, &table, &format!("{report:?}")] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("erp"), "{text}");
    }
    assert!(table.contains("public_metadata.role"), "{table}");
    assert!(table.contains("unknown enum value"), "{table}");
    assert!(
        table.contains("100 users scanned: 60 fit the schema, 40 do not"),
        "{table}"
    );
}

#[tokio::test]
async fn hostile_metadata_is_escaped_cut_and_capped() {
    let fake = FakeClerk::start().unwrap();
    let long_key = "k".repeat(5000);
    fake.seed_users(60, |i| {
        let mut unsafe_ = serde_json::Map::new();
        // A distinct key per user: the report keeps 10 and counts the rest together.
        unsafe_.insert(format!("spam{i}"), json!(1));
        unsafe_.insert("\u{202e}evil\u{1b}[31m\n".to_owned(), json!(1));
        unsafe_.insert(long_key.clone(), json!(1));
        unsafe_.insert(
            "notifications".to_owned(),
            json!({"email": format!("\u{202e}{}\u{7}", "x".repeat(3000))}),
        );
        json!({"public_metadata": {"role": "member"}, "unsafe_metadata": unsafe_})
    })
    .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let options = AuditOptions {
        max_distinct: 10,
        ..AuditOptions::default()
    };
    let report = users.audit(ListUsers::new(), options).await.unwrap();
    assert_eq!(report.scanned, 60);
    assert!(
        report.unknown_keys.len() <= 11,
        "{}",
        report.unknown_keys.len()
    );
    let other = report
        .unknown_keys
        .iter()
        .find(|k| k.key == "(other keys)")
        .unwrap();
    assert!(other.users > 0);
    let table = report.to_string();
    let json = serde_json::to_string(&report).unwrap();
    for text in [&table, &json] {
        assert!(!text.contains('\u{202e}') && !text.contains('\u{1b}') && !text.contains('\u{7}'));
        assert!(!text.contains(&"k".repeat(200)));
        assert!(!text.contains(&"x".repeat(400)));
    }
    assert!(table.contains(r"\u{202e}evil"), "{table}");
    for line in table.lines() {
        assert!(line.chars().count() < 400, "{line}");
    }
    let drift = &report.drift[0];
    assert_eq!(drift.path, "unsafe_metadata.notifications.email");
    assert_eq!(drift.kind, ProblemKind::WrongType);
    assert!(drift.sample.as_ref().unwrap().chars().count() <= 161);
}

#[derive(UserMetadata)]
struct Claimed {
    #[metadata(public, claim)]
    #[serde(default)]
    badges: Vec<String>,
    #[metadata(public)]
    #[serde(default)]
    bio: Option<String>,
}

#[tokio::test]
async fn claims_over_budget_and_tiers_near_8_kb_are_flagged() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(20, |i| match i {
        // Claims of about 2 KB.
        3 => json!({"public_metadata": {"badges": vec!["b".repeat(100); 20]}}),
        // A big bio: large, but not a claim.
        4 => json!({"public_metadata": {"bio": "x".repeat(7300)}}),
        // Over 8 KB (stored before the limit).
        5 => json!({"public_metadata": {"bio": "x".repeat(9000)}}),
        _ => json!({}),
    })
    .unwrap();
    let users = fake.client().unwrap().users::<Claimed>();
    let report = users
        .audit(ListUsers::new(), AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(report.fitting, 20);
    assert_eq!(report.over_claims_budget.users, 1);
    assert_eq!(
        report.over_claims_budget.examples,
        ["user_seed0000000000000000000003"]
    );
    let public = &report.tier_sizes[0];
    assert_eq!(public.place, Place::PublicMetadata);
    assert_eq!(public.near_limit.users, 1);
    assert_eq!(public.over_limit.users, 1);
    assert_eq!(
        public.over_limit.examples,
        ["user_seed0000000000000000000005"]
    );
    assert!(public.largest > 9000);
    assert!(
        report
            .to_string()
            .contains("session-token claims over 1200 bytes: 1 users")
    );
}

#[tokio::test]
async fn entries_that_are_not_users_are_counted_by_path() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(3, |i| match i {
        1 => json!({"public_metadata": {"role": "admin"}, "has_image": "yes"}),
        _ => json!({"public_metadata": {"role": "admin"}}),
    })
    .unwrap();
    let mut audit = Audit::<AppUser>::new();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new()).unwrap();
    while let Some(page) = pager.next_page().await.unwrap() {
        for user in &page.users {
            match user {
                Ok(user) => audit.record(user),
                Err(error) => audit.record_unreadable(error),
            }
        }
    }
    let report = audit.report();
    assert_eq!(
        (report.scanned, report.fitting, report.unreadable),
        (3, 2, 1)
    );
    assert_eq!(report.drift[0].place, Place::User);
    assert_eq!(report.drift[0].path, "has_image");
    assert_eq!(report.drift[0].kind, ProblemKind::WrongType);
    assert_eq!(
        report.drift[0].examples,
        ["user_seed0000000000000000000001"]
    );
}

#[tokio::test]
async fn text_that_is_not_unicode_is_a_kind_of_its_own_and_does_not_end_the_walk() {
    let fake = FakeClerk::start().unwrap();
    // A page as a proxy or a corrupted store might send it: a lone surrogate escape in
    // a public value and in a private one (valid JSON text, not Unicode).
    let user = |id: &str, public: &str, private: &str| {
        format!(
            r#"{{"id":"{id}","object":"user","has_image":false,"banned":false,"locked":false,"created_at":5,"updated_at":5,
                "public_metadata":{{"role":{public}}},"private_metadata":{{"stripe_customer_id":{private}}},"unsafe_metadata":{{}}}}"#
        )
    };
    let page = format!(
        "[{},{},{}]",
        user("user_a", r#""\ud800x""#, r#""ok""#),
        user("user_b", r#""admin""#, r#""sk_\udfffSECRET""#),
        user("user_c", r#""admin""#, r#""ok""#),
    );
    fake.inject_on(
        "GET",
        "/v1/users",
        clerk_metadata::testing::Fault::raw(200, page),
        1,
    );
    let users = fake.client().unwrap().users::<AppUser>();
    let report = users
        .audit(ListUsers::new(), AuditOptions::default())
        .await
        .unwrap();
    assert_eq!((report.scanned, report.fitting), (3, 1));
    let drift: Vec<(&str, ProblemKind)> = report
        .drift
        .iter()
        .map(|d| (d.path.as_str(), d.kind))
        .collect();
    assert_eq!(
        drift,
        [
            ("public_metadata.role", ProblemKind::NotUtf8),
            ("private_metadata.stripe_customer_id", ProblemKind::NotUtf8),
        ]
    );
    let text = format!("{report}{}", serde_json::to_string(&report).unwrap());
    assert!(!text.contains("SECRET"), "{text}");
}

#[test]
fn one_hostile_user_cannot_hide_the_public_blind_spots() {
    let lenient = |mut json: serde_json::Value| {
        for flag in ["has_image", "banned", "locked"] {
            json[flag] = json!(false);
        }
        clerk_metadata::User::<AppUser>::from_json_lenient(json.to_string().as_bytes()).unwrap()
    };
    let mut audit = Audit::<AppUser>::new();
    // The newest user, read first: 2,000 unsafe keys, one of them 8,000 characters.
    let mut junk = serde_json::Map::new();
    for i in 0..2000 {
        junk.insert(format!("junk{i}"), json!(1));
    }
    junk.insert("j".repeat(8000), json!(1));
    audit.record(&lenient(json!({
        "id": "user_hostile", "created_at": 3, "updated_at": 3,
        "public_metadata": {"role": "member"}, "unsafe_metadata": junk,
    })));
    // Then ordinary users, with a public key the schema does not name.
    for i in 0..5 {
        audit.record(&lenient(json!({
            "id": format!("user_{i}"), "created_at": 2, "updated_at": 2,
            "public_metadata": {"role": "member", "legacy_plan": "gold"},
        })));
    }
    let report = audit.report();
    let public = report
        .unknown_keys
        .iter()
        .find(|k| k.place == Place::PublicMetadata && k.key == "legacy_plan")
        .unwrap_or_else(|| panic!("{:?}", report.unknown_keys));
    assert_eq!(public.users, 5);
    // The hostile user named at most its share of unsafe keys; the rest are counted.
    let unsafe_named = report
        .unknown_keys
        .iter()
        .filter(|k| k.place == Place::UnsafeMetadata && k.key != "(other keys)")
        .count();
    assert_eq!(unsafe_named, clerk_metadata::jobs::MAX_NEW_KEYS_PER_USER);
    let other = report
        .unknown_keys
        .iter()
        .find(|k| k.place == Place::UnsafeMetadata && k.key == "(other keys)")
        .unwrap();
    assert_eq!(other.users as usize, 2001 - unsafe_named);
    // No key is kept longer than a cut key.
    assert!(
        report
            .unknown_keys
            .iter()
            .all(|k| k.key.chars().count() < 100)
    );
}
