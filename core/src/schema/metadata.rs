//! The traits that tie a schema to its tiers: `Metadata` for what every schema has (a
//! public and a private tier), `UserMetadata`, `OrganizationMetadata` and
//! `MembershipMetadata` for each kind of schema, `MetadataTier` for each tier struct.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::field::FieldInfo;
use super::patch::MetadataPatch;
use super::tier::{Private, Public, Tier, Unsafe};
use super::writer::{Backend, Writer};

/// A struct holding the fields of one tier of a schema, such as `AppUserPublic`.
///
/// Implemented by `#[derive(UserMetadata)]`; [`MetadataTier::Tier`] names the tier
/// the struct belongs to, so code generic over tiers can tell at compile time where a
/// value may travel.
pub trait MetadataTier: TierSeal {
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

/// A user metadata schema: one app struct split into three typed tiers.
///
/// Implemented by `#[derive(UserMetadata)]`, which also implements [`Metadata`] with
/// the same `Public` and `Private` tier types, for code generic over every kind of
/// schema. Organizations and memberships have schemas of their own, with two tiers:
/// [`OrganizationMetadata`], [`MembershipMetadata`].
///
/// # What the derive generates
///
/// For `#[derive(UserMetadata)] pub struct AppUser { … }`, next to the struct and with
/// its visibility:
///
/// - `AppUserPublic`, `AppUserPrivate`, `AppUserUnsafe`: one struct per tier with that
///   tier's fields (doc comments and `#[serde]` attributes carried over), deriving
///   `Serialize` and `Deserialize`, and implementing [`MetadataTier`](crate::MetadataTier) with its tier
///   marker. A tier with no fields is the empty object `{}`. Each declares only the
///   generic parameters its fields use. Each is `Clone` and `Debug` when its field types
///   are (the compiler's error names the field type that is not); the private tier's
///   `Debug` shows field names, never values. An `Option` field that is `None` is left
///   out of the object, as `JSON.stringify` leaves out `undefined`.
/// - `impl UserMetadata for AppUser`: [`UserMetadata::into_tiers`](crate::UserMetadata::into_tiers) and
///   [`UserMetadata::from_tiers`](crate::UserMetadata::from_tiers) convert losslessly.
/// - `AppUserPatch<W>`: a typed merge patch ([`MetadataPatch`](crate::MetadataPatch)) written by `W`
///   ([`Backend`](crate::Backend) or [`Frontend`](crate::Frontend)). Per field, a setter named like the field
///   (`.role(value)`) and, for a field the schema does not require (an `Option`, or one
///   with `#[serde(default)]`), a remover (`.remove_theme()`, which sends `null` and so
///   deletes the key). Removing a required field would leave metadata the schema cannot
///   read: `.remove_role()` does not compile, and `.remove_required_role()` says what it
///   does. Per tier, `.set_public(tier)`, `.set_private(tier)`, `.set_unsafe(tier)`,
///   which send every field of the tier. `.widen()` (or `From`) turns a `Frontend` patch
///   into a `Backend` one; nothing turns a `Backend` patch into a `Frontend` one. Its
///   `Deserialize` reads the flat object a browser sends, `{"field": value}`; see
///   [`MetadataPatch`](crate::MetadataPatch#browser-writes). Patches are `Clone`, `PartialEq` and `Debug`
///   when their field types are; `Debug` never shows private values.
/// - For a field marked `#[metadata(<tier>, nested)]`, whose type derives
///   [`MetadataObject`](crate::MetadataObject): `.merge_notifications(NotificationsPatch::new().push(true))`,
///   which sends only the nested keys the nested patch sets, and Clerk merges them into
///   the stored object key by key. A field without `nested` is written whole.
///
/// `#[derive(MetadataObject)]` on a struct nested in metadata generates its patch
/// (`NotificationsPatch`: setters, removers, and `merge_…` for its own nested fields).
/// Every field of a nested object must be optional (`Option`, or `#[serde(default)]` on
/// the field or the struct), because Clerk creates a missing nested object from just the
/// keys a patch sends. A nested object keeps the keys it does not name in a
/// `#[serde(flatten)]` field of type [`UnknownKeys`](crate::UnknownKeys), so that a
/// replace built from a read writes back what another service stored inside it; one
/// that should drop them says `#[metadata(drop_unknown_keys)]` instead (one or the other
/// is required). A `nested` field cannot also have a `#[serde(alias)]`: a merge under the
/// new key would delete the old one with every nested key it does not set; move stored
/// data first (a plain aliased field, read and replaced, moves the object whole).
///
/// # Attributes
///
/// - On each field, exactly one of `#[metadata(public)]`, `#[metadata(private)]`,
///   `#[metadata(unsafe)]`, and optionally `nested`, `claim` (public fields copied into
///   the session token; the derive then generates `<Schema>Claims`) or
///   `user_controlled`. There is no default tier.
/// - The signed-in user writes unsafe metadata (through Clerk's Frontend API too), so
///   an unsafe field whose Rust name, JSON key or alias reads like an authorization
///   fact is a compile error: any of the words `role`, `admin`, `administrator`,
///   `superuser`, `permission`, `privilege`, `plan`, `tier`, `subscription`, `paid`,
///   `premium`, `verified`, `banned`, `credit`, `quota`, `owner`, `staff`,
///   `moderator`, `entitlement`, in the plural too, glued to `is` or `user` before or
///   digits after (`isadmin`, `userrole`, `admin2`), or written as two words
///   (`super_user`); words are split at `_`, `-`, `.`, `:`, `/` and case changes
///   (`is_admin`, `requestedPlan`, `PLANId`, `app:role`). Fields of an object nested in
///   unsafe metadata (`nested`, at any depth) are checked too, unless the schema is
///   generic; a field of a plain (not `nested`) struct type is not looked into. Move such a field to public metadata, or, when it is
///   only the user's request that the backend checks before acting on it (a sign-up's
///   requested plan, written to public metadata once checked, in one merge patch:
///   `.plan(checked).remove_requested_plan()`), mark it
///   `#[metadata(unsafe, user_controlled)]` (in a nested object, the nested field
///   `#[metadata(user_controlled)]`).
/// - On the struct, optionally `#[metadata(derive(...))]`: derives (any path, such as
///   `PartialEq` or `schemars::JsonSchema`) to put on the tier structs; a `Debug` derive
///   is not put on the private tier, whose `Debug` is always redacted.
/// - `#[serde(...)]`: on the struct, `rename_all`, `deny_unknown_fields`, `default`,
///   `bound`, `expecting`; on a field, `rename`, `alias`, `default`,
///   `skip_serializing_if`, `bound`. They are resolved exactly as serde resolves them,
///   split over several attributes or behind `cfg_attr`; they apply to the tier structs
///   as to any serde struct, and patches, browser reads and [`Stored`](crate::Stored) use the same JSON
///   keys. A key written under one name and read under another (`rename(serialize = …)`
///   without the same `deserialize`, a one-sided `rename_all`) is a compile error: the
///   stored value would be read as missing and deleted by the next replace. An `alias`
///   is an old key that is read; a write of the field sends `null` for it, so the stored
///   object never holds the field twice. `skip_serializing_if` on a required field is a
///   compile error: a replace could leave the key out. Attributes that would make a tier
///   something other than an object of its fields (`transparent`, `tag`, `flatten`,
///   `skip`, `with`, …) are compile errors: wrap such a type in a newtype instead.
///
/// Every mistake in these attributes, and a derive on an enum, union, tuple or unit
/// struct, is a compile error pointing at the offending tokens, all reported at once.
/// The generated code always names this crate as `::clerk_metadata`; if you renamed the
/// dependency, add `extern crate <name> as clerk_metadata;` to your crate root.
pub trait UserMetadata: Sized {
    /// The struct of the schema's public fields (`…Public`).
    type Public: MetadataTier<Tier = Public> + Serialize + DeserializeOwned;
    /// The struct of the schema's private fields (`…Private`).
    type Private: MetadataTier<Tier = Private> + Serialize + DeserializeOwned;
    /// The struct of the schema's unsafe fields (`…Unsafe`).
    type Unsafe: MetadataTier<Tier = Unsafe> + Serialize + DeserializeOwned;
    /// The schema's typed merge patch (`…Patch<C>`), written in context `C`.
    type Patch<C: Writer>: MetadataPatch<Writer = C> + Default;

    /// Joins three tiers back into the schema struct. Nothing is lost:
    /// `from_tiers(x.into_tiers())` is `x`.
    fn from_tiers(public: Self::Public, private: Self::Private, unsafe_: Self::Unsafe) -> Self;

    /// Splits the schema struct into its three tiers.
    fn into_tiers(self) -> (Self::Public, Self::Private, Self::Unsafe);
}

/// What every metadata schema has: a public and a private tier. Implemented by all
/// three schema derives; the supertrait of [`OrganizationMetadata`] and
/// [`MembershipMetadata`]. A user schema implements it with the same tier types as its
/// [`UserMetadata`] impl ([`UserMetadata`] keeps its own `Public` and `Private`, so
/// `<S as UserMetadata>::Public` keeps working).
pub trait Metadata: Sized {
    /// The struct of the schema's public fields (`…Public`).
    type Public: MetadataTier<Tier = Public> + Serialize + DeserializeOwned;
    /// The struct of the schema's private fields (`…Private`).
    type Private: MetadataTier<Tier = Private> + Serialize + DeserializeOwned;
}

/// An organization metadata schema (Clerk's `OrganizationPublicMetadata` and
/// `OrganizationPrivateMetadata`): one app struct split into a public and a private
/// tier.
///
/// Implemented by `#[derive(OrganizationMetadata)]`, which takes the field attributes,
/// `#[serde]` attributes and nested objects of [`UserMetadata`] and keeps its
/// guarantees (no loss, readable writes, no leak of private values), with these
/// differences:
///
/// - There are two tiers: a field is `#[metadata(public)]` (the backend writes, the
///   organization's members read it in the browser) or `#[metadata(private)]` (backend
///   only). Clerk stores no unsafe metadata on an organization, so
///   `#[metadata(unsafe)]` is a compile error that says so.
/// - Clerk's Frontend API cannot write organization metadata, so the patch
///   (`AppOrgPatch`) has no writer parameter: its writer is always
///   [`Backend`](crate::Backend), and a `Frontend` organization patch does not exist
///   (`AppOrgPatch<Frontend>` does not compile). Its `Deserialize` reads the flat object
///   `{"field": value}` of any public or private field, as a `Backend` user patch does:
///   it is for input the backend trusts (an admin tool whose caller it has checked),
///   never a gate for a browser's write.
/// - `#[metadata(public, claim)]` copies a field into the session token from the
///   session's active organization (`{{org.public_metadata.<key>}}`), by the
///   customization [`claims::organization_template`](crate::claims::organization_template)
///   gives; the derive generates `AppOrgClaims` to read it, as for users.
///
/// The derive generates `AppOrgPublic`, `AppOrgPrivate`, `AppOrgPatch` (with setters,
/// removers, `merge_…` for nested fields, `set_public`, `set_private`), and implements
/// [`Metadata`], this trait and [`OrganizationPatch`] for the patch. Read an
/// organization with [`Organization`](crate::Organization); write its metadata with
/// [`OrganizationUpdate`](crate::OrganizationUpdate).
///
/// ```
/// use clerk_metadata::{Backend, OrganizationMetadata};
///
/// #[derive(OrganizationMetadata)]
/// pub struct AppOrg {
///     #[metadata(public)]
///     pub plan: String,
///     #[metadata(public)]
///     pub seats: u32,
///     #[metadata(private)]
///     pub stripe_customer_id: Option<String>,
/// }
///
/// let patch = AppOrgPatch::new().seats(25u32).remove_stripe_customer_id();
/// assert_eq!(
///     serde_json::to_string(&patch).unwrap(),
///     r#"{"public_metadata":{"seats":25},"private_metadata":{"stripe_customer_id":null}}"#
/// );
/// ```
///
/// ```compile_fail
/// # use clerk_metadata::{Frontend, OrganizationMetadata};
/// # #[derive(OrganizationMetadata)]
/// # pub struct AppOrg { #[metadata(public)] pub plan: String }
/// // An organization patch has no writer parameter: there is no frontend write.
/// let patch = AppOrgPatch::<Frontend>::new();
/// ```
pub trait OrganizationMetadata: Metadata {
    /// The schema's typed merge patch (`…Patch`), written by the backend.
    type Patch: OrganizationPatch + Default;

    /// Joins the two tiers back into the schema struct. Nothing is lost:
    /// `from_tiers(x.into_tiers())` is `x`.
    fn from_tiers(public: Self::Public, private: Self::Private) -> Self;

    /// Splits the schema struct into its two tiers.
    fn into_tiers(self) -> (Self::Public, Self::Private);
}

/// An organization membership metadata schema (Clerk's
/// `OrganizationMembershipPublicMetadata` and `OrganizationMembershipPrivateMetadata`):
/// per-member facts of one organization, in a public and a private tier.
///
/// Implemented by `#[derive(MembershipMetadata)]`, which works exactly as
/// [`#[derive(OrganizationMetadata)]`](OrganizationMetadata) does (two tiers, a
/// backend-only patch, no `unsafe`; a `claim` copies the field from the user's
/// membership in the session's active organization,
/// `{{org_membership.public_metadata.<key>}}`, by
/// [`claims::membership_template`](crate::claims::membership_template)); its patch is a
/// [`MembershipPatch`]. An organization invitation's metadata becomes the membership's
/// when the invitation is accepted, so
/// [`OrganizationInvitation`](crate::OrganizationInvitation) types it with this schema.
/// Read a membership with [`Membership`](crate::Membership); write its metadata with
/// [`MembershipUpdate`](crate::MembershipUpdate).
pub trait MembershipMetadata: Metadata {
    /// The schema's typed merge patch (`…Patch`), written by the backend.
    type Patch: MembershipPatch + Default;

    /// Joins the two tiers back into the schema struct. Nothing is lost:
    /// `from_tiers(x.into_tiers())` is `x`.
    fn from_tiers(public: Self::Public, private: Self::Private) -> Self;

    /// Splits the schema struct into its two tiers.
    fn into_tiers(self) -> (Self::Public, Self::Private);
}

/// A merge patch of organization metadata: the `…Patch` of an
/// [`OrganizationMetadata`] schema, which [`OrganizationUpdate::metadata`](crate::OrganizationUpdate::metadata)
/// takes. Its writer is [`Backend`](crate::Backend).
pub trait OrganizationPatch: MetadataPatch<Writer = Backend> {
    /// The schema the patch writes.
    type Schema: OrganizationMetadata;
}

/// A merge patch of organization membership metadata: the `…Patch` of a
/// [`MembershipMetadata`] schema, which [`MembershipUpdate::metadata`](crate::MembershipUpdate::metadata)
/// takes. Its writer is [`Backend`](crate::Backend).
pub trait MembershipPatch: MetadataPatch<Writer = Backend> {
    /// The schema the patch writes.
    type Schema: MembershipMetadata;
}

#[doc(hidden)]
/// Seal of [`MetadataTier`](crate::MetadataTier): generated code implements it. It
/// does not guard anything: a tier only says where its value goes, and the write guard
/// on that tier decides who may send it.
pub trait TierSeal {}
