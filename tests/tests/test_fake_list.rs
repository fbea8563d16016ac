//! The fake's `GET /v1/users` and `GET /v1/users/count`, and its instance-wide limit,
//! over raw HTTP on 127.0.0.1: Clerk's ordering, cursor and offset pagination,
//! filters, bad parameters, 429 with `Retry-After`; every request checked against the
//! spec's `GetUserList` / `GetUsersCount`, every listed user against `User`.

use std::time::Duration;

use clerk_metadata::ApiVersion;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata_tests::loopback_http;
use clerk_metadata_tests::spec::{Api, Spec, validate};
use serde_json::{Value, json};

const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

async fn get(fake: &FakeClerk, path_and_query: &str) -> (u16, Option<String>, Value) {
    let response = loopback_http()
        .get(format!("{}{path_and_query}", fake.url()))
        .bearer_auth(KEY)
        .header("clerk-api-version", ApiVersion::LATEST.as_str())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.bytes().await.unwrap();
    (status, retry_after, serde_json::from_slice(&body).unwrap())
}

fn ids(page: &Value) -> Vec<String> {
    page.as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

fn seed_id(i: usize) -> String {
    format!("user_seed{i:022}")
}

/// Every request the fake got is an operation of the spec, with its query valid.
fn assert_conforms(fake: &FakeClerk) {
    let spec = Spec::load(Api::Backend, ApiVersion::LATEST);
    for request in fake.requests() {
        if let Err(problems) = spec.check(&request.to_http(), ApiVersion::LATEST) {
            panic!("{} does not conform: {problems:?}", request.path());
        }
    }
}

#[tokio::test]
async fn the_list_is_newest_first_with_clerks_default_limit_and_users_that_fit_the_spec() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(25, |i| json!({"first_name": format!("n{i}")}))
        .unwrap();
    let (status, _, page) = get(&fake, "/v1/users").await;
    assert_eq!(status, 200);
    let expected: Vec<String> = (15..25).rev().map(seed_id).collect();
    assert_eq!(ids(&page), expected);
    let schema = Spec::load(Api::Backend, ApiVersion::LATEST).component("User");
    for user in page.as_array().unwrap() {
        assert_eq!(validate(&schema, user), Vec::<String>::new());
    }
    // Ties on created_at are ordered by ID, in the same direction.
    let fake2 = FakeClerk::start().unwrap();
    fake2
        .seed_users(3, |_| json!({"created_at": 5, "updated_at": 5}))
        .unwrap();
    let (_, _, page) = get(&fake2, "/v1/users").await;
    assert_eq!(ids(&page), vec![seed_id(2), seed_id(1), seed_id(0)]);
    let (_, _, page) = get(&fake2, "/v1/users?order_by=%2Bcreated_at").await;
    assert_eq!(ids(&page), vec![seed_id(0), seed_id(1), seed_id(2)]);
    assert_conforms(&fake);
}

#[tokio::test]
async fn cursor_and_offset_pages_walk_every_user_once() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(1203, |_| json!({})).unwrap();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            None => "/v1/users?limit=500".to_owned(),
            Some(c) => format!("/v1/users?limit=500&starting_after={c}"),
        };
        let (status, _, page) = get(&fake, &path).await;
        assert_eq!(status, 200, "{page}");
        let page = ids(&page);
        pages += 1;
        let done = page.len() < 500;
        cursor = page.last().cloned();
        seen.extend(page);
        if done {
            break;
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = (0..1203).rev().map(seed_id).collect();
    assert_eq!(seen, expected);
    // Offset pages, as asked.
    let (_, _, page) = get(&fake, "/v1/users?limit=3&offset=1200").await;
    assert_eq!(ids(&page), vec![seed_id(2), seed_id(1), seed_id(0)]);
    let (_, _, page) = get(&fake, "/v1/users?limit=3&offset=5000").await;
    assert_eq!(ids(&page), Vec::<String>::new());
    // Oldest first, after a cursor.
    let (_, _, page) = get(
        &fake,
        &format!(
            "/v1/users?order_by=%2Bcreated_at&limit=2&starting_after={}",
            seed_id(0)
        ),
    )
    .await;
    assert_eq!(ids(&page), vec![seed_id(1), seed_id(2)]);
    // Another ordering (no cursor): by first name, ties by ID.
    let (_, _, page) = get(&fake, "/v1/users?order_by=-first_name&limit=2").await;
    assert_eq!(ids(&page), vec![seed_id(1202), seed_id(1201)]);
    // After the oldest user: nothing.
    let (_, _, page) = get(&fake, &format!("/v1/users?starting_after={}", seed_id(0))).await;
    assert_eq!(ids(&page), Vec::<String>::new());
    assert_conforms(&fake);
}

#[tokio::test]
async fn bad_pagination_parameters_are_422_naming_the_parameter() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(3, |_| json!({})).unwrap();
    for (query, param) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=x", "limit"),
        ("offset=-1", "offset"),
        ("starting_after=user_gone", "starting_after"),
        (
            "starting_after=user_seed0000000000000000000001&offset=1",
            "starting_after",
        ),
        (
            "starting_after=user_seed0000000000000000000001&order_by=username",
            "starting_after",
        ),
        ("order_by=password", "order_by"),
        ("created_at_after=yesterday", "created_at_after"),
        ("banned=maybe", "banned"),
        ("shoe_size=44", "shoe_size"),
    ] {
        let (status, _, body) = get(&fake, &format!("/v1/users?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["errors"][0]["meta"]["param_name"], param, "{query}");
    }
    let many: String = (0..101).map(|i| format!("&user_id=user_{i}")).collect();
    let (status, _, body) = get(&fake, &format!("/v1/users?limit=1{many}")).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["meta"]["param_name"], "user_id");
}

#[tokio::test]
async fn filters_and_count_agree() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(40, |i| {
        json!({
            "external_id": format!("ext-{i}"),
            "first_name": if i % 2 == 0 { "Ada" } else { "Grace" },
            "last_active_at": if i < 10 { Value::Null } else { json!(1_800_000_000_000u64 + i as u64) },
            "banned": i == 7,
        })
    })
    .unwrap();
    let ada = fake.seed_users(0, |_| json!({})).unwrap();
    assert!(ada.is_empty());
    let email_user = fake.create_user();
    fake.add_email_address(&email_user, "Ada.Lovelace@Example.com")
        .unwrap();
    let cases: Vec<(String, Vec<String>)> = vec![
        (
            format!("user_id={}&user_id={}", seed_id(3), seed_id(5)),
            vec![seed_id(5), seed_id(3)],
        ),
        (
            "external_id=ext-9&external_id=ext-1".to_owned(),
            vec![seed_id(9), seed_id(1)],
        ),
        (
            "email_address=ada.lovelace%40example.com".to_owned(),
            vec![email_user.as_str().to_owned()],
        ),
        (
            "query=LOVELACE".to_owned(),
            vec![email_user.as_str().to_owned()],
        ),
        ("banned=true".to_owned(), vec![seed_id(7)]),
        (
            format!(
                "created_at_after={}&created_at_before={}",
                1_700_000_000_000u64 + 36,
                1_700_000_000_000u64 + 39
            ),
            vec![seed_id(38), seed_id(37)],
        ),
        (
            format!("last_active_at_before={}", 1_800_000_000_000u64 + 12),
            vec![seed_id(11), seed_id(10)],
        ),
    ];
    for (query, expected) in cases {
        let (status, _, page) = get(&fake, &format!("/v1/users?limit=100&{query}")).await;
        assert_eq!(status, 200, "{query}: {page}");
        assert_eq!(ids(&page), expected, "{query}");
        let (status, _, count) = get(&fake, &format!("/v1/users/count?{query}")).await;
        assert_eq!(status, 200);
        assert_eq!(
            count,
            json!({"object": "total_count", "total_count": expected.len()}),
            "{query}"
        );
    }
    // Exclusion by `-`.
    let (_, _, count) = get(
        &fake,
        &format!("/v1/users/count?user_id=-{}&name_query=ada", seed_id(0)),
    )
    .await;
    assert_eq!(count["total_count"], 19);
    let (_, _, count) = get(&fake, "/v1/users/count").await;
    assert_eq!(count["total_count"], 41);
    let schema = Spec::load(Api::Backend, ApiVersion::LATEST).component("TotalCount");
    assert_eq!(validate(&schema, &count), Vec::<String>::new());
    assert_conforms(&fake);
}

#[tokio::test]
async fn organization_filter_lists_members() {
    let fake = FakeClerk::start().unwrap();
    let users = fake.seed_users(4, |_| json!({})).unwrap();
    let org = fake
        .insert_organization(json!({"id": "org_acme", "name": "Acme"}))
        .unwrap();
    fake.insert_membership(&org, &users[1], json!({})).unwrap();
    fake.insert_membership(&org, &users[2], json!({})).unwrap();
    let (_, _, page) = get(&fake, "/v1/users?organization_id=org_acme").await;
    assert_eq!(ids(&page), vec![seed_id(2), seed_id(1)]);
    let (_, _, page) = get(&fake, "/v1/users?organization_id=-org_acme").await;
    assert_eq!(ids(&page), vec![seed_id(3), seed_id(0)]);
}

#[tokio::test]
async fn the_instance_limit_answers_429_with_retry_after_then_admits_again() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(1, |_| json!({})).unwrap();
    // A window long enough that six requests fit in it on a loaded machine.
    let window = Duration::from_secs(3);
    fake.set_instance_limit(5, window);
    for _ in 0..5 {
        assert_eq!(get(&fake, "/v1/users/count").await.0, 200);
    }
    let (status, retry_after, body) = get(&fake, "/v1/users/count").await;
    assert_eq!(status, 429);
    assert_eq!(body["errors"][0]["code"], "too_many_requests");
    // The rest of the window, in whole seconds rounded up.
    let retry_after: u64 = retry_after.unwrap().parse().unwrap();
    assert!((1..=3).contains(&retry_after), "{retry_after}");
    assert_eq!(fake.instance_limit_refusals(), 1);
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    assert_eq!(get(&fake, "/v1/users/count").await.0, 200);
    // Off again.
    fake.set_instance_limit(0, Duration::from_secs(1));
    for _ in 0..10 {
        assert_eq!(get(&fake, "/v1/users/count").await.0, 200);
    }
    assert_eq!(fake.instance_limit_refusals(), 1);
}

#[test]
fn seeding_takes_ids_tiers_and_refuses_what_is_not_a_user() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake
        .seed_users(3, |i| match i {
            0 => json!({"id": "user_custom", "public_metadata": "not an object"}),
            _ => json!({"private_metadata": {"k": i}}),
        })
        .unwrap();
    assert_eq!(ids[0].as_str(), "user_custom");
    let user = fake.user(&ids[0]).unwrap();
    assert_eq!(user["public_metadata"], json!({}));
    assert_eq!(user["created_at"], 1_700_000_000_000u64);
    assert_eq!(
        fake.user(&ids[2]).unwrap()["private_metadata"],
        json!({"k": 2})
    );
    assert!(fake.seed_users(1, |_| json!([1])).is_err());
    assert!(fake.seed_users(1, |_| json!({"id": "usr_x"})).is_err());
    assert!(fake.remove_user(&ids[1]));
    assert!(!fake.remove_user(&ids[1]));
    assert_eq!(fake.user_count(), 2);
}
