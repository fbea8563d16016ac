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
        .remove_seats();
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
        "field `seats` is private metadata: the frontend may write only unsafe metadata at line 1 column 8"
    );
}
