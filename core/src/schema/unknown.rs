//! `UnknownKeys`: the keys of a nested metadata object that its struct does not name.

use core::cell::Cell;
use core::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The keys of an object nested in metadata that its struct does not name, kept so
/// that writing the object back (a replace built from a read, or the whole field set
/// again) does not delete what another service, or another version of the app, stored
/// inside it.
///
/// A struct with `#[derive(MetadataObject)]` holds one, flattened:
///
/// ```
/// use clerk_metadata::{MetadataObject, UnknownKeys};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, MetadataObject)]
/// #[serde(default)]
/// pub struct Notifications {
///     pub email: bool,
///     pub push: bool,
///     #[serde(flatten)]
///     pub unknown: UnknownKeys,
/// }
///
/// let stored: Notifications = serde_json::from_str(r#"{"email": true, "vendor_x": "kept"}"#)?;
/// assert_eq!(stored.unknown.keys().collect::<Vec<_>>(), ["vendor_x"]);
/// assert_eq!(serde_json::to_string(&stored)?, r#"{"email":true,"push":false,"vendor_x":"kept"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A patch never writes these keys (Clerk's deep merge leaves them alone): neither a
/// nested patch nor a whole value set in a patch (`.notifications(value)` sends the
/// value's named fields only); a replace of the tier writes them back. Only
/// [`clear`](Self::clear) lets them go. A nested object that should not keep them says
/// so with `#[metadata(drop_unknown_keys)]` instead.
///
/// The values are kept as `serde_json::Value` (serde's `flatten` buffers them, so the
/// raw text cannot be kept as [`Stored`](crate::Stored) keeps a tier's): a number is
/// written back as serde_json reads it (an integer beyond 64 bits as the nearest
/// `f64`), and a number no `f64` can hold (`1e400`) fails the read with the field's
/// path.
///
/// `Debug` shows how many keys there are, never their names or values: the object may
/// sit in private metadata.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct UnknownKeys(Map<String, Value>);

impl UnknownKeys {
    /// No unknown keys: writing the object sets exactly its named fields.
    pub fn new() -> Self {
        UnknownKeys(Map::new())
    }

    /// How many keys the struct does not name.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether every stored key is named by the struct.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value stored under `key`, if the struct does not name it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The keys and their values.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// Drops every key, so that writing the object back deletes them at Clerk.
    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The keys and their values, owned.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl From<Map<String, Value>> for UnknownKeys {
    fn from(map: Map<String, Value>) -> Self {
        UnknownKeys(map)
    }
}

impl fmt::Debug for UnknownKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnknownKeys({} keys)", self.0.len())
    }
}

std::thread_local! {
    /// Set while a patch writes a value whole: a patch never sends unknown keys.
    static IN_PATCH: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write` with every `UnknownKeys` writing nothing: what a merge patch sends of a
/// value it sets whole is the value's named fields. Sending the unknown keys back would
/// overwrite, with what was read, what another service changed since, and a `null`
/// among them would delete a key.
pub(crate) fn leaving_out<R>(write: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            IN_PATCH.with(|flag| flag.set(self.0));
        }
    }
    let _restore = Restore(IN_PATCH.with(|flag| flag.replace(true)));
    write()
}

/// The keys and their values as stored; nothing inside a patch (see `leaving_out`).
impl Serialize for UnknownKeys {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if IN_PATCH.with(Cell::get) {
            Map::new().serialize(serializer)
        } else {
            self.0.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for UnknownKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(UnknownKeys)
    }
}

#[cfg(feature = "json-schema")]
impl schemars::JsonSchema for UnknownKeys {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UnknownKeys".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object", "additionalProperties": true })
    }
}
