//! What the derive knows of each field of a tier or nested object.

/// What the derive knows of one field: its names, whether the stored JSON must have
/// it, and its type as written.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The Rust name, without `r#`.
    pub name: &'static str,
    /// The JSON key, read and written.
    pub key: &'static str,
    /// Other keys the field is read from.
    pub aliases: &'static [&'static str],
    /// Whether a read fails without the key: not an `Option`, no `#[serde(default)]`.
    pub required: bool,
    /// Whether the field takes a nested patch (`#[metadata(nested)]`).
    pub nested: bool,
    /// The session-token claim the field is copied into (`#[metadata(claim)]`).
    pub claim: Option<&'static str>,
    /// The type as written, such as `Option<String>`.
    pub type_name: &'static str,
}

impl FieldInfo {
    /// Whether the field is read from `key`.
    pub fn reads(&self, key: &str) -> bool {
        self.key == key || self.aliases.contains(&key)
    }
}
