//! Support for the code `#[derive(UserMetadata)]` generates. Not public API: it may
//! change in any release, which is why `clerk-metadata` pins its macro crate exactly.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;

pub use core::marker::PhantomData as Phantom;
pub use core::option::Option;
pub use core::result::Result;
pub use serde;

pub use crate::patch::serialize_patch;

use crate::context::Context;
use crate::patch::{FieldPatch, MetadataPatch};
use crate::tier::TierKind;

/// Seal of [`MetadataTier`](crate::MetadataTier): only generated code implements it.
pub trait TierSeal {}

/// One field of a flat (browser-shaped) patch.
#[derive(Debug)]
pub struct FlatField {
    /// The JSON key the field is serialized under.
    pub key: &'static str,
    /// The field's tier.
    pub tier: TierKind,
}

/// A patch that reads from flat JSON: `{"theme": "dark"}`.
pub trait FlatPatch: Default + MetadataPatch {
    /// Every field, in declaration order.
    const FIELDS: &'static [FlatField];

    /// The field index a JSON key (or alias) names.
    fn field_index(key: &str) -> Option<usize>;

    /// Reads the value of field `index` from `map`.
    fn read_value<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Writes one patch field into a tier map, unless it is unchanged.
pub fn serialize_field<M: SerializeMap, T: serde::Serialize>(
    map: &mut M,
    key: &'static str,
    value: &FieldPatch<T>,
) -> Result<(), M::Error> {
    if value.is_unchanged() {
        Ok(())
    } else {
        map.serialize_entry(key, value)
    }
}

/// Reads one patch field, rejecting a key sent twice.
pub fn read_field<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    slot: &mut FieldPatch<T>,
    key: &'static str,
    map: &mut A,
) -> Result<(), A::Error> {
    if !slot.is_unchanged() {
        return Err(de::Error::duplicate_field(key));
    }
    *slot = map.next_value()?;
    Ok(())
}

/// Deserializes a patch from flat JSON, checking each key against the context.
pub fn deserialize_flat<'de, D: Deserializer<'de>, P: FlatPatch>(
    deserializer: D,
) -> Result<P, D::Error> {
    deserializer.deserialize_map(FlatVisitor(PhantomData))
}

struct FlatVisitor<P>(PhantomData<P>);

impl<'de, P: FlatPatch> Visitor<'de> for FlatVisitor<P> {
    type Value = P;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object of metadata fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P, A::Error> {
        let mut patch = P::default();
        while let Some(index) = map.next_key_seed(KeySeed::<P>(PhantomData))? {
            patch.read_value(index, &mut map)?;
        }
        Ok(patch)
    }
}

struct KeySeed<P>(PhantomData<P>);

impl<'de, P: FlatPatch> DeserializeSeed<'de> for KeySeed<P> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<P: FlatPatch> Visitor<'_> for KeySeed<P> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a metadata field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        let Some(index) = P::field_index(key) else {
            return Err(E::custom(format_args!(
                "unknown field `{}`: it is not a metadata field",
                Printable(key)
            )));
        };
        let Some(field) = P::FIELDS.get(index) else {
            return Err(E::custom("metadata field table out of step with its keys"));
        };
        if <P::Context as Context>::may_write(field.tier) {
            Ok(index)
        } else {
            Err(E::custom(format_args!(
                "field `{}` is {} metadata: the {} may write only unsafe metadata",
                field.key,
                field.tier,
                <P::Context as Context>::NAME.to_ascii_lowercase(),
            )))
        }
    }
}

/// Echoes a key from untrusted input: at most 64 characters, control characters escaped.
struct Printable<'a>(&'a str);

impl fmt::Display for Printable<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(64) {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

/// Shown in place of a private metadata value.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Shows what a patch does to a field without its value: `Set(<redacted>)` for a
/// private field, `Set(..)` for one whose type the schema did not ask to `Debug`.
pub struct PatchState<'a, T> {
    /// The field's patch.
    pub patch: &'a FieldPatch<T>,
    /// What to show in place of a set value.
    pub placeholder: &'static str,
}

impl<T> fmt::Debug for PatchState<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.patch {
            FieldPatch::Unchanged => f.write_str("Unchanged"),
            FieldPatch::Remove => f.write_str("Remove"),
            FieldPatch::Set(_) => write!(f, "Set({})", self.placeholder),
        }
    }
}

/// The error for a field index a generated table does not know; unreachable in
/// generated code, and an error rather than a panic all the same.
pub fn index_error<E: de::Error>() -> E {
    E::custom("metadata field table out of step with its keys")
}
