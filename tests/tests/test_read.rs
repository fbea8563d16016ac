//! Typed reads: spec-shaped fixtures, nothing lost, drift reported by path, the
//! lenient read, the frontend view, and Clerk's error envelope.

use clerk_metadata::{
    ApiError, ApiVersion, Backend, FrontendUser, Stored, TierRead, User, UserId, UserUpdate,
};
use clerk_metadata_tests::spec::{Api, Spec, validate};
use clerk_metadata_tests::{AppUser, Notifications, Role, Theme, fixture};
use serde_json::{Value, json};

fn as_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn fixtures_are_shaped_exactly_as_the_spec_user() {
    for version in ApiVersion::ALL {
        let user_schema = Spec::load(Api::Backend, version).component("User");
        for name in [
            "user.json",
            "user_private_null_no_unsafe.json",
            "user_drifted.json",
        ] {
            let problems = validate(&user_schema, &as_value(&fixture(name)));
            assert!(problems.is_empty(), "{version} {name}: {problems:?}");
        }
        // The check can fail: a required field missing, an unknown field, a wrong type.
        let mut bad = as_value(&fixture("user.json"));
        bad.as_object_mut().unwrap().remove("has_image");
        bad["nickname"] = json!("JW");
        bad["banned"] = json!("no");
        assert_eq!(validate(&user_schema, &bad).len(), 3, "{version}");
    }
    let client_user = Spec::load(Api::Frontend, ApiVersion::LATEST).component("Client.User");
    assert_eq!(
        validate(&client_user, &as_value(&fixture("client_user.json"))),
        Vec::<String>::new()
    );
}

#[test]
fn reads_a_user_with_typed_tiers_and_keeps_everything_else() {
    let user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    assert_eq!(
        user.profile.id,
        UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap()
    );
    assert_eq!(user.profile.first_name.as_deref(), Some("John"));
    assert_eq!(user.profile.primary_phone_number_id, None);
    assert_eq!(
        (
            user.profile.has_image,
            user.profile.banned,
            user.profile.locked
        ),
        (false, false, false)
    );
    assert_eq!(user.profile.created_at, 1600690400000);
    assert_eq!(user.profile.last_sign_in_at, Some(1700690400000));
    assert_eq!(user.public_metadata.role, Role::Member);
    assert_eq!(user.private_metadata.risk_score, 7);
    assert_eq!(user.unsafe_metadata.typed().unwrap().theme, Theme::Dark);
    let keys = |s: &std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>| {
        s.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(keys(user.public_metadata.unknown()), ["beta_flags"]);
    assert_eq!(keys(user.private_metadata.unknown()), ["crm_sync"]);
    assert_eq!(
        keys(user.unsafe_metadata.typed().unwrap().unknown()),
        ["onboarding_step"]
    );
    assert_eq!(
        user.public_metadata.unknown()["beta_flags"].get(),
        r#"{"new_nav": true}"#,
        "kept byte for byte"
    );
    for key in [
        "object",
        "locale",
        "email_addresses",
        "password_enabled",
        "bypass_client_trust",
        "mfa_enabled_at",
    ] {
        assert!(user.profile.other.contains_key(key), "{key} lost");
    }
}

#[test]
fn writing_a_read_user_back_loses_nothing() {
    let original = as_value(&fixture("user.json"));
    let user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    assert_eq!(
        serde_json::to_value(user.with_private_metadata()).unwrap(),
        original
    );
}

#[test]
fn private_null_and_missing_unsafe_read_as_empty_objects() {
    let user = User::<AppUser>::from_json(&fixture("user_private_null_no_unsafe.json")).unwrap();
    assert_eq!(user.public_metadata.role, Role::Admin);
    assert_eq!(user.private_metadata.stripe_customer_id, None);
    assert_eq!(user.private_metadata.risk_score, 0);
    assert_eq!(user.unsafe_metadata.typed().unwrap().theme, Theme::System);
    assert_eq!(
        user.unsafe_metadata.typed().unwrap().notifications,
        Notifications::default()
    );
    assert!(user.private_metadata.unknown().is_empty());
}

#[test]
fn a_replace_built_from_a_read_sends_back_every_key_the_schema_does_not_name() {
    let mut user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    user.public_metadata.role = Role::Admin;
    let requests = UserUpdate::<Backend>::new()
        .replace_public(user.public_metadata)
        .replace_private(user.private_metadata)
        .build(&user.profile.id, ApiVersion::LATEST)
        .unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        as_value(requests[0].body()),
        json!({
            "public_metadata": {"role": "admin", "teams": ["core"], "beta_flags": {"new_nav": true}},
            "private_metadata": {"stripe_customer_id": "cus_NffrFeUfNV2Hib", "riskScore": 7, "crm_sync": "2026-11-01"}
        })
    );
}

#[test]
fn unknown_keys_go_only_when_asked_by_name() {
    let mut user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    let read = user.public_metadata.clone();
    user.public_metadata.clear_unknown();
    let requests = UserUpdate::<Backend>::new()
        .replace_public(user.public_metadata)
        .build(&user.profile.id, ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        as_value(requests[0].body()),
        json!({"public_metadata": {"role": "member", "teams": ["core"]}})
    );
    // A fresh tier has no keys outside the schema: a replace with it sends the typed
    // value alone, as one with the read tier's value but not its unknown keys would.
    let fresh = Stored::new(read.value().clone());
    let requests = UserUpdate::<Backend>::new()
        .replace_public(fresh)
        .build(&user.profile.id, ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        as_value(requests[0].body()),
        json!({"public_metadata": {"role": "member", "teams": ["core"]}})
    );
    let requests = UserUpdate::<Backend>::new()
        .replace_public(read)
        .build(&user.profile.id, ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        as_value(requests[0].body())["public_metadata"]["beta_flags"],
        json!({"new_nav": true}),
        "only the calls whose names say so drop them"
    );
}

#[test]
fn drift_is_reported_by_json_path() {
    let error = User::<AppUser>::from_json(&fixture("user_drifted.json")).unwrap_err();
    assert_eq!(error.path(), "public_metadata.role");
    assert_eq!(
        error.message(),
        "unknown variant `superadmin`, expected `admin` or `member`"
    );
    assert_eq!(
        error.to_string(),
        "public_metadata.role: unknown variant `superadmin`, expected `admin` or `member`"
    );
    let missing = br#"{"id":"user_1","has_image":false,"banned":false,"locked":false,"created_at":1,"updated_at":1,"public_metadata":{}}"#;
    let error = User::<AppUser>::from_json(missing).unwrap_err();
    assert_eq!(
        (error.path(), error.message()),
        ("public_metadata", "missing field `role`")
    );
    let no_unsafe_role = br#"{"id":"user_1","has_image":false,"banned":false,"locked":false,"created_at":1,"updated_at":1,"public_metadata":{"role":"admin"},"private_metadata":null}"#;
    assert!(User::<AppUser>::from_json(no_unsafe_role).is_ok());
    let error = User::<AppUser>::from_json(br#"{"id":"user_1"}"#).unwrap_err();
    assert_eq!(error.message(), "missing field `has_image`");
    let error = User::<AppUser>::from_json(br#"{"id":"org_1"}"#).unwrap_err();
    assert_eq!(error.path(), "id");
}

#[test]
fn drift_errors_under_private_metadata_never_quote_the_value() {
    let mut drifted = as_value(&fixture("user.json"));
    drifted["private_metadata"]["riskScore"] = json!("secret-score-high");
    let error = User::<AppUser>::from_json(&serde_json::to_vec(&drifted).unwrap()).unwrap_err();
    assert_eq!(error.path(), "private_metadata.riskScore");
    assert!(!error.to_string().contains("secret-score-high"), "{error}");
    assert_eq!(
        error.message(),
        "the stored value does not fit the schema type `u32`"
    );
}

#[test]
fn the_lenient_read_keeps_a_drifted_tier_raw_and_lists_the_problems() {
    let user = User::<AppUser>::from_json_lenient(&fixture("user_drifted.json")).unwrap();
    let paths: Vec<&str> = user.problems().iter().map(|p| p.path()).collect();
    assert_eq!(
        paths,
        [
            "public_metadata.role",
            "private_metadata.stripe_customer_id"
        ]
    );
    let TierRead::Drifted(public) = &user.public_metadata else {
        panic!("public should have drifted")
    };
    assert_eq!(
        as_value(public.raw().get().as_bytes()),
        json!({"role": "superadmin", "teams": "core"})
    );
    assert!(matches!(user.private_metadata, TierRead::Drifted(_)));
    let typed = user.unsafe_metadata.typed().expect("unsafe fits");
    assert_eq!(typed.theme, Theme::Dark);
    assert!(
        user.problems()
            .iter()
            .all(|p| !p.to_string().contains("12345"))
    );
    assert_eq!(user.profile.first_name.as_deref(), Some("John"));
    assert!(user.into_strict().is_none());
    let fine = User::<AppUser>::from_json_lenient(&fixture("user.json")).unwrap();
    assert!(fine.problems().is_empty());
    assert!(fine.into_strict().is_some());
    assert!(User::<AppUser>::from_json_lenient(b"[]").is_err());
}

#[test]
fn the_frontend_view_has_no_private_metadata() {
    let user = FrontendUser::<AppUser>::from_json(&fixture("client_user.json")).unwrap();
    assert_eq!(user.public_metadata.role, Role::Member);
    assert_eq!(user.unsafe_metadata.typed().unwrap().theme, Theme::Dark);
    let with_private = fixture("user.json");
    let user = FrontendUser::<AppUser>::from_json(&with_private).unwrap();
    assert!(!user.profile.other.contains_key("private_metadata"));
}

#[test]
fn debug_of_a_user_hides_private_metadata() {
    let user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    let shown = format!("{user:?}");
    assert!(
        !shown.contains("cus_") && !shown.contains("crm_sync"),
        "{shown}"
    );
    assert!(
        shown.contains("beta_flags") && shown.contains("John"),
        "{shown}"
    );
}

#[test]
fn clerk_errors_are_typed_and_anything_else_is_kept_raw() {
    let body = br#"{"errors":[{"message":"is too short","long_message":"Passwords must be 8 characters or more.","code":"form_password_length_too_short","meta":{"param_name":"password"}},{"message":"taken","long_message":"That username is taken.","code":"form_identifier_exists","meta":{"param_name":"username"}}],"clerk_trace_id":"7f3c"}"#;
    let error = ApiError::from_response(422, body);
    assert_eq!(error.status(), 422);
    assert_eq!(
        error.codes().collect::<Vec<_>>(),
        ["form_password_length_too_short", "form_identifier_exists"]
    );
    let ApiError::Clerk { errors, .. } = &error else {
        panic!()
    };
    assert_eq!(errors.errors[1].param_name(), Some("username"));
    assert_eq!(
        errors.errors[0].long_message.as_deref(),
        Some("Passwords must be 8 characters or more.")
    );
    assert_eq!(errors.clerk_trace_id.as_deref(), Some("7f3c"));
    assert_eq!(
        error.to_string(),
        "Clerk answered 422: password: is too short (form_password_length_too_short); username: taken (form_identifier_exists) (trace 7f3c)"
    );
    for body in [
        &b""[..],
        b"<html>bad gateway</html>",
        b"{}",
        br#"{"errors":"nope"}"#,
        b"\xff\xfe",
        br#"{"errors":[{"code":1}]}"#,
    ] {
        assert_eq!(
            ApiError::from_response(502, body),
            ApiError::Unrecognized {
                status: 502,
                body: body.to_vec()
            },
            "{body:?}"
        );
    }
}

#[test]
fn untyped_fields_are_the_same_whichever_way_the_user_is_read() {
    let bytes = fixture("user.json");
    let from_bytes = User::<AppUser>::from_json(&bytes).unwrap();
    let through_serde: User<AppUser> = serde_json::from_slice(&bytes).unwrap();
    let (a, b) = (&from_bytes.profile.other, &through_serde.profile.other);
    assert_eq!(a.keys(), b.keys());
    assert_eq!(a.keys().len(), 26);
    assert_eq!(a.get("object").unwrap().get(), r#""user""#);
    assert_eq!(b.get("object").unwrap().get(), r#""user""#);
    for typed in ["id", "first_name", "public_metadata", "private_metadata"] {
        assert!(
            a.get(typed).is_none() && b.get(typed).is_none(),
            "{typed} is typed, not other"
        );
    }
    assert_eq!(
        serde_json::to_value(through_serde.with_private_metadata()).unwrap(),
        as_value(&bytes)
    );
}
