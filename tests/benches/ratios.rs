//! Ratios against the baselines, measured interleaved: each round times a batch of
//! clerk-metadata and a batch of the baseline back to back (in alternating order), and
//! the figure is the median of the per-round ratios. On a shared machine whose speed
//! drifts, this is steadier than comparing two criterion runs taken a minute apart.
//!
//! `cargo bench -p clerk-metadata-tests --bench ratios`
//! (`-- write` or any other word runs only the cases whose name contains it)

use std::hint::black_box;

use clerk_metadata::{User, UserId};
use clerk_metadata_tests::AppUser;

#[path = "cases/interleaved.rs"]
mod interleaved;
use interleaved::case;
#[path = "cases/organization.rs"]
mod organization;
#[path = "cases/read.rs"]
mod read;
#[path = "cases/write.rs"]
mod write;

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
        1.24,
        || write::ours(black_box(&id)),
        || write::hand_written::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path vs (b) Value model (inverse)",
        1.0 / 1.5,
        || write::ours(black_box(&id)),
        || write::value_model::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path_strings vs owned Strings",
        1.30,
        || write::ours_strings(black_box(&id)),
        || write::hand_written_strings::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path_tour vs owned Strings",
        1.30,
        || write::ours_tour(black_box(&id)),
        || write::hand_written_tour::run(black_box(write::USER)),
    );
    case(
        &filter,
        "write_path_tour vs Value model (inverse)",
        1.0 / 1.5,
        || write::ours_tour(black_box(&id)),
        || write::value_model_tour(black_box(write::USER)),
    );
    let org = organization::ORGANIZATION.parse().unwrap();
    case(
        &filter,
        "organization write_path vs derived Serialize",
        1.30,
        || organization::ours(black_box(&org)),
        || organization::hand_written::run(black_box(organization::ORGANIZATION)),
    );
    case(
        &filter,
        "organization write_path vs owned Strings",
        1.30,
        || organization::ours(black_box(&org)),
        || organization::hand_written_strings::run(black_box(organization::ORGANIZATION)),
    );
    case(
        &filter,
        "read_path vs (a) derived Deserialize",
        1.26,
        || User::<AppUser>::from_json(black_box(&bytes)).unwrap(),
        || serde_json::from_slice::<read::HandWritten>(black_box(&bytes)).unwrap(),
    );
    case(
        &filter,
        "read_path vs (b) Value, then from_value (inverse)",
        1.0,
        || User::<AppUser>::from_json(black_box(&bytes)).unwrap(),
        || read::via_value(black_box(&bytes)),
    );
}
