//! Typed, tier-separated [Clerk](https://clerk.com) user metadata, with the writes the
//! browser may not make rejected at compile time and at run time.
//!
//! Clerk keeps three metadata objects on every user:
//!
//! | tier | written by | visible to the browser |
//! |---|---|---|
//! | [`Public`] (`public_metadata`) | the backend | yes |
//! | [`Private`] (`private_metadata`) | the backend | no |
//! | [`Unsafe`] (`unsafe_metadata`) | the backend and the signed-in user | yes |
//!
//! # The schema
//!
//! Mark every field of one app struct with its tier and derive [`UserMetadata`]:
//!
//! ```
//! use clerk_metadata::{Backend, Frontend, UserMetadata};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
//! #[serde(rename_all = "snake_case")]
//! pub enum Role { Admin, Member }
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
//! #[serde(rename_all = "snake_case")]
//! pub enum Theme { #[default] System, Dark }
//!
//! #[derive(UserMetadata)]
//! pub struct AppUser {
//!     /// Shown in the UI; only the backend may change it.
//!     #[metadata(public)]
//!     pub role: Role,
//!     #[metadata(private)]
//!     pub stripe_customer_id: Option<String>,
//!     #[metadata(unsafe)]
//!     #[serde(default)]
//!     pub theme: Theme,
//! }
//!
//! // One typed struct per tier, each a JSON object of its fields.
//! let user = AppUser { role: Role::Member, stripe_customer_id: None, theme: Theme::Dark };
//! let (public, _private, unsafe_): (AppUserPublic, AppUserPrivate, AppUserUnsafe) = user.into_tiers();
//! assert_eq!(serde_json::to_string(&public)?, r#"{"role":"member"}"#);
//! assert_eq!(serde_json::to_string(&unsafe_)?, r#"{"theme":"dark"}"#);
//!
//! // A typed merge patch for `PATCH /v1/users/{user_id}/metadata`.
//! let patch = AppUserPatch::<Backend>::new().role(Role::Admin).remove_stripe_customer_id();
//! assert_eq!(
//!     serde_json::to_string(&patch)?,
//!     r#"{"public_metadata":{"role":"admin"},"private_metadata":{"stripe_customer_id":null}}"#
//! );
//!
//! // What a browser sends: a flat object of the fields it may write.
//! let mine: AppUserPatch<Frontend> = serde_json::from_str(r#"{"theme": "dark"}"#)?;
//! assert_eq!(serde_json::to_string(&mine)?, r#"{"unsafe_metadata":{"theme":"dark"}}"#);
//! let error = serde_json::from_str::<AppUserPatch<Frontend>>(r#"{"role": "admin"}"#).unwrap_err();
//! assert!(error.to_string().starts_with(
//!     "field `role` is public metadata: the frontend may write only unsafe metadata"
//! ));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! A frontend write to public or private metadata does not compile:
//!
//! ```compile_fail,E0277
//! # use clerk_metadata::{Frontend, UserMetadata};
//! # #[derive(UserMetadata)]
//! # pub struct AppUser {
//! #     #[metadata(public)]
//! #     pub role: String,
//! # }
//! // error[E0277]: `Frontend` may not write `role`: it is `clerk_metadata::Public` metadata
//! let patch = AppUserPatch::<Frontend>::new().role("admin".to_owned());
//! ```
//!
//! # What the derive generates
//!
//! For `#[derive(UserMetadata)] pub struct AppUser { … }`, next to the struct and with
//! its visibility:
//!
//! - `AppUserPublic`, `AppUserPrivate`, `AppUserUnsafe`: one struct per tier with that
//!   tier's fields (doc comments and `#[serde]` attributes carried over), deriving
//!   `Serialize` and `Deserialize`, and implementing [`MetadataTier`] with its tier
//!   marker. A tier with no fields is the empty object `{}`. Each declares only the
//!   generic parameters its fields use. Each is `Clone` and `Debug` when its field types
//!   are (the compiler's error names the field type that is not); the private tier's
//!   `Debug` shows field names, never values. An `Option` field that is `None` is left
//!   out of the object, as `JSON.stringify` leaves out `undefined`.
//! - `impl UserMetadata for AppUser`: [`UserMetadata::into_tiers`] and
//!   [`UserMetadata::from_tiers`] convert losslessly.
//! - `AppUserPatch<C>`: a typed merge patch ([`MetadataPatch`]) written in context `C`
//!   ([`Backend`] or [`Frontend`]). Per field, a setter named like the field
//!   (`.role(value)`) and, for a field the schema does not require (an `Option`, or one
//!   with `#[serde(default)]`), a remover (`.remove_theme()`, which sends `null` and so
//!   deletes the key). Removing a required field would leave metadata the schema cannot
//!   read: `.remove_role()` does not compile, and `.remove_required_role()` says what it
//!   does. Per tier, `.set_public(tier)`, `.set_private(tier)`, `.set_unsafe(tier)`,
//!   which send every field of the tier. `.widen()` (or `From`) turns a `Frontend` patch
//!   into a `Backend` one; nothing turns a `Backend` patch into a `Frontend` one. Its
//!   `Deserialize` reads the flat object a browser sends, `{"field": value}`; see
//!   [Browser writes](#browser-writes). Patches are `Clone`, `PartialEq` and `Debug`
//!   when their field types are; `Debug` never shows private values.
//! - For a field marked `#[metadata(<tier>, nested)]`, whose type derives
//!   [`MetadataObject`]: `.merge_notifications(NotificationsPatch::new().push(true))`,
//!   which sends only the nested keys the nested patch sets, and Clerk merges them into
//!   the stored object key by key. A field without `nested` is written whole.
//!
//! `#[derive(MetadataObject)]` on a struct nested in metadata generates its patch
//! (`NotificationsPatch`: setters, removers, and `merge_…` for its own nested fields).
//! Every field of a nested object must be optional (`Option`, or `#[serde(default)]` on
//! the field or the struct), because Clerk creates a missing nested object from just the
//! keys a patch sends.
//!
//! # Attributes
//!
//! - On each field, exactly one of `#[metadata(public)]`, `#[metadata(private)]`,
//!   `#[metadata(unsafe)]`, and optionally `nested`. There is no default tier.
//! - On the struct, optionally `#[metadata(derive(...))]`: derives (any path, such as
//!   `PartialEq` or `schemars::JsonSchema`) to put on the tier structs; a `Debug` derive
//!   is not put on the private tier, whose `Debug` is always redacted.
//! - `#[serde(...)]`: on the struct, `rename_all`, `deny_unknown_fields`, `default`,
//!   `bound`, `expecting`; on a field, `rename`, `alias`, `default`,
//!   `skip_serializing_if`, `bound`. They are resolved exactly as serde resolves them,
//!   split over several attributes or behind `cfg_attr`; they apply to the tier structs
//!   as to any serde struct, and patches, browser reads and [`Stored`] use the same JSON
//!   keys. A key written under one name and read under another (`rename(serialize = …)`
//!   without the same `deserialize`, a one-sided `rename_all`) is a compile error: the
//!   stored value would be read as missing and deleted by the next replace. An `alias`
//!   is an old key that is read; a write of the field sends `null` for it, so the stored
//!   object never holds the field twice. `skip_serializing_if` on a required field is a
//!   compile error: a replace could leave the key out. Attributes that would make a tier
//!   something other than an object of its fields (`transparent`, `tag`, `flatten`,
//!   `skip`, `with`, …) are compile errors: wrap such a type in a newtype instead.
//!
//! Every mistake in these attributes, and a derive on an enum, union, tuple or unit
//! struct, is a compile error pointing at the offending tokens, all reported at once.
//! The generated code always names this crate as `::clerk_metadata`; if you renamed the
//! dependency, add `extern crate <name> as clerk_metadata;` to your crate root.
//!
//! # The guards
//!
//! Every write of a public or private field or tier is bound by [`CanWrite`]: [`Backend`]
//! may write every tier and [`Frontend`] only [`Unsafe`] (unsafe setters carry no bound,
//! since every context may write them), so code generic over the context
//! (`fn f<C: Writer>(p: AppUserPatch<C>)`) can only write public or private fields
//! under an explicit `C: CanWrite<…>` bound, which `Frontend` never meets.
//!
//! The bound is not all there is. A `Frontend` patch keeps its public and private
//! fields in storage of a type that holds nothing, so no code can put a value there:
//! not a setter, not the schema's own module, not a hand-written [`MetadataPatch`] impl
//! (the crate reads a patch only through that storage), not the support module of
//! generated code. The tier, context, [`CanWrite`] and [`Within`] traits are sealed.
//!
//! The generated code names nothing from the caller's scope, so a crate that does not
//! depend on `serde` itself, or that defines its own `Result` or `Option`, can use it.
//!
//! # Browser writes
//!
//! The browser is hostile: anything it sends, and anything in unsafe metadata (which a
//! signed-in user can write through Clerk's Frontend API directly), is
//! attacker-controlled. `AppUserPatch<Frontend>` as `Deserialize` is the gate for a
//! handler that takes a browser's write:
//!
//! - every key must name a field the context may write, once; otherwise the error says
//!   which rule the key broke ("field `role` is public metadata: the frontend may write
//!   only unsafe metadata");
//! - `null` removes a field, except one the schema requires, which is refused by name;
//! - a value that is an object must write exactly the keys that were sent: an object in
//!   a field without `nested` is written whole, so a partial one would fill the rest
//!   with defaults and overwrite what is stored; it is refused, naming the missing key.
//!   A `nested` field takes a nested patch, checked key by key the same way;
//! - nothing the browser sent is echoed uncut: keys and serde's messages have control
//!   and invisible characters escaped and are cut short.
//!
//! # The invariants
//!
//! **No loss.** No API of this crate deletes a metadata key the schema does not name
//! unless the caller asks for it by a method whose name says so. Patches never send such
//! keys (Clerk's deep merge leaves them alone), nested patches send only the nested keys
//! they set; a replace built from a [`Stored`] tier you read sends them back unchanged;
//! only [`Stored::clear_unknown`] drops them, and a replace with a bare tier struct
//! replaces the object with exactly that value. What is inside a named key that is
//! written whole is that type's business.
//!
//! **Readable writes.** A typed write never leaves metadata the schema cannot read back:
//! required fields are removed only by `remove_required_…`, an alias is deleted when its
//! field is written, `None` is written as an absent key, and a NaN or an infinity (which
//! serde_json would send as `null`, deleting the key) fails [`UserUpdate`]'s validation,
//! naming the field.
//!
//! **No forgery.** No downstream impl, attribute or hidden item leads to a `Frontend`
//! write of public or private metadata that compiles (`tests/ui/compile-fail/forge-*`).
//!
//! **No leak.** No `Debug`, `Display` or error message holds a private metadata value or
//! a key the schema does not name under `private_metadata`: messages there are built
//! from the schema (the field and its type), never from the parser's text. [`User`] is
//! not `Serialize`; [`FrontendUser`], the browser's view, has no private metadata.
//!
//! # Updating a user
//!
//! [`UserUpdate<C>`](UserUpdate) is the typed form of Clerk's
//! `clerkClient.users.updateUser(userId, params)`: every field of
//! `PATCH /v1/users/{user_id}` (`UpdateUser` in Clerk's OpenAPI spec, all three API
//! versions) has a setter named as the JSON field, nullable ones a `clear_…` that sends
//! `null`, and metadata goes through typed patches (`PATCH …/metadata`, deep merge) or
//! whole-tier replaces (`PUT …/metadata`). `build` validates every field at once, with
//! Clerk's own error codes, and returns the [`ApiRequest`]s to send: method, path,
//! headers and body bytes, for any HTTP client. With the `http` feature, each converts
//! into the `http` crate's `http::Request<Vec<u8>>`.
//!
//! # Features
//!
//! - `http` (off by default): `ApiRequest::into_http` and
//!   `From<ApiRequest> for http::Request<Vec<u8>>`.
//!
//! ```
//! use clerk_metadata::{ApiVersion, Backend, Frontend, UserId, UserUpdate};
//!
//! let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")?;
//! let requests = UserUpdate::<Backend>::new()
//!     .first_name("John")
//!     .last_name("Wick")
//!     .build(&id, ApiVersion::V2026_05_12)?;
//! assert_eq!(requests[0].method().as_str(), "PATCH");
//! assert_eq!(requests[0].headers()[0], ("clerk-api-version", "2026-05-12"));
//!
//! // The signed-in user, through the Frontend API (`PATCH /v1/me`, form-encoded).
//! let mine = UserUpdate::<Frontend>::new().username("jwick").build(ApiVersion::LATEST)?;
//! assert_eq!((mine[0].path(), mine[0].body()), ("/v1/me", &b"username=jwick"[..]));
//!
//! // Every problem at once, each with a field, a code and a sentence.
//! let errors = UserUpdate::<Backend>::new().username("j.w").password("short").build(&id, ApiVersion::LATEST).unwrap_err();
//! assert_eq!(errors.len(), 3);
//! assert!(errors.contains("password", "form_password_length_too_short"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On `UserUpdate<Frontend>`, only what Clerk's Frontend API accepts compiles:
//! `username`, `first_name`, `last_name`, the three `primary_*_id` fields, and unsafe
//! metadata. `password`, `external_id`, `totp_secret`, `replace_public`, a `Backend`
//! patch and every other backend-only write are compile errors that name the field
//! ([`CanSet`], [`CanWrite`], [`Within`]).
//!
//! # Reading users
//!
//! [`User<S>`](User) reads a Backend API `User` object with its metadata typed by the
//! schema `S`; [`FrontendUser<S>`](FrontendUser) is the browser's view, which has no
//! private metadata field at all: read it from the Frontend API, or make it from a
//! `User` to answer a browser. Each tier is a [`Stored<T>`](Stored): the typed value
//! plus every key of the stored object that the schema does not name, kept as the exact
//! JSON read. Profile fields the crate does not type are kept too
//! ([`UserProfile::other`]).
//!
//! When public or private metadata does not fit the schema, the read fails naming the
//! JSON path: `public_metadata.role: unknown variant `superadmin`, expected `admin` or
//! `member``, through [`User::from_json`] and through plain serde alike. Unsafe metadata
//! is untrusted, so a user's own junk there never fails a read: it comes back as
//! [`TierRead::Drifted`], its JSON kept byte for byte beside the problem.
//! [`User::from_json_lenient`] tolerates drift in every tier.
//!
//! [`ApiError::from_response`] reads Clerk's error bodies (`ClerkErrors`) into typed
//! errors and keeps any other body whole.
//!
//! `Debug` of updates and requests never shows `password`, `password_digest`,
//! `totp_secret`, `backup_codes` or private metadata values, and no validation message
//! quotes the value it rejects. Clerk's own messages are escaped and cut in
//! `ApiError`'s `Display`.

#![forbid(unsafe_code)]

mod json;
mod read;
mod schema;
mod sealed;
mod update;
mod validation;
mod value;
mod wire;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private_0_1;

pub use clerk_metadata_macros::{MetadataObject, UserMetadata};
pub use read::{
    Drift, FrontendUser, LenientUser, OtherFields, ReadError, TierRead, User, UserProfile,
    WithPrivateMetadata,
};
pub use schema::metadata::{MetadataTier, UserMetadata};
pub use schema::patch::{MetadataObject, MetadataPatch, TierPatch};
pub use schema::stored::Stored;
pub use schema::tier::{Private, Public, Tier, TierKind, Unsafe};
pub use schema::writer::{Backend, CanWrite, Frontend, Within, Writer};
pub use serde_json;
pub use update::UserUpdate;
pub use update::rules::Rules;
pub use update::table::{CanSet, fields};
pub use validation::{ValidationError, ValidationErrors, codes};
pub use value::IntoValue;
pub use wire::clerk_error::{ApiError, ClerkError, ClerkErrors};
pub use wire::id::UserId;
pub use wire::request::{ApiRequest, BodyKind, CLERK_API_VERSION, Method};
pub use wire::values::{PasswordHasher, Timestamp};
pub use wire::version::{ApiVersion, UnknownApiVersion};
