//! The patch of an object nested in metadata (`NotificationsPatch`), from
//! `#[derive(MetadataObject)]`: setters and removers for each nested field, and the
//! `MetadataObject` impl that lets a schema field marked `nested` take it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Gen;
use crate::generics;
use crate::model::Field;

impl Gen<'_, '_> {
    pub(super) fn object_patch(&self) -> TokenStream {
        let support = &self.support;
        let vis = self.s.vis();
        let object = self.s.ident();
        let patch = &self.patch;
        let generics = self.s.generics();
        let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
        let params = &generics.params;
        let storage = self.storage_type(None);
        let serde_where = generics::where_clause(generics, &self.serde_bounds(|_| true));
        let setters = self.s.fields.iter().map(|f| self.object_setters(f));
        let names: Vec<_> = self.s.fields.iter().map(|f| f.ident).collect();
        let labels: Vec<_> = self.s.fields.iter().map(|f| &f.name).collect();
        let patch_name = patch.to_string();
        // The first field named like an authorization fact, here or in a nested object.
        let checked = self.s.fields.iter().filter(|f| !f.user_controlled);
        let own = checked.clone().find(|f| {
            crate::check::authorization_word(
                std::iter::once(f.name.as_str())
                    .chain(std::iter::once(f.key.as_str()))
                    .chain(f.aliases.iter().map(String::as_str)),
            )
            .is_some()
        });
        let authorization = match own {
            Some(f) => {
                let name = format!("{}.{}", object, f.name);
                quote!(#support::Option::Some(#name))
            }
            None => {
                let inner = checked.filter_map(|f| f.nested).map(
                    |inner| quote!(<#inner as #support::MetadataObject>::__AUTHORIZATION_FIELD),
                );
                quote!(#support::first_authorization_field(&[#(#inner),*]))
            }
        };
        let doc = format!(
            "A typed patch of a [`{object}`] nested in metadata: the nested keys to set or remove, \
             sent as an object that Clerk merges key by key into the stored one.\n\n\
             As `Deserialize` it reads an object of the keys to change and rejects any key that \
             is not a field."
        );
        quote! {
            #[doc = #doc]
            #vis struct #patch <#params> #where_clause {
                __fields: #storage,
            }

            #[allow(unused_qualifications)]
            impl #impl_generics #patch #ty_generics #where_clause {
                /// An empty patch: it changes nothing until a setter is called.
                #[must_use]
                pub fn new() -> Self {
                    #patch { __fields: #support::Default::default() }
                }

                /// Whether the patch sends nothing.
                pub fn is_empty(&self) -> bool
                where
                    #storage: #support::ObjectFields,
                {
                    !#support::ObjectFields::is_touched(&self.__fields)
                }

                #(#setters)*
            }

            #[automatically_derived]
            impl #impl_generics #support::Default for #patch #ty_generics #where_clause {
                fn default() -> Self {
                    Self::new()
                }
            }

            #[automatically_derived]
            impl #impl_generics #support::Clone for #patch #ty_generics
            where
                for<'__b> #storage: #support::Clone,
            {
                fn clone(&self) -> Self {
                    #patch { __fields: #support::Clone::clone(&self.__fields) }
                }
            }

            #[automatically_derived]
            impl #impl_generics #support::PartialEq for #patch #ty_generics
            where
                for<'__b> #storage: #support::PartialEq,
            {
                fn eq(&self, other: &Self) -> bool {
                    self.__fields == other.__fields
                }
            }

            /// Shows which fields are set, never their values: the object may sit in
            /// private metadata.
            #[automatically_derived]
            impl #impl_generics #support::fmt::Debug for #patch #ty_generics #where_clause {
                fn fmt(&self, f: &mut #support::fmt::Formatter<'_>) -> #support::fmt::Result {
                    f.debug_struct(#patch_name)
                        #(.field(#labels, &#support::RedactedPatch(&self.__fields.#names)))*
                        .finish()
                }
            }

            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl #impl_generics #support::MetadataObject for #object #ty_generics #serde_where {
                type Patch = #patch #ty_generics;
                type __Fields = #storage;

                fn __into_fields(patch: Self::Patch) -> Self::__Fields {
                    patch.__fields
                }

                const __AUTHORIZATION_FIELD: #support::Option<&'static str> = #authorization;
            }

            #[automatically_derived]
            impl #impl_generics #support::serde::Serialize for #patch #ty_generics #serde_where {
                fn serialize<__S: #support::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> #support::Result<__S::Ok, __S::Error> {
                    #support::serialize_object(&self.__fields, serializer)
                }
            }

            #[automatically_derived]
            impl<'de, #params> #support::serde::Deserialize<'de> for #patch #ty_generics #serde_where {
                fn deserialize<__D: #support::serde::Deserializer<'de>>(
                    deserializer: __D,
                ) -> #support::Result<Self, __D::Error> {
                    #support::deserialize_object(deserializer)
                        .map(|fields| #patch { __fields: fields })
                }
            }
        }
    }

    fn object_setters(&self, f: &Field) -> TokenStream {
        let support = &self.support;
        let (ident, ty, docs) = (f.ident, f.ty, &f.docs);
        let (name, key) = (&f.name, &f.key);
        let remove = format_ident!("remove_{}", f.name, span = ident.span());
        let set_doc = format!("Sets `{name}` (JSON key `{key}`).");
        let remove_doc =
            format!("Removes `{name}`: sends `null`, which deletes the JSON key `{key}`.");
        let merge = f.nested.map(|inner| {
            let merge = format_ident!("merge_{}", f.name, span = ident.span());
            let merge_doc = format!(
                "Changes only the nested keys `patch` sets in `{name}`; Clerk keeps the others."
            );
            quote! {
                #[doc = #merge_doc]
                #[must_use]
                pub fn #merge(mut self, patch: <#inner as #support::MetadataObject>::Patch) -> Self {
                    #support::merge_nested(
                        &mut self.__fields.#ident,
                        <#inner as #support::MetadataObject>::__into_fields(patch),
                    );
                    self
                }
            }
        });
        quote! {
            #[doc = #set_doc]
            #[doc = ""]
            #(#docs)*
            #[must_use]
            pub fn #ident(mut self, value: impl #support::IntoValue<#ty>) -> Self {
                self.__fields.#ident = #support::FieldPatch::Set(#support::IntoValue::into_value(value));
                self
            }

            #[doc = #remove_doc]
            #[must_use]
            pub fn #remove(mut self) -> Self {
                self.__fields.#ident = #support::FieldPatch::Remove;
                self
            }

            #merge
        }
    }
}
