//! The client per update, over loopback: `Users::update` (through its own hyper
//! client) against hand-written reqwest code that sends the same bytes to the same
//! server and reads the answer the same way (`User::from_json`). The server answers
//! every request at once with the same 2 KB user, so what differs is the client.
//! Then memory: 10,000 sequential updates through one client, resident set size after
//! warm-up and at the end.
//!
//! `cargo bench -p clerk-metadata-tests --bench client`

use std::hint::black_box;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clerk_metadata::client::{Clerk, RetryPolicy, SecretKey};
use clerk_metadata::{ApiVersion, Backend, User, UserId, UserUpdate};
use clerk_metadata_tests::{AppUser, fixture};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use serde::Serialize;

const KEY: &str = "sk_test_BenchmarkKey0000000000000000";
const USER: &str = "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb";
/// Rounds of interleaved measurement, and updates of each kind per round.
const ROUNDS: usize = 60;
const PER_ROUND: usize = 40;

/// A server that answers every request with the fixture user, on its own thread.
fn server() -> SocketAddr {
    let user = Bytes::from(fixture("user.json"));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let user = user.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(
                        move |request: hyper::Request<hyper::body::Incoming>| {
                            let user = user.clone();
                            async move {
                                // Read the whole body, as a server does.
                                let _ = request.into_body().collect().await;
                                let mut response = hyper::Response::new(Full::new(user));
                                response.headers_mut().insert(
                                    hyper::header::CONTENT_TYPE,
                                    hyper::header::HeaderValue::from_static("application/json"),
                                );
                                Ok::<_, std::convert::Infallible>(response)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    addr
}

/// The body a hand-writer serializes.
#[derive(Serialize)]
struct Names<'a> {
    first_name: &'a str,
    last_name: &'a str,
}

/// The hand-written update: the same method, path, headers and body bytes.
async fn hand_written(http: &reqwest::Client, url: &str) -> User<AppUser> {
    let body = serde_json::to_vec(&Names {
        first_name: "John",
        last_name: "Wick",
    })
    .unwrap();
    let response = http
        .patch(url)
        .header(reqwest::header::AUTHORIZATION, format!("Bearer {KEY}"))
        .header("clerk-api-version", ApiVersion::LATEST.as_str())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .timeout(Duration::from_secs(30))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let bytes = response.bytes().await.unwrap();
    User::from_json(&bytes).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[at]
}

fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to read.
    let addr = server();
    let http = clerk_metadata_tests::loopback_http();
    let clerk = Clerk::builder(SecretKey::new(KEY).unwrap())
        .base_url(&format!("http://{addr}"))
        .unwrap()
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let users = clerk.users::<AppUser>();
    let id = UserId::parse(USER).unwrap();
    let url = format!("http://{addr}/v1/users/{USER}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    runtime.block_on(async {
        let ours = || async {
            users
                .update(
                    &id,
                    UserUpdate::<Backend>::new().first_name("John").last_name("Wick"),
                )
                .await
                .unwrap()
        };
        // Both read the same user.
        assert_eq!(ours().await.profile.id, hand_written(&http, &url).await.profile.id);
        for _ in 0..500 {
            black_box(ours().await);
            black_box(hand_written(&http, &url).await);
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let run_ours = async |into: &mut Vec<Duration>| {
                for _ in 0..PER_ROUND {
                    let start = Instant::now();
                    black_box(ours().await);
                    into.push(start.elapsed());
                }
            };
            if round % 2 == 0 {
                run_ours(&mut a).await;
            }
            for _ in 0..PER_ROUND {
                let start = Instant::now();
                black_box(hand_written(&http, &url).await);
                b.push(start.elapsed());
            }
            if round % 2 == 1 {
                run_ours(&mut a).await;
            }
        }
        a.sort_unstable();
        b.sort_unstable();
        let (am, bm) = (percentile(&a, 0.5), percentile(&b, 0.5));
        let (a99, b99) = (percentile(&a, 0.99), percentile(&b, 0.99));
        let ratio = |x: Duration, y: Duration| x.as_secs_f64() / y.as_secs_f64();
        println!("per update over loopback, {} updates each, interleaved:", a.len());
        println!(
            "  median: client {:>7.1} µs  hand-written {:>7.1} µs  ratio {:.2}  (budget <= 1.10)",
            am.as_secs_f64() * 1e6,
            bm.as_secs_f64() * 1e6,
            ratio(am, bm)
        );
        println!(
            "  p99:    client {:>7.1} µs  hand-written {:>7.1} µs  ratio {:.2}  (budget <= 1.25)",
            a99.as_secs_f64() * 1e6,
            b99.as_secs_f64() * 1e6,
            ratio(a99, b99)
        );

        // Memory: 10,000 sequential updates through one client.
        for _ in 0..1_000 {
            black_box(ours().await);
        }
        let warm = resident_kib();
        let mut samples = Vec::new();
        for i in 1..=10_000 {
            black_box(ours().await);
            if i % 2_500 == 0 {
                samples.push(resident_kib());
            }
        }
        println!("resident memory over 10,000 sequential updates (after 1,000 to warm up):");
        println!(
            "  after warm-up {warm} KiB; after 2,500/5,000/7,500/10,000: {samples:?} KiB; growth {} KiB",
            samples.last().copied().unwrap_or(warm) as i64 - warm as i64
        );
    });
}
