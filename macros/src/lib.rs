//! The derives of `clerk-metadata`: `#[derive(UserMetadata)]`,
//! `#[derive(OrganizationMetadata)]`, `#[derive(MembershipMetadata)]` and
//! `#[derive(MetadataObject)]`.
//!
//! Depend on `clerk-metadata`, which re-exports these derives and documents them; the
//! code this crate generates uses that crate's internals, so the two move in lockstep.
//!
//! A derive runs in four stages, one module each: `syntax` reads attributes, `model`
//! builds the schema, `check` applies rules across fields, and `emit` writes the code.
//! Every error is collected in a `ctxt::Ctxt` and reported at once.

mod case;
mod check;
mod ctxt;
mod emit;
mod generics;
mod model;
mod syntax;

use proc_macro::TokenStream;

use model::Kind;

/// Derives `clerk_metadata::UserMetadata`; see the `clerk-metadata` crate docs.
#[proc_macro_derive(UserMetadata, attributes(metadata, serde))]
pub fn derive_user_metadata(input: TokenStream) -> TokenStream {
    derive(input, Kind::Schema)
}

/// Derives `clerk_metadata::OrganizationMetadata`; see the `clerk-metadata` crate docs.
#[proc_macro_derive(OrganizationMetadata, attributes(metadata, serde))]
pub fn derive_organization_metadata(input: TokenStream) -> TokenStream {
    derive(input, Kind::Organization)
}

/// Derives `clerk_metadata::MembershipMetadata`; see the `clerk-metadata` crate docs.
#[proc_macro_derive(MembershipMetadata, attributes(metadata, serde))]
pub fn derive_membership_metadata(input: TokenStream) -> TokenStream {
    derive(input, Kind::Membership)
}

/// Derives `clerk_metadata::MetadataObject` for a struct nested in metadata, so the
/// field that holds it (`#[metadata(<tier>, nested)]`) takes a patch of its keys.
#[proc_macro_derive(MetadataObject, attributes(metadata, serde))]
pub fn derive_metadata_object(input: TokenStream) -> TokenStream {
    derive(input, Kind::Object)
}

fn derive(input: TokenStream, kind: Kind) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand(&input, kind).into()
}

/// The code a derive generates for `input`, or its errors.
fn expand(input: &syn::DeriveInput, kind: Kind) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::new();
    let schema = model::Schema::from_input(&cx, input, kind);
    if let Some(schema) = &schema {
        check::check(&cx, schema);
    }
    match (cx.finish(), schema) {
        (Ok(()), Some(schema)) => match kind {
            Kind::Schema | Kind::Organization | Kind::Membership => emit::schema(&schema),
            Kind::Object => emit::object(&schema),
        },
        (Err(errors), _) => errors.into_compile_error(),
        (Ok(()), None) => unreachable_no_error(input),
    }
}

/// A schema that could not be built always records an error; this is the fallback if
/// it ever does not, so the user still sees a compile error rather than nothing.
fn unreachable_no_error(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    syn::Error::new_spanned(&input.ident, "the derive could not read its input")
        .into_compile_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema of the compile-time benchmark (`tests/benches/compile`), read from the
    /// repository. The published package does not hold it: there, with no benchmark to
    /// write for, the test uses a smaller schema of its own.
    fn bench_schema() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/benches/compile/derive_schema.rs.in"
        );
        match std::fs::read_to_string(path) {
            Ok(schema) => schema,
            Err(_) if std::env::var_os("CLERK_METADATA_WRITE_EXPANSION").is_none() => {
                "pub struct S0 { #[metadata(public)] pub a0: String, #[metadata(private)] pub a1: Option<String>, #[metadata(unsafe)] pub a2: i64 }".to_owned()
            }
            Err(error) => panic!("{path}: {error}"),
        }
    }

    /// Every expansion is a file of Rust items. With `CLERK_METADATA_WRITE_EXPANSION`
    /// set to a path, the benchmark schema's expansion is written there: it is the
    /// hand-written side of the compile-time benchmark (run rustfmt on it).
    #[test]
    fn expansions_are_rust_items() {
        let schema: syn::DeriveInput = syn::parse_str(&bench_schema()).unwrap();
        let object: syn::DeriveInput = syn::parse_str(
            "#[serde(default)] pub struct Notifications { pub email: bool, #[metadata(nested)] pub inner: Option<Inner>, #[serde(flatten)] pub unknown: UnknownKeys }",
        )
        .unwrap();
        let organization: syn::DeriveInput = syn::parse_str(
            "pub struct Org<T> { #[metadata(public)] pub plan: T, #[metadata(private, nested)] #[serde(default)] pub billing: Billing }",
        )
        .unwrap();
        for (input, kind) in [
            (&schema, Kind::Schema),
            (&object, Kind::Object),
            (&organization, Kind::Organization),
            (&organization, Kind::Membership),
        ] {
            let expansion = expand(input, kind);
            let file: syn::File = syn::parse2(expansion.clone()).unwrap();
            assert!(file.items.len() > 5, "{expansion}");
            assert!(
                !expansion.to_string().contains("compile_error"),
                "{expansion}"
            );
        }
        if let Ok(path) = std::env::var("CLERK_METADATA_WRITE_EXPANSION") {
            let header = "// What `#[derive(UserMetadata)]` generates for one schema of the compile-time\n// benchmark, written out by hand: the derive's expansion with serde's own derives left\n// in place, so both crates of the benchmark hand the same code to rustc. `S0` is the\n// schema's name; the script substitutes it.\n";
            // The struct itself, as written without the derive and its attributes.
            let mut plain = schema.clone();
            plain.attrs.clear();
            if let syn::Data::Struct(data) = &mut plain.data {
                for field in &mut data.fields {
                    field.attrs.retain(|a| !a.path().is_ident("metadata"));
                }
            }
            let plain = quote::quote!(#plain);
            let text = format!("{header}{plain}\n{}\n", expand(&schema, Kind::Schema));
            std::fs::write(path, text).unwrap();
        }
    }
}
