//! `FakeClerk` delivers webhooks as Clerk does, over real HTTP on 127.0.0.1: each test
//! runs its own receiver (an axum server), checks every signature with HMAC-SHA256
//! computed here with `ring` (not through the fake's code), and waits for deliveries with
//! `settle_webhooks`, never a sleep.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clerk_metadata::testing::{
    DeliveryOutcome, FakeClerk, WebhookChaos, WebhookEndpoint, WebhookEndpointError,
    WebhookSchedule,
};
use clerk_metadata::{ApiVersion, Backend, NewUser, UserId, UserUpdate};
use clerk_metadata_tests::spec::{Api, Spec, validate};
use clerk_metadata_tests::{
    AppUser, AppUserPatch, AppUserPrivate, AppUserPublic, Role, fixture, loopback_http,
};
use serde_json::{Value, json};
use tokio::sync::Notify;

/// The longest a test waits for deliveries to end; they take well under a second.
const SETTLE: Duration = Duration::from_secs(30);

/// The fake's secret key (the fake's own client sends it).
const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

/// A private metadata value that must show in no `Debug`.
const PRIVATE: &str = "cus_SecretStripeRef";

/// What the receiver answers to one delivery.
enum Plan {
    Status(u16),
    /// Never answer.
    Hang,
    /// Answer 200 once the test says so.
    Hold(Arc<Notify>),
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    content_type: String,
    user_agent: String,
    body: Vec<u8>,
}

impl Received {
    fn event(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook route on 127.0.0.1: records what it gets, answers as planned (200 once
/// the plan is spent).
#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    plan: Arc<Mutex<VecDeque<Plan>>>,
    url: String,
}

impl Receiver {
    async fn start(plan: Vec<Plan>) -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let receiver = Receiver {
            url: format!("http://{}/api/webhooks", listener.local_addr().unwrap()),
            plan: Arc::new(Mutex::new(plan.into())),
            ..Receiver::default()
        };
        let app = axum::Router::new()
            .route("/api/webhooks", axum::routing::post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        receiver
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    receiver.got.lock().unwrap().push(Received {
        id: header("svix-id"),
        timestamp: header("svix-timestamp"),
        signature: header("svix-signature"),
        content_type: header("content-type"),
        user_agent: header("user-agent"),
        body: body.to_vec(),
    });
    let plan = receiver.plan.lock().unwrap().pop_front();
    match plan {
        None => StatusCode::OK,
        Some(Plan::Status(status)) => StatusCode::from_u16(status).unwrap(),
        Some(Plan::Hang) => std::future::pending().await,
        Some(Plan::Hold(gate)) => {
            gate.notified().await;
            StatusCode::OK
        }
    }
}

/// Whether `received` carries a Standard Webhooks signature of its ID, timestamp and
/// body with `secret`: computed here, with `ring`, from the secret's text.
fn signed_with(secret: &str, received: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    assert_eq!(key.len(), 24, "a secret is 24 bytes");
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let mut signed = format!("{}.{}.", received.id, received.timestamp).into_bytes();
    signed.extend_from_slice(&received.body);
    let Some(signature) = received.signature.strip_prefix("v1,") else {
        return false;
    };
    let Ok(signature) = STANDARD.decode(signature) else {
        return false;
    };
    ring::hmac::verify(&key, &signed, &signature).is_ok()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Every request the fake received conforms to Clerk's spec for its version.
fn assert_conforms(fake: &FakeClerk) {
    for request in fake.requests() {
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

fn new_user(email: &str) -> NewUser<AppUser> {
    NewUser::new()
        .email_address(email)
        .username("ada_l")
        .first_name("Ada")
        .password("correct horse battery staple")
        .public_metadata(AppUserPublic {
            role: Role::Member,
            teams: vec![],
        })
        .private_metadata(AppUserPrivate {
            stripe_customer_id: Some(PRIVATE.to_owned()),
            risk_score: 3,
        })
}

/// A quick schedule whose timeout no receiver on a busy machine reaches, so each
/// delivery is attempted exactly as the test plans.
fn patient() -> WebhookSchedule {
    WebhookSchedule {
        backoff: vec![Duration::from_millis(10), Duration::from_millis(50)],
        timeout: Duration::from_secs(60),
    }
}

/// A fake, a receiver and its endpoint, with `schedule`.
async fn setup(
    plan: Vec<Plan>,
    schedule: WebhookSchedule,
) -> (FakeClerk, Receiver, WebhookEndpoint) {
    let fake = FakeClerk::start().unwrap();
    fake.set_webhook_schedule(schedule);
    let receiver = Receiver::start(plan).await;
    let endpoint = fake.add_webhook_endpoint(&receiver.url).unwrap();
    (fake, receiver, endpoint)
}

#[tokio::test]
async fn a_created_user_reaches_the_receiver_signed() {
    let (fake, receiver, endpoint) = setup(vec![], patient()).await;
    let users = fake.client().unwrap().users::<AppUser>();
    let user = users.create(new_user("ada@example.com")).await.unwrap();
    let id = user.profile.id.clone();
    assert!(fake.settle_webhooks(SETTLE).await);

    let got = receiver.got();
    assert_eq!(got.len(), 1, "{got:?}");
    let delivery = &got[0];
    assert!(signed_with(endpoint.secret(), delivery));
    // The check can fail: another secret, or a body changed on the way, does not pass.
    let other = format!("whsec_{}", STANDARD.encode([7u8; 24]));
    assert!(!signed_with(&other, delivery));
    let mut tampered = delivery.clone();
    tampered.body[0] = b' ';
    assert!(!signed_with(endpoint.secret(), &tampered));

    assert!(
        delivery.id.starts_with("msg_") && delivery.id.len() == 31,
        "{}",
        delivery.id
    );
    assert!(delivery.id[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
    let sent_at: i64 = delivery.timestamp.parse().unwrap();
    assert!((sent_at - unix_now()).abs() < 600, "{sent_at}");
    assert_eq!(delivery.content_type, "application/json");
    assert!(delivery.user_agent.starts_with("Svix-Webhooks/"));

    let event = delivery.event();
    assert_eq!(event["type"], "user.created");
    assert_eq!(event["object"], "event");
    assert_eq!(event["instance_id"], fake.instance_id());
    assert!(fake.instance_id().starts_with("ins_"));
    assert!(event["timestamp"].as_i64().unwrap() / 1000 - unix_now() < 600);
    let request = &event["event_attributes"]["http_request"];
    assert_eq!(request["client_ip"], "127.0.0.1");
    assert!(
        request["user_agent"]
            .as_str()
            .unwrap()
            .starts_with("clerk-metadata/")
    );
    // The user as `GET /v1/users/{id}` answers it, with its private metadata (the
    // backend's webhook route is trusted with it), and no password.
    assert_eq!(event["data"], fake.user(&id).unwrap());
    assert_eq!(
        event["data"]["private_metadata"]["stripe_customer_id"],
        PRIVATE
    );
    assert_eq!(event["data"]["password_enabled"], true);
    assert!(!String::from_utf8_lossy(&delivery.body).contains("correct horse"));
    for version in ApiVersion::ALL {
        let schema = Spec::load(Api::Backend, version).component("User");
        let problems = validate(&schema, &event["data"]);
        assert!(problems.is_empty(), "{version}: {problems:?}");
    }
    assert_eq!(
        event.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "data",
            "event_attributes",
            "instance_id",
            "object",
            "timestamp",
            "type"
        ]
    );

    let records = fake.webhook_deliveries();
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record.message_id(), delivery.id);
    assert_eq!(record.event_type(), "user.created");
    assert_eq!(record.object_id(), id.as_str());
    assert_eq!(record.endpoint_id(), endpoint.id());
    assert_eq!(record.url(), receiver.url);
    assert_eq!((record.attempt(), record.copy()), (1, 0));
    assert_eq!(record.timestamp().to_string(), delivery.timestamp);
    assert_eq!(record.outcome(), DeliveryOutcome::Status(200));
    assert!(record.outcome().is_success() && record.retry_in().is_none());
    assert_eq!(record.body(), &delivery.body[..]);
    assert_conforms(&fake);
}

#[tokio::test]
async fn each_write_delivers_its_event_to_every_endpoint_in_order() {
    let fake = FakeClerk::start().unwrap();
    fake.set_webhook_schedule(patient());
    let first = Receiver::start(vec![]).await;
    let second = Receiver::start(vec![]).await;
    let one = fake.add_webhook_endpoint(&first.url).unwrap();
    let two = fake.add_webhook_endpoint(&second.url).unwrap();
    assert_eq!(fake.webhook_endpoints(), [one.clone(), two.clone()]);

    // Seeding is the state before the test: it sends nothing.
    let user: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
    let seeded = fake.insert_user(user).unwrap();
    let blank = fake.create_user();
    fake.add_email_address(&blank, "seed@example.com").unwrap();
    assert!(fake.settle_webhooks(SETTLE).await);
    assert!(first.got().is_empty() && fake.webhook_deliveries().is_empty());

    let users = fake.client().unwrap().users::<AppUser>();
    let mut expected = Vec::new();
    let id = users
        .create(new_user("ada@example.com"))
        .await
        .unwrap()
        .profile
        .id;
    expected.push(("user.created", fake.user(&id).unwrap()));
    users
        .update(&id, UserUpdate::<Backend>::new().first_name("Augusta"))
        .await
        .unwrap();
    expected.push(("user.updated", fake.user(&id).unwrap()));
    users
        .update_metadata(&id, AppUserPatch::<Backend>::new().role(Role::Admin))
        .await
        .unwrap();
    expected.push(("user.updated", fake.user(&id).unwrap()));
    let mut replaced = users.get(&seeded).await.unwrap().public_metadata;
    replaced.value_mut().teams = vec!["platform".to_owned()];
    users
        .update(
            &seeded,
            UserUpdate::<Backend>::new().replace_public(replaced),
        )
        .await
        .unwrap();
    expected.push(("user.updated", fake.user(&seeded).unwrap()));
    let deleted = loopback_http()
        .delete(format!("{}/v1/users/{id}", fake.url()))
        .header("authorization", format!("Bearer {KEY}"))
        .header("clerk-api-version", ApiVersion::LATEST.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    expected.push((
        "user.deleted",
        json!({"deleted": true, "id": id.as_str(), "object": "user"}),
    ));
    // A refused write sends nothing.
    let refused = users
        .update(
            &seeded,
            UserUpdate::<Backend>::new().primary_email_address_id("idn_none"),
        )
        .await;
    assert!(refused.is_err());
    assert!(fake.settle_webhooks(SETTLE).await);

    for (receiver, endpoint) in [(&first, &one), (&second, &two)] {
        let got = receiver.got();
        let seen: Vec<(String, Value)> = got
            .iter()
            .map(|r| {
                assert!(signed_with(endpoint.secret(), r));
                let event = r.event();
                (
                    event["type"].as_str().unwrap().to_owned(),
                    event["data"].clone(),
                )
            })
            .collect();
        let expected: Vec<(String, Value)> = expected
            .iter()
            .map(|(kind, data)| ((*kind).to_owned(), data.clone()))
            .collect();
        assert_eq!(seen, expected);
    }
    // One message per write, the same ID at every endpoint; each endpoint's signature
    // is its own.
    let (a, b) = (first.got(), second.got());
    let ids: Vec<&str> = a.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, b.iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 5);
    assert!(a.iter().zip(&b).all(|(x, y)| x.signature != y.signature));
    assert!(!signed_with(one.secret(), &b[0]));
    let deleted_object = Spec::load(Api::Backend, ApiVersion::LATEST).component("DeletedObject");
    assert!(validate(&deleted_object, &a[4].event()["data"]).is_empty());
    assert_eq!(fake.webhook_deliveries().len(), 10);
    assert_conforms(&fake);
}

// Svix retries a delivery that did not get a 2xx with the same message ID; the
// timestamp and signature are the attempt's own. The backoff is a second here so the
// two attempts' timestamps (whole seconds) differ.
#[tokio::test]
async fn a_500_is_retried_with_the_same_id_and_a_fresh_signature() {
    let schedule = WebhookSchedule {
        backoff: vec![Duration::from_secs(1), Duration::from_secs(1)],
        timeout: Duration::from_secs(10),
    };
    let (fake, receiver, endpoint) = setup(vec![Plan::Status(500)], schedule).await;
    let users = fake.client().unwrap().users::<AppUser>();
    let id = users
        .create(new_user("ada@example.com"))
        .await
        .unwrap()
        .profile
        .id;
    assert!(fake.settle_webhooks(SETTLE).await);

    let got = receiver.got();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].id, got[1].id);
    assert_eq!(got[0].body, got[1].body);
    assert!(got[1].timestamp.parse::<u64>().unwrap() > got[0].timestamp.parse::<u64>().unwrap());
    assert_ne!(got[0].signature, got[1].signature);
    assert!(got.iter().all(|r| signed_with(endpoint.secret(), r)));
    let records = fake.webhook_deliveries();
    let summary: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.attempt(),
                r.outcome(),
                r.retry_in(),
                r.message_id() == got[0].id,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                1,
                DeliveryOutcome::Status(500),
                Some(Duration::from_secs(1)),
                true
            ),
            (2, DeliveryOutcome::Status(200), None, true),
        ]
    );
    assert!(records.iter().all(|r| r.object_id() == id.as_str()));
}

#[tokio::test]
async fn a_receiver_that_does_not_answer_in_time_is_retried() {
    // The first attempt is never answered; a later one on a busy machine may be slow
    // too, so there are attempts to spare.
    let schedule = WebhookSchedule {
        backoff: vec![Duration::from_secs(1); 4],
        timeout: Duration::from_millis(300),
    };
    let (fake, receiver, endpoint) = setup(vec![Plan::Hang], schedule).await;
    let users = fake.client().unwrap().users::<AppUser>();
    users.create(new_user("ada@example.com")).await.unwrap();
    assert!(fake.settle_webhooks(SETTLE).await);

    let got = receiver.got();
    assert!(got.len() >= 2, "{got:?}");
    assert!(got.iter().all(|r| r.id == got[0].id));
    assert_ne!(got[0].signature, got[1].signature);
    assert!(got.iter().all(|r| signed_with(endpoint.secret(), r)));
    let records = fake.webhook_deliveries();
    let (last, earlier) = records.split_last().unwrap();
    assert_eq!(earlier[0].outcome(), DeliveryOutcome::Timeout);
    assert!(
        earlier
            .iter()
            .all(|r| r.outcome() == DeliveryOutcome::Timeout)
    );
    assert_eq!(last.outcome(), DeliveryOutcome::Status(200));
    assert_eq!(last.attempt() as usize, records.len());
}

// Settling blocks a thread that runs no receiver; the writes go through a runtime of
// their own.
#[test]
fn an_unreachable_endpoint_is_tried_until_the_schedule_ends_and_a_removed_one_no_more() {
    let fake = FakeClerk::start().unwrap();
    fake.set_webhook_schedule(WebhookSchedule {
        backoff: vec![Duration::from_millis(10), Duration::from_millis(20)],
        timeout: Duration::from_secs(5),
    });
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let endpoint = fake.add_webhook_endpoint(&url).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    let id = runtime
        .block_on(users.create(new_user("ada@example.com")))
        .unwrap()
        .profile
        .id;
    assert!(fake.settle_webhooks_blocking(SETTLE));
    let records: Vec<_> = fake
        .webhook_deliveries()
        .iter()
        .map(|r| (r.attempt(), r.outcome(), r.retry_in()))
        .collect();
    assert_eq!(
        records,
        [
            (
                1,
                DeliveryOutcome::ConnectionFailed,
                Some(Duration::from_millis(10))
            ),
            (
                2,
                DeliveryOutcome::ConnectionFailed,
                Some(Duration::from_millis(20))
            ),
            (3, DeliveryOutcome::ConnectionFailed, None),
        ]
    );

    assert!(fake.remove_webhook_endpoint(endpoint.id()));
    assert!(!fake.remove_webhook_endpoint(endpoint.id()));
    assert!(fake.webhook_endpoints().is_empty());
    runtime
        .block_on(users.update(&id, UserUpdate::<Backend>::new().last_name("Lovelace")))
        .unwrap();
    assert!(fake.settle_webhooks_blocking(SETTLE));
    assert_eq!(fake.webhook_deliveries().len(), 3);
}

#[tokio::test]
async fn the_api_answers_without_waiting_for_deliveries() {
    let gate = Arc::new(Notify::new());
    let schedule = WebhookSchedule {
        backoff: vec![],
        timeout: Duration::from_secs(120),
    };
    let (fake, receiver, _) = setup(vec![Plan::Hold(gate.clone())], schedule).await;
    let users = fake.client().unwrap().users::<AppUser>();
    // The create is answered while its delivery is held by the receiver.
    users.create(new_user("ada@example.com")).await.unwrap();
    for _ in 0..3000 {
        if !receiver.got().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(receiver.got().len(), 1);
    assert!(
        fake.webhook_deliveries().is_empty(),
        "the attempt is in flight"
    );
    gate.notify_one();
    assert!(fake.settle_webhooks(SETTLE).await);
    assert_eq!(
        fake.webhook_deliveries()[0].outcome(),
        DeliveryOutcome::Status(200)
    );
}

/// Creates a user named `w1`, renames it `w2`, `w3`, `w4` under `chaos`, and returns
/// the names the receiver saw, in order, with the message IDs.
async fn chaotic_run(chaos: WebhookChaos) -> Vec<(String, String)> {
    let (fake, receiver, endpoint) = setup(vec![], patient()).await;
    fake.set_webhook_chaos(chaos);
    let users = fake.client().unwrap().users::<AppUser>();
    let id: UserId = users
        .create(new_user("ada@example.com").first_name("w1"))
        .await
        .unwrap()
        .profile
        .id;
    for name in ["w2", "w3", "w4"] {
        users
            .update(&id, UserUpdate::<Backend>::new().first_name(name))
            .await
            .unwrap();
    }
    if chaos.shuffle {
        // Held until settled.
        assert!(receiver.got().is_empty() && fake.webhook_deliveries().is_empty());
    }
    assert!(fake.settle_webhooks(SETTLE).await);
    let got = receiver.got();
    assert!(got.iter().all(|r| signed_with(endpoint.secret(), r)));
    // A duplicate is the same message: the same ID and body; the record tells the
    // copies apart.
    let records = fake.webhook_deliveries();
    assert_eq!(records.len(), got.len());
    for (record, received) in records.iter().zip(&got) {
        assert_eq!(record.message_id(), received.id);
        let twice = got.iter().filter(|r| r.id == received.id).count();
        assert!(
            got.iter()
                .filter(|r| r.id == received.id)
                .all(|r| r.body == received.body)
        );
        assert!(record.copy() < twice as u32);
    }
    got.iter()
        .map(|r| {
            let name = r.event()["data"]["first_name"].as_str().unwrap().to_owned();
            (name, r.id.clone())
        })
        .collect()
}

fn names(run: &[(String, String)]) -> Vec<&str> {
    run.iter().map(|(name, _)| name.as_str()).collect()
}

#[tokio::test]
async fn shuffle_and_duplicates_are_reproducible_with_a_seed() {
    // Duplicates alone: every second message twice, in the writes' order.
    let run = chaotic_run(WebhookChaos {
        duplicate_every: Some(2),
        ..WebhookChaos::default()
    })
    .await;
    assert_eq!(names(&run), ["w1", "w2", "w2", "w3", "w4", "w4"]);
    assert_eq!(run[1].1, run[2].1);
    assert_eq!(run[4].1, run[5].1);
    assert_ne!(run[0].1, run[1].1);

    let chaos = |seed| WebhookChaos {
        shuffle: true,
        duplicate_every: Some(2),
        seed,
    };
    let run = chaotic_run(chaos(7)).await;
    let mut sorted = names(&run);
    assert_ne!(sorted, ["w1", "w2", "w2", "w3", "w4", "w4"], "out of order");
    sorted.sort_unstable();
    assert_eq!(sorted, ["w1", "w2", "w2", "w3", "w4", "w4"]);
    // The same seed, the same order (the IDs are new each run).
    let again = chaotic_run(chaos(7)).await;
    assert_eq!(names(&again), names(&run));
    // Other seeds, other orders.
    let mut orders = vec![names(&run).join(",")];
    for seed in 1..=4 {
        orders.push(names(&chaotic_run(chaos(seed)).await).join(","));
    }
    orders.sort_unstable();
    orders.dedup();
    assert!(orders.len() > 1, "{orders:?}");
}

#[test]
fn only_http_endpoints_on_this_machine_are_taken() {
    let fake = FakeClerk::start().unwrap();
    for (url, error) in [
        (
            "http://example.com/api/webhooks",
            WebhookEndpointError::NotLoopback,
        ),
        (
            "http://10.0.0.1/api/webhooks",
            WebhookEndpointError::NotLoopback,
        ),
        ("http://0.0.0.0:3000/", WebhookEndpointError::NotLoopback),
        (
            "http://[::ffff:127.0.0.1]:3000/",
            WebhookEndpointError::NotLoopback,
        ),
        (
            "http://localhost.example.com/",
            WebhookEndpointError::NotLoopback,
        ),
        (
            "http://127.0.0.1.nip.io/",
            WebhookEndpointError::NotLoopback,
        ),
        ("https://127.0.0.1:3000/", WebhookEndpointError::NotHttp),
        ("ftp://127.0.0.1/", WebhookEndpointError::NotHttp),
        (
            "http://user:pass@127.0.0.1:3000/",
            WebhookEndpointError::Credentials,
        ),
        ("127.0.0.1:3000/api/webhooks", WebhookEndpointError::NotAUrl),
        ("/api/webhooks", WebhookEndpointError::NotAUrl),
        ("not a url", WebhookEndpointError::NotAUrl),
    ] {
        assert_eq!(fake.add_webhook_endpoint(url), Err(error), "{url}");
        assert!(!error.to_string().is_empty());
    }
    assert!(fake.webhook_endpoints().is_empty());
    let mut taken = Vec::new();
    for url in [
        "http://127.0.0.1:3000/api/webhooks?source=clerk",
        "http://127.9.9.9:3000/",
        "http://localhost:3000/api/webhooks",
        "http://LOCALHOST:3000/",
        "http://[::1]:3000/api/webhooks",
    ] {
        taken.push(fake.add_webhook_endpoint(url).unwrap());
    }
    assert_eq!(
        taken[0].url(),
        "http://127.0.0.1:3000/api/webhooks?source=clerk"
    );
    assert_eq!(taken[3].url(), "http://localhost:3000/");
    assert_eq!(fake.webhook_endpoints(), taken);
    for endpoint in &taken {
        assert!(endpoint.id().starts_with("ep_") && endpoint.id().len() == 30);
        let secret = endpoint.secret().strip_prefix("whsec_").unwrap();
        assert_eq!(STANDARD.decode(secret).unwrap().len(), 24);
        assert!(!format!("{endpoint:?}").contains(secret));
    }
    assert_ne!(taken[0].secret(), taken[1].secret());
    assert_ne!(taken[0].id(), taken[1].id());
}

#[tokio::test]
async fn records_and_endpoints_show_no_secret_in_debug() {
    let (fake, receiver, endpoint) = setup(vec![Plan::Status(503)], patient()).await;
    let users = fake.client().unwrap().users::<AppUser>();
    users.create(new_user("ada@example.com")).await.unwrap();
    assert!(fake.settle_webhooks(SETTLE).await);
    let records = fake.webhook_deliveries();
    assert_eq!(records.len(), 2);
    // The body has the private value (the check below could fail) …
    assert!(String::from_utf8_lossy(records[0].body()).contains(PRIVATE));
    // … and no Debug shows it, the secret or a signature.
    let secret = endpoint.secret().strip_prefix("whsec_").unwrap();
    let shown = format!(
        "{records:?} {endpoint:?} {:?} {fake:?}",
        fake.webhook_endpoints()
    );
    assert!(!shown.contains(PRIVATE), "{shown}");
    assert!(!shown.contains(secret), "{shown}");
    for received in receiver.got() {
        let signature = received.signature.strip_prefix("v1,").unwrap();
        assert!(!shown.contains(signature), "{shown}");
    }
    assert!(shown.contains(records[0].message_id()) && shown.contains("bytes"));
}

/// A backoff too long to add to the clock is a retry that never comes, not a panic of
/// the endpoint's worker: the fake goes on delivering to its other endpoints.
#[test]
fn a_backoff_too_long_for_the_clock_never_retries_and_never_panics() {
    let fake = FakeClerk::start().unwrap();
    fake.set_webhook_schedule(WebhookSchedule {
        backoff: vec![Duration::MAX],
        timeout: Duration::from_secs(5),
    });
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let endpoint = fake.add_webhook_endpoint(&url).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let users = fake.client().unwrap().users::<AppUser>();
    runtime
        .block_on(users.create(new_user("ada@example.com")))
        .unwrap();
    // The retry is due in decades: not settled within a moment.
    assert!(!fake.settle_webhooks_blocking(Duration::from_millis(300)));
    let records = fake.webhook_deliveries();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome(), DeliveryOutcome::ConnectionFailed);
    // Removing the endpoint drops the retry; the fake settles.
    assert!(fake.remove_webhook_endpoint(endpoint.id()));
    assert!(fake.settle_webhooks_blocking(SETTLE));
}
