//! The traits that tie a schema to its tiers: `UserMetadata` for the schema,
//! `MetadataTier` for each tier struct.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::field::FieldInfo;
use super::patch::MetadataPatch;
use super::tier::{Private, Public, Tier, Unsafe};
use super::writer::Writer;

/// A struct holding the fields of one tier of a schema, such as `AppUserPublic`.
///
/// Implemented by `#[derive(UserMetadata)]`; [`MetadataTier::Tier`] names the tier
/// the struct belongs to, so code generic over tiers can tell at compile time where a
/// value may travel.
pub trait MetadataTier: TierSeal {
    /// The tier marker: [`Public`], [`Private`] or [`Unsafe`].
    type Tier: Tier;

    /// Every JSON key the struct reads or writes (names, renames and aliases). A key of
    /// a stored metadata object that is not listed here is one the schema does not
    /// name, and [`Stored`](crate::Stored) keeps it.
    const KEYS: &'static [&'static str];

    /// The struct's fields, in declaration order.
    #[doc(hidden)]
    const FIELDS: &'static [FieldInfo];
}

/// A user metadata schema: one app struct split into three typed tiers.
///
/// Implemented by `#[derive(UserMetadata)]`; see the [crate docs](crate) for the
/// attribute grammar and what is generated.
pub trait UserMetadata: Sized {
    /// The struct of the schema's public fields (`…Public`).
    type Public: MetadataTier<Tier = Public> + Serialize + DeserializeOwned;
    /// The struct of the schema's private fields (`…Private`).
    type Private: MetadataTier<Tier = Private> + Serialize + DeserializeOwned;
    /// The struct of the schema's unsafe fields (`…Unsafe`).
    type Unsafe: MetadataTier<Tier = Unsafe> + Serialize + DeserializeOwned;
    /// The schema's typed merge patch (`…Patch<C>`), written in context `C`.
    type Patch<C: Writer>: MetadataPatch<Writer = C> + Default;

    /// Joins three tiers back into the schema struct. Nothing is lost:
    /// `from_tiers(x.into_tiers())` is `x`.
    fn from_tiers(public: Self::Public, private: Self::Private, unsafe_: Self::Unsafe) -> Self;

    /// Splits the schema struct into its three tiers.
    fn into_tiers(self) -> (Self::Public, Self::Private, Self::Unsafe);
}

#[doc(hidden)]
/// Seal of [`MetadataTier`](crate::MetadataTier): generated code implements it. It
/// does not guard anything: a tier only says where its value goes, and the write guard
/// on that tier decides who may send it.
pub trait TierSeal {}
