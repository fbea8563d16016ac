//! Reads the attributes the derive understands: `#[metadata(...)]`, the `#[serde(...)]`
//! attributes that decide JSON keys, and doc comments.

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

/// Serialize and deserialize forms of a name or rule.
pub struct SerDe<T> {
    pub ser: Option<T>,
    pub de: Option<T>,
}

impl<T> Default for SerDe<T> {
    fn default() -> Self {
        SerDe {
            ser: None,
            de: None,
        }
    }
}

/// What the container's attributes say.
#[derive(Default)]
pub struct ContainerAttrs<'a> {
    /// `#[metadata(crate = "...")]`.
    pub krate: Option<syn::Path>,
    /// `#[metadata(derive(...))]`.
    pub derives: Vec<syn::Path>,
    /// `#[serde(rename_all = ...)]`.
    pub rename_all: SerDe<RenameRule>,
    /// The `#[serde(...)]` attributes, copied onto every tier struct.
    pub serde: Vec<&'a Attribute>,
}

/// What a field's attributes say.
#[derive(Default)]
pub struct FieldAttrs<'a> {
    /// Every tier the field names, with the token that named it.
    pub tiers: Vec<(TierName, syn::Path)>,
    /// `#[serde(rename = ...)]`.
    pub rename: SerDe<String>,
    /// `#[serde(alias = ...)]`.
    pub aliases: Vec<String>,
    /// The `#[serde(...)]` attributes, copied onto the tier struct's field.
    pub serde: Vec<&'a Attribute>,
    /// Doc comments, copied onto the tier struct's field and the patch methods.
    pub docs: Vec<&'a Attribute>,
}

/// Derives the generated structs may also carry.
const DERIVES: &[&str] = &[
    "Debug",
    "Clone",
    "Copy",
    "PartialEq",
    "Eq",
    "Hash",
    "Default",
];

pub fn container_attrs<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> ContainerAttrs<'a> {
    let mut out = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("metadata") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    let lit: LitStr = meta.value()?.parse()?;
                    match lit.parse::<syn::Path>() {
                        Ok(path) => out.krate = Some(path),
                        Err(_) => cx.error_spanned_by(&lit, "`crate` must be a path, like \"::clerk_metadata\""),
                    }
                    Ok(())
                } else if meta.path.is_ident("derive") {
                    meta.parse_nested_meta(|derive| {
                        if DERIVES.iter().any(|d| derive.path.is_ident(d)) {
                            out.derives.push(derive.path.clone());
                        } else {
                            cx.error_spanned_by(
                                &derive.path,
                                format_args!(
                                    "`#[metadata(derive(...))]` takes only standard derives: {}",
                                    DERIVES.join(", ")
                                ),
                            );
                        }
                        Ok(())
                    })
                } else {
                    cx.error_spanned_by(
                        &meta.path,
                        "unknown container attribute: `#[metadata(...)]` on the struct takes `crate = \"...\"` or `derive(...)`; the tier goes on each field",
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
                    out.rename_all = rename_rules(cx, &meta)?;
                    return Ok(());
                }
                const PASSED: &[&str] = &["deny_unknown_fields", "default", "bound", "expecting", "rename"];
                if !PASSED.iter().any(|p| meta.path.is_ident(p)) {
                    cx.error_spanned_by(
                        &meta.path,
                        "this `#[serde(...)]` container attribute changes the shape of the JSON, and a metadata tier is always a JSON object of its fields; supported: rename_all, deny_unknown_fields, default, bound, expecting",
                    );
                }
                skip_value(&meta)
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
    }
    out
}

pub fn field_attrs<'a>(cx: &Ctxt, attrs: &'a [Attribute]) -> FieldAttrs<'a> {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            out.docs.push(attr);
        } else if attr.path().is_ident("metadata") {
            let result = attr.parse_nested_meta(|meta| {
                match TierName::ALL
                    .into_iter()
                    .find(|t| meta.path.is_ident(t.word()))
                {
                    Some(tier) => out.tiers.push((tier, meta.path.clone())),
                    None => {
                        cx.error_spanned_by(
                            &meta.path,
                            "unknown metadata attribute: expected `public`, `private` or `unsafe`",
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
                    let names = names(&meta)?;
                    out.rename = names;
                    return Ok(());
                }
                if meta.path.is_ident("alias") {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.aliases.push(lit.value());
                    return Ok(());
                }
                const PASSED: &[&str] = &["default", "skip_serializing_if", "bound"];
                if !PASSED.iter().any(|p| meta.path.is_ident(p)) {
                    cx.error_spanned_by(
                        &meta.path,
                        "this `#[serde(...)]` field attribute is not supported on a metadata field: a typed patch writes each field as its own JSON value; supported: rename, alias, default, skip_serializing_if, bound (for custom encodings, wrap the type in a newtype)",
                    );
                }
                skip_value(&meta)
            });
            if let Err(e) = result {
                cx.syn_error(e);
            }
        }
    }
    out
}

/// `rename = "x"` or `rename(serialize = "x", deserialize = "y")`.
fn names(meta: &ParseNestedMeta) -> syn::Result<SerDe<String>> {
    if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        return Ok(SerDe {
            ser: Some(lit.value()),
            de: Some(lit.value()),
        });
    }
    let mut out = SerDe::default();
    meta.parse_nested_meta(|inner| {
        let lit: LitStr = inner.value()?.parse()?;
        if inner.path.is_ident("serialize") {
            out.ser = Some(lit.value());
        } else if inner.path.is_ident("deserialize") {
            out.de = Some(lit.value());
        } else {
            return Err(inner.error("expected `serialize` or `deserialize`"));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `rename_all = "..."` or `rename_all(serialize = "...", deserialize = "...")`.
fn rename_rules(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<SerDe<RenameRule>> {
    let lits: SerDe<LitStr> = if meta.input.peek(syn::Token![=]) {
        let lit: LitStr = meta.value()?.parse()?;
        SerDe {
            ser: Some(lit.clone()),
            de: Some(lit),
        }
    } else {
        let mut out = SerDe::default();
        meta.parse_nested_meta(|inner| {
            let lit: LitStr = inner.value()?.parse()?;
            if inner.path.is_ident("serialize") {
                out.ser = Some(lit);
            } else if inner.path.is_ident("deserialize") {
                out.de = Some(lit);
            } else {
                return Err(inner.error("expected `serialize` or `deserialize`"));
            }
            Ok(())
        })?;
        out
    };
    let rule = |lit: Option<LitStr>| {
        let lit = lit?;
        let rule = RenameRule::from_name(&lit.value());
        if rule.is_none() {
            cx.error_spanned_by(
                &lit,
                format_args!("unknown rename rule; expected one of {}", RenameRule::NAMES),
            );
        }
        rule
    };
    Ok(SerDe {
        ser: rule(lits.ser),
        de: rule(lits.de),
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
