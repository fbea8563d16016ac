//! Rules across fields: names the generated code would clash on, keys two fields
//! share, and what a nested object must allow.

use std::collections::BTreeMap;

use crate::ctxt::Ctxt;
use crate::model::{Kind, Schema};

/// Method names the generated patch types define for themselves.
const RESERVED: &[&str] = &[
    "new",
    "widen",
    "is_empty",
    "set_public",
    "set_private",
    "set_unsafe",
];

/// The claims of Clerk's session token (version 2) that a customization cannot set.
const CLERK_CLAIMS: &[&str] = &[
    "act", "azp", "exp", "fea", "fva", "iat", "iss", "jti", "nbf", "o", "pla", "sid", "sts", "sub",
    "v",
];

pub fn check(cx: &Ctxt, schema: &Schema) {
    let mut methods: BTreeMap<String, &str> = BTreeMap::new();
    let mut keys: BTreeMap<&str, &str> = BTreeMap::new();
    let mut claims: BTreeMap<&str, &str> = BTreeMap::new();
    for field in &schema.fields {
        if let Some(claim) = &field.claim
            && CLERK_CLAIMS.contains(&claim.as_str())
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` would be copied into the session-token claim `{claim}`, which is one of Clerk's own claims: Clerk keeps its value, so the field would read Clerk's; name another claim with `#[metadata(public, claim = \"...\")]`",
                    field.name
                ),
            );
        }
        if let Some(claim) = &field.claim
            && let Some(other) = claims.insert(claim, &field.name)
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "fields `{other}` and `{}` are both copied into the session-token claim `{claim}`",
                    field.name
                ),
            );
        }
        if RESERVED.contains(&field.name.as_str()) {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` would clash with the patch method of the same name; rename the field and keep its JSON key with `#[serde(rename = \"{}\")]`",
                    field.name, field.key
                ),
            );
        }
        let mut own = vec![field.name.clone(), format!("remove_{}", field.name)];
        if field.required {
            own.push(format!("remove_required_{}", field.name));
        }
        if field.nested.is_some() {
            own.push(format!("merge_{}", field.name));
        }
        for method in own {
            if let Some(other) = methods.insert(method.clone(), &field.name) {
                cx.error_spanned_by(
                    field.ident,
                    format_args!(
                        "the patch method `{method}` of field `{}` clashes with field `{other}`",
                        field.name
                    ),
                );
            }
        }
        for key in std::iter::once(&field.key).chain(&field.aliases) {
            if let Some(other) = keys.insert(key, &field.name)
                && other != field.name
            {
                cx.error_spanned_by(
                        field.ident,
                        format_args!(
                            "fields `{other}` and `{}` share the JSON key `{key}`: a patch could not tell them apart",
                            field.name
                        ),
                    );
            }
        }
        if field.nested.is_some()
            && let Some(alias) = field.aliases.first()
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` takes a nested patch and is also read from the old key `{alias}`: a merge would have to delete `{alias}` with every nested key the patch does not set, or leave two keys the schema cannot read together; migrate the stored data first (read the user with a plain `alias` field and replace the tier, which moves the object whole, unknown keys included), then drop the `alias` and mark the field `nested`",
                    field.name
                ),
            );
        }
        if schema.kind == Kind::Object && field.required {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` of a nested object must be optional (`Option<_>`, or `#[serde(default)]` on the field or the struct): a nested patch sends only the keys it changes, and Clerk creates a missing object from just those",
                    field.name
                ),
            );
        }
    }
}
