//! Where the features meet: nested objects keep what they do not name, and a browser
//! learns nothing of private metadata from any refusal, through the patch's own
//! `Deserialize` (what `axum::Json` calls) or `BrowserJson` over HTTP. Each test failed
//! on the code before it.

use axum::Router;
use axum::routing::post;
use clerk_metadata::axum::BrowserJson;
use clerk_metadata::{
    ApiVersion, Backend, Frontend, FrontendUser, MetadataObject, UnknownKeys, User, UserId,
    UserMetadata, UserUpdate,
};
use clerk_metadata_tests::{AppUser, loopback_http};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn id() -> UserId {
    UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap()
}

fn user_json(public: Value, private: Value, unsafe_: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb", "object": "user", "has_image": false,
        "banned": false, "locked": false, "created_at": 1, "updated_at": 2,
        "public_metadata": public, "private_metadata": private, "unsafe_metadata": unsafe_,
    }))
    .unwrap()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Onboarding {
    pub step: u32,
    pub done: bool,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, MetadataObject)]
#[serde(default)]
pub struct Bank {
    pub iban: Option<String>,
    #[serde(flatten)]
    pub unknown: UnknownKeys,
}

/// Every kind of field a browser might name: public and private ones with old keys,
/// a private nested object, unsafe ones with and without an old key.
#[derive(UserMetadata)]
pub struct Seams {
    #[metadata(public)]
    #[serde(default, alias = "old_role")]
    pub role: Option<String>,
    #[metadata(private)]
    #[serde(default, alias = "stripe_id")]
    pub stripe_customer_id: Option<String>,
    #[metadata(private, nested)]
    #[serde(default)]
    pub bank: Option<Bank>,
    #[metadata(unsafe)]
    #[serde(default, alias = "colour")]
    pub theme: Option<String>,
    #[metadata(unsafe, nested)]
    #[serde(default)]
    pub onboarding: Onboarding,
}

// Issue item 2: unknown keys inside a nested object.

#[test]
fn a_replace_built_from_a_read_keeps_what_another_service_put_inside_a_nested_object() {
    let body = user_json(
        json!({}),
        json!({"bank": {"iban": "DE00", "swift": "kept-private"}}),
        json!({"onboarding": {"step": 2, "vendor_x": {"kept": true}}, "top": 1}),
    );
    let user = User::<Seams>::from_json(&body).unwrap();
    let unsafe_tier = user.unsafe_metadata.into_typed().unwrap();
    assert_eq!(
        unsafe_tier.onboarding.unknown.get("vendor_x"),
        Some(&json!({"kept": true}))
    );
    let requests = UserUpdate::<Backend>::new()
        .replace_unsafe(unsafe_tier)
        .replace_private(user.private_metadata)
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    let sent: Value = serde_json::from_slice(requests[0].body()).unwrap();
    assert_eq!(
        sent["unsafe_metadata"],
        json!({"onboarding": {"step": 2, "done": false, "vendor_x": {"kept": true}}, "top": 1})
    );
    assert_eq!(
        sent["private_metadata"],
        json!({"bank": {"iban": "DE00", "swift": "kept-private"}})
    );
}

#[test]
fn the_browser_view_shows_nested_keys_as_stored_and_debug_shows_no_unknown_names() {
    let body = user_json(
        json!({}),
        json!({"bank": {"iban": "DE00", "secret_key_name": "secret-value"}}),
        json!({"onboarding": {"step": 1, "vendor_x": "kept"}}),
    );
    let user = User::<Seams>::from_json(&body).unwrap();
    let shown = format!("{:?}", user.private_metadata);
    assert!(
        !shown.contains("secret") && !shown.contains("DE00"),
        "{shown}"
    );
    let view = serde_json::to_value(FrontendUser::from(user)).unwrap();
    assert_eq!(view["unsafe_metadata"]["onboarding"]["vendor_x"], "kept");
    assert!(view.get("private_metadata").is_none());
}

#[test]
fn a_nested_patch_writes_only_what_it_sets_and_never_the_unknown_keys_field() {
    let patch = SeamsPatch::<Frontend>::new().merge_onboarding(OnboardingPatch::new().step(3_u32));
    assert_eq!(
        serde_json::to_string(&patch).unwrap(),
        r#"{"unsafe_metadata":{"onboarding":{"step":3}}}"#
    );
    // `unknown` is no field of the nested patch, from code or from a browser.
    let refused =
        serde_json::from_str::<SeamsPatch<Frontend>>(r#"{"onboarding": {"unknown": {"x": 1}}}"#)
            .unwrap_err();
    assert!(
        refused
            .to_string()
            .starts_with("unknown field `onboarding.unknown`"),
        "{refused}"
    );
}

// Issue items 6, 7, 8: name oracles.

/// The message of the patch's own `Deserialize` for a body, without serde's position.
fn gate(body: &str) -> String {
    let error = serde_json::from_str::<SeamsPatch<Frontend>>(body).unwrap_err();
    assert_eq!(
        (error.line(), error.column()),
        (1, body.find(':').unwrap()),
        "the error is raised right after the key, before its value is read: {body}"
    );
    error.to_string()
}

#[test]
fn the_gate_answers_a_private_field_exactly_as_an_unknown_one() {
    // Same length keys: serde_json's position is the same too, so the whole error text
    // must be the same once the key is swapped.
    for (private, unknown) in [
        ("stripe_customer_id", "zzzzzzzzzzzzzzzzzz"),
        ("stripe_id", "zzzzzzzzz"),
        ("bank", "zzzz"),
    ] {
        for value in [r#""cus_x""#, "null", r#"{"iban": "DE00"}"#, "[1]"] {
            let refused = gate(&format!(r#"{{"{private}": {value}}}"#));
            let other = gate(&format!(r#"{{"{unknown}": {value}}}"#));
            assert_eq!(
                refused,
                other.replace(unknown, private),
                "{private} = {value}"
            );
            assert!(
                refused.starts_with(&format!(
                    "unknown field `{private}`: it is not a metadata field"
                )),
                "{refused}"
            );
            assert!(!refused.contains("private"), "{refused}");
        }
    }
}

#[test]
fn refusals_name_only_the_keys_the_request_sent() {
    // A public field sent by its old key: named as sent, never by the canonical key.
    let refused = gate(r#"{"old_role": "admin"}"#);
    assert!(
        refused.starts_with(
            "field `old_role` is public metadata: the frontend may write only unsafe metadata"
        ),
        "{refused}"
    );
    assert!(!refused.contains("`role`"), "{refused}");
    // A private field sent by its old key names neither key.
    let refused = gate(r#"{"stripe_id": "cus_x"}"#);
    assert!(!refused.contains("stripe_customer_id"), "{refused}");
    // An unsafe field sent by its old key, with a value that does not fit.
    let refused = serde_json::from_str::<SeamsPatch<Frontend>>(r#"{"colour": 7}"#)
        .unwrap_err()
        .to_string();
    assert!(refused.starts_with("field `colour`: "), "{refused}");
    assert!(!refused.contains("theme"), "{refused}");
    // Sent twice, once by each key.
    let refused = serde_json::from_str::<SeamsPatch<Frontend>>(r#"{"theme": "a", "colour": "b"}"#)
        .unwrap_err()
        .to_string();
    assert!(refused.starts_with("duplicate field `colour`"), "{refused}");
}

async fn accept(BrowserJson(patch): BrowserJson<SeamsPatch<Frontend>>) -> String {
    serde_json::to_string(&patch).unwrap()
}

/// Serves `BrowserJson` on 127.0.0.1 and returns a function that posts a body and
/// gives back the status, the content type and the answer's bytes.
async fn serve() -> String {
    let app = Router::new().route("/prefs", post(accept));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/prefs", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn post_json(url: &str, body: &str) -> (u16, String, Vec<u8>) {
    let answer = loopback_http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let kind = answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, kind, answer.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn browser_json_answers_a_private_field_byte_for_byte_as_an_unknown_one() {
    let url = serve().await;
    for (private, unknown) in [
        ("stripe_customer_id", "zzzzzzzzzzzzzzzzzz"),
        ("stripe_id", "zzzzzzzzz"),
        ("bank", "zzzz"),
    ] {
        for value in [r#""cus_x""#, r#"{"iban": "DE00"}"#, r#"{"zz": 1}"#] {
            for padding in ["", r#""theme": "dark", "#, "\n\n   "] {
                let (status, kind, refused) =
                    post_json(&url, &format!(r#"{{{padding}"{private}": {value}}}"#)).await;
                let (other_status, other_kind, other) =
                    post_json(&url, &format!(r#"{{{padding}"{unknown}": {value}}}"#)).await;
                let refused = String::from_utf8(refused).unwrap();
                let other = String::from_utf8(other).unwrap();
                assert_eq!((status, &kind), (other_status, &other_kind));
                assert_eq!(status, 422);
                assert_eq!(
                    refused,
                    other.replace(unknown, private),
                    "{private}: {value}"
                );
                assert!(!refused.contains("private"), "{refused}");
            }
        }
    }
}

#[tokio::test]
async fn no_browser_answer_carries_a_parser_position() {
    let url = serve().await;
    for body in [
        r#"{"zzz": 1}"#,
        r#"{"stripe_customer_id": 1}"#,
        r#"{"role": "admin"}"#,
        r#"{"theme": 7}"#,
        r#"{"onboarding": {"sms": true}}"#,
        r#"{"onboarding": {"step": "x"}}"#,
        r#"{"theme": "dark""#,
        r#"{"theme" "dark"}"#,
        r#"[1, 2]"#,
        r#"{"theme": "a", "theme": "b"}"#,
    ] {
        let (status, _, answer) = post_json(&url, body).await;
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert!(matches!(status, 400 | 422), "{body}: {status}");
        let message = answer["message"].as_str().unwrap();
        assert!(
            !message.contains(" at line ") && !message.contains(" column "),
            "{body}: {message}"
        );
    }
    // The public field is still named, with its tier: the browser can read it anyway.
    let (_, _, answer) = post_json(&url, r#"{"old_role": "admin"}"#).await;
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["field"], "old_role");
    assert_eq!(answer["tier"], "public");
}

#[test]
fn the_test_schema_nests_unknown_keys_too() {
    // The shared test schema keeps them as well: `AppUser`'s notifications.
    let body = user_json(
        json!({"role": "member"}),
        json!({}),
        json!({"notifications": {"email": true, "vendor_x": "kept"}}),
    );
    let user = User::<AppUser>::from_json(&body).unwrap();
    let unsafe_tier = user.unsafe_metadata.into_typed().unwrap();
    assert_eq!(
        unsafe_tier.notifications.unknown.get("vendor_x"),
        Some(&json!("kept"))
    );
}

// Issue item 10: one claims shape, end to end.

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
}

#[derive(UserMetadata)]
pub struct Claimed {
    #[metadata(public, claim)]
    pub role: String,
    #[metadata(public, claim = "org_plan")]
    pub plan: Option<Plan>,
    #[metadata(public, claim)]
    #[serde(default, rename = "seatCount")]
    pub seats: u32,
    #[metadata(public)]
    #[serde(default)]
    pub bio: Option<String>,
}

/// Renders a session-token customization as Clerk does: each
/// `{{user.public_metadata.<key>}}` becomes the stored value, or `null`.
pub fn render(template: &Value, public: &Value) -> Value {
    let object = template.as_object().unwrap();
    Value::Object(
        object
            .iter()
            .map(|(claim, shortcode)| {
                let key = shortcode
                    .as_str()
                    .unwrap()
                    .strip_prefix("{{user.public_metadata.")
                    .and_then(|k| k.strip_suffix("}}"))
                    .unwrap();
                (
                    claim.clone(),
                    public.get(key).cloned().unwrap_or(Value::Null),
                )
            })
            .collect(),
    )
}

#[test]
fn the_generated_claims_struct_reads_what_the_template_puts_in_a_token() {
    let template = clerk_metadata::claims::template::<Claimed>();
    assert_eq!(
        template,
        json!({
            "role": "{{user.public_metadata.role}}",
            "org_plan": "{{user.public_metadata.plan}}",
            "seatCount": "{{user.public_metadata.seatCount}}",
        })
    );
    let (public, _, _) = Claimed {
        role: "admin".into(),
        plan: Some(Plan::Pro),
        seats: 5,
        bio: Some("not a claim".into()),
    }
    .into_tiers();
    let rendered = render(&template, &serde_json::to_value(&public).unwrap());
    let claims: ClaimedClaims = serde_json::from_value(rendered.clone()).unwrap();
    assert_eq!(claims.role.as_deref(), Some("admin"));
    assert_eq!(claims.plan, Some(Plan::Pro));
    assert_eq!(claims.seats, Some(5));
    assert_eq!(serde_json::to_value(&claims).unwrap(), rendered);
    // A token made before the field was set carries `null`, or nothing.
    let claims: ClaimedClaims =
        serde_json::from_value(json!({"role": "member", "org_plan": null})).unwrap();
    assert_eq!((claims.plan, claims.seats), (None, None));
    // Even a field the schema requires may be missing from a token (a new user's, or
    // one made before the field was written): it reads as `None`, for the app to
    // answer, never as a refusal of the whole session.
    let claims: ClaimedClaims = serde_json::from_value(json!({"org_plan": "pro"})).unwrap();
    assert_eq!(claims.role, None);
    // A claim of the wrong type is refused, naming the claim.
    let refused = serde_json::from_value::<ClaimedClaims>(json!({"role": 7})).unwrap_err();
    assert!(refused.to_string().contains("invalid type"), "{refused}");
}

// Issue item 17: an empty browser write.

#[tokio::test]
async fn an_empty_browser_write_is_a_no_op_that_answers_the_user() {
    let fake = clerk_metadata::testing::FakeClerk::start().unwrap();
    let user: Value = serde_json::from_slice(&clerk_metadata_tests::fixture("user.json")).unwrap();
    let id = fake.insert_user(user).unwrap();
    let before = fake.user(&id).unwrap();
    let patch: clerk_metadata_tests::AppUserPatch<Frontend> = serde_json::from_str("{}").unwrap();
    assert!(clerk_metadata::MetadataPatch::is_empty(&patch));
    let clerk = fake.client().unwrap();
    let user = clerk
        .users::<AppUser>()
        .update(&id, UserUpdate::new().metadata(patch))
        .await
        .unwrap();
    assert_eq!(user.profile.id, id);
    // One read, no write; nothing stored changed.
    let methods: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.method().to_string())
        .collect();
    assert_eq!(methods, ["GET"]);
    assert_eq!(fake.user(&id).unwrap(), before);
    // Building requests for it is still refused: there is no request to build.
    let built = UserUpdate::<Backend>::new().build(&id, ApiVersion::LATEST);
    assert!(
        built
            .unwrap_err()
            .contains("update", clerk_metadata::codes::EMPTY_UPDATE)
    );
}

// Review findings: a whole value set in a patch, keys that look like the message's own
// words, a token rendered from the Dashboard customization.

#[test]
fn a_whole_nested_value_set_in_a_patch_sends_its_named_fields_only() {
    let body = user_json(
        json!({}),
        json!({}),
        json!({"onboarding": {"step": 2, "vendor_opt_out": null, "vendor": {"seen": null, "n": 1}}}),
    );
    let user = User::<Seams>::from_json(&body).unwrap();
    let unsafe_tier = user.unsafe_metadata.into_typed().unwrap();
    assert_eq!(unsafe_tier.onboarding.unknown.len(), 2);
    // The field set whole, and the tier set field by field: a merge patch, which must
    // not send the keys another service stored (their `null`s would delete them).
    let one = SeamsPatch::<Backend>::new().onboarding(unsafe_tier.onboarding.clone());
    let all = SeamsPatch::<Backend>::new().set_unsafe(unsafe_tier.value().clone());
    for patch in [one, all] {
        let requests = UserUpdate::<Backend>::new()
            .metadata(patch)
            .build(&id(), ApiVersion::LATEST)
            .unwrap();
        let sent: Value = serde_json::from_slice(requests[0].body()).unwrap();
        assert_eq!(
            sent["unsafe_metadata"]["onboarding"],
            json!({"step": 2, "done": false})
        );
    }
    // A replace writes them back, as stored.
    let requests = UserUpdate::<Backend>::new()
        .replace_unsafe(unsafe_tier)
        .build(&id(), ApiVersion::LATEST)
        .unwrap();
    let sent: Value = serde_json::from_slice(requests[0].body()).unwrap();
    assert_eq!(
        sent["unsafe_metadata"]["onboarding"]["vendor"],
        json!({"seen": null, "n": 1})
    );
}

/// A schema with a nested object written whole (no `nested`).
#[derive(UserMetadata)]
pub struct Whole {
    #[metadata(unsafe)]
    #[serde(default)]
    pub onboarding: Option<Onboarding>,
}

#[test]
fn a_browser_cannot_stuff_keys_into_a_whole_object_through_its_unknown_keys() {
    let refused = serde_json::from_str::<WholePatch<Frontend>>(
        r#"{"onboarding": {"step": 1, "done": true, "is_admin": true}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.starts_with(
            "field `onboarding`: the request sent `onboarding.is_admin`, which the typed value would not write"
        ),
        "{refused}"
    );
    let fine: WholePatch<Frontend> =
        serde_json::from_str(r#"{"onboarding": {"step": 1, "done": true}}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&fine).unwrap(),
        r#"{"unsafe_metadata":{"onboarding":{"step":1,"done":true}}}"#
    );
}

#[tokio::test]
async fn a_refused_key_cannot_pass_for_another_field_or_tier() {
    let url = serve().await;
    for (body, field) in [
        (r#"{"theme`x": 1}"#, "theme\\u{60}x"),
        (r#"{"role.x": 1}"#, "role.x"),
        (r#"{"role[0]": 1}"#, "role[0]"),
        (r#"{"stripe_customer_id`": 1}"#, "stripe_customer_id\\u{60}"),
    ] {
        let (status, _, answer) = post_json(&url, body).await;
        let answer: Value = serde_json::from_slice(&answer).unwrap();
        assert_eq!(status, 422, "{body}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
        assert_eq!(answer["tier"], Value::Null, "{body}: {answer}");
    }
    // Under a field the request did send, the tier is that field's.
    let (_, _, answer) = post_json(&url, r#"{"onboarding": {"sms`": true}}"#).await;
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert_eq!(answer["tier"], "unsafe", "{answer}");
}

#[tokio::test]
async fn a_token_made_with_the_template_reads_back_as_the_schemas_claims() {
    let fake = clerk_metadata::testing::FakeClerk::start().unwrap();
    fake.customize_session_token(clerk_metadata::claims::template::<Claimed>());
    let id = fake
        .insert_user(json!({
            "id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
            "public_metadata": {"role": "admin", "plan": "pro", "seatCount": 3, "bio": "x"},
        }))
        .unwrap();
    let verifier = fake.session_verifier().unwrap();
    let token = fake.session_token(&id).unwrap();
    let session: clerk_metadata::session::SessionClaims<ClaimedClaims> =
        verifier.verify(&token).await.unwrap();
    assert_eq!(session.custom.role.as_deref(), Some("admin"));
    assert_eq!(session.custom.plan, Some(Plan::Pro));
    assert_eq!(session.custom.seats, Some(3));
    // Only the claim-marked fields are in the token.
    assert_eq!(session.claim("bio"), None);
    // A user whose metadata lacks them: the claims are `null`, and read as `None`.
    let newcomer = fake
        .insert_user(json!({"id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Nw"}))
        .unwrap();
    let token = fake.session_token(&newcomer).unwrap();
    let session: clerk_metadata::session::SessionClaims<ClaimedClaims> =
        verifier.verify(&token).await.unwrap();
    assert_eq!(
        (
            session.custom.role,
            session.custom.plan,
            session.custom.seats
        ),
        (None, None, None)
    );
    // Shortcodes the fake does not know are copied as they are.
    fake.customize_session_token(json!({"x": "{{user.public_metadataX.role}}"}));
    let token = fake.session_token(&id).unwrap();
    let session: clerk_metadata::session::SessionClaims = verifier.verify(&token).await.unwrap();
    assert_eq!(
        session.claim("x"),
        Some(&json!("{{user.public_metadataX.role}}"))
    );
}
