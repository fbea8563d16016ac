//! The derives of `clerk-metadata`: `#[derive(UserMetadata)]` and
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

/// Derives `clerk_metadata::MetadataObject` for a struct nested in metadata, so the
/// field that holds it (`#[metadata(<tier>, nested)]`) takes a patch of its keys.
#[proc_macro_derive(MetadataObject, attributes(metadata, serde))]
pub fn derive_metadata_object(input: TokenStream) -> TokenStream {
    derive(input, Kind::Object)
}

fn derive(input: TokenStream, kind: Kind) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let cx = ctxt::Ctxt::new();
    let schema = model::Schema::from_input(&cx, &input, kind);
    if let Some(schema) = &schema {
        check::check(&cx, schema);
    }
    match (cx.finish(), schema) {
        (Ok(()), Some(schema)) => match kind {
            Kind::Schema => emit::schema(&schema).into(),
            Kind::Object => emit::object(&schema).into(),
        },
        (Err(errors), _) => errors.into_compile_error().into(),
        (Ok(()), None) => unreachable_no_error(&input).into(),
    }
}

/// A schema that could not be built always records an error; this is the fallback if
/// it ever does not, so the user still sees a compile error rather than nothing.
fn unreachable_no_error(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    syn::Error::new_spanned(&input.ident, "the derive could not read its input")
        .into_compile_error()
}
