//! Every reader returns an error, never panics, for arbitrary bytes and arbitrary JSON.

use clerk_metadata::{ApiError, Backend, Frontend, FrontendUser, Stored, User, UserId};
use clerk_metadata_tests::{AppUser, AppUserPatch, AppUserPrivate, AppUserPublic, fixture};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Runs every reader on `bytes`; a panic fails the property.
fn read_everything(bytes: &[u8]) {
    let _ = User::<AppUser>::from_json(bytes);
    let _ = User::<AppUser>::from_json_lenient(bytes);
    let _ = FrontendUser::<AppUser>::from_json(bytes);
    let _ = serde_json::from_slice::<User<AppUser>>(bytes);
    let _ = ApiError::from_response(400, bytes);
    let _ = serde_json::from_slice::<AppUserPatch<Frontend>>(bytes);
    let _ = serde_json::from_slice::<AppUserPatch<Backend>>(bytes);
    let _ = serde_json::from_slice::<Stored<AppUserPublic>>(bytes);
    let _ = serde_json::from_slice::<Stored<AppUserPrivate>>(bytes);
    let _ = serde_json::from_slice::<UserId>(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = UserId::parse(text);
        let _ = clerk_metadata::Timestamp::parse_rfc3339(text);
        let _ = text.parse::<clerk_metadata::ApiVersion>();
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,8}".prop_map(Value::String),
        prop_oneof![Just("user_1"), Just("admin"), Just("member"), Just("dark")]
            .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        let keys = prop_oneof![
            ".{0,6}",
            prop_oneof![
                Just("id"),
                Just("role"),
                Just("teams"),
                Just("theme"),
                Just("riskScore"),
                Just("errors"),
                Just("code"),
                Just("message"),
                Just("public_metadata"),
                Just("private_metadata"),
                Just("unsafe_metadata"),
                Just("has_image"),
                Just("created_at"),
            ]
            .prop_map(str::to_owned),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json_value()) {
        read_everything(&serde_json::to_vec(&value).unwrap());
    }

    /// A real user, with a valid profile, whose tiers are arbitrary JSON (any shape,
    /// or missing where Clerk lets them be) and whose `first_name` is any string or
    /// `null`: a lenient read always succeeds, reports exactly the tiers that drifted,
    /// and keeps each drifted tier as it was stored; a strict read succeeds exactly when
    /// public and private metadata fit, whatever unsafe metadata holds.
    #[test]
    fn a_lenient_read_of_a_valid_profile_always_succeeds_and_keeps_every_tier(
        public in json_value(),
        private in prop::option::of(json_value()),
        unsafe_ in prop::option::of(json_value()),
        first_name in prop::option::of(".{0,12}"),
        drop_key in prop::sample::select(vec!["object", "email_addresses", "username", "none"]),
    ) {
        let mut user: Value = serde_json::from_slice(&fixture("user.json")).unwrap();
        let object = user.as_object_mut().unwrap();
        object.insert("public_metadata".to_owned(), public.clone());
        for (key, tier) in [("private_metadata", &private), ("unsafe_metadata", &unsafe_)] {
            match tier {
                Some(value) => object.insert(key.to_owned(), value.clone()),
                None => object.remove(key),
            };
        }
        object.insert("first_name".to_owned(), json!(first_name));
        object.remove(drop_key);
        let bytes = serde_json::to_vec(&user).unwrap();
        read_everything(&bytes);

        let lenient = User::<AppUser>::from_json_lenient(&bytes);
        prop_assert!(lenient.is_ok(), "{:?}", lenient.err());
        let lenient = lenient.unwrap();
        let tiers = [
            (lenient.public_metadata.drift(), Some(&public)),
            (lenient.private_metadata.drift(), private.as_ref()),
            (lenient.unsafe_metadata.drift(), unsafe_.as_ref()),
        ];
        for (drift, stored) in tiers {
            if let Some(drift) = drift {
                let kept: Value = serde_json::from_str(drift.raw().get()).unwrap();
                prop_assert_eq!(&kept, stored.unwrap_or(&Value::Null));
            }
        }
        let drifted = tiers.iter().filter(|(d, _)| d.is_some()).count();
        prop_assert_eq!(lenient.problems().len(), drifted);
        let fits = lenient.public_metadata.typed().is_some() && lenient.private_metadata.typed().is_some();
        prop_assert_eq!(User::<AppUser>::from_json(&bytes).is_ok(), fits);
        prop_assert_eq!(serde_json::from_slice::<User<AppUser>>(&bytes).is_ok(), fits);
    }

    /// Arbitrary error bodies: Clerk's shape or raw, and the body is never lost.
    #[test]
    fn error_bodies_are_typed_or_kept_whole(value in json_value(), status in 400u16..600) {
        let bytes = serde_json::to_vec(&value).unwrap();
        match ApiError::from_response(status, &bytes) {
            ApiError::Unrecognized { body, status: s } => {
                prop_assert_eq!(body, bytes);
                prop_assert_eq!(s, status);
            }
            ApiError::Clerk { status: s, .. } => prop_assert_eq!(s, status),
        }
    }
}
