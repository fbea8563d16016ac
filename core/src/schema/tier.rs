//! The three metadata tiers: their markers, their names, and where a patch keeps each tier's fields.

use core::fmt;

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

    /// The tier's key as it opens an entry of a JSON object: `"public_metadata":`.
    pub(crate) const fn quoted_key(self) -> &'static str {
        match self {
            TierKind::Public => "\"public_metadata\":",
            TierKind::Private => "\"private_metadata\":",
            TierKind::Unsafe => "\"unsafe_metadata\":",
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
    /// `Denied`, which has no room for them, otherwise.
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
