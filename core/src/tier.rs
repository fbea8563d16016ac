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

    /// Where a [`Frontend`](crate::Frontend) patch keeps fields `X` of this tier:
    /// the fields themselves for unsafe metadata, and
    /// [`Denied`](crate::__private::Denied), which has no room for them, otherwise.
    #[doc(hidden)]
    type FrontendSlot<X>;

    #[doc(hidden)]
    fn __frontend_empty<X: Default>() -> Self::FrontendSlot<X>;
    #[doc(hidden)]
    fn __frontend_get<X>(slot: &Self::FrontendSlot<X>) -> Option<&X>;
    #[doc(hidden)]
    fn __frontend_get_mut<X>(slot: &mut Self::FrontendSlot<X>) -> Option<&mut X>;
    #[doc(hidden)]
    fn __frontend_clone<X: Clone>(slot: &Self::FrontendSlot<X>) -> Self::FrontendSlot<X>;
    /// The slot as a `Backend` patch keeps it.
    #[doc(hidden)]
    fn __frontend_widen<X: Default>(slot: Self::FrontendSlot<X>) -> X;
}

impl Sealed for Public {}
impl Sealed for Private {}
impl Sealed for Unsafe {}

macro_rules! denied_to_frontend {
    ($($tier:ident => $kind:ident,)*) => {$(
        impl Tier for $tier {
            const KIND: TierKind = TierKind::$kind;
            type FrontendSlot<X> = Denied;
            fn __frontend_empty<X: Default>() -> Denied {
                Denied
            }
            fn __frontend_get<X>(_: &Denied) -> Option<&X> {
                None
            }
            fn __frontend_get_mut<X>(_: &mut Denied) -> Option<&mut X> {
                None
            }
            fn __frontend_clone<X: Clone>(_: &Denied) -> Denied {
                Denied
            }
            fn __frontend_widen<X: Default>(_: Denied) -> X {
                X::default()
            }
        }
    )*};
}

denied_to_frontend! {
    Public => Public,
    Private => Private,
}

impl Tier for Unsafe {
    const KIND: TierKind = TierKind::Unsafe;
    type FrontendSlot<X> = X;
    fn __frontend_empty<X: Default>() -> X {
        X::default()
    }
    fn __frontend_get<X>(slot: &X) -> Option<&X> {
        Some(slot)
    }
    fn __frontend_get_mut<X>(slot: &mut X) -> Option<&mut X> {
        Some(slot)
    }
    fn __frontend_clone<X: Clone>(slot: &X) -> X {
        slot.clone()
    }
    fn __frontend_widen<X: Default>(slot: X) -> X {
        slot
    }
}

/// The slot of a tier a context may not write: a unit type, so it can hold nothing.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Denied;

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

    /// The struct's fields, in declaration order.
    #[doc(hidden)]
    const FIELDS: &'static [FieldInfo];
}

/// What the derive knows of one field: its names, whether the stored JSON must have
/// it, and its type as written.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The Rust name, without `r#`.
    pub name: &'static str,
    /// The JSON key, read and written.
    pub key: &'static str,
    /// Other keys the field is read from.
    pub aliases: &'static [&'static str],
    /// Whether a read fails without the key: not an `Option`, no `#[serde(default)]`.
    pub required: bool,
    /// Whether the field takes a nested patch (`#[metadata(nested)]`).
    pub nested: bool,
    /// The type as written, such as `Option<String>`.
    pub type_name: &'static str,
}

impl FieldInfo {
    /// Whether the field is read from `key`.
    pub fn reads(&self, key: &str) -> bool {
        self.key == key || self.aliases.contains(&key)
    }
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
