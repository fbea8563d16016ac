//! Clerk's session tokens as compact JWS (RS256): the three parts, the header, the
//! key, the claims, and the time checks. The signature is *ring*'s to check; the base64
//! is the `base64` crate's, the JSON serde_json's, the DER the `spki` and `der`
//! crates'.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::error::SessionError;

/// The shortest modulus accepted, as *ring*'s `RSA_PKCS1_2048_8192_SHA256` counts it
/// (in whole bytes).
const MIN_MODULUS_BYTES: usize = 2048 / 8;
/// The longest modulus accepted, in bits (*ring* would take up to 8192; Clerk's keys
/// have 2048).
const MAX_MODULUS_BITS: usize = 4096;

/// An RSA public key as *ring* takes it: modulus and exponent, big-endian, without
/// leading zeros. Only a modulus of 2048 to 4096 bits and an exponent *ring* accepts
/// (odd, at least 3, under 2³³) make one.
#[derive(Clone)]
pub(crate) struct RsaKey {
    n: Box<[u8]>,
    e: Box<[u8]>,
}

impl RsaKey {
    /// The key of modulus `n` and exponent `e` (big-endian, leading zeros allowed),
    /// if the verifier uses such a key.
    pub(crate) fn from_components(n: &[u8], e: &[u8]) -> Option<RsaKey> {
        let n = strip_leading_zeros(n);
        let e = strip_leading_zeros(e);
        let first = *n.first()?;
        let bits = n.len() * 8 - first.leading_zeros() as usize;
        if n.len() < MIN_MODULUS_BYTES || bits > MAX_MODULUS_BITS {
            return None;
        }
        if e.is_empty() || e.len() > 5 {
            return None;
        }
        let exponent = e.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
        if !(3..1 << 33).contains(&exponent) || exponent.is_multiple_of(2) {
            return None;
        }
        Some(RsaKey {
            n: n.into(),
            e: e.into(),
        })
    }

    /// The key of a JWK's `n` and `e` (base64url without padding); `Err` if they are
    /// not base64url, `Ok(None)` if the key is not one the verifier uses.
    pub(crate) fn from_jwk(n: &str, e: &str) -> Result<Option<RsaKey>, base64::DecodeError> {
        let n = URL_SAFE_NO_PAD.decode(n)?;
        let e = URL_SAFE_NO_PAD.decode(e)?;
        Ok(RsaKey::from_components(&n, &e))
    }

    /// The key of a PEM public key: SPKI (`PUBLIC KEY`, what the Clerk Dashboard
    /// gives) with the `rsaEncryption` algorithm, or PKCS#1 (`RSA PUBLIC KEY`). A
    /// private key, another algorithm's key, or broken DER is none.
    pub(crate) fn from_pem(pem: &str) -> Option<RsaKey> {
        let pem = pem::parse(pem).ok()?;
        let pkcs1 = match pem.tag() {
            "RSA PUBLIC KEY" => pem.contents(),
            "PUBLIC KEY" => {
                let spki = spki::SubjectPublicKeyInfoRef::try_from(pem.contents()).ok()?;
                if spki.algorithm.oid != RSA_ENCRYPTION {
                    return None;
                }
                spki.subject_public_key.as_bytes()?
            }
            _ => return None,
        };
        let (n, e) = rsa_public_key(pkcs1)?;
        RsaKey::from_components(n, e)
    }

    /// Whether `signature` is this key's RSASSA-PKCS1-v1_5 SHA-256 signature of
    /// `message`, as *ring* checks it.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        ring::signature::RsaPublicKeyComponents {
            n: &*self.n,
            e: &*self.e,
        }
        .verify(
            &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            message,
            signature,
        )
        .is_ok()
    }
}

/// `rsaEncryption` (RFC 8017, appendix A.1).
const RSA_ENCRYPTION: spki::ObjectIdentifier =
    spki::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The modulus and exponent of a PKCS#1 `RSAPublicKey`, read by the `der` crate.
fn rsa_public_key(der: &[u8]) -> Option<(&[u8], &[u8])> {
    use spki::der::asn1::UintRef;
    use spki::der::{Decode, Reader, SliceReader};
    let mut reader = SliceReader::new(der).ok()?;
    let (n, e) = reader
        .sequence(|seq| Ok((UintRef::decode(seq)?, UintRef::decode(seq)?)))
        .ok()?;
    reader.finish(()).ok()?;
    Some((n.as_bytes(), e.as_bytes()))
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

impl core::fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &(self.n.len() * 8))
            .finish_non_exhaustive()
    }
}

/// A token cut into its three parts.
pub(crate) struct Parts<'a> {
    /// The header and the payload with the dot between them: what is signed.
    pub(crate) signed: &'a str,
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
}

impl<'a> Parts<'a> {
    /// Exactly three parts separated by dots, else [`SessionError::Malformed`].
    pub(crate) fn split(token: &'a str) -> Result<Parts<'a>, SessionError> {
        let (signed, signature) = token.rsplit_once('.').ok_or(SessionError::Malformed)?;
        let (header, payload) = signed.split_once('.').ok_or(SessionError::Malformed)?;
        if payload.contains('.') {
            return Err(SessionError::Malformed);
        }
        Ok(Parts {
            signed,
            header,
            payload,
            signature,
        })
    }
}

/// A part's bytes: base64url without padding, exactly (no `=`, no `+` or `/`, no
/// stray bits), else [`SessionError::Malformed`].
pub(crate) fn decode_part(part: &str) -> Result<Vec<u8>, SessionError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| SessionError::Malformed)
}

/// The header members JOSE defines (RFC 7515, 7516), each of which a header may
/// name once.
const JOSE_MEMBERS: [&str; 15] = [
    "alg", "typ", "cty", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "crit", "enc",
    "zip", "url", "nonce",
];

/// A header member's value, as far as the checks read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Member<'a> {
    /// `null`.
    Null,
    /// Text.
    Text(Cow<'a, str>),
    /// An array whose items are all text.
    Texts,
    /// Anything else: a number, a boolean, an object, an array with other items.
    Other,
}

/// A token's header, read without copying (text is borrowed unless it has escapes):
/// `alg`, `typ`, `kid` and Clerk's `cat` (the last value of each named twice), whether
/// `crit` is there, and whether the other JOSE members have their types. Every member
/// is read through as JSON.
pub(crate) struct Header<'a> {
    pub(crate) alg: Option<Member<'a>>,
    pub(crate) typ: Option<Member<'a>>,
    pub(crate) kid: Option<Member<'a>>,
    pub(crate) cat: Option<Member<'a>>,
    pub(crate) crit: bool,
    /// A JOSE member named twice, or one (other than `alg`, `typ`, `kid` and `crit`)
    /// not of its type.
    mistyped: bool,
}

impl<'a> Header<'a> {
    /// The header of JSON text `json`; [`SessionError::Malformed`] if it is not a JSON
    /// object.
    pub(crate) fn parse(json: &'a [u8]) -> Result<Header<'a>, SessionError> {
        let mut deserializer = serde_json::Deserializer::from_slice(json);
        let header = deserializer
            .deserialize_map(HeaderVisitor)
            .map_err(|_| SessionError::Malformed)?;
        deserializer.end().map_err(|_| SessionError::Malformed)?;
        Ok(header)
    }

    /// [`SessionError::Malformed`] if a JOSE member is named twice, or is not of its
    /// type (`null` counts as absent): text, an array of text for `x5c`, a JWK for
    /// `jwk`. (`alg`, `typ`, `kid` and `crit` are checked before the key is looked up.)
    pub(crate) fn check_members(&self) -> Result<(), SessionError> {
        if self.mistyped {
            return Err(SessionError::Malformed);
        }
        Ok(())
    }
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = Header<'de>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut header = Header {
            alg: None,
            typ: None,
            kid: None,
            cat: None,
            crit: false,
            mistyped: false,
        };
        // The JOSE members seen, one bit each.
        let mut seen = 0u32;
        while let Some(Text(name)) = access.next_key_seed(TextSeed)? {
            let jose = JOSE_MEMBERS.iter().position(|m| *m == name);
            if let Some(bit) = jose {
                header.mistyped |= seen & (1 << bit) != 0;
                seen |= 1 << bit;
            }
            match &*name {
                "alg" => header.alg = Some(access.next_value_seed(MemberSeed)?),
                "typ" => header.typ = Some(access.next_value_seed(MemberSeed)?),
                "kid" => header.kid = Some(access.next_value_seed(MemberSeed)?),
                "cat" => header.cat = Some(access.next_value_seed(MemberSeed)?),
                "crit" => {
                    header.crit = true;
                    access.next_value_seed(MemberSeed)?;
                }
                // The only member read as an object; its key is never used.
                "jwk" => {
                    let jwk: Value = access.next_value()?;
                    header.mistyped |= !jwk.is_null() && JwkMembers::deserialize(&jwk).is_err();
                }
                "x5c" => {
                    let x5c = access.next_value_seed(MemberSeed)?;
                    header.mistyped |= !matches!(x5c, Member::Null | Member::Texts);
                }
                _ if jose.is_some() => {
                    let value = access.next_value_seed(MemberSeed)?;
                    header.mistyped |= !matches!(value, Member::Null | Member::Text(_));
                }
                // Read through all the same, as JSON: text with a lone surrogate, say,
                // is malformed anywhere.
                _ => {
                    access.next_value_seed(MemberSeed)?;
                }
            }
        }
        Ok(header)
    }
}

/// Text, borrowed from the JSON when it has no escapes.
struct Text<'a>(Cow<'a, str>);

/// Reads a [`Text`] (a member's name).
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Text<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("text")
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Reads a [`Member`], any JSON value.
struct MemberSeed;

impl<'de> DeserializeSeed<'de> for MemberSeed {
    type Value = Member<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct MemberVisitor;
        impl<'de> Visitor<'de> for MemberVisitor {
            type Value = Member<'de>;

            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a JSON value")
            }

            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Member::Null)
            }

            fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Member::Text(Cow::Borrowed(text)))
            }

            fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Member::Text(Cow::Owned(text.to_owned())))
            }

            fn visit_string<E>(self, text: String) -> Result<Self::Value, E> {
                Ok(Member::Text(Cow::Owned(text)))
            }

            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Member::Other)
            }

            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Member::Other)
            }

            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Member::Other)
            }

            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Member::Other)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
                let mut texts = true;
                while let Some(item) = items.next_element_seed(MemberSeed)? {
                    texts &= matches!(item, Member::Text(_));
                }
                Ok(if texts { Member::Texts } else { Member::Other })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry_seed(TextSeed, MemberSeed)?.is_some() {}
                Ok(Member::Other)
            }
        }
        deserializer.deserialize_any(MemberVisitor)
    }
}

/// A JWK's members (RFC 7517), with the types they must have. A JWKS with a key
/// whose member has another type is not a JWK set; a token header whose `jwk` has
/// one is malformed. Its key itself is never used.
#[derive(Deserialize)]
#[allow(dead_code)]
pub(crate) struct JwkMembers {
    #[serde(rename = "use", default)]
    pub(crate) public_key_use: Option<String>,
    #[serde(default)]
    key_ops: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) alg: Option<String>,
    #[serde(default)]
    pub(crate) kid: Option<String>,
    x5u: Option<String>,
    x5c: Option<Vec<String>>,
    x5t: Option<String>,
    #[serde(rename = "x5t#S256")]
    x5t_s256: Option<String>,
    /// The key type's members: `kty`, and for RSA `n` and `e`.
    #[serde(flatten)]
    pub(crate) key: Map<String, Value>,
}

impl JwkMembers {
    /// `n` and `e` of an RSA key (`kty` `RSA`, both text); none for any other key.
    pub(crate) fn rsa(&self) -> Option<(&str, &str)> {
        if self.key.get("kty").and_then(Value::as_str) != Some("RSA") {
            return None;
        }
        Some((self.key.get("n")?.as_str()?, self.key.get("e")?.as_str()?))
    }
}

/// The claims the time and subject checks read; naming one of them twice makes the
/// claims malformed.
const SINGLE_CLAIMS: [&str; 5] = ["exp", "nbf", "sub", "iss", "aud"];

/// The claims object, read from the payload's JSON; [`SessionError::Malformed`] if it
/// is not a JSON object or names one of the claims the checks read twice.
pub(crate) fn claims(json: &[u8]) -> Result<Map<String, Value>, SessionError> {
    match object(json, &SINGLE_CLAIMS)? {
        (claims, false) => Ok(claims),
        (_, true) => Err(SessionError::Malformed),
    }
}

/// The JSON object `json` (the last value of a member named twice), and whether one
/// of `single` is named twice; [`SessionError::Malformed`] if it is not a JSON object.
fn object(json: &[u8], single: &[&str]) -> Result<(Map<String, Value>, bool), SessionError> {
    struct Object<'s>(&'s [&'s str]);
    impl<'de> Visitor<'de> for Object<'_> {
        type Value = (Map<String, Value>, bool);

        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut members = Map::new();
            let mut twice = false;
            while let Some(name) = access.next_key::<String>()? {
                let value: Value = access.next_value()?;
                twice |= self.0.contains(&name.as_str()) && members.contains_key(&name);
                members.insert(name, value);
            }
            Ok((members, twice))
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let object = deserializer
        .deserialize_map(Object(single))
        .map_err(|_| SessionError::Malformed)?;
    deserializer.end().map_err(|_| SessionError::Malformed)?;
    Ok(object)
}

/// A `NumericDate` claim as the time checks read it: absent, a number of seconds
/// (a non-negative integer, or a fraction rounded), or something else.
enum NumericDate {
    Absent,
    Seconds(u64),
    Invalid,
}

impl NumericDate {
    fn of(claims: &Map<String, Value>, name: &str) -> NumericDate {
        let Some(value) = claims.get(name) else {
            return NumericDate::Absent;
        };
        let Value::Number(number) = value else {
            return NumericDate::Invalid;
        };
        if let Some(seconds) = number.as_u64() {
            return NumericDate::Seconds(seconds);
        }
        match number.as_f64() {
            Some(f) if number.is_f64() && f.is_finite() && f >= 0.0 && f < u64::MAX as f64 => {
                // In range: the cast cannot saturate.
                NumericDate::Seconds(f.round() as u64)
            }
            _ => NumericDate::Invalid,
        }
    }
}

/// The registered claims every session token has, and its times: `sub` not an array
/// or an object, `exp` and `nbf` not a non-empty one ([`SessionError::Malformed`]; an
/// empty one is merely not a date), `exp` a
/// `NumericDate` ([`SessionError::MissingClaim`] otherwise) not past by more than
/// `skew` seconds ([`SessionError::Expired`]), `sub` text
/// ([`SessionError::MissingClaim`]), `nbf`, if present, a `NumericDate`
/// ([`SessionError::Malformed`]) not further than `skew` seconds ahead
/// ([`SessionError::NotYetValid`]).
pub(crate) fn check_registered(
    claims: &Map<String, Value>,
    now: u64,
    skew: u64,
) -> Result<(), SessionError> {
    let container = |name: &str| match claims.get(name) {
        Some(Value::Array(items)) => Some(items.is_empty()),
        Some(Value::Object(members)) => Some(members.is_empty()),
        _ => None,
    };
    if container("sub").is_some()
        || container("exp") == Some(false)
        || container("nbf") == Some(false)
    {
        return Err(SessionError::Malformed);
    }
    let exp = match NumericDate::of(claims, "exp") {
        NumericDate::Seconds(exp) => exp,
        NumericDate::Absent | NumericDate::Invalid => {
            return Err(SessionError::MissingClaim("exp"));
        }
    };
    if !matches!(claims.get("sub"), Some(Value::String(_))) {
        return Err(SessionError::MissingClaim("sub"));
    }
    let nbf = match NumericDate::of(claims, "nbf") {
        NumericDate::Absent => None,
        NumericDate::Seconds(nbf) => Some(nbf),
        NumericDate::Invalid => return Err(SessionError::Malformed),
    };
    if exp < now.saturating_sub(skew) {
        return Err(SessionError::Expired);
    }
    if nbf.is_some_and(|nbf| nbf > now.saturating_add(skew)) {
        return Err(SessionError::NotYetValid);
    }
    Ok(())
}
