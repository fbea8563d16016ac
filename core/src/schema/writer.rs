//! Writer contexts and the compile-time write guard.
//!
//! A patch written in context `C` keeps its public and private fields in storage of
//! type `C::Slot<Tier, _>`. For [`Backend`] that is the fields themselves; for
//! [`Frontend`] the public and private slots are `Denied`,
//! a unit type with no room for a value. So no code, in any crate, can hold a public
//! or private value in a `Frontend` patch: there is nowhere to put it. The sealed
//! [`CanWrite`] bound is what opens a slot, and only `Backend` has it for those tiers.

use crate::schema::tier::{Tier, TierKind, Unsafe};
use crate::sealed::{CanWriteSeal, Sealed, WithinSeal};

/// The backend writer context: server code holding the Clerk secret key.
/// It may write every tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {}

/// The frontend writer context: the signed-in user, in a browser.
/// It may write only unsafe metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frontend {}

/// A writer context: [`Backend`] or [`Frontend`]. Sealed.
pub trait Writer: Sealed + 'static {
    /// `"Backend"` or `"Frontend"`.
    const NAME: &'static str;

    /// Whether this context may write metadata of `tier`.
    fn may_write(tier: TierKind) -> bool;

    /// Where a patch in this context keeps the fields `X` of tier `T`.
    #[doc(hidden)]
    type Slot<T: Tier, X>;

    /// An empty slot.
    #[doc(hidden)]
    fn __empty<T: Tier, X: Default>() -> Self::Slot<T, X>;

    /// The fields in a slot, if the context may hold them.
    #[doc(hidden)]
    fn __get<T: Tier, X>(slot: &Self::Slot<T, X>) -> Option<&X>;

    /// The fields in a slot, to fill from a browser's JSON, if the context may hold them.
    #[doc(hidden)]
    fn __get_mut<T: Tier, X>(slot: &mut Self::Slot<T, X>) -> Option<&mut X>;

    /// A copy of a slot.
    #[doc(hidden)]
    fn __clone<T: Tier, X: Clone>(slot: &Self::Slot<T, X>) -> Self::Slot<T, X>;
}

impl Sealed for Backend {}
impl Sealed for Frontend {}

impl Writer for Backend {
    const NAME: &'static str = "Backend";

    fn may_write(_tier: TierKind) -> bool {
        true
    }

    type Slot<T: Tier, X> = X;

    fn __empty<T: Tier, X: Default>() -> X {
        X::default()
    }

    fn __get<T: Tier, X>(slot: &X) -> Option<&X> {
        Some(slot)
    }

    fn __get_mut<T: Tier, X>(slot: &mut X) -> Option<&mut X> {
        Some(slot)
    }

    fn __clone<T: Tier, X: Clone>(slot: &X) -> X {
        slot.clone()
    }
}

impl Writer for Frontend {
    const NAME: &'static str = "Frontend";

    fn may_write(tier: TierKind) -> bool {
        matches!(tier, TierKind::Unsafe)
    }

    type Slot<T: Tier, X> = T::FrontendSlot<X>;

    fn __empty<T: Tier, X: Default>() -> T::FrontendSlot<X> {
        T::__frontend_empty()
    }

    fn __get<T: Tier, X>(slot: &T::FrontendSlot<X>) -> Option<&X> {
        T::__frontend_get(slot)
    }

    fn __get_mut<T: Tier, X>(slot: &mut T::FrontendSlot<X>) -> Option<&mut X> {
        T::__frontend_get_mut(slot)
    }

    fn __clone<T: Tier, X: Clone>(slot: &T::FrontendSlot<X>) -> T::FrontendSlot<X> {
        T::__frontend_clone(slot)
    }
}

/// The write guard: the writer `Self` may write `What`, which belongs to tier `T`.
///
/// `What` is a marker named after a field (for a field setter) or a tier struct (for a
/// whole-tier write). [`Backend`] may write everything; [`Frontend`] only
/// [`Unsafe`]. The trait is sealed: no other crate can add an impl and open the guard.
///
/// # The guard in full
///
/// Every write of a public or private field or tier is bound by [`CanWrite`](crate::CanWrite): [`Backend`](crate::Backend)
/// may write every tier and [`Frontend`](crate::Frontend) only [`Unsafe`](crate::Unsafe) (unsafe setters carry no bound,
/// since every writer may write them), so code generic over the writer
/// (`fn f<C: Writer>(p: AppUserPatch<C>)`) can only write public or private fields
/// under an explicit `C: CanWrite<…>` bound, which `Frontend` never meets.
///
/// The bound is not all there is. A `Frontend` patch keeps its public and private
/// fields in storage of a type that holds nothing, so no code can put a value there:
/// not a setter, not the schema's own module, not a hand-written [`MetadataPatch`](crate::MetadataPatch) impl
/// (the crate reads a patch only through that storage), not the support module of
/// generated code. The tier, writer, [`CanWrite`](crate::CanWrite) and [`Within`](crate::Within) traits are sealed.
///
/// The generated code names nothing from the caller's scope, so a crate that does not
/// depend on `serde` itself, or that defines its own `Result` or `Option`, can use it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may not write `{What}`: it is `{T}` metadata",
    label = "`{What}` is `{T}` metadata, and the frontend may write only unsafe metadata",
    note = "write `{What}` from backend code (a `Backend` patch or update), or mark the field `#[metadata(unsafe)]` if the signed-in user may change it"
)]
pub trait CanWrite<What: ?Sized, T: Tier>: Writer + CanWriteSeal<What, T> {
    /// Opens the slot of tier `T`: only a context that may write `T` can.
    #[doc(hidden)]
    fn __open<X>(slot: &mut Self::Slot<T, X>) -> &mut X;
}

impl<What: ?Sized, T: Tier> CanWriteSeal<What, T> for Backend {}
impl<What: ?Sized, T: Tier> CanWrite<What, T> for Backend {
    fn __open<X>(slot: &mut X) -> &mut X {
        slot
    }
}
impl<What: ?Sized> CanWriteSeal<What, Unsafe> for Frontend {}
impl<What: ?Sized> CanWrite<What, Unsafe> for Frontend {
    fn __open<X>(slot: &mut X) -> &mut X {
        slot
    }
}

/// Widening: anything written in context `Self` may be used where `Wider` is expected.
///
/// A [`Frontend`] patch may be sent by the [`Backend`]; never the reverse. Sealed.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` write cannot be used where a `{Wider}` one is expected",
    label = "written with `{Self}` rights, which `{Wider}` does not have",
    note = "only `Frontend` writes widen to `Backend`; a `Backend` write never narrows to `Frontend`"
)]
pub trait Within<Wider: Writer>: Writer + WithinSeal<Wider> {
    /// The slot as the wider context keeps it.
    #[doc(hidden)]
    fn __widen<T: Tier, X: Default>(slot: Self::Slot<T, X>) -> Wider::Slot<T, X>;
}

impl WithinSeal<Backend> for Backend {}
impl Within<Backend> for Backend {
    fn __widen<T: Tier, X: Default>(slot: X) -> X {
        slot
    }
}
impl WithinSeal<Frontend> for Frontend {}
impl Within<Frontend> for Frontend {
    fn __widen<T: Tier, X: Default>(slot: T::FrontendSlot<X>) -> T::FrontendSlot<X> {
        slot
    }
}
impl WithinSeal<Backend> for Frontend {}
impl Within<Backend> for Frontend {
    fn __widen<T: Tier, X: Default>(slot: T::FrontendSlot<X>) -> X {
        T::__frontend_widen(slot)
    }
}
