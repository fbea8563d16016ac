//! The endpoint's signing secret, checked and kept out of every message.

use core::fmt;

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};

/// The prefix of a Standard Webhooks (Svix, Clerk) signing secret.
const PREFIX: &str = "whsec_";
/// The fewest bytes of key accepted: Standard Webhooks asks for at least 24 (192 bits),
/// which is what Clerk's endpoints have.
pub(crate) const MIN_KEY_BYTES: usize = 24;
/// The most bytes of key accepted: Svix's API takes secrets of up to 100 base64
/// characters (75 bytes).
pub(crate) const MAX_KEY_BYTES: usize = 75;

/// Standard base64, with or without its `=` padding.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A webhook endpoint's signing secret (`whsec_…`, from the Clerk Dashboard: Webhooks,
/// the endpoint, Signing Secret).
///
/// Its shape is checked when it is made: `whsec_` and the base64 of 24 to 75 random
/// bytes (the bare base64, without `whsec_`, is accepted too, as the Standard Webhooks
/// libraries accept it). It has no `Display`, its `Debug` shows nothing of the key, and
/// no error of this crate quotes it.
///
/// ```
/// # use clerk_metadata::webhooks::WebhookSecret;
/// let secret = WebhookSecret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
/// assert_eq!(format!("{secret:?}"), "WebhookSecret(whsec_…)");
/// assert!(WebhookSecret::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc").is_err());
/// # Ok::<(), clerk_metadata::webhooks::InvalidWebhookSecret>(())
/// ```
#[derive(Clone)]
pub struct WebhookSecret {
    key: ring::hmac::Key,
}

impl WebhookSecret {
    /// Checks and decodes a signing secret: `whsec_` (optional) and the standard
    /// base64 (padding optional) of 24 to 75 bytes. Surrounding whitespace is an
    /// error, not trimmed: [`Webhooks::from_secrets`](super::Webhooks::from_secrets)
    /// splits and trims a list.
    pub fn new(secret: impl AsRef<str>) -> Result<WebhookSecret, InvalidWebhookSecret> {
        let secret = secret.as_ref();
        let encoded = secret.strip_prefix(PREFIX).unwrap_or(secret);
        if encoded.is_empty() {
            return Err(InvalidWebhookSecret::Missing);
        }
        // 100 base64 characters are 75 bytes; refuse far longer text before decoding.
        if encoded.len() > MAX_KEY_BYTES.div_ceil(3) * 4 {
            return Err(InvalidWebhookSecret::Length);
        }
        let key = LENIENT
            .decode(encoded)
            .map_err(|_| InvalidWebhookSecret::Base64)?;
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&key.len()) {
            return Err(InvalidWebhookSecret::Length);
        }
        Ok(WebhookSecret {
            key: ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
        })
    }

    /// The signature header's entry of a delivery, `v1,<base64>`: HMAC-SHA256 of
    /// `{id}.{timestamp}.{body}`. For tests and fakes that send deliveries; an app
    /// receiving them calls [`Webhooks::verify`](super::Webhooks::verify).
    ///
    /// ```
    /// # use clerk_metadata::webhooks::WebhookSecret;
    /// // Standard Webhooks' published example.
    /// let secret = WebhookSecret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    /// assert_eq!(
    ///     secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, br#"{"test": 2432232314}"#),
    ///     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    /// );
    /// # Ok::<(), clerk_metadata::webhooks::InvalidWebhookSecret>(())
    /// ```
    pub fn sign(&self, id: &str, timestamp: u64, body: &[u8]) -> String {
        let tag = self.tag(id, &timestamp.to_string(), body);
        format!("v1,{}", general_purpose::STANDARD.encode(tag))
    }

    /// This secret's HMAC-SHA256 of `{id}.{timestamp}.{body}` (by *ring*), fed in
    /// pieces: the body is not copied.
    pub(crate) fn tag(&self, id: &str, timestamp: &str, body: &[u8]) -> [u8; 32] {
        let mut context = ring::hmac::Context::with_key(&self.key);
        for piece in [id.as_bytes(), b".", timestamp.as_bytes(), b".", body] {
            context.update(piece);
        }
        let mut tag = [0u8; 32];
        tag.copy_from_slice(context.sign().as_ref());
        tag
    }
}

/// Shows that it is a secret, and nothing of it.
impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(whsec_…)")
    }
}

/// Why a string is not a webhook signing secret. The message never quotes the string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidWebhookSecret {
    /// There is no secret: the text (or `CLERK_WEBHOOK_SIGNING_SECRET`) is empty or
    /// unset, or is only `whsec_`.
    Missing,
    /// What follows `whsec_` is not standard base64 (whitespace, quotes or another
    /// key copied with it, say).
    Base64,
    /// The key is shorter than 24 bytes or longer than 75.
    Length,
}

impl InvalidWebhookSecret {
    /// A stable, machine-readable reason: `secret_missing`, `secret_not_base64`,
    /// `secret_length`.
    pub const fn reason(&self) -> &'static str {
        match self {
            InvalidWebhookSecret::Missing => "secret_missing",
            InvalidWebhookSecret::Base64 => "secret_not_base64",
            InvalidWebhookSecret::Length => "secret_length",
        }
    }
}

impl fmt::Display for InvalidWebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidWebhookSecret::Missing => {
                "no webhook signing secret (set CLERK_WEBHOOK_SIGNING_SECRET to the endpoint's `whsec_…` secret)"
            }
            InvalidWebhookSecret::Base64 => {
                "a webhook signing secret is `whsec_` followed by base64 (check for spaces or quotes)"
            }
            InvalidWebhookSecret::Length => {
                "a webhook signing secret holds 24 to 75 bytes of key (copy the whole `whsec_…` secret)"
            }
        })
    }
}

impl std::error::Error for InvalidWebhookSecret {}
