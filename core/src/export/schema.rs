//! The JSON Schema of each tier.

use schemars::JsonSchema;
use serde_json::{Map, Value, json};

use crate::schema::field::FieldInfo;
use crate::schema::metadata::{Metadata, MetadataTier, UserMetadata};

/// The JSON Schemas of a schema's three tiers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TierSchemas {
    /// Public metadata.
    pub public: Value,
    /// Private metadata.
    pub private: Value,
    /// Unsafe metadata.
    pub unsafe_: Value,
}

/// The JSON Schema (draft 2020-12) of tier `T` as it is stored: the object serde reads,
/// with every other key allowed (`additionalProperties: true`: Clerk keeps unknown
/// keys, and so does this crate) and each field's aliases read as its key.
pub fn json_schema<T: JsonSchema + MetadataTier>() -> Value {
    let mut schema = schemars::schema_for!(T).to_value();
    integer_bounds(&mut schema);
    if let Value::Object(root) = &mut schema {
        root.insert("additionalProperties".to_owned(), Value::Bool(true));
        add_aliases(root, T::FIELDS);
    }
    schema
}

/// The range of each integer type schemars names by `format`: serde refuses a number
/// outside it, so the schema does too.
fn integer_bounds(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            let bounds: Option<(i128, i128)> = match object.get("format").and_then(Value::as_str) {
                Some("uint8") => Some((0, u8::MAX.into())),
                Some("uint16") => Some((0, u16::MAX.into())),
                Some("uint32") => Some((0, u32::MAX.into())),
                Some("uint64" | "uint") => Some((0, u64::MAX.into())),
                Some("int8") => Some((i8::MIN.into(), i8::MAX.into())),
                Some("int16") => Some((i16::MIN.into(), i16::MAX.into())),
                Some("int32") => Some((i32::MIN.into(), i32::MAX.into())),
                Some("int64" | "int") => Some((i64::MIN.into(), i64::MAX.into())),
                _ => None,
            };
            if let Some((min, max)) = bounds {
                let number = |n: i128| {
                    i64::try_from(n)
                        .map(Value::from)
                        .or_else(|_| u64::try_from(n).map(Value::from))
                        .unwrap_or(Value::Null)
                };
                object.entry("minimum").or_insert_with(|| number(min));
                object.entry("maximum").or_insert_with(|| number(max));
            }
            object.values_mut().for_each(integer_bounds);
        }
        Value::Array(items) => items.iter_mut().for_each(integer_bounds),
        _ => {}
    }
}

/// The JSON Schemas of `S`'s three tiers.
pub fn json_schemas<S>() -> TierSchemas
where
    S: UserMetadata,
    S::Public: JsonSchema,
    S::Private: JsonSchema,
    S::Unsafe: JsonSchema,
{
    TierSchemas {
        public: json_schema::<S::Public>(),
        private: json_schema::<S::Private>(),
        unsafe_: json_schema::<S::Unsafe>(),
    }
}

/// The JSON Schemas of a schema's public and private tiers: an organization's or a
/// membership's (which have no other), or a user schema's without its unsafe tier.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MetadataSchemas {
    /// Public metadata.
    pub public: Value,
    /// Private metadata.
    pub private: Value,
}

/// The JSON Schemas of `M`'s public and private tiers, as [`json_schema`] makes each:
/// for an [`OrganizationMetadata`](crate::OrganizationMetadata) or
/// [`MembershipMetadata`](crate::MembershipMetadata) schema, its two tiers.
///
/// ```
/// use clerk_metadata::{OrganizationMetadata, export};
///
/// #[derive(OrganizationMetadata)]
/// #[metadata(derive(schemars::JsonSchema))]
/// struct Customer {
///     #[metadata(public)]
///     seats: u32,
///     #[metadata(private)]
///     crm_id: Option<String>,
/// }
///
/// let schemas = export::metadata_json_schemas::<Customer>();
/// assert_eq!(schemas.public["properties"]["seats"]["maximum"], u32::MAX);
/// assert_eq!(schemas.private["additionalProperties"], true);
/// ```
pub fn metadata_json_schemas<M>() -> MetadataSchemas
where
    M: Metadata,
    M::Public: JsonSchema,
    M::Private: JsonSchema,
{
    MetadataSchemas {
        public: json_schema::<M::Public>(),
        private: json_schema::<M::Private>(),
    }
}

/// Each alias reads as its field: the same schema under the alias key; a required
/// field is present under its key or one alias; and never under two of them (serde
/// refuses a duplicate field).
fn add_aliases(root: &mut Map<String, Value>, fields: &[FieldInfo]) {
    let mut all_of = Vec::new();
    for field in fields.iter().filter(|f| !f.aliases.is_empty()) {
        let Some(Value::Object(properties)) = root.get_mut("properties") else {
            return;
        };
        let Some(property) = properties.get(field.key).cloned() else {
            continue;
        };
        for alias in field.aliases {
            let mut property = property.clone();
            if let Value::Object(object) = &mut property {
                object.insert(
                    "description".to_owned(),
                    Value::String(format!(
                        "An older key of `{}`, read as it; written as `{}`.",
                        field.key, field.key
                    )),
                );
            }
            properties.insert((*alias).to_owned(), property);
        }
        let names: Vec<&str> = std::iter::once(field.key)
            .chain(field.aliases.iter().copied())
            .collect();
        if let Some(Value::Array(required)) = root.get_mut("required")
            && let Some(at) = required.iter().position(|r| r == field.key)
        {
            required.remove(at);
            all_of.push(json!({ "anyOf": names.iter().map(|n| json!({"required": [n]})).collect::<Vec<_>>() }));
        }
        for (i, a) in names.iter().enumerate() {
            for b in &names[i + 1..] {
                all_of.push(json!({ "not": {"required": [a, b]} }));
            }
        }
    }
    if !all_of.is_empty() {
        root.insert("allOf".to_owned(), Value::Array(all_of));
    }
}
