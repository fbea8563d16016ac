//! Clerk's event envelope and the typed events inside it.

use core::fmt;
use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::error::WebhookError;
use super::verify::Verified;
use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped};
use crate::json::key::{Key, first_time};
use crate::read::{PartsVisitor, User};
use crate::schema::metadata::UserMetadata;
use crate::schema::stored::Stored;
use crate::wire::id::UserId;
use crate::wire::values::Timestamp;

/// A verified delivery of one Clerk event: the event, typed, and what the envelope
/// says about it.
///
/// Its `Debug` holds no private metadata: a user shows as [`User`]'s `Debug` does
/// (private metadata redacted), any other event's data by its length only, and the
/// request's IP and user agent escaped.
#[non_exhaustive]
pub struct Delivery<S: UserMetadata> {
    /// The delivery's message ID (`svix-id`, `msg_…`), the same on every retry of the
    /// event: store it to process each event once.
    pub delivery_id: String,
    /// When this attempt was signed (`svix-timestamp`), in Unix seconds.
    pub attempted_at: u64,
    /// When the event happened (the envelope's `timestamp`), if the envelope says.
    pub timestamp: Option<Timestamp>,
    /// The Clerk instance the event is from (`ins_…`), if the envelope says.
    pub instance_id: Option<String>,
    /// The request that caused the event (`event_attributes.http_request`), if any.
    pub http_request: Option<HttpRequest>,
    /// The event.
    pub event: WebhookEvent<S>,
}

/// The request that caused an event, as Clerk recorded it. Both values came from
/// whoever made the request (the user agent is whatever the client sent): keep them as
/// data, never as trusted text. `Debug` escapes them.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The client's IP address, as Clerk saw it.
    pub client_ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field(
                "client_ip",
                &self.client_ip.as_deref().map(|s| escaped(s, KEY_CHARS)),
            )
            .field(
                "user_agent",
                &self
                    .user_agent
                    .as_deref()
                    .map(|s| escaped(s, MESSAGE_CHARS)),
            )
            .finish()
    }
}

/// A Clerk event, typed by its `type`.
///
/// `user.created` and `user.updated` carry the Backend API `User`, read exactly as
/// [`User::from_json`] reads it (public and private metadata must fit the schema;
/// unsafe metadata that does not is kept as [`TierRead::Drifted`](crate::TierRead)).
/// Every other event type is kept as [`Other`](WebhookEvent::Other), never refused:
/// an endpoint subscribed to more events keeps working.
#[non_exhaustive]
pub enum WebhookEvent<S: UserMetadata> {
    /// `user.created`.
    UserCreated(User<S>),
    /// `user.updated`: the whole user as it now is.
    UserUpdated(User<S>),
    /// `user.deleted`.
    UserDeleted(DeletedUser),
    /// Any other event (`session.created`, `organization.updated`, …): its type and its
    /// `data` as sent. The data may hold private metadata (of an organization, say):
    /// `Debug` shows its length only.
    Other {
        /// The event's `type`.
        event_type: String,
        /// The event's `data`, as sent.
        data: Box<RawValue>,
    },
}

/// The `data` of a `user.deleted` event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeletedUser {
    /// The deleted user.
    pub id: UserId,
}

impl<S: UserMetadata> WebhookEvent<S> {
    /// The event's `type`: `user.created`, `session.created`, ….
    pub fn event_type(&self) -> &str {
        match self {
            WebhookEvent::UserCreated(_) => "user.created",
            WebhookEvent::UserUpdated(_) => "user.updated",
            WebhookEvent::UserDeleted(_) => "user.deleted",
            WebhookEvent::Other { event_type, .. } => event_type,
        }
    }

    /// The user of a `user.created` or `user.updated` event.
    pub fn user(&self) -> Option<&User<S>> {
        match self {
            WebhookEvent::UserCreated(user) | WebhookEvent::UserUpdated(user) => Some(user),
            _ => None,
        }
    }

    /// The user a `user.*` event is about.
    pub fn user_id(&self) -> Option<&UserId> {
        match self {
            WebhookEvent::UserCreated(user) | WebhookEvent::UserUpdated(user) => {
                Some(&user.profile.id)
            }
            WebhookEvent::UserDeleted(deleted) => Some(&deleted.id),
            WebhookEvent::Other { .. } => None,
        }
    }
}

/// Users as [`User`]'s `Debug` shows them (no private metadata); other events by their
/// type and the length of their data.
impl<S: UserMetadata> fmt::Debug for WebhookEvent<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WebhookEvent::UserCreated(user) => f.debug_tuple("UserCreated").field(user).finish(),
            WebhookEvent::UserUpdated(user) => f.debug_tuple("UserUpdated").field(user).finish(),
            WebhookEvent::UserDeleted(deleted) => {
                f.debug_tuple("UserDeleted").field(deleted).finish()
            }
            WebhookEvent::Other { event_type, data } => f
                .debug_struct("Other")
                .field("event_type", &escaped(event_type, KEY_CHARS))
                .field("data", &format_args!("<{} bytes>", data.get().len()))
                .finish(),
        }
    }
}

impl<S: UserMetadata> fmt::Debug for Delivery<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("delivery_id", &self.delivery_id)
            .field("attempted_at", &self.attempted_at)
            .field("timestamp", &self.timestamp)
            .field(
                "instance_id",
                &self.instance_id.as_deref().map(|s| escaped(s, KEY_CHARS)),
            )
            .field("http_request", &self.http_request)
            .field("event", &self.event)
            .finish()
    }
}

impl<S: UserMetadata> Clone for WebhookEvent<S>
where
    User<S>: Clone,
{
    fn clone(&self) -> Self {
        match self {
            WebhookEvent::UserCreated(user) => WebhookEvent::UserCreated(user.clone()),
            WebhookEvent::UserUpdated(user) => WebhookEvent::UserUpdated(user.clone()),
            WebhookEvent::UserDeleted(deleted) => WebhookEvent::UserDeleted(deleted.clone()),
            WebhookEvent::Other { event_type, data } => WebhookEvent::Other {
                event_type: event_type.clone(),
                data: data.clone(),
            },
        }
    }
}

impl<S: UserMetadata> Clone for Delivery<S>
where
    User<S>: Clone,
{
    fn clone(&self) -> Self {
        Delivery {
            delivery_id: self.delivery_id.clone(),
            attempted_at: self.attempted_at,
            timestamp: self.timestamp,
            instance_id: self.instance_id.clone(),
            http_request: self.http_request.clone(),
            event: self.event.clone(),
        }
    }
}

/// Clerk's event envelope, with its `data` read by `D`.
struct Envelope<'de, D> {
    data: D,
    event_type: Cow<'de, str>,
    timestamp: Option<u64>,
    instance_id: Option<String>,
    http_request: Option<HttpRequest>,
}

/// Reads an envelope, its `data` with the seed `D`: an object with `data` and `type`,
/// `object` `"event"` if it says, a key sent twice refused; keys it does not know are
/// skipped.
struct EnvelopeVisitor<D> {
    data: D,
}

impl<'de, D: DeserializeSeed<'de>> DeserializeSeed<'de> for EnvelopeVisitor<D> {
    type Value = Envelope<'de, D::Value>;

    fn deserialize<De: Deserializer<'de>>(
        self,
        deserializer: De,
    ) -> Result<Self::Value, De::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, D: DeserializeSeed<'de>> Visitor<'de> for EnvelopeVisitor<D> {
    type Value = Envelope<'de, D::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Clerk event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut seed = Some(self.data);
        let mut data = None;
        let mut event_type = None;
        let mut timestamp = None;
        let mut instance_id = None;
        let mut http_request = None;
        let (mut seen_object, mut seen_attributes) = (false, false);
        while let Some(Key(key)) = map.next_key()? {
            match key.as_ref() {
                "data" => {
                    let seed = seed
                        .take()
                        .ok_or_else(|| de::Error::duplicate_field("data"))?;
                    data = Some(map.next_value_seed(seed)?);
                }
                "type" => {
                    first_time(&mut event_type.is_some(), "type")?;
                    event_type = Some(map.next_value::<Key<'de>>()?.0);
                }
                "object" => {
                    first_time(&mut seen_object, "object")?;
                    if map
                        .next_value::<Option<Key<'de>>>()?
                        .is_some_and(|o| o.0 != "event")
                    {
                        return Err(de::Error::custom("the object is not an event"));
                    }
                }
                "timestamp" => {
                    first_time(&mut timestamp.is_some(), "timestamp")?;
                    timestamp = Some(map.next_value::<Option<u64>>()?);
                }
                "instance_id" => {
                    first_time(&mut instance_id.is_some(), "instance_id")?;
                    instance_id = Some(map.next_value::<Option<String>>()?);
                }
                "event_attributes" => {
                    first_time(&mut seen_attributes, "event_attributes")?;
                    http_request = map.next_value::<Attributes>()?.0;
                }
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(Envelope {
            data: data.ok_or_else(|| de::Error::missing_field("data"))?,
            event_type: event_type.ok_or_else(|| de::Error::missing_field("type"))?,
            timestamp: timestamp.flatten(),
            instance_id: instance_id.flatten(),
            http_request,
        })
    }
}

/// `event_attributes`, leniently: the request's details are for information, and a
/// value of another shape there is left out, never an error.
struct Attributes(Option<HttpRequest>);

impl<'de> Deserialize<'de> for Attributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attributes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("event attributes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attributes, A::Error> {
                let mut request = None;
                while let Some(Key(key)) = map.next_key()? {
                    if key == "http_request" && request.is_none() {
                        request = map.next_value::<Request>()?.0;
                    } else {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                Ok(Attributes(request))
            }
        }
        deserializer
            .deserialize_any(Lenient(V))
            .map(|a| a.unwrap_or(Attributes(None)))
    }
}

/// `http_request`, leniently.
struct Request(Option<HttpRequest>);

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Request;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an HTTP request's details")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request, A::Error> {
                let mut request = HttpRequest::default();
                while let Some(Key(key)) = map.next_key()? {
                    let slot = match key.as_ref() {
                        "client_ip" if request.client_ip.is_none() => &mut request.client_ip,
                        "user_agent" if request.user_agent.is_none() => &mut request.user_agent,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = map.next_value::<Text>()?.0;
                }
                Ok(Request(Some(request)))
            }
        }
        deserializer
            .deserialize_any(Lenient(V))
            .map(|r| r.unwrap_or(Request(None)))
    }
}

/// A string, or `None` for a value of any other shape.
struct Text(Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Text(None))
            }
        }
        deserializer
            .deserialize_any(Lenient(V))
            .map(|t| t.unwrap_or(Text(None)))
    }
}

/// Visitor `V` for the shape it takes, `None` (the value skipped) for any other.
struct Lenient<V>(V);

macro_rules! none_for {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Self::Value, E> {
            Ok(None)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Lenient<V> {
    type Value = Option<V::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(self.0.visit_str::<E>(v).ok())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(self.0.visit_string::<E>(v).ok())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // Every visitor here takes a map (a string's skips it) and refuses none.
        self.0.visit_map(map).map(Some)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    none_for!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_bytes(&[u8])
    );
}

/// Reads a delivery's body as an envelope, its data read by `seed`.
fn envelope<'de, D: DeserializeSeed<'de>>(
    text: &'de str,
    seed: D,
) -> Result<Envelope<'de, D::Value>, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let envelope = EnvelopeVisitor { data: seed }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(envelope)
}

/// The data of an event, read as it was sent.
struct RawData;

impl<'de> DeserializeSeed<'de> for RawData {
    type Value = &'de RawValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        <&'de RawValue>::deserialize(deserializer)
    }
}

#[derive(Deserialize)]
struct DeletedData {
    id: UserId,
}

impl Verified<'_> {
    /// Reads the verified body as a Clerk event with the metadata schema `S`.
    ///
    /// A body that is not JSON is [`WebhookError::NotJson`], JSON that is not an event
    /// envelope [`WebhookError::NotAnEvent`], and a `user.*` event whose user does not
    /// fit the schema [`WebhookError::User`] (naming the path, never a private value).
    /// An event of any other type is [`WebhookEvent::Other`], never an error.
    pub fn event<S: UserMetadata>(&self) -> Result<Delivery<S>, WebhookError> {
        let text = core::str::from_utf8(self.body).map_err(|_| WebhookError::NotJson)?;
        // Clerk sends `data` before `type`. Read `data` as a user on the way, in the
        // envelope's one pass, as `User::from_json` reads one; if the event turns out
        // to be no user event, or anything fails, read the envelope again with `data`
        // kept raw, and that read decides.
        let seed = PartsVisitor::<Stored<S::Public>, Stored<S::Private>, &RawValue>::in_document(
            self.body,
        );
        if let Ok(envelope) = envelope(text, seed)
            && let Some(created) = match envelope.event_type.as_ref() {
                "user.created" => Some(true),
                "user.updated" => Some(false),
                _ => None,
            }
            && let Ok(user) = User::from_parts(envelope.data)
        {
            let event = if created {
                WebhookEvent::UserCreated(user)
            } else {
                WebhookEvent::UserUpdated(user)
            };
            return Ok(self.delivery(
                envelope.timestamp,
                envelope.instance_id,
                envelope.http_request,
                event,
            ));
        }
        let envelope = envelope(text, RawData).map_err(|error| {
            if error.is_data() {
                WebhookError::NotAnEvent
            } else {
                WebhookError::NotJson
            }
        })?;
        let data = envelope.data.get().as_bytes();
        let event = match envelope.event_type.as_ref() {
            "user.created" => {
                WebhookEvent::UserCreated(User::from_json(data).map_err(WebhookError::User)?)
            }
            "user.updated" => {
                WebhookEvent::UserUpdated(User::from_json(data).map_err(WebhookError::User)?)
            }
            // Clerk's deleted object may lack its `id`: such an event is kept as it
            // came, never refused (no change of the app's could make it pass).
            other => match (other, deleted_user(other, data)) {
                ("user.deleted", Some(deleted)) => WebhookEvent::UserDeleted(deleted),
                _ => WebhookEvent::Other {
                    event_type: other.to_owned(),
                    data: envelope.data.to_owned(),
                },
            },
        };
        Ok(self.delivery(
            envelope.timestamp,
            envelope.instance_id,
            envelope.http_request,
            event,
        ))
    }

    fn delivery<S: UserMetadata>(
        &self,
        timestamp: Option<u64>,
        instance_id: Option<String>,
        http_request: Option<HttpRequest>,
        event: WebhookEvent<S>,
    ) -> Delivery<S> {
        Delivery {
            delivery_id: self.id.to_owned(),
            attempted_at: self.attempted_at,
            timestamp: timestamp.and_then(|millis| {
                // Checked: a time past what the platform's clock holds is no time.
                UNIX_EPOCH
                    .checked_add(Duration::from_millis(millis))
                    .map(Timestamp::from)
            }),
            instance_id,
            http_request,
            event,
        }
    }
}

/// The `data` of a `user.deleted` event: an object with the user's `id`; `None` for
/// another event type, or data without one.
fn deleted_user(event_type: &str, data: &[u8]) -> Option<DeletedUser> {
    if event_type != "user.deleted" {
        return None;
    }
    serde_json::from_slice::<DeletedData>(data)
        .ok()
        .map(|deleted| DeletedUser { id: deleted.id })
}
