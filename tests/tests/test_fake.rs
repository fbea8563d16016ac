//! `FakeClerk` is no more lenient than Clerk where an app's test would pass and the same
//! code fail in production: usernames are unique per instance, a primary email address
//! must be one of the user's own, and the `Bearer` scheme is read as HTTP defines it.
//! Each over real HTTP on 127.0.0.1: through the crate's client, or a raw request.

use clerk_metadata::client::{Clerk, Error, RetryPolicy};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{ApiError, Backend, UserId, UserUpdate};
use clerk_metadata_tests::spec::{Api, Spec};
use clerk_metadata_tests::{AppUser, loopback_http};
use serde_json::{Value, json};

/// A user the tests' schema reads: public metadata with a role.
fn seed(fake: &FakeClerk, id: &str, username: Option<&str>) -> UserId {
    fake.insert_user(json!({
        "id": id,
        "username": username,
        "public_metadata": {"role": "member"},
    }))
    .unwrap()
}

fn no_retries(fake: &FakeClerk) -> Clerk {
    fake.client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// The status, code and parameter of a call that ended in Clerk's error answer.
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

// Usernames are unique per instance: "The username to give to the user. It must be
// unique across your instance." (`UpdateUser` body, `username`, in
// tests/spec/bapi-2026-05-12-users.yml and the older versions). Clerk's answer to one
// that is taken is `FormIdentifierExists`: 422, `form_identifier_exists`, naming the
// parameter (clerk.com/docs/guides/development/errors/backend-api, "Forms").
#[tokio::test]
async fn a_username_another_user_has_is_refused_with_clerks_error() {
    let fake = FakeClerk::start().unwrap();
    let ada = seed(&fake, "user_ada", Some("ada_l"));
    let bob = seed(&fake, "user_bob", Some("bob_b"));
    let users = no_retries(&fake).users::<AppUser>();

    let error = users
        .update(&bob, UserUpdate::<Backend>::new().username("ada_l"))
        .await
        .unwrap_err();
    assert_eq!(
        clerk_error(&error),
        (
            422,
            "form_identifier_exists".to_owned(),
            Some("username".to_owned())
        )
    );
    assert_eq!(fake.user(&bob).unwrap()["username"], "bob_b");
    // Compared without regard to case: the fake refuses what Clerk may refuse, so a
    // test that passes against it does not fail against Clerk.
    let error = users
        .update(&bob, UserUpdate::<Backend>::new().username("ADA_L"))
        .await
        .unwrap_err();
    assert_eq!(clerk_error(&error).1, "form_identifier_exists");

    // A user may keep (or resend) their own username, and another may take one that
    // was given up.
    users
        .update(
            &ada,
            UserUpdate::<Backend>::new()
                .username("ada_l")
                .first_name("Ada"),
        )
        .await
        .unwrap();
    let ada_now = users
        .update(&ada, UserUpdate::<Backend>::new().username("ada_lovelace"))
        .await
        .unwrap();
    assert_eq!(ada_now.profile.username.as_deref(), Some("ada_lovelace"));
    let bob_now = users
        .update(&bob, UserUpdate::<Backend>::new().username("ada_l"))
        .await
        .unwrap();
    assert_eq!(bob_now.profile.username.as_deref(), Some("ada_l"));
    // Removing a username takes none: no conflict.
    users
        .update(&bob, UserUpdate::<Backend>::new().clear_username())
        .await
        .unwrap();
    assert_eq!(fake.user(&bob).unwrap()["username"], Value::Null);
}

// "The ID of the email address to set as primary. It must be verified, and present on
// the current user." (`UpdateUser` body, `primary_email_address_id`, in
// tests/spec/bapi-2026-05-12-users.yml). Clerk's answer to a parameter that refers to
// a missing resource is `FormMissingResource`: 422, `form_resource_not_found`, naming
// the parameter (clerk.com/docs/guides/development/errors/backend-api, "Forms").
#[tokio::test]
async fn a_primary_email_address_must_be_one_of_the_users_own() {
    let fake = FakeClerk::start().unwrap();
    let ada = seed(&fake, "user_ada", None);
    let bob = seed(&fake, "user_bob", None);
    let work = fake.add_email_address(&ada, "ada@work.example").unwrap();
    let home = fake.add_email_address(&ada, "ada@home.example").unwrap();
    let bobs = fake.add_email_address(&bob, "bob@example.com").unwrap();
    // The first address became the primary one.
    assert_eq!(fake.user(&ada).unwrap()["primary_email_address_id"], work);
    let users = no_retries(&fake).users::<AppUser>();

    let user = users
        .update(
            &ada,
            UserUpdate::<Backend>::new().primary_email_address_id(home.as_str()),
        )
        .await
        .unwrap();
    assert_eq!(
        user.profile.primary_email_address_id.as_deref(),
        Some(home.as_str())
    );

    // An ID no email address has, and the ID of another user's address.
    for wrong in ["idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rz", bobs.as_str()] {
        let error = users
            .update(
                &ada,
                UserUpdate::<Backend>::new()
                    .first_name("Changed")
                    .primary_email_address_id(wrong),
            )
            .await
            .unwrap_err();
        assert_eq!(
            clerk_error(&error),
            (
                422,
                "form_resource_not_found".to_owned(),
                Some("primary_email_address_id".to_owned())
            ),
            "{wrong}"
        );
        // Nothing of the request was applied.
        let stored = fake.user(&ada).unwrap();
        assert_eq!(stored["primary_email_address_id"], home);
        assert_eq!(stored["first_name"], Value::Null);
    }
    // A user without email addresses has no ID to name.
    let carl = seed(&fake, "user_carl", None);
    let error = users
        .update(
            &carl,
            UserUpdate::<Backend>::new().primary_email_address_id(work.as_str()),
        )
        .await
        .unwrap_err();
    assert_eq!(clerk_error(&error).1, "form_resource_not_found");
}

#[test]
fn email_addresses_are_seeded_in_clerks_shape_and_unique() {
    let fake = FakeClerk::start().unwrap();
    let ada = fake.create_user();
    let bob = fake.create_user();
    let first = fake.add_email_address(&ada, "ada@example.com").unwrap();
    let second = fake.add_email_address(&ada, "ada@example.org").unwrap();
    assert!(first.starts_with("idn_") && second.starts_with("idn_") && first != second);
    let user = fake.user(&ada).unwrap();
    assert_eq!(user["primary_email_address_id"], first);
    assert_eq!(user["email_addresses"].as_array().unwrap().len(), 2);
    for version in clerk_metadata::ApiVersion::ALL {
        let schema = Spec::load(Api::Backend, version).component("User");
        let problems = clerk_metadata_tests::spec::validate(&schema, &user);
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
    // Email addresses are unique per instance, without regard to case.
    assert!(fake.add_email_address(&bob, "ADA@example.com").is_err());
    for not_an_address in ["", "ada", "@example.com", "ada@", "a da@example.com"] {
        assert!(
            fake.add_email_address(&bob, not_an_address).is_err(),
            "{not_an_address:?}"
        );
    }
    assert!(
        fake.add_email_address(&UserId::parse("user_nobody").unwrap(), "x@example.com")
            .is_err()
    );
    assert_eq!(
        fake.user(&bob).unwrap()["email_addresses"],
        Value::Array(Vec::new())
    );
}

/// The fake's secret key, as the fake's own client sends it (`SecretKey` does not show
/// it; the first request below checks this is it).
const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

// RFC 9110 §11.1: "It uses a case-insensitive token to identify the authentication
// scheme"; §11.4: `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`.
// `bearer sk_test_…` is the same credentials as `Bearer sk_test_…`.
#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive_and_the_key_is_not() {
    let fake = FakeClerk::start().unwrap();
    let id = seed(&fake, "user_ada", None);
    let http = loopback_http();
    let url = format!("{}/v1/users/{id}", fake.url());
    let status = |authorization: String| {
        let request = http.get(&url).header("authorization", authorization);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for accepted in [
        format!("Bearer {KEY}"),
        format!("bearer {KEY}"),
        format!("BEARER {KEY}"),
        format!("bEaReR {KEY}"),
        format!("Bearer  {KEY}"),
    ] {
        assert_eq!(status(accepted.clone()).await, 200, "{accepted}");
    }
    for refused in [
        format!("bearer {}", KEY.to_uppercase()),
        "bearer sk_test_SomeOtherInstancesKey0000".to_owned(),
        format!("Basic {KEY}"),
        format!("Bearer{KEY}"),
        format!("bearer {KEY}x"),
        "bearer".to_owned(),
    ] {
        assert_eq!(status(refused.clone()).await, 401, "{refused}");
    }
    // Two Authorization headers are refused, even if one is right.
    let response = http
        .get(&url)
        .header("authorization", format!("Bearer {KEY}"))
        .header("authorization", "Bearer sk_test_SomeOtherInstancesKey0000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    let recorded = fake.requests();
    assert_eq!(recorded.iter().filter(|r| r.authorized()).count(), 5);
}
