//! Compile-fail and compile-pass tests. The `.stderr` snapshots belong to the rustc
//! version named in the README; regenerate them with `TRYBUILD=overwrite` after a
//! compiler upgrade and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/compile-fail/*.rs");
    t.pass("ui/compile-pass/*.rs");
}
