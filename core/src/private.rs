//! Support for the code the derives generate, and the only path it names
//! (`::clerk_metadata::__private_0_1::…`). Not public API: the module's name carries the
//! version it belongs to, and it may change in any release, which is why
//! `clerk-metadata` pins its macro crate exactly.
//!
//! Nothing here opens the write guard: a `Frontend` patch's public and private storage
//! is [`Denied`], and only the sealed [`CanWrite`](crate::CanWrite) bound opens a slot.
//! The module only re-exports; each item lives with its concept.

pub use core::clone::Clone;
pub use core::cmp::PartialEq;
pub use core::convert::From;
pub use core::default::Default;
pub use core::fmt;
pub use core::ops::FnMut;
pub use core::option::Option;
pub use core::result::Result;
pub use serde;

pub use crate::{
    Backend, CanWrite, Frontend, IntoValue, MembershipMetadata, MembershipPatch, Metadata,
    MetadataObject, MetadataPatch, MetadataTier, OrganizationMetadata, OrganizationPatch, Private,
    Public, TierKind, Unsafe, UserMetadata, Within, Writer,
};

pub use crate::read::private_read_error;
pub use crate::schema::browser::{
    deserialize_object, deserialize_patch, index_error, read_nested, read_value,
};
pub use crate::schema::field::FieldInfo;
pub use crate::schema::metadata::TierSeal;
pub use crate::schema::patch::{
    At, FieldPatch, MergeFields, NoMerge, ObjectFields, PartsMutOf, PartsOf, PatchParts,
    PatchPartsMut, Redacted, RedactedPatch, Removable, first_authorization_field, merge_nested,
    serialize_object, serialize_patch,
};
pub use crate::schema::tier::Denied;
