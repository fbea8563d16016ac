//! Writes that cannot lose data, leak secrets or be forged: one test (or more) per
//! class of hole, each failing on the code before it was closed. The compile-time
//! routes live in `tests/ui/compile-fail` (`forge-*`, `remove-required-field`,
//! `derive-split-serde-names`, `derive-unreadable-writes`, `user-is-not-serialize`).

use clerk_metadata::{
    ApiError, ApiVersion, Backend, Frontend, FrontendUser, MetadataObject, Stored, TierRead, User,
    UserId, UserMetadata, UserUpdate, codes,
};
use clerk_metadata_tests::{
    AppUser, AppUserPatch, AppUserUnsafe, Notifications, NotificationsPatch, Role, Theme, fixture,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn id() -> UserId {
    UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap()
}

fn as_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

fn browser<P: serde::de::DeserializeOwned>(body: Value) -> Result<P, String> {
    serde_json::from_value(body).map_err(|e| e.to_string())
}

/// A schema with the shapes the holes were found in: a float, an alias, a required
/// unsafe field, an optional field, and a nested object written whole.
#[derive(UserMetadata)]
pub struct Player {
    #[metadata(public)]
    #[serde(default)]
    pub score: f64,
    #[metadata(private)]
    #[serde(default)]
    pub ratings: std::collections::BTreeMap<String, f32>,
    #[metadata(private)]
    #[serde(rename = "hubspotId")]
    pub hubspot_id: Option<String>,
    #[metadata(unsafe)]
    pub lang: String,
    #[metadata(unsafe)]
    #[serde(rename = "colour", alias = "color", default)]
    pub colour: String,
    #[metadata(unsafe)]
    #[serde(default)]
    pub digest: Digest,
}

/// Written whole: the field holding it is not `nested`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Digest {
    pub frequency: String,
    pub hour: u8,
}

// 1. Split serde names: the forms serde merges are refused at compile time
//    (`derive-split-serde-names`); where both directions agree, every path uses the one
//    key (`compile-pass/serde-attributes-split.rs`). An alias is an old key to read, and a
//    write of the field deletes it, so the stored object never holds the field twice.

#[test]
fn a_write_of_an_aliased_field_deletes_the_old_key() {
    let patch = PlayerPatch::<Frontend>::new().colour("red".to_owned());
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"unsafe_metadata": {"colour": "red", "color": null}})
    );
    let from_browser: PlayerPatch<Frontend> = browser(json!({"color": "blue"})).unwrap();
    assert_eq!(
        serde_json::to_value(&from_browser).unwrap(),
        json!({"unsafe_metadata": {"colour": "blue", "color": null}})
    );
    // Stored under the old key, read, replaced: the value moves to the new key.
    let stored: Stored<PlayerUnsafe> =
        serde_json::from_value(json!({"lang": "en", "color": "green", "x": 1})).unwrap();
    assert_eq!(stored.colour, "green");
    assert_eq!(
        serde_json::to_value(&stored).unwrap(),
        json!({"lang": "en", "colour": "green", "digest": {"frequency": "", "hour": 0}, "x": 1})
    );
}

// 2. Non-finite floats.

#[test]
fn a_non_finite_float_is_a_validation_error_naming_the_field() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let errors = UserUpdate::<Backend>::new()
            .metadata(PlayerPatch::<Backend>::new().score(bad))
            .build(&id(), ApiVersion::LATEST)
            .unwrap_err();
        assert!(
            errors.contains("public_metadata.score", codes::METADATA_NON_FINITE_NUMBER),
            "{errors}"
        );
        let replace = UserUpdate::<Backend>::new()
            .replace_public(PlayerPublic { score: bad })
            .build(&id(), ApiVersion::LATEST)
            .unwrap_err();
        assert!(
            replace.contains("public_metadata.score", codes::METADATA_NON_FINITE_NUMBER),
            "{replace}"
        );
    }
    // Deep in a private map: the path names the field, never the private key.
    let ratings: std::collections::BTreeMap<String, f32> =
        [("sk_live_secret".to_owned(), f32::NAN)].into();
    let errors = UserUpdate::<Backend>::new()
        .metadata(PlayerPatch::<Backend>::new().ratings(ratings))
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(
        errors.contains(
            "private_metadata.ratings.*",
            codes::METADATA_NON_FINITE_NUMBER
        ),
        "{errors}"
    );
    assert!(!errors.to_string().contains("sk_live"), "{errors}");
    // `validate` says the same as `build`, and a patch serialized by hand refuses too.
    let update =
        UserUpdate::<Backend>::new().metadata(PlayerPatch::<Backend>::new().score(f64::NAN));
    assert!(
        update
            .validate(ApiVersion::LATEST, &Default::default())
            .is_err()
    );
    let patch = PlayerPatch::<Backend>::new().score(f64::INFINITY);
    let error = serde_json::to_string(&patch).unwrap_err().to_string();
    assert!(
        error.starts_with("public_metadata.score is NaN or infinite"),
        "{error}"
    );
    // Finite values are sent as numbers.
    let fine = UserUpdate::<Backend>::new()
        .metadata(PlayerPatch::<Backend>::new().score(2.5))
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        as_value(fine[0].body()),
        json!({"public_metadata": {"score": 2.5}})
    );
}

// 3. Nested objects: a field marked `nested` takes a patch of its own keys; any other
//    object is written whole, and a browser must send all of it.

#[test]
fn a_nested_patch_changes_one_key_and_sends_no_other() {
    let patch =
        AppUserPatch::<Frontend>::new().merge_notifications(NotificationsPatch::new().push(true));
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"unsafe_metadata": {"notifications": {"push": true}}})
    );
    let from_browser: AppUserPatch<Frontend> =
        browser(json!({"notifications": {"push": true}})).unwrap();
    assert_eq!(from_browser, patch);
    // Merges add up; a whole value set later replaces them.
    let both = patch
        .clone()
        .merge_notifications(NotificationsPatch::new().remove_email());
    assert_eq!(
        serde_json::to_value(&both).unwrap(),
        json!({"unsafe_metadata": {"notifications": {"push": true, "email": null}}})
    );
    let whole = both.notifications(Notifications {
        email: true,
        push: false,
        unknown: Default::default(),
    });
    assert_eq!(
        serde_json::to_value(&whole).unwrap(),
        json!({"unsafe_metadata": {"notifications": {"email": true, "push": false}}})
    );
    // An empty nested patch sends nothing.
    let empty = AppUserPatch::<Frontend>::new().merge_notifications(NotificationsPatch::new());
    assert!(empty.is_empty());
}

#[test]
fn a_nested_patch_from_the_browser_is_checked_like_the_top() {
    let error = browser::<AppUserPatch<Frontend>>(
        json!({"notifications": {"push": true, "is_admin": true}}),
    )
    .unwrap_err();
    assert!(
        error.starts_with("unknown field `notifications.is_admin`: it is not a metadata field"),
        "{error}"
    );
    let error =
        browser::<AppUserPatch<Frontend>>(json!({"notifications": {"push": "yes"}})).unwrap_err();
    assert!(
        error.starts_with("field `notifications.push`: invalid type"),
        "{error}"
    );
    let error = browser::<AppUserPatch<Frontend>>(json!({"notifications": 5})).unwrap_err();
    assert!(
        error.starts_with("field `notifications` takes an object of the nested fields to change"),
        "{error}"
    );
    let error = serde_json::from_str::<AppUserPatch<Frontend>>(
        r#"{"notifications": {"push": true, "push": false}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("duplicate field `notifications.push`"),
        "{error}"
    );
    let nested: NotificationsPatch = browser(json!({"email": false})).unwrap();
    assert_eq!(
        serde_json::to_value(&nested).unwrap(),
        json!({"email": false})
    );
    assert!(browser::<NotificationsPatch>(json!({"sms": true})).is_err());
}

#[test]
fn an_object_written_whole_must_come_whole_from_the_browser() {
    let error = browser::<PlayerPatch<Frontend>>(json!({"digest": {"hour": 7}})).unwrap_err();
    assert!(
        error.starts_with(
            "field `digest` would also write `digest.frequency`, which the request did not send"
        ),
        "{error}"
    );
    let error = browser::<PlayerPatch<Frontend>>(
        json!({"digest": {"hour": 7, "frequency": "daily", "admin": 1}}),
    )
    .unwrap_err();
    assert!(
        error.starts_with("field `digest`: the request sent `digest.admin`"),
        "{error}"
    );
    let whole: PlayerPatch<Frontend> =
        browser(json!({"digest": {"hour": 7, "frequency": "daily"}})).unwrap();
    assert_eq!(
        serde_json::to_value(&whole).unwrap(),
        json!({"unsafe_metadata": {"digest": {"frequency": "daily", "hour": 7}}})
    );
}

// 4. Writes that would leave metadata the schema cannot read: a typed removal of a
//    required field does not compile (`remove-required-field`); from the browser, it
//    is refused by name.

#[test]
fn a_browser_null_for_a_required_field_is_refused() {
    let error = browser::<PlayerPatch<Frontend>>(json!({"lang": null})).unwrap_err();
    assert!(
        error.starts_with(
            "field `lang` is required by the schema: `null` would delete it, and the stored metadata could no longer be read"
        ),
        "{error}"
    );
    let removed: PlayerPatch<Frontend> = browser(json!({"colour": null})).unwrap();
    assert_eq!(
        serde_json::to_value(&removed).unwrap(),
        json!({"unsafe_metadata": {"colour": null, "color": null}})
    );
    let asked = PlayerPatch::<Frontend>::new().remove_required_lang();
    assert_eq!(
        serde_json::to_value(&asked).unwrap(),
        json!({"unsafe_metadata": {"lang": null}})
    );
}

// 5. `None` in a replace is left out, as `JSON.stringify` leaves out `undefined`.

#[test]
fn a_replace_leaves_out_none() {
    let requests = UserUpdate::<Backend>::new()
        .replace_private(PlayerPrivate {
            ratings: Default::default(),
            hubspot_id: None,
        })
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(
        as_value(requests[0].body()),
        json!({"private_metadata": {"ratings": {}}})
    );
    // A patch still removes with `null`: that is what `None` means in a merge.
    let patch = PlayerPatch::<Backend>::new().hubspot_id(None);
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"private_metadata": {"hubspotId": null}})
    );
}

// 6. Two patches in one update are merged, the later field winning.

#[test]
fn patches_in_one_update_are_merged() {
    let requests = UserUpdate::<Backend>::new()
        .metadata(
            AppUserPatch::<Backend>::new()
                .role(Role::Admin)
                .theme(Theme::Dark),
        )
        .metadata(AppUserPatch::<Frontend>::new().theme(Theme::Light))
        .metadata(AppUserPatch::<Backend>::new().risk_score(3))
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        as_value(requests[0].body()),
        json!({
            "public_metadata": {"role": "admin"},
            "private_metadata": {"riskScore": 3},
            "unsafe_metadata": {"theme": "light"}
        })
    );
    let frontend = UserUpdate::<Frontend>::new()
        .metadata(AppUserPatch::<Frontend>::new().theme(Theme::Dark))
        .metadata(
            AppUserPatch::<Frontend>::new()
                .merge_notifications(NotificationsPatch::new().push(true)),
        )
        .build(ApiVersion::LATEST)
        .unwrap();
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(frontend[0].body()).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&form[0].1).unwrap(),
        json!({"notifications": {"push": true}, "theme": "dark"})
    );
}

// 7. A lenient read keeps a drifted tier's JSON exactly, whatever it holds.

#[test]
fn a_drifted_tier_is_kept_byte_for_byte() {
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for odd in [r#""\ud800""#, "1e400", deep.as_str()] {
        let public = format!(r#"{{"role": 7, "odd": {odd}}}"#);
        let json = format!(
            r#"{{"id": "user_1", "has_image": false, "banned": false, "locked": false,
                "created_at": 1, "updated_at": 2, "public_metadata": {public}}}"#
        );
        let user = User::<AppUser>::from_json_lenient(json.as_bytes()).unwrap();
        let TierRead::Drifted(drift) = &user.public_metadata else {
            panic!("{odd}: public should have drifted")
        };
        assert_eq!(drift.raw().get(), public, "{odd}");
        assert_eq!(drift.problem().path(), "public_metadata.role");
    }
}

// 8. Invalid UTF-8 in an untyped field fails the read; it never empties the rest.

#[test]
fn invalid_utf8_in_an_untyped_field_fails_the_read() {
    let mut json = fixture("user.json");
    let at = json.windows(7).position(|w| w == b"\"user\",").unwrap() + 1;
    json[at] = 0xff;
    let error = User::<AppUser>::from_json(&json).unwrap_err();
    assert_eq!(error.path(), "object", "{error}");
    assert!(User::<AppUser>::from_json_lenient(&json).is_err());
    assert!(FrontendUser::<AppUser>::from_json(&json).is_err());
    assert!(serde_json::from_slice::<User<AppUser>>(&json).is_err());
}

// 10. Frontend `validate` and `build` agree, in every version.

#[test]
fn frontend_validate_and_build_agree() {
    let tier: AppUserUnsafe = serde_json::from_str(r#"{"theme":"light"}"#).unwrap();
    let update = UserUpdate::<Frontend>::new().replace_unsafe(tier);
    for version in ApiVersion::ALL {
        let rules = Default::default();
        assert_eq!(
            update.validate(version, &rules).is_ok(),
            update.build_with(version, &rules).is_ok(),
            "{version}"
        );
    }
    assert!(
        update
            .validate(ApiVersion::V2026_05_12, &Default::default())
            .is_err()
    );
}

// 11. Nothing of a private value or key reaches a message, whichever way the user is read.

#[test]
fn private_values_and_keys_never_reach_a_message() {
    let mut user = as_value(&fixture("user.json"));
    user["private_metadata"]["riskScore"] = json!("sk_live_1, expected u32, and more");
    let bytes = serde_json::to_vec(&user).unwrap();
    let strict = User::<AppUser>::from_json(&bytes).unwrap_err().to_string();
    let serde = serde_json::from_slice::<User<AppUser>>(&bytes)
        .err()
        .unwrap()
        .to_string();
    let lenient = User::<AppUser>::from_json_lenient(&bytes).unwrap();
    let lenient = lenient.problems()[0].to_string();
    for message in [&strict, &serde, &lenient] {
        assert!(!message.contains("sk_live"), "{message}");
        assert!(
            message.starts_with(
                "private_metadata.riskScore: the stored value does not fit the schema type `u32`"
            ),
            "{message}"
        );
    }

    #[derive(UserMetadata)]
    struct Tokens {
        #[metadata(private)]
        tokens: std::collections::BTreeMap<String, u32>,
    }
    let json = br#"{"id": "user_1", "has_image": false, "banned": false, "locked": false,
        "created_at": 1, "updated_at": 2, "public_metadata": {},
        "private_metadata": {"tokens": {"sk_live_key": "sk_live_value"}}}"#;
    for message in [
        User::<Tokens>::from_json(json).unwrap_err().to_string(),
        serde_json::from_slice::<User<Tokens>>(json)
            .err()
            .unwrap()
            .to_string(),
    ] {
        assert!(!message.contains("sk_live"), "{message}");
        assert!(
            message.starts_with("private_metadata.tokens.…: the stored value does not fit"),
            "{message}"
        );
    }
}

// 12. Attacker text in messages is escaped and cut.

#[test]
fn attacker_text_is_escaped_and_cut() {
    let hostile = format!(
        "dark\r\nFAKE LOG LINE\u{1b}[31m\u{202e}\u{200b}{}",
        "x".repeat(100_000)
    );
    let error = browser::<AppUserPatch<Frontend>>(json!({ "theme": hostile })).unwrap_err();
    let error_key = browser::<AppUserPatch<Frontend>>(json!({ hostile.as_str(): 1 })).unwrap_err();
    let mut stored = as_value(&fixture("user.json"));
    stored["unsafe_metadata"]["theme"] = json!(hostile);
    let drifted = User::<AppUser>::from_json(&serde_json::to_vec(&stored).unwrap()).unwrap();
    let drift = drifted
        .unsafe_metadata
        .drift()
        .unwrap()
        .problem()
        .to_string();
    let clerk = ApiError::from_response(
        422,
        json!({"errors": [{"code": "form_param_format_invalid", "message": hostile, "long_message": "x",
            "meta": {"param_name": hostile}}], "clerk_trace_id": hostile})
        .to_string()
        .as_bytes(),
    )
    .to_string();
    for message in [error, error_key, drift, clerk] {
        assert!(message.len() < 1200, "{} bytes", message.len());
        for hidden in ['\r', '\n', '\u{1b}', '\u{202e}', '\u{200b}'] {
            assert!(!message.contains(hidden), "{hidden:?} in {message}");
        }
        assert!(message.contains(r"\u{202e}"), "{message}");
    }
}

// 13. The documented way to answer a browser never includes private metadata.

#[test]
fn the_browser_view_has_no_private_metadata_anywhere() {
    let mut json = as_value(&fixture("user.json"));
    json["organization_memberships"] = json!([{"object": "organization_membership", "id": "orgmem_1",
        "role": "org:admin", "public_metadata": {}, "private_metadata": {"org_secret": "sk_live_org"}}]);
    json["scim"] = json!({"external_id": "sk_live_scim"});
    let user = User::<AppUser>::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let browser_view = FrontendUser::from(user);
    let shown = serde_json::to_string(&browser_view).unwrap();
    for secret in ["private_metadata", "cus_", "crm_sync", "sk_live", "scim"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let shown = as_value(shown.as_bytes());
    assert_eq!(shown["public_metadata"]["role"], "member");
    assert_eq!(shown["unsafe_metadata"]["theme"], "dark");
    assert_eq!(shown["first_name"], "John");
    assert_eq!(shown["organization_memberships"][0]["role"], "org:admin");
    assert!(shown.get("email_addresses").is_some());
    // Read back as the Frontend API's own shape.
    let again = FrontendUser::<AppUser>::from_json(shown.to_string().as_bytes()).unwrap();
    assert_eq!(again.public_metadata.role, Role::Member);
}

// 15. A user's own junk in unsafe metadata does not break a strict read.

#[test]
fn drifted_unsafe_metadata_is_reported_beside_the_user() {
    let mut json = as_value(&fixture("user.json"));
    json["unsafe_metadata"] = json!({"theme": {"evil": true}, "onboarding_step": 3});
    let bytes = serde_json::to_vec(&json).unwrap();
    for user in [
        User::<AppUser>::from_json(&bytes).unwrap(),
        serde_json::from_slice::<User<AppUser>>(&bytes).unwrap(),
    ] {
        assert_eq!(user.public_metadata.role, Role::Member);
        let drift = user
            .unsafe_metadata
            .drift()
            .expect("unsafe metadata drifted");
        assert_eq!(drift.problem().path(), "unsafe_metadata.theme");
        assert_eq!(
            as_value(drift.raw().get().as_bytes()),
            json!({"theme": {"evil": true}, "onboarding_step": 3})
        );
        assert_eq!(
            as_value(&serde_json::to_vec(&user.with_private_metadata()).unwrap())["unsafe_metadata"],
            json["unsafe_metadata"],
            "written back as stored"
        );
    }
    // Public metadata, which only the backend writes, still fails the read.
    json["public_metadata"]["role"] = json!("superadmin");
    assert!(User::<AppUser>::from_json(&serde_json::to_vec(&json).unwrap()).is_err());
}

// 16. Drift errors name the path through plain serde too.

#[test]
fn plain_serde_names_the_path() {
    let error = serde_json::from_slice::<User<AppUser>>(&fixture("user_drifted.json"))
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("public_metadata.role: unknown variant `superadmin`"),
        "{error}"
    );
}

// Also: tier structs and users are `Clone` and `Debug` without asking, private values
// redacted.

#[test]
fn tiers_and_users_are_clone_and_debug_without_attributes() {
    let (public, private, unsafe_) = Player {
        score: 1.0,
        ratings: Default::default(),
        hubspot_id: Some("hs_secret".to_owned()),
        lang: "en".to_owned(),
        colour: String::new(),
        digest: Digest::default(),
    }
    .into_tiers();
    assert_eq!(
        format!("{:?}", public.clone()),
        "PlayerPublic { score: 1.0 }"
    );
    let shown = format!("{:?}", private.clone());
    assert!(
        !shown.contains("hs_secret") && shown.contains("<redacted>"),
        "{shown}"
    );
    assert!(format!("{:?}", unsafe_.clone()).contains("lang: \"en\""));
    let user = User::<AppUser>::from_json(&fixture("user.json")).unwrap();
    let shown = format!("{:?}", user.clone());
    assert!(!shown.contains("cus_"), "{shown}");
    let patch = PlayerPatch::<Backend>::new().hubspot_id(Some("hs_secret".to_owned()));
    let shown = format!("{patch:?}");
    assert!(
        shown.contains("hubspot_id: Set(<redacted>)") && !shown.contains("hs_secret"),
        "{shown}"
    );
}

#[test]
fn a_nested_object_names_its_patch() {
    fn patch_of<T: MetadataObject>() -> T::Patch {
        T::Patch::default()
    }
    let patch: NotificationsPatch = patch_of::<Notifications>();
    assert!(patch.is_empty());
}

mod validate_and_build_agree {
    use super::*;
    use clerk_metadata::{PasswordHasher, Rules};
    use proptest::prelude::*;

    type B = UserUpdate<Backend>;
    type F = UserUpdate<Frontend>;

    fn frontend_step() -> impl Strategy<Value = fn(F) -> F> {
        prop::sample::select(vec![
            (|u| u.username("jwick")) as fn(F) -> F,
            |u| u.username("j.w"),
            |u| u.first_name("x".repeat(300)),
            |u| u.clear_last_name(),
            |u| u.primary_email_address_id("idn_1"),
            |u| u.primary_email_address_id("idn/../1"),
            |u| u.metadata(AppUserPatch::<Frontend>::new().theme(Theme::Dark)),
            |u| u.metadata(PlayerPatch::<Frontend>::new().colour("red".to_owned())),
            |u| {
                u.replace_unsafe(AppUserUnsafe {
                    theme: Theme::Light,
                    notifications: Notifications::default(),
                })
            },
            |u| {
                u.metadata(
                    AppUserPatch::<Frontend>::new().merge_notifications(NotificationsPatch::new()),
                )
            },
        ])
    }

    fn backend_step() -> impl Strategy<Value = fn(B) -> B> {
        prop::sample::select(vec![
            (|u| u.first_name("John")) as fn(B) -> B,
            |u| u.password("short"),
            |u| u.password("correct horse battery staple"),
            |u| u.password_digest("$2a$10$abc"),
            |u| u.password_hasher(PasswordHasher::Bcrypt),
            |u| u.skip_password_checks(true),
            |u| u.locale("english"),
            |u| u.metadata(PlayerPatch::<Backend>::new().score(f64::NAN)),
            |u| u.metadata(PlayerPatch::<Backend>::new().score(1.0)),
            |u| u.metadata(AppUserPatch::<Backend>::new().role(Role::Admin)),
            |u| {
                u.replace_public(clerk_metadata_tests::AppUserPublic {
                    role: Role::Member,
                    teams: vec!["t".repeat(9000)],
                })
            },
            |u| {
                u.replace_public(PlayerPublic {
                    score: f64::INFINITY,
                })
            },
        ])
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// `validate` passes exactly when `build` does, with the same errors, in every
        /// version and both contexts.
        #[test]
        fn validate_says_what_build_does(
            frontend in prop::collection::vec(frontend_step(), 0..4),
            backend in prop::collection::vec(backend_step(), 0..4),
        ) {
            let rules = Rules::default();
            let f = frontend.into_iter().fold(F::new(), |u, step| step(u));
            let b = backend.into_iter().fold(B::new(), |u, step| step(u));
            for version in ApiVersion::ALL {
                prop_assert_eq!(f.validate(version, &rules).err(), f.build_with(version, &rules).err());
                prop_assert_eq!(b.validate(version, &rules).err(), b.build_with(&id(), version, &rules).err());
            }
        }
    }
}

// Found by a hostile review; each of these got through before it was closed.

/// Sends its text as raw JSON, as serde_json's `RawValue` does: an app's type could.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawText(pub String);

impl Serialize for RawText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut raw = serializer.serialize_struct("$serde_json::private::RawValue", 1)?;
        raw.serialize_field("$serde_json::private::RawValue", &self.0)?;
        raw.end()
    }
}

#[derive(UserMetadata)]
#[metadata(derive(Clone))]
pub struct Injectable {
    #[metadata(public)]
    pub role: Option<String>,
    #[metadata(unsafe)]
    #[serde(default)]
    pub note: RawText,
    #[metadata(unsafe)]
    #[serde(default)]
    pub prefs: Prefs,
    #[metadata(unsafe)]
    #[serde(default)]
    pub by_name: std::collections::BTreeMap<String, Prefs>,
    #[metadata(unsafe)]
    #[serde(default)]
    pub ratio: f32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Prefs {
    #[serde(default)]
    pub a: bool,
    #[serde(default)]
    pub b: u32,
}

#[test]
fn raw_json_from_a_field_type_cannot_reach_another_tier() {
    let injected = r#"1},"public_metadata":{"role":"admin""#;
    // From the browser, refused at the door.
    let error = browser::<InjectablePatch<Frontend>>(json!({ "note": injected })).unwrap_err();
    assert!(
        error.starts_with("field `note` holds raw JSON text that is not one JSON value"),
        "{error}"
    );
    // Set in code, refused when the update is built, and when serialized by hand.
    let patch = InjectablePatch::<Frontend>::new().note(RawText(injected.to_owned()));
    let errors = UserUpdate::<Backend>::new()
        .metadata(patch.clone())
        .build(&id(), ApiVersion::LATEST)
        .unwrap_err();
    assert!(
        errors.contains("unsafe_metadata.note", codes::METADATA_NOT_SERIALIZABLE),
        "{errors}"
    );
    assert!(serde_json::to_string(&patch).is_err());
    let fine = InjectablePatch::<Frontend>::new().note(RawText(r#"{"a": 1}"#.to_owned()));
    assert_eq!(
        serde_json::to_value(&fine).unwrap(),
        json!({"unsafe_metadata": {"note": {"a": 1}}})
    );
}

#[test]
fn a_body_that_is_not_an_object_is_not_echoed() {
    let huge = format!("\"{}\"", "A".repeat(100_000));
    for error in [
        serde_json::from_str::<AppUserPatch<Frontend>>(&huge).unwrap_err(),
        serde_json::from_str::<NotificationsPatch>(&huge).unwrap_err(),
    ] {
        let error = error.to_string();
        assert!(error.len() < 200 && !error.contains("AAAA"), "{error}");
    }
}

#[test]
fn an_array_does_not_stand_in_for_an_object() {
    for body in [
        json!({"prefs": []}),
        json!({"prefs": [true]}),
        json!({"by_name": {"k": []}}),
    ] {
        let error = browser::<InjectablePatch<Frontend>>(body.clone()).unwrap_err();
        assert!(
            error.contains("would write an object where the request sent none"),
            "{body}: {error}"
        );
    }
    assert!(browser::<InjectablePatch<Frontend>>(json!({"prefs": {"a": true, "b": 1}})).is_ok());
}

#[test]
fn a_key_sent_twice_inside_a_value_is_refused() {
    let error = serde_json::from_str::<InjectablePatch<Frontend>>(
        r#"{"prefs": {"a": true, "b": 1, "a": false}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("field `prefs`: the key `a` is sent twice"),
        "{error}"
    );
}

#[test]
fn keys_echoed_from_a_value_are_cut_short() {
    let key = "K".repeat(300);
    let error =
        browser::<InjectablePatch<Frontend>>(json!({"by_name": {key.as_str(): {"a": true}}}))
            .unwrap_err();
    assert!(!error.contains(&"K".repeat(65)), "{error}");
    assert!(error.contains(&format!("{}…", "K".repeat(64))), "{error}");
}

#[test]
fn a_number_too_large_for_its_type_is_refused_when_read() {
    let error = browser::<InjectablePatch<Frontend>>(json!({"ratio": 1e39})).unwrap_err();
    assert!(
        error.starts_with("field `ratio` is NaN or infinite"),
        "{error}"
    );
}

#[test]
fn private_keys_and_values_stay_out_of_debug_and_direct_reads() {
    let mut json = as_value(&fixture("user.json"));
    json["private_metadata"]["sk_live_key"] = json!({"n": "sk_live_value"});
    let user = User::<AppUser>::from_json(&serde_json::to_vec(&json).unwrap()).unwrap();
    let shown = format!("{:?}", user.private_metadata);
    assert!(!shown.contains("sk_live"), "{shown}");
    let lenient = User::<AppUser>::from_json_lenient(&serde_json::to_vec(&json).unwrap()).unwrap();
    assert!(!format!("{:?}", lenient.private_metadata).contains("sk_live"));

    #[derive(Debug, Clone, Default, Serialize, Deserialize, MetadataObject)]
    #[serde(default)]
    pub struct Bank {
        pub iban: Option<String>,
        #[serde(flatten)]
        pub unknown: clerk_metadata::UnknownKeys,
    }
    #[derive(UserMetadata)]
    pub struct Billing {
        #[metadata(private, nested)]
        pub bank: Option<Bank>,
    }
    let nested = BankPatch::new().iban(Some("sk_live_iban".to_owned()));
    assert_eq!(format!("{nested:?}"), "BankPatch { iban: Set(<redacted>) }");
    let merged = BillingPatch::<Backend>::new().merge_bank(nested);
    let whole = BillingPatch::<Backend>::new().bank(Some(Bank {
        iban: Some("sk_live_iban".to_owned()),
        unknown: Default::default(),
    }));
    let (_, tier, _) = Billing {
        bank: Some(Bank {
            iban: Some("sk_live_iban".to_owned()),
            unknown: Default::default(),
        }),
    }
    .into_tiers();
    for shown in [
        format!("{merged:?}"),
        format!("{whole:?}"),
        format!("{tier:?}"),
    ] {
        assert!(!shown.contains("sk_live"), "{shown}");
    }

    let direct = serde_json::from_str::<clerk_metadata_tests::AppUserPrivate>(
        r#"{"riskScore": "sk_live_v"}"#,
    )
    .unwrap_err()
    .to_string();
    let stored = serde_json::from_str::<Stored<clerk_metadata_tests::AppUserPrivate>>(
        r#"{"riskScore": "sk_live_v", "x": 1}"#,
    )
    .unwrap_err()
    .to_string();
    for message in [direct, stored] {
        assert!(!message.contains("sk_live"), "{message}");
        assert!(
            message.starts_with("private_metadata: the stored object does not fit the schema"),
            "{message}"
        );
    }
}

#[test]
fn an_escaped_private_metadata_key_is_stripped_from_the_browser_view() {
    let text = String::from_utf8(fixture("user.json")).unwrap().replacen(
        r#""object": "user","#,
        r#""object": "user", "organization_memberships": [{"id": "orgmem_1", "priv\u0061te_metadata": {"k": "sk_live_org"}}],"#,
        1,
    );
    let user = User::<AppUser>::from_json(text.as_bytes()).unwrap();
    let shown = serde_json::to_string(&FrontendUser::from(user)).unwrap();
    assert!(
        !shown.contains("sk_live") && !shown.contains("private_metadata"),
        "{shown}"
    );
    assert!(shown.contains("orgmem_1"), "{shown}");
}
