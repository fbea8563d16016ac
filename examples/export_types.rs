//! Prints the TypeScript declarations of the tour's schema: the `globals.d.ts` a
//! frontend includes so that `user.publicMetadata.role` is typed, as Clerk documents.
//! `examples/frontend/globals.d.ts` is this output, and a test fails when it is stale
//! (`UPDATE_SNAPSHOTS=1 cargo test -p clerk-metadata-examples --features export_types
//! --test types` rewrites it).
//!
//! `cargo run --example export_types --features export_types` prints the frontend
//! declarations: public and unsafe metadata and the session-token claims, with nothing
//! of the private tier.
//! Add `-- --with-private` for the backend declarations, which also declare
//! `UserPrivateMetadata` (for server code only), `-- --json-schema` for the tiers' JSON
//! Schemas, and `-- --claims` for the session token customization to paste into the
//! Clerk Dashboard.

use clerk_metadata::{claims, export};
use clerk_metadata_examples::tour::AppUser;

fn main() -> Result<(), serde_json::Error> {
    let arg = std::env::args().nth(1);
    match arg.as_deref() {
        Some("--with-private") => print!("{}", export::typescript_with_private::<AppUser>()),
        Some("--json-schema") => {
            let schemas = export::json_schemas::<AppUser>();
            for (tier, schema) in [
                ("public", &schemas.public),
                ("private", &schemas.private),
                ("unsafe", &schemas.unsafe_),
            ] {
                println!(
                    "// {tier} metadata\n{}",
                    serde_json::to_string_pretty(schema)?
                );
            }
        }
        Some("--claims") => println!(
            "{}",
            serde_json::to_string_pretty(&claims::template::<AppUser>())?
        ),
        Some(other) => {
            eprintln!(
                "unknown option {other:?}: expected --with-private, --json-schema or --claims"
            );
            std::process::exit(2);
        }
        None => print!("{}", export::typescript::<AppUser>()),
    }
    Ok(())
}
