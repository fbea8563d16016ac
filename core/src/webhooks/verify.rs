//! The headers of a delivery and its signature check, over the exact bytes received.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose;
use http::{HeaderMap, HeaderName};

use super::Webhooks;
use super::error::{WebhookError, WebhookHeader};
use subtle::ConstantTimeEq;

/// The longest delivery ID accepted; Svix's are 31 bytes (`msg_` and 27 characters).
const MAX_ID_LEN: usize = 256;
/// The most `v1` signatures of one header that are checked: Svix sends one per active
/// secret (two during a rotation). Further ones are ignored, so a forged header with
/// thousands of entries costs no more than this many HMACs per secret.
pub(crate) const MAX_SIGNATURES: usize = 8;
/// The longest signature header read; eight entries take under 400 bytes.
const MAX_SIGNATURE_HEADER: usize = 4096;
/// The length of an HMAC-SHA256 tag.
const TAG_LEN: usize = 32;

/// The value of header `which`, in either spelling: every value must be the same
/// (a header sent twice, or as both `svix-…` and `webhook-…`, with two values is
/// refused), visible ASCII.
fn header(headers: &HeaderMap, which: WebhookHeader) -> Result<&str, WebhookError> {
    // Names made once: a lookup by `&str` would parse the name each time.
    static NAMES: [[HeaderName; 2]; 3] = [
        [
            HeaderName::from_static("svix-id"),
            HeaderName::from_static("webhook-id"),
        ],
        [
            HeaderName::from_static("svix-timestamp"),
            HeaderName::from_static("webhook-timestamp"),
        ],
        [
            HeaderName::from_static("svix-signature"),
            HeaderName::from_static("webhook-signature"),
        ],
    ];
    let [svix, standard] = match which {
        WebhookHeader::Id => &NAMES[0],
        WebhookHeader::Timestamp => &NAMES[1],
        WebhookHeader::Signature => &NAMES[2],
    };
    let mut values = headers
        .get_all(svix)
        .iter()
        .chain(headers.get_all(standard).iter());
    let first = values.next().ok_or(WebhookError::MissingHeader(which))?;
    if values.any(|other| other != first) {
        return Err(WebhookError::ConflictingHeaders(which));
    }
    // Visible ASCII and spaces: `to_str` refuses everything else but tabs.
    let text = first
        .to_str()
        .map_err(|_| WebhookError::InvalidHeader(which))?;
    if text.is_empty() || text.contains('\t') {
        return Err(WebhookError::InvalidHeader(which));
    }
    Ok(text)
}

/// The delivery ID: visible ASCII without spaces or `.`, at most 256 bytes.
fn delivery_id(headers: &HeaderMap) -> Result<&str, WebhookError> {
    let id = header(headers, WebhookHeader::Id)?;
    if id.len() > MAX_ID_LEN || id.bytes().any(|b| b == b'.' || b == b' ') {
        return Err(WebhookError::InvalidHeader(WebhookHeader::Id));
    }
    Ok(id)
}

/// Unix seconds in plain decimal: digits only, no sign, no leading zero (the signed
/// content holds the text as sent, so only one text may stand for a number).
fn parse_timestamp(text: &str) -> Result<u64, WebhookError> {
    let canonical = !text.is_empty()
        && text.len() <= 19
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !canonical {
        return Err(WebhookError::InvalidTimestamp);
    }
    text.parse().map_err(|_| WebhookError::InvalidTimestamp)
}

/// The `v1` signatures of the header, decoded: entries are separated by spaces, each
/// `version,base64`; other versions (`v1a`, `v2`) and entries that are not 32 bytes of
/// standard base64 are skipped, as Standard Webhooks' libraries skip them.
fn v1_signatures(header: &str) -> impl Iterator<Item = [u8; TAG_LEN]> + '_ {
    header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| {
            // 32 bytes are 44 base64 characters with their padding.
            if encoded.len() != 44 {
                return None;
            }
            let mut tag = [0u8; TAG_LEN];
            match general_purpose::STANDARD.decode_slice(encoded, &mut tag) {
                Ok(TAG_LEN) => Some(tag),
                _ => None,
            }
        })
        .take(MAX_SIGNATURES)
}

/// A delivery whose signature verified: its ID, the attempt's time and the exact bytes
/// that were signed, borrowed from the request. Read the event with
/// [`event`](Verified::event).
#[derive(Clone)]
pub struct Verified<'a> {
    pub(crate) id: &'a str,
    pub(crate) attempted_at: u64,
    pub(crate) body: &'a [u8],
}

impl<'a> Verified<'a> {
    /// The delivery's message ID (`svix-id`), the same on every retry of one event:
    /// the key to process each event once.
    pub fn delivery_id(&self) -> &'a str {
        self.id
    }

    /// When this attempt was signed (`svix-timestamp`), in Unix seconds.
    pub fn attempted_at(&self) -> u64 {
        self.attempted_at
    }

    /// The body exactly as it was signed.
    pub fn body(&self) -> &'a [u8] {
        self.body
    }
}

/// Shows the delivery ID, the attempt's time and the body's length, never the body.
impl core::fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verified")
            .field("delivery_id", &self.id)
            .field("attempted_at", &self.attempted_at)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

impl Webhooks {
    /// Verifies a delivery at time `now`: [`verify`](Webhooks::verify) with the clock
    /// given, for tests (a delivery signed in 2021 verifies "in 2021") and for apps
    /// with a clock of their own.
    pub fn verify_at<'a>(
        &self,
        headers: &'a HeaderMap,
        body: &'a [u8],
        now: SystemTime,
    ) -> Result<Verified<'a>, WebhookError> {
        let inner = &*self.inner;
        let signed = self.check_headers(headers, now)?;
        if body.len() > inner.body_limit {
            return Err(WebhookError::TooLarge {
                limit: inner.body_limit,
            });
        }
        // One HMAC per secret, whatever the number of entries; each entry compared in
        // constant time (`subtle`).
        let matched = inner.secrets.iter().any(|secret| {
            let tag = secret.tag(signed.id, signed.timestamp_text, body);
            signed
                .candidates
                .iter()
                .any(|candidate| bool::from(candidate.ct_eq(&tag)))
        });
        if !matched {
            return Err(WebhookError::NoMatchingSignature);
        }
        let (id, timestamp) = (signed.id, signed.timestamp);
        Ok(Verified {
            id,
            attempted_at: timestamp,
            body,
        })
    }

    /// Everything that can be checked before the body is read: the headers, the
    /// timestamp's tolerance, and that there is a signature to check (so an endpoint
    /// refuses a request without one before reading its body).
    pub(crate) fn check_headers<'a>(
        &self,
        headers: &'a HeaderMap,
        now: SystemTime,
    ) -> Result<SignedHeaders<'a>, WebhookError> {
        let id = delivery_id(headers)?;
        let timestamp_text = header(headers, WebhookHeader::Timestamp)?;
        let timestamp = parse_timestamp(timestamp_text)?;
        let signatures = header(headers, WebhookHeader::Signature)?;
        if signatures.len() > MAX_SIGNATURE_HEADER {
            return Err(WebhookError::InvalidHeader(WebhookHeader::Signature));
        }
        let now = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let tolerance = self.inner.tolerance.as_secs();
        if now.saturating_sub(timestamp) > tolerance {
            return Err(WebhookError::TooOld);
        }
        if timestamp.saturating_sub(now) > tolerance {
            return Err(WebhookError::TooNew);
        }
        let candidates: Vec<[u8; TAG_LEN]> = v1_signatures(signatures).collect();
        if candidates.is_empty() {
            return Err(WebhookError::NoSignature);
        }
        Ok(SignedHeaders {
            id,
            timestamp_text,
            timestamp,
            candidates,
        })
    }
}

/// What a delivery's headers say, checked: see [`Webhooks::check_headers`].
pub(crate) struct SignedHeaders<'a> {
    id: &'a str,
    timestamp_text: &'a str,
    timestamp: u64,
    candidates: Vec<[u8; TAG_LEN]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_plain_decimal() {
        assert_eq!(parse_timestamp("1614265330"), Ok(1614265330));
        assert_eq!(parse_timestamp("0"), Ok(0));
        for bad in [
            "",
            "-1",
            "+1",
            "01614265330",
            " 1",
            "1 ",
            "1.5",
            "1e9",
            "99999999999999999999",
            "18446744073709551616",
        ] {
            assert_eq!(
                parse_timestamp(bad),
                Err(WebhookError::InvalidTimestamp),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_well_formed_v1_entries_are_checked() {
        let good = "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let header = format!(
            "v2,{good} v1a,{good} v1,short v1,{good}x v1, ,v1 v1,{} v1,{good}",
            &good[..43]
        );
        assert_eq!(v1_signatures(&header).count(), 1);
        let many = vec![format!("v1,{good}"); 100].join(" ");
        assert_eq!(v1_signatures(&many).count(), MAX_SIGNATURES);
    }
}
