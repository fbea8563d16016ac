//! Tier structs: exact JSON, round trips, visibility markers.

use clerk_metadata::{MetadataTier, Private, Public, Tier, TierKind, Unsafe, UserMetadata};
use clerk_metadata_tests::{
    AppUser, AppUserPrivate, AppUserPublic, AppUserUnsafe, Notifications, Theme, sample_user,
};
use serde_json::json;

#[test]
fn tiers_serialize_to_exact_objects() {
    let (public, private, unsafe_) = sample_user().into_tiers();
    assert_eq!(
        serde_json::to_value(&public).unwrap(),
        json!({"role": "member", "teams": ["core"]})
    );
    assert_eq!(
        serde_json::to_value(&private).unwrap(),
        json!({"stripe_customer_id": "cus_NffrFeUfNV2Hib", "riskScore": 7})
    );
    assert_eq!(
        serde_json::to_value(&unsafe_).unwrap(),
        json!({"theme": "dark", "notifications": {"email": true, "push": false}})
    );
}

#[test]
fn tiers_round_trip_through_json_and_back_to_the_schema() {
    let user = sample_user();
    let (public, private, unsafe_) = user.clone().into_tiers();
    let public: AppUserPublic =
        serde_json::from_str(&serde_json::to_string(&public).unwrap()).unwrap();
    let private: AppUserPrivate =
        serde_json::from_str(&serde_json::to_string(&private).unwrap()).unwrap();
    let unsafe_: AppUserUnsafe =
        serde_json::from_str(&serde_json::to_string(&unsafe_).unwrap()).unwrap();
    assert_eq!(AppUser::from_tiers(public, private, unsafe_), user);
}

#[test]
fn serde_defaults_carry_over_to_the_tier_struct() {
    let unsafe_: AppUserUnsafe = serde_json::from_value(json!({})).unwrap();
    assert_eq!(
        unsafe_,
        AppUserUnsafe {
            theme: Theme::System,
            notifications: Notifications::default()
        }
    );
    let error = serde_json::from_value::<AppUserPublic>(json!({"teams": []})).unwrap_err();
    assert!(
        error.to_string().contains("missing field `role`"),
        "{error}"
    );
}

#[test]
fn a_tier_is_always_an_object() {
    #[derive(UserMetadata)]
    struct OnlyUnsafe {
        #[metadata(unsafe)]
        theme: String,
    }
    let (public, private, unsafe_) = OnlyUnsafe {
        theme: "x".to_owned(),
    }
    .into_tiers();
    assert_eq!(serde_json::to_string(&public).unwrap(), "{}");
    assert_eq!(serde_json::to_string(&private).unwrap(), "{}");
    assert_eq!(unsafe_.theme, "x");
    assert!(serde_json::from_str::<OnlyUnsafePublic>("{}").is_ok());
}

fn kind_of<T: MetadataTier>() -> TierKind {
    <T::Tier as Tier>::KIND
}

#[test]
fn each_tier_struct_names_its_tier_marker() {
    fn is<T: MetadataTier<Tier = M>, M: Tier>() {}
    is::<AppUserPublic, Public>();
    is::<AppUserPrivate, Private>();
    is::<AppUserUnsafe, Unsafe>();
    assert_eq!(kind_of::<AppUserPublic>(), TierKind::Public);
    assert_eq!(kind_of::<AppUserPrivate>(), TierKind::Private);
    assert_eq!(kind_of::<AppUserUnsafe>(), TierKind::Unsafe);
    assert_eq!(
        kind_of::<<AppUser as UserMetadata>::Private>(),
        TierKind::Private
    );
}

#[test]
fn debug_of_the_private_tier_hides_values() {
    let (public, private, _) = sample_user().into_tiers();
    let shown = format!("{private:?}");
    assert_eq!(
        shown,
        "AppUserPrivate { stripe_customer_id: <redacted>, risk_score: <redacted> }"
    );
    assert!(!shown.contains("cus_"));
    assert_eq!(
        format!("{public:?}"),
        r#"AppUserPublic { role: Member, teams: ["core"] }"#
    );
}
