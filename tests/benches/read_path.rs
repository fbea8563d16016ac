//! Read path (criterion): see `cases/read.rs` for what is measured.
//!
//! `cargo bench -p clerk-metadata-tests --bench read_path`

use std::hint::black_box;

use clerk_metadata::User;
use clerk_metadata_tests::AppUser;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "cases/read.rs"]
mod cases;
use cases::*;

fn bench(c: &mut Criterion) {
    let bytes = check();
    let mut group = c.benchmark_group("read_path");
    group.throughput(criterion::Throughput::Bytes(bytes.len() as u64));
    group.bench_function("clerk_metadata", |b| {
        b.iter(|| User::<AppUser>::from_json(black_box(&bytes)).unwrap())
    });
    group.bench_function("baseline_a_derive_deserialize", |b| {
        b.iter(|| serde_json::from_slice::<HandWritten>(black_box(&bytes)).unwrap())
    });
    group.bench_function("baseline_b_value_then_from_value", |b| {
        b.iter(|| via_value(black_box(&bytes)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
