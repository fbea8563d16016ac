//! The read-path cases, shared by the `read_path` and `ratios` benchmarks: a realistic
//! 4–6 KB Backend API `User` (spec-shaped, metadata filled) into `User<AppUser>`, against
//! (a) a hand-written `#[derive(Deserialize)]` struct of the same typed fields (which
//! keeps nothing else), and (b) `serde_json::from_slice` into a `Value`, then
//! `from_value` per tier.

use clerk_metadata::User;
use clerk_metadata_tests::{AppUser, AppUserPrivate, AppUserPublic, AppUserUnsafe, fixture};
use serde::Deserialize;
use serde_json::{Value, json};

/// The fixture user, grown to a realistic size: several email addresses, external
/// accounts, an organization membership, and filled metadata.
pub fn realistic_user() -> Vec<u8> {
    let mut user: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
    let email = user["email_addresses"][0].clone();
    for i in 1..4 {
        let mut extra = email.clone();
        extra["id"] = json!(format!("idn_2OEpKhcCN1Lat9NQ0G6puh7q5R{i}"));
        extra["email_address"] = json!(format!("john.wick+{i}@example.com"));
        user["email_addresses"].as_array_mut().unwrap().push(extra);
    }
    user["external_accounts"] = json!([{
        "object": "google_account", "id": "eac_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "provider": "oauth_google",
        "identification_id": "idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rd", "provider_user_id": "112233445566778899",
        "approved_scopes": "email https://www.googleapis.com/auth/userinfo.email openid profile",
        "email_address": "john.wick@gmail.com", "first_name": "John", "last_name": "Wick",
        "image_url": "https://img.clerk.com/eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJodHRwczovL2xoMy5nb29nbGV1c2VyY29udGVudC5jb20vYS9BQ2c4b2NKIn0",
        "username": null, "public_metadata": {}, "label": null, "created_at": 1700690400000_i64, "updated_at": 1700690400000_i64,
        "verification": {"status": "verified", "strategy": "oauth_google", "attempts": null, "expire_at": 1700690400000_i64}
    }]);
    user["organization_memberships"] = json!([{
        "object": "organization_membership", "id": "orgmem_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "role": "org:admin",
        "permissions": ["org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:manage"],
        "public_metadata": {}, "private_metadata": {}, "created_at": 1700690400000_i64, "updated_at": 1700690400000_i64,
        "organization": {"object": "organization", "id": "org_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "name": "High Table",
            "slug": "high-table", "has_image": false, "max_allowed_memberships": 5, "admin_delete_enabled": true,
            "public_metadata": {}, "created_at": 1700690400000_i64, "updated_at": 1700690400000_i64}
    }]);
    user["public_metadata"]["teams"] = json!(["core", "billing", "platform", "growth", "support"]);
    user["public_metadata"]["beta_flags"] =
        json!({"new_nav": true, "ai_search": false, "bulk_export": true});
    user["private_metadata"]["crm_sync"] =
        json!({"last": "2026-11-01T10:00:00Z", "source": "salesforce", "id": "0015g00000XyZ"});
    user["phone_numbers"] = json!([{
        "object": "phone_number", "id": "idn_2OEpKhcCN1Lat9NQ0G6puh7q5Rf", "phone_number": "+15555550100",
        "reserved_for_second_factor": false, "default_second_factor": false, "reserved": false,
        "verification": {"status": "verified", "strategy": "phone_code", "attempts": 1, "expire_at": 1700690400000_i64},
        "linked_to": [], "backup_codes": null, "created_at": 1700690400000_i64, "updated_at": 1700690400000_i64
    }]);
    user["unsafe_metadata"]["recent_searches"] =
        json!(["continental", "high table", "marker", "gold coins"]);
    serde_json::to_vec(&user).unwrap()
}

/// (a) A hand-written struct with the same typed fields; everything else is ignored.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct HandWritten {
    id: String,
    external_id: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    primary_email_address_id: Option<String>,
    primary_phone_number_id: Option<String>,
    primary_web3_wallet_id: Option<String>,
    image_url: Option<String>,
    has_image: bool,
    banned: bool,
    locked: bool,
    created_at: i64,
    updated_at: i64,
    last_sign_in_at: Option<i64>,
    public_metadata: AppUserPublic,
    private_metadata: Option<AppUserPrivate>,
    unsafe_metadata: Option<AppUserUnsafe>,
}

/// (b) The profile fields, read from a `Value` after the tiers were taken out.
#[derive(Deserialize)]
#[allow(dead_code)]
pub struct Profile {
    id: String,
    external_id: Option<String>,
    username: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    primary_email_address_id: Option<String>,
    primary_phone_number_id: Option<String>,
    primary_web3_wallet_id: Option<String>,
    image_url: Option<String>,
    has_image: bool,
    banned: bool,
    locked: bool,
    created_at: i64,
    updated_at: i64,
    last_sign_in_at: Option<i64>,
}

pub fn via_value(bytes: &[u8]) -> (Profile, AppUserPublic, AppUserPrivate, AppUserUnsafe) {
    let mut value: Value = serde_json::from_slice(bytes).unwrap();
    let public = serde_json::from_value(value["public_metadata"].take()).unwrap();
    let private = serde_json::from_value(value["private_metadata"].take()).unwrap();
    let unsafe_ = serde_json::from_value(value["unsafe_metadata"].take()).unwrap();
    (
        serde_json::from_value(value).unwrap(),
        public,
        private,
        unsafe_,
    )
}

/// Asserts the user's size and that both ways read the same public tier.
pub fn check() -> Vec<u8> {
    let bytes = realistic_user();
    assert!(
        (4096..=6144).contains(&bytes.len()),
        "the user is {} bytes",
        bytes.len()
    );
    let ours = User::<AppUser>::from_json(&bytes).unwrap();
    let (_, public, _, _) = via_value(&bytes);
    assert_eq!(*ours.public_metadata.value(), public);
    bytes
}
