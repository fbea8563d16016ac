//! `Users::list` and `Users::pager` against `FakeClerk` over real HTTP: every user once,
//! newest first, through empty lists, exact multiples of the page size, users deleted
//! (the cursor's own user too) or created during the walk; drifted users as items;
//! bad queries sending nothing; every request conforming to Clerk's spec.

use std::collections::HashSet;

use clerk_metadata::client::{Error, RetryPolicy};
use clerk_metadata::jobs::{Cursor, ListUsers};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{ApiVersion, Timestamp, User, UserId, codes};
use clerk_metadata_tests::AppUser;
use clerk_metadata_tests::spec::{Api, Spec};
use futures_util::StreamExt;
use serde_json::json;

fn fits(i: usize) -> serde_json::Value {
    json!({"public_metadata": {"role": "member"}, "private_metadata": {"riskScore": i}})
}

async fn walk(fake: &FakeClerk, query: ListUsers) -> Vec<String> {
    let users = fake.client().unwrap().users::<AppUser>();
    let stream = users.list(query).unwrap();
    let items: Vec<_> = stream.collect().await;
    items
        .into_iter()
        .map(|u| u.unwrap().profile.id.as_str().to_owned())
        .collect()
}

fn newest_first(ids: &[UserId]) -> Vec<String> {
    ids.iter().rev().map(|id| id.as_str().to_owned()).collect()
}

fn assert_conforms(fake: &FakeClerk) {
    let spec = Spec::load(Api::Backend, ApiVersion::LATEST);
    let requests = fake.requests();
    assert!(!requests.is_empty());
    for request in requests {
        if let Err(problems) = spec.check(&request.to_http(), ApiVersion::LATEST) {
            panic!("{} does not conform: {problems:?}", request.path());
        }
    }
}

#[tokio::test]
async fn an_empty_instance_is_one_request_and_no_item() {
    let fake = FakeClerk::start().unwrap();
    assert!(walk(&fake, ListUsers::new()).await.is_empty());
    assert_eq!(fake.requests().len(), 1);
    assert_eq!(fake.requests()[0].path(), "/v1/users?limit=500");
}

#[tokio::test]
async fn an_exact_multiple_of_the_page_size_ends_on_an_empty_page() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(30, fits).unwrap();
    assert_eq!(
        walk(&fake, ListUsers::new().page_size(10)).await,
        newest_first(&ids)
    );
    // Three full pages, then an empty one that ends the walk, and the check of the
    // short page by creation time.
    let paths: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert_eq!(paths.len(), 5, "{paths:?}");
    assert_eq!(paths[0], "/v1/users?limit=10");
    assert_eq!(
        paths[1],
        format!("/v1/users?limit=10&starting_after={}", ids[20].as_str())
    );
    assert_conforms(&fake);
    assert_eq!(
        paths[4],
        "/v1/users?created_at_before=1700000000001&limit=10"
    );
    // One more user: four pages, the last one short, and its check.
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(31, fits).unwrap();
    assert_eq!(
        walk(&fake, ListUsers::new().page_size(10)).await,
        newest_first(&ids)
    );
    assert_eq!(fake.requests().len(), 5);
}

#[tokio::test]
async fn users_deleted_or_created_during_the_walk_neither_break_it_nor_repeat() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(50, fits).unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(10)).unwrap();
    let mut seen: Vec<String> = Vec::new();
    let first = pager.next_page().await.unwrap().unwrap();
    seen.extend(
        first
            .users
            .into_iter()
            .map(|u| u.unwrap().profile.id.as_str().to_owned()),
    );
    assert_eq!(pager.cursor().last_user_id(), Some(ids[40].as_str()));
    // The cursor's own user is deleted, another later user is deleted, and a new user
    // is created (newest: before the walk's position, so not in it).
    users.delete(&ids[40]).await.unwrap();
    users.delete(&ids[25]).await.unwrap();
    fake.insert_user(json!({"id": "user_new", "created_at": 1_800_000_000_000u64, "public_metadata": {"role": "admin"}}))
        .unwrap();
    while let Some(page) = pager.next_page().await.unwrap() {
        seen.extend(
            page.users
                .into_iter()
                .map(|u| u.unwrap().profile.id.as_str().to_owned()),
        );
    }
    let expected: Vec<String> = ids
        .iter()
        .rev()
        .filter(|id| id.as_str() != ids[25].as_str())
        .map(|id| id.as_str().to_owned())
        .collect();
    assert_eq!(seen, expected);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    // The page after the deleted cursor was read by creation time.
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path().contains("created_at_before=1700000000041")),
        "{:?}",
        fake.requests()
            .iter()
            .map(|r| r.path().to_owned())
            .collect::<Vec<_>>()
    );
    assert_conforms(&fake);
}

/// Walks to the end or the first error, with a hang guard.
async fn walk_pages(
    pager: &mut clerk_metadata::jobs::UserPager<AppUser>,
    seen: &mut Vec<String>,
) -> Result<(), Error> {
    let walk = async {
        while let Some(page) = pager.next_page().await? {
            seen.extend(
                page.users
                    .into_iter()
                    .map(|u| u.unwrap().profile.id.as_str().to_owned()),
            );
        }
        Ok(())
    };
    tokio::time::timeout(std::time::Duration::from_secs(60), walk)
        .await
        .expect("the walk hangs")
}

#[tokio::test]
async fn a_deleted_cursor_inside_a_tie_of_a_page_of_users_stops_the_walk_instead_of_looping() {
    let fake = FakeClerk::start().unwrap();
    // 30 users created in the same millisecond.
    let ids = fake
        .seed_users(30, |_| json!({"created_at": 5, "updated_at": 5}))
        .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(10)).unwrap();
    let mut seen = Vec::new();
    for _ in 0..2 {
        let page = pager.next_page().await.unwrap().unwrap();
        seen.extend(
            page.users
                .into_iter()
                .map(|u| u.unwrap().profile.id.as_str().to_owned()),
        );
    }
    assert_eq!(pager.cursor().last_user_id(), Some(ids[10].as_str()));
    // The cursor's user is deleted: the page by creation time holds only the 10 users
    // of the tie that come before it, so it cannot move on.
    users.delete(&ids[10]).await.unwrap();
    let requests = fake.request_count();
    let error = walk_pages(&mut pager, &mut seen).await.unwrap_err();
    let Error::WalkStuck(stuck) = &error else {
        panic!("{error:?}");
    };
    assert_eq!((stuck.entries, stuck.tied_at), (10, Some(5)));
    assert!(error.to_string().contains("same millisecond"), "{error}");
    // It stops at once, and again if asked again: no loop of requests.
    assert_eq!(fake.request_count(), requests + 2);
    assert!(matches!(pager.next_page().await, Err(Error::WalkStuck(_))));
    assert_eq!(fake.request_count(), requests + 3);
    assert_eq!(seen, newest_first(&ids[10..]));
    // With a page larger than the tie, the same walk goes on past the deleted user.
    let mut pager = users.pager(ListUsers::new().page_size(50)).unwrap();
    let mut all = Vec::new();
    walk_pages(&mut pager, &mut all).await.unwrap();
    assert_eq!(all.len(), 29);
}

#[tokio::test]
async fn a_full_page_without_readable_ids_stops_the_walk_instead_of_looping() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(3, fits).unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(2)).unwrap();
    fake.inject_on(
        "GET",
        "/v1/users",
        clerk_metadata::testing::Fault::raw(200, r#"[{"id": 1}, {"created_at": "x"}]"#),
        1,
    );
    let mut seen = Vec::new();
    let error = walk_pages(&mut pager, &mut seen).await.unwrap_err();
    assert!(
        matches!(&error, Error::WalkStuck(stuck) if stuck.tied_at.is_none()),
        "{error:?}"
    );
    assert_eq!(pager.cursor(), &Cursor::default());
}

#[tokio::test]
async fn an_empty_page_after_a_deleted_cursor_is_checked_by_creation_time() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(25, fits).unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(10)).unwrap();
    let mut seen = Vec::new();
    let first = pager.next_page().await.unwrap().unwrap();
    seen.extend(
        first
            .users
            .into_iter()
            .map(|u| u.unwrap().profile.id.as_str().to_owned()),
    );
    users.delete(&ids[15]).await.unwrap();
    // Clerk answering `200 []` for the unknown cursor, instead of refusing it.
    fake.inject_on(
        "GET",
        "/v1/users",
        clerk_metadata::testing::Fault::raw(200, "[]"),
        1,
    );
    walk_pages(&mut pager, &mut seen).await.unwrap();
    // The deleted user was read on the first page; the rest follow, none skipped.
    assert_eq!(seen, newest_first(&ids));
    assert!(pager.cursor().is_done());
}

#[test]
fn a_query_debug_says_which_filters_are_set_never_their_values() {
    let query = ListUsers::new()
        .email_addresses(["ada@example.com", "bob@example.com"])
        .phone_numbers(["+15555550100"])
        .usernames(["ada_l"])
        .external_ids(["erp-991"])
        .query("lovelace")
        .banned(true)
        .created_before(Timestamp::from_unix_millis(1_700_000_000_000))
        .page_size(50);
    let shown = format!("{query:?}");
    for value in [
        "ada@",
        "bob@",
        "5555550100",
        "ada_l",
        "erp-991",
        "lovelace",
        "1700000000000",
    ] {
        assert!(!shown.contains(value), "{shown}");
    }
    assert_eq!(
        shown,
        "ListUsers { email_address: 2, phone_number: 1, external_id: 1, username: 1, \
         query: true, created_at_before: true, banned: true, page_size: 50 }"
    );
    // A pager shows its query the same way.
    let fake = FakeClerk::start().unwrap();
    let pager = fake
        .client()
        .unwrap()
        .users::<AppUser>()
        .pager(query)
        .unwrap();
    assert!(!format!("{pager:?}").contains("ada@"));
}

#[tokio::test]
async fn a_pager_goes_on_from_a_stored_cursor() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(25, fits).unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(10)).unwrap();
    let first = pager.next_page().await.unwrap().unwrap();
    let stored = serde_json::to_string(&first.cursor).unwrap();
    drop(pager);
    let cursor: Cursor = serde_json::from_str(&stored).unwrap();
    let mut resumed = users
        .pager_from(ListUsers::new().page_size(10), cursor)
        .unwrap();
    let mut rest = Vec::new();
    while let Some(page) = resumed.next_page().await.unwrap() {
        rest.extend(page.users.into_iter().map(|u| u.unwrap().profile.id));
    }
    assert!(resumed.cursor().is_done());
    let expected: Vec<UserId> = ids[..15].iter().rev().cloned().collect();
    assert_eq!(rest, expected);
}

#[tokio::test]
async fn drifted_and_broken_users_are_items_not_the_end_of_the_walk() {
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(12, |i| match i {
        3 => json!({"public_metadata": {"role": "superuser"}}),
        5 => json!({"public_metadata": {"role": "member"},
                    "private_metadata": {"riskScore": "high", "secret": "sk_live_x"}}),
        7 => json!({"public_metadata": {"role": "member"}, "unsafe_metadata": {"theme": 42}}),
        // Clerk's answer without a required profile field: not a user at all.
        9 => json!({"public_metadata": {"role": "member"}, "has_image": "yes"}),
        _ => fits(i),
    })
    .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let items: Vec<_> = users
        .list(ListUsers::new().page_size(5))
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 12);
    let mut drifted = Vec::new();
    let mut broken = 0;
    for item in &items {
        match item {
            Ok(user) => {
                let problems: Vec<String> = user
                    .problems()
                    .iter()
                    .map(|p| p.path().to_owned())
                    .collect();
                if !problems.is_empty() {
                    drifted.push((user.profile.id.as_str().to_owned(), problems));
                }
            }
            Err(Error::NotAUser(not)) => {
                broken += 1;
                assert_eq!(not.error.path(), "has_image");
            }
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(broken, 1);
    let paths: Vec<&str> = drifted
        .iter()
        .flat_map(|(_, p)| p.iter().map(String::as_str))
        .collect();
    assert_eq!(
        paths,
        [
            "unsafe_metadata.theme",
            "private_metadata.riskScore",
            "public_metadata.role"
        ]
    );
    // Nothing of the private value in the error.
    let text = format!("{:?}", items[6].as_ref().unwrap().problems());
    assert!(
        !text.contains("high") && !text.contains("sk_live"),
        "{text}"
    );
}

#[tokio::test]
async fn bad_queries_send_nothing_and_name_the_parameter() {
    let fake = FakeClerk::start().unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let many: Vec<UserId> = (0..101)
        .map(|i| UserId::parse(&format!("user_{i}")).unwrap())
        .collect();
    for (query, field, code) in [
        (
            ListUsers::new().page_size(0),
            "limit",
            codes::FORM_PARAM_VALUE_INVALID,
        ),
        (
            ListUsers::new().page_size(501),
            "limit",
            codes::FORM_PARAM_VALUE_INVALID,
        ),
        (
            ListUsers::new().user_ids(&many),
            "user_id",
            codes::FORM_PARAM_VALUE_INVALID,
        ),
        (
            ListUsers::new().query(""),
            "query",
            codes::FORM_PARAM_FORMAT_INVALID,
        ),
        (
            ListUsers::new().email_addresses(["a@b.c\n"]),
            "email_address",
            codes::FORM_PARAM_FORMAT_INVALID,
        ),
        (
            ListUsers::new()
                .created_after(Timestamp::from_unix_millis(10))
                .created_before(Timestamp::from_unix_millis(5)),
            "created_at_after",
            codes::CONFLICTING_FIELDS,
        ),
    ] {
        let Err(errors) = users.list(query.clone()).map(drop) else {
            panic!("{query:?} was accepted");
        };
        assert!(errors.contains(field, code), "{errors}");
        let Err(Error::Invalid(_)) = users.count(&query).await else {
            panic!("{query:?} was counted");
        };
    }
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn filters_offsets_and_count_go_through_typed() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake
        .seed_users(30, |i| {
            json!({"public_metadata": {"role": "member"}, "external_id": format!("ext+{i}"),
                   "last_active_at": 1_800_000_000_000u64 + i as u64})
        })
        .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let query = ListUsers::new()
        .external_ids(["ext+3", "ext+4", "ext+20"])
        .excluding_user_ids([&ids[4]])
        .last_active_after(Timestamp::from_unix_millis(1_800_000_000_001));
    assert_eq!(
        walk(&fake, query.clone()).await,
        vec![ids[20].as_str(), ids[3].as_str()]
    );
    assert_eq!(users.count(&query).await.unwrap(), 2);
    assert_eq!(users.count(&ListUsers::new()).await.unwrap(), 30);
    // Offset pages, as asked.
    let tail = walk(&fake, ListUsers::new().page_size(4).offset(22)).await;
    assert_eq!(tail, newest_first(&ids[..8]));
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path().ends_with("limit=4&offset=26"))
    );
    // An offset walk's cursor is stored and goes on from there too.
    let mut pager = users
        .pager(ListUsers::new().page_size(4).offset(22))
        .unwrap();
    pager.next_page().await.unwrap().unwrap();
    let stored = serde_json::to_string(pager.cursor()).unwrap();
    let cursor: Cursor = serde_json::from_str(&stored).unwrap();
    let mut resumed = users
        .pager_from(ListUsers::new().page_size(4).offset(22), cursor)
        .unwrap();
    let next: Vec<UserId> = resumed
        .next_page()
        .await
        .unwrap()
        .unwrap()
        .users
        .into_iter()
        .map(|u| u.unwrap().profile.id)
        .collect();
    assert_eq!(next, ids[..4].iter().rev().cloned().collect::<Vec<_>>());
    assert_conforms(&fake);
}

#[tokio::test]
async fn a_failed_page_is_the_last_item_and_its_cursor_reads_it_again() {
    let fake = FakeClerk::start().unwrap();
    let ids = fake.seed_users(8, fits).unwrap();
    let users = fake
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .users::<AppUser>();
    let mut pager = users.pager(ListUsers::new().page_size(5)).unwrap();
    assert_eq!(pager.next_page().await.unwrap().unwrap().users.len(), 5);
    fake.inject(clerk_metadata::testing::Fault::status(503), 1);
    let error = pager.next_page().await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    let page = pager.next_page().await.unwrap().unwrap();
    let rest: Vec<UserId> = page
        .users
        .into_iter()
        .map(|u| u.unwrap().profile.id)
        .collect();
    assert_eq!(rest, ids[..3].iter().rev().cloned().collect::<Vec<_>>());
    // The stream ends with the error.
    fake.inject(clerk_metadata::testing::Fault::status(500), 1);
    let items: Vec<_> = users.list(ListUsers::new()).unwrap().collect().await;
    assert_eq!(items.len(), 1);
    assert!(items[0].is_err());
    // A strict read of each listed user agrees with the fake's store.
    let stored = fake.user(&ids[0]).unwrap();
    let strict = User::<AppUser>::from_json(stored.to_string().as_bytes()).unwrap();
    assert_eq!(strict.private_metadata.risk_score, 0);
}

/// Sends `n` counts at once through `clerk`, and returns how many succeeded.
async fn burst_of_counts(clerk: &clerk_metadata::client::Clerk, n: usize) -> usize {
    let users = clerk.users::<AppUser>();
    let calls = (0..n).map(|_| {
        let users = users.clone();
        async move { users.count(&ListUsers::new()).await.is_ok() }
    });
    futures_util::future::join_all(calls)
        .await
        .into_iter()
        .filter(|ok| *ok)
        .count()
}

#[tokio::test]
async fn the_client_side_limit_keeps_a_burst_and_the_steady_state_under_the_instance_limit() {
    use clerk_metadata::jobs::RateLimit;
    use std::time::Duration;
    let window = Duration::from_millis(500);
    let fake = FakeClerk::start().unwrap();
    fake.seed_users(3, fits).unwrap();
    // The instance allows half again the client's limit: room for the scheduling
    // jitter of a loaded 2-core test machine between a permit and its arrival.
    fake.set_instance_limit(30, window);
    // Without the limiter, a burst of 80 (over twice the instance's limit, so even a
    // burst spread over two windows trips it) is refused in part.
    let unlimited = fake
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(burst_of_counts(&unlimited, 80).await < 80);
    assert!(fake.instance_limit_refusals() > 0);
    tokio::time::sleep(window).await;
    let refused = fake.instance_limit_refusals();
    // With it, 60 requests at once (a burst, then the steady state over three windows)
    // all pass, and none is refused.
    let limit = RateLimit::new(20, window).unwrap();
    assert_eq!(limit.burst(), 1);
    let limited = fake
        .client_builder()
        .retry(RetryPolicy::none())
        .rate_limit(limit)
        .build()
        .unwrap();
    assert_eq!(limited.rate_limit(), Some(limit));
    let start = std::time::Instant::now();
    assert_eq!(burst_of_counts(&limited, 60).await, 60);
    // A burst of one, then one request every 500 ms / 18: the last of 60 cannot start
    // before 59 periods, so the limiter did hold them back (a lower bound, not a speed
    // goal).
    assert!(start.elapsed() >= Duration::from_millis(59 * 500 / 18));
    assert_eq!(fake.instance_limit_refusals(), refused);
    // Its clones share the budget: two clones at once stay under the limit too.
    let clone = limited.clone();
    let (a, b) = tokio::join!(burst_of_counts(&limited, 30), burst_of_counts(&clone, 30));
    assert_eq!(a + b, 60);
    assert_eq!(fake.instance_limit_refusals(), refused);
}
