//! The `#[derive(UserMetadata)]` macro of `clerk-metadata`.
//!
//! Depend on `clerk-metadata`, which re-exports this derive and documents it; the code
//! this crate generates uses that crate's internals, so the two move in lockstep.
//!
//! The derive runs in four stages, one module each: `syntax` reads attributes,
//! `model` builds the schema, `check` applies rules across fields, and `emit`
//! writes the code. Every error is collected in a `ctxt::Ctxt` and reported at once.

mod case;
mod check;
mod ctxt;
mod emit;
mod model;
mod syntax;

use proc_macro::TokenStream;

/// Derives `clerk_metadata::UserMetadata`; see the `clerk-metadata` crate docs.
#[proc_macro_derive(UserMetadata, attributes(metadata, serde))]
pub fn derive_user_metadata(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let cx = ctxt::Ctxt::new();
    let schema = model::Schema::from_input(&cx, &input);
    if let Some(schema) = &schema {
        check::check(&cx, schema);
    }
    match (cx.finish(), schema) {
        (Ok(()), Some(schema)) => emit::emit(&schema).into(),
        (Err(errors), _) => errors.into_compile_error().into(),
        (Ok(()), None) => unreachable_no_error(&input).into(),
    }
}

/// A schema that could not be built always records an error; this is the fallback if
/// it ever does not, so the user still sees a compile error rather than nothing.
fn unreachable_no_error(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    syn::Error::new_spanned(&input.ident, "UserMetadata: the input could not be read")
        .into_compile_error()
}
