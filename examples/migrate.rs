//! The job a team runs after changing its schema: audit every user's stored metadata,
//! then migrate what does not fit, within Clerk's rate limit, resumably.
//!
//! ```text
//! cargo run --release --example migrate --features migrate -- audit
//! cargo run --release --example migrate --features migrate -- migrate --dry-run
//! cargo run --release --example migrate --features migrate -- migrate --checkpoint run.json
//! cargo run --release --example migrate --features migrate -- migrate --resume run.json
//! ```
//!
//! With `CLERK_SECRET_KEY` set it runs against that instance, at half its rate limit
//! (50 requests per 10 s for an `sk_test_` key, 500 otherwise; `--limit` overrides),
//! so the live app keeps the other half; the limit is the client's, shared by every
//! request of this process, and counts no other process.
//! Without, it runs against `FakeClerk`, seeded with 20,000 users (`--users`) of which
//! a third drifted, holding the fake to Clerk's production limit. The fake lives in
//! this process only, so `--crash-at PERCENT` shows a crash and a resume within one
//! run; `--resume FILE` is for a real instance.
//!
//! A progress bar on a terminal, plain lines otherwise. Nothing printed holds a
//! private value.

use std::error::Error;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command, value_parser};
use clerk_metadata::client::{Clerk, Users};
use clerk_metadata::jobs::{Audit, AuditOptions, ListUsers, Progress, RateLimit};
use clerk_metadata::testing::FakeClerk;
use clerk_metadata_examples::migrate::{Subscriber, migrate, read_checkpoint, seed};
use indicatif::{ProgressBar, ProgressStyle};

fn cli() -> Command {
    Command::new("migrate")
        .about("Audit and migrate every Clerk user's metadata after a schema change")
        .arg(
            Arg::new("users")
                .long("users")
                .value_parser(value_parser!(usize))
                .default_value("20000")
                .help("Users to seed the fake with (ignored with CLERK_SECRET_KEY)"),
        )
        .arg(
            Arg::new("limit")
                .long("limit")
                .value_parser(value_parser!(u32))
                .help("Requests per 10 s (default: half the instance's limit)"),
        )
        .subcommand_required(true)
        .subcommand(
            Command::new("audit")
                .about("Report which users do not fit the schema, where and why")
                .arg(
                    Arg::new("json")
                        .long("json")
                        .action(ArgAction::SetTrue)
                        .help("Print JSON"),
                ),
        )
        .subcommand(
            Command::new("migrate")
                .about("Fix every user that does not fit the schema")
                .arg(
                    Arg::new("dry-run")
                        .long("dry-run")
                        .action(ArgAction::SetTrue)
                        .help("Say what would be sent; send no write"),
                )
                .arg(
                    Arg::new("resume")
                        .long("resume")
                        .value_parser(value_parser!(PathBuf))
                        .help("Go on from the checkpoint in FILE (and keep checkpointing there)"),
                )
                .arg(
                    Arg::new("checkpoint")
                        .long("checkpoint")
                        .value_parser(value_parser!(PathBuf))
                        .default_value("migrate-checkpoint.json")
                        .help("Where to store the checkpoint after each page"),
                )
                .arg(
                    Arg::new("crash-at")
                        .long("crash-at")
                        .value_parser(value_parser!(u8).range(1..100))
                        .help("With the fake: stop the run at this percent, then resume it"),
                ),
        )
}

/// What the progress shows.
struct Shown {
    what: &'static str,
    scanned: u64,
    total: Option<u64>,
    fitting: u64,
    fixed: u64,
    failed: u64,
    rate: f64,
    eta: Option<Duration>,
    done: bool,
}

impl From<&Progress> for Shown {
    fn from(p: &Progress) -> Shown {
        let c = &p.checkpoint;
        Shown {
            what: "migrate",
            scanned: c.scanned,
            total: p.total,
            fitting: c.fitting,
            fixed: c.fixed,
            failed: c.failed,
            rate: p.rate,
            eta: p.eta,
            done: c.cursor.is_done(),
        }
    }
}

/// Progress on a terminal (a bar) or elsewhere (a line per page).
fn reporter() -> impl FnMut(&Shown) + Send + 'static {
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} users {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    move |p: &Shown| {
        let eta = p
            .eta
            .map_or_else(|| "?".to_owned(), |e| format!("{} s", e.as_secs()));
        let msg = format!(
            "{}: {} fit, {} fixed, {} failed, {:.0} users/s, ETA {eta}",
            p.what, p.fitting, p.fixed, p.failed, p.rate
        );
        match &bar {
            Some(bar) => {
                bar.set_length(p.total.unwrap_or(p.scanned));
                bar.set_position(p.scanned);
                bar.set_message(msg);
                if p.done {
                    bar.finish();
                }
            }
            None => eprintln!("{} users scanned; {msg}", p.scanned),
        }
    }
}

/// Progress of a migration, shown.
fn migration_reporter() -> impl FnMut(&Progress) + Send + 'static {
    let mut show = reporter();
    move |p: &Progress| show(&Shown::from(p))
}

async fn audit(users: &Users<Subscriber>, json: bool) -> Result<(), Box<dyn Error>> {
    let total = users.count(&ListUsers::new()).await.ok();
    let mut pager = users.pager(ListUsers::new())?;
    let mut audit = Audit::<Subscriber>::with_options(AuditOptions::default());
    let mut show = reporter();
    let started = std::time::Instant::now();
    let mut scanned = 0u64;
    while let Some(page) = pager.next_page().await? {
        for user in &page.users {
            scanned += 1;
            match user {
                Ok(user) => audit.record(user),
                Err(error) => audit.record_unreadable(error),
            }
        }
        let rate = scanned as f64 / started.elapsed().as_secs_f64().max(1e-9);
        show(&Shown {
            what: "audit",
            scanned,
            total,
            fitting: audit.report().fitting,
            fixed: 0,
            failed: 0,
            rate,
            eta: total.and_then(|t| {
                Duration::try_from_secs_f64(t.saturating_sub(scanned) as f64 / rate).ok()
            }),
            done: page.cursor.is_done(),
        });
    }
    let report = audit.report();
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

async fn run_migrate(
    users: &Users<Subscriber>,
    args: &ArgMatches,
    fake: bool,
) -> Result<(), Box<dyn Error>> {
    let dry_run = args.get_flag("dry-run");
    let resume_file = args.get_one::<PathBuf>("resume").cloned();
    let file = resume_file
        .clone()
        .or_else(|| args.get_one::<PathBuf>("checkpoint").cloned())
        .ok_or("no checkpoint file")?;
    let resume = match &resume_file {
        Some(path) if fake => {
            return Err(format!(
                "the fake lives in this process only: --resume {} needs CLERK_SECRET_KEY (try --crash-at)",
                path.display()
            )
            .into());
        }
        Some(path) => Some(read_checkpoint(path)?),
        None => None,
    };
    let mut resume = resume;
    if let Some(percent) = args.get_one::<u8>("crash-at").copied() {
        if !fake {
            return Err("--crash-at is a demonstration on the fake only".into());
        }
        let total = users.count(&ListUsers::new()).await?;
        let crash_at = total * u64::from(percent) / 100;
        let reached = Arc::new(tokio::sync::Notify::new());
        let signal = reached.clone();
        let mut progress = migration_reporter();
        let run = migrate(users, dry_run, None, &file, move |p| {
            progress(p);
            if p.checkpoint.scanned >= crash_at {
                signal.notify_one();
            }
        });
        tokio::select! {
            result = run => {
                result?;
                println!("the run ended before the crash");
                return Ok(());
            }
            () = reached.notified() => {}
        }
        // The run's future is dropped here, mid-page, as a crash would stop it.
        let checkpoint = read_checkpoint(&file)?;
        eprintln!(
            "\ncrashed after {} users; resuming from {}",
            checkpoint.scanned,
            file.display()
        );
        resume = Some(checkpoint);
    }
    let report = migrate(users, dry_run, resume, &file, migration_reporter()).await?;
    let c = &report.checkpoint;
    println!(
        "{} users scanned: {} fit already, {} {}, {} left as they were, {} failed",
        c.scanned,
        c.fitting,
        c.fixed,
        if dry_run { "would be fixed" } else { "fixed" },
        c.left,
        c.failed
    );
    for failure in report.failures.iter().take(20) {
        let id = failure.user_id.as_ref().map_or("?", |id| id.as_str());
        println!("  {id}: {}", failure.error);
    }
    if dry_run {
        for planned in report.planned.iter().take(5) {
            println!(
                "  would send to {}: {:?}",
                planned.user_id, planned.requests
            );
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let args = cli().get_matches();
    let limit_arg = args.get_one::<u32>("limit").copied();
    // The fake, if there is no key; kept alive for the whole run.
    let (clerk, fake) = match Clerk::from_env() {
        Ok(clerk) => (clerk, None),
        Err(_) => {
            let fake = FakeClerk::start()?;
            let n = args.get_one::<usize>("users").copied().unwrap_or(20_000);
            seed(&fake, n)?;
            // The fake is held to Clerk's production limit, and the job to the same.
            fake.set_instance_limit(1000, Duration::from_secs(10));
            let clerk = fake.client()?;
            eprintln!("FakeClerk at {} with {n} users", fake.url());
            (clerk, Some(fake))
        }
    };
    let limit = match (limit_arg, &fake) {
        (Some(n), _) => RateLimit::new(n, Duration::from_secs(10))?,
        (None, Some(_)) => RateLimit::production(),
        (None, None) => RateLimit::for_jobs(&clerk_metadata::client::SecretKey::new(
            std::env::var("CLERK_SECRET_KEY")?,
        )?),
    };
    // One limiter in the client, which the audit and the migration draw from.
    let users = clerk.with_rate_limit(limit).users::<Subscriber>();
    match args.subcommand() {
        Some(("audit", sub)) => audit(&users, sub.get_flag("json")).await?,
        Some(("migrate", sub)) => run_migrate(&users, sub, fake.is_some()).await?,
        _ => return Err("a subcommand is required: audit or migrate".into()),
    }
    if let Some(fake) = &fake {
        eprintln!(
            "requests the instance limit refused: {}",
            fake.instance_limit_refusals()
        );
    }
    Ok(())
}
