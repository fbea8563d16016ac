#!/usr/bin/env bash
# Compile-time benchmarks of clerk-metadata (see BENCHMARKS.md).
#
#  4. Incremental: two throwaway crates with N schemas (6 fields over 3 tiers each),
#     one with #[derive(UserMetadata)], one with the same code written out by hand.
#     Dependencies are prebuilt; each run touches the crate's source and times
#     `cargo build` of the crate alone. Prints the medians and the ratio.
#  5. Clean build: a crate depending on clerk-metadata (default features) against one
#     depending on serde (derive) + serde_json alone, each from an empty target dir.
#  6. Clean build of each feature: clerk-metadata with `client` against what a
#     hand-written client builds (reqwest with the same TLS choice, rustls on ring and
#     the platform verifier, and `json`; serde with `derive`; serde_json; tokio); and
#     `testing`, `http`, `session`, `axum` and `typescript`.
#
# Usage: tests/benches/compile/compile_bench.sh [RUNS] [N]   (defaults: 7 runs, N = 100)
# Needs only cargo and python3 (for the medians); writes under target/compile-bench.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
runs=${1:-7}
n=${2:-100}
work="$root/target/compile-bench"
rm -rf "$work"
mkdir -p "$work"

now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; print("%.3f" % statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

new_crate() { # dir name deps...
  local dir=$1 name=$2
  shift 2
  mkdir -p "$dir/src"
  {
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n[dependencies]\n' "$name"
    printf '%s\n' "$@"
    printf '\n[workspace]\n'
  } >"$dir/Cargo.toml"
  cp "$root/Cargo.lock" "$dir/Cargo.lock"
}

# --- 4. derive against hand-written, N schemas -------------------------------------
for kind in derive handwritten; do
  dir="$work/$kind"
  new_crate "$dir" "schemas-$kind" "clerk-metadata = { path = \"$root/core\" }"
  {
    echo '#![allow(dead_code, missing_docs, clippy::all)]'
    for i in $(seq 0 $((n - 1))); do
      sed -e "s/\bS0/S$i/g; s/__S0/__S$i/g; s/__cm_S0/__cm_S$i/g" "$here/${kind}_schema.rs.in"
    done
  } >"$dir/src/lib.rs"
done

export CARGO_TARGET_DIR="$work/target-incremental"
for kind in derive handwritten; do
  (cd "$work/$kind" && cargo build -q) # dependencies, once
done

declare -A times
for kind in derive handwritten; do
  times[$kind]=""
  for _ in $(seq "$runs"); do
    touch "$work/$kind/src/lib.rs"
    start=$(now)
    (cd "$work/$kind" && cargo build -q)
    end=$(now)
    times[$kind]+=" $(python3 -c "print($end - $start)")"
  done
done
derive_median=$(median ${times[derive]})
hand_median=$(median ${times[handwritten]})
echo "4. incremental build of $n schemas, median of $runs runs:"
echo "   derive:       ${derive_median} s   (runs:${times[derive]})"
echo "   hand-written: ${hand_median} s   (runs:${times[handwritten]})"
echo "   ratio derive / hand-written: $(ratio "$derive_median" "$hand_median")   (budget: at most 1.10)"

# --- 5. clean build: clerk-metadata against serde + serde_json ---------------------
new_crate "$work/with-clerk-metadata" with-clerk-metadata "clerk-metadata = { path = \"$root/core\" }"
new_crate "$work/with-serde" with-serde 'serde = { version = "1", features = ["derive"] }' 'serde_json = "1"'
echo 'pub use clerk_metadata;' >"$work/with-clerk-metadata/src/lib.rs"
echo 'pub use serde; pub use serde_json;' >"$work/with-serde/src/lib.rs"
clean_runs=${CLEAN_RUNS:-3}
declare -A clean
for kind in with-clerk-metadata with-serde; do
  clean[$kind]=""
  (cd "$work/$kind" && cargo fetch -q)
  for _ in $(seq "$clean_runs"); do
    export CARGO_TARGET_DIR="$work/target-clean-$kind"
    rm -rf "$CARGO_TARGET_DIR"
    start=$(now)
    (cd "$work/$kind" && cargo build -q)
    end=$(now)
    clean[$kind]+=" $(python3 -c "print($end - $start)")"
  done
done
cm=$(median ${clean[with-clerk-metadata]})
sm=$(median ${clean[with-serde]})
echo "5. clean build (debug, $(nproc) cores), median of $clean_runs runs:"
echo "   clerk-metadata (default features): ${cm} s   (runs:${clean[with-clerk-metadata]})"
echo "   serde (derive) + serde_json:       ${sm} s   (runs:${clean[with-serde]})"
echo "   ratio: $(ratio "$cm" "$sm")   (budget: at most 1.40)"

# --- 6. features: client against reqwest alone; testing and http against default ----
clean_build() { # dir -> prints seconds (median of CLEAN_RUNS)
  local dir=$1 runs=""
  (cd "$dir" && cargo fetch -q)
  for _ in $(seq "$clean_runs"); do
    export CARGO_TARGET_DIR="$work/target-feature"
    rm -rf "$CARGO_TARGET_DIR"
    start=$(now)
    (cd "$dir" && cargo build -q)
    end=$(now)
    runs+=" $(python3 -c "print($end - $start)")"
  done
  median $runs
}
new_crate "$work/with-client" with-client "clerk-metadata = { path = \"$root/core\", features = [\"client\"] }"
# What a hand-written client builds: reqwest with the same TLS choice and `json`, serde
# with `derive`, serde_json and tokio (a user of this crate derives serde anyway).
new_crate "$work/with-reqwest" with-reqwest \
  'reqwest = { version = "0.13.5", default-features = false, features = ["rustls-no-provider", "json"] }' \
  'rustls = { version = "0.23.46", default-features = false, features = ["ring", "std", "tls12"] }' \
  'rustls-platform-verifier = "0.7.1"' \
  'serde = { version = "1", features = ["derive"] }' \
  'serde_json = "1"' \
  'tokio = { version = "1", features = ["rt", "time"] }'
new_crate "$work/with-testing" with-testing "clerk-metadata = { path = \"$root/core\", features = [\"testing\"] }"
new_crate "$work/with-http" with-http "clerk-metadata = { path = \"$root/core\", features = [\"http\"] }"
new_crate "$work/with-session" with-session "clerk-metadata = { path = \"$root/core\", features = [\"session\"] }"
new_crate "$work/with-axum" with-axum "clerk-metadata = { path = \"$root/core\", features = [\"axum\"] }"
new_crate "$work/with-typescript" with-typescript "clerk-metadata = { path = \"$root/core\", features = [\"typescript\"] }"
echo 'pub use clerk_metadata;' >"$work/with-client/src/lib.rs"
echo 'pub use clerk_metadata;' >"$work/with-testing/src/lib.rs"
echo 'pub use clerk_metadata;' >"$work/with-http/src/lib.rs"
for kind in with-session with-axum with-typescript; do echo 'pub use clerk_metadata;' >"$work/$kind/src/lib.rs"; done
echo 'pub use reqwest; pub use rustls; pub use rustls_platform_verifier; pub use serde_json; pub use tokio; #[derive(serde::Serialize, serde::Deserialize)] pub struct Body { pub name: String }' >"$work/with-reqwest/src/lib.rs"
client=$(clean_build "$work/with-client")
reqwest_alone=$(clean_build "$work/with-reqwest")
testing=$(clean_build "$work/with-testing")
http=$(clean_build "$work/with-http")
session=$(clean_build "$work/with-session")
axum=$(clean_build "$work/with-axum")
typescript=$(clean_build "$work/with-typescript")
echo "6. clean build by feature (debug, $(nproc) cores), median of $clean_runs runs:"
echo "   default features:            ${cm} s"
echo "   client:                      ${client} s"
echo "   hand-written client deps:    ${reqwest_alone} s   (reqwest, same TLS, json; serde derive; serde_json; tokio)"
echo "   ratio client / hand-written: $(ratio "$client" "$reqwest_alone")   (budget: at most 1.20)"
echo "   testing:                     ${testing} s"
echo "   http:                        ${http} s"
echo "   session:                     ${session} s"
echo "   axum:                        ${axum} s"
echo "   typescript (json-schema):    ${typescript} s"
