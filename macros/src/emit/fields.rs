//! The hidden storage of a patch's fields: one struct per tier of a schema (or one for
//! a nested object), a [`FieldPatch`] per field, and its `ObjectFields` impl, which
//! writes the sent fields and reads them from a browser's JSON.
//!
//! [`FieldPatch`]: https://docs.rs/clerk-metadata

use proc_macro2::TokenStream;
use quote::quote;

use super::Gen;
use crate::generics;
use crate::model::Kind;
use crate::syntax::TierName;

impl Gen<'_, '_> {
    pub(super) fn storage(&self, tier: Option<TierName>) -> TokenStream {
        let support = &self.support;
        let vis = self.s.vis();
        let ident = self.storage_ident(tier);
        let generics = generics::params_used_by(self.s.generics(), self.group(tier));
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        let params = &generics.params;
        let fields: Vec<_> = self.group(tier).collect();
        let names: Vec<_> = fields.iter().map(|f| f.ident).collect();
        let labels: Vec<_> = fields.iter().map(|f| &f.name).collect();
        let keys: Vec<_> = fields.iter().map(|f| &f.key).collect();
        // A write of a field deletes its old keys (`alias`), so the stored object never
        // holds the field twice, which serde would refuse to read.
        let aliases: Vec<_> = fields.iter().map(|f| &f.aliases).collect();
        let slots: Vec<_> = fields.iter().map(|f| self.slot_type(f)).collect();
        let parts = self.slot_parts(fields.iter().copied());
        // A tier's table is its tier struct's; a nested object, and the empty unsafe
        // tier of a backend-only schema (which has no tier struct), have no other.
        let no_tier_struct =
            self.s.kind.backend_only() && tier == Some(crate::syntax::TierName::Unsafe);
        let fields_table = match tier.filter(|_| !no_tier_struct) {
            Some(tier) => {
                let tier_type = self.tier_type(tier);
                quote!(<#tier_type as #support::MetadataTier>::FIELDS)
            }
            None => {
                let infos = fields.iter().map(|f| self.field_info(f));
                quote!(&[#(#infos),*])
            }
        };
        let reads = fields.iter().enumerate().map(|(i, f)| {
            let name = f.ident;
            let read = if f.nested.is_some() {
                quote!(read_nested)
            } else {
                quote!(read_value)
            };
            quote! {
                #i => #support::#read(
                    &mut self.#name,
                    &<Self as #support::ObjectFields>::FIELDS[#i],
                    at,
                    map,
                ),
            }
        });
        let name = ident.to_string();
        // With no fields, the parameters go unused: name them so.
        let (skip, at, map, later) = if fields.is_empty() {
            (quote!(_skip), quote!(_at), quote!(_map), quote!(_later))
        } else {
            (quote!(mut skip), quote!(at), quote!(map), quote!(later))
        };

        // A nested object's storage is `Clone`, `PartialEq` and `Debug` when its fields
        // are, since the patches that hold it may be; a tier's storage only when the
        // schema asks for them on its patch (`#[metadata(derive(Clone, PartialEq))]`),
        // and never `Debug`: the patch's `Debug` reads the fields itself.
        let object = self.s.kind == Kind::Object;
        let trait_impl =
            |name: &str, bound: TokenStream, body: TokenStream| {
                if object {
                    let bounds = generics::deferred_bounds(&parts, &bound);
                    let where_clause = generics::where_clause(&generics, &bounds);
                    Some(quote! {
                        #[automatically_derived]
                        impl #impl_generics #bound for #ident #ty_generics #where_clause { #body }
                    })
                } else {
                    let bounds = generics::field_bounds(self.s, &bound, |f| f.tier == tier);
                    let where_clause = generics::where_clause(&generics, &bounds);
                    self.s.derives(name).then(|| quote! {
                    #[automatically_derived]
                    impl #impl_generics #bound for #ident #ty_generics #where_clause { #body }
                })
                }
            };
        let clone = trait_impl(
            "Clone",
            quote!(#support::Clone),
            quote! {
                fn clone(&self) -> Self {
                    #ident { #(#names: #support::Clone::clone(&self.#names),)* }
                }
            },
        );
        let eq = trait_impl(
            "PartialEq",
            quote!(#support::PartialEq),
            quote! {
                fn eq(&self, other: &Self) -> bool {
                    true #(&& self.#names == other.#names)*
                }
            },
        );
        let debug = object.then(|| {
            let bounds = generics::deferred_bounds(&parts, &quote!(#support::fmt::Debug));
            let debug_where = generics::where_clause(&generics, &bounds);
            quote! {
                #[automatically_derived]
                impl #impl_generics #support::fmt::Debug for #ident #ty_generics #debug_where {
                    fn fmt(&self, f: &mut #support::fmt::Formatter<'_>) -> #support::fmt::Result {
                        f.debug_struct(#name)
                            #(.field(#labels, &self.#names))*
                            .finish()
                    }
                }
            }
        });
        let serde_where = generics::where_clause(&generics, &self.serde_bounds(|f| f.tier == tier));
        quote! {
            #[doc(hidden)]
            #[allow(non_camel_case_types)]
            #vis struct #ident <#params> #where_clause {
                #(#names: #slots,)*
            }

            #[automatically_derived]
            impl #impl_generics #support::Default for #ident #ty_generics #where_clause {
                fn default() -> Self {
                    #ident { #(#names: #support::FieldPatch::Unchanged,)* }
                }
            }

            #clone
            #eq
            #debug

            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #support::ObjectFields for #ident #ty_generics #serde_where {
                const FIELDS: &'static [#support::FieldInfo] = #fields_table;

                fn is_touched(&self) -> bool {
                    false #(|| !self.#names.is_unchanged())*
                }

                fn write_entries<__M, __F>(
                    &self,
                    #map: &mut __M,
                    #skip: __F,
                ) -> #support::Result<(), __M::Error>
                where
                    __M: #support::serde::ser::SerializeMap,
                    __F: #support::FnMut(&'static str) -> bool,
                {
                    #(
                        if !self.#names.is_unchanged() && !skip(#keys) {
                            __M::serialize_entry(map, #keys, &self.#names)?;
                            #(__M::serialize_entry(map, #aliases, &#support::Option::<()>::None)?;)*
                        }
                    )*
                    #support::Result::Ok(())
                }

                fn read_field<'de, __A: #support::serde::de::MapAccess<'de>>(
                    &mut self,
                    index: usize,
                    #map: &mut __A,
                    #at: #support::At<'_>,
                ) -> #support::Result<(), __A::Error> {
                    match index {
                        #(#reads)*
                        _ => #support::Result::Err(#support::index_error()),
                    }
                }

                fn merge_from(&mut self, #later: Self) {
                    #(self.#names.merge_from(later.#names);)*
                }
            }
        }
    }
}
