//! The requests of a Frontend API update, for the signed-in user: `PATCH /v1/me` and
//! `PATCH /v1/me/metadata`, form-encoded.

use super::UserUpdate;
use super::body::encode;
use super::rules::Rules;
use crate::schema::tier::TierKind;
use crate::schema::writer::Frontend;
use crate::validation::{ValidationError, ValidationErrors, codes};
use crate::wire::request::{ApiRequest, BodyKind, Method};
use crate::wire::version::ApiVersion;

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

        let mut form = self.profile.form();
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
