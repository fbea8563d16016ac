//! Ratios against the baselines, measured interleaved: each round times a batch of
//! clerk-metadata and a batch of the baseline back to back (in alternating order), and
//! the figure is the median of the per-round ratios. On a shared machine whose speed
//! drifts, this is steadier than comparing two criterion runs taken a minute apart.
//!
//! `cargo bench -p clerk-metadata-tests --bench ratios`
//! (`-- write` or any other word runs only the cases whose name contains it)

use std::hint::black_box;
use std::time::{Duration, Instant};

use clerk_metadata::{User, UserId};
use clerk_metadata_tests::AppUser;

#[path = "cases/organization.rs"]
mod organization;
#[path = "cases/read.rs"]
mod read;
#[path = "cases/write.rs"]
mod write;

/// Rounds per case; the median of their ratios is reported.
const ROUNDS: usize = 41;
/// The time one batch should take.
const BATCH: Duration = Duration::from_millis(8);

fn batch<R>(n: u32, f: &mut impl FnMut() -> R) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// How a case's ratio is judged: at most `max` times the baseline's time.
struct Budget {
    max: f64,
}

fn case<A, B>(
    filter: &Option<String>,
    name: &str,
    budget: Budget,
    mut ours: impl FnMut() -> A,
    mut base: impl FnMut() -> B,
) {
    if filter.as_deref().is_some_and(|f| !name.contains(f)) {
        return;
    }
    // Size the batch, then warm up for half a second.
    let mut n = 1u32;
    while batch(n, &mut ours) < BATCH / 4 {
        n *= 2;
    }
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_millis(500) {
        batch(n, &mut ours);
        batch(n, &mut base);
    }
    let (mut ratios, mut ours_ns, mut base_ns) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (a, b) = if round % 2 == 0 {
            let a = batch(n, &mut ours);
            (a, batch(n, &mut base))
        } else {
            let b = batch(n, &mut base);
            (batch(n, &mut ours), b)
        };
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        ours_ns.push(a.as_secs_f64() * 1e9 / f64::from(n));
        base_ns.push(b.as_secs_f64() * 1e9 / f64::from(n));
    }
    let ratio = median(ratios);
    println!(
        "{name:<40} ours {:>9.1} ns  baseline {:>9.1} ns  ratio {ratio:>5.2}  budget <= {:.2}  {}",
        median(ours_ns),
        median(base_ns),
        budget.max,
        if ratio <= budget.max {
            "met"
        } else {
            "NOT MET"
        },
    );
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters the cases.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    write::check();
    organization::check();
    let bytes = read::check();
    let id = UserId::parse(write::USER).unwrap();

    case(
        &filter,
        "write_path vs (a) derived Serialize",
        Budget { max: 1.24 },
        || write::ours(black_box(&id)),
        || write::hand_written::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path vs (b) Value model (inverse)",
        Budget { max: 1.0 / 1.5 },
        || write::ours(black_box(&id)),
        || write::value_model::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path_strings vs owned Strings",
        Budget { max: 1.30 },
        || write::ours_strings(black_box(&id)),
        || write::hand_written_strings::run(black_box(write::USER)),
    );
    let org = organization::ORGANIZATION.parse().unwrap();
    case(
        &filter,
        "organization write_path vs derived Serialize",
        Budget { max: 1.30 },
        || organization::ours(black_box(&org)),
        || organization::hand_written::run(black_box(organization::ORGANIZATION)),
    );
    case(
        &filter,
        "read_path vs (a) derived Deserialize",
        Budget { max: 1.26 },
        || User::<AppUser>::from_json(black_box(&bytes)).unwrap(),
        || serde_json::from_slice::<read::HandWritten>(black_box(&bytes)).unwrap(),
    );
    case(
        &filter,
        "read_path vs (b) Value, then from_value (inverse)",
        Budget { max: 1.0 },
        || User::<AppUser>::from_json(black_box(&bytes)).unwrap(),
        || read::via_value(black_box(&bytes)),
    );
}
