//! The fake's session-token keys: fixed RSA-2048 key pairs embedded in the crate (see
//! `test_keys/README.md`), their JWKS entries, and tokens signed with them as Clerk
//! signs session tokens.
//!
//! **Test only.** The private halves are in this crate's source for anyone to read:
//! they sign nothing real. Fixed keys let the fake start without generating one (RSA
//! key generation takes seconds in a debug build); nothing here generates a key.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::RsaKeyPair;
use serde_json::{Value, json};

/// One fixed, test-only key pair.
pub(crate) struct TestKey {
    /// Its place in [`PAIRS`].
    index: usize,
    /// The private key, PKCS#1 PEM.
    private_pem: &'static str,
    /// The public key, SPKI PEM (what the Clerk Dashboard gives as `CLERK_JWT_KEY`).
    pub(crate) public_pem: &'static str,
    /// The modulus, base64url without padding (the JWK's `n`).
    n: &'static str,
}

/// The public exponent of every key, 65537, base64url (the JWK's `e`).
const E: &str = "AQAB";

/// The fake instance's signing keys, in the order rotation moves to them.
pub(crate) const SIGNING: [TestKey; 3] = [
    TestKey {
        index: 0,
        private_pem: include_str!("test_keys/1.key.pem"),
        public_pem: include_str!("test_keys/1.pub.pem"),
        n: "s9_gS0o5BCK_3e8Enm9mjIaLIphZZruxPhwk3_n9RTluLCavUoDB-beDoBNOBIpnHXSIMBNZwXzarLzQj895iGTNi2vJqkRU0v23GZp27mws2kn_cxQXN8AH7F9PDDhMrztztURrVnn4z_IIGTkUEgloCpUDmjuOH2SOnaTi79qqj1FX93nLlQ3ZQQwibHj1tvF5lRxxZKoXr38vBXVraLDG3auWbUPdp3AIdOD7YeSQHuAgidSuYGQezx5luHL2aX_g9jCTuQ5rirH7GiOdrxGCoQCOslQGEQ2m-C_6XnB0BHBwfqMJFeIyw2-aAeMMhy9Gg6ILeJX15fbZ6jdn0Q",
    },
    TestKey {
        index: 1,
        private_pem: include_str!("test_keys/2.key.pem"),
        public_pem: include_str!("test_keys/2.pub.pem"),
        n: "t-uePfhuuGX-l1yJATYW3Oj2ngeghrZ2xPsqblgfTpedZEouvhK-or11AzdHA6g8rYQE_2ddF2DHR2sQK37245D0P_4UJzaxX7Nwm6irMMI_PigDT6b478rDurOnE9FbhOjolxDRZ3rWEa_8PK_wM5OdJXqBe4uJtVtkRmj9YRxLBb2WCKZRCPPOPB8xVJp5TyLhlTel0fsl-dUPcOryNilqB7eQXw_2O7TBWFwABa8MenmeMu4YVQpAtZOwEoFXI0KISXi3TaFz_mInV5fUTSNDaGPr4XwL30kAz8gyx15UXvCZobT3to-bvmEEVwjFlJQEskrgLoirdrpdV8h2Hw",
    },
    TestKey {
        index: 2,
        private_pem: include_str!("test_keys/3.key.pem"),
        public_pem: include_str!("test_keys/3.pub.pem"),
        n: "yik3CV3-LsX7UK1SdStGjTNbOvnLejlVrb9FfUkxseX8jNPk8Ds6cIdgVIO-q_MgdIwDwFIFvFaFby2-5xoYDxt4374icgDjtBeB8FByIAR8kekXPLMeaRrGBqJeiKvL9FDST8WUaYB3yd2bvCzD6Xu5FygCvpRrh3iy2JfeKJKbIYTie-ngaaC-ZttnjvBa9ys6utDPiFqZru-UCw41X1R_n5ctChSnwncjw6c7pQk4WzBk2Wl7r9cOtIvjOCdMUZPV6s37x14CRndoQ3lRUzzuzZjpi4-13Z0QXuT1iN2l9a64x4gNwKCXddVZRWtVt8YFBs2P2TZwertE0W7bqQ",
    },
];

/// A key the fake never publishes: another instance's, or a forger's.
pub(crate) const FOREIGN: TestKey = TestKey {
    index: 3,
    private_pem: include_str!("test_keys/foreign.key.pem"),
    public_pem: include_str!("test_keys/foreign.pub.pem"),
    n: "pduZuJ6wWKO8fSSO2APOtaEec6ZHUfDEi2bijhT-48OAn_8-4ewvVr8sN3BQBJ6tILluusjLEag7J7-2FCHU7EPMfkA48A_2eX61gZWuYCf7nxtYK54uVhb3LRKiTYJ0g2HxNtfFdX2uN0dZE9lQaWy7DQgFn2sLxbyoVHomFrs7GMilsN1grQVhsqKgvTu5etsI-CHZr_bwrhgFqxjU4wphmANX6pNrld4W8PrPSG1b9tQ_jVVWZo97y6HiLlvoaeHEyy93vGJPb1RlEcV2diu85drsQ4ZmFDwVjBOi00SJGj6o1sWGiihWBySAYL24jky8ZMPoxbhGmKEq3eDx1Q",
};

/// One of the instance's keys, under its key ID.
pub(crate) struct KeyPair {
    pub(crate) kid: String,
    pub(crate) key: &'static TestKey,
}

impl KeyPair {
    /// The key's JWKS entry, as Clerk publishes it.
    pub(crate) fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "use": "sig",
            "alg": "RS256",
            "kid": self.kid,
            "n": self.key.n,
            "e": E,
        })
    }
}

/// Each key's private half, read once (*ring* checks the key as it reads it).
static PAIRS: [OnceLock<Result<RsaKeyPair, String>>; 4] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

impl TestKey {
    /// The private half, for *ring*.
    fn pair(&self) -> Result<&'static RsaKeyPair, String> {
        let slot = PAIRS
            .get(self.index)
            .ok_or_else(|| "no such test key".to_owned())?;
        slot.get_or_init(|| {
            let pem = pem::parse(self.private_pem).map_err(|e| e.to_string())?;
            RsaKeyPair::from_der(pem.contents()).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
    }
}

/// `claims` signed with `key`, RS256 (RSASSA-PKCS1-v1_5 with SHA-256, by *ring*), with
/// `kid` and Clerk's token category `cat` in the header.
pub(crate) fn sign(key: &TestKey, kid: &str, claims: &Value, cat: &str) -> Result<String, String> {
    // Clerk's header, its members in Clerk's order.
    let header = format!(
        r#"{{"typ":"JWT","alg":"RS256","kid":{},"cat":{}}}"#,
        Value::from(kid),
        Value::from(cat)
    );
    let signed = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let pair = key.pair()?;
    let mut signature = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        signed.as_bytes(),
        &mut signature,
    )
    .map_err(|_| "the test key did not sign".to_owned())?;
    Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::SessionVerifier;

    /// Each key's three forms agree: a token its private half signs verifies with its
    /// PEM public half and with its JWKS entry (n, e), and with no other key.
    #[test]
    fn each_fixed_key_is_one_pair() {
        let claims = json!({"sub": "user_1", "exp": now() + 60});
        let all: Vec<&TestKey> = SIGNING.iter().chain([&FOREIGN]).collect();
        for (i, key) in all.iter().enumerate() {
            let token = sign(key, "kid", &claims, "cl_B7d4PD111AAA").unwrap();
            let (signed, signature) = token.rsplit_once('.').unwrap();
            let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
            for (j, other) in all.iter().enumerate() {
                assert!(SessionVerifier::with_pem(other.public_pem).is_ok());
                let public = pem::parse(other.public_pem).unwrap();
                let spki = ring::signature::UnparsedPublicKey::new(
                    &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                    // The SPKI's last 270 bytes: the PKCS#1 key of a 2048-bit modulus.
                    &public.contents()[public.contents().len() - 270..],
                );
                let jwk = ring::signature::RsaPublicKeyComponents {
                    n: URL_SAFE_NO_PAD.decode(other.n).unwrap(),
                    e: URL_SAFE_NO_PAD.decode(E).unwrap(),
                };
                let by_pem = spki.verify(signed.as_bytes(), &signature).is_ok();
                let by_jwk = jwk
                    .verify(
                        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                        signed.as_bytes(),
                        &signature,
                    )
                    .is_ok();
                assert_eq!(
                    (by_pem, by_jwk),
                    (i == j, i == j),
                    "key {i} against key {j}"
                );
            }
        }
    }
}
