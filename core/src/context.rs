//! Writer contexts and the compile-time write guard.

use crate::sealed::{CanWriteSeal, Sealed, WithinSeal};
use crate::tier::{Tier, TierKind, Unsafe};

/// The backend writer context: server code holding the Clerk secret key.
/// It may write every tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {}

/// The frontend writer context: the signed-in user, in a browser.
/// It may write only unsafe metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frontend {}

/// A writer context: [`Backend`] or [`Frontend`]. Sealed.
pub trait Context: Sealed + 'static {
    /// `"Backend"` or `"Frontend"`.
    const NAME: &'static str;

    /// Whether this context may write metadata of `tier`.
    fn may_write(tier: TierKind) -> bool;
}

impl Sealed for Backend {}
impl Sealed for Frontend {}

impl Context for Backend {
    const NAME: &'static str = "Backend";
    fn may_write(_tier: TierKind) -> bool {
        true
    }
}

impl Context for Frontend {
    const NAME: &'static str = "Frontend";
    fn may_write(tier: TierKind) -> bool {
        matches!(tier, TierKind::Unsafe)
    }
}

/// The write guard: the context `Self` may write `What`, which belongs to tier `T`.
///
/// `What` is a marker named after a field (for a field setter) or a tier struct (for a
/// whole-tier write). [`Backend`] may write everything; [`Frontend`] only
/// [`Unsafe`]. The trait is sealed: no other crate can add an impl and open the guard.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may not write `{What}`: it is `{T}` metadata",
    label = "`{What}` is `{T}` metadata, and the frontend may write only unsafe metadata",
    note = "write `{What}` from backend code (a `Backend` patch or update), or mark the field `#[metadata(unsafe)]` if the signed-in user may change it"
)]
pub trait CanWrite<What: ?Sized, T: Tier>: Context + CanWriteSeal<What, T> {}

impl<What: ?Sized, T: Tier> CanWriteSeal<What, T> for Backend {}
impl<What: ?Sized, T: Tier> CanWrite<What, T> for Backend {}
impl<What: ?Sized> CanWriteSeal<What, Unsafe> for Frontend {}
impl<What: ?Sized> CanWrite<What, Unsafe> for Frontend {}

/// Widening: anything written in context `Self` may be used where `Wider` is expected.
///
/// A [`Frontend`] patch may be sent by the [`Backend`]; never the reverse. Sealed.
#[diagnostic::on_unimplemented(
    message = "a `{Self}` write cannot be used where a `{Wider}` one is expected",
    label = "written with `{Self}` rights, which `{Wider}` does not have",
    note = "only `Frontend` writes widen to `Backend`; a `Backend` write never narrows to `Frontend`"
)]
pub trait Within<Wider: Context>: Context + WithinSeal<Wider> {}

impl WithinSeal<Backend> for Backend {}
impl Within<Backend> for Backend {}
impl WithinSeal<Frontend> for Frontend {}
impl Within<Frontend> for Frontend {}
impl WithinSeal<Backend> for Frontend {}
impl Within<Backend> for Frontend {}
