//! The schema of the export tests: every serde attribute the derive accepts, on fields
//! of every shape a metadata tier holds.

use std::collections::BTreeMap;

use clerk_metadata::{MetadataObject, UserMetadata};
use serde::{Deserialize, Serialize};

/// A plan, spelled in kebab-case, one variant renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Plan {
    /// The free plan.
    Free,
    /// The paid plan.
    ProMonthly,
    /// A plan from before the rename.
    #[serde(rename = "legacy")]
    Grandfathered,
}

/// Where the user wants to hear from the app.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    MetadataObject,
    schemars::JsonSchema,
)]
#[serde(default, rename_all = "camelCase")]
pub struct Channels {
    /// Email digests.
    pub email_digest: bool,
    /// Push notifications.
    pub push: Option<bool>,
    /// Keys another service stored in the object.
    #[serde(flatten)]
    pub unknown: clerk_metadata::UnknownKeys,
}

/// The export tests' schema.
#[derive(UserMetadata)]
#[metadata(derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Member {
    /// The member's plan; copied into the session token.
    #[metadata(public, claim)]
    pub plan: Plan,
    /// Seats the organization pays for.
    #[metadata(public, claim = "seat_count")]
    #[serde(default)]
    pub seats: u32,
    /// Feature flags, by name.
    #[metadata(public)]
    #[serde(default)]
    pub feature_flags: BTreeMap<String, bool>,
    /// The CRM's ID; once stored as `crm`.
    #[metadata(private)]
    #[serde(rename = "crm_id", alias = "crm")]
    pub crm_id: String,
    /// Risk score from the fraud check.
    #[metadata(private)]
    pub risk: Option<f64>,
    /// Teams, in order.
    #[metadata(unsafe)]
    #[serde(default)]
    pub teams: Vec<String>,
    /// How to reach the member.
    #[metadata(unsafe, nested)]
    #[serde(default)]
    pub channels: Channels,
    /// The member's time zone offset, in minutes.
    #[metadata(unsafe)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc_offset: Option<i64>,
}

/// What a customer organization pays for.
#[derive(
    Debug,
    Clone,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    MetadataObject,
    schemars::JsonSchema,
)]
#[serde(default)]
pub struct Contract {
    /// The CRM's account ID.
    pub crm_account: Option<String>,
    /// Seats paid for.
    pub seats_paid: u32,
    /// Keys another service stored in the object.
    #[serde(flatten)]
    pub unknown: clerk_metadata::UnknownKeys,
}

/// The organization schema of the export tests: a plan (an enum) and seats public, the
/// contract (a nested object) private.
#[derive(clerk_metadata::OrganizationMetadata)]
#[metadata(derive(schemars::JsonSchema))]
pub struct Customer {
    /// The plan the customer is on.
    #[metadata(public, claim = "org_plan")]
    pub plan: Plan,
    /// Seats the customer may fill.
    #[metadata(public)]
    #[serde(default)]
    pub seats: u32,
    /// The signed contract.
    #[metadata(private, nested)]
    #[serde(default)]
    pub contract: Contract,
}

/// The membership schema of the export tests: a team public, a cost center private.
#[derive(clerk_metadata::MembershipMetadata)]
#[metadata(derive(schemars::JsonSchema))]
pub struct Seat {
    /// The member's team.
    #[metadata(public)]
    pub team: Option<String>,
    /// The cost center the seat is charged to.
    #[metadata(private)]
    pub cost_center: Option<String>,
}
