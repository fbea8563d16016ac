//! Typed merge patches for `PATCH /v1/users/{user_id}/metadata`.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::context::Context;
use crate::tier::TierKind;

/// What a patch does to one metadata key.
///
/// Clerk deep-merges a metadata patch into the stored object: a key that is absent is
/// left alone, `null` deletes the key, and a value replaces it (objects merge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FieldPatch<T> {
    /// The key is not sent; the stored value is left as it is.
    #[default]
    Unchanged,
    /// The key is sent as `null`, which deletes it.
    Remove,
    /// The key is sent with this value.
    Set(T),
}

impl<T> FieldPatch<T> {
    /// `true` for [`FieldPatch::Unchanged`].
    pub const fn is_unchanged(&self) -> bool {
        matches!(self, FieldPatch::Unchanged)
    }
}

/// `Unchanged` and `Remove` serialize as `null`; a patch leaves `Unchanged` keys out.
impl<T: Serialize> Serialize for FieldPatch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldPatch::Set(value) => value.serialize(serializer),
            FieldPatch::Unchanged | FieldPatch::Remove => serializer.serialize_none(),
        }
    }
}

/// `null` reads as `Remove`, anything else as `Set`.
impl<'de, T: Deserialize<'de>> Deserialize<'de> for FieldPatch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => FieldPatch::Set(value),
            None => FieldPatch::Remove,
        })
    }
}

/// A typed metadata merge patch, such as the `AppUserPatch<C>` that
/// `#[derive(UserMetadata)]` generates.
///
/// It serializes as Clerk's `PATCH /v1/users/{user_id}/metadata` body:
/// `{"public_metadata": {…}, "private_metadata": {…}, "unsafe_metadata": {…}}` with only
/// the tiers it touches.
pub trait MetadataPatch: Serialize {
    /// The context the patch was written in: [`Backend`](crate::Backend) or
    /// [`Frontend`](crate::Frontend).
    type Context: Context;

    /// Whether the patch sends anything for `tier`.
    fn touches(&self, tier: TierKind) -> bool;

    /// Serializes the patch's object for one tier (`{}` for an untouched tier).
    fn serialize_tier<S: Serializer>(
        &self,
        tier: TierKind,
        serializer: S,
    ) -> Result<S::Ok, S::Error>;

    /// Whether the patch sends nothing at all.
    fn is_empty(&self) -> bool {
        !TierKind::ALL.into_iter().any(|tier| self.touches(tier))
    }

    /// A serializable view of the patch's object for one tier.
    fn tier(&self, tier: TierKind) -> TierPatch<'_, Self>
    where
        Self: Sized,
    {
        TierPatch { patch: self, tier }
    }
}

/// The object a patch sends for one tier; see [`MetadataPatch::tier`].
#[derive(Debug)]
pub struct TierPatch<'a, P> {
    patch: &'a P,
    tier: TierKind,
}

impl<P: MetadataPatch> Serialize for TierPatch<'_, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.patch.serialize_tier(self.tier, serializer)
    }
}

/// Serializes a patch as Clerk's metadata body: the touched tiers, each under its key.
pub fn serialize_patch<P: MetadataPatch, S: Serializer>(
    patch: &P,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let len = TierKind::ALL
        .into_iter()
        .filter(|t| patch.touches(*t))
        .count();
    let mut map = serializer.serialize_map(Some(len))?;
    for tier in TierKind::ALL {
        if patch.touches(tier) {
            map.serialize_entry(tier.key(), &patch.tier(tier))?;
        }
    }
    map.end()
}
