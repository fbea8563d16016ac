//! Conformance to Clerk's official OpenAPI spec: for each API version, hundreds of
//! varied updates are built and every request is checked against the spec extracts in
//! `tests/spec` (operation, headers, body schema with `nullable` and
//! `additionalProperties: false`). The negative tests show the check can fail.

use clerk_metadata::{
    ApiRequest, ApiVersion, Backend, Frontend, PasswordHasher, Timestamp, UserId, UserUpdate,
};
use clerk_metadata_tests::spec::{Api, Spec};
use clerk_metadata_tests::{
    AppUserPatch, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Role, Theme,
};

type B = UserUpdate<Backend>;
type F = UserUpdate<Frontend>;

/// A named change to an update.
type Step<U> = (&'static str, fn(U) -> U);

const PASSWORD: &str = "correct horse battery staple";

fn when() -> Timestamp {
    Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap()
}

/// Every UpdateUser field set to a valid value, with the companions it needs.
fn backend_sets() -> Vec<Step<B>> {
    vec![
        ("external_id", |u| u.external_id("crm-42")),
        ("first_name", |u| u.first_name("John")),
        ("last_name", |u| u.last_name("Wick")),
        ("locale", |u| u.locale("en-US")),
        ("primary_email_address_id", |u| {
            u.primary_email_address_id("idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        }),
        ("notify_primary_email_address_changed", |u| {
            u.notify_primary_email_address_changed(true)
        }),
        ("primary_phone_number_id", |u| {
            u.primary_phone_number_id("idn_29w83yL7CwVlJXylYLxcslromF1")
        }),
        ("primary_web3_wallet_id", |u| {
            u.primary_web3_wallet_id("idn_29w83yL7CwVlJXylYLxcslromF2")
        }),
        ("username", |u| u.username("jwick")),
        ("profile_image_id", |u| {
            u.profile_image_id("img_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        }),
        ("password", |u| u.password(PASSWORD)),
        ("password_digest", |u| {
            u.password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMye")
                .password_hasher(PasswordHasher::Bcrypt)
        }),
        ("password_hasher", |u| {
            u.password_hasher(PasswordHasher::Argon2id)
                .password_digest("$argon2id$v=19$m=4096")
        }),
        ("skip_password_checks", |u| {
            u.password(PASSWORD).skip_password_checks(true)
        }),
        ("sign_out_of_other_sessions", |u| {
            u.password(PASSWORD).sign_out_of_other_sessions(true)
        }),
        ("totp_secret", |u| u.totp_secret("JBSWY3DPEHPK3PXP")),
        ("backup_codes", |u| {
            u.backup_codes(vec!["a1b2c3".to_owned(), "d4e5f6".to_owned()])
        }),
        ("delete_self_enabled", |u| u.delete_self_enabled(false)),
        ("create_organization_enabled", |u| {
            u.create_organization_enabled(true)
        }),
        ("legal_accepted_at", |u| u.legal_accepted_at(when())),
        ("skip_legal_checks", |u| u.skip_legal_checks(true)),
        ("create_organizations_limit", |u| {
            u.create_organizations_limit(5u32)
        }),
        ("created_at", |u| u.created_at(std::time::UNIX_EPOCH)),
        ("bypass_client_trust", |u| u.bypass_client_trust(true)),
    ]
}

/// Every nullable UpdateUser field cleared (sent as `null`).
fn backend_clears() -> Vec<Step<B>> {
    vec![
        ("external_id", |u| u.clear_external_id()),
        ("first_name", |u| u.clear_first_name()),
        ("last_name", |u| u.clear_last_name()),
        ("locale", |u| u.clear_locale()),
        ("primary_email_address_id", |u| {
            u.clear_primary_email_address_id()
        }),
        ("notify_primary_email_address_changed", |u| {
            u.clear_notify_primary_email_address_changed()
        }),
        ("primary_phone_number_id", |u| {
            u.clear_primary_phone_number_id()
        }),
        ("primary_web3_wallet_id", |u| {
            u.clear_primary_web3_wallet_id()
        }),
        ("username", |u| u.clear_username()),
        ("profile_image_id", |u| u.clear_profile_image_id()),
        ("password", |u| u.clear_password()),
        ("skip_password_checks", |u| {
            u.password(PASSWORD).clear_skip_password_checks()
        }),
        ("sign_out_of_other_sessions", |u| {
            u.password(PASSWORD).clear_sign_out_of_other_sessions()
        }),
        ("totp_secret", |u| u.clear_totp_secret()),
        ("delete_self_enabled", |u| u.clear_delete_self_enabled()),
        ("create_organization_enabled", |u| {
            u.clear_create_organization_enabled()
        }),
        ("legal_accepted_at", |u| u.clear_legal_accepted_at()),
        ("skip_legal_checks", |u| u.clear_skip_legal_checks()),
        ("create_organizations_limit", |u| {
            u.clear_create_organizations_limit()
        }),
        ("created_at", |u| u.clear_created_at()),
        ("bypass_client_trust", |u| u.clear_bypass_client_trust()),
    ]
}

fn frontend_sets() -> Vec<Step<F>> {
    vec![
        ("username", |u| u.username("jwick")),
        ("first_name", |u| u.first_name("John")),
        ("last_name", |u| u.last_name("Wick")),
        ("primary_email_address_id", |u| {
            u.primary_email_address_id("idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        }),
        ("primary_phone_number_id", |u| {
            u.primary_phone_number_id("idn_29w83yL7CwVlJXylYLxcslromF1")
        }),
        ("primary_web3_wallet_id", |u| {
            u.primary_web3_wallet_id("idn_29w83yL7CwVlJXylYLxcslromF2")
        }),
        ("clear username", |u| u.clear_username()),
        ("clear first_name", |u| u.clear_first_name()),
        ("clear last_name", |u| u.clear_last_name()),
        ("clear primary_email_address_id", |u| {
            u.clear_primary_email_address_id()
        }),
        ("clear primary_phone_number_id", |u| {
            u.clear_primary_phone_number_id()
        }),
        ("clear primary_web3_wallet_id", |u| {
            u.clear_primary_web3_wallet_id()
        }),
    ]
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

fn random_backend_patch(rng: &mut Rng) -> AppUserPatch<Backend> {
    let mut patch = AppUserPatch::<Backend>::new();
    match rng.below(3) {
        0 => {
            patch = patch.role(if rng.coin() {
                Role::Admin
            } else {
                Role::Member
            })
        }
        1 => patch = patch.remove_required_role(),
        _ => {}
    }
    if rng.coin() {
        patch = patch.teams(
            (0..rng.below(4))
                .map(|i| format!("team-{i}"))
                .collect::<Vec<_>>(),
        );
    }
    match rng.below(3) {
        0 => patch = patch.stripe_customer_id(Some("cus_NffrFeUfNV2Hib".to_owned())),
        1 => patch = patch.remove_stripe_customer_id(),
        _ => {}
    }
    if rng.coin() {
        patch = patch.risk_score(rng.below(100) as u32);
    }
    if rng.coin() {
        patch = if rng.coin() {
            patch.theme(Theme::System)
        } else {
            patch.remove_notifications()
        };
    }
    patch
}

fn random_frontend_patch(rng: &mut Rng) -> AppUserPatch<Frontend> {
    let mut patch = AppUserPatch::<Frontend>::new();
    if rng.coin() {
        patch = if rng.coin() {
            patch.theme(Theme::Light)
        } else {
            patch.remove_theme()
        };
    }
    if rng.coin() || patch.is_empty() {
        patch = patch.notifications(Notifications {
            email: rng.coin(),
            push: rng.coin(),
            unknown: Default::default(),
        });
    }
    patch
}

fn public_tier(rng: &mut Rng) -> AppUserPublic {
    AppUserPublic {
        role: if rng.coin() {
            Role::Admin
        } else {
            Role::Member
        },
        teams: vec!["core".to_owned(); rng.below(3)],
    }
}

fn private_tier(rng: &mut Rng) -> AppUserPrivate {
    AppUserPrivate {
        stripe_customer_id: rng.coin().then(|| "cus_1".to_owned()),
        risk_score: rng.below(10) as u32,
    }
}

fn unsafe_tier(rng: &mut Rng) -> AppUserUnsafe {
    AppUserUnsafe {
        theme: Theme::Dark,
        notifications: Notifications {
            email: rng.coin(),
            push: false,
            unknown: Default::default(),
        },
    }
}

/// The backend updates of one conformance run: each field alone, each nullable field
/// cleared, each hasher, each tier patched and replaced, and random combinations.
fn backend_updates(seed: u64) -> Vec<(String, B)> {
    let mut updates = Vec::new();
    for (name, set) in backend_sets() {
        updates.push((format!("set {name}"), set(B::new())));
    }
    for (name, clear) in backend_clears() {
        updates.push((format!("clear {name}"), clear(B::new())));
    }
    for hasher in PasswordHasher::ALL {
        updates.push((
            format!("hasher {hasher}"),
            B::new()
                .password_digest("digest$value")
                .password_hasher(*hasher),
        ));
    }
    let mut rng = Rng(seed);
    updates.push((
        "patch public".to_owned(),
        B::new().metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
    ));
    updates.push((
        "patch private".to_owned(),
        B::new().metadata(AppUserPatch::<Backend>::new().risk_score(1)),
    ));
    updates.push((
        "patch unsafe".to_owned(),
        B::new().metadata(AppUserPatch::<Frontend>::new().theme(Theme::Dark)),
    ));
    updates.push((
        "replace public".to_owned(),
        B::new().replace_public(public_tier(&mut rng)),
    ));
    updates.push((
        "replace private".to_owned(),
        B::new().replace_private(private_tier(&mut rng)),
    ));
    updates.push((
        "replace unsafe".to_owned(),
        B::new().replace_unsafe(unsafe_tier(&mut rng)),
    ));
    let sets = backend_sets();
    let clears = backend_clears();
    for i in 0..180 {
        let mut update = B::new();
        for _ in 0..1 + rng.below(6) {
            update = if rng.below(3) == 0 {
                (clears[rng.below(clears.len())].1)(update)
            } else {
                (sets[rng.below(sets.len())].1)(update)
            };
        }
        match rng.below(4) {
            0 => update = update.metadata(random_backend_patch(&mut rng)),
            1 => update = update.metadata(random_frontend_patch(&mut rng)),
            2 => {
                if rng.coin() {
                    update = update.replace_public(public_tier(&mut rng));
                }
                if rng.coin() {
                    update = update.replace_private(private_tier(&mut rng));
                }
                if rng.coin() {
                    update = update.replace_unsafe(unsafe_tier(&mut rng));
                }
            }
            _ => {}
        }
        updates.push((format!("combination {i}"), update));
    }
    updates
}

fn frontend_updates(seed: u64, version: ApiVersion) -> Vec<(String, F)> {
    let mut updates = Vec::new();
    for (name, set) in frontend_sets() {
        updates.push((name.to_owned(), set(F::new())));
    }
    let mut rng = Rng(seed);
    for i in 0..10 {
        updates.push((
            format!("patch {i}"),
            F::new().metadata(random_frontend_patch(&mut rng)),
        ));
    }
    if version != ApiVersion::V2026_05_12 {
        updates.push((
            "replace unsafe".to_owned(),
            F::new().replace_unsafe(unsafe_tier(&mut rng)),
        ));
    }
    let sets = frontend_sets();
    for i in 0..40 {
        let mut update = F::new();
        for _ in 0..1 + rng.below(4) {
            update = (sets[rng.below(sets.len())].1)(update);
        }
        if rng.coin() {
            update = update.metadata(random_frontend_patch(&mut rng));
        }
        updates.push((format!("frontend combination {i}"), update));
    }
    updates
}

fn check_all(
    spec: &Spec,
    requests: &[ApiRequest],
    version: ApiVersion,
    name: &str,
    failures: &mut Vec<String>,
) {
    for request in requests {
        if let Err(problems) = spec.check(&request.clone().into_http(), version) {
            failures.push(format!("{version} {name}: {request}: {problems:?}"));
        }
    }
}

#[test]
fn every_request_of_hundreds_of_updates_conforms_to_the_spec_in_every_version() {
    let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap();
    for version in ApiVersion::ALL {
        let backend_spec = Spec::load(Api::Backend, version);
        let frontend_spec = Spec::load(Api::Frontend, version);
        let mut failures = Vec::new();
        let (mut built, mut requests_checked) = (0, 0);
        for (name, update) in backend_updates(0x5eed_0001) {
            // A random combination may break a rule (password with password_digest, a tier
            // patched and replaced); those are validation's business, tested elsewhere.
            let Ok(requests) = update.build(&id, version) else {
                continue;
            };
            built += 1;
            requests_checked += requests.len();
            assert!(!requests.is_empty());
            for request in requests.iter().filter(|r| r.path().ends_with(id.as_str())) {
                let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
                assert!(
                    ["public_metadata", "private_metadata", "unsafe_metadata"]
                        .iter()
                        .all(|k| body.get(k).is_none()),
                    "{version} {name}: metadata in the UpdateUser body"
                );
            }
            check_all(&backend_spec, &requests, version, &name, &mut failures);
        }
        for (name, update) in frontend_updates(0x5eed_0002, version) {
            let requests = update
                .build(version)
                .unwrap_or_else(|e| panic!("{version} {name}: {e}"));
            built += 1;
            requests_checked += requests.len();
            check_all(&frontend_spec, &requests, version, &name, &mut failures);
        }
        assert!(
            failures.is_empty(),
            "{} of {requests_checked} requests fail the spec:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(built >= 200, "{version}: only {built} updates built");
        println!("{version}: {built} updates, {requests_checked} requests, all conform");
    }
}

fn backend_request(method: &str, path: &str, body: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method(method)
        .uri(path)
        .header("clerk-api-version", "2026-05-12")
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .unwrap()
}

#[test]
fn the_check_rejects_wrong_bodies_paths_and_headers() {
    let spec = Spec::load(Api::Backend, ApiVersion::V2026_05_12);
    let path = "/v1/users/user_1";
    assert!(
        spec.check(
            &backend_request("PATCH", path, r#"{"first_name":"John","username":null}"#),
            ApiVersion::V2026_05_12
        )
        .is_ok()
    );
    for (why, request) in [
        (
            "unknown key",
            backend_request("PATCH", path, r#"{"first_name":"John","nickname":"JW"}"#),
        ),
        (
            "string for a boolean",
            backend_request("PATCH", path, r#"{"skip_legal_checks":"yes"}"#),
        ),
        (
            "null where not nullable",
            backend_request("PATCH", path, r#"{"backup_codes":null}"#),
        ),
        (
            "metadata in UpdateUser since 2026-05-12",
            backend_request("PATCH", path, r#"{"public_metadata":{}}"#),
        ),
        (
            "hasher outside the spec",
            backend_request("PATCH", path, r#"{"password_hasher":{"name":"bcrypt"}}"#),
        ),
        (
            "metadata that is not an object",
            backend_request(
                "PATCH",
                "/v1/users/user_1/metadata",
                r#"{"public_metadata":"admin"}"#,
            ),
        ),
        (
            "unknown metadata key",
            backend_request("PUT", "/v1/users/user_1/metadata", r#"{"public":{}}"#),
        ),
        (
            "no such operation",
            backend_request("DELETE", "/v1/users/user_1/metadata", "{}"),
        ),
        (
            "no such path",
            backend_request("PATCH", "/v1/user/user_1", "{}"),
        ),
        (
            "not JSON",
            backend_request("PATCH", path, "first_name=John"),
        ),
    ] {
        assert!(
            spec.check(&request, ApiVersion::V2026_05_12).is_err(),
            "{why} passed the check"
        );
    }
    let mut wrong_version = backend_request("PATCH", path, "{}");
    wrong_version.headers_mut().insert(
        "clerk-api-version",
        http::HeaderValue::from_static("2021-02-05"),
    );
    assert!(spec.check(&wrong_version, ApiVersion::V2026_05_12).is_err());
    // The same metadata field is accepted by UpdateUser in 2025-11-10.
    let old = Spec::load(Api::Backend, ApiVersion::V2025_11_10);
    let mut request = backend_request("PATCH", path, r#"{"public_metadata":{}}"#);
    request.headers_mut().insert(
        "clerk-api-version",
        http::HeaderValue::from_static("2025-11-10"),
    );
    assert!(old.check(&request, ApiVersion::V2025_11_10).is_ok());
}

#[test]
fn the_form_check_rejects_unknown_fields_and_bad_metadata() {
    let spec = Spec::load(Api::Frontend, ApiVersion::V2026_05_12);
    let form = |path: &str, body: &str| {
        http::Request::builder()
            .method("PATCH")
            .uri(path)
            .header("clerk-api-version", "2026-05-12")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.as_bytes().to_vec())
            .unwrap()
    };
    assert!(
        spec.check(&form("/v1/me", "username=jwick"), ApiVersion::V2026_05_12)
            .is_ok()
    );
    assert!(
        spec.check(
            &form("/v1/me/metadata", "unsafe_metadata=%7B%7D"),
            ApiVersion::V2026_05_12
        )
        .is_ok()
    );
    for (why, request) in [
        (
            "backend-only field",
            form("/v1/me", "password=hunter2hunter2"),
        ),
        (
            "unsafe_metadata on /v1/me in 2026-05-12",
            form("/v1/me", "unsafe_metadata=%7B%7D"),
        ),
        (
            "metadata that is not an object",
            form("/v1/me/metadata", "unsafe_metadata=%5B%5D"),
        ),
        (
            "public metadata from the browser",
            form("/v1/me/metadata", "public_metadata=%7B%7D"),
        ),
        ("required field missing", form("/v1/me/metadata", "")),
        ("field sent twice", form("/v1/me", "username=a&username=b")),
    ] {
        assert!(
            spec.check(&request, ApiVersion::V2026_05_12).is_err(),
            "{why} passed the check"
        );
    }
}

type N = clerk_metadata::NewUser<clerk_metadata_tests::AppUser>;

/// Every `CreateUser` field set to a valid value, with the companions it needs.
fn new_user_sets() -> Vec<Step<N>> {
    vec![
        ("external_id", |u| u.external_id("crm-42")),
        ("first_name", |u| u.first_name("John")),
        ("last_name", |u| u.last_name("Wick")),
        ("locale", |u| u.locale("en-US")),
        ("email_address", |u| u.email_address("john@example.com")),
        ("email_address_identification_status", |u| {
            u.email_address("john@example.com")
                .reserved_email_address("jw@example.org")
        }),
        ("phone_number", |u| u.phone_number("+15550001234")),
        ("phone_number_identification_status", |u| {
            u.reserved_phone_number("+15550001235")
        }),
        ("web3_wallet", |u| {
            u.web3_wallet("0x0123456789abcdef0123456789abcdef01234567")
        }),
        ("username", |u| u.username("jwick")),
        ("password", |u| u.password(PASSWORD)),
        ("password_digest", |u| {
            u.password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMye", PasswordHasher::Bcrypt)
        }),
        ("skip_password_checks", |u| {
            u.password(PASSWORD).skip_password_checks(true)
        }),
        ("skip_password_requirement", |u| {
            u.skip_password_requirement(true)
        }),
        ("totp_secret", |u| u.totp_secret("JBSWY3DPEHPK3PXP")),
        ("backup_codes", |u| u.backup_codes(["a1b2c3", "d4e5f6"])),
        ("private_metadata", |u| {
            u.private_metadata(AppUserPrivate {
                stripe_customer_id: Some("cus_1".to_owned()),
                risk_score: 2,
            })
        }),
        ("unsafe_metadata", |u| {
            u.unsafe_metadata(AppUserUnsafe {
                theme: Theme::Light,
                notifications: Notifications::default(),
            })
        }),
        ("delete_self_enabled", |u| u.delete_self_enabled(false)),
        ("legal_accepted_at", |u| u.legal_accepted_at(when())),
        ("skip_legal_checks", |u| u.skip_legal_checks(true)),
        ("skip_user_requirement", |u| u.skip_user_requirement(true)),
        ("create_organization_enabled", |u| {
            u.create_organization_enabled(true)
        }),
        ("create_organizations_limit", |u| {
            u.create_organizations_limit(5u32)
        }),
        ("created_at", |u| u.created_at(std::time::UNIX_EPOCH)),
        ("bypass_client_trust", |u| u.bypass_client_trust(true)),
        ("banned", |u| u.banned(true)),
        ("locked", |u| u.locked(false)),
    ]
}

#[test]
fn every_new_user_conforms_to_create_user_in_every_version() {
    for version in ApiVersion::ALL {
        let spec = Spec::load(Api::Backend, version);
        let mut failures = Vec::new();
        let sets = new_user_sets();
        let mut users: Vec<(String, N)> = sets
            .iter()
            .map(|(name, set)| {
                (
                    format!("set {name}"),
                    set(N::new().public_metadata(public_tier(&mut Rng(1)))),
                )
            })
            .collect();
        let mut rng = Rng(0x5eed_0003);
        for i in 0..100 {
            let mut user = N::new().public_metadata(public_tier(&mut rng));
            for _ in 0..1 + rng.below(8) {
                user = (sets[rng.below(sets.len())].1)(user);
            }
            users.push((format!("combination {i}"), user));
        }
        let mut built = 0;
        for (name, user) in users {
            // A combination may break a rule (password with password_digest, an
            // address twice); validation's business, tested elsewhere.
            let Ok(request) = user.build(version) else {
                continue;
            };
            built += 1;
            assert_eq!(request.path(), "/v1/users");
            check_all(&spec, &[request], version, &name, &mut failures);
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(built >= 80, "{version}: only {built} users built");
    }
    // The check can fail: a field CreateUser does not take, a list sent as a string.
    let spec = Spec::load(Api::Backend, ApiVersion::LATEST);
    for body in [
        r#"{"email_addresses":["a@example.com"]}"#,
        r#"{"email_address":"a@example.com"}"#,
        r#"{"email_address_identification_status":["unverified"]}"#,
    ] {
        let request = backend_request("POST", "/v1/users", body);
        assert!(spec.check(&request, ApiVersion::LATEST).is_err(), "{body}");
    }
}
