//! The requests of a Backend API update: `PATCH /v1/users/{user_id}` (JSON), then
//! `PUT` and `PATCH /v1/users/{user_id}/metadata`.

use super::body::{json, open_tier};
use super::metadata::owner_requests;
use super::rules::Rules;
use super::{Plan, UserUpdate};
use crate::schema::tier::TierKind;
use crate::schema::writer::Backend;
use crate::validation::ValidationErrors;
use crate::wire::id::UserId;
use crate::wire::request::ApiRequest;
use crate::wire::version::ApiVersion;

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
        let profile = if plan.profile {
            Some(json(&self.profile)?)
        } else {
            None
        };
        Ok(owner_requests(
            "users",
            user_id.as_str(),
            version,
            profile,
            put,
            patch,
        ))
    }
}
