//! The claims of a verified session token.

use core::fmt;

use serde::de::{DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::SessionError;
use crate::wire::id::UserId;

/// The active organization of a session (`o` in version 2 tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrganizationClaim {
    /// The organization's ID.
    pub id: String,
    /// The user's role in it (`admin`, …; without the `org:` prefix).
    #[serde(default)]
    pub rol: Option<String>,
    /// The organization's slug.
    #[serde(default)]
    pub slg: Option<String>,
    /// The user's permissions, encoded as Clerk encodes them.
    #[serde(default)]
    pub per: Option<String>,
    /// The feature-permission map that goes with `per`.
    #[serde(default)]
    pub fpm: Option<String>,
}

/// Who is acting for the user, when a session is impersonated (`act`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ActorClaim {
    /// The actor's ID (a user ID, or another subject).
    pub sub: String,
    /// The actor's other claims.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The standard claims of a Clerk session token, version 2.
#[derive(Deserialize)]
struct Standard {
    sub: Option<String>,
    #[serde(default)]
    sid: Option<String>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    iss: Option<String>,
    iat: Option<i64>,
    exp: Option<i64>,
    #[serde(default)]
    nbf: Option<i64>,
    #[serde(default)]
    v: Option<u32>,
    #[serde(default)]
    fva: Option<[i64; 2]>,
    #[serde(default)]
    pla: Option<String>,
    #[serde(default)]
    fea: Option<String>,
    #[serde(default)]
    sts: Option<String>,
    #[serde(default)]
    o: Option<OrganizationClaim>,
    #[serde(default)]
    act: Option<ActorClaim>,
}

/// The claims of a verified Clerk session token (version 2), with the app's own
/// claims `C` (from the session token's customization in the Clerk Dashboard) read
/// from the same object. `C = ()` reads none. `C` sees every claim, Clerk's own
/// included, so it must not deny unknown fields.
///
/// Public metadata copied into the token has one shape: the fields marked
/// `#[metadata(public, claim)]`, each under its claim name, with the customization
/// `claims::template::<S>()` gives for the Clerk Dashboard, read by the struct the derive
/// generates beside the schema (`AppUserClaims`): `SessionClaims<AppUserClaims>`, or
/// `Session<AppUserClaims>` in axum. No API call, and no claims struct written by hand.
/// The token is as old as its `iat`: a change to public metadata reaches it when the
/// session's token is next refreshed (about a minute).
#[derive(Clone)]
#[non_exhaustive]
pub struct SessionClaims<C = ()> {
    /// The signed-in user.
    pub sub: UserId,
    /// The session's ID.
    pub sid: Option<String>,
    /// The authorized party: the origin the token was made for.
    pub azp: Option<String>,
    /// The issuer: the instance's Frontend API URL.
    pub iss: Option<String>,
    /// Issued at (seconds since the Unix epoch).
    pub iat: i64,
    /// Expires at (seconds since the Unix epoch).
    pub exp: i64,
    /// Not valid before (seconds since the Unix epoch).
    pub nbf: Option<i64>,
    /// The token's version (2).
    pub v: Option<u32>,
    /// Minutes since the first and the second factor were verified (`-1`: never).
    pub fva: Option<[i64; 2]>,
    /// The user's and the organization's plans, encoded as Clerk encodes them.
    pub pla: Option<String>,
    /// The features of those plans, encoded as Clerk encodes them.
    pub fea: Option<String>,
    /// The session's status (`active`, `pending`).
    pub sts: Option<String>,
    /// The active organization.
    pub o: Option<OrganizationClaim>,
    /// The actor, for an impersonated session.
    pub act: Option<ActorClaim>,
    /// The app's own claims.
    pub custom: C,
    raw: Map<String, Value>,
}

impl<C: DeserializeOwned> SessionClaims<C> {
    /// Reads the claims of a token whose signature and times were checked.
    pub(crate) fn from_verified(raw: Map<String, Value>) -> Result<Self, SessionError> {
        let object = Value::Object(raw);
        let standard = Standard::deserialize(&object).map_err(|_| SessionError::Malformed)?;
        let custom = serde_path_to_error::deserialize::<_, C>(Custom(&object))
            .map_err(|e| SessionError::claims(&e.path().to_string(), e.inner()))?;
        let Value::Object(raw) = object else {
            return Err(SessionError::Malformed);
        };
        let sub = standard.sub.ok_or(SessionError::MissingClaim("sub"))?;
        let sub = UserId::parse(&sub).map_err(|_| SessionError::InvalidSubject)?;
        Ok(SessionClaims {
            sub,
            sid: standard.sid,
            azp: standard.azp,
            iss: standard.iss,
            iat: standard.iat.ok_or(SessionError::MissingClaim("iat"))?,
            exp: standard.exp.ok_or(SessionError::MissingClaim("exp"))?,
            nbf: standard.nbf,
            v: standard.v,
            fva: standard.fva,
            pla: standard.pla,
            fea: standard.fea,
            sts: standard.sts,
            o: standard.o,
            act: standard.act,
            custom,
            raw,
        })
    }
}

impl<C> SessionClaims<C> {
    /// Claim `name` as it came, standard or not.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.raw.get(name)
    }

    /// Reads the token's claims as another claims type `T`, as
    /// [`verify`](super::SessionVerifier::verify) reads `C`: for a token that carries
    /// the claims of several schemas (a user's and its active organization's, say),
    /// verify with one `…Claims` struct and read the others with this. A claim of the
    /// wrong type is [`SessionError::Claims`] naming the claim, never its value (one
    /// struct that `#[serde(flatten)]`s them all reads too, but serde's flatten loses
    /// the claim's name in its errors).
    pub fn custom_as<T: DeserializeOwned>(&self) -> Result<T, SessionError> {
        // Cloned into a `Value` once: the claims are a few hundred bytes.
        let object = Value::Object(self.raw.clone());
        serde_path_to_error::deserialize::<_, T>(Custom(&object))
            .map_err(|e| SessionError::claims(&e.path().to_string(), e.inner()))
    }
}

impl<C: fmt::Debug> fmt::Debug for SessionClaims<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionClaims")
            .field("sub", &self.sub)
            .field("sid", &self.sid)
            .field("azp", &self.azp)
            .field("iat", &self.iat)
            .field("exp", &self.exp)
            .field("sts", &self.sts)
            .field("o", &self.o.as_ref().map(|o| &o.id))
            .field("custom", &self.custom)
            .finish_non_exhaustive()
    }
}

/// The claims object, as a deserializer for the app's claims type: like the object
/// itself, except that a unit type (`()`, the default) reads as nothing.
struct Custom<'a>(&'a Value);

impl<'de> Deserializer<'de> for Custom<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_option(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf seq tuple tuple_struct enum identifier
    }
}
