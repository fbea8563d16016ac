//! The schemas the integration tests share: the `AppUser` of the crate docs, and an
//! organization (`AppOrg`) and membership (`Seat`) schema.

pub mod export;
pub mod spec;

use clerk_metadata::{
    MembershipMetadata, MetadataObject, OrganizationMetadata, UnknownKeys, UserMetadata,
};
use serde::{Deserialize, Serialize};

/// Who the user is to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May manage other users.
    Admin,
    /// A regular user.
    Member,
}

/// The colour scheme the user picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// Follow the system.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Notification settings, a nested object that takes a patch of its own keys.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Notifications {
    /// Email digests.
    pub email: bool,
    /// Push notifications.
    pub push: bool,
    /// Keys another service stored in the object.
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

/// The test schema: two fields in each tier.
#[derive(UserMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct AppUser {
    /// Shown in the UI; only the backend may change it.
    #[metadata(public)]
    pub role: Role,
    /// Teams the user belongs to.
    #[metadata(public)]
    #[serde(default)]
    pub teams: Vec<String>,
    /// Billing reference.
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    /// Internal risk score.
    #[metadata(private)]
    #[serde(rename = "riskScore", default)]
    pub risk_score: u32,
    /// Colour scheme.
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: Theme,
    /// Notification settings.
    #[metadata(unsafe, nested)]
    #[serde(default)]
    pub notifications: Notifications,
}

/// A user with every field set.
pub fn sample_user() -> AppUser {
    AppUser {
        role: Role::Member,
        teams: vec!["core".to_owned()],
        stripe_customer_id: Some("cus_NffrFeUfNV2Hib".to_owned()),
        risk_score: 7,
        theme: Theme::Dark,
        notifications: Notifications {
            email: true,
            push: false,
            unknown: UnknownKeys::new(),
        },
    }
}

/// What the organization pays for, kept in private metadata and patched key by key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Billing {
    /// The billing system's plan code.
    pub plan_code: Option<String>,
    /// Seats paid for.
    pub seats_paid: u32,
    /// Keys another service stored in the object.
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

/// The test organization schema: plan and seats public, billing facts private.
#[derive(OrganizationMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct AppOrg {
    /// The plan the organization is on.
    #[metadata(public)]
    pub plan: String,
    /// Seats the organization may fill.
    #[metadata(public)]
    #[serde(default)]
    pub seats: u32,
    /// Billing reference.
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    /// The CRM's ID, once stored as `crm_id`.
    #[metadata(private)]
    #[serde(rename = "crmId", alias = "crm_id", default)]
    pub crm_id: Option<String>,
    /// Billing details.
    #[metadata(private, nested)]
    #[serde(default)]
    pub billing: Billing,
}

/// The test membership schema: per-member facts of one organization.
#[derive(MembershipMetadata, Debug, Clone, PartialEq)]
#[metadata(derive(Debug, Clone, PartialEq))]
pub struct Seat {
    /// The member's department, shown to the organization.
    #[metadata(public)]
    pub department: Option<String>,
    /// Whether the member receives invoices.
    #[metadata(public)]
    #[serde(default)]
    pub is_billing_contact: bool,
    /// The cost center the seat is charged to.
    #[metadata(private)]
    pub cost_center: Option<String>,
}

/// The text of a fixture in `tests/fixtures`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A reqwest client for requests to servers on 127.0.0.1, as tests and benchmarks
/// send them: rustls on *ring* with no trusted roots (plain HTTP only), no proxy.
/// Redirects are followed, as reqwest's default does.
pub fn loopback_http() -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default protocol versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .no_proxy()
        .build()
        .expect("a plain client builds")
}
