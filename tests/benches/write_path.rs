//! Write path (criterion): see `cases/write.rs` for what is measured.
//!
//! `cargo bench -p clerk-metadata-tests --bench write_path`

use std::hint::black_box;

use clerk_metadata::UserId;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "cases/write.rs"]
mod cases;
use cases::*;

fn bench(c: &mut Criterion) {
    check();
    let id = UserId::parse(USER).unwrap();
    let mut group = c.benchmark_group("write_path");
    group.bench_function("clerk_metadata", |b| b.iter(|| ours(black_box(&id))));
    group.bench_function("baseline_a_derive_serialize", |b| {
        b.iter(|| hand_written::run(black_box(USER)))
    });
    group.bench_function("baseline_b_value_model", |b| {
        b.iter(|| value_model::run(black_box(USER)))
    });
    group.finish();

    let mut group = c.benchmark_group("write_path_strings");
    group.bench_function("clerk_metadata", |b| {
        b.iter(|| ours_strings(black_box(&id)))
    });
    group.bench_function("baseline_owned_strings", |b| {
        b.iter(|| hand_written_strings::run(black_box(USER)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
