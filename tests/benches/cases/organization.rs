//! The organization write path, for the `ratios` benchmark: an organization's name and
//! a metadata patch touching three fields across both tiers, built, validated and
//! serialized to request bytes, against hand-written `#[derive(Serialize)]` bodies of
//! borrowed `&str`s and of owned `String`s.

use clerk_metadata::{ApiRequest, ApiVersion, OrganizationId, OrganizationUpdate};
use clerk_metadata_tests::AppOrgPatch;
use serde::Serialize;

pub const ORGANIZATION: &str = "org_2OEpKhcCN1Lat9NQ0G6puh7q5Rb";

pub fn ours(id: &OrganizationId) -> Vec<ApiRequest> {
    OrganizationUpdate::new()
        .name("Acme Inc")
        .metadata(
            AppOrgPatch::new()
                .plan("enterprise")
                .seats(250_u32)
                .stripe_customer_id(Some("cus_NffrFeUfNV2Hib".to_owned())),
        )
        .build(id, ApiVersion::LATEST)
        .unwrap()
}

/// The floor: the same two bodies as plain derived structs, and their paths.
pub mod hand_written {
    use super::*;

    #[derive(Serialize)]
    pub struct Profile<'a> {
        pub name: &'a str,
    }

    #[derive(Serialize)]
    pub struct PublicPatch<'a> {
        pub plan: &'a str,
        pub seats: u32,
    }

    #[derive(Serialize)]
    pub struct PrivatePatch<'a> {
        pub stripe_customer_id: Option<&'a str>,
    }

    #[derive(Serialize)]
    pub struct MetadataBody<'a> {
        pub public_metadata: PublicPatch<'a>,
        pub private_metadata: PrivatePatch<'a>,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = Profile { name: "Acme Inc" };
        let metadata = MetadataBody {
            public_metadata: PublicPatch {
                plan: "enterprise",
                seats: 250,
            },
            private_metadata: PrivatePatch {
                stripe_customer_id: Some("cus_NffrFeUfNV2Hib"),
            },
        };
        vec![
            (
                format!("/v1/organizations/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/organizations/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// The floor with owned `String`s, as an app's model holds the values it writes (the
/// update's setters take them owned, so `ours` pays for them too).
pub mod hand_written_strings {
    use super::*;

    #[derive(Serialize)]
    pub struct Profile {
        pub name: String,
    }

    #[derive(Serialize)]
    pub struct PublicPatch {
        pub plan: String,
        pub seats: u32,
    }

    #[derive(Serialize)]
    pub struct PrivatePatch {
        pub stripe_customer_id: Option<String>,
    }

    #[derive(Serialize)]
    pub struct MetadataBody {
        pub public_metadata: PublicPatch,
        pub private_metadata: PrivatePatch,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = Profile {
            name: "Acme Inc".to_owned(),
        };
        let metadata = MetadataBody {
            public_metadata: PublicPatch {
                plan: "enterprise".to_owned(),
                seats: 250,
            },
            private_metadata: PrivatePatch {
                stripe_customer_id: Some("cus_NffrFeUfNV2Hib".to_owned()),
            },
        };
        vec![
            (
                format!("/v1/organizations/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/organizations/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// Both sides build the same bytes.
pub fn check() {
    let id = ORGANIZATION.parse().unwrap();
    let bodies: Vec<Vec<u8>> = ours(&id).iter().map(|r| r.body().to_vec()).collect();
    for run in [hand_written::run, hand_written_strings::run] {
        let hand: Vec<Vec<u8>> = run(ORGANIZATION).into_iter().map(|(_, b)| b).collect();
        assert_eq!(bodies, hand);
    }
}
