//! The session-token claims budget.
//!
//! Clerk's session token lives in the `__session` cookie. Clerk advises keeping the
//! custom claims an app adds (its session token customization) under about 1.2 KB:
//! the token also carries Clerk's own claims, and a cookie over the browser's 4 KB
//! limit is dropped, which breaks sign-in in a redirect loop. Fields marked
//! `#[metadata(public, claim)]` are the public metadata an app copies into the token;
//! these functions say what they add to it. An organization or membership schema's
//! claim-marked fields copy the session's active organization's metadata
//! ([`organization_template`], [`membership_template`]).
//!
//! ```
//! use clerk_metadata::{UserMetadata, claims};
//!
//! #[derive(UserMetadata)]
//! struct AppUser {
//!     #[metadata(public, claim)]
//!     role: String,
//!     #[metadata(public, claim = "org_plan")]
//!     plan: Option<String>,
//!     #[metadata(public)]
//!     bio: Option<String>,
//! }
//!
//! // What to paste into the Clerk Dashboard (Sessions, customize session token).
//! assert_eq!(
//!     claims::template::<AppUser>().to_string(),
//!     r#"{"org_plan":"{{user.public_metadata.plan}}","role":"{{user.public_metadata.role}}"}"#
//! );
//! let (public, _, _) = AppUser { role: "admin".into(), plan: Some("pro".into()), bio: Some("x".repeat(5000)) }.into_tiers();
//! assert_eq!(claims::size::<AppUser>(&public)?, r#"{"org_plan":"pro","role":"admin"}"#.len());
//! assert!(claims::check::<AppUser>(&public, claims::BUDGET).is_ok());
//! # Ok::<(), serde_json::Error>(())
//! ```

use core::fmt;

use serde_json::{Map, Value};

use crate::schema::field::FieldInfo;
use crate::schema::metadata::{
    MembershipMetadata, MetadataTier, OrganizationMetadata, UserMetadata,
};

/// Clerk's advice for the custom claims of a session token: about 1.2 KB of JSON.
pub const BUDGET: usize = 1200;

/// The claim-marked fields of a public tier's fields.
pub(crate) fn claim_fields(
    fields: &'static [FieldInfo],
) -> impl Iterator<Item = &'static FieldInfo> {
    fields.iter().filter(|f| f.claim.is_some())
}

/// The claims the fields marked `claim` add, taken from a public tier's JSON object:
/// each under its claim name; absent or `null` values add nothing.
pub(crate) fn from_object(
    fields: &'static [FieldInfo],
    object: &Map<String, Value>,
) -> Map<String, Value> {
    claim_fields(fields)
        .filter_map(|f| {
            let value = object.get(f.key)?;
            (!value.is_null()).then(|| (f.claim.unwrap_or(f.key).to_owned(), value.clone()))
        })
        .collect()
}

/// The session token customization that copies the claim-marked fields: `{"<claim>":
/// "{{user.public_metadata.<key>}}"}`, for the Clerk Dashboard.
pub fn template<S: UserMetadata>() -> Value {
    template_of(S::Public::FIELDS, "user.public_metadata")
}

/// The session token customization that copies the claim-marked fields of an
/// organization schema from the session's active organization: `{"<claim>":
/// "{{org.public_metadata.<key>}}"}`. A session without an active organization
/// carries `null` there, which the generated `…Claims` struct reads as `None`.
///
/// A token carries one customization: merge it with the user's
/// ([`template`]) when both copy claims; verify the token with one `…Claims` struct
/// and read the other with
/// [`SessionClaims::custom_as`](crate::session::SessionClaims::custom_as). Claim names
/// are checked per schema only: give the two schemas' claims different names.
///
/// ```
/// use clerk_metadata::{OrganizationMetadata, claims};
///
/// #[derive(OrganizationMetadata)]
/// struct Customer {
///     #[metadata(public, claim = "org_plan")]
///     plan: String,
///     #[metadata(private)]
///     crm_id: Option<String>,
/// }
///
/// assert_eq!(
///     claims::organization_template::<Customer>().to_string(),
///     r#"{"org_plan":"{{org.public_metadata.plan}}"}"#
/// );
/// ```
pub fn organization_template<O: OrganizationMetadata>() -> Value {
    template_of(O::Public::FIELDS, "org.public_metadata")
}

/// The session token customization that copies the claim-marked fields of a
/// membership schema from the user's membership in the session's active
/// organization: `{"<claim>": "{{org_membership.public_metadata.<key>}}"}`. As for
/// [`organization_template`], merge it with any other customization the token
/// carries.
pub fn membership_template<M: MembershipMetadata>() -> Value {
    template_of(M::Public::FIELDS, "org_membership.public_metadata")
}

/// `{"<claim>": "{{<source>.<key>}}"}` for each claim-marked field.
fn template_of(fields: &'static [FieldInfo], source: &str) -> Value {
    Value::Object(
        claim_fields(fields)
            .map(|f| {
                let claim = f.claim.unwrap_or(f.key).to_owned();
                (claim, Value::String(format!("{{{{{source}.{}}}}}", f.key)))
            })
            .collect(),
    )
}

/// The claims `public` adds to the session token, as the token carries them.
pub fn of<S: UserMetadata>(public: &S::Public) -> Result<Map<String, Value>, serde_json::Error> {
    let Value::Object(object) = serde_json::to_value(public)? else {
        return Ok(Map::new());
    };
    Ok(from_object(S::Public::FIELDS, &object))
}

/// The bytes of JSON the claims of `public` take in the token.
pub fn size<S: UserMetadata>(public: &S::Public) -> Result<usize, serde_json::Error> {
    Ok(serde_json::to_vec(&Value::Object(of::<S>(public)?))?.len())
}

/// Checks the claims of `public` against `budget` bytes ([`BUDGET`] is Clerk's
/// advice), returning their size.
pub fn check<S: UserMetadata>(public: &S::Public, budget: usize) -> Result<usize, OverBudget> {
    let size = size::<S>(public).map_err(|_| OverBudget {
        size: usize::MAX,
        budget,
    })?;
    if size > budget {
        Err(OverBudget { size, budget })
    } else {
        Ok(size)
    }
}

/// Claims over the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget {
    /// Their size in bytes of JSON (`usize::MAX` if they could not be serialized).
    pub size: usize,
    /// The budget.
    pub budget: usize,
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the session-token claims take {} bytes, over the budget of {} (Clerk advises about 1.2 KB: the token lives in a 4 KB cookie)",
            self.size, self.budget
        )
    }
}

impl std::error::Error for OverBudget {}

/// What an update does with claims over the budget ([`Rules::claims_budget`](crate::Rules)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimsBudget {
    /// Not checked.
    Off,
    /// Over this many bytes is a warning: `build` succeeds, and
    /// [`UserUpdate::warnings`](crate::UserUpdate::warnings) (and the client, as a
    /// `tracing` warning) reports it.
    Warn(usize),
    /// Over this many bytes is a validation error: nothing is built or sent.
    Error(usize),
}

impl Default for ClaimsBudget {
    /// A warning past Clerk's advice, [`BUDGET`].
    fn default() -> Self {
        ClaimsBudget::Warn(BUDGET)
    }
}
