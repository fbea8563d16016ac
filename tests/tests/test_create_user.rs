//! Creating users: `NewUser<S>` validated before anything is sent, `Users::create`
//! against `FakeClerk` over real HTTP on 127.0.0.1 (Clerk's refusals, what is retried and
//! what is not), and every request checked against Clerk's spec for its version.

use std::time::Duration;

use clerk_metadata::client::{Clerk, Error, RetryPolicy, Step, TransportKind};
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{
    ApiError, ApiVersion, Method, NewUser, PasswordHasher, Rules, Timestamp, UserId,
};
use clerk_metadata_tests::spec::{Api, Spec, validate};
use clerk_metadata_tests::{
    AppUser, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Role, Theme,
    loopback_http,
};
use serde_json::{Value, json};

/// The fake's secret key (the fake's own client sends it).
const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

fn public(role: Role) -> AppUserPublic {
    AppUserPublic {
        role,
        teams: vec!["core".to_owned()],
    }
}

fn private() -> AppUserPrivate {
    AppUserPrivate {
        stripe_customer_id: Some("cus_SecretStripeRef".to_owned()),
        risk_score: 7,
    }
}

fn unsafe_() -> AppUserUnsafe {
    AppUserUnsafe {
        theme: Theme::Dark,
        notifications: Notifications::default(),
    }
}

/// A client with a quick backoff, so retried creates finish fast.
fn quick_retries(fake: &FakeClerk, version: ApiVersion) -> Clerk {
    fake.client_builder()
        .api_version(version)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(20)))
        .build()
        .unwrap()
}

/// Every request the fake received conforms to Clerk's spec for its version, and
/// carried the key.
fn assert_conforms(fake: &FakeClerk) {
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for request in requests {
        let version: ApiVersion = request
            .header("clerk-api-version")
            .unwrap()
            .parse()
            .unwrap();
        let spec = Spec::load(Api::Backend, version);
        if let Err(problems) = spec.check(&request.to_http(), version) {
            panic!("{request:?} does not conform: {problems:?}");
        }
        assert!(request.authorized(), "{request:?}");
    }
}

/// The status, code and parameter of Clerk's first error.
fn clerk_error(error: &Error) -> (u16, String, Option<String>) {
    let Error::Clerk(failure) = error else {
        panic!("not Clerk's error answer: {error:?}")
    };
    let ApiError::Clerk { status, errors } = &failure.error else {
        panic!("not Clerk's error envelope: {error:?}")
    };
    let first = &errors.errors[0];
    (
        *status,
        first.code.clone(),
        first.param_name().map(str::to_owned),
    )
}

#[test]
fn the_body_holds_the_fields_set() {
    let user = NewUser::<AppUser>::new()
        .metadata(AppUser {
            role: Role::Admin,
            teams: vec![],
            stripe_customer_id: None,
            risk_score: 0,
            theme: Theme::System,
            notifications: Notifications::default(),
        })
        .username("ada_l")
        .email_address("ada@example.com")
        .reserved_email_address("ada@example.org")
        .first_name("Ada")
        .password_digest("$2a$10$digest", PasswordHasher::Bcrypt)
        .created_at(Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap())
        .banned(false);
    let request = user.build(ApiVersion::V2021_02_05).unwrap();
    assert_eq!(request.method(), Method::Post);
    assert_eq!(request.path(), "/v1/users");
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("clerk-api-version"), Some("2021-02-05"));
    let body: Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        body,
        json!({
            "first_name": "Ada",
            "email_address": ["ada@example.com", "ada@example.org"],
            "email_address_identification_status": ["verified", "reserved"],
            "username": "ada_l",
            "password_digest": "$2a$10$digest",
            "password_hasher": "bcrypt",
            "created_at": "2012-10-20T07:15:20.902Z",
            "banned": false,
            "public_metadata": {"role": "admin", "teams": []},
            "private_metadata": {"riskScore": 0},
            "unsafe_metadata": {"theme": "system", "notifications": {"email": false, "push": false}},
        })
    );
    // Only verified addresses: no status list.
    let plain = NewUser::<AppUser>::new()
        .email_address("bob@example.com")
        .public_metadata(public(Role::Member));
    assert_eq!(
        plain.build(ApiVersion::LATEST).unwrap().body(),
        br#"{"email_address":["bob@example.com"],"public_metadata":{"role":"member","teams":["core"]}}"#
    );
    // Each body conforms to `CreateUser` in every version.
    for version in ApiVersion::ALL {
        let spec = Spec::load(Api::Backend, version);
        for request in [user.build(version).unwrap(), plain.build(version).unwrap()] {
            let http: http::Request<Vec<u8>> = request.into();
            spec.check(&http, version).unwrap();
        }
    }
}

#[test]
fn an_invalid_user_lists_every_problem_without_quoting_a_value() {
    let secret_password = "short1";
    let errors = NewUser::<AppUser>::new()
        .email_address("not an address")
        .email_address("ada@example.com")
        .email_address("ADA@example.com")
        .phone_number("")
        .username("ab cd")
        .first_name("x".repeat(257))
        .locale("english")
        .password(secret_password)
        .password_digest("", PasswordHasher::Bcrypt)
        .backup_codes(["", "code"])
        .private_metadata(AppUserPrivate {
            stripe_customer_id: Some("x".repeat(9000)),
            risk_score: 1,
        })
        .build(ApiVersion::LATEST)
        .unwrap_err();
    for (field, code) in [
        ("email_address[0]", "form_param_format_invalid"),
        ("email_address[2]", "form_param_value_invalid"),
        ("phone_number[0]", "form_param_format_invalid"),
        ("username", "form_username_invalid_character"),
        ("first_name", "form_param_max_length_exceeded"),
        ("locale", "form_param_format_invalid"),
        ("password", "form_password_length_too_short"),
        ("password_digest", "form_param_value_invalid"),
        ("password_digest", "conflicting_fields"),
        ("backup_codes", "form_param_value_invalid"),
        ("private_metadata", "metadata_too_large"),
        // `role` is required: a user created without public metadata could not be read.
        ("public_metadata", "form_param_missing"),
    ] {
        assert!(errors.contains(field, code), "{field} {code}: {errors}");
    }
    assert_eq!(errors.len(), 12, "{errors}");
    let shown = format!("{errors} {errors:?}");
    assert!(
        !shown.contains(secret_password) && !shown.contains("xxxx"),
        "{shown}"
    );

    // `skip_password_checks` needs a password; a timestamp RFC 3339 cannot write is
    // named.
    let errors = NewUser::<AppUser>::new()
        .public_metadata(public(Role::Member))
        .skip_password_checks(true)
        .legal_accepted_at(std::time::UNIX_EPOCH + Duration::from_secs(300_000_000_000))
        .build(ApiVersion::LATEST)
        .unwrap_err();
    assert!(
        errors.contains("skip_password_checks", "form_param_missing"),
        "{errors}"
    );
    assert!(
        errors.contains("legal_accepted_at", "form_param_format_invalid"),
        "{errors}"
    );
    assert_eq!(errors.len(), 2, "{errors}");

    // Tighter rules are honoured.
    let mut rules = Rules::default();
    rules.metadata_max_bytes = 16;
    let errors = NewUser::<AppUser>::new()
        .public_metadata(public(Role::Member))
        .build_with(ApiVersion::LATEST, &rules)
        .unwrap_err();
    assert!(
        errors.contains("public_metadata", "metadata_too_large"),
        "{errors}"
    );
}

#[test]
fn debug_shows_no_secret_and_no_metadata_value() {
    let user = NewUser::<AppUser>::new()
        .email_address("ada@example.com")
        .password("correct horse battery staple")
        .totp_secret("JBSWY3DPEHPK3PXP")
        .backup_codes(["backup-one"])
        .metadata(AppUser {
            role: Role::Admin,
            teams: vec!["team-name".to_owned()],
            stripe_customer_id: Some("cus_SecretStripeRef".to_owned()),
            risk_score: 99,
            theme: Theme::Dark,
            notifications: Notifications::default(),
        });
    let shown = format!("{user:?}");
    for secret in [
        "correct horse",
        "JBSWY3DPEHPK3PXP",
        "backup-one",
        "cus_SecretStripeRef",
        "team-name",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("ada@example.com") && shown.contains("private_metadata"));
}

#[tokio::test]
async fn create_returns_the_user_clerk_answers_in_every_version() {
    let fake = FakeClerk::start().unwrap();
    for (n, version) in ApiVersion::ALL.into_iter().enumerate() {
        let users = quick_retries(&fake, version).users::<AppUser>();
        let password = "correct horse battery staple";
        let user = users
            .create(
                NewUser::new()
                    .email_address(format!("ada{n}@example.com"))
                    .phone_number(format!("+1555000{n:04}"))
                    .username(format!("ada_{n}"))
                    .first_name("Ada")
                    .last_name("Lovelace")
                    .external_id(format!("ext-{n}"))
                    .password(password)
                    .public_metadata(public(Role::Admin))
                    .private_metadata(private())
                    .unsafe_metadata(unsafe_()),
            )
            .await
            .unwrap();
        let id = &user.profile.id;
        assert!(
            id.as_str().starts_with("user_") && id.as_str().len() == 32,
            "{id}"
        );
        assert_eq!(user.profile.first_name.as_deref(), Some("Ada"));
        assert_eq!(user.public_metadata.value().role, Role::Admin);
        assert_eq!(
            user.private_metadata.value().stripe_customer_id.as_deref(),
            Some("cus_SecretStripeRef")
        );
        // What the fake holds is what it answered, in Clerk's shape, and the password
        // is nowhere in it.
        let stored = fake.user(id).unwrap();
        assert_eq!(stored["username"], format!("ada_{n}"));
        assert_eq!(stored["external_id"], format!("ext-{n}"));
        assert_eq!(stored["password_enabled"], true);
        assert_eq!(
            stored["email_addresses"][0]["email_address"],
            format!("ada{n}@example.com")
        );
        assert_eq!(
            stored["primary_email_address_id"],
            stored["email_addresses"][0]["id"]
        );
        assert_eq!(
            stored["primary_phone_number_id"],
            stored["phone_numbers"][0]["id"]
        );
        assert_eq!(
            stored["email_addresses"][0]["verification"]["status"],
            "verified"
        );
        assert!(stored["created_at"].as_i64().unwrap() > 1_700_000_000_000);
        assert_eq!(stored["created_at"], stored["updated_at"]);
        assert!(!stored.to_string().contains(password));
        let schema = Spec::load(Api::Backend, version).component("User");
        let problems = validate(&schema, &stored);
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
    let posts = fake.requests();
    assert_eq!(posts.len(), 3);
    assert!(
        posts
            .iter()
            .all(|r| r.method() == "POST" && r.path() == "/v1/users")
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn an_invalid_user_sends_nothing() {
    let fake = FakeClerk::start().unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let error = users
        .create(
            NewUser::new()
                .email_address("ada@example.com")
                .password("short"),
        )
        .await
        .unwrap_err();
    let Error::Invalid(errors) = &error else {
        panic!("{error:?}")
    };
    assert!(errors.contains("password", "form_password_length_too_short"));
    assert!(errors.contains("public_metadata", "form_param_missing"));
    assert!(error.to_string().starts_with("nothing was sent"), "{error}");
    assert!(fake.requests().is_empty());
}

// "Must be unique across your instance" (the `CreateUser` body's `email_address`,
// `username` and `external_id` in tests/spec/bapi-*-users.yml); Clerk's answer is
// `FormIdentifierExists`, 422 `form_identifier_exists`, naming the parameter.
#[tokio::test]
async fn identifiers_another_user_has_are_refused_and_nothing_is_created() {
    let fake = FakeClerk::start().unwrap();
    let ada = fake
        .insert_user(json!({"id": "user_ada", "username": "ada_l", "external_id": "crm-1"}))
        .unwrap();
    fake.add_email_address(&ada, "ada@example.com").unwrap();
    let users = quick_retries(&fake, ApiVersion::LATEST).users::<AppUser>();
    let new = || NewUser::<AppUser>::new().public_metadata(public(Role::Member));
    for (user, param) in [
        (new().email_address("ADA@example.com"), "email_address"),
        (
            new().email_address("bob@example.com").username("Ada_L"),
            "username",
        ),
        (new().external_id("crm-1"), "external_id"),
    ] {
        let error = users.create(user).await.unwrap_err();
        assert_eq!(
            clerk_error(&error),
            (
                422,
                "form_identifier_exists".to_owned(),
                Some(param.to_owned())
            ),
            "{param}"
        );
        // A 422 is Clerk refusing: nothing was created, and the create was sent once.
        let Error::Clerk(failure) = &error else {
            unreachable!()
        };
        assert!(!failure.may_have_applied && failure.attempts == 1);
        assert!(
            error
                .to_string()
                .starts_with("nothing was applied: the user creation failed"),
            "{error}"
        );
    }
    assert_eq!(fake.requests().len(), 3);
    // Only the seeded user exists.
    let created = users
        .create(new().email_address("bob@example.com").username("bob_b"))
        .await
        .unwrap();
    assert_ne!(created.profile.id, ada);
    assert_conforms(&fake);
}

/// Sends a raw `POST /v1/users` with `body`; the status and Clerk's first error.
async fn raw_create(fake: &FakeClerk, body: &Value) -> (u16, Value) {
    let response = loopback_http()
        .post(format!("{}/v1/users", fake.url()))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body)
}

#[tokio::test]
async fn the_fake_refuses_what_clerk_refuses() {
    let fake = FakeClerk::start().unwrap();
    let big = "x".repeat(8 * 1024);
    for (body, code, param) in [
        (
            json!({"email": ["a@example.com"]}),
            "form_param_unknown",
            "email",
        ),
        (
            json!({"public_metadata": {"k": big}}),
            "form_param_exceeds_allowed_size",
            "public_metadata",
        ),
        (
            json!({"private_metadata": []}),
            "form_param_format_invalid",
            "private_metadata",
        ),
        (
            json!({"email_address": "a@example.com"}),
            "form_param_format_invalid",
            "email_address",
        ),
        (
            json!({"email_address": ["not-an-address"]}),
            "form_param_format_invalid",
            "email_address",
        ),
        (
            json!({"email_address": ["a@example.com", "A@example.com"]}),
            "form_identifier_exists",
            "email_address",
        ),
        (
            json!({"email_address": ["a@example.com"], "email_address_identification_status": ["verified", "reserved"]}),
            "form_param_value_invalid",
            "email_address_identification_status",
        ),
        (
            json!({"password": "short"}),
            "form_password_length_too_short",
            "password",
        ),
        (
            json!({"password_digest": "$2a$10$x"}),
            "form_param_missing",
            "password_hasher",
        ),
        (
            json!({"password_digest": "x", "password_hasher": "rot13"}),
            "form_param_format_invalid",
            "password_hasher",
        ),
        (
            json!({"created_at": "yesterday"}),
            "form_param_format_invalid",
            "created_at",
        ),
        (
            json!({"banned": "yes"}),
            "form_param_format_invalid",
            "banned",
        ),
    ] {
        let (status, answer) = raw_create(&fake, &body).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["errors"][0]["code"], code, "{body}: {answer}");
        assert_eq!(
            answer["errors"][0]["meta"]["param_name"], param,
            "{body}: {answer}"
        );
    }
    // A short password passes with `skip_password_checks`; the bodies above created
    // nothing.
    let (status, user) = raw_create(
        &fake,
        &json!({"password": "short", "skip_password_checks": true, "username": "a_user"}),
    )
    .await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["password_enabled"], true);
    assert_eq!(user["username"], "a_user");
    assert_eq!(user["public_metadata"], json!({}));
    assert_eq!(fake.requests().len(), 13);
}

#[tokio::test]
async fn a_user_can_be_deleted() {
    let fake = FakeClerk::start().unwrap();
    let id = fake.create_user();
    let http = loopback_http();
    let delete = || {
        http.delete(format!("{}/v1/users/{id}", fake.url()))
            .header("authorization", format!("Bearer {KEY}"))
            .header("clerk-api-version", "2026-05-12")
            .send()
    };
    let response = delete().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let answer: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        answer,
        json!({"deleted": true, "id": id.as_str(), "object": "user"})
    );
    let schema = Spec::load(Api::Backend, ApiVersion::LATEST).component("DeletedObject");
    assert!(validate(&schema, &answer).is_empty());
    assert!(fake.user(&id).is_none());
    assert_eq!(delete().await.unwrap().status().as_u16(), 404);
    assert_conforms(&fake);
}

// A create is not idempotent: sent twice, it could make two users. It is retried only
// when no attempt can have been applied.
#[tokio::test]
async fn a_create_is_retried_only_while_it_cannot_have_applied() {
    let new = || {
        NewUser::<AppUser>::new()
            .email_address("ada@example.com")
            .public_metadata(public(Role::Member))
            .private_metadata(private())
    };
    // Refusals that say the request was not applied: retried, and the user created.
    for fault in [Fault::status(429), Fault::status(503)] {
        let fake = FakeClerk::start().unwrap();
        fake.inject_on("POST", "/v1/users", fault.clone(), 1);
        let users = quick_retries(&fake, ApiVersion::LATEST).users::<AppUser>();
        users.create(new()).await.unwrap();
        assert_eq!(fake.requests().len(), 2, "{fault:?}");
    }
    // A gateway's 502 or 504 may come after the user was created: not retried.
    for status in [502, 504] {
        let fake = FakeClerk::start().unwrap();
        fake.inject_on("POST", "/v1/users", Fault::status(status), 1);
        let users = quick_retries(&fake, ApiVersion::LATEST).users::<AppUser>();
        let error = users.create(new()).await.unwrap_err();
        let Error::Clerk(failure) = &error else {
            panic!("{error:?}")
        };
        assert_eq!((failure.step, failure.attempts), (Step::CreateUser, 1));
        assert!(failure.may_have_applied);
        assert!(failure.withheld, "the create wrote private metadata");
        assert!(
            error
                .to_string()
                .starts_with("it may have been applied: the user creation failed"),
            "{error}"
        );
        assert_eq!(fake.requests().len(), 1);
    }
    // A connection that broke after the request was sent: not retried either.
    let fake = FakeClerk::start().unwrap();
    fake.inject_on("POST", "/v1/users", Fault::DropConnection, 1);
    let users = quick_retries(&fake, ApiVersion::LATEST).users::<AppUser>();
    let error = users.create(new()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Interrupted);
    assert!(transport.may_have_reached_clerk() && transport.attempts() == 1);
    assert_eq!(fake.requests().len(), 1);
    // Nor a timeout.
    let fake = FakeClerk::start().unwrap();
    fake.inject_on("POST", "/v1/users", Fault::Delay(Duration::from_secs(5)), 1);
    let users = fake
        .client_builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .users::<AppUser>();
    let error = users.create(new()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Timeout);
    assert_eq!(fake.requests().len(), 1);
    // A connection that could not be made never reached Clerk: retried until the
    // policy gives up.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let users = Clerk::builder(fake.secret_key())
        .base_url(&url)
        .unwrap()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap()
        .users::<AppUser>();
    let error = users.create(new()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Connect);
    assert!(!transport.may_have_reached_clerk() && transport.attempts() == 4);
}

#[tokio::test]
async fn a_created_user_the_schema_cannot_read_is_reported_with_its_id() {
    let fake = FakeClerk::start().unwrap();
    // Clerk answers a user whose public metadata lacks the required `role` (another
    // service's hook rewrote it, say): the user exists.
    let answer =
        json!({"id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "object": "user", "public_metadata": {}});
    fake.inject_on("POST", "/v1/users", Fault::raw(200, answer.to_string()), 1);
    let users = fake.client().unwrap().users::<AppUser>();
    let error = users
        .create(NewUser::new().public_metadata(public(Role::Member)))
        .await
        .unwrap_err();
    let Error::NotAUser(not) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(not.applied, [Step::CreateUser]);
    assert_eq!(
        not.user_id,
        Some(UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap())
    );
    assert!(
        error
            .to_string()
            .starts_with("the user was created (`user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb`), but Clerk's answer is not a user of this schema"),
        "{error}"
    );
    assert_eq!(error.applied(), [Step::CreateUser]);
}

#[tokio::test]
async fn every_field_is_stored_as_clerk_shows_it() {
    let fake = FakeClerk::start().unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let signed_up = Timestamp::parse_rfc3339("2012-10-20T07:15:20.902Z").unwrap();
    let user = users
        .create(
            NewUser::new()
                .reserved_email_address("ada@example.com")
                .email_address("ada@example.org")
                .phone_number("+15550001234")
                .web3_wallet("0x0123456789abcdef0123456789abcdef01234567")
                .username("ada_l")
                .locale("en-GB")
                .password_digest("$2a$10$N9qo8uLOickgx2ZMRZoMye", PasswordHasher::Bcrypt)
                .skip_password_checks(true)
                .totp_secret("JBSWY3DPEHPK3PXP")
                .backup_codes(["one", "two"])
                .created_at(signed_up)
                .legal_accepted_at(signed_up)
                .skip_legal_checks(true)
                .skip_user_requirement(true)
                .delete_self_enabled(false)
                .create_organization_enabled(false)
                .create_organizations_limit(3)
                .bypass_client_trust(true)
                .banned(false)
                .locked(false)
                .public_metadata(public(Role::Member))
                .unsafe_metadata(unsafe_()),
        )
        .await
        .unwrap();
    let stored = fake.user(&user.profile.id).unwrap();
    assert_eq!(stored["created_at"], 1_350_717_320_902_i64);
    assert_eq!(stored["legal_accepted_at"], 1_350_717_320_902_i64);
    assert_eq!(stored["email_addresses"][0]["reserved"], true);
    assert_eq!(
        stored["email_addresses"][1]["verification"]["status"],
        "verified"
    );
    assert_eq!(
        stored["primary_email_address_id"],
        stored["email_addresses"][0]["id"]
    );
    assert_eq!(
        stored["web3_wallets"][0]["web3_wallet"],
        "0x0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(
        stored["primary_web3_wallet_id"],
        stored["web3_wallets"][0]["id"]
    );
    assert_eq!(stored["locale"], "en-GB");
    for (field, value) in [
        ("password_enabled", true),
        ("totp_enabled", true),
        ("two_factor_enabled", true),
        ("backup_code_enabled", true),
        ("delete_self_enabled", false),
        ("create_organization_enabled", false),
        ("bypass_client_trust", true),
    ] {
        assert_eq!(stored[field], value, "{field}");
    }
    assert_eq!(stored["create_organizations_limit"], 3);
    assert_eq!(stored["private_metadata"], json!({}));
    let text = stored.to_string();
    for secret in ["N9qo8uLOickgx2ZMRZoMye", "JBSWY3DPEHPK3PXP", "\"one\""] {
        assert!(!text.contains(secret), "{secret}");
    }
    for version in ApiVersion::ALL {
        let schema = Spec::load(Api::Backend, version).component("User");
        let problems = validate(&schema, &stored);
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
    assert_conforms(&fake);
}
