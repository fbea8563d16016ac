//! The fake's webhooks: endpoints, the signed deliveries of the events its writes emit,
//! retries on a compressed schedule, the disorder of real deliveries on demand
//! (shuffled, duplicated), and the record of every attempt.
//!
//! Each endpoint has one worker task on the fake's runtime that sends its deliveries
//! one at a time, the due one with the lowest sequence number first: without chaos, in
//! the order the writes were applied. A failed attempt is queued again, due after the
//! schedule's backoff, so retries overtake nothing that is due before them and later
//! messages go first: out of order, as with Clerk.

use core::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use ring::hmac;
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};

use super::api::{Event, splitmix64};
use crate::client::transport::{LoopbackClient, loopback_http_client};

/// The `User-Agent` of deliveries.
const USER_AGENT: &str = concat!(
    "Svix-Webhooks/1.0 (clerk-metadata/",
    env!("CARGO_PKG_VERSION"),
    " FakeClerk)"
);

/// The most of a receiver's answer read (and dropped).
const ANSWER_LIMIT: usize = 64 * 1024;

/// An endpoint registered on the fake with
/// [`add_webhook_endpoint`](super::FakeClerk::add_webhook_endpoint): its ID, its URL and
/// its signing secret.
///
/// `Debug` shows the ID and the URL, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    id: String,
    url: String,
    secret: String,
}

impl WebhookEndpoint {
    /// The endpoint's ID: `ep_` and 27 letters and digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The URL deliveries are posted to, as the fake normalized it
    /// (`http://127.0.0.1:3000/webhooks`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The signing secret, as the Clerk Dashboard shows it (`CLERK_WEBHOOK_SIGNING_SECRET`):
    /// `whsec_` and the base64 of 24 random bytes. Deliveries are signed with the bytes
    /// (Standard Webhooks: `svix-signature: v1,<base64 HMAC-SHA256 of
    /// "{svix-id}.{svix-timestamp}.{body}">`).
    pub fn secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &format_args!("<redacted>"))
            .finish()
    }
}

/// Why [`add_webhook_endpoint`](super::FakeClerk::add_webhook_endpoint) refused a URL.
/// The fake sends nothing off the machine: an endpoint is plain `http://` to a loopback
/// address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookEndpointError {
    /// The text is not an absolute URL.
    NotAUrl,
    /// The scheme is not `http` (the fake posts plain HTTP, on the machine only).
    NotHttp,
    /// The host is not `127.0.0.1` (or another 127.x.y.z), `[::1]` or `localhost`: the
    /// fake sends nothing off the machine.
    NotLoopback,
    /// The URL holds a user name or password.
    Credentials,
}

impl fmt::Display for WebhookEndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WebhookEndpointError::NotAUrl => "the webhook endpoint is not an absolute URL",
            WebhookEndpointError::NotHttp => {
                "the webhook endpoint must be an http:// URL: the fake delivers in plain HTTP, on this machine only"
            }
            WebhookEndpointError::NotLoopback => {
                "the webhook endpoint must be on a loopback address (127.0.0.1, [::1] or localhost): the fake sends nothing off the machine"
            }
            WebhookEndpointError::Credentials => {
                "the webhook endpoint may not hold a user name or password"
            }
        })
    }
}

impl std::error::Error for WebhookEndpointError {}

/// When the fake tries a delivery again: after attempt *n* fails (a status other than
/// 2xx, no answer within `timeout`, or no connection), it waits `backoff[n - 1]` and
/// tries again; after the last, it gives up. The same `svix-id` is sent on every
/// attempt, with a fresh `svix-timestamp` and signature.
///
/// [`Default`] is a compressed schedule for tests: 5 attempts, 10 ms, 50 ms, 200 ms and
/// 500 ms apart, 10 s each (long enough that a receiver on a busy test machine is not
/// taken for a slow one; set a shorter `timeout` to test one).
/// [`WebhookSchedule::clerk`] is Clerk's own (through Svix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookSchedule {
    /// The wait before each retry; as many retries as waits.
    pub backoff: Vec<Duration>,
    /// How long one attempt may take, from connecting to the end of the answer.
    pub timeout: Duration,
}

impl Default for WebhookSchedule {
    fn default() -> Self {
        WebhookSchedule {
            backoff: [10, 50, 200, 500]
                .into_iter()
                .map(Duration::from_millis)
                .collect(),
            timeout: Duration::from_secs(10),
        }
    }
}

impl WebhookSchedule {
    /// Clerk's schedule (Svix's): 8 attempts, the retries after 5 seconds, 5 minutes,
    /// 30 minutes, 2 hours, 5 hours, 10 hours and 10 hours; 15 seconds each.
    pub fn clerk() -> Self {
        const MIN: u64 = 60;
        const HOUR: u64 = 60 * MIN;
        WebhookSchedule {
            backoff: [
                5,
                5 * MIN,
                30 * MIN,
                2 * HOUR,
                5 * HOUR,
                10 * HOUR,
                10 * HOUR,
            ]
            .into_iter()
            .map(Duration::from_secs)
            .collect(),
            timeout: Duration::from_secs(15),
        }
    }

    /// How many times a delivery is attempted at most: one more than the waits.
    pub fn attempts(&self) -> usize {
        self.backoff.len() + 1
    }
}

/// The disorder of real deliveries, on demand and reproducible: Clerk delivers each
/// message at least once, in no guaranteed order. Set it with
/// [`set_webhook_chaos`](super::FakeClerk::set_webhook_chaos); the default is none.
///
/// - `shuffle`: messages are held, and delivered while
///   [`settle_webhooks`](super::FakeClerk::settle_webhooks) runs (those written
///   meanwhile too, a batch at a time), to each endpoint in an order picked with `seed`
///   that is never the order of the writes (when two or more are held).
/// - `duplicate_every: Some(n)`: every `n`-th message (counted from when the chaos was
///   set) is delivered twice to each endpoint, with the same `svix-id` and body
///   ([`DeliveryRecord::copy`] tells them apart). `Some(0)` and `None` duplicate
///   nothing.
///
/// The same seed and the same writes give the same deliveries, in the same order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookChaos {
    /// Hold messages until settled, and deliver them out of order.
    pub shuffle: bool,
    /// Deliver every `n`-th message twice.
    pub duplicate_every: Option<u32>,
    /// The seed of the shuffle.
    pub seed: u64,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// The endpoint answered with this status (2xx is a success).
    Status(u16),
    /// No whole answer within the schedule's timeout.
    Timeout,
    /// No connection could be made, or it broke before the answer.
    ConnectionFailed,
}

impl DeliveryOutcome {
    /// Whether the endpoint took the message (a 2xx answer).
    pub fn is_success(self) -> bool {
        matches!(self, DeliveryOutcome::Status(200..=299))
    }
}

/// One delivery attempt, for assertions.
///
/// `Debug` shows everything but the body (which holds the user's private metadata);
/// [`body`](Self::body) gives it.
#[derive(Clone)]
pub struct DeliveryRecord {
    message_id: String,
    event_type: &'static str,
    object_id: String,
    endpoint_id: String,
    url: String,
    attempt: u32,
    copy: u32,
    timestamp: u64,
    outcome: DeliveryOutcome,
    retry_in: Option<Duration>,
    body: Bytes,
}

impl DeliveryRecord {
    /// The message's ID, sent as `svix-id`: `msg_` and 27 letters and digits, the same
    /// on every attempt and every endpoint.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// The event's type: `user.created`, `user.updated`, `user.deleted`,
    /// `organization.updated`, `organizationMembership.created`,
    /// `organizationMembership.updated`, `organizationInvitation.created` or
    /// `organizationInvitation.accepted`.
    pub fn event_type(&self) -> &'static str {
        self.event_type
    }

    /// The ID of the object the event is about: the user's (`user_…`) for a `user.*`
    /// event, the organization's, the membership's (`orgmem_…`) or the invitation's
    /// for the others.
    pub fn object_id(&self) -> &str {
        &self.object_id
    }

    /// The endpoint's ID.
    pub fn endpoint_id(&self) -> &str {
        &self.endpoint_id
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The attempt's number, from 1.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// 0 for a message's delivery, 1 for the second delivery of a message that
    /// [`WebhookChaos::duplicate_every`] duplicated (each with its own attempts).
    pub fn copy(&self) -> u32 {
        self.copy
    }

    /// The attempt's `svix-timestamp`: Unix seconds when it was sent.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// How the attempt ended.
    pub fn outcome(&self) -> DeliveryOutcome {
        self.outcome
    }

    /// When the attempt failed and another follows, the wait before it.
    pub fn retry_in(&self) -> Option<Duration> {
        self.retry_in
    }

    /// The body posted: the event, as JSON.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

impl fmt::Debug for DeliveryRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryRecord")
            .field("message_id", &self.message_id)
            .field("event_type", &self.event_type)
            .field("object_id", &self.object_id)
            .field("endpoint_id", &self.endpoint_id)
            .field("url", &self.url)
            .field("attempt", &self.attempt)
            .field("copy", &self.copy)
            .field("timestamp", &self.timestamp)
            .field("outcome", &self.outcome)
            .field("retry_in", &self.retry_in)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// The webhooks of one fake, shared by its handle, its server and its workers.
pub(crate) struct Hub {
    state: Mutex<State>,
    /// How many deliveries are not finished (queued, held or in flight).
    outstanding: watch::Sender<usize>,
    /// The fake's runtime, where workers run.
    runtime: OnceLock<tokio::runtime::Handle>,
    instance_id: String,
    http: LoopbackClient,
}

struct State {
    endpoints: Vec<Endpoint>,
    schedule: Arc<WebhookSchedule>,
    chaos: WebhookChaos,
    /// The shuffle's random state.
    rng: u64,
    /// Events emitted since the chaos was set.
    events: u64,
    /// The next delivery's sequence number.
    seq: u64,
    outstanding: usize,
    records: Vec<DeliveryRecord>,
}

struct Endpoint {
    public: WebhookEndpoint,
    uri: http::Uri,
    key: hmac::Key,
    queue: Vec<Delivery>,
    /// Deliveries held for the shuffle.
    held: Vec<Delivery>,
    wake: Arc<Notify>,
    /// Whether its worker is running.
    working: bool,
}

/// A message: one event, the same body for every endpoint.
struct Message {
    id: String,
    event_type: &'static str,
    object_id: String,
    body: Bytes,
    schedule: Arc<WebhookSchedule>,
}

/// A message on its way to one endpoint.
struct Delivery {
    message: Arc<Message>,
    copy: u32,
    /// The number of its next attempt.
    attempt: u32,
    due: Instant,
    seq: u64,
}

/// An attempt a worker makes.
struct Job {
    delivery: Delivery,
    uri: http::Uri,
    key: hmac::Key,
    endpoint_id: String,
    url: String,
}

/// What a worker does next.
enum Next {
    Send(Box<Job>),
    Wait(Duration),
    Stop,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Unix seconds now.
fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `N` random bytes from the system; if it has none to give, bytes derived from the
/// time and a counter (the secrets are for tests).
fn random<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; N];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let mut state = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ^ SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64);
        for chunk in bytes.chunks_mut(8) {
            let n = splitmix64(&mut state).to_le_bytes();
            chunk.copy_from_slice(&n[..chunk.len()]);
        }
    }
    bytes
}

/// `prefix` and 27 random letters and digits, as Clerk's and Svix's IDs look.
fn random_id(prefix: &str) -> String {
    const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut id = String::with_capacity(prefix.len() + 27);
    id.push_str(prefix);
    // 248 is the largest multiple of 62 in a byte: no bias.
    let mut bytes = random::<64>().into_iter().filter(|b| *b < 248);
    while id.len() < prefix.len() + 27 {
        let byte = bytes.next().unwrap_or_else(|| random::<1>()[0] % 62);
        id.push(char::from(BASE62[usize::from(byte % 62)]));
    }
    id
}

/// The signature of one attempt: base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`.
fn sign(key: &hmac::Key, id: &str, timestamp: u64, body: &[u8]) -> String {
    use base64::Engine;
    let mut context = hmac::Context::with_key(key);
    context.update(id.as_bytes());
    context.update(b".");
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    base64::engine::general_purpose::STANDARD.encode(context.sign().as_ref())
}

/// The URL of an endpoint, normalized, and its URI, if it is plain HTTP to a loopback
/// address.
fn loopback_url(url: &str) -> Result<(String, http::Uri), WebhookEndpointError> {
    let parsed = url::Url::parse(url).map_err(|_| WebhookEndpointError::NotAUrl)?;
    if parsed.scheme() != "http" {
        return Err(WebhookEndpointError::NotHttp);
    }
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        // The client's resolver takes `localhost` to 127.0.0.1 without asking DNS.
        Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if !loopback {
        return Err(WebhookEndpointError::NotLoopback);
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(WebhookEndpointError::Credentials);
    }
    // A fragment is never sent.
    let url = &parsed[..url::Position::AfterQuery];
    let uri = http::Uri::try_from(url).map_err(|_| WebhookEndpointError::NotAUrl)?;
    Ok((url.to_owned(), uri))
}

impl Hub {
    pub(crate) fn new() -> Hub {
        Hub {
            state: Mutex::new(State {
                endpoints: Vec::new(),
                schedule: Arc::new(WebhookSchedule::default()),
                chaos: WebhookChaos::default(),
                rng: 0,
                events: 0,
                seq: 0,
                outstanding: 0,
                records: Vec::new(),
            }),
            outstanding: watch::Sender::new(0),
            runtime: OnceLock::new(),
            instance_id: random_id("ins_"),
            http: loopback_http_client(),
        }
    }

    /// Gives the hub the runtime its workers run on (the fake's).
    pub(crate) fn set_runtime(&self, runtime: tokio::runtime::Handle) {
        let _ = self.runtime.set(runtime);
    }

    /// The fake's runtime, once its server started.
    pub(crate) fn runtime(&self) -> Option<&tokio::runtime::Handle> {
        self.runtime.get()
    }

    pub(crate) fn instance_id(&self) -> &str {
        &self.instance_id
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn add_endpoint(&self, url: &str) -> Result<WebhookEndpoint, WebhookEndpointError> {
        use base64::Engine;
        let (url, uri) = loopback_url(url)?;
        let secret = random::<24>();
        let public = WebhookEndpoint {
            id: random_id("ep_"),
            url,
            secret: format!(
                "whsec_{}",
                base64::engine::general_purpose::STANDARD.encode(secret)
            ),
        };
        self.state().endpoints.push(Endpoint {
            public: public.clone(),
            uri,
            key: hmac::Key::new(hmac::HMAC_SHA256, &secret),
            queue: Vec::new(),
            held: Vec::new(),
            wake: Arc::new(Notify::new()),
            working: false,
        });
        Ok(public)
    }

    pub(crate) fn remove_endpoint(&self, id: &str) -> bool {
        let mut state = self.state();
        let Some(at) = state.endpoints.iter().position(|e| e.public.id == id) else {
            return false;
        };
        let endpoint = state.endpoints.remove(at);
        // Its worker finds it gone and stops; an attempt in flight is finished there.
        endpoint.wake.notify_one();
        state.outstanding -= endpoint.queue.len() + endpoint.held.len();
        self.outstanding.send_replace(state.outstanding);
        true
    }

    pub(crate) fn endpoints(&self) -> Vec<WebhookEndpoint> {
        self.state()
            .endpoints
            .iter()
            .map(|e| e.public.clone())
            .collect()
    }

    pub(crate) fn set_schedule(&self, schedule: WebhookSchedule) {
        self.state().schedule = Arc::new(schedule);
    }

    pub(crate) fn set_chaos(self: &Arc<Self>, chaos: WebhookChaos) {
        let mut state = self.state();
        state.chaos = chaos;
        state.rng = chaos.seed;
        state.events = 0;
        if !chaos.shuffle {
            self.release(&mut state, false);
        }
    }

    pub(crate) fn records(&self) -> Vec<DeliveryRecord> {
        self.state().records.clone()
    }

    /// Delivers `event` to every endpoint: queued (or held, for the shuffle), never
    /// waited for. `user_agent` is the write's, for `event_attributes`.
    pub(crate) fn publish(self: &Arc<Self>, event: Event, user_agent: &str) {
        let mut state = self.state();
        state.events += 1;
        if state.endpoints.is_empty() {
            return;
        }
        let copies = match state.chaos.duplicate_every {
            Some(n) if n > 0 && state.events.is_multiple_of(u64::from(n)) => 2,
            _ => 1,
        };
        let envelope = json!({
            "data": Value::Object(event.data),
            "event_attributes": {
                "http_request": {"client_ip": "127.0.0.1", "user_agent": user_agent},
            },
            "instance_id": self.instance_id,
            "object": "event",
            "timestamp": event.at_ms,
            "type": event.kind.as_str(),
        });
        let message = Arc::new(Message {
            id: random_id("msg_"),
            event_type: event.kind.as_str(),
            object_id: event.object_id,
            body: Bytes::from(serde_json::to_vec(&envelope).unwrap_or_default()),
            schedule: state.schedule.clone(),
        });
        let now = Instant::now();
        let shuffle = state.chaos.shuffle;
        let State {
            endpoints,
            seq,
            outstanding,
            ..
        } = &mut *state;
        for endpoint in endpoints.iter_mut() {
            for copy in 0..copies {
                let delivery = Delivery {
                    message: message.clone(),
                    copy,
                    attempt: 1,
                    due: now,
                    seq: *seq,
                };
                *seq += 1;
                *outstanding += 1;
                if shuffle {
                    endpoint.held.push(delivery);
                } else {
                    endpoint.queue.push(delivery);
                }
            }
            if !shuffle {
                self.wake(endpoint);
            }
        }
        self.outstanding.send_replace(state.outstanding);
    }

    /// Starts the endpoint's worker, or wakes it for a delivery due sooner.
    fn wake(self: &Arc<Self>, endpoint: &mut Endpoint) {
        if endpoint.working {
            endpoint.wake.notify_one();
            return;
        }
        let Some(runtime) = self.runtime.get() else {
            return;
        };
        endpoint.working = true;
        let hub = self.clone();
        let id = endpoint.public.id.clone();
        let wake = endpoint.wake.clone();
        runtime.spawn(async move { hub.work(id, wake).await });
    }

    /// Queues every held delivery, due now: to each endpoint in a shuffled order that
    /// is not the writes' (if `shuffle`), else in the writes' order.
    fn release(self: &Arc<Self>, state: &mut State, shuffle: bool) {
        let now = Instant::now();
        let State {
            endpoints,
            rng,
            seq,
            ..
        } = state;
        for endpoint in endpoints.iter_mut() {
            if endpoint.held.is_empty() {
                continue;
            }
            let mut held = std::mem::take(&mut endpoint.held);
            if shuffle {
                for i in (1..held.len()).rev() {
                    let j = (splitmix64(rng) % (i as u64 + 1)) as usize;
                    held.swap(i, j);
                }
                if held.windows(2).all(|w| w[0].seq < w[1].seq) {
                    held.rotate_left(1);
                }
            }
            for mut delivery in held {
                delivery.due = now;
                delivery.seq = *seq;
                *seq += 1;
                endpoint.queue.push(delivery);
            }
            self.wake(endpoint);
        }
    }

    /// Waits until no delivery is left, or `timeout` passes (on the fake's own clock),
    /// after releasing held deliveries. Whether every delivery finished.
    pub(crate) fn settle(
        self: &Arc<Self>,
        timeout: Duration,
    ) -> tokio::sync::oneshot::Receiver<bool> {
        let (done, settled) = tokio::sync::oneshot::channel();
        let mut outstanding = self.outstanding.subscribe();
        let this = Arc::clone(self);
        if let Some(runtime) = self.runtime.get() {
            runtime.spawn(async move {
                // Messages written while settling (a receiver that writes back, say) are
                // held too, and released on the next turn.
                let idle = tokio::time::timeout(timeout, async {
                    loop {
                        {
                            let mut state = this.state();
                            let shuffle = state.chaos.shuffle;
                            this.release(&mut state, shuffle);
                        }
                        if *outstanding.borrow_and_update() == 0 {
                            return;
                        }
                        let turn = Duration::from_millis(5);
                        let _ = tokio::time::timeout(turn, outstanding.changed()).await;
                    }
                })
                .await;
                let _ = done.send(idle.is_ok());
            });
        }
        settled
    }

    /// An endpoint's worker: sends its due deliveries one at a time until none is
    /// left (or the endpoint is removed).
    async fn work(self: Arc<Self>, endpoint: String, wake: Arc<Notify>) {
        loop {
            match self.next(&endpoint) {
                Next::Stop => return,
                Next::Wait(wait) => {
                    let _ = tokio::time::timeout(wait, wake.notified()).await;
                }
                Next::Send(job) => {
                    let (timestamp, outcome) = self.attempt(&job).await;
                    self.finish(*job, timestamp, outcome);
                }
            }
        }
    }

    fn next(&self, endpoint: &str) -> Next {
        let mut state = self.state();
        let Some(endpoint) = state.endpoints.iter_mut().find(|e| e.public.id == endpoint) else {
            return Next::Stop;
        };
        let Some((at, due)) = endpoint
            .queue
            .iter()
            .enumerate()
            .min_by_key(|(_, d)| (d.due, d.seq))
            .map(|(at, d)| (at, d.due))
        else {
            endpoint.working = false;
            return Next::Stop;
        };
        let now = Instant::now();
        if due > now {
            return Next::Wait(due - now);
        }
        let delivery = endpoint.queue.swap_remove(at);
        Next::Send(Box::new(Job {
            delivery,
            uri: endpoint.uri.clone(),
            key: endpoint.key.clone(),
            endpoint_id: endpoint.public.id.clone(),
            url: endpoint.public.url.clone(),
        }))
    }

    /// One attempt: the signed POST, and how it ended.
    async fn attempt(&self, job: &Job) -> (u64, DeliveryOutcome) {
        let message = &job.delivery.message;
        let timestamp = unix_now();
        let signature = sign(&job.key, &message.id, timestamp, &message.body);
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(job.uri.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, USER_AGENT)
            .header("svix-id", message.id.as_str())
            .header("svix-timestamp", timestamp.to_string())
            .header("svix-signature", format!("v1,{signature}"))
            .body(Full::new(message.body.clone()));
        let Ok(request) = request else {
            return (timestamp, DeliveryOutcome::ConnectionFailed);
        };
        let sent = async {
            let response = self.http.request(request).await.ok()?;
            let status = response.status().as_u16();
            // The answer is read (up to a limit) so the connection can be reused.
            let _ = Limited::new(response.into_body(), ANSWER_LIMIT)
                .collect()
                .await;
            Some(status)
        };
        let outcome = match tokio::time::timeout(message.schedule.timeout, sent).await {
            Ok(Some(status)) => DeliveryOutcome::Status(status),
            Ok(None) => DeliveryOutcome::ConnectionFailed,
            Err(_) => DeliveryOutcome::Timeout,
        };
        (timestamp, outcome)
    }

    /// Records an attempt, and queues the next one if it failed and the schedule has
    /// one left.
    fn finish(self: &Arc<Self>, job: Job, timestamp: u64, outcome: DeliveryOutcome) {
        let Job {
            delivery,
            endpoint_id,
            url,
            ..
        } = job;
        let message = delivery.message.clone();
        let mut state = self.state();
        let present = state.endpoints.iter().any(|e| e.public.id == endpoint_id);
        let attempt = delivery.attempt;
        let retry_in = (!outcome.is_success() && present)
            .then(|| {
                usize::try_from(attempt - 1)
                    .ok()
                    .and_then(|n| message.schedule.backoff.get(n).copied())
            })
            .flatten();
        tracing::debug!(
            target: "clerk_metadata::testing",
            message_id = %message.id,
            event_type = message.event_type,
            endpoint = %endpoint_id,
            attempt,
            outcome = ?outcome,
            retry_in_ms = retry_in.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
            "webhook delivery"
        );
        state.records.push(DeliveryRecord {
            message_id: message.id.clone(),
            event_type: message.event_type,
            object_id: message.object_id.clone(),
            endpoint_id: endpoint_id.clone(),
            url,
            attempt,
            copy: delivery.copy,
            timestamp,
            outcome,
            retry_in,
            body: message.body.clone(),
        });
        match retry_in {
            Some(wait) => {
                let seq = state.seq;
                state.seq += 1;
                if let Some(endpoint) = state
                    .endpoints
                    .iter_mut()
                    .find(|e| e.public.id == endpoint_id)
                {
                    endpoint.queue.push(Delivery {
                        attempt: attempt + 1,
                        // A backoff too long to add is as good as never.
                        due: Instant::now().checked_add(wait).unwrap_or_else(far_future),
                        seq,
                        ..delivery
                    });
                }
            }
            // Finished: delivered, out of attempts, or its endpoint removed (which
            // counted off only what was queued, not this one in flight).
            None => {
                state.outstanding -= 1;
                self.outstanding.send_replace(state.outstanding);
            }
        }
    }
}

/// A moment no test reaches: about thirty years from now.
fn far_future() -> Instant {
    let now = Instant::now();
    [30 * 365 * 24 * 3600, 24 * 3600, 1]
        .into_iter()
        .find_map(|secs| now.checked_add(Duration::from_secs(secs)))
        .unwrap_or(now)
}
