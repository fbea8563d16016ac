//! `Stored<T>`: a typed metadata tier that keeps the keys its schema does not name.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use std::collections::BTreeMap;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde::{Deserialize, de::DeserializeOwned};
use serde_json::value::RawValue;

use crate::json::key::Key;
use crate::schema::metadata::MetadataTier;
use crate::schema::tier::{Tier, TierKind};

/// A metadata tier as stored at Clerk: the typed value, and every key of the stored
/// object that the schema does not name, kept as the exact JSON it was read as.
///
/// Keys the schema does not name are written by other services, or by an older or
/// newer version of the app. Reading metadata into a plain tier struct drops them, and
/// a replace built from that struct would delete them at Clerk. A `Stored<T>` keeps
/// them: serializing it (and so a replace built from it) writes them back unchanged.
/// Only [`Stored::clear_unknown`], whose name says so, lets them go.
///
/// The guarantee is about the keys of the tier object; what is inside a named key is
/// the field type's business (give it a `serde_json::Value` or a flattened map of its
/// own to keep nested keys).
///
/// It derefs to `T`, so `user.public_metadata.role` reads the typed field.
pub struct Stored<T> {
    value: T,
    unknown: BTreeMap<String, Box<RawValue>>,
}

impl<T> Stored<T> {
    /// A tier with no keys outside the schema: replacing with it sets exactly `value`.
    pub fn new(value: T) -> Self {
        Stored {
            value,
            unknown: BTreeMap::new(),
        }
    }

    /// The typed value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The typed value, to change before writing it back.
    pub fn value_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// The keys the schema does not name, with their JSON.
    pub fn unknown(&self) -> &BTreeMap<String, Box<RawValue>> {
        &self.unknown
    }

    /// Drops every key the schema does not name, so a replace built from this value
    /// deletes them at Clerk.
    pub fn clear_unknown(&mut self) {
        self.unknown.clear();
    }

    /// The typed value and the unknown keys.
    pub fn into_parts(self) -> (T, BTreeMap<String, Box<RawValue>>) {
        (self.value, self.unknown)
    }

    /// The typed value alone; the unknown keys are dropped.
    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T> Deref for Stored<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Stored<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: Clone> Clone for Stored<T> {
    fn clone(&self) -> Self {
        Stored {
            value: self.value.clone(),
            unknown: self.unknown.clone(),
        }
    }
}

impl<T: PartialEq> PartialEq for Stored<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
            && self.unknown.len() == other.unknown.len()
            && self
                .unknown
                .iter()
                .zip(&other.unknown)
                .all(|((ka, va), (kb, vb))| ka == kb && va.get() == vb.get())
    }
}

/// Shows the value through `T`'s own `Debug` (redacted for private tiers), and the keys
/// the schema does not name by name only, or, for private metadata, by their number:
/// their values, and there their names, may be private.
impl<T: fmt::Debug + MetadataTier> fmt::Debug for Stored<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Stored");
        d.field("value", &self.value);
        if <T::Tier as Tier>::KIND == TierKind::Private {
            d.field(
                "unknown_keys",
                &format_args!("<{} redacted>", self.unknown.len()),
            );
        } else {
            d.field("unknown_keys", &self.unknown.keys().collect::<Vec<_>>());
        }
        d.finish()
    }
}

impl<T: MetadataTier> crate::schema::metadata::TierSeal for Stored<T> {}

impl<T: MetadataTier> MetadataTier for Stored<T> {
    type Tier = T::Tier;
    const KEYS: &'static [&'static str] = T::KEYS;
    const FIELDS: &'static [crate::schema::field::FieldInfo] = T::FIELDS;
}

impl<T: MetadataTier> Stored<T> {
    /// The tier this value belongs to.
    pub fn tier(&self) -> TierKind {
        <T::Tier as crate::schema::tier::Tier>::KIND
    }
}

/// Writes the typed fields, then every unknown key (a key the schema names is never
/// written twice), in one object: serde's `flatten` puts the typed value's fields into
/// the same map, with no intermediate `serde_json::Value`. A typed value that is not an
/// object is an error, not a panic: a metadata tier is always one.
impl<T: Serialize + MetadataTier> Serialize for Stored<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unknown.is_empty() {
            return self.value.serialize(serializer);
        }
        #[derive(serde::Serialize)]
        #[serde(bound = "T: Serialize + MetadataTier")]
        struct Both<'a, T> {
            #[serde(flatten)]
            value: &'a T,
            #[serde(flatten)]
            unknown: Unknown<'a, T>,
        }
        Both {
            value: &self.value,
            unknown: Unknown(self),
        }
        .serialize(serializer)
    }
}

/// The keys of a stored tier that its schema does not name.
struct Unknown<'a, T>(&'a Stored<T>);

impl<T: MetadataTier> Serialize for Unknown<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.0
                .unknown
                .iter()
                .filter(|(k, _)| !T::KEYS.contains(&k.as_str())),
        )
    }
}

/// Reads a JSON object: the keys `T` names go to `T`, every other key is kept.
impl<'de, T: DeserializeOwned + MetadataTier> Deserialize<'de> for Stored<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(StoredVisitor(PhantomData))
    }
}

struct StoredVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned + MetadataTier> Visitor<'de> for StoredVisitor<T> {
    type Value = Stored<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a metadata object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Stored<T>, A::Error> {
        let mut unknown = BTreeMap::new();
        let filter = KnownKeys {
            inner: map,
            keys: T::KEYS,
            unknown: &mut unknown,
        };
        let value = T::deserialize(MapAccessDeserializer::new(filter))?;
        Ok(Stored { value, unknown })
    }
}

/// Passes the keys `keys` names on to the typed struct, and sets every other key
/// aside with its value.
struct KnownKeys<'u, A> {
    inner: A,
    keys: &'static [&'static str],
    unknown: &'u mut BTreeMap<String, Box<RawValue>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KnownKeys<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        loop {
            let Some(key) = self.inner.next_key::<Key<'de>>()? else {
                // Drain the rest so the typed struct's own checks see the end.
                return Ok(None);
            };
            if self.keys.contains(&key.0.as_ref()) {
                let deserializer: de::value::CowStrDeserializer<'_, A::Error> =
                    key.0.into_deserializer();
                return seed.deserialize(deserializer).map(Some);
            }
            let value: Box<RawValue> = self.inner.next_value()?;
            self.unknown.insert(key.0.into_owned(), value);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tier::Public;

    /// A tier whose value is not an object, which no derived tier is.
    struct Scalar;

    impl crate::schema::metadata::TierSeal for Scalar {}
    impl MetadataTier for Scalar {
        type Tier = Public;
        const KEYS: &'static [&'static str] = &[];
        const FIELDS: &'static [crate::schema::field::FieldInfo] = &[];
    }
    impl Serialize for Scalar {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_u32(7)
        }
    }

    #[test]
    fn unknown_keys_follow_the_typed_fields_in_one_object() {
        #[derive(serde::Serialize)]
        struct Tier {
            role: &'static str,
        }
        impl crate::schema::metadata::TierSeal for Tier {}
        impl MetadataTier for Tier {
            type Tier = Public;
            const KEYS: &'static [&'static str] = &["role"];
            const FIELDS: &'static [crate::schema::field::FieldInfo] = &[];
        }
        let mut stored = Stored::new(Tier { role: "admin" });
        stored.unknown.insert(
            "legacy".to_owned(),
            RawValue::from_string("[1, 2]".to_owned()).unwrap(),
        );
        // A key the schema names is never written twice, even if it was put in by hand.
        stored.unknown.insert(
            "role".to_owned(),
            RawValue::from_string("\"x\"".to_owned()).unwrap(),
        );
        assert_eq!(
            serde_json::to_string(&stored).unwrap(),
            r#"{"role":"admin","legacy":[1, 2]}"#
        );
    }

    #[test]
    fn a_tier_that_is_not_an_object_is_an_error_not_a_panic() {
        let mut stored = Stored::new(Scalar);
        assert_eq!(serde_json::to_string(&stored).unwrap(), "7");
        stored.unknown.insert(
            "k".to_owned(),
            RawValue::from_string("1".to_owned()).unwrap(),
        );
        let error = serde_json::to_string(&stored).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("can only flatten structs and maps")
        );
    }
}
