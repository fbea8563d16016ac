//! The axum integration over loopback: extractors, browser bodies, and the crate's
//! errors as answers, against FakeClerk.

use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::routing::{get, post};
use clerk_metadata::axum::{BrowserJson, Session, SignedIn};
use clerk_metadata::client::{Clerk, Error, RetryPolicy};
use clerk_metadata::session::SessionVerifier;
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{Backend, Frontend, FrontendUser, UserId, UserUpdate};
use clerk_metadata_tests::{AppUser, AppUserPatch, fixture};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, FromRef)]
struct App {
    clerk: Clerk,
    sessions: SessionVerifier,
}

#[derive(Debug, Deserialize)]
struct Custom {
    email: String,
}

async fn prefs(
    State(app): State<App>,
    user: SignedIn,
    BrowserJson(patch): BrowserJson<AppUserPatch<Frontend>>,
) -> Result<FrontendUser<AppUser>, Error> {
    let user = app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, UserUpdate::new().metadata(patch))
        .await?;
    Ok(user.into())
}

async fn maybe(user: Option<SignedIn>) -> axum::Json<Value> {
    axum::Json(json!({"user": user.map(|u| u.user_id.to_string())}))
}

async fn claims(Session(session): Session<Custom>) -> axum::Json<Value> {
    axum::Json(json!({"sub": session.sub.to_string(), "email": session.custom.email}))
}

async fn rename(State(app): State<App>, user: SignedIn) -> Result<FrontendUser<AppUser>, Error> {
    let update = UserUpdate::<Backend>::new()
        .first_name("John")
        .last_name("Wick");
    Ok(app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, update)
        .await?
        .into())
}

async fn bad_username(
    State(app): State<App>,
    user: SignedIn,
) -> Result<FrontendUser<AppUser>, Error> {
    let update = UserUpdate::<Backend>::new()
        .username("a b")
        .password("short");
    Ok(app
        .clerk
        .users::<AppUser>()
        .update(&user.user_id, update)
        .await?
        .into())
}

struct Harness {
    fake: FakeClerk,
    base: String,
    user: UserId,
    http: reqwest::Client,
}

impl Harness {
    async fn start(client: impl FnOnce(&FakeClerk) -> Clerk) -> Harness {
        Harness::start_as(client, None).await
    }

    /// The app, its verifier with `party(base URL)` as its authorized party if given.
    async fn start_as(
        client: impl FnOnce(&FakeClerk) -> Clerk,
        party: Option<fn(&str) -> String>,
    ) -> Harness {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeClerk::start().unwrap();
        let user = fake
            .insert_user(serde_json::from_slice(&fixture("user.json")).unwrap())
            .unwrap();
        let clerk = client(&fake);
        let mut sessions = SessionVerifier::with_jwks(clerk.clone());
        if let Some(party) = party {
            fake.set_authorized_party(party(&base));
            sessions = sessions.authorized_parties([party(&base)]);
        }
        let sessions = sessions.build();
        let app = Router::new()
            .route("/prefs", post(prefs))
            .route("/maybe", get(maybe))
            .route("/claims", get(claims))
            .route("/rename", post(rename))
            .route("/bad-username", post(bad_username))
            .with_state(App { clerk, sessions });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let http = clerk_metadata_tests::loopback_http();
        Harness {
            fake,
            base,
            user,
            http,
        }
    }

    fn token(&self) -> String {
        self.fake.session_token(&self.user).unwrap()
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> (u16, reqwest::header::HeaderMap, Value) {
        let mut request = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some((content_type, body)) = body {
            request = request.header("content-type", content_type).body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, headers, json)
    }

    async fn prefs(&self, body: &str) -> (u16, Value) {
        let token = self.token();
        let (status, _, json) = self
            .call(
                "POST",
                "/prefs",
                Some(&token),
                Some(("application/json", body.as_bytes().to_vec())),
            )
            .await;
        (status, json)
    }
}

fn no_retries(fake: &FakeClerk) -> Clerk {
    fake.client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn signed_in_is_401_with_a_reason_and_a_challenge() {
    let h = Harness::start(|f| f.client().unwrap()).await;
    let (status, headers, body) = h.call("POST", "/rename", None, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "token_missing");
    assert_eq!(headers["www-authenticate"], "Bearer");
    let expired = h.fake.expired_session_token(&h.user).unwrap();
    let (status, _, body) = h.call("POST", "/rename", Some(&expired), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("token_expired"))
    );
    assert!(!body.to_string().contains(&expired));
    // With a valid session, the documented route answers with the updated user.
    let (status, _, body) = h.call("POST", "/rename", Some(&h.token()), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["first_name"].as_str(), body["last_name"].as_str()),
        (Some("John"), Some("Wick"))
    );
    assert!(body.get("private_metadata").is_none(), "{body}");
    assert!(!body.to_string().contains("cus_NffrFeUfNV2Hib"));
}

#[tokio::test]
async fn maybe_signed_in_is_none_for_no_or_bad_sessions() {
    let h = Harness::start(|f| f.client().unwrap()).await;
    let (status, _, body) = h.call("GET", "/maybe", None, None).await;
    assert_eq!((status, body), (200, json!({"user": null})));
    let (_, _, body) = h.call("GET", "/maybe", Some("garbage"), None).await;
    assert_eq!(body, json!({"user": null}));
    let (_, _, body) = h.call("GET", "/maybe", Some(&h.token()), None).await;
    assert_eq!(body, json!({"user": h.user.to_string()}));
}

#[tokio::test]
async fn session_gives_typed_custom_claims() {
    let h = Harness::start(|f| f.client().unwrap()).await;
    let token = h
        .fake
        .session_token_with(&h.user, json!({"email": "john@example.com"}))
        .unwrap();
    let (status, _, body) = h.call("GET", "/claims", Some(&token), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"sub": h.user.to_string(), "email": "john@example.com"})
    );
    // Claims that do not fit the app's type: the app's bug, a 500 that says nothing
    // of the claims.
    let (status, _, body) = h.call("GET", "/claims", Some(&h.token()), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (500, Some("token_claims_invalid"))
    );
    assert!(!body.to_string().contains("email"), "{body}");
}

#[tokio::test]
async fn keys_that_cannot_be_fetched_are_503_not_401() {
    let h = Harness::start(no_retries).await;
    let token = h.token();
    h.fake.inject_on("GET", "/v1/jwks", Fault::status(500), 2);
    let (status, _, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (503, Some("keys_unavailable"))
    );
    let (status, _, _) = h.call("GET", "/maybe", Some(&token), None).await;
    assert_eq!(status, 503);
}

#[tokio::test]
async fn browser_bodies_are_refused_with_json_answers() {
    let h = Harness::start(|f| f.client().unwrap()).await;
    let token = h.token();
    // No JSON content type.
    let (status, _, body) = h
        .call(
            "POST",
            "/prefs",
            Some(&token),
            Some(("text/plain", br#"{"theme":"dark"}"#.to_vec())),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    // Past the body limit.
    let huge = format!(r#"{{"theme":"{}"}}"#, "x".repeat(70_000));
    let (status, _, body) = h
        .call(
            "POST",
            "/prefs",
            Some(&token),
            Some(("application/json", huge.into_bytes())),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (413, Some("body_too_large"))
    );
    // Broken JSON, and JSON with more after it.
    for broken in [r#"{"theme": "dark""#, r#"{"theme": "dark"} {}"#] {
        let (status, body) = h.prefs(broken).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("malformed_json")),
            "{broken}"
        );
    }
    // Writes the browser may not make: the field and its tier.
    for (body, field, tier) in [
        (r#"{"role": "admin"}"#, "role", json!("public")),
        // A private field answers as one that does not exist.
        (
            r#"{"theme": "dark", "stripe_customer_id": "cus_x"}"#,
            "stripe_customer_id",
            Value::Null,
        ),
        (r#"{"is_admin": true}"#, "is_admin", Value::Null),
        (
            r#"{"notifications": {"sms": true}}"#,
            "notifications.sms",
            json!("unsafe"),
        ),
        (r#"{"theme": "neon"}"#, "theme", json!("unsafe")),
    ] {
        let (status, answer) = h.prefs(body).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_eq!(answer["error"], "field_refused", "{body}");
        assert_eq!(answer["field"], field, "{body}: {answer}");
        assert_eq!(answer["tier"], tier, "{body}: {answer}");
    }
    // Nothing reached Clerk.
    assert!(h.fake.requests().iter().all(|r| r.method() == "GET"));
    // A good one does.
    let (status, answer) = h.prefs(r#"{"theme": "dark"}"#).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["unsafe_metadata"]["theme"], "dark");
}

#[tokio::test]
async fn clerks_answers_are_mapped_without_internals() {
    let h = Harness::start(|f| {
        f.client_builder()
            .retry(RetryPolicy::none())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap()
    })
    .await;
    let token = h.token();
    // Validation: 422 with every field error.
    let (status, _, body) = h.call("POST", "/bad-username", Some(&token), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (422, Some("invalid_update"))
    );
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.dedup();
    assert_eq!(fields, ["username", "password"]);
    // 404 stays 404: a session for a user the instance does not have.
    let ghost = h
        .fake
        .session_token(&UserId::parse("user_ghost").unwrap())
        .unwrap();
    let (status, _, body) = h.call("POST", "/rename", Some(&ghost), None).await;
    assert_eq!((status, body), (404, json!({"error": "not_found"})));
    // 429 keeps Retry-After.
    h.fake
        .inject_on("PATCH", "", Fault::status(429).retry_after("42"), 1);
    let (status, headers, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (429, Some("rate_limited"))
    );
    assert_eq!(headers["retry-after"], "42");
    // Clerk's refusal: codes and messages, never its trace ID, `meta` or the key.
    let envelope = json!({
        "errors": [{"code": "form_identifier_exists", "message": "taken", "long_message": "That username is taken.",
            "meta": {"param_name": "username", "internal": "db-shard-7"}}],
        "clerk_trace_id": "trace_internal_123",
    });
    h.fake
        .inject_on("PATCH", "", Fault::raw(422, envelope.to_string()), 1);
    let (status, _, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error": "update_refused", "errors": [{"code": "form_identifier_exists", "message": "That username is taken.", "field": "username"}]})
    );
    // Clerk's failure and a proxy's page: 502, the page not passed on.
    h.fake.inject_on(
        "PATCH",
        "",
        Fault::raw(500, "<html>stack trace at db-shard-7</html>"),
        1,
    );
    let (status, _, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!((status, body), (502, json!({"error": "upstream_error"})));
    // A timeout: 504; an unreachable Clerk: 502.
    h.fake
        .inject_on("PATCH", "", Fault::Delay(Duration::from_secs(1)), 1);
    let (status, _, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (504, Some("upstream_timeout"))
    );
    h.fake.inject_on("PATCH", "", Fault::DropConnection, 1);
    let (status, _, body) = h.call("POST", "/rename", Some(&token), None).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (502, Some("upstream_unreachable"))
    );
}

#[tokio::test]
async fn a_partial_update_says_which_step_applied() {
    let h = Harness::start(no_retries).await;
    let token = h.token();
    h.fake
        .inject_on("PATCH", "/metadata", Fault::status(503), 1);
    let app_clerk = no_retries(&h.fake);
    let error = app_clerk
        .users::<AppUser>()
        .update(
            &h.user,
            UserUpdate::<Backend>::new()
                .first_name("Half")
                .metadata(AppUserPatch::<Backend>::new().stripe_customer_id("cus_secret_value")),
        )
        .await
        .unwrap_err();
    let response = axum::response::IntoResponse::into_response(error);
    assert_eq!(response.status(), 502);
    let bytes = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        body,
        json!({"error": "partial_update", "applied": ["update_profile"], "failed": "merge_metadata", "failed_may_have_applied": false})
    );
    assert!(!String::from_utf8_lossy(&bytes).contains("cus_secret_value"));
    let _ = token;
}

/// Sends `POST /rename` with the session in the `__session` cookie and `headers`;
/// answers the status and the body's `error`.
async fn cookie_post(h: &Harness, headers: &[(&str, String)]) -> (u16, Value) {
    let mut request = h
        .http
        .post(format!("{}/rename", h.base))
        .header("cookie", format!("__session={}", h.token()));
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    (status, body["error"].clone())
}

#[tokio::test]
async fn a_cookie_session_from_another_site_is_refused() {
    let h = Harness::start(|f| f.client().unwrap()).await;
    let own = h.base.clone();
    let refused = (401, json!("cross_site_request"));
    // The browser's own page: same origin, as the browser says.
    let same = [
        ("origin", own.clone()),
        ("sec-fetch-site", "same-origin".into()),
    ];
    assert_eq!(cookie_post(&h, &same).await.0, 200);
    // No Origin at all (a server-side caller with the cookie): allowed.
    assert_eq!(cookie_post(&h, &[]).await.0, 200);
    // A form on another site posting with the victim's cookie.
    let evil = [("origin", "https://evil.example".to_owned())];
    assert_eq!(cookie_post(&h, &evil).await, refused);
    // An Origin naming the app's host, without authorized parties and without the
    // browser's word: the scheme it was served over is unknown, so it is refused.
    assert_eq!(cookie_post(&h, &[("origin", own.clone())]).await, refused);
    let https = own.replace("http://", "https://");
    assert_eq!(cookie_post(&h, &[("origin", https)]).await, refused);
}

#[tokio::test]
async fn an_http_origin_is_refused_for_an_https_app() {
    // The app is served over HTTPS (a TLS proxy in front of it on this loopback port),
    // and says so by its authorized party.
    let h = Harness::start_as(
        |f| f.client().unwrap(),
        Some(|base: &str| base.replace("http://", "https://")),
    )
    .await;
    let https = h.base.replace("http://", "https://");
    assert_eq!(cookie_post(&h, &[("origin", https)]).await.0, 200);
    // A page on plain http:// of the same host and port (a network attacker's).
    let http = h.base.clone();
    let forwarded = [
        ("origin", http.clone()),
        ("x-forwarded-proto", "https".to_owned()),
    ];
    for headers in [&[("origin", http.clone())][..], &forwarded[..]] {
        assert_eq!(
            cookie_post(&h, headers).await,
            (401, json!("cross_site_request")),
            "{headers:?}"
        );
    }
}

#[test]
fn only_a_public_key_is_a_jwt_key() {
    let private = "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----";
    assert!(SessionVerifier::with_pem(private).is_err());
    assert!(SessionVerifier::with_pem("not a key").is_err());
}
