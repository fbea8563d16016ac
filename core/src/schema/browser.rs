//! Patches read from a browser's JSON: `{"theme": "dark"}`, flat, each key checked
//! against the context before its value is read.
//!
//! The browser is hostile. Every key must name a field the context may write; a key
//! sent twice, a `null` for a field the schema requires, and a value that would write
//! more (or less) than was sent are refused, each with a message naming the field. Text
//! from the request is escaped and cut before it is echoed.

use core::fmt;
use core::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::Serialize;
use serde_json::Value;

use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped, message_only};
use crate::json::guard::{GuardState, guarded};
use crate::json::key::{Key, first_time};
use crate::schema::field::FieldInfo;
use crate::schema::patch::{At, FieldPatch, MetadataPatch, ObjectFields, tier_fields};
use crate::schema::tier::{Private, Public, TierKind};
use crate::schema::writer::Writer;

/// Visitor methods for every value that is not an object: each is refused without
/// quoting it (serde's own message would echo the browser's text, uncut).
macro_rules! refuse_other_values {
    ($message:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Self::Value, E> {
            Err(E::custom($message(&self)))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom($message(&self)))
        }
        fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom($message(&self)))
        }
    };
}

/// Reads a patch from the flat JSON object a browser sends.
#[doc(hidden)]
pub fn deserialize_patch<'de, D: Deserializer<'de>, P: MetadataPatch + Default>(
    deserializer: D,
) -> Result<P, D::Error> {
    // `deserialize_any`, not `deserialize_map`: serde_json would refuse a non-object
    // itself, quoting it whole; the visitor refuses it without quoting.
    deserializer.deserialize_any(PatchVisitor(PhantomData))
}

struct PatchVisitor<P>(PhantomData<P>);

/// The tier and index of the field that `key` names.
fn lookup<P: MetadataPatch>(key: &str) -> Option<(TierKind, usize, &'static FieldInfo)> {
    TierKind::ALL.into_iter().find_map(|tier| {
        let fields = tier_fields::<P>(tier);
        let index = fields.iter().position(|f| f.reads(key))?;
        Some((tier, index, &fields[index]))
    })
}

impl At<'_> {
    fn name<'f>(&self, field: &'f FieldInfo) -> FieldName<'_, 'f>
    where
        Self: 'f,
    {
        FieldName {
            prefix: self.prefix,
            key: self.sent.unwrap_or(field.key),
        }
    }

    fn unknown<E: de::Error>(&self, key: &str) -> E {
        if self.private {
            E::custom(format_args!(
                "unknown field in `{}`: it is not a metadata field",
                self.prefix.trim_end_matches('.')
            ))
        } else {
            E::custom(format_args!(
                "unknown field `{}{}`: it is not a metadata field",
                self.prefix,
                escaped(key, KEY_CHARS)
            ))
        }
    }
}

/// A field's path for a message: `notifications.push`.
struct FieldName<'p, 'f> {
    prefix: &'p str,
    key: &'f str,
}

impl fmt::Display for FieldName<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.prefix, self.key)
    }
}

impl<'de, P: MetadataPatch + Default> Visitor<'de> for PatchVisitor<P> {
    type Value = P;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of metadata fields")
    }

    refuse_other_values!(|_: &Self| "expected a JSON object of metadata fields");

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P, A::Error> {
        let mut patch = P::default();
        let mut seen = TierKind::ALL.map(|tier| vec![false; tier_fields::<P>(tier).len()]);
        while let Some(Key(key)) = map.next_key()? {
            let unknown = || {
                At {
                    prefix: "",
                    private: false,
                    sent: None,
                }
                .unknown(&key)
            };
            let Some((tier, index, _)) = lookup::<P>(&key) else {
                return Err(unknown());
            };
            // A private field, to a writer that may not write private metadata, is
            // answered exactly as a key that names no field: the browser learns
            // nothing of what the backend keeps. A public field may be named (the
            // browser can read public metadata anyway), by the key the request sent.
            if tier == TierKind::Private && !<P::Writer as Writer>::may_write(tier) {
                return Err(unknown());
            }
            let sent = escaped(&key, KEY_CHARS).to_string();
            let forbidden = || {
                de::Error::custom(format_args!(
                    "field `{sent}` is {tier} metadata: the {} may write only unsafe metadata",
                    <P::Writer as Writer>::NAME.to_ascii_lowercase(),
                ))
            };
            if !<P::Writer as Writer>::may_write(tier) {
                return Err(forbidden());
            }
            first_time(&mut seen[tier as usize][index], &sent)?;
            let private = tier == TierKind::Private;
            let at = At {
                prefix: "",
                private,
                sent: (!private).then_some(sent.as_str()),
            };
            let parts = patch.__parts_mut();
            match tier {
                TierKind::Public => {
                    <P::Writer as Writer>::__get_mut::<Public, _>(parts.public)
                        .ok_or_else(forbidden)?
                        .read_field(index, &mut map, at)?;
                }
                TierKind::Private => {
                    <P::Writer as Writer>::__get_mut::<Private, _>(parts.private)
                        .ok_or_else(forbidden)?
                        .read_field(index, &mut map, at)?;
                }
                TierKind::Unsafe => parts.unsafe_.read_field(index, &mut map, at)?,
            }
        }
        Ok(patch)
    }
}

/// Reads a nested patch (`NotificationsPatch`) from a JSON object of its fields.
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, O: ObjectFields>(
    deserializer: D,
) -> Result<O, D::Error> {
    struct ObjectVisitor<O>(PhantomData<O>);
    impl<'de, O: ObjectFields> Visitor<'de> for ObjectVisitor<O> {
        type Value = O;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object of the nested object's fields")
        }
        refuse_other_values!(|_: &Self| "expected a JSON object of the nested object's fields");
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<O, A::Error> {
            // A nested patch does not know its tier: treat it as private, echoing nothing.
            read_object(
                &mut map,
                At {
                    prefix: "",
                    private: true,
                    sent: None,
                },
            )
        }
    }
    deserializer.deserialize_any(ObjectVisitor(PhantomData))
}

/// Reads the fields of one object: every key must name one of them, once.
fn read_object<'de, A: MapAccess<'de>, O: ObjectFields>(
    map: &mut A,
    at: At<'_>,
) -> Result<O, A::Error> {
    let mut fields = O::default();
    let mut seen = vec![false; O::FIELDS.len()];
    while let Some(Key(key)) = map.next_key()? {
        let Some(index) = O::FIELDS.iter().position(|f| f.reads(&key)) else {
            return Err(at.unknown(&key));
        };
        let sent = escaped(&key, KEY_CHARS).to_string();
        let at = At {
            sent: (!at.private).then_some(sent.as_str()),
            ..at
        };
        first_time(&mut seen[index], at.name(&O::FIELDS[index]))?;
        fields.read_field(index, map, at)?;
    }
    Ok(fields)
}

/// Reads one field's value: `null` removes it (unless the schema requires it), any
/// other value sets it, and must write exactly the keys that were sent.
#[doc(hidden)]
pub fn read_value<'de, A: MapAccess<'de>, T: Serialize + DeserializeOwned>(
    slot: &mut FieldPatch<T>,
    field: &FieldInfo,
    at: At<'_>,
    map: &mut A,
) -> Result<(), A::Error> {
    let StrictValue(value) = map.next_value_seed(StrictSeed { field, at })?;
    *slot = match value {
        Value::Null => removal(field, at).map_err(de::Error::custom)?,
        value => FieldPatch::Set(typed(&value, field, at).map_err(de::Error::custom)?),
    };
    Ok(())
}

/// A field's value, read as JSON with no key twice in any object (a `Value` would
/// keep the last of two and say nothing).
struct StrictValue(Value);

/// Reads a [`StrictValue`] for a field, naming the field in its errors.
struct StrictSeed<'a> {
    field: &'a FieldInfo,
    at: At<'a>,
}

impl<'de> de::DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = StrictValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<StrictValue, D::Error> {
        StrictValue::deserialize(deserializer).map_err(|e| {
            de::Error::custom(format_args!(
                "field `{}`: {}",
                self.at.name(self.field),
                escaped(message_only(&e.to_string()), MESSAGE_CHARS)
            ))
        })
    }
}

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = StrictValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<StrictValue, E> {
        serde_json::Number::from_f64(v)
            .map(|n| StrictValue(Value::Number(n)))
            .ok_or_else(|| E::custom("a number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::String(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<StrictValue, E> {
        Ok(StrictValue(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<StrictValue, D::Error> {
        StrictValue::deserialize(deserializer)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<StrictValue, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(StrictValue(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictValue, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(Key(key)) = map.next_key()? {
            let StrictValue(value) = map.next_value()?;
            if object.contains_key(key.as_ref()) {
                return Err(de::Error::custom(format_args!(
                    "the key `{}` is sent twice",
                    escaped(&key, KEY_CHARS)
                )));
            }
            object.insert(key.into_owned(), value);
        }
        Ok(StrictValue(Value::Object(object)))
    }
}

/// Reads a nested field (`#[metadata(nested)]`): an object is a nested patch of the
/// keys it holds, checked as the top is; `null` removes the field.
#[doc(hidden)]
pub fn read_nested<'de, A: MapAccess<'de>, T, O: ObjectFields>(
    slot: &mut FieldPatch<T, O>,
    field: &FieldInfo,
    at: At<'_>,
    map: &mut A,
) -> Result<(), A::Error> {
    let prefix = format!("{}.", at.name(field));
    let seed = NestedSeed {
        field,
        at,
        nested: At {
            prefix: &prefix,
            private: at.private,
            sent: None,
        },
        fields: PhantomData,
    };
    *slot = match map.next_value_seed(seed)? {
        Some(fields) => FieldPatch::Merge(fields),
        None => removal(field, at).map_err(de::Error::custom)?,
    };
    Ok(())
}

/// The value of a nested field: `Some` of an object of nested fields, `None` for `null`.
struct NestedSeed<'a, O> {
    field: &'a FieldInfo,
    at: At<'a>,
    nested: At<'a>,
    fields: PhantomData<O>,
}

impl<'de, O: ObjectFields> de::DeserializeSeed<'de> for NestedSeed<'_, O> {
    type Value = Option<O>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<O>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, O: ObjectFields> Visitor<'de> for NestedSeed<'_, O> {
    type Value = Option<O>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "field `{}` to take an object of the nested fields to change",
            self.at.name(self.field)
        )
    }

    refuse_other_values!(|seed: &Self| format!(
        "field `{}` takes an object of the nested fields to change",
        seed.at.name(seed.field)
    ));

    fn visit_unit<E: de::Error>(self) -> Result<Option<O>, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<O>, E> {
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<O>, A::Error> {
        read_object(&mut map, self.nested).map(Some)
    }
}

fn removal<T, M>(field: &FieldInfo, at: At<'_>) -> Result<FieldPatch<T, M>, String> {
    if field.required {
        Err(format!(
            "field `{}` is required by the schema: `null` would delete it, and the stored metadata could no longer be read",
            at.name(field)
        ))
    } else {
        Ok(FieldPatch::Remove)
    }
}

/// The message of a value that does not fit: serde's own for public and unsafe
/// metadata (escaped and cut), the field's type alone for private metadata.
fn misfit(field: &FieldInfo, at: At<'_>, error: &dyn fmt::Display) -> String {
    if at.private {
        format!(
            "field `{}`: the value does not fit the schema type `{}`",
            at.name(field),
            field.type_name
        )
    } else {
        format!(
            "field `{}`: {}",
            at.name(field),
            escaped(&error.to_string(), MESSAGE_CHARS)
        )
    }
}

fn typed<T: Serialize + DeserializeOwned>(
    value: &Value,
    field: &FieldInfo,
    at: At<'_>,
) -> Result<T, String> {
    let typed = T::deserialize(value).map_err(|e| misfit(field, at, &e))?;
    // What the typed value would write, through the guard that refuses a NaN or an
    // infinity (a number too large for an `f32`, say).
    let state = GuardState::new(at.private);
    // As a patch writes it: without the keys a nested object's `UnknownKeys` read, so
    // a key the browser sends that names no nested field is refused below.
    let written = crate::schema::unknown::leaving_out(|| {
        guarded(&typed, serde_json::value::Serializer, &state, false)
    })
    .map_err(|e| match state.take("", &|_| false) {
        Some((problem, _)) => format!("field `{}` {}", at.name(field), problem.describe()),
        None => misfit(field, at, &e),
    })?;
    let mut path = at.name(field).to_string();
    same_shape(value, &written, &mut path, at.private)?;
    Ok(typed)
}

/// Checks that the typed value writes exactly the objects, and their keys, that were
/// sent. Clerk merges an object key by key, so a key the typed value adds (a serde
/// default, or a whole struct read from an array) would overwrite what is stored, and a
/// key it drops was asked for and would not be sent. Arrays replace what is stored
/// whole, so what is inside two arrays is not compared.
fn same_shape(
    sent: &Value,
    written: &Value,
    path: &mut String,
    private: bool,
) -> Result<(), String> {
    let shown = |path: &str| escaped(path, MESSAGE_CHARS).to_string();
    let key_of = |path: &str, key: &str| {
        if private {
            format!("a key in `{}`", shown(path))
        } else {
            format!("`{}.{}`", shown(path), escaped(key, KEY_CHARS))
        }
    };
    match (sent, written) {
        (Value::Object(sent), Value::Object(written)) => {
            if let Some(key) = written.keys().find(|k| !sent.contains_key(*k)) {
                return Err(format!(
                    "field `{}` would also write {}, which the request did not send: an object in a field without `#[metadata(nested)]` is written whole, so send every key",
                    shown(path),
                    key_of(path, key)
                ));
            }
            if let Some(key) = sent.keys().find(|k| !written.contains_key(*k)) {
                return Err(format!(
                    "field `{}`: the request sent {}, which the typed value would not write",
                    shown(path),
                    key_of(path, key)
                ));
            }
            for (key, value) in sent {
                if let Some(written) = written.get(key) {
                    // Private map keys are data: the path stays at the field.
                    let len = path.len();
                    if !private {
                        path.push('.');
                        path.push_str(&escaped(key, KEY_CHARS).to_string());
                    }
                    same_shape(value, written, path, private)?;
                    path.truncate(len);
                }
            }
            Ok(())
        }
        (_, Value::Object(_)) => Err(format!(
            "field `{}` would write an object where the request sent none; send the object, with every key",
            shown(path)
        )),
        (Value::Object(_), _) => Err(format!(
            "field `{}`: the request sent an object, which the typed value would not write as one",
            shown(path)
        )),
        _ => Ok(()),
    }
}

/// The error for a field index a generated table does not know; unreachable in
/// generated code, and an error rather than a panic all the same.
#[doc(hidden)]
pub fn index_error<E: de::Error>() -> E {
    E::custom("metadata field table out of step with its fields")
}
