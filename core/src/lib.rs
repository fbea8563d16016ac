//! Typed, tier-separated [Clerk](https://clerk.com) user metadata.
//!
//! TODO(crate docs)

#![forbid(unsafe_code)]

mod context;
mod patch;
mod sealed;
mod tier;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use clerk_metadata_macros::UserMetadata;
pub use context::{Backend, CanWrite, Context, Frontend, Within};
pub use patch::{FieldPatch, MetadataPatch, TierPatch};
pub use tier::{MetadataTier, Private, Public, Tier, TierKind, Unsafe, UserMetadata};
