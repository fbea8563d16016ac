//! The jobs over every user, measured against `FakeClerk` on loopback:
//!
//! - `audit`: the audit's cost per user over HTTP beside the read path's (the same
//!   pages fetched by a plain reqwest client, each user read by `User::from_json`),
//!   interleaved, median of the per-round ratios; and users per second.
//! - `memory`: the peak resident memory the audit adds over 10,000 and 100,000 users
//!   (the peak is reset after seeding, through `/proc/self/clear_refs`).
//! - `migrate`: 10,000 drifted users migrated under a limit of 1,000 requests per
//!   window, the fake holding the instance to the same limit: the request rate in the
//!   steady state against the limit, and the 429s. The window is 1 s (Clerk's 10 s,
//!   compressed tenfold: the limiter's arithmetic is the same at any scale); `--real`
//!   runs it at 10 s.
//!
//! `cargo bench -p clerk-metadata-tests --bench jobs [-- audit|memory|migrate] [--real]`

use std::time::{Duration, Instant};

use clerk_metadata::jobs::{AuditOptions, ListUsers, Migration, RateLimit};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata::{Backend, User, UserUpdate};
use clerk_metadata_tests::{AppUser, AppUserPatch, Role, loopback_http};
use serde_json::json;
use serde_json::value::RawValue;

const KEY: &str = "sk_test_FakeClerkSecretKeyForTestsOnly0000";

/// A realistic mix: most users fit, one in six drifted somewhere, and every user has
/// keys the schema does not name.
fn seed(fake: &FakeClerk, n: usize) {
    fake.seed_users(n, |i| {
        let role = if i % 6 == 1 { "superuser" } else { "member" };
        json!({
            "first_name": "Ada", "last_name": "Lovelace", "external_id": format!("ext-{i}"),
            "public_metadata": {"role": role, "teams": ["core", "infra"], "legacy": i},
            "private_metadata": {"stripe_customer_id": format!("cus_{i}"), "riskScore": i % 90, "erp": "x"},
            "unsafe_metadata": {"theme": "dark", "notifications": {"email": true, "push": false}},
        })
    })
    .unwrap();
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The baseline: every page by cursor over plain reqwest, each user read strictly.
async fn read_path(fake: &FakeClerk, http: &reqwest::Client) -> usize {
    let mut cursor: Option<String> = None;
    let mut read = 0;
    loop {
        let mut url = format!("{}/v1/users?limit=500", fake.url());
        if let Some(c) = &cursor {
            url.push_str("&starting_after=");
            url.push_str(c);
        }
        let body = http
            .get(url)
            .bearer_auth(KEY)
            .header("clerk-api-version", "2026-05-12")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: Vec<&RawValue> = serde_json::from_slice(&body).unwrap();
        for user in &page {
            let user = User::<AppUser>::from_json(user.get().as_bytes());
            read += usize::from(user.is_ok());
        }
        if page.len() < 500 {
            return read;
        }
        let last: serde_json::Value = serde_json::from_str(page[page.len() - 1].get()).unwrap();
        cursor = last["id"].as_str().map(str::to_owned);
    }
}

async fn audit(n: usize) {
    let fake = FakeClerk::start().unwrap();
    seed(&fake, n);
    let users = fake.client().unwrap().users::<AppUser>();
    let http = loopback_http();
    // Warm up both.
    let report = users
        .audit(ListUsers::new(), AuditOptions::default())
        .await
        .unwrap();
    assert_eq!(report.scanned as usize, n);
    read_path(&fake, &http).await;
    let (mut ratios, mut ours, mut base) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..31 {
        let time_ours = || async {
            let start = Instant::now();
            users
                .audit(ListUsers::new(), AuditOptions::default())
                .await
                .unwrap();
            start.elapsed()
        };
        let time_base = || async {
            let start = Instant::now();
            read_path(&fake, &http).await;
            start.elapsed()
        };
        let (a, b) = if round % 2 == 0 {
            let a = time_ours().await;
            (a, time_base().await)
        } else {
            let b = time_base().await;
            (time_ours().await, b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        ours.push(a.as_secs_f64() * 1e6 / n as f64);
        base.push(b.as_secs_f64() * 1e6 / n as f64);
    }
    let ratio = median(ratios);
    let per_user = median(ours);
    println!(
        "audit over loopback, {n} users: ours {per_user:.2} µs/user ({:.0} users/s), read path + HTTP {:.2} µs/user, ratio {ratio:.2}, budget <= 1.20 {}",
        1e6 / per_user,
        median(base),
        if ratio <= 1.2 { "met" } else { "NOT MET" }
    );
}

/// A field of `/proc/self/status`, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn memory(n: usize) {
    let fake = FakeClerk::start().unwrap();
    seed(&fake, n);
    let users = fake.client().unwrap().users::<AppUser>();
    // Resets VmHWM to the current resident size: the peak from here on is the audit's.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmRSS:");
    let start = Instant::now();
    let report = users
        .audit(ListUsers::new(), AuditOptions::default())
        .await
        .unwrap();
    let elapsed = start.elapsed();
    let peak = status_kib("VmHWM:");
    assert_eq!(report.scanned as usize, n);
    println!(
        "memory, audit of {n} users: resident {before} KiB before (the fake's store included), peak {peak} KiB during, +{} KiB{}; {:.0} users/s",
        peak.saturating_sub(before),
        if reset {
            ""
        } else {
            " (peak not reset: clear_refs refused)"
        },
        n as f64 / elapsed.as_secs_f64()
    );
}

async fn migrate(window: Duration) {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    let n = 10_000;
    let fake = Arc::new(FakeClerk::start().unwrap());
    fake.seed_users(n, |i| {
        json!({"public_metadata": {"role": "superuser", "legacy": i}, "private_metadata": {"riskScore": 1}})
    })
    .unwrap();
    fake.set_instance_limit(1000, window);
    let users = fake.client().unwrap().users::<AppUser>();
    let limit = RateLimit::new(1000, window).unwrap();
    // Sample the requests the fake has received, every twentieth of a window.
    let samples = Arc::new(Mutex::new(Vec::<(f64, usize)>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let sampler = {
        let (fake, samples, done) = (fake.clone(), samples.clone(), done.clone());
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let sample = (start.elapsed().as_secs_f64(), fake.request_count());
                samples.lock().unwrap().push(sample);
                tokio::time::sleep(window / 20).await;
            }
        })
    };
    let report = Migration::new(&users, ListUsers::new(), |_user| {
        Some(
            UserUpdate::<Backend>::new().metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
        )
    })
    .rate_limit(limit)
    .options(clerk_metadata::jobs::MigrateOptions {
        concurrency: 16,
        ..Default::default()
    })
    .run()
    .await
    .unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.await;
    let requests = fake.request_count();
    assert_eq!(report.checkpoint.fixed as usize, n);
    // The steady state: from the end of the first window to a window before the end.
    let w = window.as_secs_f64();
    let samples = samples.lock().unwrap().clone();
    let first = samples.iter().find(|(t, _)| *t >= w).copied();
    let last = samples
        .iter()
        .rev()
        .find(|(t, _)| *t <= elapsed - w)
        .copied();
    let steady = match (first, last) {
        (Some((t1, c1)), Some((t2, c2))) if t2 > t1 => (c2 - c1) as f64 / (t2 - t1) * w / 1000.0,
        _ => f64::NAN,
    };
    println!(
        "migrate, {n} drifted users, limit 1000 per {w} s: {requests} requests in {elapsed:.2} s ({:.1} % of the limit overall), steady state {:.1} % of the limit, {} refused with 429",
        requests as f64 / (elapsed / w) / 10.0,
        steady * 100.0,
        fake.instance_limit_refusals()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args.iter().find(|a| !a.starts_with("--")).cloned();
    let real = args.iter().any(|a| a == "--real");
    let runs = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if runs("audit") {
            audit(10_000).await;
        }
        if runs("memory") {
            memory(10_000).await;
            memory(100_000).await;
        }
        if runs("migrate") {
            migrate(if real {
                Duration::from_secs(10)
            } else {
                Duration::from_secs(1)
            })
            .await;
        }
    });
}
