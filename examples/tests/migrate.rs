//! The migration example's run, killed halfway and resumed from its checkpoint file:
//! afterwards every user reads strictly, every key the schema does not name survived
//! with its value, and no user was written twice.

use std::collections::HashMap;
use std::time::Duration;

use clerk_metadata::User;
use clerk_metadata::jobs::RateLimit;
use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::migrate::{Subscriber, drift_of, migrate, read_checkpoint, seed};
use serde_json::Value;

/// The keys the schema names, and the old key the migration renames.
const NAMED: [&str; 5] = ["plan", "seats", "support", "theme", "subscription"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_migration_killed_halfway_resumes_and_leaves_every_user_strict_and_every_key() {
    let n = 2400;
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, n).unwrap();
    let before: HashMap<String, Value> = ids
        .iter()
        .map(|id| (id.as_str().to_owned(), fake.user(id).unwrap()))
        .collect();
    let dir = std::env::temp_dir().join(format!("clerk-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("checkpoint.json");
    let _ = std::fs::remove_file(&file);
    // The client's limiter, which the migration draws from.
    let limit = RateLimit::new(5000, Duration::from_secs(1)).unwrap();
    let users = fake
        .client_builder()
        .rate_limit(limit)
        .build()
        .unwrap()
        .users::<Subscriber>();

    // Kill the run (abort its task) once half the users are checkpointed.
    let (halfway, reached) = tokio::sync::oneshot::channel();
    let mut halfway = Some(halfway);
    let task = {
        let users = users.clone();
        let file = file.clone();
        tokio::spawn(async move {
            migrate(&users, false, None, &file, move |p| {
                if p.checkpoint.scanned >= (n / 2) as u64
                    && let Some(halfway) = halfway.take()
                {
                    let _ = halfway.send(());
                }
            })
            .await
        })
    };
    reached.await.unwrap();
    task.abort();
    let _ = task.await;
    let checkpoint = read_checkpoint(&file).unwrap();
    assert!(checkpoint.scanned >= (n / 2) as u64 && checkpoint.scanned < n as u64);
    assert!(!checkpoint.cursor.is_done());

    let report = migrate(&users, false, Some(checkpoint), &file, |_| {})
        .await
        .unwrap();
    let c = &report.checkpoint;
    assert_eq!(c.scanned, n as u64);
    assert_eq!(c.failed, 0, "{:?}", report.failures);
    assert_eq!(c.fixed + c.fitting, n as u64);
    assert!(read_checkpoint(&file).unwrap().cursor.is_done());

    for (id, old) in &before {
        let now = fake.user(&id.parse().unwrap()).unwrap();
        let bytes = now.to_string().into_bytes();
        User::<Subscriber>::from_json(&bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
        let lenient = User::<Subscriber>::from_json_lenient(&bytes).unwrap();
        assert!(lenient.problems().is_empty(), "{id}");
        for tier in ["public_metadata", "private_metadata", "unsafe_metadata"] {
            for (key, value) in old[tier].as_object().unwrap() {
                if !NAMED.contains(&key.as_str()) {
                    assert_eq!(&now[tier][key], value, "{id} lost {tier}.{key}");
                }
            }
        }
        // The renamed key moved, with its value.
        if let Some(old_plan) = old["public_metadata"].get("subscription") {
            assert_eq!(&now["public_metadata"]["plan"], old_plan);
            assert!(now["public_metadata"].get("subscription").is_none());
        }
    }
    // Every drifted user got exactly one write (each fix is one request), the others none.
    let mut writes: HashMap<String, usize> = HashMap::new();
    for request in fake.requests() {
        if request.method() != "GET" {
            let id = request.path().split('/').nth(3).unwrap().to_owned();
            *writes.entry(id).or_default() += 1;
        }
    }
    let drifted = (0..n).filter(|i| drift_of(*i) != 0).count();
    assert_eq!(writes.len(), drifted);
    assert!(writes.values().all(|w| *w == 1), "a user was written twice");
    let _ = std::fs::remove_dir_all(&dir);
}
