//! `UserUpdate<C>`: a typed, validated update of one Clerk user.

use core::fmt;
use core::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;

use crate::context::{Backend, CanWrite, Context, Frontend, Within};
use crate::error::{ValidationError, ValidationErrors, codes};
use crate::guard::{self, GuardState, Problem};
use crate::id::UserId;
use crate::patch::{FieldPatch, MetadataPatch, tier_fields, write_tier_entries};
use crate::request::{ApiRequest, BodyKind, Method};
use crate::rules::Rules;
use crate::sealed::CanSetSeal;
use crate::tier::{FieldInfo, MetadataTier, Private, Public, Tier, TierKind, Unsafe};
use crate::validate;
use crate::values::{PasswordHasher, Timestamp};
use crate::version::ApiVersion;

/// The write guard of [`UserUpdate`] fields: context `Self` may set `Field`.
///
/// [`Backend`] may set every field; [`Frontend`] only what Clerk's Frontend API takes
/// on `PATCH /v1/me`. `Field` is a marker from [`fields`]. Sealed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` may not set `{Field}`: Clerk's Frontend API does not accept it",
    label = "`{Field}` can be set only through the Backend API",
    note = "the Frontend API (`PATCH /v1/me`) takes username, first_name, last_name, primary_email_address_id, primary_phone_number_id, primary_web3_wallet_id and unsafe metadata; build this update as `UserUpdate<Backend>` in server code"
)]
pub trait CanSet<Field>: Context + CanSetSeal<Field> {}

impl<F> CanSetSeal<F> for Backend {}
impl<F> CanSet<F> for Backend {}

macro_rules! frontend_may_set {
    (frontend $name:ident) => {
        impl CanSetSeal<fields::$name> for Frontend {}
        impl CanSet<fields::$name> for Frontend {}
    };
    (backend $name:ident) => {};
}

macro_rules! debug_value {
    (secret $value:expr) => {
        &crate::patch::RedactedPatch($value)
    };
    (plain $value:expr) => {
        $value
    };
}

macro_rules! user_update_fields {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident $(/ $clear:ident)? : $ty:ty => $access:ident $secret:ident;
    )*) => {
        /// The `PATCH /v1/users/{user_id}` body fields, in the spec's order.
        #[derive(Clone, Default, Serialize)]
        pub(crate) struct Profile {
            $(
                #[serde(skip_serializing_if = "FieldPatch::is_unchanged")]
                pub(crate) $name: FieldPatch<$ty>,
            )*
        }

        impl Profile {
            fn is_empty(&self) -> bool {
                true $(&& self.$name.is_unchanged())*
            }

            fn debug_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
                $(
                    if !self.$name.is_unchanged() {
                        d.field(stringify!($name), debug_value!($secret &self.$name));
                    }
                )*
            }
        }

        /// Marker types, one per [`UserUpdate`] field, that name the field in the
        /// compile error of a write the context may not make.
        #[allow(non_camel_case_types)]
        pub mod fields {
            /// The whole `public_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum public_metadata {}
            /// The whole `private_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum private_metadata {}
            /// The whole `unsafe_metadata` object, written by a replace.
            #[derive(Debug)]
            pub enum unsafe_metadata {}
            $(
                #[doc = concat!("The `", stringify!($name), "` field of a user update.")]
                #[derive(Debug)]
                pub enum $name {}
            )*
        }

        $(frontend_may_set!($access $name);)*

        impl<C: Context> UserUpdate<C> {
            $(
                #[doc = concat!("Sets `", stringify!($name), "`.")]
                #[doc = ""]
                $(#[doc = $doc])*
                #[must_use]
                pub fn $name(mut self, value: impl Into<$ty>) -> Self
                where
                    C: CanSet<fields::$name>,
                {
                    self.profile.$name = FieldPatch::Set(value.into());
                    self
                }

                $(
                    #[doc = concat!("Sends `", stringify!($name), ": null`, which clears it.")]
                    #[must_use]
                    pub fn $clear(mut self) -> Self
                    where
                        C: CanSet<fields::$name>,
                    {
                        self.profile.$name = FieldPatch::Remove;
                        self
                    }
                )?
            )*
        }
    };
}

user_update_fields! {
    /// The user's ID in your own systems; unique across the instance.
    external_id / clear_external_id: String => backend plain;
    /// At most 256 characters.
    first_name / clear_first_name: String => frontend plain;
    /// At most 256 characters.
    last_name / clear_last_name: String => frontend plain;
    /// A language tag such as `en` or `en-US`.
    locale / clear_locale: String => backend plain;
    /// A verified email address of the user.
    primary_email_address_id / clear_primary_email_address_id: String => frontend plain;
    /// Tell the user their primary email address changed.
    notify_primary_email_address_changed / clear_notify_primary_email_address_changed: bool => backend plain;
    /// A verified phone number of the user.
    primary_phone_number_id / clear_primary_phone_number_id: String => frontend plain;
    /// A verified web3 wallet of the user.
    primary_web3_wallet_id / clear_primary_web3_wallet_id: String => frontend plain;
    /// Checked against [`Rules`]: Clerk's default is 4 to 64 Latin characters, no
    /// whitespace, none of ``^$!.`#+~``. Clearing removes the username.
    username / clear_username: String => frontend plain;
    /// An uploaded image to use as the profile image.
    profile_image_id / clear_profile_image_id: String => backend plain;
    /// 8 to 72 bytes of UTF-8 (bcrypt's limit). Never shown by `Debug`.
    password / clear_password: String => backend secret;
    /// A digest made with [`password_hasher`](Self::password_hasher), which must be set
    /// too. Excludes `password`. Never shown by `Debug`.
    password_digest: String => backend secret;
    /// The algorithm of [`password_digest`](Self::password_digest).
    password_hasher: PasswordHasher => backend plain;
    /// Skip the instance's password policy; only together with `password`.
    skip_password_checks / clear_skip_password_checks: bool => backend plain;
    /// Sign the user out of their other sessions; only together with `password`.
    sign_out_of_other_sessions / clear_sign_out_of_other_sessions: bool => backend plain;
    /// The TOTP secret to enable. Never shown by `Debug`.
    totp_secret / clear_totp_secret: String => backend secret;
    /// Backup codes (plain or bcrypt digests), each non-empty. Never shown by `Debug`.
    backup_codes: Vec<String> => backend secret;
    /// Whether the user may delete themselves through the Frontend API.
    delete_self_enabled / clear_delete_self_enabled: bool => backend plain;
    /// Whether the user may create organizations through the Frontend API.
    create_organization_enabled / clear_create_organization_enabled: bool => backend plain;
    /// When the user accepted the legal requirements; sent as RFC 3339.
    legal_accepted_at / clear_legal_accepted_at: Timestamp => backend plain;
    /// Skip legal checks.
    skip_legal_checks / clear_skip_legal_checks: bool => backend plain;
    /// How many organizations the user may create; 0 means unlimited.
    create_organizations_limit / clear_create_organizations_limit: u32 => backend plain;
    /// When the user signed up; sent as RFC 3339.
    created_at / clear_created_at: Timestamp => backend plain;
    /// Let the user bypass Device Trust checks when signing in.
    bypass_client_trust / clear_bypass_client_trust: bool => backend plain;
}

/// A typed update of one Clerk user, written in context `C`: what
/// `clerkClient.users.updateUser(userId, params)` does, validated before anything is
/// sent, and with the fields the browser may not set rejected at compile time.
///
/// Setters are named as the JSON fields; a nullable field also has `clear_…`, which
/// sends `null`. Untouched fields are not sent. [`build`](UserUpdate::<Backend>::build)
/// checks every field at once and returns the requests, profile fields first, then
/// metadata (the order `@clerk/backend` uses):
///
/// | context | requests |
/// |---|---|
/// | [`Backend`] | `PATCH /v1/users/{user_id}` (JSON), then `PUT` and/or `PATCH /v1/users/{user_id}/metadata` (JSON) |
/// | [`Frontend`] | `PATCH /v1/me`, then `PATCH /v1/me/metadata` (both form-encoded) |
///
/// Metadata never goes into the `PATCH /v1/users/{user_id}` body, in any API version.
/// Several [`metadata`](Self::metadata) patches are merged: where two set the same
/// field, the later one wins.
/// A form cannot say `null`, so on the Frontend API a `clear_…` is sent as an empty
/// value, which that API reads as a clear.
///
/// ```
/// use clerk_metadata::{ApiVersion, Backend, UserId, UserUpdate};
///
/// let id = UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")?;
/// let requests = UserUpdate::<Backend>::new()
///     .first_name("John")
///     .last_name("Wick")
///     .clear_username()
///     .build(&id, ApiVersion::LATEST)?;
/// assert_eq!(requests.len(), 1);
/// assert_eq!(requests[0].path(), "/v1/users/user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb");
/// assert_eq!(requests[0].body(), br#"{"first_name":"John","last_name":"Wick","username":null}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// A field the Frontend API does not take does not compile on `UserUpdate<Frontend>`:
///
/// ```compile_fail,E0277
/// # use clerk_metadata::{Frontend, UserUpdate};
/// // error[E0277]: `Frontend` may not set `password`: Clerk's Frontend API does not accept it
/// let update = UserUpdate::<Frontend>::new().password("correct horse battery staple");
/// ```
pub struct UserUpdate<C> {
    profile: Profile,
    /// The typed merge patches, the last one added first, each holding the ones added
    /// before it; serialized when the update is built.
    patch: Option<Arc<dyn PatchWriter>>,
    /// The tiers the patches write, by `TierKind`.
    patched: [bool; 3],
    /// The replaced tiers, serialized when the update is built.
    replace: [Option<Arc<dyn ReplaceWriter>>; 3],
    context: PhantomData<fn() -> C>,
}

/// A guarded JSON object being written into a request body.
type JsonMap<'g, 's, 'w> = guard::Compound<
    'g,
    serde_json::ser::Compound<'s, &'w mut Vec<u8>, serde_json::ser::CompactFormatter>,
>;

/// A metadata patch, kept typed until the update is built and then written straight
/// into the request body; it holds the patches added before it.
trait PatchWriter: Send + Sync {
    /// The patch added before this one.
    fn earlier(&self) -> Option<&dyn PatchWriter>;
    /// Whether it writes `tier`.
    fn writes(&self, tier: TierKind) -> bool;
    /// Writes its fields of `tier` into an open object, except those `written` holds,
    /// and (if `record`) adds the keys it writes to `written`.
    fn write_entries(
        &self,
        tier: TierKind,
        map: &mut JsonMap<'_, '_, '_>,
        written: &mut Vec<&'static str>,
        record: bool,
    ) -> serde_json::Result<()>;
    /// The fields it may write in `tier`.
    fn fields(&self, tier: TierKind) -> &'static [FieldInfo];
}

struct Patched<P> {
    patch: P,
    /// The tiers it writes, by `TierKind`: a patch does not change once added.
    tiers: [bool; 3],
    earlier: Option<Arc<dyn PatchWriter>>,
}

impl<P: MetadataPatch + Send + Sync> PatchWriter for Patched<P> {
    fn earlier(&self) -> Option<&dyn PatchWriter> {
        self.earlier.as_deref()
    }

    fn writes(&self, tier: TierKind) -> bool {
        self.tiers[tier as usize]
    }

    fn write_entries(
        &self,
        tier: TierKind,
        map: &mut JsonMap<'_, '_, '_>,
        written: &mut Vec<&'static str>,
        record: bool,
    ) -> serde_json::Result<()> {
        write_tier_entries(&self.patch, tier, map, |key| {
            let done = written.contains(&key);
            if !done && record {
                written.push(key);
            }
            done
        })
    }

    fn fields(&self, tier: TierKind) -> &'static [FieldInfo] {
        tier_fields::<P>(tier)
    }
}

/// A replaced tier, kept typed until the update is built.
trait ReplaceWriter: Send + Sync {
    /// Writes the tier's object.
    fn write(&self, out: &mut Vec<u8>, state: &GuardState) -> serde_json::Result<()>;
    /// The fields of the tier.
    fn fields(&self) -> &'static [FieldInfo];
}

struct Replaced<T>(T);

impl<T: MetadataTier + Serialize + Send + Sync> ReplaceWriter for Replaced<T> {
    fn fields(&self) -> &'static [FieldInfo] {
        T::FIELDS
    }

    fn write(&self, out: &mut Vec<u8>, state: &GuardState) -> serde_json::Result<()> {
        guard::guarded(&self.0, &mut serde_json::Serializer::new(out), state, true)
    }
}

impl<C: Context> UserUpdate<C> {
    /// An update that changes nothing yet.
    #[must_use]
    pub fn new() -> Self {
        UserUpdate {
            profile: Profile::default(),
            patch: None,
            patched: [false; 3],
            replace: [None, None, None],
            context: PhantomData,
        }
    }

    /// Deep-merges a typed metadata patch (`PATCH …/metadata`; `null` deletes a key).
    ///
    /// A [`Backend`] update takes a patch of either context; a [`Frontend`] update only a
    /// `Frontend` patch. Patches added by several calls are merged into one request:
    /// where two touch the same field, the later one wins.
    #[must_use]
    pub fn metadata<P>(mut self, patch: P) -> Self
    where
        P: MetadataPatch + Send + Sync + 'static,
        P::Context: Within<C>,
    {
        let tiers = TierKind::ALL.map(|t| patch.touches(t));
        for (patched, touches) in self.patched.iter_mut().zip(tiers) {
            *patched |= touches;
        }
        let earlier = self.patch.take();
        self.patch = Some(Arc::new(Patched {
            patch,
            tiers,
            earlier,
        }));
        self
    }

    /// Replaces the user's public metadata with `tier` (`PUT …/metadata`): the stored
    /// object becomes exactly `tier`. Pass the [`Stored`](crate::Stored) tier you read
    /// to keep the keys your schema does not name. Backend only.
    #[must_use]
    pub fn replace_public<T>(self, tier: T) -> Self
    where
        T: MetadataTier<Tier = Public> + Serialize + Send + Sync + 'static,
        C: CanWrite<fields::public_metadata, Public>,
    {
        self.replace_tier(tier)
    }

    /// Replaces the user's private metadata with `tier` (`PUT …/metadata`): the stored
    /// object becomes exactly `tier`. Pass the [`Stored`](crate::Stored) tier you read
    /// to keep the keys your schema does not name. Backend only.
    #[must_use]
    pub fn replace_private<T>(self, tier: T) -> Self
    where
        T: MetadataTier<Tier = Private> + Serialize + Send + Sync + 'static,
        C: CanWrite<fields::private_metadata, Private>,
    {
        self.replace_tier(tier)
    }

    /// Replaces the user's unsafe metadata with `tier`: the stored object becomes
    /// exactly `tier`.
    ///
    /// The Backend API does this with `PUT …/metadata`; the Frontend API only up to
    /// version 2025-11-10, through `unsafe_metadata` on `PATCH /v1/me` (2026-05-12 has no
    /// frontend replace, and building one there is an error).
    #[must_use]
    pub fn replace_unsafe<T>(self, tier: T) -> Self
    where
        T: MetadataTier<Tier = Unsafe> + Serialize + Send + Sync + 'static,
        C: CanWrite<fields::unsafe_metadata, Unsafe>,
    {
        self.replace_tier(tier)
    }

    /// Replaces the tier `T` belongs to with `tier`; a later replace of the same tier
    /// wins. The public callers carry the write guard.
    fn replace_tier<T: MetadataTier + Serialize + Send + Sync + 'static>(
        mut self,
        tier: T,
    ) -> Self {
        self.replace[<T::Tier as Tier>::KIND as usize] = Some(Arc::new(Replaced(tier)));
        self
    }

    /// The patches, the last one added first.
    fn patch_list(&self) -> impl Iterator<Item = &dyn PatchWriter> {
        std::iter::successors(self.patch.as_deref(), |p| p.earlier())
    }

    fn patches(&self, tier: TierKind) -> bool {
        self.patched[tier as usize]
    }

    fn replaces(&self, tier: TierKind) -> bool {
        self.replace[tier as usize].is_some()
    }

    /// Whether the update sends nothing.
    pub fn is_empty(&self) -> bool {
        self.profile.is_empty()
            && TierKind::ALL
                .into_iter()
                .all(|t| !self.patches(t) && !self.replaces(t))
    }

    /// What the update writes, worked out once per build.
    fn plan(&self) -> Plan {
        let profile = !self.profile.is_empty();
        let patched = TierKind::ALL.map(|t| self.patches(t));
        let replaced = TierKind::ALL.map(|t| self.replaces(t));
        Plan {
            profile,
            patched,
            replaced,
        }
    }

    /// Checks the profile fields and how the tiers are written, collecting every
    /// problem. Metadata is checked as it is written.
    fn check(&self, plan: &Plan, rules: &Rules, errors: &mut Vec<ValidationError>) {
        validate::profile(&self.profile, rules, errors);
        for tier in TierKind::ALL {
            if plan.patched[tier as usize] && plan.replaced[tier as usize] {
                errors.push(ValidationError::new(
                    tier.key(),
                    codes::CONFLICTING_FIELDS,
                    format!("{tier} metadata is both patched and replaced; send one or the other"),
                ));
            }
        }
        if plan.is_empty() {
            errors.push(ValidationError::new(
                "update",
                codes::EMPTY_UPDATE,
                "the update sends nothing",
            ));
        }
    }

    /// Appends the JSON object of tier `tier`, as the replace or the patches write it,
    /// to `out`; problems go to `errors`.
    fn write_tier(
        &self,
        tier: TierKind,
        out: &mut Vec<u8>,
        rules: &Rules,
        errors: &mut Vec<ValidationError>,
    ) {
        let state = GuardState::new(tier == TierKind::Private);
        let start = out.len();
        let written = match &self.replace[tier as usize] {
            Some(replace) => replace.write(out, &state),
            None => write_patches(self.patch_list(), tier, out, &state),
        };
        match written {
            Ok(()) => check_size(tier, out.len() - start, rules, errors),
            Err(error) => {
                let schema_key = |key: &str| {
                    let fields = self.replace[tier as usize]
                        .iter()
                        .map(|r| r.fields())
                        .chain(self.patch_list().map(|p| p.fields(tier)));
                    fields.flatten().any(|f| f.reads(key))
                };
                errors.push(serialization_error(tier, &state, &schema_key, &error));
            }
        }
    }
}

/// Which parts of the user an update writes.
struct Plan {
    /// The `UpdateUser` body.
    profile: bool,
    /// Each tier's patch, by `TierKind`.
    patched: [bool; 3],
    /// Each tier's replace, by `TierKind`.
    replaced: [bool; 3],
}

impl Plan {
    fn is_empty(&self) -> bool {
        !self.profile && !self.patched.contains(&true) && !self.replaced.contains(&true)
    }
}

/// Writes the merged object of every patch that touches `tier`: the later patch's
/// field wins.
fn write_patches<'a>(
    patches: impl Iterator<Item = &'a dyn PatchWriter>,
    tier: TierKind,
    out: &mut Vec<u8>,
    state: &GuardState,
) -> serde_json::Result<()> {
    use serde::ser::SerializeMap;
    let mut serializer = serde_json::Serializer::new(out);
    let mut map = guard::guarded_map(&mut serializer, state)?;
    let mut written = Vec::new();
    let mut writers = patches.filter(|p| p.writes(tier)).peekable();
    while let Some(patch) = writers.next() {
        // The keys written need keeping only while another patch is still to come.
        let more = writers.peek().is_some();
        patch.write_entries(tier, &mut map, &mut written, more)?;
    }
    map.end()
}

fn check_size(tier: TierKind, size: usize, rules: &Rules, errors: &mut Vec<ValidationError>) {
    if size > rules.metadata_max_bytes {
        errors.push(ValidationError::new(
            tier.key(),
            codes::METADATA_TOO_LARGE,
            format!(
                "{tier} metadata is {size} bytes of JSON; the limit is {} bytes",
                rules.metadata_max_bytes
            ),
        ));
    }
}

/// The problem of a tier that could not be written: what the guard found, by path, or
/// else the serializer's error (never for private metadata, whose values it may quote).
fn serialization_error(
    tier: TierKind,
    state: &GuardState,
    schema_key: &dyn Fn(&str) -> bool,
    error: &serde_json::Error,
) -> ValidationError {
    match state.take(tier.key(), schema_key) {
        Some((problem, path)) => {
            let code = match problem {
                Problem::NonFinite => codes::METADATA_NON_FINITE_NUMBER,
                Problem::NotObject => codes::METADATA_NOT_AN_OBJECT,
            };
            let message = format!("{path} {}", problem.describe());
            ValidationError::new(path, code, message)
        }
        None => ValidationError::new(
            tier.key(),
            codes::METADATA_NOT_SERIALIZABLE,
            match tier {
                TierKind::Private => "private metadata could not be serialized to JSON".to_owned(),
                _ => format!(
                    "{tier} metadata could not be serialized to JSON: {}",
                    crate::escape::escaped(&error.to_string(), crate::escape::MESSAGE_CHARS)
                ),
            },
        ),
    }
}

impl<C: Context> Default for UserUpdate<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Context> Clone for UserUpdate<C> {
    fn clone(&self) -> Self {
        UserUpdate {
            profile: self.profile.clone(),
            patch: self.patch.clone(),
            patched: self.patched,
            replace: self.replace.clone(),
            context: PhantomData,
        }
    }
}

/// Shows the fields that are set, with secrets (`password`, `password_digest`,
/// `totp_secret`, `backup_codes`) redacted, and metadata by tier only.
impl<C: Context> fmt::Debug for UserUpdate<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UserUpdate");
        d.field("context", &C::NAME);
        self.profile.debug_fields(&mut d);
        let tiers = |written: &dyn Fn(TierKind) -> bool| {
            TierKind::ALL
                .into_iter()
                .filter(|t| written(*t))
                .map(TierKind::key)
                .collect::<Vec<_>>()
        };
        let patched = tiers(&|t| self.patches(t));
        if !patched.is_empty() {
            d.field("metadata_patch", &patched);
        }
        let replaced = tiers(&|t| self.replaces(t));
        if !replaced.is_empty() {
            d.field("metadata_replace", &replaced);
        }
        d.finish()
    }
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>, ValidationErrors> {
    serde_json::to_vec(value).map_err(|_| {
        ValidationError::new(
            "update",
            codes::METADATA_NOT_SERIALIZABLE,
            "the request body could not be serialized",
        )
        .into()
    })
}

/// The bodies of a Backend API update, validated.
struct BackendBodies {
    /// `PUT …/metadata`.
    put: Option<Vec<u8>>,
    /// `PATCH …/metadata`.
    patch: Option<Vec<u8>>,
}

impl UserUpdate<Backend> {
    /// Validates the update against [`Rules::default`] and builds its Backend API
    /// requests for user `user_id`.
    pub fn build(
        &self,
        user_id: &UserId,
        version: ApiVersion,
    ) -> Result<Vec<ApiRequest>, ValidationErrors> {
        self.build_with(user_id, version, &Rules::default())
    }

    /// Checks everything `build` checks, against `rules`, without building requests:
    /// `validate` passes exactly when `build_with` would succeed.
    pub fn validate(&self, version: ApiVersion, rules: &Rules) -> Result<(), ValidationErrors> {
        let _ = version;
        self.backend_bodies(&self.plan(), rules).map(drop)
    }

    fn backend_bodies(
        &self,
        plan: &Plan,
        rules: &Rules,
    ) -> Result<BackendBodies, ValidationErrors> {
        let mut errors = Vec::new();
        self.check(plan, rules, &mut errors);
        let (mut put, mut patch) = (None, None);
        for tier in TierKind::ALL {
            let body = if plan.replaced[tier as usize] {
                &mut put
            } else if plan.patched[tier as usize] {
                &mut patch
            } else {
                continue;
            };
            let out = open_tier(body, tier);
            self.write_tier(tier, out, rules, &mut errors);
        }
        ValidationErrors::from_vec(errors)?;
        for body in [&mut put, &mut patch].into_iter().flatten() {
            body.push(b'}');
        }
        Ok(BackendBodies { put, patch })
    }

    /// Validates the update against `rules` and builds its Backend API requests.
    pub fn build_with(
        &self,
        user_id: &UserId,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<Vec<ApiRequest>, ValidationErrors> {
        let plan = self.plan();
        let BackendBodies { put, patch } = self.backend_bodies(&plan, rules)?;
        let id = user_id.as_str();
        let mut user_path = String::with_capacity(10 + id.len());
        user_path.push_str("/v1/users/");
        user_path.push_str(id);
        let mut metadata_path = String::with_capacity(user_path.len() + 9);
        metadata_path.push_str(&user_path);
        metadata_path.push_str("/metadata");
        let mut requests = Vec::with_capacity(3);
        if plan.profile {
            let body = json(&self.profile)?;
            requests.push(ApiRequest::new(
                Method::Patch,
                user_path,
                version,
                BodyKind::Json,
                body,
            ));
        }
        if let Some(body) = put {
            requests.push(ApiRequest::new(
                Method::Put,
                metadata_path.clone(),
                version,
                BodyKind::Json,
                body,
            ));
        }
        if let Some(body) = patch {
            requests.push(ApiRequest::new(
                Method::Patch,
                metadata_path,
                version,
                BodyKind::Json,
                body,
            ));
        }
        Ok(requests)
    }
}

/// Opens the entry of `tier` in a metadata body, `{"public_metadata":…`, starting the
/// body if this is its first tier, and gives the buffer to write the tier's object into.
/// The keys are fixed; the objects are serde_json's output.
fn open_tier(body: &mut Option<Vec<u8>>, tier: TierKind) -> &mut Vec<u8> {
    let out = match body {
        Some(out) => {
            out.push(b',');
            out
        }
        None => {
            let out = body.insert(Vec::with_capacity(128));
            out.push(b'{');
            out
        }
    };
    out.push(b'"');
    out.extend_from_slice(tier.key().as_bytes());
    out.extend_from_slice(b"\":");
    out
}

/// The bodies of a Frontend API update, validated.
struct FrontendBodies {
    /// The `PATCH /v1/me` form, if it sends anything.
    me: Option<Vec<u8>>,
    /// The `PATCH /v1/me/metadata` form.
    metadata: Option<Vec<u8>>,
}

impl UserUpdate<Frontend> {
    /// Validates the update against [`Rules::default`] and builds its Frontend API
    /// requests for the signed-in user.
    pub fn build(&self, version: ApiVersion) -> Result<Vec<ApiRequest>, ValidationErrors> {
        self.build_with(version, &Rules::default())
    }

    /// Checks everything `build` checks, against `rules`, without building requests:
    /// `validate` passes exactly when `build_with` would succeed.
    pub fn validate(&self, version: ApiVersion, rules: &Rules) -> Result<(), ValidationErrors> {
        self.frontend_bodies(version, rules).map(drop)
    }

    fn frontend_bodies(
        &self,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<FrontendBodies, ValidationErrors> {
        let plan = self.plan();
        let mut errors = Vec::new();
        self.check(&plan, rules, &mut errors);
        for tier in [TierKind::Public, TierKind::Private] {
            if plan.patched[tier as usize] || plan.replaced[tier as usize] {
                errors.push(ValidationError::new(
                    tier.key(),
                    codes::FRONTEND_WRITE_FORBIDDEN,
                    format!("the frontend may write only unsafe metadata, not {tier} metadata"),
                ));
            }
        }
        let replaces = plan.replaced[TierKind::Unsafe as usize];
        if replaces && !version.me_accepts_unsafe_metadata() {
            errors.push(ValidationError::new(
                "unsafe_metadata",
                codes::UNSUPPORTED_IN_API_VERSION,
                format!("the Frontend API has no replace of unsafe metadata in version {version}; send a patch"),
            ));
        }
        let unsafe_json = (replaces || plan.patched[TierKind::Unsafe as usize])
            .then(|| {
                let mut out = Vec::with_capacity(64);
                self.write_tier(TierKind::Unsafe, &mut out, rules, &mut errors);
                String::from_utf8(out).ok()
            })
            .flatten();
        ValidationErrors::from_vec(errors)?;

        let mut form: Vec<(&str, &str)> = Vec::new();
        let p = &self.profile;
        for (key, value) in [
            ("username", &p.username),
            ("first_name", &p.first_name),
            ("last_name", &p.last_name),
            ("primary_email_address_id", &p.primary_email_address_id),
            ("primary_phone_number_id", &p.primary_phone_number_id),
            ("primary_web3_wallet_id", &p.primary_web3_wallet_id),
        ] {
            match value {
                FieldPatch::Set(value) => form.push((key, value)),
                // A form cannot say `null`: the Frontend API reads an empty value as a clear.
                FieldPatch::Remove => form.push((key, "")),
                FieldPatch::Unchanged => {}
                FieldPatch::Merge(never) => match *never {},
            }
        }
        let (replace, patch) = match &unsafe_json {
            Some(json) if replaces => (Some(json.as_str()), None),
            Some(json) => (None, Some(json.as_str())),
            None => (None, None),
        };
        if let Some(json) = replace {
            form.push(("unsafe_metadata", json));
        }
        let me = if form.is_empty() {
            None
        } else {
            Some(encode(&form)?)
        };
        let metadata = match patch {
            Some(json) => Some(encode(&[("unsafe_metadata", json)])?),
            None => None,
        };
        Ok(FrontendBodies { me, metadata })
    }

    /// Validates the update against `rules` and builds its Frontend API requests.
    pub fn build_with(
        &self,
        version: ApiVersion,
        rules: &Rules,
    ) -> Result<Vec<ApiRequest>, ValidationErrors> {
        let FrontendBodies { me, metadata } = self.frontend_bodies(version, rules)?;
        let mut requests = Vec::with_capacity(2);
        if let Some(body) = me {
            requests.push(ApiRequest::new(
                Method::Patch,
                "/v1/me".to_owned(),
                version,
                BodyKind::Form,
                body,
            ));
        }
        if let Some(body) = metadata {
            requests.push(ApiRequest::new(
                Method::Patch,
                "/v1/me/metadata".to_owned(),
                version,
                BodyKind::Form,
                body,
            ));
        }
        Ok(requests)
    }
}

fn encode(pairs: &[(&str, &str)]) -> Result<Vec<u8>, ValidationErrors> {
    serde_urlencoded::to_string(pairs)
        .map(String::into_bytes)
        .map_err(|_| {
            ValidationError::new(
                "update",
                codes::METADATA_NOT_SERIALIZABLE,
                "the form body could not be encoded",
            )
            .into()
        })
}
