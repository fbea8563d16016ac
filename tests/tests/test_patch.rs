//! Typed patches: exact JSON, the runtime mass-assignment guard, widening.

use clerk_metadata::{Backend, Frontend, MetadataPatch, TierKind, UserMetadata};
use clerk_metadata_tests::{
    AppUser, AppUserPatch, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Role, Theme,
};
use serde_json::json;

fn to_json<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn an_empty_patch_sends_an_empty_object() {
    let patch = AppUserPatch::<Backend>::new();
    assert!(patch.is_empty());
    assert!(MetadataPatch::is_empty(&patch));
    assert_eq!(to_json(&patch), json!({}));
    assert_eq!(to_json(&AppUserPatch::<Frontend>::default()), json!({}));
}

#[test]
fn backend_patch_sends_only_the_touched_tiers_and_keys() {
    let patch = AppUserPatch::<Backend>::new()
        .role(Role::Admin)
        .remove_stripe_customer_id();
    assert_eq!(
        to_json(&patch),
        json!({"public_metadata": {"role": "admin"}, "private_metadata": {"stripe_customer_id": null}})
    );
    assert!(patch.touches(TierKind::Public));
    assert!(patch.touches(TierKind::Private));
    assert!(!patch.touches(TierKind::Unsafe));
    assert_eq!(to_json(&patch.tier(TierKind::Unsafe)), json!({}));
    assert_eq!(
        to_json(&patch.tier(TierKind::Public)),
        json!({"role": "admin"})
    );
}

#[test]
fn every_setter_and_remover_writes_its_key() {
    let set = AppUserPatch::<Backend>::new()
        .role(Role::Member)
        .teams(vec!["a".to_owned()])
        .stripe_customer_id(None)
        .risk_score(3)
        .theme(Theme::Light)
        .notifications(Notifications {
            email: false,
            push: true,
            unknown: Default::default(),
        });
    assert_eq!(
        to_json(&set),
        json!({
            "public_metadata": {"role": "member", "teams": ["a"]},
            "private_metadata": {"stripe_customer_id": null, "riskScore": 3},
            "unsafe_metadata": {"theme": "light", "notifications": {"email": false, "push": true}}
        })
    );
    let removed = AppUserPatch::<Backend>::new()
        .remove_required_role()
        .remove_teams()
        .remove_stripe_customer_id()
        .remove_risk_score()
        .remove_theme()
        .remove_notifications();
    assert_eq!(
        to_json(&removed),
        json!({
            "public_metadata": {"role": null, "teams": null},
            "private_metadata": {"stripe_customer_id": null, "riskScore": null},
            "unsafe_metadata": {"theme": null, "notifications": null}
        })
    );
}

#[test]
fn the_last_write_to_a_field_wins() {
    let patch = AppUserPatch::<Frontend>::new()
        .theme(Theme::Dark)
        .remove_theme()
        .theme(Theme::Light);
    assert_eq!(
        to_json(&patch),
        json!({"unsafe_metadata": {"theme": "light"}})
    );
}

#[test]
fn whole_tier_setters_send_every_field_of_the_tier() {
    let patch = AppUserPatch::<Backend>::new()
        .set_public(AppUserPublic {
            role: Role::Admin,
            teams: vec![],
        })
        .set_private(AppUserPrivate {
            stripe_customer_id: Some("cus_1".to_owned()),
            risk_score: 0,
        });
    assert_eq!(
        to_json(&patch),
        json!({
            "public_metadata": {"role": "admin", "teams": []},
            "private_metadata": {"stripe_customer_id": "cus_1", "riskScore": 0}
        })
    );
    let frontend = AppUserPatch::<Frontend>::new().set_unsafe(AppUserUnsafe::default_for_test());
    assert_eq!(
        to_json(&frontend),
        json!({"unsafe_metadata": {"theme": "system", "notifications": {"email": false, "push": false}}})
    );
}

trait DefaultForTest {
    fn default_for_test() -> Self;
}

impl DefaultForTest for AppUserUnsafe {
    fn default_for_test() -> Self {
        serde_json::from_value(json!({})).unwrap()
    }
}

#[test]
fn a_frontend_patch_widens_to_backend_unchanged() {
    let frontend = AppUserPatch::<Frontend>::new().theme(Theme::Dark);
    let expected = to_json(&frontend);
    let widened: AppUserPatch<Backend> = frontend.clone().widen();
    assert_eq!(to_json(&widened), expected);
    let converted: AppUserPatch<Backend> = frontend.into();
    assert_eq!(
        to_json(&converted.role(Role::Admin)),
        json!({"public_metadata": {"role": "admin"}, "unsafe_metadata": {"theme": "dark"}})
    );
}

#[test]
fn frontend_patch_reads_the_flat_body_a_browser_sends() {
    let patch: AppUserPatch<Frontend> =
        serde_json::from_value(json!({"theme": "dark", "notifications": null})).unwrap();
    assert_eq!(
        to_json(&patch),
        json!({"unsafe_metadata": {"theme": "dark", "notifications": null}})
    );
    let empty: AppUserPatch<Frontend> = serde_json::from_str("{}").unwrap();
    assert!(empty.is_empty());
}

fn frontend_error(body: serde_json::Value) -> String {
    serde_json::from_value::<AppUserPatch<Frontend>>(body)
        .unwrap_err()
        .to_string()
}

#[test]
fn frontend_patch_rejects_public_keys_naming_field_and_tier() {
    assert_eq!(
        frontend_error(json!({"role": "admin"})),
        "field `role` is public metadata: the frontend may write only unsafe metadata"
    );
    assert_eq!(
        frontend_error(json!({"teams": null})),
        "field `teams` is public metadata: the frontend may write only unsafe metadata"
    );
}

#[test]
fn frontend_patch_answers_private_keys_as_unknown_ones() {
    assert_eq!(
        frontend_error(json!({"theme": "dark", "riskScore": 0})),
        "unknown field `riskScore`: it is not a metadata field"
    );
    assert_eq!(
        frontend_error(json!({"stripe_customer_id": "cus_evil"})),
        "unknown field `stripe_customer_id`: it is not a metadata field"
    );
}

#[test]
fn frontend_patch_rejects_unknown_keys_and_bad_shapes() {
    assert_eq!(
        frontend_error(json!({"is_admin": true})),
        "unknown field `is_admin`: it is not a metadata field"
    );
    assert_eq!(
        frontend_error(json!({"risk_score": 0})),
        "unknown field `risk_score`: it is not a metadata field",
        "the JSON key is `riskScore`; the Rust name is not a key"
    );
    assert!(frontend_error(json!(["theme"])).contains("a JSON object of metadata fields"));
    assert!(frontend_error(json!({"theme": 5})).contains("invalid type"));
    let long = "k".repeat(100);
    let error = frontend_error(json!({ long.as_str(): 1 }));
    assert!(error.len() < 150 && error.contains('…'), "{error}");
}

#[test]
fn a_key_sent_twice_is_rejected() {
    let error =
        serde_json::from_str::<AppUserPatch<Frontend>>(r#"{"theme": "dark", "theme": "light"}"#)
            .unwrap_err();
    assert!(
        error.to_string().contains("duplicate field `theme`"),
        "{error}"
    );
}

#[test]
fn backend_patch_reads_every_field_from_flat_json() {
    let patch: AppUserPatch<Backend> =
        serde_json::from_value(json!({"role": "admin", "riskScore": null, "theme": "light"}))
            .unwrap();
    assert_eq!(
        to_json(&patch),
        json!({"public_metadata": {"role": "admin"}, "private_metadata": {"riskScore": null}, "unsafe_metadata": {"theme": "light"}})
    );
}

#[test]
fn debug_of_a_patch_hides_private_values() {
    let patch = AppUserPatch::<Backend>::new()
        .role(Role::Admin)
        .stripe_customer_id(Some("cus_secret".to_owned()));
    let shown = format!("{patch:?}");
    assert!(!shown.contains("cus_secret"), "{shown}");
    assert!(
        shown.contains("stripe_customer_id: Set(<redacted>)"),
        "{shown}"
    );
    assert!(shown.contains("role: Set(Admin)"), "{shown}");
    assert!(shown.contains("context: \"Backend\""), "{shown}");
}

#[test]
fn the_schema_names_its_patch_type() {
    fn patch_of<S: UserMetadata>() -> S::Patch<Frontend> {
        S::Patch::<Frontend>::default()
    }
    let patch: AppUserPatch<Frontend> = patch_of::<AppUser>();
    assert!(patch.is_empty());
}
