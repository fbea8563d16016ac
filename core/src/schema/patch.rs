//! Typed merge patches for `PATCH /v1/users/{user_id}/metadata`.
//!
//! A generated patch (`AppUserPatch<C>`) keeps one storage struct per tier, each field a
//! [`FieldPatch`]. The public and private storage sits in the context's slots
//! ([`Writer::Slot`]), which a `Frontend` patch cannot fill. Everything this crate
//! sends is read through [`MetadataPatch`], which hands out the slots, not values, so a
//! hand-written implementation cannot smuggle public or private values into a
//! `Frontend` write either.

use core::fmt;

use serde::de::{DeserializeOwned, MapAccess};
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::json::guard::{GuardState, guarded};
use crate::schema::field::FieldInfo;
use crate::schema::tier::{Private, Public, TierKind};
use crate::schema::writer::Writer;

/// What a patch does to one metadata key.
///
/// Clerk deep-merges a metadata patch into the stored object: a key that is absent is
/// left alone, `null` deletes the key, a value replaces it, and an object merges key by
/// key. `M` is the storage of a nested patch (`#[metadata(nested)]`), or [`NoMerge`].
#[doc(hidden)]
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub enum FieldPatch<T, M = NoMerge> {
    /// The key is not sent; the stored value is left as it is.
    #[default]
    Unchanged,
    /// The key is sent as `null`, which deletes it.
    Remove,
    /// The key is sent with this value.
    Set(T),
    /// The key is sent as an object of the nested fields the patch touches.
    Merge(M),
}

/// Where in a request an object being read is: its path (`""` or `"notifications."`),
/// and whether it is private metadata, whose values and keys are never echoed.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct At<'a> {
    pub(crate) prefix: &'a str,
    pub(crate) private: bool,
    /// The key the request sent for the field being read (escaped), when it may be
    /// echoed: refusals name what was sent, never a canonical key it was not.
    pub(crate) sent: Option<&'a str>,
}

/// The nested storage of a field that takes no nested patch: there is none.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoMerge {}

impl<T, M: MergeFields> FieldPatch<T, M> {
    /// `true` when the key is not sent (a nested patch that touches nothing is not sent).
    #[inline]
    pub fn is_unchanged(&self) -> bool {
        match self {
            FieldPatch::Unchanged => true,
            FieldPatch::Merge(fields) => !fields.sends_any(),
            FieldPatch::Remove | FieldPatch::Set(_) => false,
        }
    }

    /// Applies `later` on top: a nested patch after a nested patch merges key by key;
    /// anything else replaces what was there.
    pub fn merge_from(&mut self, later: Self) {
        match (self, later) {
            (_, FieldPatch::Unchanged) => {}
            (FieldPatch::Merge(fields), FieldPatch::Merge(more)) => fields.apply_later(more),
            (this, later) => *this = later,
        }
    }
}

/// `Unchanged` and `Remove` serialize as `null`; a patch leaves `Unchanged` keys out.
impl<T: Serialize, M: MergeFields> Serialize for FieldPatch<T, M> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldPatch::Set(value) => {
                crate::schema::unknown::leaving_out(|| value.serialize(serializer))
            }
            FieldPatch::Merge(fields) => fields.serialize_sent(serializer),
            FieldPatch::Unchanged | FieldPatch::Remove => serializer.serialize_none(),
        }
    }
}

impl<T: fmt::Debug, M: fmt::Debug> fmt::Debug for FieldPatch<T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldPatch::Unchanged => f.write_str("Unchanged"),
            FieldPatch::Remove => f.write_str("Remove"),
            FieldPatch::Set(value) => f.debug_tuple("Set").field(value).finish(),
            FieldPatch::Merge(fields) => f.debug_tuple("Merge").field(fields).finish(),
        }
    }
}

/// The storage of one JSON object's field patches: a tier of a schema, or an object
/// nested in one. Implemented by the derives for their hidden storage structs.
#[doc(hidden)]
pub trait ObjectFields: Default {
    /// The object's fields, in declaration order; the storage has one slot each.
    const FIELDS: &'static [FieldInfo];

    /// Whether any field is sent.
    fn is_touched(&self) -> bool;

    /// Writes the sent fields into an open map, leaving out those whose key `skip`
    /// says are written already.
    fn write_entries<M: SerializeMap, F: FnMut(&'static str) -> bool>(
        &self,
        map: &mut M,
        skip: F,
    ) -> Result<(), M::Error>;

    /// Reads field `index` (an index into [`FIELDS`](Self::FIELDS)) from a browser's
    /// JSON; `at` says where the object is.
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
        at: At<'_>,
    ) -> Result<(), A::Error>;

    /// Applies `later` on top, field by field; see [`FieldPatch::merge_from`].
    fn merge_from(&mut self, later: Self);
}

/// What [`FieldPatch`] needs of its nested storage.
#[doc(hidden)]
pub trait MergeFields {
    /// Whether anything is sent.
    fn sends_any(&self) -> bool;
    /// Serializes the object of the sent fields.
    fn serialize_sent<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// See [`ObjectFields::merge_from`].
    fn apply_later(&mut self, later: Self);
}

impl MergeFields for NoMerge {
    fn sends_any(&self) -> bool {
        match *self {}
    }
    fn serialize_sent<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        match *self {}
    }
    fn apply_later(&mut self, _: Self) {
        match *self {}
    }
}

impl<O: ObjectFields> MergeFields for O {
    fn sends_any(&self) -> bool {
        self.is_touched()
    }
    fn serialize_sent<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.write_entries(&mut map, |_| false)?;
        map.end()
    }
    fn apply_later(&mut self, later: Self) {
        self.merge_from(later);
    }
}

/// A struct nested in metadata that takes a typed patch of its own, so a write can
/// change one nested key without sending the others: `#[derive(MetadataObject)]`.
///
/// Mark the field that holds it `#[metadata(<tier>, nested)]`; its patch setter
/// `merge_<field>` then takes the nested patch.
pub trait MetadataObject: Serialize + DeserializeOwned {
    /// The nested patch (`…Patch`).
    type Patch: Default;

    /// The storage of the nested patch's fields.
    #[doc(hidden)]
    type __Fields: ObjectFields;

    /// The nested patch's fields.
    #[doc(hidden)]
    fn __into_fields(patch: Self::Patch) -> Self::__Fields;

    /// The first field of the object, or of an object nested in it, whose name reads
    /// like an authorization fact and is not marked `user_controlled`: a schema that
    /// nests the object in unsafe metadata does not compile.
    #[doc(hidden)]
    const __AUTHORIZATION_FIELD: Option<&'static str> = None;
}

/// The first `Some` of `fields`, in a constant.
#[doc(hidden)]
pub const fn first_authorization_field(fields: &[Option<&'static str>]) -> Option<&'static str> {
    let mut i = 0;
    while i < fields.len() {
        if fields[i].is_some() {
            return fields[i];
        }
        i += 1;
    }
    None
}

/// The storage of a patch, as [`MetadataPatch`] hands it out: the public and private
/// slots of the context, and the unsafe fields.
#[doc(hidden)]
pub struct PatchParts<'a, C: Writer, P, Q, U> {
    pub public: &'a C::Slot<Public, P>,
    pub private: &'a C::Slot<Private, Q>,
    pub unsafe_: &'a U,
}

/// The storage of a patch, to fill from a browser's JSON.
#[doc(hidden)]
pub struct PatchPartsMut<'a, C: Writer, P, Q, U> {
    pub public: &'a mut C::Slot<Public, P>,
    pub private: &'a mut C::Slot<Private, Q>,
    pub unsafe_: &'a mut U,
}

/// The storage of a patch `P`, handed out.
#[doc(hidden)]
pub type PartsOf<'a, P> = PatchParts<
    'a,
    <P as MetadataPatch>::Writer,
    <P as MetadataPatch>::__Public,
    <P as MetadataPatch>::__Private,
    <P as MetadataPatch>::__Unsafe,
>;

/// The storage of a patch `P`, handed out to be filled.
#[doc(hidden)]
pub type PartsMutOf<'a, P> = PatchPartsMut<
    'a,
    <P as MetadataPatch>::Writer,
    <P as MetadataPatch>::__Public,
    <P as MetadataPatch>::__Private,
    <P as MetadataPatch>::__Unsafe,
>;

/// A typed metadata merge patch, such as the `AppUserPatch<C>` that
/// `#[derive(UserMetadata)]` generates.
///
/// It serializes as Clerk's `PATCH /v1/users/{user_id}/metadata` body:
/// `{"public_metadata": {…}, "private_metadata": {…}, "unsafe_metadata": {…}}` with only
/// the tiers it touches.
///
/// The crate reads a patch only through the storage it hands out, typed by its
/// [`Writer`]: a `Frontend` patch's public and private storage cannot hold a value, so
/// no implementation of this trait, generated or hand-written, can make a `Frontend`
/// write of public or private metadata.
///
/// # Browser writes
///
/// The browser is hostile: anything it sends, and anything in unsafe metadata (which a
/// signed-in user can write through Clerk's Frontend API directly), is
/// attacker-controlled. `AppUserPatch<Frontend>` as `Deserialize` is the gate for a
/// handler that takes a browser's write:
///
/// - every key must name a field the writer may write, once; otherwise the error says
///   which rule the key broke ("field `role` is public metadata: the frontend may write
///   only unsafe metadata"), naming the key as it was sent (an old `alias` key is not
///   turned into the current one). A private field, to a `Frontend` patch, is answered
///   exactly as a key that names no field ("unknown field `stripe_customer_id`: it is
///   not a metadata field"): the browser learns nothing of what the backend keeps;
/// - `null` removes a field, except one the schema requires, which is refused by name;
/// - a value that is an object must write exactly the keys that were sent: an object in
///   a field without `nested` is written whole, so a partial one would fill the rest
///   with defaults and overwrite what is stored; it is refused, naming the missing key.
///   A `nested` field takes a nested patch, checked key by key the same way;
/// - nothing the browser sent is echoed uncut: keys and serde's messages have control
///   and invisible characters escaped and are cut short.
pub trait MetadataPatch {
    /// The context the patch was written in: [`Backend`](crate::Backend) or
    /// [`Frontend`](crate::Frontend).
    type Writer: Writer;

    #[doc(hidden)]
    type __Public: ObjectFields;
    #[doc(hidden)]
    type __Private: ObjectFields;
    #[doc(hidden)]
    type __Unsafe: ObjectFields;

    #[doc(hidden)]
    fn __parts(&self) -> PartsOf<'_, Self>;

    #[doc(hidden)]
    fn __parts_mut(&mut self) -> PartsMutOf<'_, Self>;

    /// Whether the patch sends anything for `tier`.
    fn touches(&self, tier: TierKind) -> bool {
        let parts = self.__parts();
        match tier {
            TierKind::Public => <Self::Writer as Writer>::__get::<Public, _>(parts.public)
                .is_some_and(ObjectFields::is_touched),
            TierKind::Private => <Self::Writer as Writer>::__get::<Private, _>(parts.private)
                .is_some_and(ObjectFields::is_touched),
            TierKind::Unsafe => parts.unsafe_.is_touched(),
        }
    }

    /// Whether the patch sends nothing at all.
    fn is_empty(&self) -> bool {
        !TierKind::ALL.into_iter().any(|tier| self.touches(tier))
    }

    /// A serializable view of the patch's object for one tier (`{}` for an untouched
    /// tier).
    fn tier(&self, tier: TierKind) -> TierPatch<'_, Self>
    where
        Self: Sized,
    {
        TierPatch { patch: self, tier }
    }
}

/// The fields of `tier` of patch type `P`.
pub(crate) fn tier_fields<P: MetadataPatch>(tier: TierKind) -> &'static [FieldInfo] {
    match tier {
        TierKind::Public => <P::__Public as ObjectFields>::FIELDS,
        TierKind::Private => <P::__Private as ObjectFields>::FIELDS,
        TierKind::Unsafe => <P::__Unsafe as ObjectFields>::FIELDS,
    }
}

/// Writes the fields `patch` sends for `tier` into an open map; see
/// [`ObjectFields::write_entries`].
pub(crate) fn write_tier_entries<P: MetadataPatch, M: SerializeMap>(
    patch: &P,
    tier: TierKind,
    map: &mut M,
    skip: impl FnMut(&'static str) -> bool,
) -> Result<(), M::Error> {
    let parts = patch.__parts();
    match tier {
        TierKind::Public => match <P::Writer as Writer>::__get::<Public, _>(parts.public) {
            Some(fields) => fields.write_entries(map, skip),
            None => Ok(()),
        },
        TierKind::Private => match <P::Writer as Writer>::__get::<Private, _>(parts.private) {
            Some(fields) => fields.write_entries(map, skip),
            None => Ok(()),
        },
        TierKind::Unsafe => parts.unsafe_.write_entries(map, skip),
    }
}

/// The object a patch sends for one tier; see [`MetadataPatch::tier`].
///
/// Serializing it fails, naming the field, on a NaN or an infinity: JSON has no such
/// number, and serde_json would write `null`, which deletes the key.
pub struct TierPatch<'a, P> {
    patch: &'a P,
    tier: TierKind,
}

impl<P> fmt::Debug for TierPatch<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TierPatch")
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

/// The entries of one tier, serialized as an object.
struct Entries<'a, P> {
    patch: &'a P,
    tier: TierKind,
}

impl<P: MetadataPatch> Serialize for Entries<'_, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        write_tier_entries(self.patch, self.tier, &mut map, |_| false)?;
        map.end()
    }
}

impl<P: MetadataPatch> Serialize for TierPatch<'_, P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = Entries {
            patch: self.patch,
            tier: self.tier,
        };
        let state = GuardState::new(self.tier == TierKind::Private);
        let fields = tier_fields::<P>(self.tier);
        guarded(&entries, serializer, &state, true).map_err(|error| {
            match state.take(self.tier.key(), &|key| fields.iter().any(|f| f.reads(key))) {
                Some((problem, path)) => {
                    serde::ser::Error::custom(format_args!("{path} {}", problem.describe()))
                }
                None => error,
            }
        })
    }
}

/// Serializes a patch as Clerk's metadata body: the touched tiers, each under its key.
#[doc(hidden)]
pub fn serialize_patch<P: MetadataPatch, S: Serializer>(
    patch: &P,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let len = TierKind::ALL
        .into_iter()
        .filter(|t| patch.touches(*t))
        .count();
    let mut map = serializer.serialize_map(Some(len))?;
    for tier in TierKind::ALL {
        if patch.touches(tier) {
            map.serialize_entry(tier.key(), &patch.tier(tier))?;
        }
    }
    map.end()
}

/// Puts a nested patch into a field: a nested patch after a nested patch merges key by
/// key; otherwise it replaces what the field held.
#[doc(hidden)]
pub fn merge_nested<T, O: ObjectFields>(slot: &mut FieldPatch<T, O>, fields: O) {
    slot.merge_from(FieldPatch::Merge(fields));
}

/// Shows a private value's patch without the value: `Set(<redacted>)`.
#[doc(hidden)]
pub struct RedactedPatch<'a, T, M>(pub &'a FieldPatch<T, M>);

impl<T, M> fmt::Debug for RedactedPatch<'_, T, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            FieldPatch::Unchanged => f.write_str("Unchanged"),
            FieldPatch::Remove => f.write_str("Remove"),
            FieldPatch::Set(_) => f.write_str("Set(<redacted>)"),
            FieldPatch::Merge(_) => f.write_str("Merge(<redacted>)"),
        }
    }
}

/// The object of a nested patch's fields.
pub(crate) struct ObjectView<'a, O>(pub(crate) &'a O);

impl<O: ObjectFields> Serialize for ObjectView<'_, O> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MergeFields::serialize_sent(self.0, serializer)
    }
}

/// A field the schema does not require, which a patch may therefore remove.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` is required by the schema: removing it would leave stored metadata that the schema cannot read",
    label = "`{Self}` is neither an `Option` nor `#[serde(default)]`",
    note = "make the field an `Option<_>` or give it `#[serde(default)]`; to delete the key all the same, call the field's `remove_required_…` method"
)]
pub trait Removable {}

/// Shown in place of a private metadata value.
#[doc(hidden)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Serializes the object of a nested patch's fields, refusing NaN and infinities.
#[doc(hidden)]
pub fn serialize_object<O: ObjectFields, S: serde::Serializer>(
    fields: &O,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let state = crate::json::guard::GuardState::new(true);
    crate::json::guard::guarded(
        &crate::schema::patch::ObjectView(fields),
        serializer,
        &state,
        true,
    )
    .map_err(
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
