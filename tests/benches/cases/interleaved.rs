//! The interleaved ratio harness shared by the `ratios` and `webhooks` benchmarks: each
//! round times a batch of ours and a batch of the baseline back to back (alternating
//! which goes first), and the figure is the median of the per-round ratios. On a shared
//! machine whose speed drifts, this is steadier than comparing two runs a minute apart.

use std::hint::black_box;
use std::time::{Duration, Instant};

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

/// Measures `ours` beside `base` and prints the median ratio against `budget` (at most
/// that many times the baseline's time). A `filter` (a word from the command line)
/// runs only the cases whose name holds it.
pub fn case<A, B>(
    filter: &Option<String>,
    name: &str,
    budget: f64,
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
        "{name:<48} ours {:>9.1} ns  baseline {:>9.1} ns  ratio {ratio:>5.2}  budget <= {budget:.2}  {}",
        median(ours_ns),
        median(base_ns),
        if ratio <= budget { "met" } else { "NOT MET" },
    );
}
