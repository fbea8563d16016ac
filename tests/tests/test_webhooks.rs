//! Clerk's webhooks: verification as Standard Webhooks specifies it (its published
//! vector, an independent implementation), every refusal, typed events, what `Debug`
//! and errors show, and the axum extractor over loopback.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::FromRef;
use axum::routing::post;
use clerk_metadata::axum::{ClerkWebhook, WebhookRejection};
use clerk_metadata::webhooks::{
    InvalidWebhookSecret, WebhookError, WebhookEvent, WebhookHeader, WebhookSecret, Webhooks,
};
use clerk_metadata::{TierRead, User};
use clerk_metadata_tests::{AppUser, Role, Theme, fixture};
use http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::{Value, json};

/// Standard Webhooks' published example ("sign function works" in its libraries'
/// tests): this secret, ID, timestamp and payload sign to `VECTOR_SIGNATURE`.
const VECTOR_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const VECTOR_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const VECTOR_TIMESTAMP: u64 = 1614265330;
const VECTOR_PAYLOAD: &[u8] = br#"{"test": 2432232314}"#;
const VECTOR_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// The secret of the `standardwebhooks` crate's own tests: the second secret of a
/// rotation here.
const OTHER_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";

/// A delivery ID as Svix makes them.
const ID: &str = "msg_2Lh9KRb6pzB5ucYd3TRHvtaL6J2";
/// When the test deliveries are signed and verified.
const T: u64 = 1_700_000_000;

/// What the fixture user holds in private metadata: never shown by `Debug` or errors.
const PRIVATE_VALUES: [&str; 2] = ["cus_NffrFeUfNV2Hib", "crm_sync"];

fn secret(text: &str) -> WebhookSecret {
    WebhookSecret::new(text).unwrap()
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// The three headers, with `prefix` `svix` or `webhook`.
fn headers(prefix: &str, id: &str, timestamp: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("id", id),
        ("timestamp", timestamp),
        ("signature", signature),
    ] {
        headers.insert(
            HeaderName::try_from(format!("{prefix}-{name}")).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    headers
}

/// Svix's headers of `body` signed at `timestamp` with `secret`.
fn signed(secret_text: &str, timestamp: u64, body: &[u8]) -> HeaderMap {
    let signature = secret(secret_text).sign(ID, timestamp, body);
    headers("svix", ID, &timestamp.to_string(), &signature)
}

/// Clerk's event envelope around `data`, as Clerk sends it (keys sorted).
fn envelope(event_type: &str, data: &str) -> Vec<u8> {
    format!(
        r#"{{"data":{data},"event_attributes":{{"http_request":{{"client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (Macintosh)"}}}},"instance_id":"ins_2OEpKhcCN1Lat9NQ0G6puh7q5Rb","object":"event","timestamp":1654012591835,"type":"{event_type}"}}"#
    )
    .into_bytes()
}

fn user_json() -> String {
    String::from_utf8(fixture("user.json")).unwrap()
}

fn webhooks() -> Webhooks {
    Webhooks::new(secret(VECTOR_SECRET))
}

fn refusal(result: Result<impl std::fmt::Debug, WebhookError>) -> WebhookError {
    result.expect_err("the delivery must be refused")
}

#[test]
fn standard_webhooks_published_vector_signs_and_verifies() {
    let key = secret(VECTOR_SECRET);
    assert_eq!(
        key.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD),
        VECTOR_SIGNATURE
    );
    let webhooks = Webhooks::new(key);
    let timestamp = VECTOR_TIMESTAMP.to_string();
    for prefix in ["webhook", "svix"] {
        let headers = headers(prefix, VECTOR_ID, &timestamp, VECTOR_SIGNATURE);
        let verified = webhooks
            .verify_at(&headers, VECTOR_PAYLOAD, at(VECTOR_TIMESTAMP))
            .unwrap();
        assert_eq!(verified.delivery_id(), VECTOR_ID);
        assert_eq!(verified.attempted_at(), VECTOR_TIMESTAMP);
        assert_eq!(verified.body(), VECTOR_PAYLOAD);
        // The signature matches; the payload is JSON but no Clerk event.
        assert_eq!(
            verified.event::<AppUser>().unwrap_err(),
            WebhookError::NotAnEvent
        );
    }
}

#[test]
fn the_tolerance_is_five_minutes_either_way_and_configurable() {
    let webhooks = webhooks();
    let headers = headers(
        "webhook",
        VECTOR_ID,
        &VECTOR_TIMESTAMP.to_string(),
        VECTOR_SIGNATURE,
    );
    let verify = |w: &Webhooks, now: u64| w.verify_at(&headers, VECTOR_PAYLOAD, at(now));
    assert!(verify(&webhooks, VECTOR_TIMESTAMP + 300).is_ok());
    assert!(verify(&webhooks, VECTOR_TIMESTAMP - 300).is_ok());
    assert_eq!(
        refusal(verify(&webhooks, VECTOR_TIMESTAMP + 301)),
        WebhookError::TooOld
    );
    assert_eq!(
        refusal(verify(&webhooks, VECTOR_TIMESTAMP - 301)),
        WebhookError::TooNew
    );
    let strict = webhooks.clone().with_tolerance(Duration::from_secs(10));
    assert_eq!(
        refusal(verify(&strict, VECTOR_TIMESTAMP + 11)),
        WebhookError::TooOld
    );
    assert!(verify(&strict, VECTOR_TIMESTAMP + 10).is_ok());
    // The original is unchanged, and a tolerance past an hour is cut to an hour.
    assert_eq!(webhooks.tolerance(), Webhooks::DEFAULT_TOLERANCE);
    let lax = webhooks.with_tolerance(Duration::from_secs(86_400));
    assert_eq!(lax.tolerance(), Duration::from_secs(3600));
    assert!(verify(&lax, VECTOR_TIMESTAMP + 3600).is_ok());
    assert_eq!(
        refusal(verify(&lax, VECTOR_TIMESTAMP + 3601)),
        WebhookError::TooOld
    );
}

#[test]
fn a_bare_base64_secret_is_the_same_secret() {
    let bare = secret(VECTOR_SECRET.strip_prefix("whsec_").unwrap());
    assert_eq!(
        bare.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD),
        VECTOR_SIGNATURE
    );
}

#[test]
fn malformed_secrets_are_refused_with_their_reason_and_never_quoted() {
    let long = format!("whsec_{}", "QUFB".repeat(26));
    let cases = [
        ("", InvalidWebhookSecret::Missing, "secret_missing"),
        ("whsec_", InvalidWebhookSecret::Missing, "secret_missing"),
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8I!PZIo2LaLaSw",
            InvalidWebhookSecret::Base64,
            "secret_not_base64",
        ),
        (
            " whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            InvalidWebhookSecret::Base64,
            "secret_not_base64",
        ),
        (
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            InvalidWebhookSecret::Base64,
            "secret_not_base64",
        ),
        (
            "whsec_c2hvcnQ=",
            InvalidWebhookSecret::Length,
            "secret_length",
        ),
        (&long, InvalidWebhookSecret::Length, "secret_length"),
    ];
    for (text, expected, reason) in cases {
        let error = WebhookSecret::new(text).unwrap_err();
        assert_eq!(error, expected, "{text}");
        assert_eq!(error.reason(), reason);
        let shown = format!("{error} {error:?}");
        for part in ["MfKQ9r8", "4eC39Hq", "c2hvcnQ", "QUFBQUFB"] {
            assert!(!shown.contains(part), "{shown}");
        }
    }
    // 24 bytes is the least, 75 the most.
    assert!(WebhookSecret::new(format!("whsec_{}", "QUFB".repeat(8))).is_ok());
    assert!(WebhookSecret::new(format!("whsec_{}", "QUFB".repeat(25))).is_ok());
    assert_eq!(
        WebhookSecret::new(format!("whsec_{}", "QUFB".repeat(7))).unwrap_err(),
        InvalidWebhookSecret::Length
    );
}

#[test]
fn several_secrets_are_separated_by_whitespace_or_commas() {
    for text in [
        format!("{VECTOR_SECRET} {OTHER_SECRET}"),
        format!("{VECTOR_SECRET},{OTHER_SECRET}"),
        format!("  {VECTOR_SECRET} ,\n{OTHER_SECRET}\n"),
    ] {
        let webhooks = Webhooks::from_secrets(&text).unwrap();
        assert_eq!(webhooks.secrets(), 2);
        for key in [VECTOR_SECRET, OTHER_SECRET] {
            let body = envelope("session.created", "{}");
            assert!(
                webhooks
                    .verify_at(&signed(key, T, &body), &body, at(T))
                    .is_ok()
            );
        }
    }
    assert_eq!(
        Webhooks::from_secrets(" , ").unwrap_err(),
        InvalidWebhookSecret::Missing
    );
    assert_eq!(
        Webhooks::from_secrets(&format!("{VECTOR_SECRET} whsec_c2hvcnQ=")).unwrap_err(),
        InvalidWebhookSecret::Length
    );
}

/// `from_env` reads `CLERK_WEBHOOK_SIGNING_SECRET`: this test runs itself again in a
/// child process with the variable set, where the branch below checks it.
#[test]
fn from_env_reads_clerk_webhook_signing_secret() {
    const CHILD: &str = "CLERK_METADATA_WEBHOOKS_ENV_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let webhooks = Webhooks::from_env().unwrap();
        assert_eq!(webhooks.secrets(), 2);
        let body = envelope("session.created", "{}");
        assert!(
            webhooks
                .verify_at(&signed(OTHER_SECRET, T, &body), &body, at(T))
                .is_ok()
        );
        return;
    }
    let run = |value: Option<&str>| {
        let mut command = std::process::Command::new(std::env::current_exe().unwrap());
        command
            .args([
                "--exact",
                "from_env_reads_clerk_webhook_signing_secret",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env_remove("CLERK_WEBHOOK_SIGNING_SECRET");
        if let Some(value) = value {
            command.env("CLERK_WEBHOOK_SIGNING_SECRET", value);
        }
        command.output().unwrap()
    };
    let output = run(Some(&format!("{VECTOR_SECRET}, {OTHER_SECRET}")));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("1 passed"), "{stdout}");
    // Unset, the child fails with `secret_missing`.
    let output = run(None);
    assert!(!output.status.success());
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(text.contains("Missing"), "{text}");
}

#[test]
fn during_a_rotation_any_secret_and_any_v1_entry_may_match() {
    let body = envelope(
        "user.deleted",
        r#"{"deleted":true,"id":"user_1","object":"user"}"#,
    );
    let old = secret(VECTOR_SECRET).sign(ID, T, &body);
    let new = secret(OTHER_SECRET).sign(ID, T, &body);

    // The app has only the old secret; Svix signs with both.
    let only_old = webhooks();
    let both = format!("{new} {old}");
    assert!(
        only_old
            .verify_at(&headers("svix", ID, &T.to_string(), &both), &body, at(T))
            .is_ok()
    );
    assert_eq!(
        refusal(only_old.verify_at(&headers("svix", ID, &T.to_string(), &new), &body, at(T))),
        WebhookError::NoMatchingSignature
    );
    // The app has both secrets; Svix signs with either.
    let rotating = webhooks().with_secret(secret(OTHER_SECRET));
    for signature in [&old, &new] {
        assert!(
            rotating
                .verify_at(
                    &headers("svix", ID, &T.to_string(), signature),
                    &body,
                    at(T)
                )
                .is_ok()
        );
    }
    // Other versions and malformed entries are skipped, as Standard Webhooks' own
    // "multi sig payload" test has them.
    let tag = old.strip_prefix("v1,").unwrap();
    let noisy = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,{tag} v1a,{tag} garbage v1, {old} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    );
    assert!(
        only_old
            .verify_at(&headers("svix", ID, &T.to_string(), &noisy), &body, at(T))
            .is_ok()
    );
    // The right tag under another version does not count.
    assert_eq!(
        refusal(only_old.verify_at(
            &headers("svix", ID, &T.to_string(), &format!("v2,{tag} v1a,{tag}")),
            &body,
            at(T)
        )),
        WebhookError::NoSignature
    );
}

#[test]
fn every_refusal_has_its_own_error_and_reason() {
    let webhooks = webhooks();
    let body = envelope("session.created", r#"{"id":"sess_1"}"#);
    let good = secret(VECTOR_SECRET).sign(ID, T, &body);
    let ts = T.to_string();
    let without = |name: &str| {
        let mut h = headers("svix", ID, &ts, &good);
        h.remove(name);
        h
    };
    let tag = good.strip_prefix("v1,").unwrap();
    let cases: Vec<(HeaderMap, &[u8], WebhookError, &str)> = vec![
        (
            without("svix-id"),
            &body,
            WebhookError::MissingHeader(WebhookHeader::Id),
            "header_missing",
        ),
        (
            without("svix-timestamp"),
            &body,
            WebhookError::MissingHeader(WebhookHeader::Timestamp),
            "header_missing",
        ),
        (
            without("svix-signature"),
            &body,
            WebhookError::MissingHeader(WebhookHeader::Signature),
            "header_missing",
        ),
        (
            headers("svix", "msg_1.1700000000", &ts, &good),
            &body,
            WebhookError::InvalidHeader(WebhookHeader::Id),
            "header_invalid",
        ),
        (
            headers("svix", &"m".repeat(257), &ts, &good),
            &body,
            WebhookError::InvalidHeader(WebhookHeader::Id),
            "header_invalid",
        ),
        (
            headers("svix", ID, "soon", &good),
            &body,
            WebhookError::InvalidTimestamp,
            "timestamp_invalid",
        ),
        (
            headers("svix", ID, "-1700000000", &good),
            &body,
            WebhookError::InvalidTimestamp,
            "timestamp_invalid",
        ),
        (
            headers("svix", ID, "01700000000", &good),
            &body,
            WebhookError::InvalidTimestamp,
            "timestamp_invalid",
        ),
        (
            headers("svix", ID, "1700000000.5", &good),
            &body,
            WebhookError::InvalidTimestamp,
            "timestamp_invalid",
        ),
        (
            headers("svix", ID, &(T - 301).to_string(), &good),
            &body,
            WebhookError::TooOld,
            "timestamp_too_old",
        ),
        (
            headers("svix", ID, &(T + 301).to_string(), &good),
            &body,
            WebhookError::TooNew,
            "timestamp_too_new",
        ),
        (
            headers(
                "svix",
                ID,
                &ts,
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
            &body,
            WebhookError::NoMatchingSignature,
            "signature_mismatch",
        ),
        (
            headers("svix", ID, &ts, &good[..8]),
            &body,
            WebhookError::NoSignature,
            "signature_missing",
        ),
        (
            headers("svix", ID, &ts, "v1,"),
            &body,
            WebhookError::NoSignature,
            "signature_missing",
        ),
        (
            headers(
                "svix",
                ID,
                &ts,
                &format!("v1,{}", tag.trim_end_matches('=')),
            ),
            &body,
            // No well-formed `v1` entry is left: told apart from a wrong secret.
            WebhookError::NoSignature,
            "signature_missing",
        ),
        (
            // Another delivery's ID: the ID is signed too.
            headers("svix", "msg_other", &ts, &good),
            &body,
            WebhookError::NoMatchingSignature,
            "signature_mismatch",
        ),
        (
            headers("svix", ID, &ts, &good),
            b"{\"data\":{},\"type\":\"session.created\"}",
            WebhookError::NoMatchingSignature,
            "signature_mismatch",
        ),
        (
            headers("svix", ID, &ts, &format!("{good} {}", "v1,x ".repeat(1000))),
            &body,
            WebhookError::InvalidHeader(WebhookHeader::Signature),
            "header_invalid",
        ),
    ];
    for (headers, body, expected, reason) in cases {
        let error = refusal(webhooks.verify_at(&headers, body, at(T)));
        assert_eq!(error, expected);
        assert_eq!(error.reason(), reason);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(tag) && !shown.contains("sess_1"), "{shown}");
    }
    // A header that is not text.
    let mut binary = headers("svix", ID, &ts, &good);
    binary.insert("svix-id", HeaderValue::from_bytes(b"msg_\xff").unwrap());
    assert_eq!(
        refusal(webhooks.verify_at(&binary, &body, at(T))),
        WebhookError::InvalidHeader(WebhookHeader::Id)
    );
}

#[test]
fn the_two_spellings_may_agree_but_never_differ() {
    let webhooks = webhooks();
    let body = envelope("session.created", "{}");
    let good = secret(VECTOR_SECRET).sign(ID, T, &body);
    let ts = T.to_string();
    let mut both = headers("svix", ID, &ts, &good);
    both.extend(headers("webhook", ID, &ts, &good));
    assert!(webhooks.verify_at(&both, &body, at(T)).is_ok());

    for (name, value, which) in [
        ("webhook-id", "msg_other", WebhookHeader::Id),
        ("webhook-timestamp", "1700000001", WebhookHeader::Timestamp),
        ("webhook-signature", "v1,AAAA", WebhookHeader::Signature),
    ] {
        let mut differing = both.clone();
        differing.insert(name, HeaderValue::from_static(value));
        let error = refusal(webhooks.verify_at(&differing, &body, at(T)));
        assert_eq!(error, WebhookError::ConflictingHeaders(which));
        assert_eq!(error.reason(), "header_conflicting");
    }
    // Two values of one header, one of them good, are refused as well.
    let mut twice = headers("svix", ID, &ts, &good);
    twice.append("svix-signature", HeaderValue::from_static("v1,AAAA"));
    assert_eq!(
        refusal(webhooks.verify_at(&twice, &body, at(T))),
        WebhookError::ConflictingHeaders(WebhookHeader::Signature)
    );
}

#[test]
fn only_the_exact_bytes_verify() {
    let webhooks = webhooks();
    let body = envelope("user.created", &user_json());
    let headers = signed(VECTOR_SECRET, T, &body);
    assert!(webhooks.verify_at(&headers, &body, at(T)).is_ok());
    // The same JSON, parsed and serialized again, is another body.
    let value: Value = serde_json::from_slice(&body).unwrap();
    for again in [
        serde_json::to_vec(&value).unwrap(),
        serde_json::to_vec_pretty(&value).unwrap(),
    ] {
        assert_ne!(again, body);
        assert_eq!(
            refusal(webhooks.verify_at(&headers, &again, at(T))),
            WebhookError::NoMatchingSignature
        );
    }
    let mut trailing = body.clone();
    trailing.push(b'\n');
    assert_eq!(
        refusal(webhooks.verify_at(&headers, &trailing, at(T))),
        WebhookError::NoMatchingSignature
    );
}

#[test]
fn the_body_limit_is_checked_before_the_signature() {
    let body = envelope("user.created", &user_json());
    let limited = webhooks().with_body_limit(body.len() - 1);
    let error = refusal(limited.verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T)));
    assert_eq!(
        error,
        WebhookError::TooLarge {
            limit: body.len() - 1
        }
    );
    assert_eq!(error.reason(), "body_too_large");
    let exact = webhooks().with_body_limit(body.len());
    assert!(
        exact
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .is_ok()
    );
    assert_eq!(webhooks().body_limit(), 1024 * 1024);
}

#[test]
fn a_signed_body_that_is_not_an_event_is_refused_after_verification() {
    let webhooks = webhooks();
    // Unsigned, the same bodies are refused for their signature: nothing is parsed
    // before it is checked.
    let forged = headers("svix", ID, &T.to_string(), VECTOR_SIGNATURE);
    for body in [&b"not json at all"[..], b"[1, 2]"] {
        assert_eq!(
            refusal(webhooks.verify_at(&forged, body, at(T))),
            WebhookError::NoMatchingSignature
        );
    }
    for (body, expected, reason) in [
        (
            &b"not json at all"[..],
            WebhookError::NotJson,
            "body_not_json",
        ),
        (
            b"{\"data\": {}, \"type\": \"user.created\"",
            WebhookError::NotJson,
            "body_not_json",
        ),
        (
            b"{\"data\":{},\"type\":\"a\"} {}",
            WebhookError::NotJson,
            "body_not_json",
        ),
        (b"\xff\xfe", WebhookError::NotJson, "body_not_json"),
        (b"[1, 2]", WebhookError::NotAnEvent, "not_an_event"),
        (
            b"{\"type\": \"user.created\"}",
            WebhookError::NotAnEvent,
            "not_an_event",
        ),
        (b"{\"data\": {}}", WebhookError::NotAnEvent, "not_an_event"),
        (
            b"{\"data\": {}, \"type\": 7}",
            WebhookError::NotAnEvent,
            "not_an_event",
        ),
        (
            b"{\"data\": {}, \"type\": \"a\", \"type\": \"b\"}",
            WebhookError::NotAnEvent,
            "not_an_event",
        ),
        (
            b"{\"data\": {}, \"type\": \"user.created\", \"object\": \"user\"}",
            WebhookError::NotAnEvent,
            "not_an_event",
        ),
    ] {
        let headers = signed(VECTOR_SECRET, T, body);
        let verified = webhooks.verify_at(&headers, body, at(T)).unwrap();
        let error = verified.event::<AppUser>().unwrap_err();
        assert_eq!(error, expected, "{}", String::from_utf8_lossy(body));
        assert_eq!(error.reason(), reason);
    }
}

#[test]
fn other_event_types_are_kept_as_their_type_and_raw_json() {
    let webhooks = webhooks();
    let data = r#"{"id":"orgmem_1","private_metadata":{"salary":"sk_live_org_secret"},"role":"org:admin"}"#;
    let body = envelope("organizationMembership.created", data);
    let delivery = webhooks
        .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
        .unwrap()
        .event::<AppUser>()
        .unwrap();
    assert_eq!(
        delivery.event.event_type(),
        "organizationMembership.created"
    );
    assert!(delivery.event.user().is_none() && delivery.event.user_id().is_none());
    match &delivery.event {
        WebhookEvent::Other {
            event_type,
            data: raw,
        } => {
            assert_eq!(event_type, "organizationMembership.created");
            assert_eq!(raw.get(), data);
        }
        other => panic!("{other:?}"),
    }
    let shown = format!("{delivery:?}");
    assert!(!shown.contains("sk_live_org_secret"), "{shown}");
    assert!(
        shown.contains(&format!("<{} bytes>", data.len())),
        "{shown}"
    );
    assert!(shown.contains("organizationMembership.created"), "{shown}");
}

#[test]
fn a_user_event_is_typed_as_user_from_json_reads_it() {
    let webhooks = webhooks();
    let data = user_json();
    for (event_type, created) in [("user.created", true), ("user.updated", false)] {
        let body = envelope(event_type, &data);
        let delivery = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap();
        assert_eq!(delivery.delivery_id, ID);
        assert_eq!(delivery.attempted_at, T);
        assert_eq!(
            delivery.instance_id.as_deref(),
            Some("ins_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        );
        assert_eq!(
            delivery.timestamp.unwrap().to_rfc3339().unwrap(),
            "2022-05-31T15:56:31.835Z"
        );
        let request = delivery.http_request.as_ref().unwrap();
        assert_eq!(request.client_ip.as_deref(), Some("203.0.113.7"));
        assert_eq!(
            request.user_agent.as_deref(),
            Some("Mozilla/5.0 (Macintosh)")
        );
        let user = match (&delivery.event, created) {
            (WebhookEvent::UserCreated(user), true) | (WebhookEvent::UserUpdated(user), false) => {
                user
            }
            (other, _) => panic!("{other:?}"),
        };
        assert_eq!(delivery.event.event_type(), event_type);
        assert_eq!(
            delivery.event.user_id().unwrap().as_str(),
            "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb"
        );
        // The same user `User::from_json` reads from the data, typed and whole.
        let direct = User::<AppUser>::from_json(data.as_bytes()).unwrap();
        assert_eq!(user.profile.id, direct.profile.id);
        assert_eq!(user.public_metadata.role, Role::Member);
        assert_eq!(
            user.private_metadata.stripe_customer_id.as_deref(),
            Some("cus_NffrFeUfNV2Hib")
        );
        assert_eq!(user.unsafe_metadata.typed().unwrap().theme, Theme::Dark);
        assert_eq!(
            serde_json::to_value(user.with_private_metadata()).unwrap(),
            serde_json::to_value(direct.with_private_metadata()).unwrap()
        );
    }
}

#[test]
fn user_deleted_gives_the_user_id() {
    let webhooks = webhooks();
    let body = envelope(
        "user.deleted",
        r#"{"deleted":true,"id":"user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb","object":"user"}"#,
    );
    let headers = signed(VECTOR_SECRET, T, &body);
    let delivery = webhooks.verify_at(&headers, &body, at(T));
    let delivery = delivery.unwrap().event::<AppUser>().unwrap();
    match &delivery.event {
        WebhookEvent::UserDeleted(deleted) => {
            assert_eq!(deleted.id.as_str(), "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb")
        }
        other => panic!("{other:?}"),
    }
    // Without a user ID (Clerk's deleted object may lack it) the event is kept as it
    // came, never refused: no change of the app's could make a retry pass.
    for data in [r#"{"deleted":true}"#, r#"{"id":"org_1","deleted":true}"#] {
        let body = envelope("user.deleted", data);
        let delivery = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap();
        match &delivery.event {
            WebhookEvent::Other {
                event_type,
                data: raw,
            } => {
                assert_eq!(event_type, "user.deleted");
                assert_eq!(raw.get(), data);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn drift_names_the_path_and_never_a_private_value() {
    let webhooks = webhooks();
    let cases = [
        (
            user_json().replace(
                r#""riskScore": 7"#,
                r#""riskScore": "sk_live_leaked_value""#,
            ),
            "private_metadata.riskScore",
        ),
        (
            user_json().replace(r#""role": "member""#, r#""role": "superadmin""#),
            "public_metadata.role",
        ),
    ];
    for (data, path) in cases {
        assert_ne!(data, user_json());
        let body = envelope("user.updated", &data);
        let error = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap_err();
        // The same error `User::from_json` gives.
        let direct = User::<AppUser>::from_json(data.as_bytes()).unwrap_err();
        assert_eq!(error, WebhookError::User(direct));
        match &error {
            WebhookError::User(read) => assert_eq!(read.path(), path),
            other => panic!("{other:?}"),
        }
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("sk_live_leaked_value"), "{shown}");
        for private in PRIVATE_VALUES {
            assert!(!shown.contains(private), "{shown}");
        }
    }
}

#[test]
fn unsafe_drift_is_tolerated_as_user_from_json_tolerates_it() {
    let webhooks = webhooks();
    let data = user_json().replace(r#""theme": "dark""#, r#""theme": {"attacker": "text"}"#);
    let body = envelope("user.updated", &data);
    let delivery = webhooks
        .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
        .unwrap()
        .event::<AppUser>()
        .unwrap();
    let user = delivery.event.user().unwrap();
    match &user.unsafe_metadata {
        TierRead::Drifted(drift) => assert_eq!(drift.problem().path(), "unsafe_metadata.theme"),
        TierRead::Typed(_) => panic!("the unsafe tier should have drifted"),
    }
}

#[test]
fn debug_and_display_hold_no_secret_signature_or_private_value() {
    let key = secret(VECTOR_SECRET);
    let webhooks = Webhooks::new(key.clone()).with_secret(secret(OTHER_SECRET));
    assert_eq!(format!("{key:?}"), "WebhookSecret(whsec_…)");
    let body = envelope("user.created", &user_json());
    let signature = key.sign(ID, T, &body);
    let headers = headers("svix", ID, &T.to_string(), &signature);
    let verified = webhooks.verify_at(&headers, &body, at(T)).unwrap();
    let delivery = verified.event::<AppUser>().unwrap();
    let shown = [
        format!("{key:?}"),
        format!("{webhooks:?}"),
        format!("{verified:?}"),
        format!("{delivery:?}"),
        format!("{:?}", delivery.event),
        format!("{:#?}", delivery),
        format!("{:?}", ClerkWebhook(delivery.clone())),
    ];
    let tag = signature.strip_prefix("v1,").unwrap();
    for text in &shown {
        for secret_part in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "C2FVsBQIhrscChlQIMV",
            tag,
        ] {
            assert!(!text.contains(secret_part), "{text}");
        }
        for private in PRIVATE_VALUES {
            assert!(!text.contains(private), "{text}");
        }
    }
    assert!(shown[1].contains("WebhookSecret(whsec_…), WebhookSecret(whsec_…)"));
    assert!(shown[2].contains(&format!("<{} bytes>", body.len())));
    assert!(shown[3].contains("user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb"));
}

#[test]
fn hostile_request_details_are_kept_as_data_and_escaped_in_debug() {
    let webhooks = webhooks();
    let body = br#"{"data":{"id":"sess_1"},"event_attributes":{"http_request":{"client_ip":"1.2.3.4\u202e","user_agent":"curl\r\nX-Injected: 1\u001b[31m"}},"object":"event","type":"session.created"}"#;
    let delivery = webhooks
        .verify_at(&signed(VECTOR_SECRET, T, body), body, at(T))
        .unwrap()
        .event::<AppUser>()
        .unwrap();
    let request = delivery.http_request.as_ref().unwrap();
    assert_eq!(
        request.user_agent.as_deref(),
        Some("curl\r\nX-Injected: 1\u{1b}[31m")
    );
    let shown = format!("{delivery:?}");
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{1b}'),
        "{shown}"
    );
    assert!(
        shown.contains(r"\u{202e}") && shown.contains(r"\u{1b}"),
        "{shown}"
    );
    // Details of another shape are left out; the event still reads.
    let odd = br#"{"data":{},"event_attributes":{"http_request":{"client_ip":7,"user_agent":{"a":[1]}},"more":[{}]},"type":"session.created"}"#;
    let delivery = webhooks
        .verify_at(&signed(VECTOR_SECRET, T, odd), odd, at(T))
        .unwrap()
        .event::<AppUser>()
        .unwrap();
    let request = delivery.http_request.unwrap();
    assert_eq!((request.client_ip, request.user_agent), (None, None));
    assert_eq!(delivery.timestamp, None);
    for odd in [
        &br#"{"data":{},"event_attributes":"x","type":"session.created"}"#[..],
        br#"{"data":{},"event_attributes":{"http_request":[1]},"type":"session.created"}"#,
        br#"{"data":{},"event_attributes":null,"type":"session.created"}"#,
    ] {
        let delivery = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, odd), odd, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap();
        assert!(delivery.http_request.is_none());
    }
    assert_eq!(delivery.instance_id, None);
}

/// The `standardwebhooks` crate (hmac-sha256, not ring) signs deliveries the verifier
/// accepts, and verifies the ones this crate signs, on the real clock.
#[test]
fn an_independent_implementation_agrees() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let theirs = standardwebhooks::Webhook::new(OTHER_SECRET).unwrap();
    let ours = Webhooks::new(secret(OTHER_SECRET));
    let body = envelope("user.created", &user_json());
    let signature = theirs.sign(ID, now as i64, &body).unwrap();
    for prefix in ["webhook", "svix"] {
        let headers = headers(prefix, ID, &now.to_string(), &signature);
        let delivery = ours.event::<AppUser>(&headers, &body).unwrap();
        assert_eq!(
            delivery.event.user_id().unwrap().as_str(),
            "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb"
        );
    }
    let mine = secret(OTHER_SECRET).sign(ID, now, &body);
    assert_eq!(mine, signature);
    theirs
        .verify(&body, &headers("webhook", ID, &now.to_string(), &mine))
        .unwrap();
    // And both refuse a body changed by one byte.
    let mut changed = body.clone();
    changed[10] ^= 1;
    let headers = headers("webhook", ID, &now.to_string(), &mine);
    assert!(theirs.verify(&changed, &headers).is_err());
    assert_eq!(
        refusal(ours.verify(&headers, &changed)),
        WebhookError::NoMatchingSignature
    );
}

// The axum extractor over loopback.

#[derive(Clone, FromRef)]
struct App {
    webhooks: Webhooks,
}

/// What the handler received, as JSON.
async fn receive(ClerkWebhook(delivery): ClerkWebhook<AppUser>) -> axum::Json<Value> {
    let role = delivery
        .event
        .user()
        .map(|user| format!("{:?}", user.public_metadata.role));
    axum::Json(json!({
        "delivery_id": delivery.delivery_id,
        "type": delivery.event.event_type(),
        "user_id": delivery.event.user_id().map(|id| id.to_string()),
        "role": role,
        "instance_id": delivery.instance_id,
    }))
}

/// The refusal before it is answered, to check `WebhookRejection` itself.
async fn inspect(result: Result<ClerkWebhook<AppUser>, WebhookRejection>) -> axum::Json<Value> {
    axum::Json(match result {
        Ok(_) => json!({"ok": true}),
        Err(rejection) => {
            json!({"reason": rejection.reason(), "status": rejection.status().as_u16()})
        }
    })
}

async fn serve(webhooks: Webhooks) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/webhooks/clerk", post(receive))
        .route("/inspect", post(inspect))
        .with_state(App { webhooks });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn post_delivery(
    base: &str,
    path: &str,
    content_type: &str,
    headers: &HeaderMap,
    body: Vec<u8>,
) -> (u16, String) {
    let response = clerk_metadata_tests::loopback_http()
        .post(format!("{base}{path}"))
        .header("content-type", content_type)
        .headers(headers.clone())
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_extractor_hands_a_verified_typed_event_to_the_handler() {
    let base = serve(webhooks().with_secret(secret(OTHER_SECRET))).await;
    let body = envelope("user.created", &user_json());
    let headers = signed(OTHER_SECRET, now(), &body);
    let (status, text) =
        post_delivery(&base, "/webhooks/clerk", "application/json", &headers, body).await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        answer,
        json!({
            "delivery_id": ID,
            "type": "user.created",
            "user_id": "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
            "role": "Member",
            "instance_id": "ins_2OEpKhcCN1Lat9NQ0G6puh7q5Rb",
        })
    );
    // Standard Webhooks' spelling, a charset and an unknown event type.
    let body = envelope("session.created", r#"{"id":"sess_1"}"#);
    let signature = secret(VECTOR_SECRET).sign(ID, now(), &body);
    let headers = self::headers("webhook", ID, &now().to_string(), &signature);
    let (status, text) = post_delivery(
        &base,
        "/webhooks/clerk",
        "application/json; charset=utf-8",
        &headers,
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(answer["type"], "session.created");
    assert_eq!(answer["user_id"], Value::Null);
}

#[tokio::test]
async fn the_extractor_answers_each_refusal_as_json() {
    let base = serve(webhooks().with_body_limit(16 * 1024)).await;
    let user = envelope("user.updated", &user_json());
    let t = now();
    let good = signed(VECTOR_SECRET, t, &user);
    let mut without_id = good.clone();
    without_id.remove("svix-id");
    let drifted = envelope(
        "user.updated",
        &user_json().replace(
            r#""riskScore": 7"#,
            r#""riskScore": "sk_live_leaked_value""#,
        ),
    );
    let big = envelope(
        "session.created",
        &format!(r#"{{"padding":"{}"}}"#, "x".repeat(20 * 1024)),
    );
    let not_json = b"not json, signed".to_vec();
    let cases: Vec<(&str, HeaderMap, Vec<u8>, u16, Value)> = vec![
        (
            "application/json",
            without_id,
            user.clone(),
            400,
            json!({"error": "header_missing", "header": "svix-id"}),
        ),
        (
            "application/json",
            headers(
                "svix",
                ID,
                "yesterday",
                &secret(VECTOR_SECRET).sign(ID, t, &user),
            ),
            user.clone(),
            400,
            json!({"error": "timestamp_invalid", "header": "svix-timestamp"}),
        ),
        (
            "application/json",
            signed(OTHER_SECRET, t, &user),
            user.clone(),
            401,
            json!({"error": "signature_mismatch", "header": "svix-signature"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t - 1000, &user),
            user.clone(),
            401,
            json!({"error": "timestamp_too_old", "header": "svix-timestamp"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t + 1000, &user),
            user.clone(),
            401,
            json!({"error": "timestamp_too_new", "header": "svix-timestamp"}),
        ),
        (
            "application/json",
            good.clone(),
            serde_json::to_vec(&serde_json::from_slice::<Value>(&user).unwrap()).unwrap(),
            401,
            json!({"error": "signature_mismatch"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t, &big),
            big.clone(),
            413,
            json!({"error": "body_too_large", "limit": 16 * 1024}),
        ),
        // The headers are checked before the body is read: a request with nothing to
        // verify is refused for that, whatever its size, and never costs a read.
        (
            "application/json",
            HeaderMap::new(),
            big.clone(),
            400,
            json!({"error": "header_missing", "header": "svix-id"}),
        ),
        (
            "application/json",
            headers("svix", ID, &t.to_string(), "v2,AAAA"),
            big.clone(),
            401,
            json!({"error": "signature_missing", "header": "svix-signature"}),
        ),
        (
            "text/plain",
            good.clone(),
            user.clone(),
            415,
            json!({"error": "unsupported_media_type"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t, &not_json),
            not_json.clone(),
            400,
            json!({"error": "body_not_json"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t, br#"{"test": 2432232314}"#),
            br#"{"test": 2432232314}"#.to_vec(),
            400,
            json!({"error": "not_an_event"}),
        ),
        (
            "application/json",
            signed(VECTOR_SECRET, t, &drifted),
            drifted.clone(),
            422,
            json!({"error": "user_does_not_fit", "path": "private_metadata.riskScore"}),
        ),
    ];
    for (content_type, headers, body, status, expected) in cases {
        let signature = headers
            .get("svix-signature")
            .map(|v| v.to_str().unwrap().trim_start_matches("v1,").to_owned());
        let (got, text) = post_delivery(
            &base,
            "/webhooks/clerk",
            content_type,
            &headers,
            body.clone(),
        )
        .await;
        assert_eq!(got, status, "{expected} {text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&answer[key], value, "{text}");
        }
        assert!(answer["message"].is_string(), "{text}");
        // Nothing of the body, the signature or a private value is echoed.
        if let Some(signature) = signature {
            assert!(!text.contains(&signature), "{text}");
        }
        for echo in [
            "sk_live_leaked_value",
            "cus_NffrFeUfNV2Hib",
            "xxxxxxxx",
            "not json, signed",
            "2432232314",
            "john.wick",
        ] {
            assert!(!text.contains(echo), "{text}");
        }
    }
    // The refusal itself, before it is answered.
    let (status, text) = post_delivery(
        &base,
        "/inspect",
        "application/json",
        &signed(OTHER_SECRET, t, &user),
        user.clone(),
    )
    .await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        answer,
        json!({"reason": "signature_mismatch", "status": 401})
    );
}

/// The user is read in the envelope's one pass when it can be; whatever the order of
/// the keys, their escapes or the user's other fields, the event is the one a plain
/// read of `data` gives.
#[test]
fn key_order_and_escapes_do_not_change_the_event() {
    let webhooks = webhooks();
    let data = user_json();
    let direct = User::<AppUser>::from_json(data.as_bytes()).unwrap();
    let expected = serde_json::to_value(direct.with_private_metadata()).unwrap();
    for body in [
        String::from_utf8(envelope("user.updated", &data)).unwrap(),
        format!(
            r#"{{"type":"user.updated","object":"event","data":{data},"extra":[1,{{"a":null}}]}}"#
        ),
        format!(r#"{{"\u0074ype":"user.upd\u0061ted","d\u0061ta":{data}}}"#),
    ] {
        let body = body.into_bytes();
        let delivery = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap();
        assert_eq!(delivery.event.event_type(), "user.updated");
        let user = delivery.event.user().unwrap();
        assert_eq!(
            serde_json::to_value(user.with_private_metadata()).unwrap(),
            expected
        );
    }
    // A user-shaped `data` under another type stays raw.
    let body = envelope("user.custom", &data);
    let delivery = webhooks
        .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
        .unwrap()
        .event::<AppUser>()
        .unwrap();
    match delivery.event {
        WebhookEvent::Other {
            event_type,
            data: raw,
        } => {
            assert_eq!(event_type, "user.custom");
            assert_eq!(raw.get(), data.trim_end());
        }
        other => panic!("{other:?}"),
    }
    // A key sent twice is refused, whichever read meets it.
    for body in [
        format!(r#"{{"data":{data},"data":{data},"type":"user.created"}}"#),
        format!(r#"{{"data":{data},"type":"user.created","type":"user.created"}}"#),
        format!(r#"{{"data":{data},"object":"event","object":"event","type":"user.created"}}"#),
    ] {
        let body = body.into_bytes();
        let error = webhooks
            .verify_at(&signed(VECTOR_SECRET, T, &body), &body, at(T))
            .unwrap()
            .event::<AppUser>()
            .unwrap_err();
        assert_eq!(error, WebhookError::NotAnEvent);
    }
}
