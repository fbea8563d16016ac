//! The metadata an update writes: its merge patches and its whole-tier replaces, kept
//! typed until the update is built, then written tier by tier through the guard. Shared
//! by every update of a metadata owner: users, organizations and memberships.

use std::sync::Arc;

use serde::Serialize;

use super::body::{
    PatchWriter, Patched, ReplaceWriter, Replaced, check_size, serialization_error, write_patches,
};
use super::rules::Rules;
use crate::json::guard::GuardState;
use crate::schema::metadata::MetadataTier;
use crate::schema::patch::MetadataPatch;
use crate::schema::tier::{Tier, TierKind};
use crate::validation::{ValidationError, codes};
use crate::wire::request::{ApiRequest, BodyKind, Method};
use crate::wire::version::ApiVersion;

/// The patches and replaces of an update.
#[derive(Clone, Default)]
pub(super) struct MetadataWrites {
    /// The latest patch; it holds the earlier ones.
    patch: Option<Arc<dyn PatchWriter>>,
    /// Each tier's patch, by `TierKind`.
    patched: [bool; 3],
    /// Each tier's replace, by `TierKind`.
    replace: [Option<Arc<dyn ReplaceWriter>>; 3],
}

impl MetadataWrites {
    /// Adds a merge patch after the ones added before.
    pub(super) fn add_patch<P: MetadataPatch + Send + Sync + 'static>(&mut self, patch: P) {
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
    }

    /// Replaces the tier of `tier` whole.
    pub(super) fn replace<T: MetadataTier + Serialize + Send + Sync + 'static>(&mut self, tier: T) {
        self.replace[<T::Tier as Tier>::KIND as usize] = Some(Arc::new(Replaced(tier)));
    }

    /// The patches, latest first.
    pub(super) fn patch_list(&self) -> impl Iterator<Item = &dyn PatchWriter> {
        std::iter::successors(self.patch.as_deref(), |p| p.earlier())
    }

    /// Whether a patch writes `tier`.
    pub(super) fn patches(&self, tier: TierKind) -> bool {
        self.patched[tier as usize]
    }

    /// Whether `tier` is replaced.
    pub(super) fn replaces(&self, tier: TierKind) -> bool {
        self.replace[tier as usize].is_some()
    }

    /// The replace of `tier`, if any.
    pub(super) fn replacement(&self, tier: TierKind) -> Option<&dyn ReplaceWriter> {
        self.replace[tier as usize].as_deref()
    }

    /// Whether anything is written.
    pub(super) fn is_empty(&self) -> bool {
        TierKind::ALL
            .into_iter()
            .all(|t| !self.patches(t) && !self.replaces(t))
    }

    /// A tier both patched and replaced is an error.
    pub(super) fn check_conflicts(&self, errors: &mut Vec<ValidationError>) {
        for tier in TierKind::ALL {
            if self.patches(tier) && self.replaces(tier) {
                errors.push(ValidationError::new(
                    tier.key(),
                    codes::CONFLICTING_FIELDS,
                    format!("{tier} metadata is both patched and replaced; send one or the other"),
                ));
            }
        }
    }

    /// Appends the JSON object of tier `tier`, as the replace or the patches write it,
    /// to `out`; problems go to `errors`.
    pub(super) fn write_tier(
        &self,
        tier: TierKind,
        out: &mut Vec<u8>,
        rules: &Rules,
        errors: &mut Vec<ValidationError>,
    ) {
        let state = GuardState::new(tier == TierKind::Private);
        let start = out.len();
        let written = match self.replacement(tier) {
            Some(replace) => replace.write(out, &state),
            None => write_patches(self.patch_list(), tier, out, &state),
        };
        match written {
            Ok(()) => check_size(tier, out.len() - start, rules, errors),
            Err(error) => {
                let schema_key = |key: &str| {
                    let fields = self
                        .replacement(tier)
                        .into_iter()
                        .map(|r| r.fields())
                        .chain(self.patch_list().map(|p| p.fields(tier)));
                    fields.flatten().any(|f| f.reads(key))
                };
                errors.push(serialization_error(tier, &state, &schema_key, &error));
            }
        }
    }
}

/// The Backend API requests of an update of a metadata owner at `/v1/{collection}/{id}`
/// (a user's or an organization's), in the order Clerk must apply them: its profile
/// fields (`PATCH`), then its replaced tiers (`PUT …/metadata`), then its merge patch
/// (`PATCH …/metadata`), each only when there is one.
pub(super) fn owner_requests(
    collection: &str,
    id: &str,
    version: ApiVersion,
    profile: Option<Vec<u8>>,
    put: Option<Vec<u8>>,
    patch: Option<Vec<u8>>,
) -> Vec<ApiRequest> {
    // The paths are built by hand, sized once: `format!` costs a reallocation here,
    // and this is the write path's hot loop.
    let path = |metadata: bool| {
        let suffix = if metadata { "/metadata" } else { "" };
        let mut path = String::with_capacity(4 + collection.len() + 1 + id.len() + suffix.len());
        for part in ["/v1/", collection, "/", id, suffix] {
            path.push_str(part);
        }
        path
    };
    let mut requests = Vec::with_capacity(
        usize::from(profile.is_some()) + usize::from(put.is_some()) + usize::from(patch.is_some()),
    );
    let json = |method, path, body| ApiRequest::new(method, path, version, BodyKind::Json, body);
    if let Some(body) = profile {
        requests.push(json(Method::Patch, path(false), body));
    }
    if let Some(body) = put {
        requests.push(json(Method::Put, path(true), body));
    }
    if let Some(body) = patch {
        requests.push(json(Method::Patch, path(true), body));
    }
    requests
}
