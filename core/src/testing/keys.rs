//! The fake's session-token keys: fixed RSA-2048 key pairs embedded in the crate (see
//! `test_keys/README.md`), their JWKS entries, and tokens signed with them as Clerk
//! signs session tokens.
//!
//! **Test only.** The private halves are in this crate's source for anyone to read:
//! they sign nothing real. Fixed keys let the fake start without generating one (RSA
//! key generation takes seconds in a debug build); nothing here generates a key.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// One fixed, test-only key pair.
pub(crate) struct TestKey {
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
        private_pem: include_str!("test_keys/1.key.pem"),
        public_pem: include_str!("test_keys/1.pub.pem"),
        n: "s9_gS0o5BCK_3e8Enm9mjIaLIphZZruxPhwk3_n9RTluLCavUoDB-beDoBNOBIpnHXSIMBNZwXzarLzQj895iGTNi2vJqkRU0v23GZp27mws2kn_cxQXN8AH7F9PDDhMrztztURrVnn4z_IIGTkUEgloCpUDmjuOH2SOnaTi79qqj1FX93nLlQ3ZQQwibHj1tvF5lRxxZKoXr38vBXVraLDG3auWbUPdp3AIdOD7YeSQHuAgidSuYGQezx5luHL2aX_g9jCTuQ5rirH7GiOdrxGCoQCOslQGEQ2m-C_6XnB0BHBwfqMJFeIyw2-aAeMMhy9Gg6ILeJX15fbZ6jdn0Q",
    },
    TestKey {
        private_pem: include_str!("test_keys/2.key.pem"),
        public_pem: include_str!("test_keys/2.pub.pem"),
        n: "t-uePfhuuGX-l1yJATYW3Oj2ngeghrZ2xPsqblgfTpedZEouvhK-or11AzdHA6g8rYQE_2ddF2DHR2sQK37245D0P_4UJzaxX7Nwm6irMMI_PigDT6b478rDurOnE9FbhOjolxDRZ3rWEa_8PK_wM5OdJXqBe4uJtVtkRmj9YRxLBb2WCKZRCPPOPB8xVJp5TyLhlTel0fsl-dUPcOryNilqB7eQXw_2O7TBWFwABa8MenmeMu4YVQpAtZOwEoFXI0KISXi3TaFz_mInV5fUTSNDaGPr4XwL30kAz8gyx15UXvCZobT3to-bvmEEVwjFlJQEskrgLoirdrpdV8h2Hw",
    },
    TestKey {
        private_pem: include_str!("test_keys/3.key.pem"),
        public_pem: include_str!("test_keys/3.pub.pem"),
        n: "yik3CV3-LsX7UK1SdStGjTNbOvnLejlVrb9FfUkxseX8jNPk8Ds6cIdgVIO-q_MgdIwDwFIFvFaFby2-5xoYDxt4374icgDjtBeB8FByIAR8kekXPLMeaRrGBqJeiKvL9FDST8WUaYB3yd2bvCzD6Xu5FygCvpRrh3iy2JfeKJKbIYTie-ngaaC-ZttnjvBa9ys6utDPiFqZru-UCw41X1R_n5ctChSnwncjw6c7pQk4WzBk2Wl7r9cOtIvjOCdMUZPV6s37x14CRndoQ3lRUzzuzZjpi4-13Z0QXuT1iN2l9a64x4gNwKCXddVZRWtVt8YFBs2P2TZwertE0W7bqQ",
    },
];

/// A key the fake never publishes: another instance's, or a forger's.
pub(crate) const FOREIGN: TestKey = TestKey {
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

/// `claims` signed with `key`, RS256, with `kid` and Clerk's token category `cat` in
/// the header.
pub(crate) fn sign(key: &TestKey, kid: &str, claims: &Value, cat: &str) -> Result<String, String> {
    let encoding =
        EncodingKey::from_rsa_pem(key.private_pem.as_bytes()).map_err(|e| e.to_string())?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    header.extras.insert("cat".to_owned(), cat.to_owned());
    jsonwebtoken::encode(&header, claims, &encoding).map_err(|e| e.to_string())
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
    use jsonwebtoken::{DecodingKey, Validation};

    /// Each key's three forms agree: a token its private half signs verifies with its
    /// PEM public half and with its JWKS entry, and with no other key.
    #[test]
    fn each_fixed_key_is_one_pair() {
        let claims = json!({"sub": "user_1", "exp": now() + 60});
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_required_spec_claims(&["exp"]);
        let all: Vec<&TestKey> = SIGNING.iter().chain([&FOREIGN]).collect();
        for (i, key) in all.iter().enumerate() {
            let token = sign(key, "kid", &claims, "cl_B7d4PD111AAA").unwrap();
            for (j, other) in all.iter().enumerate() {
                let pem = DecodingKey::from_rsa_pem(other.public_pem.as_bytes()).unwrap();
                let jwk = DecodingKey::from_rsa_components(other.n, E).unwrap();
                for decoding in [pem, jwk] {
                    let verified = jsonwebtoken::decode::<Value>(&token, &decoding, &validation);
                    assert_eq!(verified.is_ok(), i == j, "key {i} against key {j}");
                }
            }
        }
    }
}
