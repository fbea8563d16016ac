//! Seals for the marker traits whose impls make up the write guard.
//!
//! The module is private, so no crate but this one can name these traits, and so
//! no crate but this one can implement [`Tier`](crate::Tier),
//! [`Writer`](crate::Writer), [`CanWrite`](crate::CanWrite) or
//! [`Within`](crate::Within).

pub trait Sealed {}

pub trait CanWriteSeal<What: ?Sized, T> {}

pub trait WithinSeal<Wider> {}

pub trait CanSetSeal<Field> {}
