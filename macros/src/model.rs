//! The schema: the input struct read into what the code generator needs.

use proc_macro2::{Ident, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Fields, GenericParam, Generics, Type, Visibility};

use crate::ctxt::Ctxt;
use crate::syntax::{self, TierName};

pub struct Schema<'a> {
    pub input: &'a DeriveInput,
    pub krate: syn::Path,
    pub derives: Vec<syn::Path>,
    pub serde_attrs: Vec<&'a Attribute>,
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    /// The field as written, for spans.
    pub original: &'a syn::Field,
    /// The field's identifier, raw form kept (`r#type`), for access.
    pub ident: &'a Ident,
    /// The identifier without `r#`, for generated names.
    pub name: String,
    pub ty: &'a Type,
    pub tier: TierName,
    /// The JSON key the field is serialized under.
    pub ser_key: String,
    /// Every JSON key the field is read from: its deserialize name and aliases.
    pub de_keys: Vec<String>,
    pub serde_attrs: Vec<&'a Attribute>,
    pub docs: Vec<&'a Attribute>,
}

impl<'a> Schema<'a> {
    pub fn from_input(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let container = syntax::container_attrs(cx, &input.attrs);
        let named = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(named),
                Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        &input.ident,
                        "UserMetadata needs a struct with named fields: a tuple struct has no JSON keys",
                    );
                    None
                }
                Fields::Unit => {
                    cx.error_spanned_by(
                        &input.ident,
                        "UserMetadata needs a struct with named fields: a unit struct has no metadata",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    "UserMetadata can only be derived for a struct with named fields, not an enum",
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    "UserMetadata can only be derived for a struct with named fields, not a union",
                );
                None
            }
        };
        for param in &input.generics.params {
            if let GenericParam::Lifetime(lifetime) = param {
                cx.error_spanned_by(
                    lifetime,
                    "UserMetadata does not support lifetime parameters: metadata structs own their data",
                );
            }
        }
        let named = named?;
        let fields = named
            .named
            .iter()
            .filter_map(|field| Field::from_syn(cx, field, &container.rename_all))
            .collect();
        Some(Schema {
            input,
            krate: container
                .krate
                .unwrap_or_else(|| syn::parse_quote!(::clerk_metadata)),
            derives: container.derives,
            serde_attrs: container.serde,
            fields,
        })
    }

    pub fn ident(&self) -> &Ident {
        &self.input.ident
    }

    pub fn vis(&self) -> &Visibility {
        &self.input.vis
    }

    pub fn generics(&self) -> &Generics {
        &self.input.generics
    }

    pub fn fields_of(&self, tier: TierName) -> impl Iterator<Item = &Field<'a>> + Clone {
        self.fields.iter().filter(move |f| f.tier == tier)
    }

    pub fn derives(&self, name: &str) -> bool {
        self.derives.iter().any(|d| d.is_ident(name))
    }

    /// The generic parameters (types and consts) that the fields of `tier` mention,
    /// so a tier struct declares only the parameters it uses.
    pub fn params_used_by(&self, tier: TierName) -> Generics {
        let mut used = Generics::default();
        for param in &self.generics().params {
            let ident = match param {
                GenericParam::Type(t) => &t.ident,
                GenericParam::Const(c) => &c.ident,
                GenericParam::Lifetime(_) => continue,
            };
            if self.fields_of(tier).any(|f| type_mentions(f.ty, ident)) {
                used.params.push(param.clone());
            }
        }
        if let Some(where_clause) = &self.generics().where_clause {
            let unused: Vec<&Ident> = self
                .generics()
                .params
                .iter()
                .filter_map(|p| match p {
                    GenericParam::Type(t) => Some(&t.ident),
                    GenericParam::Const(c) => Some(&c.ident),
                    GenericParam::Lifetime(_) => None,
                })
                .filter(|ident| !used.params.iter().any(|p| param_ident(p) == Some(*ident)))
                .collect();
            let mut kept = where_clause.clone();
            kept.predicates = where_clause
                .predicates
                .iter()
                .filter(|pred| {
                    let tokens = quote::quote!(#pred);
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
}

fn param_ident(param: &GenericParam) -> Option<&Ident> {
    match param {
        GenericParam::Type(t) => Some(&t.ident),
        GenericParam::Const(c) => Some(&c.ident),
        GenericParam::Lifetime(_) => None,
    }
}

/// Whether the type `ty` mentions the generic parameter `ident`.
pub fn type_mentions(ty: &Type, ident: &Ident) -> bool {
    tokens_mention(quote::quote!(#ty), ident)
}

/// Whether `ident` occurs anywhere in `tokens`.
fn tokens_mention(tokens: TokenStream, ident: &Ident) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == *ident,
        TokenTree::Group(g) => tokens_mention(g.stream(), ident),
        _ => false,
    })
}

impl<'a> Field<'a> {
    fn from_syn(
        cx: &Ctxt,
        field: &'a syn::Field,
        rename_all: &syntax::SerDe<crate::case::RenameRule>,
    ) -> Option<Self> {
        let attrs = syntax::field_attrs(cx, &field.attrs);
        let ident = field.ident.as_ref()?;
        let name = ident.unraw().to_string();
        let tier = match attrs.tiers.as_slice() {
            [] => {
                cx.error_spanned_by(
                    ident,
                    format_args!(
                        "field `{name}` has no metadata tier: mark it `#[metadata(public)]`, `#[metadata(private)]` or `#[metadata(unsafe)]`"
                    ),
                );
                return None;
            }
            [(tier, _)] => *tier,
            [(first, _), rest @ ..] => {
                for (second, path) in rest {
                    cx.error_spanned_by(
                        path,
                        format_args!(
                            "field `{name}` names two metadata tiers, `{}` and `{}`: a field lives in exactly one",
                            first.word(),
                            second.word()
                        ),
                    );
                }
                return None;
            }
        };
        let ser_key = attrs
            .rename
            .ser
            .clone()
            .or_else(|| rename_all.ser.map(|rule| rule.apply_to_field(&name)))
            .unwrap_or_else(|| name.clone());
        let mut de_keys = vec![
            attrs
                .rename
                .de
                .clone()
                .or_else(|| rename_all.de.map(|rule| rule.apply_to_field(&name)))
                .unwrap_or_else(|| name.clone()),
        ];
        for alias in attrs.aliases {
            if !de_keys.contains(&alias) {
                de_keys.push(alias);
            }
        }
        Some(Field {
            original: field,
            ident,
            name,
            ty: &field.ty,
            tier,
            ser_key,
            de_keys,
            serde_attrs: attrs.serde,
            docs: attrs.docs,
        })
    }
}
