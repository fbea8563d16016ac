//! Rules across fields: names the generated code would clash on.

use std::collections::BTreeMap;

use crate::ctxt::Ctxt;
use crate::model::Schema;

/// Method names the generated patch type defines for itself.
const RESERVED: &[&str] = &[
    "new",
    "widen",
    "is_empty",
    "set_public",
    "set_private",
    "set_unsafe",
];

pub fn check(cx: &Ctxt, schema: &Schema) {
    let mut methods: BTreeMap<String, &str> = BTreeMap::new();
    let mut keys: BTreeMap<&str, &str> = BTreeMap::new();
    for field in &schema.fields {
        if RESERVED.contains(&field.name.as_str()) {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` would clash with the patch method of the same name; rename the field and keep its JSON key with `#[serde(rename = \"{}\")]`",
                    field.name, field.ser_key
                ),
            );
        }
        for method in [field.name.clone(), format!("remove_{}", field.name)] {
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
        for key in std::iter::once(&field.ser_key).chain(&field.de_keys) {
            if let Some(other) = keys.insert(key, &field.name) {
                if other != field.name {
                    cx.error_spanned_by(
                        field.ident,
                        format_args!(
                            "fields `{other}` and `{}` share the JSON key `{key}`: a patch could not tell them apart",
                            field.name
                        ),
                    );
                }
            }
        }
    }
}
