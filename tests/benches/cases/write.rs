//! The write-path cases, shared by the `write_path` and `ratios` benchmarks: a typical
//! backend update (first and last name, plus a metadata patch touching 3 fields across
//! 2 tiers) built, validated and serialized to request bytes, against (a) hand-written
//! `#[derive(Serialize)]` bodies through `serde_json::to_vec` and (b) the clerk-rs way:
//! metadata through `serde_json::to_value` into a `Value` request model; and the same
//! update over a schema of text fields against owned `String`s.

use clerk_metadata::UserMetadata;
use clerk_metadata::{ApiRequest, ApiVersion, Backend, UserId, UserUpdate};
use clerk_metadata_tests::{AppUserPatch, Notifications, Role, Theme};
use serde::Serialize;

pub const USER: &str = "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb";

pub fn ours(id: &UserId) -> Vec<ApiRequest> {
    UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick")
        .metadata(
            AppUserPatch::<Backend>::new()
                .role(Role::Admin)
                .theme(Theme::Dark)
                .notifications(Notifications {
                    email: true,
                    push: false,
                    unknown: Default::default(),
                }),
        )
        .build(id, ApiVersion::LATEST)
        .unwrap()
}

/// (a) The floor: the same two bodies as plain derived structs, and their paths.
pub mod hand_written {
    use super::*;

    #[derive(Serialize)]
    pub struct Profile<'a> {
        pub first_name: &'a str,
        pub last_name: &'a str,
    }

    #[derive(Serialize)]
    pub struct PublicPatch {
        pub role: Role,
    }

    #[derive(Serialize)]
    pub struct UnsafePatch {
        pub theme: Theme,
        pub notifications: Notifications,
    }

    #[derive(Serialize)]
    pub struct MetadataBody {
        pub public_metadata: PublicPatch,
        pub unsafe_metadata: UnsafePatch,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = Profile {
            first_name: "John",
            last_name: "Wick",
        };
        let metadata = MetadataBody {
            public_metadata: PublicPatch { role: Role::Admin },
            unsafe_metadata: UnsafePatch {
                theme: Theme::Dark,
                notifications: Notifications {
                    email: true,
                    push: false,
                    unknown: Default::default(),
                },
            },
        };
        vec![
            (
                format!("/v1/users/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/users/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// (b) The clerk-rs way: request models of optional fields, metadata as `Value`.
pub mod value_model {
    use super::*;
    use serde_json::Value;

    #[derive(Serialize, Default)]
    pub struct UpdateUserRequest {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub external_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub first_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub last_name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub username: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub password: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub primary_email_address_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub public_metadata: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub private_metadata: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub unsafe_metadata: Option<Value>,
    }

    #[derive(Serialize, Default)]
    pub struct UpdateUserMetadataRequest {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub public_metadata: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub private_metadata: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub unsafe_metadata: Option<Value>,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = UpdateUserRequest {
            first_name: Some("John".to_owned()),
            last_name: Some("Wick".to_owned()),
            ..Default::default()
        };
        let public = serde_json::to_value(hand_written::PublicPatch { role: Role::Admin }).unwrap();
        let unsafe_ = serde_json::to_value(hand_written::UnsafePatch {
            theme: Theme::Dark,
            notifications: Notifications {
                email: true,
                push: false,
                unknown: Default::default(),
            },
        })
        .unwrap();
        let metadata = UpdateUserMetadataRequest {
            public_metadata: Some(public),
            unsafe_metadata: Some(unsafe_),
            ..Default::default()
        };
        vec![
            (
                format!("/v1/users/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/users/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// The schema most apps have: text fields, some optional. Only its patch is used.
#[allow(dead_code)]
#[derive(UserMetadata)]
pub struct Account {
    #[metadata(public)]
    pub plan: String,
    #[metadata(public)]
    pub company: Option<String>,
    #[metadata(private)]
    pub stripe_customer_id: Option<String>,
    #[metadata(unsafe)]
    pub display_name: String,
    #[metadata(unsafe)]
    pub locale: Option<String>,
}

/// The same update as `ours`, over text fields: first and last name, and a patch of
/// three fields over two tiers.
pub fn ours_strings(id: &UserId) -> Vec<ApiRequest> {
    UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick")
        .metadata(
            AccountPatch::<Backend>::new()
                .plan("pro")
                .company("High Table")
                .display_name("Jonathan"),
        )
        .build(id, ApiVersion::LATEST)
        .unwrap()
}

/// The floor for the text update: owned `String`s, as a typed app model holds them.
pub mod hand_written_strings {
    use super::*;

    #[derive(Serialize)]
    pub struct Profile {
        pub first_name: String,
        pub last_name: String,
    }

    #[derive(Serialize)]
    pub struct PublicPatch {
        pub plan: String,
        pub company: Option<String>,
    }

    #[derive(Serialize)]
    pub struct UnsafePatch {
        pub display_name: String,
    }

    #[derive(Serialize)]
    pub struct MetadataBody {
        pub public_metadata: PublicPatch,
        pub unsafe_metadata: UnsafePatch,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = Profile {
            first_name: "John".to_owned(),
            last_name: "Wick".to_owned(),
        };
        let metadata = MetadataBody {
            public_metadata: PublicPatch {
                plan: "pro".to_owned(),
                company: Some("High Table".to_owned()),
            },
            unsafe_metadata: UnsafePatch {
                display_name: "Jonathan".to_owned(),
            },
        };
        vec![
            (
                format!("/v1/users/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/users/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// Asserts that every way of writing produces the same bodies (the `Value` model sorts
/// keys, so it is compared as JSON).
/// The tour's schema with text fields: a public role, a private Stripe ID under a
/// renamed key (an `Option`), an unsafe theme. Only its patch is used.
#[allow(dead_code)]
#[derive(UserMetadata)]
pub struct TourUser {
    #[metadata(public)]
    pub role: String,
    #[metadata(private)]
    #[serde(rename = "stripeCustomerId")]
    pub stripe_customer_id: Option<String>,
    #[metadata(unsafe)]
    #[serde(default)]
    pub theme: String,
}

/// First and last name, and a patch of each of the tour's three fields (one per tier).
pub fn ours_tour(id: &UserId) -> Vec<ApiRequest> {
    UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick")
        .metadata(
            TourUserPatch::<Backend>::new()
                .role("admin")
                .stripe_customer_id("cus_NffrFeUfNV2Hib")
                .theme("dark"),
        )
        .build(id, ApiVersion::LATEST)
        .unwrap()
}

/// The floor for the tour update: owned `String`s, as a typed app model holds them.
pub mod hand_written_tour {
    use super::*;

    #[derive(Serialize)]
    pub struct Profile {
        pub first_name: String,
        pub last_name: String,
    }

    #[derive(Serialize)]
    pub struct PublicPatch {
        pub role: String,
    }

    #[derive(Serialize)]
    pub struct PrivatePatch {
        #[serde(rename = "stripeCustomerId")]
        pub stripe_customer_id: Option<String>,
    }

    #[derive(Serialize)]
    pub struct UnsafePatch {
        pub theme: String,
    }

    #[derive(Serialize)]
    pub struct MetadataBody {
        pub public_metadata: PublicPatch,
        pub private_metadata: PrivatePatch,
        pub unsafe_metadata: UnsafePatch,
    }

    pub fn run(id: &str) -> Vec<(String, Vec<u8>)> {
        let profile = Profile {
            first_name: "John".to_owned(),
            last_name: "Wick".to_owned(),
        };
        let metadata = MetadataBody {
            public_metadata: PublicPatch {
                role: "admin".to_owned(),
            },
            private_metadata: PrivatePatch {
                stripe_customer_id: Some("cus_NffrFeUfNV2Hib".to_owned()),
            },
            unsafe_metadata: UnsafePatch {
                theme: "dark".to_owned(),
            },
        };
        vec![
            (
                format!("/v1/users/{id}"),
                serde_json::to_vec(&profile).unwrap(),
            ),
            (
                format!("/v1/users/{id}/metadata"),
                serde_json::to_vec(&metadata).unwrap(),
            ),
        ]
    }
}

/// The tour update through `Value`s, as the clerk-rs model takes metadata.
pub fn value_model_tour(id: &str) -> Vec<(String, Vec<u8>)> {
    let profile = value_model::UpdateUserRequest {
        first_name: Some("John".to_owned()),
        last_name: Some("Wick".to_owned()),
        ..Default::default()
    };
    let metadata = value_model::UpdateUserMetadataRequest {
        public_metadata: Some(
            serde_json::to_value(hand_written_tour::PublicPatch {
                role: "admin".to_owned(),
            })
            .unwrap(),
        ),
        private_metadata: Some(
            serde_json::to_value(hand_written_tour::PrivatePatch {
                stripe_customer_id: Some("cus_NffrFeUfNV2Hib".to_owned()),
            })
            .unwrap(),
        ),
        unsafe_metadata: Some(
            serde_json::to_value(hand_written_tour::UnsafePatch {
                theme: "dark".to_owned(),
            })
            .unwrap(),
        ),
    };
    vec![
        (
            format!("/v1/users/{id}"),
            serde_json::to_vec(&profile).unwrap(),
        ),
        (
            format!("/v1/users/{id}/metadata"),
            serde_json::to_vec(&metadata).unwrap(),
        ),
    ]
}

pub fn check() {
    let id = UserId::parse(USER).unwrap();
    let bodies: Vec<Vec<u8>> = ours(&id).iter().map(|r| r.body().to_vec()).collect();
    let hand = |runs: Vec<(String, Vec<u8>)>| runs.into_iter().map(|(_, b)| b).collect::<Vec<_>>();
    assert_eq!(bodies, hand(hand_written::run(USER)));
    let json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
    assert!(
        bodies
            .iter()
            .zip(&value_model::run(USER))
            .all(|(a, (_, b))| json(a) == json(b))
    );
    let bodies: Vec<Vec<u8>> = ours_strings(&id)
        .iter()
        .map(|r| r.body().to_vec())
        .collect();
    assert_eq!(bodies, hand(hand_written_strings::run(USER)));
    let bodies: Vec<Vec<u8>> = ours_tour(&id).iter().map(|r| r.body().to_vec()).collect();
    assert_eq!(bodies, hand(hand_written_tour::run(USER)));
    assert_eq!(bodies, hand(value_model_tour(USER)));
}
