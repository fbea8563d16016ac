//! The migration job against `FakeClerk` over real HTTP: drifted users fixed by a typed
//! rewrite (merge patches and replaces built from the read tier), every unknown key
//! kept in the fake's store, no write for users that fit, a dry run that writes
//! nothing, a run killed halfway and resumed that neither skips nor rewrites a user,
//! per-user failures that do not stop the walk, and the instance's limit kept.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clerk_metadata::client::Error;
use clerk_metadata::jobs::{
    Checkpoint, ListUsers, MigrateOptions, Migration, Progress, RateLimit, repair_tier,
};
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{Backend, LenientUser, User, UserId, UserUpdate};
use clerk_metadata_tests::{AppUser, AppUserPatch, AppUserPrivate, AppUserPublic, Role, Theme};
use serde_json::{Value, json};

/// The keys the schema names, and the old key the migration renames.
const NAMED: [&str; 7] = [
    "role",
    "teams",
    "stripe_customer_id",
    "riskScore",
    "theme",
    "notifications",
    "userRole",
];

/// 300 users: a third fit, the others drifted in one way each, every one with keys
/// the schema does not name, in every tier.
fn seed(fake: &FakeClerk, n: usize) -> Vec<UserId> {
    fake.seed_users(n, |i| {
        let public = match i % 6 {
            // A removed enum variant.
            1 => json!({"role": "superuser", "legacy": i}),
            // A renamed field.
            2 => json!({"userRole": "member", "legacy": i, "nested": {"keep": [1, 2]}}),
            _ => json!({"role": "member", "legacy": i}),
        };
        let private = match i % 6 {
            // A number stored as a string.
            3 => json!({"riskScore": format!("{}", i % 90), "erp_id": format!("erp-{i}")}),
            _ => json!({"riskScore": i % 90, "erp_id": format!("erp-{i}")}),
        };
        let unsafe_ = match i % 6 {
            // Junk a browser wrote.
            4 => json!({"theme": 42, "draft": "x"}),
            _ => json!({"theme": "dark", "draft": "x"}),
        };
        json!({"public_metadata": public, "private_metadata": private, "unsafe_metadata": unsafe_})
    })
    .unwrap()
}

fn drifted(n: usize) -> usize {
    (0..n).filter(|i| (1..=4).contains(&(i % 6))).count()
}

/// The app's rewrite: a merge patch for a removed variant and for unsafe junk, a
/// replace built from the read tier for a rename and a retyped number.
fn rewrite(user: &LenientUser<AppUser>) -> Option<UserUpdate<Backend>> {
    let mut update = UserUpdate::<Backend>::new();
    let mut patch = AppUserPatch::<Backend>::new();
    let mut patched = false;
    if let Some(drift) = user.public_metadata.drift() {
        if drift.problem().path() == "public_metadata.role" {
            patch = patch.role(Role::Admin);
            patched = true;
        } else {
            let fixed = repair_tier::<AppUserPublic>(drift, |tier| {
                if let Some(old) = tier.remove("userRole") {
                    tier.insert("role".to_owned(), old);
                }
            })
            .ok()?;
            update = update.replace_public(fixed);
        }
    }
    if let Some(drift) = user.private_metadata.drift() {
        let fixed = repair_tier::<AppUserPrivate>(drift, |tier| {
            if let Some(Value::String(score)) = tier.get("riskScore") {
                let score: u32 = score.parse().unwrap_or(0);
                tier.insert("riskScore".to_owned(), json!(score));
            }
        })
        .ok()?;
        update = update.replace_private(fixed);
    }
    if user.unsafe_metadata.drift().is_some() {
        patch = patch.theme(Theme::System);
        patched = true;
    }
    if patched {
        update = update.metadata(patch);
    }
    Some(update)
}

/// A limit the tests do not wait on (the fake's instance limit is off unless set).
fn fast() -> RateLimit {
    RateLimit::new(5000, Duration::from_secs(1)).unwrap()
}

fn snapshot(fake: &FakeClerk, ids: &[UserId]) -> HashMap<String, Value> {
    ids.iter()
        .map(|id| (id.as_str().to_owned(), fake.user(id).unwrap()))
        .collect()
}

/// Every user reads strictly, fits in every tier, and kept every key the schema does
/// not name, with its value.
fn assert_fixed_and_kept(fake: &FakeClerk, before: &HashMap<String, Value>) {
    for (id, old) in before {
        let now = fake.user(&UserId::parse(id).unwrap()).unwrap();
        let bytes = now.to_string().into_bytes();
        User::<AppUser>::from_json(&bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
        let lenient = User::<AppUser>::from_json_lenient(&bytes).unwrap();
        assert!(
            lenient.problems().is_empty(),
            "{id}: {:?}",
            lenient.problems()
        );
        for tier in ["public_metadata", "private_metadata", "unsafe_metadata"] {
            for (key, value) in old[tier].as_object().unwrap() {
                if !NAMED.contains(&key.as_str()) {
                    assert_eq!(&now[tier][key], value, "{id} lost {tier}.{key}");
                }
            }
        }
    }
}

/// The writes the fake received, by user.
fn writes_by_user(fake: &FakeClerk) -> HashMap<String, usize> {
    let mut writes = HashMap::new();
    for request in fake.requests() {
        if request.method() != "GET" {
            let id = request.path().split('/').nth(3).unwrap().to_owned();
            *writes.entry(id).or_default() += 1;
        }
    }
    writes
}

/// The requests one user's update sends.
fn requests_of(user: &Value) -> usize {
    let lenient = User::<AppUser>::from_json_lenient(user.to_string().as_bytes()).unwrap();
    let update = rewrite(&lenient).unwrap();
    update
        .build(&lenient.profile.id, clerk_metadata::ApiVersion::LATEST)
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_migration_fixes_every_drifted_user_keeps_every_key_and_leaves_the_others() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 300);
    let before = snapshot(&fake, &ids);
    let users = fake.client().unwrap().users::<AppUser>();
    let pages = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let seen = pages.clone();
    let report = Migration::new(&users, ListUsers::new().page_size(50), rewrite)
        .rate_limit(fast())
        .on_progress(move |p| seen.lock().unwrap().push(p.clone()))
        .run()
        .await
        .unwrap();
    let c = &report.checkpoint;
    assert_eq!(c.scanned, 300);
    assert_eq!(c.fixed as usize, drifted(300));
    assert_eq!(c.fitting as usize, 300 - drifted(300));
    assert_eq!((c.left, c.failed), (0, 0));
    assert!(c.cursor.is_done());
    assert!(report.failures.is_empty());
    assert_fixed_and_kept(&fake, &before);
    // Writes went to drifted users only, each update once.
    let writes = writes_by_user(&fake);
    assert_eq!(writes.len(), drifted(300));
    for (id, n) in &writes {
        assert_eq!(*n, requests_of(&before[id]), "{id}");
    }
    // Progress after each page (six full ones and the empty one that ends the walk),
    // with the total and an ETA.
    let pages = pages.lock().unwrap().clone();
    assert_eq!(pages.len(), 7);
    assert_eq!(pages[0].checkpoint.scanned, 50);
    assert_eq!(pages[0].total, Some(300));
    assert!(pages[0].eta.is_some());
    assert!(!pages[5].checkpoint.cursor.is_done());
    assert_eq!(pages[6].checkpoint, report.checkpoint);
    // A second run finds nothing to do and writes nothing.
    let before_requests = fake.requests().len();
    let again = Migration::new(&users, ListUsers::new(), rewrite)
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
    assert_eq!(again.checkpoint.fixed, 0);
    assert_eq!(again.checkpoint.fitting, 300);
    assert!(
        fake.requests()[before_requests..]
            .iter()
            .all(|r| r.method() == "GET")
    );
}

#[tokio::test]
async fn a_dry_run_sends_no_write_and_says_what_it_would_send() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 60);
    let before = snapshot(&fake, &ids);
    let users = fake.client().unwrap().users::<AppUser>();
    let report = Migration::new(&users, ListUsers::new(), rewrite)
        .options(MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        })
        .run()
        .await
        .unwrap();
    assert!(fake.requests().iter().all(|r| r.method() == "GET"));
    assert_eq!(snapshot(&fake, &ids), before);
    assert_eq!(report.planned.len(), drifted(60));
    assert_eq!(report.checkpoint.fixed as usize, drifted(60));
    let renamed = report
        .planned
        .iter()
        .find(|p| p.user_id == ids[2].as_str())
        .unwrap();
    assert_eq!(
        renamed.requests,
        [(
            "PUT".to_owned(),
            format!("/v1/users/{}/metadata", ids[2].as_str()),
            vec!["public_metadata".to_owned()]
        )]
    );
    // No value in what the report shows.
    let shown = format!("{:?}", report.planned);
    assert!(
        !shown.contains("erp-") && !shown.contains("legacy"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_run_killed_halfway_resumes_from_its_checkpoint_without_skipping_or_rewriting() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 300);
    let before = snapshot(&fake, &ids);
    let users = fake.client().unwrap().users::<AppUser>();
    let stored: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let store = stored.clone();
    let (halfway, killed) = tokio::sync::oneshot::channel::<()>();
    let mut halfway = Some(halfway);
    let run = Migration::new(&users, ListUsers::new().page_size(40), rewrite)
        .rate_limit(fast())
        .on_progress(move |p| {
            *store.lock().unwrap() = Some(serde_json::to_string(&p.checkpoint).unwrap());
            if p.checkpoint.scanned >= 120
                && let Some(halfway) = halfway.take()
            {
                let _ = halfway.send(());
            }
        })
        .run();
    // The task is aborted once three pages are done (the fourth may be under way).
    let task = tokio::spawn(run);
    killed.await.unwrap();
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    let checkpoint: Checkpoint =
        serde_json::from_str(stored.lock().unwrap().as_deref().unwrap()).unwrap();
    assert!(checkpoint.scanned >= 120 && checkpoint.scanned < 300);
    assert!(!checkpoint.cursor.is_done());
    let report = Migration::new(&users, ListUsers::new().page_size(40), rewrite)
        .resume(checkpoint.clone())
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
    let c = &report.checkpoint;
    assert_eq!(c.scanned, 300);
    assert_eq!(c.failed, 0);
    // Users fixed on the killed page count as fitting on the resumed run.
    assert_eq!((c.fixed + c.fitting) as usize, 300);
    assert!(c.fixed >= checkpoint.fixed);
    assert_fixed_and_kept(&fake, &before);
    // No user was written twice, and every drifted user was written.
    let writes = writes_by_user(&fake);
    assert_eq!(writes.len(), drifted(300));
    for (id, n) in &writes {
        assert_eq!(*n, requests_of(&before[id]), "{id}");
    }
}

#[tokio::test]
async fn failures_are_kept_per_user_and_the_walk_goes_on() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 30);
    let users = fake.client().unwrap().users::<AppUser>();
    fake.inject_on("PUT", "/metadata", Fault::status(422), 1);
    // A rewrite that makes one update invalid: nothing is sent for it.
    let broken = ids[4].clone();
    let report = Migration::new(&users, ListUsers::new().page_size(7), move |user| {
        if user.profile.id == broken {
            return Some(
                UserUpdate::new()
                    .metadata(AppUserPatch::<Backend>::new().teams(vec!["x".repeat(9000)])),
            );
        }
        rewrite(user)
    })
    .options(MigrateOptions {
        concurrency: 1,
        ..MigrateOptions::default()
    })
    .rate_limit(fast())
    .run()
    .await
    .unwrap();
    let c = &report.checkpoint;
    assert_eq!(c.scanned, 30);
    assert_eq!(c.failed, 2);
    assert_eq!(c.fixed as usize, drifted(30) - 2);
    let mut statuses: Vec<Option<u16>> = report.failures.iter().map(|f| f.error.status()).collect();
    statuses.sort();
    assert_eq!(statuses, [None, Some(422)]);
    let invalid = report
        .failures
        .iter()
        .find(|f| matches!(f.error, Error::Invalid(_)))
        .unwrap();
    assert_eq!(invalid.user_id.as_ref(), Some(&ids[4]));
    assert!(
        !fake
            .requests()
            .iter()
            .any(|r| r.method() != "GET" && r.path().contains(ids[4].as_str()))
    );
}

#[tokio::test]
async fn the_job_stays_under_the_instance_limit_and_backs_off_on_429() {
    let window = Duration::from_millis(500);
    // Under its own limit: no 429 at all.
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 120);
    let before = snapshot(&fake, &ids);
    // Half again the job's limit: room for the scheduling jitter of a loaded machine.
    fake.set_instance_limit(60, window);
    let users = fake.client().unwrap().users::<AppUser>();
    let report = Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .rate_limit(RateLimit::new(40, window).unwrap())
        .run()
        .await
        .unwrap();
    assert_eq!(report.checkpoint.fixed as usize, drifted(120));
    assert_eq!(fake.instance_limit_refusals(), 0);
    assert_fixed_and_kept(&fake, &before);
    // With a limit above the instance's: 429s, waited out as Clerk's Retry-After
    // says, and every user fixed all the same.
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 60);
    let before = snapshot(&fake, &ids);
    fake.set_instance_limit(15, window);
    let users = fake.client().unwrap().users::<AppUser>();
    let report = Migration::new(&users, ListUsers::new(), rewrite)
        .rate_limit(RateLimit::new(1000, window).unwrap())
        .run()
        .await
        .unwrap();
    assert!(fake.instance_limit_refusals() > 0);
    assert_eq!(report.checkpoint.failed, 0, "{:?}", report.failures);
    assert_eq!(report.checkpoint.fixed as usize, drifted(60));
    assert_fixed_and_kept(&fake, &before);
}

/// The checkpoint after the first page of a run.
fn first_checkpoint() -> (Arc<Mutex<Option<Checkpoint>>>, impl FnMut(&Progress) + Send) {
    let stored: Arc<Mutex<Option<Checkpoint>>> = Arc::new(Mutex::new(None));
    let store = stored.clone();
    let keep = move |p: &Progress| {
        store
            .lock()
            .unwrap()
            .get_or_insert_with(|| p.checkpoint.clone());
    };
    (stored, keep)
}

#[tokio::test]
async fn a_run_that_writes_refuses_a_dry_runs_checkpoint_and_another_querys() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 60);
    let before = snapshot(&fake, &ids);
    let users = fake.client().unwrap().users::<AppUser>();
    let (stored, keep) = first_checkpoint();
    Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .options(MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        })
        .rate_limit(fast())
        .on_progress(keep)
        .run()
        .await
        .unwrap();
    let checkpoint = stored.lock().unwrap().clone().unwrap();
    assert!(checkpoint.dry_run);
    // Stored and read back, it still says so.
    let checkpoint: Checkpoint =
        serde_json::from_str(&serde_json::to_string(&checkpoint).unwrap()).unwrap();
    assert!(checkpoint.dry_run);
    let requests = fake.request_count();
    let stopped = Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .resume(checkpoint.clone())
        .rate_limit(fast())
        .run()
        .await
        .unwrap_err();
    let Error::Invalid(errors) = &stopped.error else {
        panic!("{:?}", stopped.error);
    };
    let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(codes, [clerk_metadata::codes::CHECKPOINT_FROM_DRY_RUN]);
    assert_eq!(fake.request_count(), requests, "nothing is sent");
    assert_eq!(snapshot(&fake, &ids), before);
    // Another dry run may go on from it.
    Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .options(MigrateOptions {
            dry_run: true,
            ..MigrateOptions::default()
        })
        .resume(checkpoint)
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
    // A real run's checkpoint, resumed with another query: refused too.
    let (stored, keep) = first_checkpoint();
    Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .rate_limit(fast())
        .on_progress(keep)
        .run()
        .await
        .unwrap();
    let real = stored.lock().unwrap().clone().unwrap();
    assert!(!real.dry_run);
    let stopped = Migration::new(&users, ListUsers::new().banned(false), rewrite)
        .resume(real.clone())
        .rate_limit(fast())
        .run()
        .await
        .unwrap_err();
    let Error::Invalid(errors) = &stopped.error else {
        panic!("{:?}", stopped.error);
    };
    let codes: Vec<&str> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(codes, [clerk_metadata::codes::CHECKPOINT_QUERY_MISMATCH]);
    // The same filters with another page size are the same query.
    Migration::new(&users, ListUsers::new().page_size(7), rewrite)
        .resume(real)
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
}

#[tokio::test]
async fn a_write_that_may_pass_later_stops_the_run_and_the_resumed_run_fixes_its_user() {
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 30);
    let before = snapshot(&fake, &ids);
    let users = fake
        .client_builder()
        .retry(clerk_metadata::client::RetryPolicy::none())
        .build()
        .unwrap()
        .users::<AppUser>();
    // The first replace gets a 503 (no retry): a write that may pass later.
    fake.inject_on("PUT", "/metadata", Fault::status(503), 1);
    let run = Migration::new(&users, ListUsers::new().page_size(7), rewrite)
        .options(MigrateOptions {
            concurrency: 1,
            ..MigrateOptions::default()
        })
        .rate_limit(fast());
    let stopped = run.run().await.unwrap_err();
    assert_eq!(stopped.error.status(), Some(503));
    let checkpoint = stopped.report.checkpoint.clone();
    assert!(!checkpoint.cursor.is_done());
    assert_eq!(checkpoint.failed, 0);
    assert!(checkpoint.scanned < 30);
    // The failed user is not fixed yet.
    let unfixed = ids
        .iter()
        .filter(|id| {
            let value = fake.user(id).unwrap();
            !User::<AppUser>::from_json_lenient(value.to_string().as_bytes())
                .unwrap()
                .fits()
        })
        .count();
    assert!(unfixed > 0);
    // Resumed: the page of the failed write is read again, and every user is fixed.
    let report = Migration::new(&users, ListUsers::new().page_size(7), rewrite)
        .resume(checkpoint)
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
    assert_eq!(report.checkpoint.scanned, 30);
    assert_eq!(report.checkpoint.failed, 0, "{:?}", report.failures);
    assert_fixed_and_kept(&fake, &before);
}

#[tokio::test]
async fn a_dry_run_keeps_a_bounded_plan_and_counts_the_rest() {
    let fake = FakeClerk::start().unwrap();
    seed(&fake, 60);
    let users = fake.client().unwrap().users::<AppUser>();
    let report = Migration::new(&users, ListUsers::new().page_size(20), rewrite)
        .options(MigrateOptions {
            dry_run: true,
            max_planned_kept: 5,
            ..MigrateOptions::default()
        })
        .rate_limit(fast())
        .run()
        .await
        .unwrap();
    assert_eq!(report.planned.len(), 5);
    assert_eq!(report.planned_not_kept as usize, drifted(60) - 5);
    assert_eq!(report.checkpoint.fixed as usize, drifted(60));
}

#[tokio::test]
async fn the_migration_draws_from_the_clients_limiter_and_ignores_its_own_then() {
    let window = Duration::from_millis(500);
    let fake = FakeClerk::start().unwrap();
    let ids = seed(&fake, 40);
    let before = snapshot(&fake, &ids);
    // Half again the client's limit: room for scheduling jitter.
    fake.set_instance_limit(15, window);
    let clerk = fake
        .client_builder()
        .retry(clerk_metadata::client::RetryPolicy::none())
        .rate_limit(RateLimit::new(10, window).unwrap())
        .build()
        .unwrap();
    let users = clerk.users::<AppUser>();
    // A limit far above the instance's: were it used, the fake would answer 429 and,
    // without retries, the run would stop.
    let report = Migration::new(&users, ListUsers::new().page_size(10), rewrite)
        .rate_limit(RateLimit::new(1000, window).unwrap())
        .run()
        .await
        .unwrap();
    assert_eq!(fake.instance_limit_refusals(), 0);
    assert_eq!(report.checkpoint.fixed as usize, drifted(40));
    assert_fixed_and_kept(&fake, &before);
    // Without a limiter in the client, the job's default is half the instance's.
    let jobs = RateLimit::for_jobs(&fake.secret_key());
    assert_eq!(jobs.requests(), RateLimit::development().requests() / 2);
    assert_eq!(jobs.window(), RateLimit::development().window());
}
