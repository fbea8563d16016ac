//! Session verification with a cached key against *ring*, the crate it is built on,
//! called directly with the same key and the same checks (the three base64url parts,
//! `alg` RS256, the RS256 signature, exp/nbf with 5 s leeway, `exp` and `sub`
//! required, `iat` not in the future, `sub` a user ID, `azp` one of the authorized
//! parties), measured interleaved; jsonwebtoken with the same checks beside them, for
//! reference; then the documented route end to end on loopback (axum + verification +
//! client + FakeClerk): requests per second, p50 and p99, and the share of each part.
//!
//! `cargo bench -p clerk-metadata-tests --bench session`

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_metadata::axum::SignedIn;
use clerk_metadata::client::{Clerk, Error};
use clerk_metadata::session::{SessionClaims, SessionVerifier};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{Backend, FrontendUser, UserId, UserUpdate};
use clerk_metadata_tests::{AppUser, fixture};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::json;

const ORIGIN: &str = "http://127.0.0.1:3000";

/// What a hand-writer would decode into.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Claims {
    sub: String,
    sid: Option<String>,
    azp: Option<String>,
    iat: i64,
    exp: i64,
    nbf: Option<i64>,
}

/// jsonwebtoken called directly, with the same key and the same checks.
fn direct(token: &str, key: &DecodingKey, validation: &Validation) -> Claims {
    let claims = jsonwebtoken::decode::<Claims>(token, key, validation)
        .unwrap()
        .claims;
    let now = jsonwebtoken::get_current_timestamp() as i64;
    assert!(claims.iat <= now + 5);
    assert!(UserId::parse(&claims.sub).is_ok());
    assert_eq!(claims.azp.as_deref(), Some(ORIGIN));
    claims
}

/// The header members a hand-writer reads.
#[derive(Deserialize)]
#[allow(dead_code)]
struct Header<'a> {
    alg: &'a str,
    kid: Option<&'a str>,
}

/// *ring* called directly: the parts, the header's `alg`, the signature, then the same
/// claim checks.
fn ring_direct(token: &str, key: &ring::signature::RsaPublicKeyComponents<Vec<u8>>) -> Claims {
    let (signed, signature) = token.rsplit_once('.').unwrap();
    let (header, payload) = signed.split_once('.').unwrap();
    assert!(!payload.contains('.'));
    let header = URL_SAFE_NO_PAD.decode(header).unwrap();
    let header: Header = serde_json::from_slice(&header).unwrap();
    assert_eq!(header.alg, "RS256");
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    key.verify(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        signed.as_bytes(),
        &signature,
    )
    .unwrap();
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let now = jsonwebtoken::get_current_timestamp() as i64;
    assert!(claims.exp >= now - 5);
    assert!(claims.nbf.is_none_or(|nbf| nbf <= now + 5));
    assert!(claims.iat <= now + 5);
    assert!(UserId::parse(&claims.sub).is_ok());
    assert_eq!(claims.azp.as_deref(), Some(ORIGIN));
    claims
}

/// The modulus and exponent of the instance's 2048-bit PEM key (SPKI): the PKCS#1 key
/// is its last 270 bytes, the modulus 256 of them after a 9-byte header.
fn components(pem: &str) -> ring::signature::RsaPublicKeyComponents<Vec<u8>> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let spki = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let pkcs1 = &spki[spki.len() - 270..];
    ring::signature::RsaPublicKeyComponents {
        n: pkcs1[9..265].to_vec(),
        e: pkcs1[267..].to_vec(),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
    sessions: SessionVerifier,
}

async fn update_user(
    State(app): State<App>,
    user: SignedIn,
) -> Result<FrontendUser<AppUser>, Error> {
    let update = UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick");
    Ok(app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, update)
        .await?
        .into())
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = FakeClerk::start_with_limit(usize::MAX, Duration::from_secs(10)).unwrap();
    fake.set_authorized_party(ORIGIN);
    let user = fake
        .insert_user(serde_json::from_slice(&fixture("user.json")).unwrap())
        .unwrap();
    let token = fake
        .session_token_with(
            &user,
            json!({"exp": jsonwebtoken::get_current_timestamp() + 3600}),
        )
        .unwrap();
    let pem = fake.jwt_public_key_pem();
    let key = DecodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    let ring_key = components(&pem);
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 5;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "sub"]);
    let clerk = fake.client().unwrap();
    let verifier = SessionVerifier::with_jwks(clerk.clone())
        .authorized_parties([ORIGIN])
        .build();

    runtime.block_on(async {
        // 1. Verification, interleaved: batches of 200 of each, 41 rounds, in turn
        // first, second and third.
        let ours = verifier.verify::<()>(&token).await.unwrap(); // fetches and caches the key
        assert_eq!(ours.sub.as_str(), direct(&token, &key, &validation).sub);
        assert_eq!(ours.sub.as_str(), ring_direct(&token, &ring_key).sub);
        let batch = 200;
        let (mut ratios, mut jwt_ratios) = (Vec::new(), Vec::new());
        let (mut a_us, mut b_us, mut c_us) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..41 {
            let time_ours = async || {
                let start = Instant::now();
                for _ in 0..batch {
                    let claims: SessionClaims = verifier.verify(black_box(&token)).await.unwrap();
                    black_box(claims);
                }
                start.elapsed()
            };
            let time_ring = || {
                let start = Instant::now();
                for _ in 0..batch {
                    black_box(ring_direct(black_box(&token), &ring_key));
                }
                start.elapsed()
            };
            let time_jwt = || {
                let start = Instant::now();
                for _ in 0..batch {
                    black_box(direct(black_box(&token), &key, &validation));
                }
                start.elapsed()
            };
            let (a, b, c) = match round % 3 {
                0 => {
                    let a = time_ours().await;
                    let b = time_ring();
                    (a, b, time_jwt())
                }
                1 => {
                    let b = time_ring();
                    let c = time_jwt();
                    (time_ours().await, b, c)
                }
                _ => {
                    let c = time_jwt();
                    let a = time_ours().await;
                    (a, time_ring(), c)
                }
            };
            ratios.push(a.as_secs_f64() / b.as_secs_f64());
            jwt_ratios.push(a.as_secs_f64() / c.as_secs_f64());
            a_us.push(a.as_secs_f64() * 1e6 / batch as f64);
            b_us.push(b.as_secs_f64() * 1e6 / batch as f64);
            c_us.push(c.as_secs_f64() * 1e6 / batch as f64);
        }
        println!("verify with a cached key, 41 rounds of {batch}, interleaved:");
        println!(
            "  clerk-metadata {:.1} µs  ring directly {:.1} µs  ratio {:.3}  (budget <= 1.10)",
            median(a_us),
            median(b_us),
            median(ratios)
        );
        println!(
            "  for reference: jsonwebtoken (rust_crypto) directly {:.1} µs  ratio {:.3}",
            median(c_us),
            median(jwt_ratios)
        );

        // 2. The documented route end to end.
        let app = Router::new()
            .route("/api/update-user", post(update_user))
            .with_state(App { clerk: clerk.clone(), sessions: verifier.clone() });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/update-user", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let http = clerk_metadata_tests::loopback_http();
        let call = async || {
            let response = http.post(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap()
        };
        for _ in 0..300 {
            black_box(call().await);
        }
        let requests = 3_000;
        let mut latencies = Vec::with_capacity(requests);
        let start = Instant::now();
        for _ in 0..requests {
            let t = Instant::now();
            black_box(call().await);
            latencies.push(t.elapsed());
        }
        let total = start.elapsed();
        latencies.sort_unstable();
        // The parts, each alone: the client's update against the fake, and the
        // verification.
        let users = clerk.users::<AppUser>();
        let t = Instant::now();
        for _ in 0..1_000 {
            let update = UserUpdate::<Backend>::new().first_name("John").last_name("Wick");
            black_box(users.update(&user, update).await.unwrap());
        }
        let client_part = t.elapsed() / 1_000;
        let t = Instant::now();
        for _ in 0..1_000 {
            black_box(verifier.verify::<()>(&token).await.unwrap());
        }
        let verify_part = t.elapsed() / 1_000;
        let p50 = percentile(&latencies, 0.5);
        let p99 = percentile(&latencies, 0.99);
        let share = |part: Duration| 100.0 * part.as_secs_f64() / p50.as_secs_f64();
        println!("POST /api/update-user end to end on loopback, {requests} sequential requests:");
        println!(
            "  {:.0} requests/s  p50 {:.0} µs  p99 {:.0} µs",
            requests as f64 / total.as_secs_f64(),
            p50.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6
        );
        println!(
            "  of the p50: verification {:.0} µs ({:.0} %), the client's update against FakeClerk {:.0} µs ({:.0} %), the rest (the browser's HTTP request, axum, the answer) {:.0} %",
            verify_part.as_secs_f64() * 1e6,
            share(verify_part),
            client_part.as_secs_f64() * 1e6,
            share(client_part),
            (100.0 - share(verify_part) - share(client_part)).max(0.0)
        );
    });
}
