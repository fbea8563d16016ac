//! The session-token claims budget.
//!
//! Clerk's session token lives in the `__session` cookie. Clerk advises keeping the
//! custom claims an app adds (its session token customization) under about 1.2 KB:
//! the token also carries Clerk's own claims, and a cookie over the browser's 4 KB
//! limit is dropped, which breaks sign-in in a redirect loop. Fields marked
//! `#[metadata(public, claim)]` are the public metadata an app copies into the token;
//! these functions say what they add to it.
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
use crate::schema::metadata::{MetadataTier, UserMetadata};

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
    Value::Object(
        claim_fields(S::Public::FIELDS)
            .map(|f| {
                let claim = f.claim.unwrap_or(f.key).to_owned();
                (
                    claim,
                    Value::String(format!("{{{{user.public_metadata.{}}}}}", f.key)),
                )
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
