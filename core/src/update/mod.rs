//! `UserUpdate<C>`: a typed, validated update of one Clerk user.
//!
//! `table` declares every field once; `validate` checks them; `body` writes metadata
//! into request bodies; `backend` and `frontend` build each API's requests. `create`
//! is `NewUser`, the body of `POST /v1/users`, checked by the same rules.

mod backend;
mod body;
pub(crate) mod create;
mod frontend;
pub(crate) mod invitation;
mod metadata;
pub(crate) mod organization;
pub(crate) mod rules;
pub(crate) mod table;
mod validate;

use core::fmt;
use core::marker::PhantomData;

use serde::Serialize;

use crate::json::guard::GuardState;
use crate::schema::metadata::MetadataTier;
use crate::schema::patch::MetadataPatch;
use crate::schema::tier::{Private, Public, TierKind, Unsafe};
use crate::schema::writer::{CanWrite, Within, Writer};
use crate::validation::{ValidationError, codes};
use body::{PatchWriter, write_patches};
use metadata::MetadataWrites;
use rules::Rules;
use table::{Profile, fields};

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
/// | [`Backend`](crate::Backend) | `PATCH /v1/users/{user_id}` (JSON), then `PUT` and/or `PATCH /v1/users/{user_id}/metadata` (JSON) |
/// | [`Frontend`](crate::Frontend) | `PATCH /v1/me`, then `PATCH /v1/me/metadata` (both form-encoded) |
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
    /// The typed merge patches and replaced tiers, serialized when the update is built.
    meta: MetadataWrites,
    context: PhantomData<fn() -> C>,
}

impl<C: Writer> UserUpdate<C> {
    /// An update that changes nothing yet.
    #[must_use]
    pub fn new() -> Self {
        UserUpdate {
            profile: Profile::default(),
            meta: MetadataWrites::default(),
            context: PhantomData,
        }
    }

    /// Deep-merges a typed metadata patch (`PATCH …/metadata`; `null` deletes a key).
    ///
    /// A [`Backend`](crate::Backend) update takes a patch of either context; a [`Frontend`](crate::Frontend) update only a
    /// `Frontend` patch. Patches added by several calls are merged into one request:
    /// where two touch the same field, the later one wins.
    #[must_use]
    pub fn metadata<P>(mut self, patch: P) -> Self
    where
        P: MetadataPatch + Send + Sync + 'static,
        P::Writer: Within<C>,
    {
        self.meta.add_patch(patch);
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
        self.meta.replace(tier);
        self
    }

    fn patch_list(&self) -> impl Iterator<Item = &dyn PatchWriter> {
        self.meta.patch_list()
    }

    fn patches(&self, tier: TierKind) -> bool {
        self.meta.patches(tier)
    }

    fn replaces(&self, tier: TierKind) -> bool {
        self.meta.replaces(tier)
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
        self.profile.check_fields(rules, errors);
        validate::across(&self.profile, errors);
        let _ = plan;
        self.meta.check_conflicts(errors);
        if plan.is_empty() {
            errors.push(ValidationError::new(
                "update",
                codes::EMPTY_UPDATE,
                "the update sends nothing",
            ));
        }
        if let crate::claims::ClaimsBudget::Error(budget) = rules.claims_budget {
            errors.extend(self.claims_over(budget));
        }
    }

    /// The update's warnings against `rules`: problems that do not stop `build`, such
    /// as session-token claims over a [`ClaimsBudget::Warn`](crate::claims::ClaimsBudget)
    /// budget.
    pub fn warnings(&self, rules: &Rules) -> Vec<ValidationError> {
        match rules.claims_budget {
            crate::claims::ClaimsBudget::Warn(budget) => {
                self.claims_over(budget).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    /// The claims this update's public write sets, if they are over `budget` bytes.
    fn claims_over(&self, budget: usize) -> Option<ValidationError> {
        let tier = TierKind::Public;
        let replace = self.meta.replacement(tier);
        let has_claims = |fields: &'static [crate::schema::field::FieldInfo]| {
            crate::claims::claim_fields(fields).next().is_some()
        };
        let touched = match replace {
            Some(replace) => has_claims(replace.fields()),
            None => self
                .patch_list()
                .any(|p| p.writes(tier) && has_claims(p.fields(tier))),
        };
        if !touched {
            return None;
        }
        let mut out = Vec::new();
        let state = GuardState::new(false);
        let written = match replace {
            Some(replace) => replace.write(&mut out, &state),
            None => write_patches(self.patch_list(), tier, &mut out, &state),
        };
        written.ok()?;
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&out).ok()?;
        let mut claims = serde_json::Map::new();
        match replace {
            Some(replace) => claims.extend(crate::claims::from_object(replace.fields(), &object)),
            None => {
                for patch in self.patch_list().filter(|p| p.writes(tier)) {
                    claims.extend(crate::claims::from_object(patch.fields(tier), &object));
                }
            }
        }
        let size = serde_json::to_vec(&claims).ok()?.len();
        (size > budget).then(|| {
            ValidationError::new(
                tier.key(),
                codes::CLAIMS_OVER_BUDGET,
                format!(
                    "the session-token claims this write sets take {size} bytes, over the budget of {budget} (Clerk advises about 1.2 KB: the token lives in a 4 KB cookie)"
                ),
            )
        })
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
        self.meta.write_tier(tier, out, rules, errors);
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

impl<C: Writer> Default for UserUpdate<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Writer> Clone for UserUpdate<C> {
    fn clone(&self) -> Self {
        UserUpdate {
            profile: self.profile.clone(),
            meta: self.meta.clone(),
            context: PhantomData,
        }
    }
}

/// Shows the fields that are set, with secrets (`password`, `password_digest`,
/// `totp_secret`, `backup_codes`) redacted, and metadata by tier only.
impl<C: Writer> fmt::Debug for UserUpdate<C> {
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
