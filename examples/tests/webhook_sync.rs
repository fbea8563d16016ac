//! The webhook sync example end to end: users created, updated and deleted through the
//! client against FakeClerk, which delivers signed webhooks to the app over loopback;
//! the app's SQLite table must end as Clerk's state, whatever the order and however
//! often each delivery arrives; forged, stale and tampered deliveries change nothing.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clerk_metadata::testing::{FakeClerk, WebhookChaos};
use clerk_metadata::webhooks::{WebhookSecret, Webhooks};
use clerk_metadata::{Backend, NewUser, UserId, UserUpdate};
use clerk_metadata_examples::webhook_sync::{
    App, AppUser, AppUserPatch, AppUserUnsafe, Db, Plan, Role, Row, router,
};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Harness {
    fake: FakeClerk,
    db: Arc<Db>,
    app: App,
    addr: std::net::SocketAddr,
    secret: String,
}

async fn start(chaos: Option<WebhookChaos>) -> Harness {
    let fake = FakeClerk::start().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let endpoint = fake
        .add_webhook_endpoint(&format!("http://{addr}/webhooks/clerk"))
        .unwrap();
    if let Some(chaos) = chaos {
        fake.set_webhook_chaos(chaos);
    }
    let db = Arc::new(Db::open(None).unwrap());
    let app = App {
        clerk: fake.client().unwrap(),
        webhooks: Webhooks::new(WebhookSecret::new(endpoint.secret()).unwrap()),
        db: db.clone(),
    };
    let served = app.clone();
    tokio::spawn(async move { axum::serve(listener, router(served)).await });
    Harness {
        secret: endpoint.secret().to_owned(),
        fake,
        db,
        app,
        addr,
    }
}

/// Three sign-ups asking for plans, an update, a deletion.
async fn story(h: &Harness) -> Vec<UserId> {
    let users = h.app.clerk.users::<AppUser>();
    let mut ids = Vec::new();
    for (name, requested) in [
        ("Ada", Plan::Trial),
        ("Grace", Plan::Pro),
        ("Alan", Plan::Free),
    ] {
        let user = users
            .create(
                NewUser::new()
                    .first_name(name)
                    .email_address(format!("{}@example.com", name.to_lowercase()))
                    .unsafe_metadata(AppUserUnsafe {
                        requested_plan: Some(requested),
                    }),
            )
            .await
            .unwrap();
        ids.push(user.profile.id);
    }
    users
        .update(
            &ids[0],
            UserUpdate::new()
                .first_name("Augusta Ada")
                .metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
        .await
        .unwrap();
    users.delete(&ids[2]).await.unwrap();
    ids
}

/// Settles every delivery, including those the app's own promotions cause.
async fn settle(h: &Harness) {
    for _ in 0..3 {
        assert!(h.fake.settle_webhooks(Duration::from_secs(60)).await);
    }
}

/// What the table must hold for each user the fake knows, from the fake's own state.
fn expected_row(fake: &FakeClerk, id: &UserId) -> Option<Row> {
    let user = fake.user(id)?;
    let public = &user["public_metadata"];
    Some(Row {
        id: id.as_str().to_owned(),
        first_name: user["first_name"].as_str().map(str::to_owned),
        role: public["role"].as_str().unwrap_or("member").to_owned(),
        plan: public["plan"].as_str().map(str::to_owned),
        updated_at: user["updated_at"].as_i64().unwrap(),
        deleted: false,
    })
}

fn check_table(h: &Harness, ids: &[UserId]) {
    let rows = h.db.rows().unwrap();
    assert_eq!(rows.len(), 3, "{rows:#?}");
    for id in &ids[..2] {
        assert_eq!(
            h.db.row(id.as_str()).unwrap(),
            expected_row(&h.fake, id),
            "{id}"
        );
    }
    let alan = h.db.row(ids[2].as_str()).unwrap().unwrap();
    assert!(alan.deleted, "{alan:?}");
    assert!(h.fake.user(&ids[2]).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_follows_clerk_and_sign_ups_get_the_plan_they_may_have() {
    let h = start(None).await;
    let ids = story(&h).await;
    settle(&h).await;
    check_table(&h, &ids);
    // The checked requests were promoted, and removed from unsafe metadata.
    let ada = h.fake.user(&ids[0]).unwrap();
    assert_eq!(ada["public_metadata"]["plan"], "trial");
    assert_eq!(ada["public_metadata"]["role"], "admin");
    assert_eq!(ada["unsafe_metadata"].get("requested_plan"), None);
    let grace = h.fake.user(&ids[1]).unwrap();
    assert_eq!(
        grace["public_metadata"]["plan"], "free",
        "a paid plan is never granted on request"
    );
    let ada_row = h.db.row(ids[0].as_str()).unwrap().unwrap();
    assert_eq!(
        (ada_row.role.as_str(), ada_row.plan.as_deref()),
        ("admin", Some("trial"))
    );
    assert_eq!(ada_row.first_name.as_deref(), Some("Augusta Ada"));
    // Every delivery the fake made was answered 2xx, and each message applied once.
    let records = h.fake.webhook_deliveries();
    let messages: BTreeSet<&str> = records.iter().map(|r| r.message_id()).collect();
    assert_eq!(h.db.deliveries().unwrap(), messages.len() as i64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shuffled_and_duplicated_deliveries_leave_the_right_rows() {
    for seed in [1, 7, 42] {
        let h = start(Some(WebhookChaos {
            shuffle: true,
            duplicate_every: Some(2),
            seed,
        }))
        .await;
        let ids = story(&h).await;
        settle(&h).await;
        check_table(&h, &ids);
        let records = h.fake.webhook_deliveries();
        let messages: BTreeSet<&str> = records.iter().map(|r| r.message_id()).collect();
        assert!(
            records.iter().any(|r| r.copy() > 0),
            "seed {seed}: nothing was duplicated"
        );
        assert_eq!(
            h.db.deliveries().unwrap(),
            messages.len() as i64,
            "seed {seed}"
        );
    }
}

/// Posts `body` to the app with the given headers; the status.
async fn post(addr: std::net::SocketAddr, headers: &[(&str, String)], body: &[u8]) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "POST /webhooks/clerk HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap()
}

fn signed(secret: &str, id: &str, at: u64, body: &[u8]) -> Vec<(&'static str, String)> {
    let signature = WebhookSecret::new(secret).unwrap().sign(id, at, body);
    vec![
        ("svix-id", id.to_owned()),
        ("svix-timestamp", at.to_string()),
        ("svix-signature", signature),
    ]
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_stale_and_tampered_deliveries_change_nothing() {
    let h = start(None).await;
    let ids = story(&h).await;
    settle(&h).await;
    let rows = h.db.rows().unwrap();
    let applied = h.db.deliveries().unwrap();
    // A real `user.updated` body, as the fake delivered it, to build attacks from.
    let record = h
        .fake
        .webhook_deliveries()
        .into_iter()
        .find(|r| r.event_type() == "user.updated" && r.object_id() == ids[0].as_str())
        .unwrap();
    let mut event: Value = serde_json::from_slice(record.body()).unwrap();
    event["data"]["public_metadata"] = json!({"role": "admin", "plan": "pro"});
    event["data"]["updated_at"] = json!(i64::MAX / 2);
    let forged_body = serde_json::to_vec(&event).unwrap();
    let other_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    // Signed with a secret that is not the endpoint's.
    let forged = signed(other_secret, "msg_forged1", now(), &forged_body);
    assert_eq!(post(h.addr, &forged, &forged_body).await, 401);
    // The right secret, ten minutes ago: a captured delivery replayed too late.
    let stale = signed(&h.secret, "msg_stale1", now() - 600, &forged_body);
    assert_eq!(post(h.addr, &stale, &forged_body).await, 401);
    // Signed over the real body, sent with another.
    let tampered = signed(&h.secret, "msg_tampered1", now(), record.body());
    assert_eq!(post(h.addr, &tampered, &forged_body).await, 401);
    // No signature at all.
    assert_eq!(post(h.addr, &[], &forged_body).await, 400);
    // A real delivery replayed within the tolerance: its ID was applied already.
    let replay = signed(&h.secret, record.message_id(), now(), record.body());
    assert_eq!(post(h.addr, &replay, record.body()).await, 200);

    assert_eq!(h.db.rows().unwrap(), rows);
    assert_eq!(h.db.deliveries().unwrap(), applied);
    assert_eq!(
        h.db.row(ids[0].as_str()).unwrap().unwrap().plan.as_deref(),
        Some("trial")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_sign_up_event_never_overrides_a_plan_set_since() {
    // Deliveries held until settled: billing's plan lands before `user.created` is
    // applied, whose snapshot still asks for a plan.
    let h = start(Some(WebhookChaos {
        shuffle: true,
        duplicate_every: None,
        seed: 1,
    }))
    .await;
    let users = h.app.clerk.users::<AppUser>();
    let grace = users
        .create(
            NewUser::new()
                .email_address("grace@example.com")
                .unsafe_metadata(AppUserUnsafe {
                    requested_plan: Some(Plan::Pro),
                }),
        )
        .await
        .unwrap();
    users
        .update_metadata(
            &grace.profile.id,
            AppUserPatch::<Backend>::new().plan(Some(Plan::Pro)),
        )
        .await
        .unwrap();
    settle(&h).await;
    let stored = h.fake.user(&grace.profile.id).unwrap();
    assert_eq!(
        stored["public_metadata"]["plan"], "pro",
        "billing's plan kept"
    );
    assert_eq!(
        h.db.row(grace.profile.id.as_str())
            .unwrap()
            .unwrap()
            .plan
            .as_deref(),
        Some("pro")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_that_failed_is_applied_by_the_retry() {
    let h = start(None).await;
    // The promotion's write fails once: the app answers 500, records nothing, and
    // Clerk's retry of the same message promotes.
    h.fake.inject_on(
        "PATCH",
        "/metadata",
        clerk_metadata::testing::Fault::status(500),
        1,
    );
    let users = h.app.clerk.users::<AppUser>();
    let ada = users
        .create(
            NewUser::new()
                .email_address("ada@example.com")
                .unsafe_metadata(AppUserUnsafe {
                    requested_plan: Some(Plan::Trial),
                }),
        )
        .await
        .unwrap();
    settle(&h).await;
    let stored = h.fake.user(&ada.profile.id).unwrap();
    assert_eq!(stored["public_metadata"]["plan"], "trial");
    assert_eq!(stored["unsafe_metadata"].get("requested_plan"), None);
    let created: Vec<_> = h
        .fake
        .webhook_deliveries()
        .into_iter()
        .filter(|r| r.event_type() == "user.created")
        .collect();
    assert!(created.len() >= 2, "{created:?}");
    assert!(
        created
            .iter()
            .all(|r| r.message_id() == created[0].message_id())
    );
    assert_eq!(
        h.db.row(ada.profile.id.as_str())
            .unwrap()
            .unwrap()
            .plan
            .as_deref(),
        Some("trial")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_user_stays_deleted_whatever_arrives_later() {
    let h = start(None).await;
    let ids = story(&h).await;
    settle(&h).await;
    // A `user.updated` of the deleted user, newer by its own clock, arriving late.
    let record = h
        .fake
        .webhook_deliveries()
        .into_iter()
        .find(|r| r.event_type() == "user.created" && r.object_id() == ids[2].as_str())
        .unwrap();
    let mut event: Value = serde_json::from_slice(record.body()).unwrap();
    event["type"] = json!("user.updated");
    event["data"]["updated_at"] = json!(i64::MAX / 2);
    let body = serde_json::to_vec(&event).unwrap();
    let late = signed(&h.secret, "msg_late_update1", now(), &body);
    assert_eq!(post(h.addr, &late, &body).await, 204);
    assert!(h.db.row(ids[2].as_str()).unwrap().unwrap().deleted);
}
