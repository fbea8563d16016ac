//! Session verification over loopback with the fake's test keys: every refusal, key
//! rotation, the JWKS cache, token sources, and typed claims.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use clerk_metadata::session::{SessionClaims, SessionError, SessionVerifier, session_token};
use clerk_metadata::testing::{FakeClerk, Fault};
use clerk_metadata::{UserId, UserMetadata};
use clerk_metadata_tests::fixture;
use serde::Deserialize;
use serde_json::{Value, json};

fn user() -> UserId {
    UserId::parse("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb").unwrap()
}

fn jwks_fetches(fake: &FakeClerk) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path() == "/v1/jwks")
        .count()
}

fn verifier(fake: &FakeClerk) -> SessionVerifier {
    fake.session_verifier().unwrap()
}

async fn refusal(verifier: &SessionVerifier, token: &str) -> SessionError {
    verifier.verify::<()>(token).await.unwrap_err()
}

#[tokio::test]
async fn a_valid_token_gives_its_claims_through_jwks_and_pem() {
    let fake = FakeClerk::start().unwrap();
    fake.set_authorized_party("http://127.0.0.1:3000");
    let token = fake.session_token(&user()).unwrap();
    let claims: SessionClaims = verifier(&fake).verify(&token).await.unwrap();
    assert_eq!(claims.sub, user());
    assert_eq!(claims.azp.as_deref(), Some("http://127.0.0.1:3000"));
    assert_eq!(claims.v, Some(2));
    assert_eq!(claims.sts.as_deref(), Some("active"));
    assert!(claims.sid.as_deref().unwrap().starts_with("sess_"));
    assert!(claims.exp > claims.iat);
    // Networkless: the PEM public key, no request to Clerk at all.
    let before = fake.requests().len();
    let pem = fake.jwt_public_key_pem();
    let networkless = SessionVerifier::with_pem(&pem).unwrap().build();
    assert_eq!(networkless.verify::<()>(&token).await.unwrap().sub, user());
    // As an environment variable often holds it: one line with `\n` escapes.
    let one_line = SessionVerifier::with_pem(&pem.replace('\n', "\\n"))
        .unwrap()
        .build();
    assert_eq!(one_line.verify::<()>(&token).await.unwrap().sub, user());
    assert_eq!(fake.requests().len(), before);
    assert!(
        SessionVerifier::with_pem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")
            .is_err()
    );
}

#[tokio::test]
async fn expired_and_not_yet_valid_tokens_are_refused_beyond_the_skew() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let with = |extra| fake.session_token_with(&user(), extra).unwrap();
    assert!(matches!(
        refusal(&verifier, &with(json!({"exp": now - 30}))).await,
        SessionError::Expired
    ));
    assert!(matches!(
        refusal(&verifier, &with(json!({"nbf": now + 60}))).await,
        SessionError::NotYetValid
    ));
    assert!(matches!(
        refusal(&verifier, &with(json!({"iat": now + 60}))).await,
        SessionError::NotYetValid
    ));
    // Within the 5 s skew: accepted.
    assert!(
        verifier
            .verify::<()>(&with(json!({"iat": now - 60, "exp": now - 2})))
            .await
            .is_ok()
    );
    assert!(
        verifier
            .verify::<()>(&with(json!({"nbf": now + 2, "iat": now + 2})))
            .await
            .is_ok()
    );
    let strict = SessionVerifier::with_jwks(fake.client().unwrap())
        .clock_skew(Duration::ZERO)
        .build();
    assert!(matches!(
        refusal(&strict, &with(json!({"iat": now - 60, "exp": now - 2}))).await,
        SessionError::Expired
    ));
}

#[tokio::test]
async fn a_token_of_another_instance_is_refused() {
    let fake = FakeClerk::start().unwrap();
    // The same `kid` as the fake's own key, another key: through the JWKS and the PEM.
    let forged = fake.foreign_session_token(&user()).unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(&forged).unwrap().kid.as_deref(),
        Some("ins_fake_1")
    );
    assert!(matches!(
        refusal(&verifier(&fake), &forged).await,
        SessionError::BadSignature
    ));
    let pem = SessionVerifier::with_pem(&fake.jwt_public_key_pem())
        .unwrap()
        .build();
    assert!(matches!(
        refusal(&pem, &forged).await,
        SessionError::BadSignature
    ));
    // After a rotation, the forgery names the new key.
    let kid = fake.rotate_keys();
    let forged = fake.foreign_session_token(&user()).unwrap();
    assert_eq!(jsonwebtoken::decode_header(&forged).unwrap().kid, Some(kid));
    assert!(matches!(
        refusal(&verifier(&fake), &forged).await,
        SessionError::BadSignature
    ));
}

/// A token with `header` and `claims` as given, and `signature` (base64url) after them.
fn raw_token(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[tokio::test]
async fn only_rs256_is_accepted() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let valid = fake.session_token(&user()).unwrap();
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(valid.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    // `alg: none`, with or without a signature.
    for signature in ["", "AAAA"] {
        let none = raw_token(&json!({"alg": "none", "typ": "JWT"}), &claims, signature);
        assert!(
            matches!(refusal(&verifier, &none).await, SessionError::Algorithm),
            "{signature}"
        );
    }
    // HS256 with the public key as the shared secret: the classic key confusion.
    let pem = fake.jwt_public_key_pem();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("ins_fake_1".to_owned());
    let confused = jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(pem.as_bytes()),
    )
    .unwrap();
    assert!(matches!(
        refusal(&verifier, &confused).await,
        SessionError::Algorithm
    ));
    let pem_verifier = SessionVerifier::with_pem(&pem).unwrap().build();
    assert!(matches!(
        refusal(&pem_verifier, &confused).await,
        SessionError::Algorithm
    ));
    // RS512 and ES256 headers are refused before any key is touched.
    for alg in ["RS512", "ES256", "PS256"] {
        let token = raw_token(&json!({"alg": alg, "kid": "ins_fake_1"}), &claims, "AAAA");
        assert!(
            matches!(refusal(&verifier, &token).await, SessionError::Algorithm),
            "{alg}"
        );
    }
}

#[tokio::test]
async fn an_unknown_kid_refetches_once_then_is_refused() {
    let fake = FakeClerk::start().unwrap();
    let other = FakeClerk::start().unwrap();
    other.rotate_keys(); // `ins_fake_2`, which `fake` does not have
    let verifier = SessionVerifier::with_jwks(fake.client().unwrap())
        .jwks_cache(Duration::from_secs(300), Duration::ZERO)
        .build();
    verifier
        .verify::<()>(&fake.session_token(&user()).unwrap())
        .await
        .unwrap();
    assert_eq!(jwks_fetches(&fake), 1);
    let unknown = other.session_token(&user()).unwrap();
    assert!(matches!(
        refusal(&verifier, &unknown).await,
        SessionError::UnknownKey
    ));
    assert_eq!(jwks_fetches(&fake), 2, "one refetch for the unknown kid");
    // Made-up `kid`s cannot drive requests to Clerk: within the refetch interval,
    // no fetch at all.
    let guarded = SessionVerifier::with_jwks(fake.client().unwrap()).build();
    guarded
        .verify::<()>(&fake.session_token(&user()).unwrap())
        .await
        .unwrap();
    for _ in 0..20 {
        assert!(matches!(
            refusal(&guarded, &unknown).await,
            SessionError::UnknownKey
        ));
    }
    assert_eq!(jwks_fetches(&fake), 3);
}

#[tokio::test]
async fn rotated_keys_are_accepted_after_a_refetch() {
    let fake = FakeClerk::start().unwrap();
    let verifier = SessionVerifier::with_jwks(fake.client().unwrap())
        .jwks_cache(Duration::from_secs(300), Duration::ZERO)
        .build();
    let old = fake.session_token(&user()).unwrap();
    verifier.verify::<()>(&old).await.unwrap();
    let kid = fake.rotate_keys();
    let new = fake.session_token(&user()).unwrap();
    let header = jsonwebtoken::decode_header(&new).unwrap();
    assert_eq!(header.kid.as_deref(), Some(kid.as_str()));
    assert_eq!(verifier.verify::<()>(&new).await.unwrap().sub, user());
    assert_eq!(jwks_fetches(&fake), 2);
    // The old key is still published, so sessions signed before the rotation live on.
    assert!(verifier.verify::<()>(&old).await.is_ok());
}

#[tokio::test]
async fn azp_must_be_an_authorized_party_when_any_are_set() {
    let fake = FakeClerk::start().unwrap();
    let verifier = SessionVerifier::with_jwks(fake.client().unwrap())
        .authorized_parties(["https://app.example.com"])
        .build();
    let missing = fake.session_token(&user()).unwrap();
    assert!(matches!(
        refusal(&verifier, &missing).await,
        SessionError::UnauthorizedParty
    ));
    fake.set_authorized_party("https://evil.example.com");
    let wrong = fake.session_token(&user()).unwrap();
    assert!(matches!(
        refusal(&verifier, &wrong).await,
        SessionError::UnauthorizedParty
    ));
    fake.set_authorized_party("https://app.example.com");
    let right = fake.session_token(&user()).unwrap();
    assert!(verifier.verify::<()>(&right).await.is_ok());
    // Without parties configured, `azp` is not checked (as Clerk's SDKs do).
    let open = SessionVerifier::with_jwks(fake.client().unwrap()).build();
    assert!(open.verify::<()>(&wrong).await.is_ok());
}

#[tokio::test]
async fn sub_must_be_a_user_id() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let missing = fake.sign(&json!({"iat": now, "exp": now + 60})).unwrap();
    assert!(matches!(
        refusal(&verifier, &missing).await,
        SessionError::MissingClaim("sub")
    ));
    let no_iat = fake
        .sign(&json!({"sub": user().as_str(), "exp": now + 60}))
        .unwrap();
    assert!(matches!(
        refusal(&verifier, &no_iat).await,
        SessionError::MissingClaim("iat")
    ));
    let no_exp = fake
        .sign(&json!({"sub": user().as_str(), "iat": now}))
        .unwrap();
    assert!(matches!(
        refusal(&verifier, &no_exp).await,
        SessionError::MissingClaim("exp")
    ));
    for sub in ["org_123", "user_../../admin", ""] {
        let token = fake
            .sign(&json!({"sub": sub, "sid": "sess_1", "iat": now, "exp": now + 60}))
            .unwrap();
        assert!(
            matches!(
                refusal(&verifier, &token).await,
                SessionError::InvalidSubject
            ),
            "{sub}"
        );
    }
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let fake = FakeClerk::start().unwrap();
    let token = fake.session_token(&user()).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["sub"] = json!("user_someoneelse");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert!(matches!(
        refusal(&verifier(&fake), &tampered).await,
        SessionError::BadSignature
    ));
}

#[tokio::test]
async fn the_header_wins_over_the_cookie() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let alice = UserId::parse("user_alice").unwrap();
    let bob = UserId::parse("user_bob").unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "cookie",
        format!(
            "__client_uat=1; __session={}; theme=dark",
            fake.session_token(&bob).unwrap()
        )
        .parse()
        .unwrap(),
    );
    assert_eq!(
        verifier.verify_request::<()>(&headers).await.unwrap().sub,
        bob
    );
    headers.insert(
        "authorization",
        format!("Bearer {}", fake.session_token(&alice).unwrap())
            .parse()
            .unwrap(),
    );
    assert_eq!(
        verifier.verify_request::<()>(&headers).await.unwrap().sub,
        alice
    );
    assert!(matches!(
        verifier
            .verify_request::<()>(&http::HeaderMap::new())
            .await
            .unwrap_err(),
        SessionError::Missing
    ));
    let mut basic = http::HeaderMap::new();
    basic.insert("authorization", "Basic dXNlcjpwYXNz".parse().unwrap());
    assert!(session_token(&basic).is_none());
}

#[tokio::test]
async fn oversized_garbage_and_machine_tokens_are_refused() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let huge = "a".repeat(20_000);
    assert!(matches!(
        refusal(&verifier, &huge).await,
        SessionError::TooLarge
    ));
    for garbage in [
        "",
        "abc",
        "a.b.c",
        "....",
        "eyJhbGciOiJSUzI1NiJ9.e30",
        "\u{0}\u{1}",
    ] {
        assert!(
            matches!(refusal(&verifier, garbage).await, SessionError::Malformed),
            "{garbage:?}"
        );
    }
    for machine in ["mt_2x9s8d7f6g", "oat_abc123", "ak_live_abc"] {
        assert!(
            matches!(
                refusal(&verifier, machine).await,
                SessionError::MachineToken
            ),
            "{machine}"
        );
    }
    // A JWT whose header says it is an OAuth access token (`typ: at+jwt`): refused
    // for what it says it is, before its signature is looked at.
    let valid = fake.session_token(&user()).unwrap();
    assert!(verifier.verify::<()>(&valid).await.is_ok());
    let parts: Vec<&str> = valid.split('.').collect();
    let header = json!({"alg": "RS256", "typ": "at+jwt", "kid": "ins_fake_1"});
    let machine = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        parts[1],
        parts[2]
    );
    assert!(matches!(
        refusal(&verifier, &machine).await,
        SessionError::MachineToken
    ));
}

#[test]
fn refusals_never_show_the_token() {
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyXzEifQ.c2VjcmV0LXNpZ25hdHVyZQ";
    let errors = [
        SessionError::Missing,
        SessionError::Conflicting,
        SessionError::TooLarge,
        SessionError::Malformed,
        SessionError::Algorithm,
        SessionError::MachineToken,
        SessionError::UnknownKey,
        SessionError::BadSignature,
        SessionError::Expired,
        SessionError::NotYetValid,
        SessionError::MissingClaim("sub"),
        SessionError::InvalidSubject,
        SessionError::UnauthorizedParty,
        SessionError::Pending,
        SessionError::TooLongLived,
        SessionError::CrossSite,
    ];
    let mut reasons = std::collections::BTreeSet::new();
    for error in &errors {
        let shown = format!("{error} {error:?}");
        assert!(
            !shown.contains(token) && !shown.contains("c2VjcmV0"),
            "{shown}"
        );
        assert!(error.is_unauthenticated());
        reasons.insert(error.reason());
    }
    assert_eq!(reasons.len(), errors.len(), "one reason each");
}

#[tokio::test(start_paused = true)]
async fn a_thousand_requests_after_expiry_fetch_the_keys_once() {
    let fake = FakeClerk::start().unwrap();
    // No client timeout: with tokio's clock paused, a pending timer would be jumped to
    // while the fake (on its own thread) answers.
    let clerk = fake.client_builder().timeout(None).build().unwrap();
    let verifier = SessionVerifier::with_jwks(clerk).build();
    let token = fake.session_token(&user()).unwrap();
    verifier.verify::<()>(&token).await.unwrap();
    assert_eq!(jwks_fetches(&fake), 1);
    // Past the 5-minute cache, on tokio's clock.
    tokio::time::advance(Duration::from_secs(301)).await;
    // The refetch is slow, so every request arrives while it is in flight.
    fake.inject_on(
        "GET",
        "/v1/jwks",
        Fault::Delay(Duration::from_millis(200)),
        1,
    );
    let tasks: Vec<_> = (0..1_000)
        .map(|_| {
            let verifier = verifier.clone();
            let token = token.clone();
            tokio::spawn(async move { verifier.verify::<()>(&token).await.map(|c| c.sub) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap(), user());
    }
    assert_eq!(
        jwks_fetches(&fake),
        2,
        "exactly one fetch for a thousand waiting requests"
    );
}

/// The app's schema, whose claim-marked public fields the app copies into the token.
#[derive(UserMetadata)]
pub struct Member {
    #[metadata(public, claim)]
    pub role: String,
    #[metadata(public, claim = "org_plan")]
    #[serde(default)]
    pub plan: Option<String>,
}

/// The app's own claims, from its session token customization.
#[derive(Debug, Deserialize, PartialEq)]
struct AppClaims {
    email: String,
    #[serde(default)]
    beta: bool,
}

#[tokio::test]
async fn custom_claims_and_public_metadata_are_typed() {
    let fake = FakeClerk::start().unwrap();
    let token = fake
        .session_token_with(
            &user(),
            json!({
                "email": "john@example.com",
                "role": "admin", "org_plan": "pro",
                "o": {"id": "org_1", "rol": "admin", "slg": "high-table"},
                "fva": [3, -1],
            }),
        )
        .unwrap();
    let verifier = verifier(&fake);
    let claims: SessionClaims<AppClaims> = verifier.verify(&token).await.unwrap();
    assert_eq!(
        claims.custom,
        AppClaims {
            email: "john@example.com".to_owned(),
            beta: false
        }
    );
    assert_eq!(
        claims.o.as_ref().unwrap().slg.as_deref(),
        Some("high-table")
    );
    assert_eq!(claims.fva, Some([3, -1]));
    // The schema's claims, in the shape `claims::template` puts them in the token.
    let member: SessionClaims<MemberClaims> = verifier.verify(&token).await.unwrap();
    assert_eq!(member.custom.role.as_deref(), Some("admin"));
    assert_eq!(member.custom.plan.as_deref(), Some("pro"));
    // A claim that does not fit the app's type is refused with its own reason.
    let plain = fake.session_token(&user()).unwrap();
    let error = verifier.verify::<AppClaims>(&plain).await.unwrap_err();
    assert_eq!(error.reason(), "token_claims_invalid");
    assert!(error.to_string().contains("email"), "{error}");
    // Public metadata that does not fit the schema is an error, not a panic.
    let drifted = fake
        .session_token_with(&user(), json!({"role": 7}))
        .unwrap();
    let error = verifier.verify::<MemberClaims>(&drifted).await.unwrap_err();
    assert_eq!(error.reason(), "token_claims_invalid");
    // A token without the claim (a new user's) reads as `None`, for the app to answer.
    let member: SessionClaims<MemberClaims> = verifier.verify(&plain).await.unwrap();
    assert_eq!(member.custom.role, None);
}

/// Seconds since the Unix epoch.
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

#[tokio::test]
async fn only_session_tokens_pass() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let claims = json!({"sub": user().as_str(), "sid": "sess_1", "iat": now(), "exp": now() + 60});
    assert!(
        verifier
            .verify::<()>(&fake.sign(&claims).unwrap())
            .await
            .is_ok()
    );
    // A JWT template token: the same key, another category.
    let template = fake.sign_template(&claims).unwrap();
    assert!(matches!(
        refusal(&verifier, &template).await,
        SessionError::MachineToken
    ));
    // No session: a template token without its category.
    let mut no_sid = claims.clone();
    no_sid.as_object_mut().unwrap().remove("sid");
    let token = fake.sign(&no_sid).unwrap();
    assert!(matches!(
        refusal(&verifier, &token).await,
        SessionError::MissingClaim("sid")
    ));
    // A pending session, unless the app accepts them.
    let pending = fake
        .session_token_with(&user(), json!({"sts": "pending"}))
        .unwrap();
    assert!(matches!(
        refusal(&verifier, &pending).await,
        SessionError::Pending
    ));
    let lenient = SessionVerifier::with_jwks(fake.client().unwrap())
        .accept_pending()
        .build();
    assert!(lenient.verify::<()>(&pending).await.is_ok());
}

#[tokio::test]
async fn times_must_make_sense() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let with = |extra| fake.session_token_with(&user(), extra).unwrap();
    for (extra, expected) in [
        (json!({"iat": -5}), "token_malformed"),
        (
            json!({"iat": now() - 60, "exp": now() - 30}),
            "token_expired",
        ),
        (json!({"iat": now(), "exp": now() - 1}), "token_malformed"),
        (
            json!({"iat": now() - 2, "exp": now() - 3 + 10, "nbf": now() - 2}),
            "ok",
        ),
        (json!({"iat": now() + 1, "exp": now()}), "token_malformed"),
        (json!({"exp": now() + 7200}), "token_too_long_lived"),
        // jsonwebtoken reads an `exp` that is not a number as none.
        (json!({"exp": "tomorrow"}), "token_claim_missing"),
        (json!({"exp": 1.5e12}), "token_malformed"),
        (json!({"iat": "now"}), "token_malformed"),
    ] {
        let got = match verifier.verify::<()>(&with(extra.clone())).await {
            Ok(_) => "ok",
            Err(error) => error.reason(),
        };
        assert_eq!(got, expected, "{extra}");
    }
    let long = SessionVerifier::with_jwks(fake.client().unwrap())
        .max_lifetime(Duration::from_secs(86_400))
        .build();
    assert!(
        long.verify::<()>(&with(json!({"exp": now() + 7200})))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn headers_it_does_not_understand_are_refused() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let valid = fake.session_token(&user()).unwrap();
    let parts: Vec<&str> = valid.split('.').collect();
    let with_header = |header: Value| {
        format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            parts[1],
            parts[2]
        )
    };
    for (header, expected) in [
        (
            json!({"alg": "rs256", "kid": "ins_fake_1"}),
            "token_algorithm_refused",
        ),
        (
            json!({"alg": "RS256", "kid": "ins_fake_1", "crit": ["exp"]}),
            "token_malformed",
        ),
        (json!({"alg": "RS256", "kid": 7}), "token_malformed"),
        (
            json!({"alg": "RS256", "kid": "ins_fake_1", "cat": "cl_B7d4PD333AAA"}),
            "token_not_a_session",
        ),
        (
            json!({"alg": "RS256", "typ": "JWT", "kid": "ins_fake_1", "cat": "cl_B7d4PD111AAA"}),
            "token_bad_signature",
        ),
    ] {
        let refused = refusal(&verifier, &with_header(header.clone())).await;
        assert_eq!(refused.reason(), expected, "{header}");
    }
    // A key embedded in the header is never used: the attacker's own key, with the
    // instance's `kid`, signs nothing that passes.
    let forged = fake.foreign_session_token(&user()).unwrap();
    let jwk = json!({"kty": "RSA", "kid": "ins_fake_1", "n": "AQAB", "e": "AQAB"});
    let forged_parts: Vec<&str> = forged.split('.').collect();
    let header = json!({"alg": "RS256", "kid": "ins_fake_1", "jwk": jwk, "jku": "https://evil.example/jwks"});
    let forged = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        forged_parts[1],
        forged_parts[2]
    );
    assert!(matches!(
        refusal(&verifier, &forged).await,
        SessionError::BadSignature | SessionError::Malformed
    ));
}

#[tokio::test]
async fn conflicting_tokens_in_one_request_are_refused() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let a = fake
        .session_token(&UserId::parse("user_alice").unwrap())
        .unwrap();
    let b = fake
        .session_token(&UserId::parse("user_bob").unwrap())
        .unwrap();
    let mut headers = http::HeaderMap::new();
    headers.append("cookie", format!("__session={a}").parse().unwrap());
    headers.append("cookie", format!("__session={b}").parse().unwrap());
    assert!(matches!(
        verifier.verify_request::<()>(&headers).await.unwrap_err(),
        SessionError::Conflicting
    ));
    // The same token twice is no conflict; a name that only ends in `__session` is not it.
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "cookie",
        format!("x__session=evil; __session={a}; __session={a}")
            .parse()
            .unwrap(),
    );
    assert_eq!(
        verifier
            .verify_request::<()>(&headers)
            .await
            .unwrap()
            .sub
            .as_str(),
        "user_alice"
    );
    let mut headers = http::HeaderMap::new();
    headers.append("authorization", format!("Bearer {a}").parse().unwrap());
    headers.append("authorization", format!("Bearer {b}").parse().unwrap());
    assert!(matches!(
        verifier.verify_request::<()>(&headers).await.unwrap_err(),
        SessionError::Conflicting
    ));
    // A cookie pair that is not text does not hide the others.
    let mut headers = http::HeaderMap::new();
    let mut raw = b"pref=\xff\xfe; __session=".to_vec();
    raw.extend_from_slice(a.as_bytes());
    headers.insert("cookie", http::HeaderValue::from_bytes(&raw).unwrap());
    assert_eq!(
        verifier
            .verify_request::<()>(&headers)
            .await
            .unwrap()
            .sub
            .as_str(),
        "user_alice"
    );
}

/// The headers of a request, from (name, value) pairs.
fn request(pairs: &[(&str, String)]) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    for (name, value) in pairs {
        headers.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    headers
}

/// What `verifier` makes of a request: `ok`, or the refusal's reason.
async fn outcome(verifier: &SessionVerifier, headers: &[(&str, String)]) -> &'static str {
    match verifier.verify_request::<()>(&request(headers)).await {
        Ok(_) => "ok",
        Err(error) => error.reason(),
    }
}

#[tokio::test]
async fn a_cookie_sent_by_another_site_is_refused() {
    let fake = FakeClerk::start().unwrap();
    fake.set_authorized_party("https://app.example.com");
    let verifier = fake.session_verifier().unwrap();
    let token = fake.session_token(&user()).unwrap();
    let cookie = ("cookie", format!("__session={token}"));
    let with = |more: &[(&'static str, &str)]| {
        let mut headers = vec![cookie.clone()];
        headers.extend(more.iter().map(|(n, v)| (*n, (*v).to_owned())));
        headers
    };
    for (headers, expected) in [
        (with(&[]), "ok"),
        (with(&[("origin", "https://app.example.com")]), "ok"),
        // The same origin, written otherwise.
        (with(&[("origin", "https://App.Example.COM:443")]), "ok"),
        // Not the same origin: another scheme, another port, another host.
        (
            with(&[("origin", "http://app.example.com")]),
            "cross_site_request",
        ),
        (
            with(&[("origin", "https://app.example.com:8443")]),
            "cross_site_request",
        ),
        (
            with(&[
                ("origin", "https://evil.example"),
                ("host", "api.example.com"),
            ]),
            "cross_site_request",
        ),
        (with(&[("origin", "null")]), "cross_site_request"),
        // An origin that matches the request's `Host` proves nothing without its
        // scheme; the browser's own verdict does.
        (
            with(&[
                ("origin", "https://api.example.com"),
                ("host", "api.example.com"),
            ]),
            "cross_site_request",
        ),
        (
            with(&[
                ("origin", "https://api.example.com"),
                ("host", "api.example.com"),
                ("sec-fetch-site", "same-origin"),
            ]),
            "ok",
        ),
        (with(&[("sec-fetch-site", "same-origin")]), "ok"),
        (
            with(&[("sec-fetch-site", "cross-site")]),
            "cross_site_request",
        ),
        (
            with(&[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://app.example.com"),
            ]),
            "cross_site_request",
        ),
        // A sibling subdomain.
        (
            with(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://blog.example.com"),
            ]),
            "cross_site_request",
        ),
        // A bearer token is sent on purpose by script: other sites cannot read it.
        (
            vec![
                ("authorization", format!("Bearer {token}")),
                ("origin", "https://evil.example".into()),
            ],
            "ok",
        ),
    ] {
        assert_eq!(outcome(&verifier, &headers).await, expected, "{headers:?}");
    }
}

#[tokio::test]
async fn without_authorized_parties_an_origin_needs_the_browsers_same_origin() {
    let fake = FakeClerk::start().unwrap();
    let verifier = fake.session_verifier().unwrap();
    let token = fake.session_token(&user()).unwrap();
    let cookie = ("cookie", format!("__session={token}"));
    let with = |more: &[(&'static str, &str)]| {
        let mut headers = vec![cookie.clone()];
        headers.extend(more.iter().map(|(n, v)| (*n, (*v).to_owned())));
        headers
    };
    for (headers, expected) in [
        // The issue's case: a page on http:// posting to the https app's host.
        (
            with(&[
                ("origin", "http://app.example.com"),
                ("host", "app.example.com"),
            ]),
            "cross_site_request",
        ),
        // The scheme is not taken from headers a client can send.
        (
            with(&[
                ("origin", "http://app.example.com"),
                ("host", "app.example.com"),
                ("x-forwarded-proto", "http"),
                ("forwarded", "proto=http;host=app.example.com"),
            ]),
            "cross_site_request",
        ),
        (
            with(&[
                ("origin", "https://app.example.com"),
                ("host", "app.example.com"),
            ]),
            "cross_site_request",
        ),
        (
            with(&[
                ("origin", "https://app.example.com"),
                ("sec-fetch-site", "same-origin"),
            ]),
            "ok",
        ),
        (with(&[("sec-fetch-site", "none")]), "ok"),
        (with(&[]), "ok"),
    ] {
        assert_eq!(outcome(&verifier, &headers).await, expected, "{headers:?}");
    }
}

#[tokio::test]
async fn the_apps_suffixed_session_cookie_is_read_as_clerks_sdks_read_it() {
    let fake = FakeClerk::start().unwrap();
    let verifier = fake.session_verifier().unwrap();
    let own = fake.session_cookie_name();
    assert!(own.starts_with("__session_") && own.len() == "__session_".len() + 8);
    let alice = UserId::parse("user_alice").unwrap();
    let a = fake.session_token(&alice).unwrap();
    let b = fake
        .session_token(&UserId::parse("user_bob").unwrap())
        .unwrap();
    // Another app on the same domain (`localhost`): its own instance's token.
    let other_app = fake
        .session_token_with(
            &UserId::parse("user_carol").unwrap(),
            json!({"iss": "https://other-app-12.clerk.accounts.dev"}),
        )
        .unwrap();
    let cookie = |text: String| vec![("cookie", text)];
    for (headers, expected) in [
        (cookie(format!("{own}={a}")), "ok"),
        (cookie(format!("__session={a}; {own}={a}")), "ok"),
        (cookie(format!("__session={other_app}; {own}={a}")), "ok"),
        // A `__session` planted beside the real one (by a sibling subdomain, say) that
        // this instance did not issue does not turn the app's own cookie into a
        // conflict.
        (
            cookie(format!("__session=planted; __session={a}; {own}={a}")),
            "ok",
        ),
        (
            cookie(format!("__session={other_app}; __session={a}; {own}={a}")),
            "ok",
        ),
        (
            cookie(format!("__session_AbCd1234={b}; __session={a}")),
            "ok",
        ),
        // Two tokens of this instance that differ.
        (
            cookie(format!("__session={b}; {own}={a}")),
            "token_conflicting",
        ),
        (cookie(format!("{own}={a}; {own}={b}")), "token_conflicting"),
    ] {
        let got = outcome(&verifier, &headers).await;
        assert_eq!(got, expected, "{headers:?}");
        if got == "ok" {
            let claims = verifier
                .verify_request::<()>(&request(&headers))
                .await
                .unwrap();
            assert_eq!(claims.sub, alice, "{headers:?}");
        }
    }
    // Without the publishable key, only `__session` is read.
    let plain = SessionVerifier::with_jwks(fake.client().unwrap()).build();
    assert_eq!(
        outcome(&plain, &cookie(format!("{own}={a}"))).await,
        "token_missing"
    );
    assert_eq!(session_token(&request(&cookie(format!("{own}={a}")))), None);
    // The suffix is Clerk's, for Clerk's own test keys.
    for (key, suffix) in [
        ("pk_live_Y2xlcmsuY2xlcmsuZGV2JA", "1Z8AzTQD"),
        ("pk_test_Y2xlcmsuY2xlcmsuZGV2JA", "QvfNY2dr"),
        (
            "pk_test_ZW5vdWdoLWFscGFjYS04Mi5jbGVyay5hY2NvdW50cy5sY2xjbGVyay5jb20k",
            "jtYvyt_H",
        ),
        (
            "pk_test_eHh4eHh4LXhhYWFhYS1hYS5jbGVyay5hY2NvdW50cy5sY2xjbGVyay5jb20k",
            "tZJdb-5s",
        ),
    ] {
        let verifier = SessionVerifier::with_jwks(fake.client().unwrap())
            .publishable_key(key)
            .unwrap()
            .build();
        let headers = cookie(format!("__session_{suffix}={a}"));
        assert_eq!(outcome(&verifier, &headers).await, "ok", "{key}");
    }
    for bad in [
        "",
        "sk_test_Y2xlcmsuY2xlcmsuZGV2JA",
        "pk_test_!!!",
        "pk_test_Y2xlcmsuY2xlcmsuZGV2", // no `$`
    ] {
        assert!(
            SessionVerifier::with_jwks(fake.client().unwrap())
                .publishable_key(bad)
                .is_err(),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_failing_jwks_is_fetched_once_and_older_keys_serve() {
    let fake = FakeClerk::start().unwrap();
    let clerk = fake
        .client_builder()
        .retry(clerk_metadata::client::RetryPolicy::none())
        .build()
        .unwrap();
    // Never fetched, and Clerk failing: one fetch for every waiting request.
    let verifier = SessionVerifier::with_jwks(clerk.clone()).build();
    let token = fake.session_token(&user()).unwrap();
    fake.inject_on("GET", "/v1/jwks", Fault::status(500), 1000);
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let (verifier, token) = (verifier.clone(), token.clone());
            tokio::spawn(async move { verifier.verify::<()>(&token).await.map(|c| c.sub) })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        assert_eq!(error.reason(), "keys_unavailable");
        assert!(!error.is_unauthenticated());
    }
    assert_eq!(jwks_fetches(&fake), 1);

    // Keys fetched before serve while a refetch fails.
    let other = FakeClerk::start().unwrap();
    let clerk = other
        .client_builder()
        .retry(clerk_metadata::client::RetryPolicy::none())
        .build()
        .unwrap();
    let verifier = SessionVerifier::with_jwks(clerk)
        .jwks_cache(Duration::from_millis(100), Duration::ZERO)
        .build();
    let token = other.session_token(&user()).unwrap();
    verifier.verify::<()>(&token).await.unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    other.inject_on("GET", "/v1/jwks", Fault::status(503), 5);
    assert_eq!(verifier.verify::<()>(&token).await.unwrap().sub, user());
    assert_eq!(jwks_fetches(&other), 2, "the refetch was tried, and failed");
}

/// Claims of the app's type whose fields take a secret's place.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Flags {
    beta: bool,
    #[serde(default)]
    seats: Vec<u32>,
    #[serde(default)]
    tier: Option<Tier>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Tier {
    Free,
    Pro,
}

#[tokio::test]
async fn a_claims_error_names_the_path_and_the_expected_type_never_the_value() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let secret = "s3cret-value, expected a boolean";
    for (extra, says) in [
        (json!({"beta": secret}), "beta: expected a boolean"),
        (
            json!({"beta": true, "seats": [1, secret]}),
            "seats[1]: expected u32",
        ),
        (
            json!({"beta": true, "tier": secret}),
            "tier: expected `free` or `pro`",
        ),
        (
            json!({"beta": true, "seats": {"s3cret-value": 1}}),
            "seats: expected a sequence",
        ),
        (json!({}), "the claims object: missing field `beta`"),
    ] {
        let token = fake.session_token_with(&user(), extra.clone()).unwrap();
        let error = verifier.verify::<Flags>(&token).await.unwrap_err();
        assert_eq!(error.reason(), "token_claims_invalid");
        let shown = format!("{error} {error:?}");
        assert!(shown.contains(says), "{extra}: {shown}");
        assert!(!shown.contains("s3cret"), "{extra}: {shown}");
    }
    // Public metadata copied into the token, read by the schema's claims: the same.
    let token = fake
        .session_token_with(&user(), json!({"role": secret}))
        .unwrap();
    let error = verifier.verify::<TaggedClaims>(&token).await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("role: expected u8"), "{shown}");
    assert!(!shown.contains("s3cret"), "{shown}");
}

/// A schema whose public `role` is a number.
#[derive(UserMetadata)]
pub struct Tagged {
    #[metadata(public, claim)]
    pub role: u8,
}

/// Collects every tracing event as `LEVEL target fields`.
#[derive(Default, Clone)]
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
        }
        let metadata = event.metadata();
        let mut fields = Fields(format!("{} {} ", metadata.level(), metadata.target()));
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Capture {
    fn warnings(&self) -> Vec<String> {
        let events = self.0.lock().unwrap();
        events
            .iter()
            .filter(|e| e.starts_with("WARN clerk_metadata::session"))
            .cloned()
            .collect()
    }
}

#[test]
fn a_verifier_without_authorized_parties_warns_once_at_build() {
    let fake = FakeClerk::start().unwrap();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let _open = SessionVerifier::with_jwks(fake.client().unwrap()).build();
    let warnings = capture.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains("authorized parties"), "{warnings:#?}");
    // With parties: no warning; through a PEM too.
    let _set = SessionVerifier::with_jwks(fake.client().unwrap())
        .authorized_parties(["https://app.example.com"])
        .build();
    assert_eq!(capture.warnings().len(), 1);
    let pem = fake.jwt_public_key_pem();
    let _pem = SessionVerifier::with_pem(&pem).unwrap().build();
    assert_eq!(capture.warnings().len(), 2);
    // A party that is not an origin can match nothing: each is a warning of its own.
    let _typo = SessionVerifier::with_jwks(fake.client().unwrap())
        .authorized_parties([
            "app.example.com",
            "https://app.example.com/",
            "https://ok.example.com",
        ])
        .build();
    let warnings = capture.warnings();
    assert_eq!(warnings.len(), 4, "{warnings:#?}");
    assert!(
        warnings[2..].iter().all(|w| w.contains("not an origin")),
        "{warnings:#?}"
    );
}

/// `from_env` reads the process environment, so this test runs it in a child process
/// of this test binary with the environment set for the child alone.
#[test]
fn from_env_without_authorized_parties_warns_once_naming_the_variable() {
    const CHILD: &str = "CLERK_METADATA_TEST_FROM_ENV_EXPECTED";
    const NAME: &str = "from_env_without_authorized_parties_warns_once_naming_the_variable";
    let Some(expected) = std::env::var_os(CHILD) else {
        for (parties, expected) in [(None, "1"), (Some("https://app.example.com, "), "0")] {
            let mut child = std::process::Command::new(std::env::current_exe().unwrap());
            child
                .args(["--exact", NAME, "--test-threads=1"])
                .env(CHILD, expected)
                .env_remove("CLERK_JWT_KEY");
            match parties {
                Some(parties) => child.env("CLERK_AUTHORIZED_PARTIES", parties),
                None => child.env_remove("CLERK_AUTHORIZED_PARTIES"),
            };
            let output = child.output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success() && stdout.contains("1 passed"),
                "{parties:?}: {stdout}{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        return;
    };
    let fake = FakeClerk::start().unwrap();
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let verifier = SessionVerifier::from_env(fake.client().unwrap()).unwrap();
    let warnings = capture.warnings();
    if expected == "1" {
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(
            warnings[0].contains("CLERK_AUTHORIZED_PARTIES"),
            "{warnings:#?}"
        );
    } else {
        assert!(warnings.is_empty(), "{warnings:#?}");
        assert!(format!("{verifier:?}").contains("\"https://app.example.com\""));
    }
}

#[tokio::test]
async fn the_fake_gives_its_verifier_and_tokens_without_glue() {
    let fake = FakeClerk::start().unwrap();
    fake.set_authorized_party("http://localhost:3000");
    let sessions = fake.session_verifier().unwrap();
    assert!(format!("{sessions:?}").contains("http://localhost:3000"));
    let alice = fake.create_user();
    let claims = sessions
        .verify::<()>(&fake.session_token(&alice).unwrap())
        .await
        .unwrap();
    assert_eq!(claims.sub, alice);
    assert_eq!(claims.azp.as_deref(), Some("http://localhost:3000"));
    let custom = fake
        .session_token_with(&alice, json!({"email": "alice@example.com"}))
        .unwrap();
    let claims: SessionClaims<Value> = sessions.verify(&custom).await.unwrap();
    assert_eq!(claims.custom["email"], "alice@example.com");
    // The two an app refuses most, through the JWKS and through the PEM.
    let pem = SessionVerifier::with_pem(&fake.jwt_public_key_pem())
        .unwrap()
        .authorized_parties(["http://localhost:3000"])
        .build();
    for verifier in [&sessions, &pem] {
        let expired = fake.expired_session_token(&alice).unwrap();
        assert!(matches!(
            refusal(verifier, &expired).await,
            SessionError::Expired
        ));
        let foreign = fake.foreign_session_token(&alice).unwrap();
        assert!(matches!(
            refusal(verifier, &foreign).await,
            SessionError::BadSignature
        ));
    }
    // Expired beyond the longest clock skew a verifier allows.
    let lenient = fake
        .session_verifier_builder()
        .unwrap()
        .clock_skew(Duration::from_secs(3600))
        .build();
    assert!(matches!(
        refusal(&lenient, &fake.expired_session_token(&alice).unwrap()).await,
        SessionError::Expired
    ));
}

/// The fake's signing key 1 (`ins_fake_1`), private half, for tokens signed by
/// jsonwebtoken: an implementation independent of the crate's.
const KEY_1: &str = include_str!("../../core/src/testing/test_keys/1.key.pem");

/// `header` and `claims` as given (JSON text, exactly), signed RS256 by jsonwebtoken's
/// own RSA with `private_pem`.
fn signed_by_jsonwebtoken(header: &str, claims: &str, private_pem: &str) -> String {
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    with_signature(&signed, private_pem)
}

/// `signed` (the token's first two parts, as given) and its RS256 signature by
/// jsonwebtoken with `private_pem`.
fn with_signature(signed: &str, private_pem: &str) -> String {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_pem.as_bytes()).unwrap();
    let signature =
        jsonwebtoken::crypto::sign(signed.as_bytes(), &key, jsonwebtoken::Algorithm::RS256)
            .unwrap();
    format!("{signed}.{signature}")
}

/// How jsonwebtoken, with the checks the verifier has always made (RS256, `exp` and
/// `sub` required, `exp` and `nbf` with 5 s of leeway, no audience), refuses `token`
/// signed by key 1: the verifier's reason for it, or `None` if jsonwebtoken takes it
/// (the verifier's own checks come after).
fn jsonwebtoken_refusal(token: &str) -> Option<&'static str> {
    use jsonwebtoken::errors::ErrorKind as K;
    let public = include_str!("../../core/src/testing/test_keys/1.pub.pem");
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(public.as_bytes()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.leeway = 5;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "sub"]);
    let error =
        jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, &key, &validation).err()?;
    Some(match error.kind() {
        K::InvalidSignature => "token_bad_signature",
        K::ExpiredSignature => "token_expired",
        K::ImmatureSignature => "token_not_yet_valid",
        K::InvalidAlgorithm | K::InvalidAlgorithmName | K::UnsupportedAlgorithm => {
            "token_algorithm_refused"
        }
        K::MissingRequiredClaim(_) => "token_claim_missing",
        _ => "token_malformed",
    })
}

/// A session token's claims for `user()`, valid for a minute.
fn session_claims() -> Value {
    json!({"sub": user().as_str(), "sid": "sess_1", "iat": now(), "exp": now() + 60, "v": 2})
}

#[tokio::test]
async fn tokens_agree_with_an_independent_jwt_implementation() {
    let fake = FakeClerk::start().unwrap();
    let jwks = verifier(&fake);
    let pem = SessionVerifier::with_pem(&fake.jwt_public_key_pem())
        .unwrap()
        .build();
    // The fake's tokens (signed by *ring*) verify with jsonwebtoken's RSA, by the PEM
    // and by the JWKS entry.
    let token = fake.session_token(&user()).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_aud = false;
    let by_pem =
        jsonwebtoken::DecodingKey::from_rsa_pem(fake.jwt_public_key_pem().as_bytes()).unwrap();
    let claims = jsonwebtoken::decode::<Value>(&token, &by_pem, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["sub"], user().as_str());
    // The JWKS as the fake serves it (its fixed, test-only secret key).
    let served = clerk_metadata_tests::loopback_http()
        .get(format!("{}/v1/jwks", fake.url()))
        .bearer_auth("sk_test_FakeClerkSecretKeyForTestsOnly0000")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_slice(&served).unwrap();
    let by_jwk = jsonwebtoken::DecodingKey::from_jwk(&set.keys[0]).unwrap();
    assert!(jsonwebtoken::decode::<Value>(&token, &by_jwk, &validation).is_ok());
    // A forgery fails there too.
    let forged = fake.foreign_session_token(&user()).unwrap();
    assert_eq!(
        jsonwebtoken::decode::<Value>(&forged, &by_pem, &validation)
            .unwrap_err()
            .kind(),
        &jsonwebtoken::errors::ErrorKind::InvalidSignature
    );
    // Tokens jsonwebtoken signs with the instance's key verify here, by both.
    let header = r#"{"alg":"RS256","typ":"JWT","kid":"ins_fake_1"}"#;
    let token = signed_by_jsonwebtoken(header, &session_claims().to_string(), KEY_1);
    for verifier in [&jwks, &pem] {
        assert_eq!(verifier.verify::<()>(&token).await.unwrap().sub, user());
    }
    // The PKCS#1 form of the public key (`RSA PUBLIC KEY`) is read as well.
    let pkcs1 = String::from_utf8(fixture("keys/1.pkcs1.pub.pem")).unwrap();
    let pkcs1 = SessionVerifier::with_pem(&pkcs1).unwrap().build();
    assert_eq!(pkcs1.verify::<()>(&token).await.unwrap().sub, user());
}

#[tokio::test]
async fn algorithm_confusion_is_refused_before_any_key() {
    let fake = FakeClerk::start().unwrap();
    let jwks = verifier(&fake);
    let pem = SessionVerifier::with_pem(&fake.jwt_public_key_pem())
        .unwrap()
        .build();
    let claims = session_claims().to_string();
    // HS256 keyed with the public key's bytes, in each form an attacker could pick:
    // the PEM text, its DER (SPKI), and the PKCS#1 DER inside it.
    let pem_text = fake.jwt_public_key_pem();
    let body: String = pem_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let spki = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    let pkcs1 = spki[spki.len() - 270..].to_vec();
    for secret in [pem_text.into_bytes(), spki, pkcs1] {
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT","kid":"ins_fake_1"}"#);
        let signed = format!("{header}.{}", URL_SAFE_NO_PAD.encode(&claims));
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret);
        let tag = ring::hmac::sign(&key, signed.as_bytes());
        let token = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()));
        for verifier in [&jwks, &pem] {
            assert!(matches!(
                refusal(verifier, &token).await,
                SessionError::Algorithm
            ));
        }
    }
    // `none`, in any case, with or without a signature; an `alg` that is not text.
    for alg in [
        json!("none"),
        json!("None"),
        json!("NONE"),
        json!(null),
        json!(["RS256"]),
    ] {
        for signature in ["", "AAAA"] {
            let token = raw_token(
                &json!({"alg": alg, "kid": "ins_fake_1"}),
                &session_claims(),
                signature,
            );
            for verifier in [&jwks, &pem] {
                assert!(
                    matches!(refusal(verifier, &token).await, SessionError::Algorithm),
                    "{alg} {signature:?}"
                );
            }
        }
    }
    // No `alg` at all.
    let token = raw_token(&json!({"kid": "ins_fake_1"}), &session_claims(), "AAAA");
    assert!(matches!(
        refusal(&jwks, &token).await,
        SessionError::Algorithm
    ));
}

#[tokio::test]
async fn only_exactly_three_canonical_base64url_parts_are_read() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let valid = fake.session_token(&user()).unwrap();
    assert!(verifier.verify::<()>(&valid).await.is_ok());
    let parts: Vec<&str> = valid.split('.').collect();
    let (header, payload, signature) = (parts[0], parts[1], parts[2]);
    let mut malformed = vec![
        // Too few parts, or too many (a JWE has five).
        format!("{header}.{payload}"),
        format!("{header}.{payload}.{signature}."),
        format!("{header}.{payload}.{signature}.{signature}"),
        format!("{header}.{header}.{payload}.{signature}"),
        format!("{header}.{payload}.{signature}.AAAA.AAAA"),
        format!(".{header}.{payload}.{signature}"),
        // Padding, anywhere (the payload is signed again: the signature covers it).
        format!("{header}=.{payload}.{signature}"),
        with_signature(&format!("{header}.{payload}=="), KEY_1),
        with_signature(&format!("{header}.{payload}="), KEY_1),
        format!("{header}.{payload}.{signature}=="),
        // Whitespace inside.
        format!("{header}.{payload}.{} ", signature),
        format!("{header}.{payload}.{}", signature.replacen('A', "A\n", 1)),
    ];
    // The standard alphabet instead of the URL-safe one.
    let standard = |part: &str| part.replace('-', "+").replace('_', "/");
    for (i, part) in [header, payload, signature].into_iter().enumerate() {
        if part.contains(['-', '_']) {
            let mut changed = [header, payload, signature].map(str::to_owned);
            changed[i] = standard(part);
            if i == 1 {
                malformed.push(with_signature(&changed[..2].join("."), KEY_1));
            } else {
                malformed.push(changed.join("."));
            }
        }
    }
    // The same bytes with stray bits in the last character (non-canonical base64):
    // a 256-byte signature ends in 2 characters carrying 8 bits and 4 spare ones.
    let last = signature.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let index = alphabet.find(last).unwrap();
    assert_eq!(index % 16, 0, "a canonical last character");
    let stray = &alphabet[index + 1..index + 2];
    malformed.push(format!(
        "{header}.{payload}.{}{stray}",
        &signature[..signature.len() - 1]
    ));
    assert!(
        malformed.iter().any(|t| t.contains('+') || t.contains('/')),
        "the standard alphabet is tried"
    );
    for token in &malformed {
        assert!(
            matches!(refusal(&verifier, token).await, SessionError::Malformed),
            "{token}"
        );
        assert_eq!(
            jsonwebtoken_refusal(token),
            Some("token_malformed"),
            "{token}"
        );
    }
}

#[tokio::test]
async fn a_signature_of_the_wrong_length_is_refused() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let valid = fake.session_token(&user()).unwrap();
    let (signed, signature) = valid.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    assert_eq!(signature.len(), 256);
    let mut longer = signature.clone();
    longer.insert(0, 0);
    let mut doubled = signature.clone();
    doubled.extend_from_slice(&signature);
    for wrong in [
        &signature[..255],
        &signature[1..],
        &longer[..],
        &doubled[..],
        &[][..],
        &[0u8; 256][..],
    ] {
        let token = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(wrong));
        assert!(
            matches!(refusal(&verifier, &token).await, SessionError::BadSignature),
            "{} bytes",
            wrong.len()
        );
        assert_eq!(jsonwebtoken_refusal(&token), Some("token_bad_signature"));
    }
}

#[tokio::test]
async fn an_rsa_key_under_2048_bits_verifies_nothing() {
    let fake = FakeClerk::start().unwrap();
    let weak_private = String::from_utf8(fixture("keys/weak1024.key.pem")).unwrap();
    let weak_n = String::from_utf8(fixture("keys/weak1024.n")).unwrap();
    let weak_pem = String::from_utf8(fixture("keys/weak1024.pub.pem")).unwrap();
    // A JWKS whose only key is RSA-1024, and a token that key really signed: the
    // signature is right, the key too weak to trust.
    let jwks = json!({"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "weak", "n": weak_n.trim(), "e": "AQAB"}]});
    fake.inject_on("GET", "/v1/jwks", Fault::raw(200, jwks.to_string()), 100);
    let header = r#"{"alg":"RS256","typ":"JWT","kid":"weak"}"#;
    let token = signed_by_jsonwebtoken(header, &session_claims().to_string(), &weak_private);
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_aud = false;
    let weak_key = jsonwebtoken::DecodingKey::from_rsa_pem(weak_pem.as_bytes()).unwrap();
    assert!(
        jsonwebtoken::decode::<Value>(&token, &weak_key, &validation).is_ok(),
        "jsonwebtoken's RSA takes it"
    );
    let verifier = SessionVerifier::with_jwks(fake.client().unwrap()).build();
    for _ in 0..3 {
        assert!(matches!(
            refusal(&verifier, &token).await,
            SessionError::BadSignature
        ));
    }
    // The key is known, so its tokens do not fetch the keys again.
    assert_eq!(jwks_fetches(&fake), 1);
    // Given up front as a PEM, it is refused at once.
    assert!(SessionVerifier::with_pem(&weak_pem).is_err());
}

#[tokio::test]
async fn a_private_key_or_another_pem_is_not_a_jwt_key() {
    let fake = FakeClerk::start().unwrap();
    let pkcs1_private = KEY_1.to_owned();
    let pkcs8_private = String::from_utf8(fixture("keys/1.pkcs8.key.pem")).unwrap();
    let public = fake.jwt_public_key_pem();
    let body = |pem: &str| -> String {
        pem.lines()
            .filter(|l| !l.starts_with("-----"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let relabelled = |pem: &str, label: &str| {
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            body(pem)
        )
    };
    for pem in [
        pkcs1_private.clone(),
        pkcs8_private.clone(),
        // A private key's contents under a public key's label.
        relabelled(&pkcs8_private, "PUBLIC KEY"),
        relabelled(&pkcs1_private, "PUBLIC KEY"),
        relabelled(&pkcs1_private, "RSA PUBLIC KEY"),
        // A public key under another label, or a certificate.
        relabelled(&public, "CERTIFICATE"),
        relabelled(&public, "RSA PUBLIC KEY"),
        // Text before the key; a key cut short; nothing.
        format!("key:\n{public}"),
        public[..public.len() / 2].to_owned(),
        String::new(),
    ] {
        assert!(
            SessionVerifier::with_pem(&pem).is_err(),
            "{}",
            pem.lines().next().unwrap_or("")
        );
    }
    // An EC public key (P-256, SPKI).
    let ec = String::from_utf8(fixture("keys/ec256.pub.pem")).unwrap();
    assert!(SessionVerifier::with_pem(&ec).is_err());
    // The error names no part of the key.
    let error = SessionVerifier::with_pem(&pkcs8_private).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(&body(&pkcs8_private)[..20]), "{shown}");
}

#[tokio::test]
async fn header_members_of_the_wrong_type_are_malformed() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let claims = session_claims().to_string();
    let sign = |header: &str| signed_by_jsonwebtoken(header, &claims, KEY_1);
    // Signed by the instance's key, but with a header member of the wrong type, a
    // member named twice, or a `jwk` that is not one.
    for header in [
        r#"{"alg":"RS256","kid":"ins_fake_1","cty":5}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","x5c":"abc"}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","x5c":[1]}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","jku":{}}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","jwk":"key"}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","jwk":{"kty":"RSA","kid":7}}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","zip":true}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","kid":"ins_fake_1"}"#,
        r#"{"alg":"HS256","alg":"RS256","kid":"ins_fake_1"}"#,
        r#"{"\u0061lg":"HS256","alg":"RS256","kid":"ins_fake_1"}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","x5c":["a",["b"]]}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","nonce":"a","nonce":"a"}"#,
        // Not JSON text: a lone surrogate, in a member it does not know, or in a name.
        r#"{"alg":"RS256","kid":"ins_fake_1","extra":"\ud800"}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","extra":{"a":["\udc00"]}}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","\ud800":1}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","crit":"\ud800"}"#,
        r#"["RS256"]"#,
    ] {
        let token = sign(header);
        assert!(
            jsonwebtoken::decode_header(&token).is_err(),
            "jsonwebtoken refuses it too: {header}"
        );
        assert_eq!(jsonwebtoken_refusal(&token), Some("token_malformed"));
        let refused = refusal(&verifier, &token).await;
        assert_eq!(refused.reason(), "token_malformed", "{header}");
    }
    // Members it does not know, of any type, and `null` for the ones it does: read.
    for header in [
        r#"{"alg":"RS256","kid":"ins_fake_1","extra":{"a":[1,2]}}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","cty":null,"x5c":null}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","x5c":[],"x5t":"a","cat":"x","cat":"cl_B7d4PD111AAA"}"#,
        r#"{"alg":"RS\u0032\u0035\u0036","kid":"ins_fake\u005f1","typ":"jwt"}"#,
        r#"{"alg":"RS256","kid":"ins_fake_1","jwk":{"kty":"RSA","n":"AQAB","e":"AQAB"}}"#,
    ] {
        let token = sign(header);
        assert!(jsonwebtoken::decode_header(&token).is_ok(), "{header}");
        assert_eq!(
            verifier.verify::<()>(&token).await.unwrap().sub,
            user(),
            "{header}"
        );
    }
}

#[tokio::test]
async fn claims_are_read_as_before() {
    let fake = FakeClerk::start().unwrap();
    let verifier = verifier(&fake);
    let base = session_claims();
    let with = |changes: Value| {
        let mut claims = base.clone();
        for (name, value) in changes.as_object().unwrap() {
            if value == "<absent>" {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims.to_string()
    };
    let now = now();
    for (claims, expected) in [
        (with(json!({})), "ok"),
        // `exp`: a NumericDate, fractions rounded; anything else is as if absent.
        (with(json!({"exp": null})), "token_claim_missing"),
        (with(json!({"exp": -1})), "token_claim_missing"),
        (with(json!({"exp": true})), "token_claim_missing"),
        (with(json!({"exp": "<absent>"})), "token_claim_missing"),
        (
            with(json!({"exp": (now + 60) as f64 + 0.4})),
            "token_malformed",
        ),
        (with(json!({"exp": (now - 60) as f64})), "token_expired"),
        // `nbf`: absent, or a NumericDate not ahead.
        (with(json!({"nbf": null})), "token_malformed"),
        (with(json!({"nbf": "soon"})), "token_malformed"),
        (with(json!({"nbf": -1})), "token_malformed"),
        (with(json!({"nbf": now + 3})), "ok"),
        (with(json!({"nbf": now + 60})), "token_not_yet_valid"),
        (
            with(json!({"nbf": (now + 60) as f64})),
            "token_not_yet_valid",
        ),
        // `sub`: text.
        (with(json!({"sub": null})), "token_claim_missing"),
        (with(json!({"sub": 5})), "token_claim_missing"),
        (with(json!({"sub": "<absent>"})), "token_claim_missing"),
        // An array or an object where `sub` belongs, or a non-empty one where a time
        // does, even with the other registered claims missing: malformed. An empty
        // one where a time belongs is merely not a date.
        (with(json!({"sub": ["user_1"]})), "token_malformed"),
        (with(json!({"sub": []})), "token_malformed"),
        (
            with(json!({"sub": {}, "exp": "<absent>"})),
            "token_malformed",
        ),
        (with(json!({"exp": [now + 60]})), "token_malformed"),
        (with(json!({"exp": {"at": now + 60}})), "token_malformed"),
        (with(json!({"exp": {}})), "token_claim_missing"),
        (with(json!({"exp": []})), "token_claim_missing"),
        (with(json!({"nbf": [now]})), "token_malformed"),
        (with(json!({"nbf": {"at": now}})), "token_malformed"),
        (with(json!({"nbf": []})), "token_malformed"),
        (with(json!({"nbf": {}})), "token_malformed"),
        // `aud`: the app's to check, whatever it holds; `iss` is read as text.
        (with(json!({"aud": {"b": [2]}})), "ok"),
        (with(json!({"iss": ["a", 1]})), "token_malformed"),
        // Not an object.
        ("[1]".to_owned(), "token_malformed"),
        ("\"claims\"".to_owned(), "token_malformed"),
        (format!("{} ", with(json!({}))), "ok"),
        (format!("{} x", with(json!({}))), "token_malformed"),
    ] {
        let token = signed_by_jsonwebtoken(
            r#"{"alg":"RS256","typ":"JWT","kid":"ins_fake_1"}"#,
            &claims,
            KEY_1,
        );
        let got = match verifier.verify::<()>(&token).await {
            Ok(_) => "ok",
            Err(error) => error.reason(),
        };
        assert_eq!(got, expected, "{claims}");
        // Where jsonwebtoken refuses, it is for the same reason.
        if let Some(reason) = jsonwebtoken_refusal(&token) {
            assert_eq!(reason, got, "jsonwebtoken: {claims}");
        }
    }
    // A claim the checks read, named twice: malformed, whichever comes last.
    for claims in [
        format!(
            r#"{{"sub":"{}","sid":"sess_1","iat":{now},"exp":{},"exp":{}}}"#,
            user().as_str(),
            now + 60,
            now + 60
        ),
        format!(
            r#"{{"sub":"{}","sub":"{}","sid":"sess_1","iat":{now},"exp":{}}}"#,
            user().as_str(),
            user().as_str(),
            now + 60
        ),
        format!(
            r#"{{"sub":"{}","sid":"sess_1","iat":{now},"exp":{},"aud":"a","aud":"b"}}"#,
            user().as_str(),
            now + 60
        ),
    ] {
        let token = signed_by_jsonwebtoken(r#"{"alg":"RS256","kid":"ins_fake_1"}"#, &claims, KEY_1);
        assert_eq!(
            refusal(&verifier, &token).await.reason(),
            "token_malformed",
            "{claims}"
        );
        assert_eq!(jsonwebtoken_refusal(&token), Some("token_malformed"));
    }
    // Other claims named twice: the last one counts.
    let claims = format!(
        r#"{{"sub":"{}","sid":"sess_0","sid":"sess_1","iat":{now},"exp":{}}}"#,
        user().as_str(),
        now + 60
    );
    let token = signed_by_jsonwebtoken(r#"{"alg":"RS256","kid":"ins_fake_1"}"#, &claims, KEY_1);
    assert_eq!(
        verifier.verify::<()>(&token).await.unwrap().sid.as_deref(),
        Some("sess_1")
    );
}
