//! The fake's session-token keys: RSA key pairs made when first needed, a JWKS of
//! their public halves, and tokens signed as Clerk signs session tokens.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// One key pair.
pub(crate) struct KeyPair {
    pub(crate) kid: String,
    encoding: EncodingKey,
    pub(crate) jwk: Value,
    pub(crate) pem: String,
}

impl KeyPair {
    /// A new 2048-bit RSA key pair with key ID `kid`.
    pub(crate) fn generate(kid: String) -> Result<KeyPair, String> {
        let private =
            rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
        let public = private.to_public_key();
        let der = private.to_pkcs1_der().map_err(|e| e.to_string())?;
        let encoding = EncodingKey::from_rsa_der(der.as_bytes());
        let pem = public
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| e.to_string())?;
        let jwk = json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": kid,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        });
        Ok(KeyPair {
            kid,
            encoding,
            jwk,
            pem,
        })
    }

    /// `claims` signed with this key, RS256, with `kid` and Clerk's token category
    /// `cat` in the header.
    pub(crate) fn sign(&self, claims: &Value, cat: &str) -> Result<String, String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        header.extras.insert("cat", cat);
        jsonwebtoken::encode(&header, claims, &self.encoding).map_err(|e| e.to_string())
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
