//! `UserUpdate`: exact requests, validation, redaction.

use clerk_metadata::{
    ApiRequest, ApiVersion, Backend, BodyKind, Frontend, PasswordHasher, Rules, Timestamp, UserId,
    UserUpdate, codes,
};
use clerk_metadata_tests::{
    AppUserPatch, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Role, Theme,
};

fn id() -> UserId {
    UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap()
}

fn body(request: &ApiRequest) -> &str {
    std::str::from_utf8(request.body()).unwrap()
}

fn summary(requests: &[ApiRequest]) -> Vec<(String, String, String)> {
    requests
        .iter()
        .map(|r| {
            (
                r.method().to_string(),
                r.path().to_owned(),
                body(r).to_owned(),
            )
        })
        .collect()
}

fn s(a: &str, b: &str, c: &str) -> (String, String, String) {
    (a.to_owned(), b.to_owned(), c.to_owned())
}

#[test]
fn seed_scenario_first_and_last_name() {
    let requests = UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick")
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        summary(&requests),
        [s(
            "PATCH",
            "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
            r#"{"first_name":"John","last_name":"Wick"}"#
        )]
    );
    let request = &requests[0];
    assert_eq!(request.body_kind(), BodyKind::Json);
    assert_eq!(
        request.headers(),
        [
            ("clerk-api-version", "2026-05-12"),
            ("content-type", "application/json")
        ]
    );
    assert_eq!(request.header("Clerk-API-Version"), Some("2026-05-12"));
    assert_eq!(request.method().as_str(), "PATCH");
    let http: http::Request<Vec<u8>> = request.clone().into();
    assert_eq!(http.method(), http::Method::PATCH);
    assert_eq!(http.uri(), "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb");
    assert_eq!(http.headers()["clerk-api-version"], "2026-05-12");
    assert_eq!(http.body(), request.body());
}

#[test]
fn profile_then_metadata_patch_in_every_version() {
    for version in ApiVersion::ALL {
        let requests = UserUpdate::<Backend>::new()
            .first_name("John")
            .metadata(
                AppUserPatch::<Backend>::new()
                    .role(Role::Admin)
                    .remove_risk_score()
                    .theme(Theme::Dark),
            )
            .build(&id(), version)
            .unwrap();
        assert_eq!(
            summary(&requests),
            [
                s(
                    "PATCH",
                    "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
                    r#"{"first_name":"John"}"#
                ),
                s(
                    "PATCH",
                    "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb/metadata",
                    r#"{"public_metadata":{"role":"admin"},"private_metadata":{"riskScore":null},"unsafe_metadata":{"theme":"dark"}}"#
                ),
            ]
        );
        assert!(requests.iter().all(|r| r.api_version() == version));
    }
}

#[test]
fn replaces_go_to_put_and_patches_to_patch() {
    let requests = UserUpdate::<Backend>::new()
        .replace_public(AppUserPublic {
            role: Role::Member,
            teams: vec![],
        })
        .replace_private(AppUserPrivate {
            stripe_customer_id: None,
            risk_score: 1,
        })
        .metadata(AppUserPatch::<Frontend>::new().theme(Theme::Light))
        .build(&id(), ApiVersion::V2021_02_05)
        .unwrap();
    assert_eq!(
        summary(&requests),
        [
            s(
                "PUT",
                "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb/metadata",
                r#"{"public_metadata":{"role":"member","teams":[]},"private_metadata":{"riskScore":1}}"#
            ),
            s(
                "PATCH",
                "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb/metadata",
                r#"{"unsafe_metadata":{"theme":"light"}}"#
            ),
        ]
    );
}

#[test]
fn nullable_fields_clear_with_null_and_untouched_fields_are_absent() {
    let requests = UserUpdate::<Backend>::new()
        .clear_username()
        .clear_external_id()
        .clear_create_organizations_limit()
        .create_organization_enabled(false)
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        body(&requests[0]),
        r#"{"external_id":null,"username":null,"create_organization_enabled":false,"create_organizations_limit":null}"#
    );
}

#[test]
fn typed_values_are_written_as_the_spec_expects() {
    let accepted = Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap();
    let requests = UserUpdate::<Backend>::new()
        .password_digest("$2a$10$abcdefghijklmnopqrstuu")
        .password_hasher(PasswordHasher::Bcrypt)
        .legal_accepted_at(accepted)
        .created_at(std::time::UNIX_EPOCH)
        .create_organizations_limit(0u32)
        .backup_codes(vec!["one".to_owned(), "two".to_owned()])
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        body(&requests[0]),
        r#"{"password_digest":"$2a$10$abcdefghijklmnopqrstuu","password_hasher":"bcrypt","backup_codes":["one","two"],"legal_accepted_at":"2012-10-20T07:15:20.902Z","create_organizations_limit":0,"created_at":"1970-01-01T00:00:00.000Z"}"#
    );
}

#[test]
fn frontend_update_is_form_encoded_on_me_endpoints() {
    let requests = UserUpdate::<Frontend>::new()
        .username("jwick")
        .clear_first_name()
        .metadata(
            AppUserPatch::<Frontend>::new()
                .theme(Theme::Dark)
                .notifications(Notifications {
                    email: true,
                    push: false,
                    unknown: Default::default(),
                }),
        )
        .build(ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        summary(&requests),
        [
            s("PATCH", "/v1/me", "first_name=&username=jwick"),
            s(
                "PATCH",
                "/v1/me/metadata",
                "unsafe_metadata=%7B%22theme%22%3A%22dark%22%2C%22notifications%22%3A%7B%22email%22%3Atrue%2C%22push%22%3Afalse%7D%7D"
            ),
        ]
    );
    assert!(requests.iter().all(|r| r.body_kind() == BodyKind::Form));
    assert_eq!(
        requests[1].header("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    let decoded: Vec<(String, String)> = serde_urlencoded::from_bytes(requests[1].body()).unwrap();
    assert_eq!(
        decoded,
        [(
            "unsafe_metadata".to_owned(),
            r#"{"theme":"dark","notifications":{"email":true,"push":false}}"#.to_owned()
        )]
    );
}

#[test]
fn frontend_replace_of_unsafe_metadata_exists_only_before_2026_05_12() {
    let tier: AppUserUnsafe = serde_json::from_str(r#"{"theme":"light"}"#).unwrap();
    let update = UserUpdate::<Frontend>::new().replace_unsafe(tier);
    let old = update.build(ApiVersion::V2025_11_10).unwrap();
    assert_eq!(
        summary(&old),
        [s(
            "PATCH",
            "/v1/me",
            "unsafe_metadata=%7B%22theme%22%3A%22light%22%2C%22notifications%22%3A%7B%22email%22%3Afalse%2C%22push%22%3Afalse%7D%7D"
        )]
    );
    let errors = update.build(ApiVersion::V2026_05_12).unwrap_err();
    assert!(
        errors.contains("unsafe_metadata", codes::UNSUPPORTED_IN_API_VERSION),
        "{errors}"
    );
}

#[test]
fn an_update_with_nothing_to_send_is_an_error() {
    let errors = UserUpdate::<Backend>::new()
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors.errors()[0].code(), codes::EMPTY_UPDATE);
    let errors = UserUpdate::<Frontend>::new()
        .metadata(AppUserPatch::<Frontend>::new())
        .build(ApiVersion::LATEST)
        .unwrap_err();
    assert!(errors.contains("update", codes::EMPTY_UPDATE));
}

#[test]
fn user_ids_are_checked_before_a_path_exists() {
    assert_eq!(id().as_str(), "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb");
    for bad in [
        "",
        "user_",
        "user",
        "org_2OEp",
        "USER_2OEp",
        "user_2OEp/../x",
        "user_..",
        "user_a?b",
        "user_a#b",
        "user_a%2F",
        "user_a b",
        " user_a",
        "user_a\n",
        "user_é",
        "user_a_b",
        "user_a-b",
        &format!("user_{}", "a".repeat(200)),
    ] {
        let error = UserId::parse(bad).unwrap_err();
        assert_eq!(
            (error.field(), error.code()),
            ("user_id", codes::FORM_PARAM_FORMAT_INVALID),
            "{bad:?}"
        );
    }
    let read: Result<UserId, _> = serde_json::from_str(r#""user_../x""#);
    assert!(read.is_err());
}

#[test]
fn every_problem_is_reported_at_once_with_clerk_codes() {
    let errors = UserUpdate::<Backend>::new()
        .first_name("x".repeat(257))
        .last_name("ok")
        .username("a.b")
        .password("tiny-pw")
        .skip_password_checks(true)
        .password_digest("digest")
        .locale("english")
        .profile_image_id("img/../1")
        .primary_email_address_id("")
        .backup_codes(vec!["".to_owned()])
        .created_at(std::time::UNIX_EPOCH - std::time::Duration::from_secs(1))
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field(), e.code())).collect();
    assert_eq!(
        got,
        // Each field's own checks in the order of the spec's fields, then the rules
        // across fields.
        [
            ("first_name", "form_param_max_length_exceeded"),
            ("locale", "form_param_format_invalid"),
            ("primary_email_address_id", "form_param_format_invalid"),
            ("username", "form_username_invalid_length"),
            ("username", "form_username_invalid_character"),
            ("profile_image_id", "form_param_format_invalid"),
            ("password", "form_password_length_too_short"),
            ("backup_codes", "form_param_value_invalid"),
            ("created_at", "form_param_format_invalid"),
            ("password_hasher", "form_param_missing"),
            ("password_digest", "conflicting_fields"),
        ]
    );
    let shown = errors.to_string();
    assert!(
        shown.starts_with(
            "11 invalid fields: first_name: first_name must be at most 256 characters"
        ),
        "{shown}"
    );
    assert!(
        !shown.contains("tiny-pw") && !shown.contains("img/.."),
        "messages never quote values: {shown}"
    );
}

#[test]
fn password_companions_and_byte_limits() {
    let long = "é".repeat(37); // 74 bytes, 37 characters
    let errors = UserUpdate::<Backend>::new()
        .password(long)
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(errors.contains("password", codes::FORM_PASSWORD_SIZE_IN_BYTES_EXCEEDED));
    let ok = UserUpdate::<Backend>::new()
        .password("é".repeat(36))
        .sign_out_of_other_sessions(true)
        .skip_password_checks(false);
    assert!(ok.build(&id(), ApiVersion::LATEST).is_ok());
    let errors = UserUpdate::<Backend>::new()
        .sign_out_of_other_sessions(true)
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(errors.contains("sign_out_of_other_sessions", codes::FORM_PARAM_MISSING));
    let errors = UserUpdate::<Backend>::new()
        .password_hasher(PasswordHasher::Argon2id)
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(errors.contains("password_digest", codes::FORM_PARAM_MISSING));
}

#[test]
fn usernames_follow_the_rules_value() {
    let build = |name: &str, rules: &Rules| {
        UserUpdate::<Backend>::new()
            .username(name)
            .build_with(&id(), ApiVersion::LATEST, rules)
    };
    let default = Rules::default();
    assert!(build("jwick", &default).is_ok());
    assert!(build("józef_ł-1", &default).is_ok());
    assert!(build("abc", &default).is_err());
    assert!(build(&"a".repeat(64), &default).is_ok());
    assert!(build(&"a".repeat(65), &default).is_err());
    for bad in [
        "j wick",
        "jw^ck",
        "jw$ck",
        "jw!ck",
        "j.wick",
        "jw`ck",
        "jw#ck",
        "jw+ck",
        "jw~ck",
        "jвick",
        "jw\u{7}ck",
    ] {
        let errors = build(bad, &default).unwrap_err();
        assert!(
            errors.contains("username", codes::FORM_USERNAME_INVALID_CHARACTER),
            "{bad:?}"
        );
    }
    let mut short = Rules::default();
    short.username_min_chars = 3;
    assert!(build("abc", &short).is_ok());
}

#[test]
fn metadata_larger_than_the_limit_is_rejected_by_its_exact_bytes() {
    let teams = |n: usize| vec!["t".repeat(n)];
    let at = |n| {
        UserUpdate::<Backend>::new()
            .replace_public(AppUserPublic {
                role: Role::Admin,
                teams: teams(n),
            })
            .build(&id(), ApiVersion::LATEST)
    };
    let overhead = r#"{"role":"admin","teams":[""]}"#.len();
    assert!(at(8192 - overhead).is_ok());
    let errors = at(8193 - overhead).unwrap_err();
    assert!(
        errors.contains("public_metadata", codes::METADATA_TOO_LARGE),
        "{errors}"
    );
    assert!(errors.to_string().contains("8193 bytes"), "{errors}");
    let mut rules = Rules::default();
    rules.metadata_max_bytes = 16;
    let errors = UserUpdate::<Backend>::new()
        .metadata(AppUserPatch::<Backend>::new().teams(teams(20)))
        .build_with(&id(), ApiVersion::LATEST, &rules)
        .unwrap_err();
    assert!(errors.contains("public_metadata", codes::METADATA_TOO_LARGE));
}

#[test]
fn a_tier_cannot_be_both_patched_and_replaced() {
    let errors = UserUpdate::<Backend>::new()
        .metadata(AppUserPatch::<Backend>::new().role(Role::Admin))
        .replace_public(AppUserPublic {
            role: Role::Member,
            teams: vec![],
        })
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(errors.contains("public_metadata", codes::CONFLICTING_FIELDS));
}

#[test]
fn debug_never_shows_secrets_or_private_metadata() {
    let update = UserUpdate::<Backend>::new()
        .first_name("John")
        .password("hunter2hunter2")
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(vec!["backup-1".to_owned()])
        .replace_private(AppUserPrivate {
            stripe_customer_id: Some("cus_SECRET".to_owned()),
            risk_score: 99,
        });
    let shown = format!("{update:?}");
    for secret in ["hunter2", "JBSWY3", "backup-1", "cus_SECRET", "99"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(shown.contains("first_name: Set(\"John\")"), "{shown}");
    assert!(shown.contains("password: Set(<redacted>)"), "{shown}");
    let requests = update
        .clone()
        .password_digest("x")
        .build(&id(), ApiVersion::LATEST);
    assert!(requests.is_err());
    let requests = update.build(&id(), ApiVersion::LATEST).unwrap();
    for request in &requests {
        let shown = format!("{request:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("cus_SECRET"),
            "{shown}"
        );
        assert!(shown.contains("bytes>"), "{shown}");
    }
}

#[test]
fn api_versions_parse_and_print() {
    for version in ApiVersion::ALL {
        assert_eq!(version.as_str().parse::<ApiVersion>().unwrap(), version);
    }
    assert_eq!(ApiVersion::LATEST, ApiVersion::V2026_05_12);
    assert!("2024-01-01".parse::<ApiVersion>().is_err());
}

#[test]
fn every_field_the_frontend_may_set_reaches_the_form() {
    type F = UserUpdate<Frontend>;
    type Set = fn(F) -> F;
    // One setter and one clear per field the table lets the frontend set; the first
    // assertion fails when the table gains a field this list does not have.
    let fields: [(&str, Set, Set); 6] = [
        (
            "first_name",
            |u| u.first_name("John"),
            |u| u.clear_first_name(),
        ),
        (
            "last_name",
            |u| u.last_name("John"),
            |u| u.clear_last_name(),
        ),
        (
            "primary_email_address_id",
            |u| u.primary_email_address_id("John"),
            |u| u.clear_primary_email_address_id(),
        ),
        (
            "primary_phone_number_id",
            |u| u.primary_phone_number_id("John"),
            |u| u.clear_primary_phone_number_id(),
        ),
        (
            "primary_web3_wallet_id",
            |u| u.primary_web3_wallet_id("John"),
            |u| u.clear_primary_web3_wallet_id(),
        ),
        ("username", |u| u.username("John"), |u| u.clear_username()),
    ];
    let names: Vec<&str> = fields.iter().map(|(name, _, _)| *name).collect();
    assert_eq!(names, clerk_metadata::fields::FRONTEND);
    for (name, set, clear) in fields {
        for (update, value) in [(set(F::new()), "John"), (clear(F::new()), "")] {
            let requests = update.build(ApiVersion::LATEST).unwrap();
            let form: Vec<(String, String)> =
                serde_urlencoded::from_bytes(requests[0].body()).unwrap();
            assert_eq!(form, [(name.to_owned(), value.to_owned())], "{name}");
        }
    }
}

#[test]
fn parse_errors_and_build_errors_share_one_error_type() {
    fn update(id: &str) -> Result<Vec<ApiRequest>, clerk_metadata::ValidationErrors> {
        let id: UserId = id.parse()?;
        let created = "2012-10-20T07:15:20.902Z".parse::<Timestamp>()?;
        UserUpdate::<Backend>::new()
            .created_at(created)
            .build(&id, ApiVersion::LATEST)
    }
    assert!(update("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").is_ok());
    let errors = update("user_../../admin").unwrap_err();
    assert!(errors.contains("user_id", codes::FORM_PARAM_FORMAT_INVALID));
}

/// Clerk counts a password's length in characters, and bcrypt's limit in bytes: five
/// two-byte characters are too short, as Clerk says, though they are ten bytes.
#[test]
fn a_password_is_at_least_eight_characters_and_at_most_72_bytes() {
    let id = clerk_metadata::UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
    let short = clerk_metadata::UserUpdate::<clerk_metadata::Backend>::new()
        .password("ééééé")
        .build(&id, clerk_metadata::ApiVersion::LATEST)
        .unwrap_err();
    assert!(
        short.contains(
            "password",
            clerk_metadata::codes::FORM_PASSWORD_LENGTH_TOO_SHORT
        ),
        "{short}"
    );
    let long = clerk_metadata::UserUpdate::<clerk_metadata::Backend>::new()
        .password("é".repeat(40))
        .build(&id, clerk_metadata::ApiVersion::LATEST)
        .unwrap_err();
    assert!(
        long.contains(
            "password",
            clerk_metadata::codes::FORM_PASSWORD_SIZE_IN_BYTES_EXCEEDED
        ),
        "{long}"
    );
    assert!(
        clerk_metadata::UserUpdate::<clerk_metadata::Backend>::new()
            .password("éééééééé")
            .build(&id, clerk_metadata::ApiVersion::LATEST)
            .is_ok()
    );
}
