//! Clerk's event envelope and the typed events inside it.

use core::fmt;
use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::WebhookError;
use super::verify::Verified;
use crate::json::escape::{KEY_CHARS, MESSAGE_CHARS, escaped};
use crate::read::{ReadError, User};
use crate::schema::metadata::UserMetadata;
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
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The client's IP address, as Clerk saw it.
    #[serde(default, deserialize_with = "lenient_string")]
    pub client_ip: Option<String>,
    /// The client's `User-Agent`.
    #[serde(default, deserialize_with = "lenient_string")]
    pub user_agent: Option<String>,
}

/// A string, or `None` for anything else: the request's details are for information,
/// and an odd value there never fails an event.
fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(match value {
        serde_json::Value::String(s) => Some(s),
        _ => None,
    })
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("client_ip", &self.client_ip.as_deref().map(|s| escaped(s, KEY_CHARS)))
            .field(
                "user_agent",
                &self.user_agent.as_deref().map(|s| escaped(s, MESSAGE_CHARS)),
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

/// Clerk's event envelope, its `data` kept as the bytes sent.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    data: &'a RawValue,
    #[serde(rename = "type", borrow)]
    event_type: Cow<'a, str>,
    #[serde(default, borrow)]
    object: Option<Cow<'a, str>>,
    #[serde(default)]
    timestamp: Option<u64>,
    #[serde(default)]
    instance_id: Option<String>,
    #[serde(default, borrow)]
    event_attributes: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct EventAttributes {
    #[serde(default)]
    http_request: Option<HttpRequest>,
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
        let envelope: Envelope<'_> = serde_json::from_slice(self.body).map_err(|error| {
            if error.is_data() {
                WebhookError::NotAnEvent
            } else {
                WebhookError::NotJson
            }
        })?;
        if envelope.object.as_deref().is_some_and(|o| o != "event") {
            return Err(WebhookError::NotAnEvent);
        }
        let data = envelope.data.get().as_bytes();
        let event = match envelope.event_type.as_ref() {
            "user.created" => {
                WebhookEvent::UserCreated(User::from_json(data).map_err(WebhookError::User)?)
            }
            "user.updated" => {
                WebhookEvent::UserUpdated(User::from_json(data).map_err(WebhookError::User)?)
            }
            "user.deleted" => WebhookEvent::UserDeleted(deleted_user(data)?),
            other => WebhookEvent::Other {
                event_type: other.to_owned(),
                data: envelope.data.to_owned(),
            },
        };
        let http_request = envelope
            .event_attributes
            .and_then(|raw| serde_json::from_str::<EventAttributes>(raw.get()).ok())
            .and_then(|attributes| attributes.http_request);
        Ok(Delivery {
            delivery_id: self.id.clone(),
            attempted_at: self.attempted_at,
            timestamp: envelope.timestamp.and_then(|millis| {
                // Checked: a time past what the platform's clock holds is no time.
                UNIX_EPOCH
                    .checked_add(Duration::from_millis(millis))
                    .map(Timestamp::from)
            }),
            instance_id: envelope.instance_id,
            http_request,
            event,
        })
    }
}

/// The `data` of a `user.deleted` event: an object with the user's `id`.
fn deleted_user(data: &[u8]) -> Result<DeletedUser, WebhookError> {
    let mut deserializer = serde_json::Deserializer::from_slice(data);
    serde_path_to_error::deserialize::<_, DeletedData>(&mut deserializer)
        .map(|deleted| DeletedUser { id: deleted.id })
        .map_err(|error| {
            let segments: Vec<_> = error.path().iter().cloned().collect();
            WebhookError::User(ReadError::at_root(
                &segments,
                &error.inner().to_string(),
                |_| &[],
            ))
        })
}
