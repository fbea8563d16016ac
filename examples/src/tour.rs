//! The schema of the crate's tour, with what `export_types` needs: `schemars`'
//! derive on its field types and tiers.

use clerk_metadata::UserMetadata;
use serde::{Deserialize, Serialize};

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May manage other users.
    Admin,
    /// A regular user.
    Member,
}

/// The colour scheme the user picked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system setting.
    #[default]
    System,
    /// Always dark.
    Dark,
}

/// The tour's schema.
#[derive(UserMetadata)]
#[metadata(derive(schemars::JsonSchema))]
pub struct AppUser {
    /// Shown in the UI; only the backend may change it. Copied into the session token.
    #[metadata(public, claim)]
    pub role: Role,
    /// The user's Stripe customer, for billing code only.
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    /// The user's own choice of colours.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Theme,
}
