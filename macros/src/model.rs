//! The schema: the input struct read into what the code generator needs.

use proc_macro2::Ident;
use syn::ext::IdentExt;
use syn::{
    Attribute, Data, DeriveInput, Fields, GenericArgument, GenericParam, Generics, PathArguments,
    Type, Visibility,
};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::syntax::{self, SerDe, TierName};

/// What is derived: a user metadata schema (fields in three tiers), an organization or
/// membership schema (fields in the public and private tiers, written by the backend
/// only), or an object nested in one (fields without tiers).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Schema,
    Organization,
    Membership,
    Object,
}

impl Kind {
    /// The derive's name, for messages.
    pub fn derive_name(self) -> &'static str {
        match self {
            Kind::Schema => "UserMetadata",
            Kind::Organization => "OrganizationMetadata",
            Kind::Membership => "MembershipMetadata",
            Kind::Object => "MetadataObject",
        }
    }

    /// Whether each field has a tier: every kind but a nested object.
    pub fn has_tiers(self) -> bool {
        self != Kind::Object
    }

    /// Whether only the backend writes the schema (no unsafe tier, no `Frontend`
    /// patch): organization and membership metadata, which Clerk's Frontend API
    /// cannot write.
    pub fn backend_only(self) -> bool {
        matches!(self, Kind::Organization | Kind::Membership)
    }

    /// What the schema's metadata belongs to, for messages: `an organization`.
    pub fn owner(self) -> &'static str {
        match self {
            Kind::Organization => "an organization",
            Kind::Membership => "an organization membership",
            Kind::Schema | Kind::Object => "a user",
        }
    }
}

pub struct Schema<'a> {
    pub input: &'a DeriveInput,
    pub kind: Kind,
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
    /// The tier; `None` in a nested object.
    pub tier: Option<TierName>,
    /// `#[metadata(nested)]`: the type whose nested patch the field takes (the field's
    /// type, or `T` of an `Option<T>`).
    pub nested: Option<&'a Type>,
    /// The JSON key, read and written.
    pub key: String,
    /// Other keys the field is read from.
    pub aliases: Vec<String>,
    /// `#[metadata(claim)]`: the session-token claim the field is copied into.
    pub claim: Option<String>,
    /// `Option<T>`: its `T`.
    pub option_of: Option<&'a Type>,
    /// Whether a read of stored metadata fails without the key.
    pub required: bool,
    /// Whether the user set `skip_serializing_if`.
    pub skips_serializing: bool,
    /// `#[metadata(user_controlled)]`: acknowledged as the signed-in user's to set.
    pub user_controlled: bool,
    pub serde_attrs: Vec<&'a Attribute>,
    pub docs: Vec<&'a Attribute>,
}

impl<'a> Schema<'a> {
    pub fn from_input(cx: &Ctxt, input: &'a DeriveInput, kind: Kind) -> Option<Self> {
        let container = syntax::container_attrs(cx, &input.attrs);
        let what = kind.derive_name();
        let named = match &input.data {
            Data::Struct(data) => {
                match &data.fields {
                    Fields::Named(named) => Some(named),
                    Fields::Unnamed(_) => {
                        cx.error_spanned_by(
                        &input.ident,
                        format_args!("{what} needs a struct with named fields: a tuple struct has no JSON keys"),
                    );
                        None
                    }
                    Fields::Unit => {
                        cx.error_spanned_by(
                        &input.ident,
                        format_args!("{what} needs a struct with named fields: a unit struct has no metadata"),
                    );
                        None
                    }
                }
            }
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    format_args!(
                        "{what} can only be derived for a struct with named fields, not an enum"
                    ),
                );
                None
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    format_args!(
                        "{what} can only be derived for a struct with named fields, not a union"
                    ),
                );
                None
            }
        };
        for param in &input.generics.params {
            if let GenericParam::Lifetime(lifetime) = param {
                cx.error_spanned_by(
                    lifetime,
                    format_args!("{what} does not support lifetime parameters: metadata structs own their data"),
                );
            }
        }
        let named = named?;
        let container_default = container.default.is_set();
        let (flattened, plain): (Vec<_>, Vec<_>) = named
            .named
            .iter()
            .partition(|field| syntax::is_flatten(&field.attrs));
        let fields = plain
            .into_iter()
            .filter_map(|field| {
                Field::from_syn(cx, field, kind, &container.rename_all, container_default)
            })
            .collect();
        check_unknown_keys_field(cx, input, kind, &flattened, &container);
        Some(Schema {
            input,
            kind,
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

    /// Whether the user asked for `derive(name)` on the generated structs.
    pub fn derives(&self, name: &str) -> bool {
        self.derives.iter().any(|d| {
            d.segments
                .last()
                .is_some_and(|segment| segment.ident == name)
        })
    }
}

impl<'a> Field<'a> {
    fn from_syn(
        cx: &Ctxt,
        field: &'a syn::Field,
        kind: Kind,
        rename_all: &SerDe<RenameRule>,
        container_default: bool,
    ) -> Option<Self> {
        let attrs = syntax::field_attrs(cx, &field.attrs);
        let ident = field.ident.as_ref()?;
        let name = ident.unraw().to_string();
        let tier = match (kind.has_tiers(), attrs.tiers.as_slice()) {
            (false, []) => None,
            (false, [(_, path), ..]) => {
                cx.error_spanned_by(
                    path,
                    "a field of a nested object has no tier of its own: it belongs to the tier of the field that holds the object",
                );
                return None;
            }
            (true, []) => {
                let tiers = if kind.backend_only() {
                    "`#[metadata(public)]` or `#[metadata(private)]`"
                } else {
                    "`#[metadata(public)]`, `#[metadata(private)]` or `#[metadata(unsafe)]`"
                };
                cx.error_spanned_by(
                    ident,
                    format_args!("field `{name}` has no metadata tier: mark it {tiers}"),
                );
                return None;
            }
            (true, [(TierName::Unsafe, path)]) if kind.backend_only() => {
                cx.error_spanned_by(
                    path,
                    format_args!(
                        "field `{name}` is marked `unsafe`, but the metadata of {} has no unsafe tier: Clerk stores only public and private metadata there, and its Frontend API cannot write either; mark the field `#[metadata(public)]` (the browser reads it) or `#[metadata(private)]` (backend only)",
                        kind.owner()
                    ),
                );
                return None;
            }
            (true, [(tier, _)]) => Some(*tier),
            (true, [(first, _), rest @ ..]) => {
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
        let key = key(cx, ident, &name, &attrs.rename, rename_all)?;
        let claim = match (&attrs.claim, tier) {
            (None, _) => None,
            (Some((_, name)), Some(TierName::Public)) => {
                Some(name.clone().unwrap_or_else(|| key.clone()))
            }
            (Some((path, _)), _) => {
                cx.error_spanned_by(
                    path,
                    "only public metadata goes into the session token: `claim` needs `#[metadata(public)]`",
                );
                return None;
            }
        };
        let mut aliases = Vec::new();
        for alias in attrs.aliases {
            if alias != key && !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
        if let Some(path) = &attrs.user_controlled
            && tier.is_some_and(|t| t != TierName::Unsafe)
        {
            cx.error_spanned_by(
                path,
                "`user_controlled` belongs on unsafe metadata, the tier the signed-in user writes: public and private metadata are written by the backend alone",
            );
        }
        let option_of = option_of(&field.ty);
        Some(Field {
            original: field,
            ident,
            name,
            ty: &field.ty,
            tier,
            nested: attrs.nested.is_some().then(|| option_of.unwrap_or(&field.ty)),
            key,
            aliases,
            claim,
            option_of,
            required: option_of.is_none() && !attrs.default.is_set() && !container_default,
            skips_serializing: attrs.skip_serializing_if.is_set(),
            user_controlled: attrs.user_controlled.is_some(),
            serde_attrs: attrs.serde,
            docs: attrs.docs,
        })
        .inspect(|f| {
            if let Some(tokens) = attrs.skip_serializing_if.tokens().filter(|_| f.required) {
                cx.error_spanned_by(
                    tokens,
                    format_args!(
                        "`skip_serializing_if` on a required field: a replace could leave `{}` out, and the schema could not read the stored metadata back; add `#[serde(default)]` or make the field an `Option`",
                        f.key
                    ),
                );
            }
        })
    }
}

/// The field that keeps a nested object's unknown keys: `#[serde(flatten)] unknown:
/// UnknownKeys`, required in a nested object unless it says
/// `#[metadata(drop_unknown_keys)]`, and refused in a schema (its tiers keep unknown
/// keys by themselves, in `Stored`).
fn check_unknown_keys_field(
    cx: &Ctxt,
    input: &DeriveInput,
    kind: Kind,
    flattened: &[&syn::Field],
    container: &syntax::ContainerAttrs<'_>,
) {
    if kind.has_tiers() {
        for field in flattened {
            cx.error_spanned_by(
                field,
                "`#[serde(flatten)]` is not supported on a metadata field: each tier already keeps the keys the schema does not name (read it as `Stored<_>`), and a patch writes each field as its own JSON key",
            );
        }
        if let Some(path) = &container.drop_unknown_keys {
            cx.error_spanned_by(
                path,
                "`drop_unknown_keys` belongs on a nested object (`#[derive(MetadataObject)]`): a tier keeps the keys it does not name in `Stored<_>`",
            );
        }
        return;
    }
    let mut unknown = None;
    for field in flattened {
        let named_unknown_keys = matches!(
            &field.ty,
            Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "UnknownKeys")
        );
        if !named_unknown_keys {
            cx.error_spanned_by(
                &field.ty,
                "only `clerk_metadata::UnknownKeys` may be flattened into a nested object: it keeps the keys the object does not name; a flattened struct would hide its keys from the nested patch",
            );
        } else if unknown.is_some() {
            cx.error_spanned_by(field, "a nested object has one `UnknownKeys` field");
        } else if field.attrs.iter().any(|a| a.path().is_ident("metadata")) {
            cx.error_spanned_by(
                field,
                "the `UnknownKeys` field takes no `#[metadata(...)]`: it is not a field a patch can write",
            );
        } else if let Some(other) = syntax::serde_items_besides_flatten(&field.attrs).first() {
            cx.error_spanned_by(
                other,
                "the `UnknownKeys` field takes `#[serde(flatten)]` and nothing else: skipping it, or reading or writing it another way, would drop the keys it keeps",
            );
        } else {
            unknown = field.ident.as_ref();
        }
    }
    if let (Some(_), Some(path)) = (unknown, &container.deny_unknown_fields) {
        cx.error_spanned_by(
            path,
            "`deny_unknown_fields` refuses the keys the `UnknownKeys` field keeps: a key another service stores inside the object would make every read of the user fail; remove it",
        );
    }
    match (unknown, &container.drop_unknown_keys) {
        (Some(_), Some(path)) => cx.error_spanned_by(
            path,
            "`drop_unknown_keys` and an `UnknownKeys` field contradict each other: keep one",
        ),
        (None, None) if flattened.is_empty() => cx.error_spanned_by(
            &input.ident,
            format_args!(
                "nested object `{}` must keep the keys it does not name, or a replace built from a read deletes what another service stored inside it: add `#[serde(flatten)] pub unknown: clerk_metadata::UnknownKeys`, or put `#[metadata(drop_unknown_keys)]` on the struct to let them go",
                input.ident
            ),
        ),
        _ => {}
    }
}

/// The JSON key of a field, resolved as serde resolves it: the field's own `rename`,
/// else the container's `rename_all`, else the name, for each direction. The two
/// directions must agree: a metadata key written under one name and read under another
/// would be read as missing and deleted by the next replace.
fn key(
    cx: &Ctxt,
    ident: &Ident,
    name: &str,
    rename: &SerDe<String>,
    rename_all: &SerDe<RenameRule>,
) -> Option<String> {
    let resolve = |own: &syntax::Once<String>, rule: &syntax::Once<RenameRule>| {
        own.get()
            .cloned()
            .or_else(|| rule.get().map(|rule| rule.apply_to_field(name)))
            .unwrap_or_else(|| name.to_owned())
    };
    let ser = resolve(&rename.ser, &rename_all.ser);
    let de = resolve(&rename.de, &rename_all.de);
    if ser == de {
        return Some(ser);
    }
    let blame = [
        rename.ser.tokens(),
        rename.de.tokens(),
        rename_all.ser.tokens(),
        rename_all.de.tokens(),
    ]
    .into_iter()
    .flatten()
    .next()
    .cloned()
    .unwrap_or_else(|| quote::quote!(#ident));
    cx.error_spanned_by(
        blame,
        format_args!(
            "field `{name}` would be written as `{ser}` and read as `{de}`: a metadata key must be the same both ways, or the stored value is read as missing and deleted by the next replace; use one `rename = \"...\"`, and `alias = \"...\"` to also read an old key"
        ),
    );
    None
}

/// `T` of a field written `Option<T>` (or `std::option::Option<T>`).
fn option_of(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [GenericArgument::Type(inner)] => Some(inner),
        _ => None,
    }
}
