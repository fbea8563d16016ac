//! `cargo test --workspace` builds this crate with every feature (the `tests` crate
//! turns them on), so every example is built and every test here runs. Built alone
//! with fewer features, cargo would skip the examples and tests that need the others
//! without a word; this test fails instead, and says what to run.

#[test]
fn every_example_and_test_is_built() {
    let missing: Vec<&str> = [
        ("axum_app", cfg!(feature = "axum_app")),
        ("export_types", cfg!(feature = "export_types")),
        ("webhook_sync", cfg!(feature = "webhook_sync")),
        ("migrate", cfg!(feature = "migrate")),
    ]
    .into_iter()
    .filter(|&(_, on)| !on)
    .map(|(feature, _)| feature)
    .collect();
    assert!(
        missing.is_empty(),
        "built without the features {missing:?}, so cargo skipped the examples and tests \
         that need them: run `cargo test --workspace` (or `cargo test -p \
         clerk-metadata-examples --all-features`)"
    );
}
