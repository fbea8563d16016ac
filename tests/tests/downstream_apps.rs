//! The apps in `tests/downstream-apps`: each is its own workspace, so cargo resolves
//! its features alone, as it would for a real app, and no member of this workspace
//! (whose `cargo test --workspace` unifies features across members) lends it a
//! feature. Each depends on `clerk-metadata` with the client and on reqwest or rustls
//! in a common configuration, and its test makes a real request on 127.0.0.1 with the
//! app's own `reqwest::Client::new()` (and `rustls::ClientConfig::builder()`): turning
//! on the crate's features must not break them.
//!
//! They build with `--locked` (their `Cargo.lock` is committed) into
//! `$CARGO_TARGET_DIR/downstream-apps` (or `target/downstream-apps`), one target
//! directory shared by the three, so what they have in common builds once.

use std::path::{Path, PathBuf};
use std::process::Command;

fn run_app(name: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = root
        .join("tests/downstream-apps")
        .join(name)
        .join("Cargo.toml");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("downstream-apps");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name}: cargo test failed (after a change to the crate's dependencies, refresh \
         the app's lock file: `cargo metadata --format-version 1 --manifest-path {}`)\n{stdout}\n{stderr}",
        manifest.display()
    );
    assert!(
        stdout.contains("test the_apps_own_client_works_beside_the_clerk_client ... ok"),
        "{name}: the app's test did not run\n{stdout}"
    );
}

// One test, so the three builds run one after the other (they share a target
// directory, and CI has two cores).
#[test]
fn apps_keep_their_own_http_client_working() {
    // reqwest without TLS (`default-features = false, features = ["json"]`).
    run_app("reqwest-plain");
    // reqwest with its default features (rustls on aws-lc-rs); the crate on *ring*.
    run_app("reqwest-default");
    // rustls with its default provider chosen by crate features; the crate on
    // aws-lc-rs.
    run_app("rustls-aws-lc-rs");
}
