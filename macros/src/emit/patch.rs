//! The schema's patch type (`AppUserPatch<C>`): its storage slots, setters, removers
//! and nested merges, each behind the write guard of its tier, and its trait impls.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

use super::Gen;
use crate::generics;
use crate::model::Field;
use crate::syntax::TierName;

impl Gen<'_, '_> {
    /// Where a write of `tier` finds its storage in `self`: the slot opened by the
    /// guard for public and private metadata, the unsafe fields directly.
    fn open(&self, tier: TierName, what: &TokenStream) -> TokenStream {
        let support = &self.support;
        let ctx = self.ctx_type();
        let marker = self.tier_marker(tier);
        match tier {
            TierName::Public => {
                quote!(<#ctx as #support::CanWrite<#what, #marker>>::__open(&mut self.__public))
            }
            TierName::Private => {
                quote!(<#ctx as #support::CanWrite<#what, #marker>>::__open(&mut self.__private))
            }
            TierName::Unsafe => quote!(&mut self.__unsafe),
        }
    }

    /// The guard of a write of `what` in `tier`: none for unsafe metadata, which every
    /// context may write, so code generic over the context can write it, and none in a
    /// backend-only patch, whose context is `Backend`.
    fn guard(&self, tier: TierName, what: &TokenStream, span: Span) -> Option<TokenStream> {
        let support = &self.support;
        let ctx = &self.ctx;
        let marker = self.tier_marker(tier);
        (tier != TierName::Unsafe && !self.s.kind.backend_only())
            .then(|| quote_spanned!(span=> #ctx: #support::CanWrite<#what, #marker>,))
    }

    pub(super) fn patch(&self) -> TokenStream {
        let support = &self.support;
        let vis = self.s.vis();
        let user = self.s.ident();
        let patch = &self.patch;
        let backend_only = self.s.kind.backend_only();
        let ctx_param = &self.ctx;
        let ctx = self.ctx_type();
        let generics = self.s.generics();
        let user_params: Vec<_> = generics.params.iter().collect();
        let where_clause = &generics.where_clause;
        let bare_params = generics::params_without_defaults(generics);
        let args = generics::param_args(generics);
        // A backend-only patch has no context parameter: its context is `Backend`.
        let (struct_params, impl_params, this) = if backend_only {
            (
                quote!(#(#user_params),*),
                quote!(#(#bare_params),*),
                quote!(#patch<#(#args),*>),
            )
        } else {
            (
                quote!(#ctx_param: #support::Writer #(, #user_params)*),
                quote!(#ctx_param: #support::Writer #(, #bare_params)*),
                quote!(#patch<#ctx_param #(, #args)*>),
            )
        };
        let user_where = generics::where_clause(generics, &[]);
        let serde_where = generics::where_clause(generics, &self.serde_bounds(|_| true));
        let [public_storage, private_storage, unsafe_storage] =
            TierName::ALL.map(|t| self.storage_type(Some(t)));
        let [public_marker, private_marker, _] = TierName::ALL.map(|t| self.tier_marker(t));

        let doc = if backend_only {
            let endpoint = match self.s.kind {
                crate::model::Kind::Membership => {
                    "PATCH /v1/organizations/{organization_id}/memberships/{user_id}/metadata"
                }
                _ => "PATCH /v1/organizations/{organization_id}/metadata",
            };
            format!(
                "A typed merge patch of [`{user}`] metadata for Clerk's `{endpoint}`.\n\n\
                 Each field has a setter named like the field and a `remove_…` method that sends `null`, \
                 which deletes the key; untouched fields are not sent. Only the backend writes this \
                 metadata (Clerk's Frontend API cannot), so the patch's writer is always \
                 [`Backend`](::clerk_metadata::Backend) and there is no `Frontend` patch.\n\n\
                 As `Deserialize` it reads a flat object, `{{\"field\": value}}` (`null` removes), \
                 of any public or private field, and rejects a key that is not a field: use it only for \
                 input the backend trusts, such as an admin tool whose caller it has authorized.",
            )
        } else {
            format!(
                "A typed merge patch of [`{user}`] metadata for Clerk's `PATCH /v1/users/{{user_id}}/metadata`.\n\n\
             Each field has a setter named like the field and a `remove_…` method that sends `null`, \
             which deletes the key; untouched fields are not sent. `{ctx_param}` is the writer's context: \
             [`Backend`](::clerk_metadata::Backend) may write every tier, [`Frontend`](::clerk_metadata::Frontend) \
             only unsafe metadata, and a write the context may not make does not compile: a `Frontend` \
             patch has no storage for public or private values at all.\n\n\
             As `Deserialize` it reads the flat object a browser sends, `{{\"field\": value}}` \
             (`null` removes), and rejects a key the context may not write or that is not a field.",
            )
        };

        let setters = self.s.fields.iter().map(|f| self.setters(f));
        let tier_setters = TierName::ALL.map(|tier| {
            let method = format_ident!("set_{}", tier.word());
            let tier_ident = self.tier_ident(tier);
            let tier_ty = self.tier_type(tier);
            let names: Vec<_> = self.group(Some(tier)).map(|f| f.ident).collect();
            let doc = format!(
                "Sets every field of the {} tier to the values in `tier` (each key is sent; `None` and nested objects as the field setters send them).",
                tier.word()
            );
            let guard = self.guard(tier, &tier_ty, Span::call_site());
            let open = self.open(tier, &tier_ty);
            let body = if names.is_empty() {
                quote!(let _ = tier;)
            } else {
                quote! {
                    let #tier_ident { #(#names),* } = tier;
                    let fields = #open;
                    #(fields.#names = #support::FieldPatch::Set(#names);)*
                }
            };
            quote! {
                #[doc = #doc]
                #[must_use]
                pub fn #method(mut self, tier: #tier_ty) -> Self
                where
                    #guard
                {
                    #body
                    self
                }
            }
        });
        let tier_setters: Vec<_> = tier_setters
            .into_iter()
            .zip(TierName::ALL)
            .filter(|(_, tier)| !(backend_only && *tier == TierName::Unsafe))
            .map(|(setter, _)| setter)
            .collect();

        let debug_types = self.slot_parts(
            self.s
                .fields
                .iter()
                .filter(|f| f.tier != Some(TierName::Private)),
        );
        let debug_bounds = generics::deferred_bounds(&debug_types, &quote!(#support::fmt::Debug));
        let debug_where = generics::where_clause(generics, &debug_bounds);
        let debug_tier = |tier: TierName, slot: TokenStream| {
            let marker = self.tier_marker(tier);
            let entries = self.group(Some(tier)).map(|f| {
                let (ident, label) = (f.ident, &f.name);
                if tier == TierName::Private {
                    quote!(d.field(#label, &#support::RedactedPatch(&fields.#ident));)
                } else {
                    quote!(d.field(#label, &fields.#ident);)
                }
            });
            let entries: Vec<_> = entries.collect();
            (!entries.is_empty()).then(|| {
                quote! {
                    if let #support::Option::Some(fields) =
                        <#ctx as #support::Writer>::__get::<#marker, _>(&self.#slot)
                    {
                        #(#entries)*
                    }
                }
            })
        };
        let debug_public = debug_tier(TierName::Public, quote!(__public));
        let debug_private = debug_tier(TierName::Private, quote!(__private));
        let unsafe_entries = self.group(Some(TierName::Unsafe)).map(|f| {
            let (ident, label) = (f.ident, &f.name);
            quote!(d.field(#label, &self.__unsafe.#ident);)
        });
        let patch_name = patch.to_string();

        // `Clone` and `PartialEq` when the schema asks for them: the tier structs derive
        // them then, and so the fields have them.
        let bounded = |bound: TokenStream| {
            generics::where_clause(generics, &generics::field_bounds(self.s, &bound, |_| true))
        };
        let clone_where = bounded(quote!(#support::Clone));
        let eq_where = bounded(quote!(#support::PartialEq));
        let clone = self.s.derives("Clone").then(|| {
            quote! {
                #[automatically_derived]
                impl<#impl_params> #support::Clone for #this #clone_where {
                    fn clone(&self) -> Self {
                        #patch {
                            __public: <#ctx as #support::Writer>::__clone::<#public_marker, _>(&self.__public),
                            __private: <#ctx as #support::Writer>::__clone::<#private_marker, _>(&self.__private),
                            __unsafe: #support::Clone::clone(&self.__unsafe),
                        }
                    }
                }
            }
        });
        let eq = self.s.derives("PartialEq").then(|| {
            quote! {
                #[automatically_derived]
                impl<#impl_params> #support::PartialEq for #this #eq_where {
                    fn eq(&self, other: &Self) -> bool {
                        <#ctx as #support::Writer>::__get::<#public_marker, _>(&self.__public)
                            == <#ctx as #support::Writer>::__get::<#public_marker, _>(&other.__public)
                            && <#ctx as #support::Writer>::__get::<#private_marker, _>(&self.__private)
                                == <#ctx as #support::Writer>::__get::<#private_marker, _>(&other.__private)
                            && self.__unsafe == other.__unsafe
                    }
                }
            }
        });
        let backend = quote!(#patch<#support::Backend #(, #args)*>);
        let frontend = quote!(#patch<#support::Frontend #(, #args)*>);
        let wider = quote!(#patch<__W #(, #args)*>);
        let widen = (!backend_only).then(|| {
            quote! {
                /// The same patch, usable where context `W` is expected: a `Frontend` patch
                /// widens to `Backend`, never the reverse.
                pub fn widen<__W: #support::Writer>(self) -> #wider
                where
                    #ctx: #support::Within<__W>,
                {
                    #patch {
                        __public: <#ctx as #support::Within<__W>>::__widen::<#public_marker, _>(self.__public),
                        __private: <#ctx as #support::Within<__W>>::__widen::<#private_marker, _>(self.__private),
                        __unsafe: self.__unsafe,
                    }
                }
            }
        });
        let from_frontend = (!backend_only).then(|| {
            quote! {
                #[automatically_derived]
                impl<#(#bare_params),*> #support::From<#frontend> for #backend #user_where {
                    fn from(patch: #frontend) -> Self {
                        patch.widen()
                    }
                }
            }
        });

        quote! {
            #[doc = #doc]
            #vis struct #patch<#struct_params> #where_clause {
                __public: <#ctx as #support::Writer>::Slot<#public_marker, #public_storage>,
                __private: <#ctx as #support::Writer>::Slot<#private_marker, #private_storage>,
                __unsafe: #unsafe_storage,
            }

            #[allow(unused_qualifications)]
            impl<#impl_params> #this #user_where {
                /// An empty patch: it changes nothing until a setter is called.
                #[must_use]
                pub fn new() -> Self {
                    #patch {
                        __public: <#ctx as #support::Writer>::__empty::<#public_marker, _>(),
                        __private: <#ctx as #support::Writer>::__empty::<#private_marker, _>(),
                        __unsafe: #support::Default::default(),
                    }
                }

                /// Whether the patch sends nothing.
                pub fn is_empty(&self) -> bool
                where
                    Self: #support::MetadataPatch,
                {
                    #support::MetadataPatch::is_empty(self)
                }

                #widen

                #(#setters)*
                #(#tier_setters)*
            }

            #[automatically_derived]
            impl<#impl_params> #support::Default for #this #user_where {
                fn default() -> Self {
                    Self::new()
                }
            }

            #clone
            #eq

            #from_frontend

            /// Private metadata values are never shown.
            #[automatically_derived]
            impl<#impl_params> #support::fmt::Debug for #this #debug_where {
                fn fmt(&self, f: &mut #support::fmt::Formatter<'_>) -> #support::fmt::Result {
                    let mut d = f.debug_struct(#patch_name);
                    d.field("context", &<#ctx as #support::Writer>::NAME);
                    #debug_public
                    #debug_private
                    #(#unsafe_entries)*
                    d.finish()
                }
            }

            #[automatically_derived]
            #[allow(unused_qualifications)]
            impl<#impl_params> #support::MetadataPatch for #this #serde_where {
                type Writer = #ctx;
                type __Public = #public_storage;
                type __Private = #private_storage;
                type __Unsafe = #unsafe_storage;

                fn __parts(&self) -> #support::PartsOf<'_, Self> {
                    #support::PatchParts {
                        public: &self.__public,
                        private: &self.__private,
                        unsafe_: &self.__unsafe,
                    }
                }

                fn __parts_mut(&mut self) -> #support::PartsMutOf<'_, Self> {
                    #support::PatchPartsMut {
                        public: &mut self.__public,
                        private: &mut self.__private,
                        unsafe_: &mut self.__unsafe,
                    }
                }
            }

            #[automatically_derived]
            impl<#impl_params> #support::serde::Serialize for #this #serde_where {
                fn serialize<__S: #support::serde::Serializer>(
                    &self,
                    serializer: __S,
                ) -> #support::Result<__S::Ok, __S::Error> {
                    #support::serialize_patch(self, serializer)
                }
            }

            #[automatically_derived]
            impl<'de, #impl_params> #support::serde::Deserialize<'de> for #this #serde_where {
                fn deserialize<__D: #support::serde::Deserializer<'de>>(
                    deserializer: __D,
                ) -> #support::Result<Self, __D::Error> {
                    #support::deserialize_patch(deserializer)
                }
            }
        }
    }

    /// A field's setter, remover and, for a nested field, its merge.
    fn setters(&self, f: &Field) -> TokenStream {
        let support = &self.support;
        let markers = &self.markers;
        let Some(tier) = f.tier else {
            return TokenStream::new();
        };
        let (ident, ty, docs) = (f.ident, f.ty, &f.docs);
        let span = ident.span();
        let what = quote_spanned!(span=> #markers::#ident);
        let guard = self.guard(tier, &what, span);
        let open = self.open(tier, &what);
        let word = tier.word();
        let (name, key) = (&f.name, &f.key);
        let set_doc = format!("Sets `{name}` ({word} metadata, JSON key `{key}`).");
        let remove = format_ident!("remove_{}", f.name, span = span);
        let remove_doc = format!(
            "Removes `{name}` ({word} metadata): sends `null`, which deletes the JSON key `{key}`."
        );
        let set = quote! {
            #[doc = #set_doc]
            #[doc = ""]
            #(#docs)*
            #[must_use]
            pub fn #ident(mut self, value: impl #support::IntoValue<#ty>) -> Self
            where
                #guard
            {
                let fields = #open;
                fields.#ident = #support::FieldPatch::Set(#support::IntoValue::into_value(value));
                self
            }
        };
        let removers = if f.required {
            let required = format_ident!("remove_required_{}", f.name, span = span);
            let required_doc = format!(
                "Removes `{name}` ({word} metadata) although the schema requires it: sends `null`, which deletes the JSON key `{key}`, and every strict read fails until it is set again."
            );
            // `remove_…` exists so that calling it fails with a message that says why.
            quote_spanned! {span=>
                #[doc(hidden)]
                #[must_use]
                pub fn #remove(self) -> Self
                where
                    #guard
                    for<'__r> #what: #support::Removable,
                {
                    self.#required()
                }

                #[doc = #required_doc]
                #[must_use]
                pub fn #required(mut self) -> Self
                where
                    #guard
                {
                    let fields = #open;
                    fields.#ident = #support::FieldPatch::Remove;
                    self
                }
            }
        } else {
            quote! {
                #[doc = #remove_doc]
                #[must_use]
                pub fn #remove(mut self) -> Self
                where
                    #guard
                {
                    let fields = #open;
                    fields.#ident = #support::FieldPatch::Remove;
                    self
                }
            }
        };
        let merge = f.nested.map(|inner| {
            let merge = format_ident!("merge_{}", f.name, span = span);
            let merge_doc = format!(
                "Changes only the nested keys `patch` sets in `{name}` ({word} metadata): Clerk merges the object key by key and keeps the others. A later merge of the same field adds to this one; a later set replaces it."
            );
            quote! {
                #[doc = #merge_doc]
                #[must_use]
                pub fn #merge(mut self, patch: <#inner as #support::MetadataObject>::Patch) -> Self
                where
                    #guard
                {
                    let fields = #open;
                    #support::merge_nested(
                        &mut fields.#ident,
                        <#inner as #support::MetadataObject>::__into_fields(patch),
                    );
                    self
                }
            }
        });
        quote! {
            #set
            #removers
            #merge
        }
    }
}
