//! Writes the generated code, one module per kind of item: `tiers` (the tier structs),
//! `fields` (the hidden storage of a patch's fields), `patch` (the schema's patch type),
//! `object` (a nested object's patch type).

mod fields;
mod object;
mod patch;
mod tiers;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::{GenericParam, Type};

use crate::generics;
use crate::model::{Field, Schema};
use crate::syntax::TierName;

/// Everything `#[derive(UserMetadata)]`, `#[derive(OrganizationMetadata)]` or
/// `#[derive(MembershipMetadata)]` generates. A backend-only schema has no unsafe tier
/// struct; its patch keeps an empty unsafe storage, so the patch machinery is the same.
pub fn schema(schema: &Schema) -> TokenStream {
    let g = Gen::new(schema);
    let markers = g.field_markers();
    let tiers = TierName::ALL
        .into_iter()
        .filter(|tier| !(schema.kind.backend_only() && *tier == TierName::Unsafe))
        .map(|tier| g.tier_struct(tier));
    let storage = TierName::ALL.map(|tier| g.storage(Some(tier)));
    let user_metadata = g.user_metadata_impl();
    let patch = g.patch();
    let claims = g.claims_struct();
    let nested_checks = g.nested_authorization_checks();
    let alias = g.support_alias();
    quote! {
        #alias
        #markers
        #(#tiers)*
        #(#storage)*
        #user_metadata
        #patch
        #claims
        #nested_checks
    }
}

/// Everything `#[derive(MetadataObject)]` generates.
pub fn object(schema: &Schema) -> TokenStream {
    let g = Gen::new(schema);
    let markers = g.field_markers();
    let storage = g.storage(None);
    let patch = g.object_patch();
    let alias = g.support_alias();
    quote! {
        #alias
        #markers
        #storage
        #patch
    }
}

/// What the generators share: the schema and the names of the generated items.
struct Gen<'s, 'a> {
    s: &'s Schema<'a>,
    /// The support module of `clerk-metadata` for generated code, by the schema's own
    /// short alias of it (`__cm_AppUser`, declared beside the schema by
    /// [`support_alias`](Self::support_alias)): every path the
    /// generated code names starts here.
    support: TokenStream,
    /// The patch's context parameter: `C` unless the struct already uses that name.
    ctx: Ident,
    patch: Ident,
    markers: Ident,
}

impl<'s, 'a> Gen<'s, 'a> {
    fn new(s: &'s Schema<'a>) -> Self {
        let taken = |name: &str| {
            s.generics().params.iter().any(|p| match p {
                GenericParam::Type(t) => t.ident == name,
                GenericParam::Const(c) => c.ident == name,
                GenericParam::Lifetime(_) => false,
            })
        };
        let ctx = ["C", "Ctx", "__Ctx"]
            .into_iter()
            .find(|n| !taken(n))
            .unwrap_or("__Ctx");
        let ident = s.ident();
        Gen {
            s,
            support: {
                // Spanned at the call site, as the full path was: errors that point at
                // a bound keep pointing at the derive and the field.
                let alias = Ident::new(&format!("__cm_{ident}"), Span::call_site());
                quote!(#alias)
            },
            ctx: Ident::new(ctx, Span::call_site()),
            patch: format_ident!("{}Patch", ident),
            markers: format_ident!("__{}_metadata_fields", ident),
        }
    }

    /// `use ::clerk_metadata::__private_0_1 as __cm_AppUser;`: one short name for the
    /// support module, beside the schema (private to its module or block, and named
    /// after the schema, so two schemas in one module do not clash). The generated code
    /// names the support module a few hundred times; the alias keeps the expansion, and
    /// the work of every build that expands it, small.
    fn support_alias(&self) -> TokenStream {
        let support = &self.support;
        quote! {
            #[doc(hidden)]
            #[allow(unused_imports, non_snake_case)]
            use ::clerk_metadata::__private_0_1 as #support;
        }
    }

    /// The fields of a tier, or every field of a nested object.
    fn group(
        &self,
        tier: Option<TierName>,
    ) -> impl Iterator<Item = &'s Field<'a>> + Clone + use<'s, 'a> {
        self.s.fields.iter().filter(move |f| f.tier == tier)
    }

    fn tier_ident(&self, tier: TierName) -> Ident {
        format_ident!("{}{}", self.s.ident(), tier.suffix())
    }

    /// The tier struct as a type: `AppUserPublic<T>`.
    fn tier_type(&self, tier: TierName) -> TokenStream {
        let ident = self.tier_ident(tier);
        let generics = generics::params_used_by(self.s.generics(), self.group(Some(tier)));
        let (_, ty_generics, _) = generics.split_for_impl();
        quote!(#ident #ty_generics)
    }

    /// The patch's context as a type: its parameter, or `Backend` for a backend-only
    /// patch, which has none.
    fn ctx_type(&self) -> TokenStream {
        if self.s.kind.backend_only() {
            let support = &self.support;
            quote!(#support::Backend)
        } else {
            let ctx = &self.ctx;
            quote!(#ctx)
        }
    }

    fn tier_marker(&self, tier: TierName) -> TokenStream {
        let support = &self.support;
        let ident = Ident::new(tier.suffix(), Span::call_site());
        quote!(#support::#ident)
    }

    /// The hidden storage struct of a group: `__AppUserPublicFields`, `__NotificationsFields`.
    fn storage_ident(&self, tier: Option<TierName>) -> Ident {
        format_ident!(
            "__{}{}Fields",
            self.s.ident(),
            tier.map(TierName::suffix).unwrap_or_default()
        )
    }

    /// The storage struct as a type: `__AppUserPublicFields<T>`.
    fn storage_type(&self, tier: Option<TierName>) -> TokenStream {
        let ident = self.storage_ident(tier);
        let generics = generics::params_used_by(self.s.generics(), self.group(tier));
        let (_, ty_generics, _) = generics.split_for_impl();
        quote!(#ident #ty_generics)
    }

    /// The storage of one field: `FieldPatch<T>`, or for a nested field
    /// `FieldPatch<T, <N as MetadataObject>::__Fields>`.
    fn slot_type(&self, f: &Field) -> TokenStream {
        let support = &self.support;
        let ty = f.ty;
        match f.nested {
            Some(inner) => {
                quote!(#support::FieldPatch<#ty, <#inner as #support::MetadataObject>::__Fields>)
            }
            None => quote!(#support::FieldPatch<#ty>),
        }
    }

    /// The types whose traits decide whether the storage of `fields` has a trait: each
    /// field's type, and a nested field's nested storage.
    fn slot_parts(&self, fields: impl Iterator<Item = &'s Field<'a>>) -> Vec<Type> {
        let support = &self.support;
        let mut types = Vec::new();
        for f in fields {
            types.push(f.ty.clone());
            if let Some(inner) = f.nested {
                types.push(syn::parse_quote!(<#inner as #support::MetadataObject>::__Fields));
            }
        }
        types
    }

    /// `T: Serialize + DeserializeOwned` for the type parameters `fields` use.
    fn serde_bounds(&self, only: impl Fn(&Field) -> bool) -> Vec<TokenStream> {
        let support = &self.support;
        generics::field_bounds(
            self.s,
            &quote!(#support::serde::Serialize + #support::serde::de::DeserializeOwned),
            only,
        )
    }

    /// The `FieldInfo` table entry of a field.
    fn field_info(&self, f: &Field) -> TokenStream {
        let support = &self.support;
        let (name, key, aliases) = (&f.name, &f.key, &f.aliases);
        let required = f.required;
        let nested = f.nested.is_some();
        let type_name = type_name(f.ty);
        let claim = match &f.claim {
            Some(claim) => quote!(#support::Option::Some(#claim)),
            None => quote!(#support::Option::None),
        };
        quote! {
            #support::FieldInfo {
                name: #name,
                key: #key,
                aliases: &[#(#aliases),*],
                required: #required,
                nested: #nested,
                claim: #claim,
                type_name: #type_name,
            }
        }
    }

    /// For each unsafe field holding a nested object (not `user_controlled`): a constant
    /// that fails to compile when a field of that object, at any depth, reads like an
    /// authorization fact. Constants cannot name a generic schema's parameters, so a
    /// generic schema is not checked this way.
    fn nested_authorization_checks(&self) -> TokenStream {
        if !self.s.generics().params.is_empty() {
            return TokenStream::new();
        }
        let support = &self.support;
        let checks = self
            .group(Some(TierName::Unsafe))
            .filter(|f| !f.user_controlled)
            .filter_map(|f| f.nested.map(|inner| (f, inner)))
            .map(|(f, inner)| {
                let message = format!(
                    "a field of the object nested in unsafe field `{}` reads like an authorization fact, but the signed-in user writes unsafe metadata, from your frontend or straight through Clerk's Frontend API: put it in public metadata, or mark that nested field `#[metadata(user_controlled)]` if it is only the user's request that the backend checks",
                    f.name
                );
                quote_spanned! {f.ident.span()=>
                    const _: () = if <#inner as #support::MetadataObject>::__AUTHORIZATION_FIELD.is_some() {
                        ::core::panic!(#message)
                    };
                }
            });
        quote!(#(#checks)*)
    }

    /// One uninhabited marker type per field, named after the field, so that the write
    /// guard's error message can name the field; the optional ones are `Removable`.
    fn field_markers(&self) -> TokenStream {
        // A module does not see the alias of a schema declared in a function body:
        // the full path here.
        let support = quote!(::clerk_metadata::__private_0_1);
        let markers = &self.markers;
        let items = self.s.fields.iter().map(|f| {
            let ident = f.ident;
            let doc = match f.tier {
                Some(tier) => format!("The `{}` field ({} metadata).", f.name, tier.word()),
                None => format!("The `{}` field.", f.name),
            };
            let removable = (!f.required)
                .then(|| quote_spanned!(ident.span()=> impl #support::Removable for #ident {}));
            quote_spanned!(ident.span()=> #[doc = #doc] pub enum #ident {} #removable)
        });
        quote! {
            #[doc(hidden)]
            #[allow(non_snake_case, non_camel_case_types, unreachable_pub, dead_code)]
            mod #markers {
                #(#items)*
            }
        }
    }
}

/// A type as written, for messages: `Option<String>`, `Vec<u32>`.
fn type_name(ty: &Type) -> String {
    let mut out = String::new();
    for token in quote!(#ty).to_string().split(' ') {
        let glued = out.is_empty()
            || matches!(token, "<" | ">" | "::" | "," | ";" | ")" | "]")
            || out.ends_with(['<', '(', '[', '&', ' '])
            || out.ends_with("::");
        if !glued {
            out.push(' ');
        }
        out.push_str(token);
        if matches!(token, "," | ";") {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn type_names_read_as_written() {
        let cases = [
            ("Option<String>", "Option<String>"),
            ("Vec < u32 >", "Vec<u32>"),
            (
                "std :: collections :: BTreeMap<String, Vec<u8>>",
                "std::collections::BTreeMap<String, Vec<u8>>",
            ),
            ("[u8; 4]", "[u8; 4]"),
            ("(u8, bool)", "(u8, bool)"),
            ("& 'static str", "&'static str"),
        ];
        for (written, shown) in cases {
            let ty: syn::Type = syn::parse_str(written).unwrap();
            assert_eq!(super::type_name(&ty), shown, "{written}");
        }
    }
}
