//! The downstream crate uses the generated types with no serde dependency of its own.

use clerk_metadata::{Backend, Frontend, UserMetadata};
use clerk_metadata_downstream::{Member, MemberPatch};

#[test]
fn downstream_schema_gets_tiers_and_patches() {
    let (public, private, unsafe_) = Member {
        plan: "pro".to_owned(),
        seats: 3,
        tour_done: true,
    }
    .into_tiers();
    assert_eq!(serde_json::to_string(&public).unwrap(), r#"{"plan":"pro"}"#);
    assert_eq!(serde_json::to_string(&private).unwrap(), r#"{"seats":3}"#);
    assert_eq!(
        serde_json::to_string(&unsafe_).unwrap(),
        r#"{"tour_done":true}"#
    );
    let backend = MemberPatch::<Backend>::new()
        .plan("team".to_owned())
        .remove_required_seats();
    assert_eq!(
        serde_json::to_string(&backend).unwrap(),
        r#"{"public_metadata":{"plan":"team"},"private_metadata":{"seats":null}}"#
    );
    let frontend: MemberPatch<Frontend> = serde_json::from_str(r#"{"tour_done": false}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&frontend).unwrap(),
        r#"{"unsafe_metadata":{"tour_done":false}}"#
    );
    let rejected = serde_json::from_str::<MemberPatch<Frontend>>(r#"{"seats": 100}"#).unwrap_err();
    assert_eq!(
        rejected.to_string(),
        "unknown field `seats`: it is not a metadata field at line 1 column 8"
    );
}

#[test]
fn downstream_read_change_and_replace_keeps_unknown_keys() {
    use clerk_metadata::{ApiVersion, User, UserUpdate};
    let json = br#"{
        "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "object": "user", "username": null,
        "first_name": "John", "last_name": "Wick", "has_image": false, "banned": false, "locked": false,
        "created_at": 1600690400000, "updated_at": 1700690400000, "last_sign_in_at": null,
        "public_metadata": {"plan": "pro", "billing_v2": {"migrated": true}},
        "private_metadata": {"seats": 3, "salesforce_id": "0015g00000XyZ"},
        "email_addresses": []
    }"#;
    // Missing unsafe metadata does not fit the schema, and does not fail the read: the
    // signed-in user can write anything there, so it is reported beside the user.
    let user = User::<Member>::from_json(json).unwrap();
    let drift = user
        .unsafe_metadata
        .drift()
        .expect("unsafe metadata drifted");
    assert_eq!(
        drift.problem().to_string(),
        "unsafe_metadata: missing field `tour_done`"
    );
    let json = String::from_utf8_lossy(json).replace(
        r#""email_addresses": []"#,
        r#""unsafe_metadata": {"tour_done": true}"#,
    );
    let json = json.as_bytes();
    let mut user = User::<Member>::from_json(json).unwrap();
    user.public_metadata.plan = "team".to_owned();
    let requests = UserUpdate::<Backend>::new()
        .replace_public(user.public_metadata)
        .replace_private(user.private_metadata)
        .build(&user.profile.id, ApiVersion::LATEST)
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(requests[0].body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "public_metadata": {"plan": "team", "billing_v2": {"migrated": true}},
            "private_metadata": {"seats": 3, "salesforce_id": "0015g00000XyZ"}
        })
    );
}
