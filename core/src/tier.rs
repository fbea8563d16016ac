//! The three metadata tiers and the traits that tie a schema to them.

use core::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::context::Context;
use crate::patch::MetadataPatch;
use crate::sealed::Sealed;

/// Marker for **public** metadata: written by the backend, readable by the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Public {}

/// Marker for **private** metadata: backend only, never visible to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Private {}

/// Marker for **unsafe** metadata: the signed-in user may read and write it from the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unsafe {}

/// One of the three metadata tiers, as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TierKind {
    /// `public_metadata`.
    Public,
    /// `private_metadata`.
    Private,
    /// `unsafe_metadata`.
    Unsafe,
}

impl TierKind {
    /// The three tiers, in the order Clerk lists them.
    pub const ALL: [TierKind; 3] = [TierKind::Public, TierKind::Private, TierKind::Unsafe];

    /// The JSON key Clerk uses for this tier: `public_metadata`, `private_metadata` or
    /// `unsafe_metadata`.
    pub const fn key(self) -> &'static str {
        match self {
            TierKind::Public => "public_metadata",
            TierKind::Private => "private_metadata",
            TierKind::Unsafe => "unsafe_metadata",
        }
    }

    /// The tier's short name: `public`, `private` or `unsafe`.
    pub const fn name(self) -> &'static str {
        match self {
            TierKind::Public => "public",
            TierKind::Private => "private",
            TierKind::Unsafe => "unsafe",
        }
    }
}

impl fmt::Display for TierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A tier marker type: [`Public`], [`Private`] or [`Unsafe`]. Sealed.
pub trait Tier: Sealed + 'static {
    /// The tier as a value.
    const KIND: TierKind;
}

impl Sealed for Public {}
impl Sealed for Private {}
impl Sealed for Unsafe {}

impl Tier for Public {
    const KIND: TierKind = TierKind::Public;
}
impl Tier for Private {
    const KIND: TierKind = TierKind::Private;
}
impl Tier for Unsafe {
    const KIND: TierKind = TierKind::Unsafe;
}

/// A struct holding the fields of one tier of a schema, such as `AppUserPublic`.
///
/// Implemented by `#[derive(UserMetadata)]`; [`MetadataTier::Tier`] names the tier
/// the struct belongs to, so code generic over tiers can tell at compile time where a
/// value may travel.
pub trait MetadataTier: crate::__private::TierSeal {
    /// The tier marker: [`Public`], [`Private`] or [`Unsafe`].
    type Tier: Tier;

    /// Every JSON key the struct reads or writes (names, renames and aliases). A key of
    /// a stored metadata object that is not listed here is one the schema does not
    /// name, and [`Stored`](crate::Stored) keeps it.
    const KEYS: &'static [&'static str];
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
    type Patch<C: Context>: MetadataPatch<Context = C> + Default;

    /// Joins three tiers back into the schema struct. Nothing is lost:
    /// `from_tiers(x.into_tiers())` is `x`.
    fn from_tiers(public: Self::Public, private: Self::Private, unsafe_: Self::Unsafe) -> Self;

    /// Splits the schema struct into its three tiers.
    fn into_tiers(self) -> (Self::Public, Self::Private, Self::Unsafe);
}
