//! The client against `FakeClerk`, over real HTTP on 127.0.0.1: the documented update,
//! metadata merges and replaces, every kind of failure, retries, and 200 concurrent
//! updates. Every request the fake receives is checked against Clerk's OpenAPI spec.

use std::time::Duration;

use clerk_metadata::client::{Clerk, Error, RetryPolicy, SecretKey, Step, TransportKind};
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{ApiError, ApiVersion, Backend, User, UserId, UserUpdate};
use clerk_metadata_tests::spec::{Api, Spec};
use clerk_metadata_tests::{AppUser, AppUserPatch, NotificationsPatch, Role, Theme, fixture};
use serde_json::{Value, json};

/// A fake holding the fixture user (role `member`, keys the schema does not name in
/// every tier).
fn fake_with_user() -> (FakeClerk, UserId) {
    let fake = FakeClerk::start().unwrap();
    let user: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
    let id = fake.insert_user(user).unwrap();
    (fake, id)
}

/// Every request the fake received conforms to Clerk's spec for its version.
fn assert_conforms(fake: &FakeClerk) {
    let requests = fake.requests();
    assert!(!requests.is_empty());
    let specs: Vec<(ApiVersion, Spec)> = ApiVersion::ALL
        .into_iter()
        .map(|v| (v, Spec::load(Api::Backend, v)))
        .collect();
    for request in requests {
        let version: ApiVersion = request
            .header("clerk-api-version")
            .unwrap()
            .parse()
            .unwrap();
        let spec = &specs.iter().find(|(v, _)| *v == version).unwrap().1;
        if let Err(problems) = spec.check(&request.to_http(), version) {
            panic!("{request:?} does not conform: {problems:?}");
        }
        assert!(request.authorized(), "{request:?}");
    }
}

fn no_retries(fake: &FakeClerk) -> Clerk {
    fake.client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_documented_update_returns_the_user_with_the_new_names() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let user = users
        .update(
            &id,
            UserUpdate::<Backend>::new()
                .first_name("Jonathan")
                .last_name("Wick II"),
        )
        .await
        .unwrap();
    assert_eq!(user.profile.first_name.as_deref(), Some("Jonathan"));
    assert_eq!(user.profile.last_name.as_deref(), Some("Wick II"));
    assert_eq!(fake.user(&id).unwrap()["first_name"], "Jonathan");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method(), "PATCH");
    assert_eq!(requests[0].path(), format!("/v1/users/{id}"));
    assert_eq!(
        requests[0].body(),
        br#"{"first_name":"Jonathan","last_name":"Wick II"}"#
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_metadata_patch_deep_merges_and_keeps_unknown_keys() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let user = users
        .update(
            &id,
            UserUpdate::<Backend>::new().first_name("John").metadata(
                AppUserPatch::<Backend>::new()
                    .role(Role::Admin)
                    .merge_notifications(NotificationsPatch::new().push(true)),
            ),
        )
        .await
        .unwrap();
    assert_eq!(user.public_metadata.value().role, Role::Admin);
    let stored = fake.user(&id).unwrap();
    // What the schema names changed; what it does not name, and nested keys not
    // sent, stayed.
    assert_eq!(
        stored["public_metadata"],
        json!({"role": "admin", "teams": ["core"], "beta_flags": {"new_nav": true}})
    );
    assert_eq!(
        stored["unsafe_metadata"],
        json!({"theme": "dark", "notifications": {"email": true, "push": true}, "onboarding_step": 3})
    );
    assert_eq!(stored["private_metadata"]["crm_sync"], "2026-11-01");
    let steps: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| (r.method().to_owned(), r.path().to_owned()))
        .collect();
    assert_eq!(
        steps,
        [
            ("PATCH".to_owned(), format!("/v1/users/{id}")),
            ("PATCH".to_owned(), format!("/v1/users/{id}/metadata")),
        ]
    );
    assert_conforms(&fake);
}

#[tokio::test]
async fn update_metadata_is_one_merge_request() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let user = users
        .update_metadata(&id, AppUserPatch::<Backend>::new().theme(Theme::Light))
        .await
        .unwrap();
    assert_eq!(
        user.unsafe_metadata.typed().unwrap().value().theme,
        Theme::Light
    );
    assert_eq!(fake.requests().len(), 1);
    assert_conforms(&fake);
}

#[tokio::test]
async fn read_modify_replace_keeps_what_the_schema_does_not_name() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let user = users.get(&id).await.unwrap();
    let mut public = user.public_metadata.clone();
    public.value_mut().teams.push("billing".to_owned());
    let user = users
        .update(&id, UserUpdate::<Backend>::new().replace_public(public))
        .await
        .unwrap();
    assert_eq!(user.public_metadata.value().teams, ["core", "billing"]);
    assert_eq!(
        fake.user(&id).unwrap()["public_metadata"],
        json!({"role": "member", "teams": ["core", "billing"], "beta_flags": {"new_nav": true}})
    );
    let methods: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.method().to_owned())
        .collect();
    assert_eq!(methods, ["GET", "PUT"]);
    assert_conforms(&fake);
}

#[tokio::test]
async fn every_request_carries_the_version_and_the_key() {
    for version in ApiVersion::ALL {
        let (fake, id) = fake_with_user();
        let clerk = fake.client_builder().api_version(version).build().unwrap();
        let users = clerk.users::<AppUser>();
        users.get(&id).await.unwrap();
        users
            .update(
                &id,
                UserUpdate::<Backend>::new()
                    .last_name("Wick")
                    .metadata(AppUserPatch::<Backend>::new().risk_score(3_u32)),
            )
            .await
            .unwrap();
        for request in fake.requests() {
            assert_eq!(request.header("clerk-api-version"), Some(version.as_str()));
            assert!(request.authorized());
        }
        assert_conforms(&fake);
    }
}

#[tokio::test]
async fn a_clerk_error_is_typed_and_nothing_was_applied() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    // Valid for this crate (under 8 KB), too big once merged with what is stored.
    fake.insert_user({
        let mut user: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
        user["private_metadata"]["notes"] = json!("x".repeat(6000));
        user
    })
    .unwrap();
    let error = users
        .update_metadata(
            &id,
            AppUserPatch::<Backend>::new().stripe_customer_id("y".repeat(3000)),
        )
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(failure.step, Step::MergeMetadata);
    assert_eq!(failure.error.status(), 422);
    let ApiError::Clerk { errors, .. } = &failure.error else {
        panic!("{failure:?}")
    };
    assert_eq!(errors.errors[0].code, "form_param_exceeds_allowed_size");
    assert_eq!(errors.errors[0].param_name(), Some("private_metadata"));
    assert!(failure.trace_id().unwrap().starts_with("fake_trace_"));
    assert!(
        error
            .to_string()
            .starts_with("nothing was applied: the metadata merge failed: Clerk answered 422"),
        "{error}"
    );
    assert!(error.applied().is_empty());
    assert_eq!(
        fake.user(&id).unwrap()["private_metadata"]["stripe_customer_id"],
        "cus_NffrFeUfNV2Hib"
    );
}

#[tokio::test]
async fn an_unknown_user_is_404() {
    let (fake, _) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let nobody = UserId::parse("user_nobody").unwrap();
    let error = users.get(&nobody).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    let error = users
        .update(&nobody, UserUpdate::<Backend>::new().first_name("J"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    // Not retried.
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test]
async fn a_wrong_key_is_401_and_never_shown() {
    let (fake, id) = fake_with_user();
    let wrong = "sk_test_WrongKeyThatTheFakeDoesNotKnow";
    let clerk = Clerk::builder(SecretKey::new(wrong).unwrap())
        .base_url(fake.url())
        .unwrap()
        .build()
        .unwrap();
    let error = clerk.users::<AppUser>().get(&id).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    for text in [
        format!("{error}"),
        format!("{error:?}"),
        format!("{clerk:?}"),
    ] {
        assert!(
            !text.contains(wrong) && !text.contains("WrongKey"),
            "{text}"
        );
    }
    assert!(!fake.requests()[0].authorized());
}

/// `error`, its `Debug`, and the `Display` and `Debug` of every error in its
/// `source()` chain.
fn every_text(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = Vec::new();
    let mut next = Some(error);
    while let Some(error) = next {
        texts.push(error.to_string());
        texts.push(format!("{error:?}"));
        next = error.source();
    }
    texts
}

#[tokio::test]
async fn no_secret_in_any_debug_or_error() {
    let (fake, id) = fake_with_user();
    let key = fake.secret_key();
    let secret = "FakeClerkSecretKeyForTestsOnly";
    let clerk = fake
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let users = clerk.users::<AppUser>();
    let password = "correct horse battery staple";
    let update = || UserUpdate::<Backend>::new().password(password);
    let mut texts = vec![
        format!("{key:?}"),
        format!("{clerk:?}"),
        format!("{users:?}"),
        format!("{:?}", fake.client_builder()),
        format!("{fake:?}"),
    ];
    // A proxy that echoes the request it refused, key and body (never shown: it is
    // not Clerk's envelope); an envelope that echoes the key (scrubbed); a dropped
    // connection; a partial update; an invalid one.
    let echo = format!(
        "<html>Authorization: Bearer sk_test_{secret}0000 {{\"password\":\"{password}\"}}</html>"
    );
    fake.inject(Fault::raw(400, echo.clone()), 1);
    let envelope = serde_json::json!({
        "errors": [{"code": "x", "message": format!("Bearer sk_test_{secret}0000"),
            "meta": {"param_name": format!("sk_test_{secret}0000")}}],
        "clerk_trace_id": format!("trace-sk_test_{secret}0000"),
    });
    fake.inject(Fault::raw(422, envelope.to_string()), 1);
    fake.inject(Fault::DropConnection, 1);
    for _ in 0..3 {
        let error = users.update(&id, update()).await.unwrap_err();
        texts.extend(every_text(&error));
    }
    fake.inject_on("PATCH", "/metadata", Fault::raw(500, echo.clone()), 1);
    let partial = users
        .update(
            &id,
            update().metadata(AppUserPatch::<Backend>::new().stripe_customer_id(password)),
        )
        .await
        .unwrap_err();
    assert!(matches!(partial, Error::Partial(_)), "{partial:?}");
    texts.extend(every_text(&partial));
    let invalid = users
        .update(&id, UserUpdate::<Backend>::new().password("pw7"))
        .await
        .unwrap_err();
    assert!(matches!(invalid, Error::Invalid(_)));
    texts.extend(every_text(&invalid));
    texts.push(format!("{:?}", fake.requests()));
    for text in texts {
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("horse") && !text.contains("pw7"), "{text}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let (fake, id) = fake_with_user();
    // No per-attempt timeout: with the clock paused, tokio would jump to it while the
    // fake (on its own thread) answers. (The injected 429 closes its connection, so no
    // pool timer is pending either: the only timer is the client's wait.)
    let clerk = fake.client_builder().timeout(None).build().unwrap();
    fake.inject(Fault::status(429).retry_after("7"), 1);
    let start = tokio::time::Instant::now();
    let user = clerk
        .users::<AppUser>()
        .update(&id, UserUpdate::<Backend>::new().first_name("Patient"))
        .await
        .unwrap();
    let waited = start.elapsed();
    assert!(waited >= Duration::from_secs(7), "{waited:?}");
    assert!(waited < Duration::from_secs(8), "{waited:?}");
    assert_eq!(user.profile.first_name.as_deref(), Some("Patient"));
    assert_eq!(fake.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_cap_is_returned_not_waited() {
    let (fake, id) = fake_with_user();
    let clerk = fake.client_builder().timeout(None).build().unwrap();
    fake.inject(Fault::status(429).retry_after("120"), 1);
    let error = clerk.users::<AppUser>().get(&id).await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn the_fakes_own_rate_limit_is_429_with_retry_after() {
    let fake = FakeClerk::start_with_limit(2, Duration::from_secs(60)).unwrap();
    let id = fake
        .insert_user(serde_json::from_slice(&fixture("user.json")).unwrap())
        .unwrap();
    let users = no_retries(&fake).users::<AppUser>();
    for name in ["A", "B"] {
        users
            .update(&id, UserUpdate::<Backend>::new().first_name(name))
            .await
            .unwrap();
    }
    let error = users
        .update(&id, UserUpdate::<Backend>::new().first_name("C"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(429));
    let after = error.retry_after().unwrap();
    assert!(
        after > Duration::from_secs(50) && after <= Duration::from_secs(60),
        "{after:?}"
    );
    assert_eq!(fake.user(&id).unwrap()["first_name"], "B");
}

#[tokio::test]
async fn a_503_twice_then_success() {
    let (fake, id) = fake_with_user();
    let clerk = fake
        .client_builder()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .build()
        .unwrap();
    fake.inject(Fault::status(503), 2);
    let user = clerk.users::<AppUser>().get(&id).await.unwrap();
    assert_eq!(user.profile.id.as_str(), id.as_str());
    assert_eq!(fake.requests().len(), 3);
}

#[tokio::test]
async fn retries_run_out() {
    let (fake, id) = fake_with_user();
    let clerk = fake
        .client_builder()
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    fake.inject(Fault::status(502), 10);
    let error = clerk
        .users::<AppUser>()
        .update(&id, UserUpdate::<Backend>::new().first_name("X"))
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(failure.attempts, 3);
    assert_eq!(failure.error.status(), 502);
    // A gateway error may follow a write that landed.
    assert!(failure.may_have_applied);
    assert!(
        error.to_string().starts_with("it may have been applied: "),
        "{error}"
    );
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(fake.requests().len(), 3);
    assert_eq!(fake.user(&id).unwrap()["first_name"], "John");
}

#[tokio::test]
async fn a_timeout_may_have_reached_clerk() {
    let (fake, id) = fake_with_user();
    let clerk = fake
        .client_builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    fake.inject(Fault::Delay(Duration::from_secs(1)), 1);
    let error = clerk
        .users::<AppUser>()
        .update(&id, UserUpdate::<Backend>::new().first_name("Slow"))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Timeout);
    assert!(transport.may_have_reached_clerk());
    // Timeouts are not retried: the time was spent.
    assert_eq!(transport.attempts(), 1);
    assert!(
        error.to_string().starts_with(
            "it may have been applied: the profile update failed: Clerk did not answer in time"
        ),
        "{error}"
    );
    // And indeed it was, once the fake got to it.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while fake.user(&id).unwrap()["first_name"] != "Slow" {
        assert!(
            std::time::Instant::now() < deadline,
            "the delayed write never landed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_refused_connection_did_not_reach_clerk() {
    // Port 1 (tcpmux): nothing listens there, and no test's fake can take it.
    let port = 1;
    let clerk = Clerk::builder(SecretKey::new("sk_test_abc").unwrap())
        .base_url(&format!("http://127.0.0.1:{port}"))
        .unwrap()
        .retry(
            RetryPolicy::default()
                .max_attempts(2)
                .backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let error = clerk
        .users::<AppUser>()
        .get(&UserId::parse("user_1").unwrap())
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Connect);
    assert!(!transport.may_have_reached_clerk());
    assert_eq!(transport.attempts(), 2);
    assert!(
        error
            .to_string()
            .starts_with("the user read failed: could not connect"),
        "{error}"
    );
}

#[tokio::test]
async fn a_dropped_connection_is_retried_or_reported() {
    let (fake, id) = fake_with_user();
    let clerk = fake
        .client_builder()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    fake.inject(Fault::DropConnection, 1);
    let user = clerk
        .users::<AppUser>()
        .update(&id, UserUpdate::<Backend>::new().first_name("Again"))
        .await
        .unwrap();
    assert_eq!(user.profile.first_name.as_deref(), Some("Again"));
    assert_eq!(fake.requests().len(), 2);

    fake.inject(Fault::DropConnection, 1);
    let error = no_retries(&fake)
        .users::<AppUser>()
        .get(&id)
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(transport.kind(), TransportKind::Interrupted);
    assert!(transport.may_have_reached_clerk());
}

#[tokio::test]
async fn profile_applied_then_metadata_failed_is_partial() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    fake.inject_on("PATCH", "/metadata", Fault::status(503), 1);
    let error = users
        .update(
            &id,
            UserUpdate::<Backend>::new()
                .first_name("Half")
                .metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
        .await
        .unwrap_err();
    let Error::Partial(partial) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(partial.applied, [Step::UpdateProfile]);
    assert_eq!(partial.failed, Step::MergeMetadata);
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.applied(), [Step::UpdateProfile]);
    assert!(!partial.failed_may_have_applied());
    assert!(
        error.to_string().starts_with(
            "partly applied: the profile update applied, then (not applied) the metadata merge failed: Clerk answered 503"
        ),
        "{error}"
    );
    let stored = fake.user(&id).unwrap();
    assert_eq!(stored["first_name"], "Half");
    assert_eq!(stored["public_metadata"]["role"], "member");
}

#[tokio::test]
async fn metadata_replace_applied_then_merge_failed_is_partial() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    let user = users.get(&id).await.unwrap();
    let mut public = user.public_metadata.clone();
    public.value_mut().role = Role::Admin;
    fake.inject_on("PATCH", "/metadata", Fault::DropConnection, 1);
    let error = users
        .update(
            &id,
            UserUpdate::<Backend>::new()
                .replace_public(public)
                .metadata(AppUserPatch::<Backend>::new().theme(Theme::Light)),
        )
        .await
        .unwrap_err();
    let Error::Partial(partial) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(partial.applied, [Step::ReplaceMetadata]);
    assert_eq!(partial.failed, Step::MergeMetadata);
    assert!(
        matches!(&partial.cause, Error::Transport(t) if t.kind() == TransportKind::Interrupted)
    );
    let stored = fake.user(&id).unwrap();
    assert_eq!(stored["public_metadata"]["role"], "admin");
    assert_eq!(stored["unsafe_metadata"]["theme"], "dark");
}

#[tokio::test]
async fn a_first_request_that_fails_is_not_partial() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    fake.inject_on("PATCH", id.as_str(), Fault::status(500), 1);
    let error = users
        .update(
            &id,
            UserUpdate::<Backend>::new()
                .first_name("None")
                .metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Clerk(f) if f.step == Step::UpdateProfile),
        "{error:?}"
    );
    // The metadata request was never sent.
    assert_eq!(fake.requests().len(), 1);
}

#[tokio::test]
async fn an_invalid_update_sends_nothing() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    let error = users
        .update(&id, UserUpdate::<Backend>::new().username("a b"))
        .await
        .unwrap_err();
    let Error::Invalid(errors) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(errors.iter().next().unwrap().field(), "username");
    assert!(error.to_string().starts_with("nothing was sent"), "{error}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn junk_in_unsafe_metadata_does_not_fail_an_update() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    // The user wrote junk into their own unsafe metadata through the Frontend API.
    let mut user = fake.user(&id).unwrap();
    user["unsafe_metadata"]["theme"] = json!({"$gt": ""});
    fake.insert_user(user).unwrap();
    let user = users
        .update(&id, UserUpdate::<Backend>::new().first_name("Still"))
        .await
        .unwrap();
    assert_eq!(user.profile.first_name.as_deref(), Some("Still"));
    let drift = user.unsafe_metadata.drift().unwrap();
    assert_eq!(drift.problem().path(), "unsafe_metadata.theme");
}

#[tokio::test]
async fn an_answer_that_is_not_a_user_says_the_update_applied() {
    let (fake, id) = fake_with_user();
    let users = fake.client().unwrap().users::<AppUser>();
    // Public metadata that does not fit the schema, written by another service.
    let mut user = fake.user(&id).unwrap();
    user["public_metadata"]["role"] = json!("superuser");
    fake.insert_user(user).unwrap();
    let error = users
        .update(&id, UserUpdate::<Backend>::new().first_name("Applied"))
        .await
        .unwrap_err();
    let Error::NotAUser(not) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(not.applied, [Step::UpdateProfile]);
    assert_eq!(not.error.path(), "public_metadata.role");
    assert!(
        error
            .to_string()
            .starts_with("the update was applied, but Clerk's answer is not a user of this schema"),
        "{error}"
    );
    assert_eq!(fake.user(&id).unwrap()["first_name"], "Applied");
}

#[test]
fn base_urls_that_would_leak_the_key_are_refused() {
    let key = SecretKey::new("sk_test_abc").unwrap();
    for ok in [
        "https://api.clerk.com",
        "https://proxy.example.com/clerk/",
        "http://127.0.0.1:4010",
        "http://localhost:1",
        "HTTP://LOCALHOST:1",
        "http://[::1]:8080",
        "http://127.1:80",
    ] {
        assert!(Clerk::builder(key.clone()).base_url(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://api.clerk.com",
        "ftp://x",
        "not a url",
        "https://u:p@api.clerk.com",
        "https://user@api.clerk.com",
        "https://api.clerk.com/?x=1",
        "https://api.clerk.com/#x",
        "http://10.0.0.1",
        "http://localhost.",
        "http://127.0.0.1@evil.com",
        "http://[::ffff:127.0.0.1]",
        "http://localhost.evil.com",
    ] {
        let error = Clerk::builder(key.clone()).base_url(bad).unwrap_err();
        assert!(
            error.to_string().starts_with("invalid base URL"),
            "{bad}: {error}"
        );
    }
    let clerk = Clerk::builder(key)
        .base_url("https://proxy.example.com/clerk/")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(clerk.base_url(), "https://proxy.example.com/clerk");
}

#[tokio::test]
async fn a_redirect_is_never_taken_for_an_answer() {
    let (fake, id) = fake_with_user();
    // The client made by this crate does not follow it: the 303 is the answer.
    fake.inject(Fault::redirect(format!("/v1/users/{id}")), 1);
    let error = no_retries(&fake)
        .users::<AppUser>()
        .update(&id, UserUpdate::<Backend>::new().first_name("Redirected"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(303), "{error:?}");
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.user(&id).unwrap()["first_name"], "John");
}

/// A loopback server that answers every request with `{}` and keeps the bodies it
/// received.
async fn recording_server() -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
) {
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = received.clone();
    let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let keep = keep.clone();
        async move {
            keep.lock().unwrap().push(body.to_vec());
            "{}"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, received)
}

#[tokio::test]
async fn a_307_to_another_origin_sends_nothing_there() {
    let (fake, id) = fake_with_user();
    let (elsewhere, received) = recording_server().await;
    // The recorder works: a plain request reaches it.
    clerk_metadata_tests::loopback_http()
        .post(format!("http://{elsewhere}/probe"))
        .body("probe")
        .send()
        .await
        .unwrap();
    assert_eq!(received.lock().unwrap().len(), 1);
    let location = format!("http://{elsewhere}/v1/users/{id}/metadata");
    fake.inject(Fault::raw(307, Vec::new()).header("location", location), 1);
    let secret = "cus_RedirectedPrivateValue";
    let error = fake
        .client()
        .unwrap()
        .users::<AppUser>()
        .update_metadata(
            &id,
            AppUserPatch::<Backend>::new().stripe_customer_id(secret),
        )
        .await
        .unwrap_err();
    // The 307 is the answer: nothing went to the other origin, nothing was retried.
    assert_eq!(error.status(), Some(307), "{error:?}");
    assert_eq!(received.lock().unwrap().len(), 1);
    assert_eq!(fake.requests().len(), 1);
    for text in every_text(&error) {
        assert!(!text.contains(secret), "{text}");
    }
    assert_eq!(
        fake.user(&id).unwrap()["private_metadata"]["stripe_customer_id"],
        "cus_NffrFeUfNV2Hib"
    );
}

#[tokio::test]
async fn secret_keys_are_scrubbed_from_every_body_kept_in_an_error() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    let suffix = "FakeClerkSecretKeyForTestsOnly0000";
    // A proxy that echoes the request headers, and other keys it saw.
    let echo = format!(
        "<html>authorization: Bearer sk_test_{suffix}\nx-key: {suffix}\nother: sk_live_Other4eC39HqLyjWDarjtT1zdp7dc</html>"
    );
    fake.inject(Fault::raw(502, echo), 1);
    let error = users.get(&id).await.unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    let ApiError::Unrecognized { body, .. } = &failure.error else {
        panic!("{failure:?}")
    };
    let body = String::from_utf8(body.clone()).unwrap();
    assert_eq!(
        body,
        "<html>authorization: Bearer [redacted]\nx-key: [redacted]\nother: [redacted]</html>"
    );
    // Clerk's envelope: another instance's key in a message, a `meta` key and value.
    let envelope = json!({
        "errors": [{"code": "x", "message": "key sk_live_Other4eC39HqLyjWDarjtT1zdp7dc",
            "long_message": format!("suffix {suffix}"),
            "meta": {"param_name": "first_name", "sk_test_Abc123": ["sk_test_Def456"]}}],
        "clerk_trace_id": "t",
    });
    fake.inject(Fault::raw(422, envelope.to_string()), 1);
    let error = users
        .update(&id, UserUpdate::<Backend>::new().first_name("J"))
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    let ApiError::Clerk { errors, .. } = &failure.error else {
        panic!("{failure:?}")
    };
    let first = &errors.errors[0];
    assert_eq!(first.message, "key [redacted]");
    assert_eq!(first.long_message.as_deref(), Some("suffix [redacted]"));
    assert_eq!(
        first.meta.as_ref().unwrap()["[redacted]"],
        json!(["[redacted]"])
    );
    // Not a request that wrote private metadata: Clerk's text is kept.
    assert!(!failure.withheld);
    assert_eq!(first.param_name(), Some("first_name"));
}

#[tokio::test]
async fn clerks_text_is_withheld_when_the_request_wrote_private_metadata() {
    use axum::response::IntoResponse;
    use http_body_util::BodyExt;
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    let secret = "cus_EchoedPrivateValue77";
    // Clerk's 422 that quotes the value sent, in each of its texts.
    let envelope = json!({
        "errors": [{"code": "form_param_format_invalid",
            "message": format!("{secret} is not valid"),
            "long_message": format!("private_metadata.stripe_customer_id {secret} is not valid"),
            "meta": {"param_name": "private_metadata", "value": secret}},
            {"code": "form_param_unknown", "message": secret,
            "meta": {"param_name": format!("private_metadata.{secret}")}}],
        "meta": {"echo": secret},
        "clerk_trace_id": "trace_withheld",
    });
    let patch = || AppUserPatch::<Backend>::new().stripe_customer_id(secret);
    fake.inject_on(
        "PATCH",
        "/metadata",
        Fault::raw(422, envelope.to_string()),
        1,
    );
    let error = users.update_metadata(&id, patch()).await.unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    assert!(failure.withheld);
    assert_eq!(failure.trace_id(), Some("trace_withheld"));
    let codes: Vec<_> = failure.error.codes().collect();
    assert_eq!(codes, ["form_param_format_invalid", "form_param_unknown"]);
    let ApiError::Clerk { errors, .. } = &failure.error else {
        panic!("{failure:?}")
    };
    // The field at fault is named when it is one the request sent at the top level.
    assert_eq!(errors.errors[0].param_name(), Some("private_metadata"));
    assert_eq!(errors.errors[1].param_name(), None);
    let mut texts = every_text(&error);
    texts.push(format!("{:?}", failure.error));
    texts.push(
        serde_json::to_string(
            &errors
                .errors
                .iter()
                .map(|e| {
                    json!({
        "message": e.message, "long": e.long_message, "meta": e.meta})
                })
                .collect::<Vec<_>>(),
        )
        .unwrap(),
    );
    texts.push(format!("{:?}", errors.meta));
    // A proxy's page that echoes the body, in a partial update (profile applied).
    fake.inject_on(
        "PATCH",
        "/metadata",
        Fault::raw(400, format!("<pre>{secret}</pre>")),
        1,
    );
    let partial = users
        .update(
            &id,
            UserUpdate::<Backend>::new()
                .first_name("P")
                .metadata(patch()),
        )
        .await
        .unwrap_err();
    let Error::Partial(inner) = &partial else {
        panic!("{partial:?}")
    };
    let Error::Clerk(failure) = &inner.cause else {
        panic!("{partial:?}")
    };
    assert!(failure.withheld);
    assert!(matches!(&failure.error, ApiError::Unrecognized { body, .. } if body.is_empty()));
    texts.extend(every_text(&partial));
    // The axum answer of each.
    for error in [error, partial] {
        let answer = error.into_response();
        let body = answer.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8(body.to_vec()).unwrap();
        texts.push(body);
    }
    assert!(
        texts[texts.len() - 2].contains("form_param_format_invalid"),
        "{texts:?}"
    );
    for text in &texts {
        assert!(
            !text.contains(secret) && !text.contains("EchoedPrivate"),
            "{text}"
        );
    }
}

#[test]
fn secret_keys_are_checked_without_being_echoed() {
    for (bad, expected) in [
        ("pk_test_abc", "starts with"),
        ("sk_test_", "1 to 248"),
        ("sk_live_abc def", "only ASCII letters and digits"),
        ("sk_live_abc\n", "only ASCII letters and digits"),
    ] {
        let error = SecretKey::new(bad).unwrap_err().to_string();
        assert!(error.contains(expected), "{bad:?}: {error}");
        assert!(!error.contains("abc"), "{error}");
    }
    assert!(!SecretKey::new("sk_live_abc").unwrap().is_test());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_updates_each_land_exactly_once() {
    let fake = FakeClerk::start().unwrap();
    let template: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
    let ids: Vec<UserId> = (0..200)
        .map(|i| {
            let mut user = template.clone();
            user["id"] = json!(format!("user_concurrent{i:03}"));
            fake.insert_user(user).unwrap()
        })
        .collect();
    let users = fake.client().unwrap().users::<AppUser>();
    let tasks: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let users = users.clone();
            let id = id.clone();
            tokio::spawn(async move {
                users
                    .update_metadata(&id, AppUserPatch::<Backend>::new().risk_score(i as u32))
                    .await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let user: User<AppUser> = task.await.unwrap().unwrap();
        assert_eq!(user.private_metadata.value().risk_score, i as u32);
    }
    for (i, id) in ids.iter().enumerate() {
        let stored = fake.user(id).unwrap();
        assert_eq!(stored["private_metadata"]["riskScore"], json!(i), "{id}");
        assert_eq!(stored["private_metadata"]["crm_sync"], "2026-11-01", "{id}");
    }
    let requests = fake.requests();
    assert_eq!(requests.len(), 200);
    let mut paths: Vec<&str> = requests.iter().map(|r| r.path()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 200, "one request per user");
    assert_conforms(&fake);
}

/// Collects the fields of every tracing event, as text.
#[derive(Default, Clone)]
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        let mut fields = Fields(format!(
            "{} {} ",
            event.metadata().level(),
            event.metadata().target()
        ));
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn each_attempt_is_a_debug_event_without_secrets() {
    let (fake, id) = fake_with_user();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let clerk = fake
        .client_builder()
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)))
        .build()
        .unwrap();
    fake.inject(Fault::status(503), 1);
    clerk
        .users::<AppUser>()
        .update(
            &id,
            UserUpdate::<Backend>::new().password("correct horse battery staple"),
        )
        .await
        .unwrap();
    let events: Vec<String> = capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.contains("clerk_metadata::client") && !e.contains("retried"))
        .cloned()
        .collect();
    assert_eq!(events.len(), 2, "{events:#?}");
    let retried = capture
        .0
        .lock()
        .unwrap()
        .iter()
        .filter(|e| e.contains("message=clerk request retried"))
        .count();
    assert_eq!(retried, 1);
    assert!(events[0].starts_with("DEBUG"), "{events:#?}");
    assert!(
        events[0].contains("status=503") && events[0].contains("attempt=1"),
        "{events:#?}"
    );
    assert!(events[0].contains("trace_id=fake_fault"), "{events:#?}");
    assert!(
        events[1].contains("status=200") && events[1].contains("attempt=2"),
        "{events:#?}"
    );
    for event in &events {
        assert!(
            event.contains("method=PATCH") && event.contains(&format!("path=\"/v1/users/{id}\"")),
            "{event}"
        );
        assert!(
            !event.contains("horse")
                && !event.contains("FakeClerkSecretKey")
                && !event.contains("Bearer"),
            "{event}"
        );
    }
}

#[test]
fn the_fakes_users_are_spec_shaped() {
    let fake = FakeClerk::start().unwrap();
    let blank = fake.create_user();
    let seeded = fake
        .insert_user(json!({"id": "user_seeded", "first_name": "J"}))
        .unwrap();
    for version in ApiVersion::ALL {
        let schema = Spec::load(Api::Backend, version).component("User");
        for id in [&blank, &seeded] {
            let problems = clerk_metadata_tests::spec::validate(&schema, &fake.user(id).unwrap());
            assert!(problems.is_empty(), "{version} {id}: {problems:?}");
        }
    }
    assert!(fake.insert_user(json!({"id": "org_1"})).is_err());
    assert!(fake.insert_user(json!(["user_1"])).is_err());
}

/// A password (or a digest, a TOTP secret, backup codes) is as secret as private
/// metadata: Clerk's text in an error to a request that carried one is withheld too, in
/// an update and in a create.
#[tokio::test]
async fn clerks_text_is_withheld_when_the_request_carried_a_password() {
    let (fake, id) = fake_with_user();
    let users = no_retries(&fake).users::<AppUser>();
    let password = "EchoedPassword-77";
    let envelope = json!({
        "errors": [{"code": "form_password_pwned", "message": format!("{password} was found in a breach"),
            "long_message": format!("the password {password} was found in a breach")}],
        "clerk_trace_id": "trace_pw",
    });
    fake.inject_on(
        "PATCH",
        id.as_str(),
        Fault::raw(422, envelope.to_string()),
        1,
    );
    let error = users
        .update(&id, UserUpdate::<Backend>::new().password(password))
        .await
        .unwrap_err();
    let Error::Clerk(failure) = &error else {
        panic!("{error:?}")
    };
    assert!(failure.withheld);
    assert_eq!(
        failure.error.codes().collect::<Vec<_>>(),
        ["form_password_pwned"]
    );
    for text in every_text(&error) {
        assert!(!text.contains(password), "{text}");
    }
    fake.inject_on(
        "POST",
        "/v1/users",
        Fault::raw(422, envelope.to_string()),
        1,
    );
    let error = users
        .create(
            clerk_metadata::NewUser::new()
                .email_address("pw@example.com")
                .password(password),
        )
        .await
        .unwrap_err();
    for text in every_text(&error) {
        assert!(!text.contains(password), "{text}");
    }
}
