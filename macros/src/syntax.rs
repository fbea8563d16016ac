//! Reads the attributes the derives understand: `#[metadata(...)]`, the `#[serde(...)]`
//! attributes that decide JSON keys and what a read may lack, and doc comments.
//!
//! serde's own rules are followed exactly: an attribute may be split over several
//! `#[serde(...)]` attributes (and `cfg_attr`, which the compiler expands before a
//! derive sees the item), `rename(serialize = "..")` and `rename(deserialize = "..")`
//! set one direction each, and setting the same thing twice is an error, as serde
//! reports it.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// A metadata tier, as written in `#[metadata(public)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierName {
    Public,
    Private,
    Unsafe,
}

impl TierName {
    pub const ALL: [TierName; 3] = [TierName::Public, TierName::Private, TierName::Unsafe];

    pub fn word(self) -> &'static str {
        match self {
            TierName::Public => "public",
            TierName::Private => "private",
            TierName::Unsafe => "unsafe",
        }
    }

    /// The tier's suffix on generated type names: `Public`, `Private`, `Unsafe`.
    pub fn suffix(self) -> &'static str {
        match self {
            TierName::Public => "Public",
            TierName::Private => "Private",
            TierName::Unsafe => "Unsafe",
        }
    }
}

/// A value an attribute sets once, with the tokens that set it (for errors).
pub struct Once<T> {
    name: &'static str,
    value: Option<(T, TokenStream)>,
}

impl<T> Once<T> {
    fn new(name: &'static str) -> Self {
        Once { name, value: None }
    }

    /// Sets the value; a second set is serde's "duplicate serde attribute" error.
    fn set(&mut self, cx: &Ctxt, tokens: impl ToTokens, value: T) {
        let tokens = tokens.into_token_stream();
        if self.value.is_some() {
            cx.error_spanned_by(
                tokens,
                format_args!("duplicate serde attribute `{}`", self.name),
            );
        } else {
            self.value = Some((value, tokens));
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref().map(|(value, _)| value)
    }

    pub fn tokens(&self) -> Option<&TokenStream> {
        self.value.as_ref().map(|(_, tokens)| tokens)
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// The serialize and deserialize forms of a name or rule.
pub struct SerDe<T> {
    pub ser: Once<T>,
    pub de: Once<T>,
}

impl<T> SerDe<T> {
    fn new(name: &'static str) -> Self {
        SerDe {
            ser: Once::new(name),
            de: Once::new(name),
        }
    }
}

/// What the container's attributes say.
pub struct ContainerAttrs<'a> {
    /// `#[metadata(derive(...))]`.
    pub derives: Vec<syn::Path>,
    /// `#[serde(rename_all = ...)]`.
    pub rename_all: SerDe<RenameRule>,
    /// `#[serde(default)]` or `#[serde(default = "...")]`.
    pub default: Once<()>,
    /// The `#[serde(...)]` attributes, copied onto every tier struct.
    pub serde: Vec<&'a Attribute>,
    /// `#[metadata(drop_unknown_keys)]` on a nested object: it has no field for the keys
    /// it does not name, and says so.
    pub drop_unknown_keys: Option<syn::Path>,
    /// `#[serde(deny_unknown_fields)]`, with its token.
    pub deny_unknown_fields: Option<syn::Path>,
}

/// What a field's attributes say.
pub struct FieldAttrs<'a> {
    /// Every tier the field names, with the token that named it.
    pub tiers: Vec<(TierName, syn::Path)>,
    /// `#[metadata(nested)]`, with its token.
    pub nested: Option<syn::Path>,
    /// `#[metadata(claim)]` or `#[metadata(claim = "name")]`: the field is copied into
    /// the session token, under its key or under `name`. The token, and the name.
    pub claim: Option<(syn::Path, Option<String>)>,
    /// `#[metadata(user_controlled)]`: an unsafe field whose name reads like an
    /// authorization fact, acknowledged as what the signed-in user may set.
    pub user_controlled: Option<syn::Path>,
    /// `#[serde(rename = ...)]`.
    pub rename: SerDe<String>,
    /// `#[serde(alias = ...)]`.
    pub aliases: Vec<String>,
    /// `#[serde(default)]` or `#[serde(default = "...")]`.
    pub default: Once<()>,
    /// `#[serde(skip_serializing_if = "...")]`.
    pub skip_serializing_if: Once<()>,
    /// The `#[serde(...)]` attributes, copied onto the tier struct's field.
    pub serde: Vec<&'a Attribute>,
    /// Doc comments, copied onto the tier struct's field and the patch methods.
    pub docs: Vec<&'a Attribute>,
}

const CONTAINER_SERDE: &str = "rename_all, deny_unknown_fields, default, bound, expecting";

pub fn container_attrs<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> ContainerAttrs<'a> {
    let mut out = ContainerAttrs {
        derives: Vec::new(),
        rename_all: SerDe::new("rename_all"),
        default: Once::new("default"),
        serde: Vec::new(),
        drop_unknown_keys: None,
        deny_unknown_fields: None,
    };
    let mut deny_unknown_fields = Once::new("deny_unknown_fields");
    for attr in attrs {
        if attr.path().is_ident("metadata") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    cx.error_spanned_by(
                        &meta.path,
                        "`#[metadata(crate = ...)]` is not supported: the generated code always names `::clerk_metadata`, so the write guard cannot be pointed at another crate; for a renamed dependency, add `extern crate <name> as clerk_metadata;` to the crate root",
                    );
                    skip_value(&meta)
                } else if meta.path.is_ident("derive") {
                    meta.parse_nested_meta(|derive| {
                        out.derives.push(derive.path.clone());
                        Ok(())
                    })
                } else if meta.path.is_ident("drop_unknown_keys") {
                    out.drop_unknown_keys = Some(meta.path.clone());
                    Ok(())
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        "unknown container attribute: `#[metadata(...)]` on the struct takes `derive(...)` (and, on a nested object, `drop_unknown_keys`); the tier goes on each field",
                    );
                    skip_value(&meta)
                }
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        } else if attr.path().is_ident("serde") {
            out.serde.push(attr);
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    rename_rules(cx, &meta, &mut out.rename_all)
                } else if meta.path.is_ident("default") {
                    out.default.set(cx, &meta.path, ());
                    skip_value(&meta)
                } else if meta.path.is_ident("deny_unknown_fields") {
                    deny_unknown_fields.set(cx, &meta.path, ());
                    out.deny_unknown_fields = Some(meta.path.clone());
                    Ok(())
                } else if ["bound", "expecting", "rename"]
                    .iter()
                    .any(|p| meta.path.is_ident(p))
                {
                    // serde checks these itself; they do not change the keys.
                    skip_value(&meta)
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        format_args!(
                            "this `#[serde(...)]` container attribute changes the shape of the JSON, and a metadata object is always a JSON object of its fields; supported: {CONTAINER_SERDE}"
                        ),
                    );
                    skip_value(&meta)
                }
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
    }
    out
}

const FIELD_SERDE: &str = "rename, alias, default, skip_serializing_if, bound";

pub fn field_attrs<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> FieldAttrs<'a> {
    let mut out = FieldAttrs {
        tiers: Vec::new(),
        nested: None,
        claim: None,
        user_controlled: None,
        rename: SerDe::new("rename"),
        aliases: Vec::new(),
        default: Once::new("default"),
        skip_serializing_if: Once::new("skip_serializing_if"),
        serde: Vec::new(),
        docs: Vec::new(),
    };
    for attr in attrs {
        if attr.path().is_ident("doc") {
            out.docs.push(attr);
        } else if attr.path().is_ident("metadata") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("nested") {
                    if out.nested.is_some() {
                        cx.error_spanned_by(&meta.path, "duplicate metadata attribute `nested`");
                    }
                    out.nested = Some(meta.path.clone());
                    return Ok(());
                }
                if meta.path.is_ident("user_controlled") {
                    if out.user_controlled.is_some() {
                        cx.error_spanned_by(
                            &meta.path,
                            "duplicate metadata attribute `user_controlled`",
                        );
                    }
                    out.user_controlled = Some(meta.path.clone());
                    return Ok(());
                }
                if meta.path.is_ident("claim") {
                    if out.claim.is_some() {
                        cx.error_spanned_by(&meta.path, "duplicate metadata attribute `claim`");
                    }
                    let name = if meta.input.peek(syn::Token![=]) {
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        let name = lit.value();
                        if name.is_empty() {
                            cx.error_spanned_by(&lit, "a claim name cannot be empty");
                        }
                        Some(name)
                    } else {
                        None
                    };
                    out.claim = Some((meta.path.clone(), name));
                    return Ok(());
                }
                match TierName::ALL
                    .into_iter()
                    .find(|t| meta.path.is_ident(t.word()))
                {
                    Some(tier) => out.tiers.push((tier, meta.path.clone())),
                    None => {
                        cx.error_spanned_by(
                            &meta.path,
                            "unknown metadata attribute: expected `public`, `private` or `unsafe`, and optionally `nested`, `claim` or `user_controlled`",
                        );
                        skip_value(&meta)?;
                    }
                }
                Ok(())
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        } else if attr.path().is_ident("serde") {
            out.serde.push(attr);
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    names(cx, &meta, &mut out.rename)
                } else if meta.path.is_ident("alias") {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.aliases.push(lit.value());
                    Ok(())
                } else if meta.path.is_ident("default") {
                    out.default.set(cx, &meta.path, ());
                    skip_value(&meta)
                } else if meta.path.is_ident("skip_serializing_if") {
                    out.skip_serializing_if.set(cx, &meta.path, ());
                    skip_value(&meta)
                } else if meta.path.is_ident("bound") {
                    skip_value(&meta)
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        format_args!(
                            "this `#[serde(...)]` field attribute is not supported on a metadata field: a typed patch writes each field as its own JSON value; supported: {FIELD_SERDE} (for custom encodings, wrap the type in a newtype)"
                        ),
                    );
                    skip_value(&meta)
                }
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
    }
    out
}

/// The `#[serde(...)]` items of a field other than `flatten`, for the error that
/// refuses them on the field that keeps a nested object's unknown keys.
pub fn serde_items_besides_flatten(attrs: &[Attribute]) -> Vec<syn::Path> {
    let mut items = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // A malformed attribute is reported by serde.
        let _ = attr.parse_nested_meta(|meta| {
            if !meta.path.is_ident("flatten") {
                items.push(meta.path.clone());
            }
            skip_value(&meta)
        });
    }
    items
}

/// Whether a field is `#[serde(flatten)]`.
pub fn is_flatten(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .any(|attr| {
            let mut found = false;
            // A malformed attribute is reported by `field_attrs`.
            let _ = attr.parse_nested_meta(|meta| {
                found |= meta.path.is_ident("flatten");
                skip_value(&meta)
            });
            found
        })
}

/// `rename = "x"` (both directions) or `rename(serialize = "x", deserialize = "y")`.
fn names(cx: &Ctxt, meta: &ParseNestedMeta, out: &mut SerDe<String>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        out.ser.set(cx, &lit, lit.value());
        out.de.set(cx, &lit, lit.value());
        return Ok(());
    }
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            out.ser.set(cx, &lit, lit.value());
        } else if inner.path.is_ident("deserialize") {
            out.de.set(cx, &lit, lit.value());
        } else {
            return Err(inner.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })
}

/// `rename_all = "..."` or `rename_all(serialize = "...", deserialize = "...")`.
fn rename_rules(cx: &Ctxt, meta: &ParseNestedMeta, out: &mut SerDe<RenameRule>) -> syn::Result<()> {
    let rule = |lit: &LitStr| {
        let rule = RenameRule::from_name(&lit.value());
        if rule.is_none() {
            cx.error_spanned_by(
                lit,
                format_args!("unknown rename rule; expected one of {}", RenameRule::NAMES),
            );
        }
        rule
    };
    if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        if let Some(rule) = rule(&lit) {
            out.ser.set(cx, &lit, rule);
            out.de.set(cx, &lit, rule);
        }
        return Ok(());
    }
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        let slot = if inner.path.is_ident("serialize") {
            &mut out.ser
        } else if inner.path.is_ident("deserialize") {
            &mut out.de
        } else {
            return Err(inner.error("expected `serialize` or `deserialize`"));
        };
        if let Some(rule) = rule(&lit) {
            slot.set(cx, &lit, rule);
        }
        Ok(())
    })
}

/// Consumes whatever follows a nested meta's path: `= value` or `( ... )`.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| skip_value(&inner))?;
    }
    Ok(())
}
