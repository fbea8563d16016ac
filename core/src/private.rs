//! Support for the code the derives generate. Not public API: it may change in any
//! release, which is why `clerk-metadata` pins its macro crate exactly.
//!
//! Nothing here opens the write guard: a `Frontend` patch's public and private storage
//! is [`Denied`], and only the sealed [`CanWrite`](crate::CanWrite) bound opens a slot.

use core::fmt;

pub use core::marker::PhantomData as Phantom;
pub use core::option::Option;
pub use core::result::Result;
pub use serde;

pub use crate::browser::{
    deserialize_object, deserialize_patch, index_error, read_nested, read_value,
};
pub use crate::patch::{
    At, FieldPatch, MergeFields, NoMerge, ObjectFields, PartsMutOf, PartsOf, PatchParts,
    PatchPartsMut, RedactedPatch, merge_nested, serialize_patch,
};
pub use crate::tier::{Denied, FieldInfo};

/// Seal of [`MetadataTier`](crate::MetadataTier): generated code implements it. It
/// does not guard anything: a tier only says where its value goes, and the write guard
/// on that tier decides who may send it.
pub trait TierSeal {}

/// A field the schema does not require, which a patch may therefore remove.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is required by the schema: removing it would leave stored metadata that the schema cannot read",
    label = "`{Self}` is neither an `Option` nor `#[serde(default)]`",
    note = "make the field an `Option<_>` or give it `#[serde(default)]`; to delete the key all the same, call the field's `remove_required_…` method"
)]
pub trait Removable {}

/// Shown in place of a private metadata value.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Serializes the object of a nested patch's fields, refusing NaN and infinities.
pub fn serialize_object<O: ObjectFields, S: serde::Serializer>(
    fields: &O,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let state = crate::guard::GuardState::new(true);
    crate::guard::guarded(&crate::patch::ObjectView(fields), serializer, &state, true).map_err(
        |error| match state.take("", &|key| O::FIELDS.iter().any(|f| f.reads(key))) {
            Some((problem, path)) => serde::ser::Error::custom(format_args!(
                "{} {}",
                path.trim_start_matches('.'),
                problem.describe()
            )),
            None => error,
        },
    )
}
