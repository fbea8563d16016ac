//! Generic parameters: which ones a part of the schema uses, and the bounds an impl
//! needs, as serde_derive's `bound.rs` works them out.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::quote;
use syn::{GenericParam, Generics, Type};

use crate::model::{Field, Schema};

/// The identifier of a type or const parameter.
fn param_ident(param: &GenericParam) -> Option<&Ident> {
    match param {
        GenericParam::Type(t) => Some(&t.ident),
        GenericParam::Const(c) => Some(&c.ident),
        GenericParam::Lifetime(_) => None,
    }
}

/// Whether the type `ty` mentions the generic parameter `ident`.
pub fn type_mentions(ty: &Type, ident: &Ident) -> bool {
    tokens_mention(quote!(#ty), ident)
}

/// Whether `ident` occurs anywhere in `tokens`.
fn tokens_mention(tokens: TokenStream, ident: &Ident) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == *ident,
        TokenTree::Group(g) => tokens_mention(g.stream(), ident),
        _ => false,
    })
}

/// The generic parameters (types and consts) that `fields` mention, with the `where`
/// predicates that name only those, so a generated struct declares only the
/// parameters it uses.
pub fn params_used_by<'f, 'a: 'f>(
    generics: &Generics,
    fields: impl Iterator<Item = &'f Field<'a>> + Clone,
) -> Generics {
    let mut used = Generics::default();
    for param in &generics.params {
        let Some(ident) = param_ident(param) else {
            continue;
        };
        if fields.clone().any(|f| type_mentions(f.ty, ident)) {
            used.params.push(param.clone());
        }
    }
    if let Some(where_clause) = &generics.where_clause {
        let unused: Vec<&Ident> = generics
            .params
            .iter()
            .filter_map(param_ident)
            .filter(|ident| !used.params.iter().any(|p| param_ident(p) == Some(*ident)))
            .collect();
        let mut kept = where_clause.clone();
        kept.predicates = where_clause
            .predicates
            .iter()
            .filter(|pred| {
                let tokens = quote!(#pred);
                !unused
                    .iter()
                    .any(|ident| tokens_mention(tokens.clone(), ident))
            })
            .cloned()
            .collect();
        if !kept.predicates.is_empty() {
            used.where_clause = Some(kept);
        }
    }
    used
}

/// `T: bound` for every type parameter that the fields passing `only` mention, as serde
/// bounds a derived impl; empty for a struct without type parameters.
pub fn field_bounds(
    schema: &Schema,
    bound: &TokenStream,
    only: impl Fn(&Field) -> bool,
) -> Vec<TokenStream> {
    schema
        .generics()
        .type_params()
        .filter(|param| {
            schema
                .fields
                .iter()
                .filter(|f| only(f))
                .any(|f| type_mentions(f.ty, &param.ident))
        })
        .map(|param| {
            let ident = &param.ident;
            quote!(#ident: #bound)
        })
        .collect()
}

/// `for<'__b> Ty: bound` for each type: a bound the compiler checks where the impl is
/// used rather than where it is written, so that an impl exists exactly when the
/// field types allow it (a `Clone` impl, say, only if every field is `Clone`).
pub fn deferred_bounds<'t>(
    types: impl IntoIterator<Item = &'t Type>,
    bound: &TokenStream,
) -> Vec<TokenStream> {
    types
        .into_iter()
        .map(|ty| quote!(for<'__b> #ty: #bound))
        .collect()
}

/// A `where` clause joining the struct's own predicates with `extra`.
pub fn where_clause(generics: &Generics, extra: &[TokenStream]) -> TokenStream {
    let own: Vec<_> = generics
        .where_clause
        .as_ref()
        .map(|w| w.predicates.iter().collect())
        .unwrap_or_default();
    if own.is_empty() && extra.is_empty() {
        return TokenStream::new();
    }
    quote!(where #(#own,)* #(#extra,)*)
}

/// The struct's parameters without defaults, as an `impl<...>` takes them.
pub fn params_without_defaults(generics: &Generics) -> Vec<GenericParam> {
    generics
        .params
        .iter()
        .cloned()
        .map(|mut param| {
            match &mut param {
                GenericParam::Type(t) => {
                    t.default = None;
                }
                GenericParam::Const(c) => {
                    c.default = None;
                }
                GenericParam::Lifetime(_) => {}
            }
            param
        })
        .collect()
}

/// The struct's parameters as arguments: `T, U, N`.
pub fn param_args(generics: &Generics) -> Vec<TokenStream> {
    generics
        .params
        .iter()
        .map(|p| match p {
            GenericParam::Type(t) => {
                let ident = &t.ident;
                quote!(#ident)
            }
            GenericParam::Const(c) => {
                let ident = &c.ident;
                quote!(#ident)
            }
            GenericParam::Lifetime(l) => {
                let lifetime = &l.lifetime;
                quote!(#lifetime)
            }
        })
        .collect()
}
