//! `Stored<T>`: a typed metadata tier that keeps the keys its schema does not name.

use core::fmt;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use std::collections::BTreeMap;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{Impossible, Serialize, SerializeMap, SerializeStruct, Serializer};
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
/// written twice). The typed value goes straight into the same map: no intermediate
/// `serde_json::Value`.
impl<T: Serialize + MetadataTier> Serialize for Stored<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.unknown.is_empty() {
            return self.value.serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        self.value.serialize(IntoMap(&mut map))?;
        for (key, value) in self
            .unknown
            .iter()
            .filter(|(k, _)| !T::KEYS.contains(&k.as_str()))
        {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A serializer that writes a struct's (or map's) entries into an open map, so a tier's
/// fields and its unknown keys end up in one JSON object. Anything that is not an
/// object is an error: a metadata tier is always one.
struct IntoMap<'m, M>(&'m mut M);

fn not_an_object<E: serde::ser::Error>() -> E {
    E::custom("a metadata tier must serialize as a JSON object")
}

macro_rules! reject {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self $(, _: $arg)*) -> Result<(), M::Error> {
            Err(not_an_object())
        })*
    };
}

impl<'m, M: SerializeMap> Serializer for IntoMap<'m, M> {
    type Ok = ();
    type Error = M::Error;
    type SerializeSeq = Impossible<(), M::Error>;
    type SerializeTuple = Impossible<(), M::Error>;
    type SerializeTupleStruct = Impossible<(), M::Error>;
    type SerializeTupleVariant = Impossible<(), M::Error>;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), M::Error>;

    reject! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<V: Serialize + ?Sized>(self, value: &V) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &V,
    ) -> Result<(), M::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<(), M::Error> {
        Err(not_an_object())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, M::Error> {
        Err(not_an_object())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, M::Error> {
        Err(not_an_object())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, M::Error> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, M::Error> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, M::Error> {
        Err(not_an_object())
    }
}

impl<M: SerializeMap> SerializeStruct for IntoMap<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
    }
}

impl<M: SerializeMap> SerializeMap for IntoMap<'_, M> {
    type Ok = ();
    type Error = M::Error;

    fn serialize_key<K: Serialize + ?Sized>(&mut self, key: &K) -> Result<(), M::Error> {
        self.0.serialize_key(key)
    }

    fn serialize_value<V: Serialize + ?Sized>(&mut self, value: &V) -> Result<(), M::Error> {
        self.0.serialize_value(value)
    }

    fn end(self) -> Result<(), M::Error> {
        Ok(())
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
        assert_eq!(
            error.to_string(),
            "a metadata tier must serialize as a JSON object"
        );
    }
}
