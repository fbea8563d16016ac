//! The TypeScript declarations, checked two ways: the committed files are what the
//! Rust structs generate (a snapshot test: `UPDATE_SNAPSHOTS=1` rewrites them), and the
//! real TypeScript compiler accepts a frontend that uses them and refuses misspelled
//! fields and wrong literals.
//!
//! The compiler is `examples/frontend/node_modules/.bin/tsc` (`npm ci --prefix
//! examples/frontend`). Without it the compiler checks say so and pass, unless
//! `CLERK_METADATA_REQUIRE_TSC` is set, as CI sets it after installing TypeScript.

use std::path::{Path, PathBuf};
use std::process::Command;

use clerk_metadata::{MetadataTier, export};
use clerk_metadata_examples::tour::{AppUser, AppUserPrivate, AppUserPublic, AppUserUnsafe};
use serde_json::Value;

fn frontend() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("frontend")
}

/// Compares `path` with `generated`, or writes it with `UPDATE_SNAPSHOTS=1`.
fn snapshot(path: &Path, generated: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(path, generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is stale: run `UPDATE_SNAPSHOTS=1 cargo test -p clerk-metadata-examples --features export_types --test types` (or `cargo run --example export_types --features export_types > examples/frontend/globals.d.ts`) and commit it",
        path.display()
    );
}

#[test]
fn the_committed_declarations_are_what_the_structs_generate() {
    snapshot(
        &frontend().join("globals.d.ts"),
        &export::typescript::<AppUser>(),
    );
}

/// The lines of every description in `schema`, at any depth.
fn doc_lines(schema: &Value, lines: &mut Vec<String>) {
    match schema {
        Value::Object(object) => {
            for (key, value) in object {
                if let ("description", Value::String(text)) = (key.as_str(), value) {
                    lines.extend(
                        text.lines()
                            .map(str::trim)
                            .filter(|l| !l.is_empty())
                            .map(str::to_owned),
                    );
                }
                doc_lines(value, lines);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| doc_lines(v, lines)),
        _ => {}
    }
}

#[test]
fn the_frontend_declarations_name_nothing_private() {
    // The committed file, as a frontend includes it.
    let committed = std::fs::read_to_string(frontend().join("globals.d.ts")).unwrap();
    let mut shown = Vec::new();
    doc_lines(&export::json_schema::<AppUserPublic>(), &mut shown);
    doc_lines(&export::json_schema::<AppUserUnsafe>(), &mut shown);
    let mut private = Vec::new();
    doc_lines(&export::json_schema::<AppUserPrivate>(), &mut private);
    let mut texts: Vec<String> = AppUserPrivate::FIELDS
        .iter()
        .flat_map(|f| std::iter::once(f.key).chain(f.aliases.iter().copied()))
        .map(str::to_owned)
        .collect();
    texts.extend(private.into_iter().filter(|l| !shown.contains(l)));
    texts.push("UserPrivateMetadata".to_owned());
    assert!(
        texts.iter().any(|t| t == "stripe_customer_id")
            && texts
                .iter()
                .any(|t| t == "The user's Stripe customer, for billing code only."),
        "{texts:?}"
    );
    for text in &texts {
        assert!(
            !committed.contains(text.as_str()),
            "globals.d.ts holds {text:?}"
        );
    }
    // The backend declarations, which the example prints with `--with-private`, do.
    let backend = export::typescript_with_private::<AppUser>();
    assert!(backend.contains("stripe_customer_id?: string | null;"));
}

fn tsc() -> Option<PathBuf> {
    let tsc = frontend().join("node_modules/.bin/tsc");
    if tsc.exists() {
        return Some(tsc);
    }
    assert!(
        std::env::var_os("CLERK_METADATA_REQUIRE_TSC").is_none(),
        "CLERK_METADATA_REQUIRE_TSC is set, but {} is missing (npm ci --prefix examples/frontend)",
        tsc.display()
    );
    eprintln!(
        "no TypeScript compiler: the compiler checks did not run (npm ci --prefix examples/frontend)"
    );
    None
}

/// Runs tsc on `files` (relative to `examples/frontend`), strict, no output.
fn compile(tsc: &Path, files: &[&str]) -> (bool, String) {
    let output = Command::new(tsc)
        .current_dir(frontend())
        .args([
            "--noEmit", "--strict", "--target", "es2020", "--module", "esnext",
        ])
        .args(["--moduleResolution", "bundler"])
        .args(files)
        .output()
        .expect("tsc runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn the_compiler_accepts_a_frontend_that_uses_them() {
    let Some(tsc) = tsc() else { return };
    let output = Command::new(&tsc)
        .current_dir(frontend())
        .args(["-p", "tsconfig.json"])
        .output()
        .expect("tsc runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    // The export tests' schema: every serde attribute the derive accepts.
    let (ok, text) = compile(
        &tsc,
        &["../../tests/snapshots/member.d.ts", "member-app.ts"],
    );
    assert!(ok, "{text}");
}

#[test]
fn the_compiler_types_private_metadata_only_with_the_backend_declarations() {
    let Some(tsc) = tsc() else { return };
    // Beside Clerk's own open declarations, as in an app.
    let (ok, text) = compile(
        &tsc,
        &[
            "clerk-globals.d.ts",
            "../../tests/snapshots/member.backend.d.ts",
            "member-server.ts",
        ],
    );
    assert!(ok, "{text}");
    // The frontend declarations leave private metadata as Clerk declares it: its
    // values are `unknown`, so reading a private field as its type does not compile.
    let (ok, text) = compile(
        &tsc,
        &[
            "clerk-globals.d.ts",
            "../../tests/snapshots/member.d.ts",
            "member-server.ts",
        ],
    );
    assert!(
        !ok,
        "member-server.ts compiled with the frontend declarations"
    );
    assert!(text.contains("error TS2322:"), "{text}");
    assert!(text.contains("'unknown'"), "{text}");
}

#[test]
fn the_compiler_types_organization_and_membership_metadata() {
    let Some(tsc) = tsc() else { return };
    let snapshots = "../../tests/snapshots";
    let customer = format!("{snapshots}/customer.d.ts");
    let seat = format!("{snapshots}/seat.d.ts");
    let (ok, text) = compile(&tsc, &[&customer, &seat, "organization-app.ts"]);
    assert!(ok, "{text}");
    // Backend code reads the private tiers with the backend declarations, beside
    // Clerk's own open ones, as in an app.
    let customer_backend = format!("{snapshots}/customer.backend.d.ts");
    let seat_backend = format!("{snapshots}/seat.backend.d.ts");
    let (ok, text) = compile(
        &tsc,
        &[
            "clerk-globals.d.ts",
            &customer_backend,
            &seat_backend,
            "organization-server.ts",
        ],
    );
    assert!(ok, "{text}");
    // With the frontend declarations, private metadata stays Clerk's open record.
    let (ok, text) = compile(
        &tsc,
        &[
            "clerk-globals.d.ts",
            &customer,
            &seat,
            "organization-server.ts",
        ],
    );
    assert!(
        !ok,
        "organization-server.ts compiled with the frontend declarations"
    );
    assert!(text.contains("'unknown'"), "{text}");
    // Without any declarations the frontend does not compile: they are what it uses.
    let (ok, _) = compile(&tsc, &["clerk-globals.d.ts", "organization-app.ts"]);
    assert!(!ok);
}

#[test]
fn the_compiler_refuses_misspelled_fields_and_wrong_literals() {
    let Some(tsc) = tsc() else { return };
    let mut cases = 0;
    for entry in std::fs::read_dir(frontend().join("must-fail")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = text
            .lines()
            .find_map(|l| l.strip_prefix("// expect: "))
            .unwrap_or_else(|| panic!("{} names no expected error", path.display()))
            .trim()
            .to_owned();
        let declarations = text
            .lines()
            .find_map(|l| l.strip_prefix("// declarations: "))
            .map_or("globals.d.ts", str::trim);
        let file = format!("must-fail/{}", path.file_name().unwrap().to_string_lossy());
        let (ok, output) = compile(&tsc, &[declarations, &file]);
        assert!(!ok, "{file} compiled");
        assert!(
            output.contains(&format!("error {expected}:")),
            "{file}: expected {expected}, got\n{output}"
        );
        // Without the declarations, the same file fails for another reason (the
        // interfaces do not exist), so the declarations are what each case tests.
        let (_, bare) = compile(&tsc, &[&file]);
        assert!(
            !bare.contains(&format!("error {expected}:")),
            "{file}: {bare}"
        );
        cases += 1;
    }
    assert_eq!(cases, 5);
}
