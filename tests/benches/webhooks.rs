//! Webhook verification and typed events against their baselines, measured
//! interleaved as `ratios.rs` measures (each round times a batch of ours and a batch
//! of the baseline back to back, alternating which goes first; the figure is the
//! median of the per-round ratios).
//!
//! - verification of one delivery (a `user.created` event, and a 64 KiB body) beside
//!   (a) the `standardwebhooks` crate and (b) HMAC-SHA256 by *ring* directly, with the
//!   same base64 decoding, on the same bytes and headers;
//! - the typed event of a verified `user.created` delivery beside (a) `User::from_json`
//!   on its `data` bytes alone and (b) the envelope read by serde, `data` kept raw, then
//!   `User::from_json` on it.
//!
//! `cargo bench -p clerk-metadata-tests --bench webhooks` (any other word runs only the
//! cases whose name contains it)

use std::hint::black_box;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use clerk_metadata::User;
use clerk_metadata::webhooks::{WebhookSecret, Webhooks};
use clerk_metadata_tests::{AppUser, fixture};
use http::{HeaderMap, HeaderValue};

#[path = "cases/interleaved.rs"]
mod interleaved;
use interleaved::case;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_2Lh9KRb6pzB5ucYd3TRHvtaL6J2";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A delivery of `body` signed now, with Svix's headers or Standard Webhooks'.
fn delivery(prefix: &str, body: &[u8]) -> HeaderMap {
    let timestamp = now();
    let signature = WebhookSecret::new(SECRET)
        .unwrap()
        .sign(ID, timestamp, body);
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("id", ID.to_owned()),
        ("timestamp", timestamp.to_string()),
        ("signature", signature),
    ] {
        headers.insert(
            http::HeaderName::try_from(format!("{prefix}-{name}")).unwrap(),
            HeaderValue::try_from(value).unwrap(),
        );
    }
    headers
}

/// What an app writes with *ring* and base64 directly: the three headers, the
/// timestamp within 5 minutes, the signed content, each `v1` entry decoded and checked
/// by `ring::hmac::verify`.
fn ring_directly(key: &ring::hmac::Key, headers: &HeaderMap, body: &[u8]) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signatures)) = (
        text("svix-id"),
        text("svix-timestamp"),
        text("svix-signature"),
    ) else {
        return false;
    };
    let Ok(seconds) = timestamp.parse::<u64>() else {
        return false;
    };
    if now().abs_diff(seconds) > 300 {
        return false;
    }
    let mut content = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    content.extend_from_slice(id.as_bytes());
    content.push(b'.');
    content.extend_from_slice(timestamp.as_bytes());
    content.push(b'.');
    content.extend_from_slice(body);
    signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .any(|encoded| {
            STANDARD
                .decode(encoded)
                .is_ok_and(|tag| ring::hmac::verify(key, &content, &tag).is_ok())
        })
}

fn main() {
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let user = String::from_utf8(fixture("user.json")).unwrap();
    let event = format!(
        r#"{{"data":{user},"event_attributes":{{"http_request":{{"client_ip":"203.0.113.7","user_agent":"Mozilla/5.0 (Macintosh)"}}}},"instance_id":"ins_2OEpKhcCN1Lat9NQ0G6puh7q5Rb","object":"event","timestamp":1654012591835,"type":"user.created"}}"#
    )
    .into_bytes();
    let large = format!(
        r#"{{"data":{{"padding":"{}"}},"object":"event","type":"session.created"}}"#,
        "x".repeat(64 * 1024)
    )
    .into_bytes();

    let ours = Webhooks::new(WebhookSecret::new(SECRET).unwrap());
    let theirs = standardwebhooks::Webhook::new(SECRET).unwrap();
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        &STANDARD
            .decode(SECRET.strip_prefix("whsec_").unwrap())
            .unwrap(),
    );

    for (label, body) in [("user event", &event), ("64 KiB body", &large)] {
        // Headers signed now: a run of a minute stays well within the tolerance.
        let standard = delivery("webhook", body);
        let svix = delivery("svix", body);
        assert!(ours.verify(&standard, body).is_ok());
        assert!(theirs.verify(body, &standard).is_ok());
        assert!(ring_directly(&key, &svix, body));
        case(
            &filter,
            &format!("verify {label} vs standardwebhooks"),
            1.10,
            || ours.verify(black_box(&standard), black_box(body)).is_ok(),
            || theirs.verify(black_box(body), black_box(&standard)).is_ok(),
        );
        case(
            &filter,
            &format!("verify {label} vs ring directly"),
            1.10,
            || ours.verify(black_box(&svix), black_box(body)).is_ok(),
            || ring_directly(&key, black_box(&svix), black_box(body)),
        );
    }

    let headers = delivery("svix", &event);
    let verified = ours.verify(&headers, &event).unwrap();
    let data = user.as_bytes();
    assert!(verified.event::<AppUser>().is_ok());
    case(
        &filter,
        "typed user event vs User::from_json on data",
        1.05,
        || black_box(&verified).event::<AppUser>().unwrap(),
        || User::<AppUser>::from_json(black_box(data)).unwrap(),
    );
    case(
        &filter,
        "typed user event vs serde envelope + User::from_json",
        1.0,
        || black_box(&verified).event::<AppUser>().unwrap(),
        || {
            let envelope: TwoPass<'_> = serde_json::from_slice(black_box(&event)).unwrap();
            let user = User::<AppUser>::from_json(envelope.data.get().as_bytes()).unwrap();
            (
                user,
                envelope.event_type.to_owned(),
                envelope.instance_id,
                envelope.event_attributes,
            )
        },
    );
}

/// What an app writes without the crate's events: the envelope by serde, its `data`
/// kept raw, then `User::from_json` on the data (two passes over the data).
#[derive(serde::Deserialize)]
struct TwoPass<'a> {
    #[serde(borrow)]
    data: &'a serde_json::value::RawValue,
    #[serde(rename = "type")]
    event_type: &'a str,
    #[allow(dead_code)]
    timestamp: Option<u64>,
    instance_id: Option<String>,
    event_attributes: Option<serde_json::Value>,
}
