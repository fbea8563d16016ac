//! Validation errors: every problem of an update, collected, each with the field it is
//! about, a stable code and a sentence.

use core::fmt;
use std::borrow::Cow;

/// One problem found while validating an update. It never contains the value that was
/// rejected, so it is safe to log even when that value was a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: Cow<'static, str>,
    code: &'static str,
    message: String,
}

impl ValidationError {
    pub(crate) fn new(
        field: impl Into<Cow<'static, str>>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ValidationError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// The JSON field the problem is about, such as `username`, `public_metadata`,
    /// `unsafe_metadata.score` or `user_id`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// A stable, machine-readable code. Where Clerk reports the same problem, this is
    /// Clerk's own code (`form_password_length_too_short`, `form_param_format_invalid`,
    /// …); the [`codes`](crate::codes) module lists them all.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A sentence a person understands.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.field, self.message, self.code)
    }
}

impl std::error::Error for ValidationError {}

/// Every problem of an update, in the order the fields are checked. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationErrors(Vec<ValidationError>);

impl ValidationErrors {
    pub(crate) fn from_vec(errors: Vec<ValidationError>) -> Result<(), Self> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }

    /// The problems, in order.
    pub fn errors(&self) -> &[ValidationError] {
        &self.0
    }

    /// An iterator over the problems.
    pub fn iter(&self) -> core::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// How many problems there are (at least one).
    #[allow(clippy::len_without_is_empty)] // never empty
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether some problem is about `field` with `code`.
    pub fn contains(&self, field: &str, code: &str) -> bool {
        self.0.iter().any(|e| e.field == field && e.code == code)
    }

    /// The problems, by value.
    pub fn into_vec(self) -> Vec<ValidationError> {
        self.0
    }
}

impl From<ValidationError> for ValidationErrors {
    fn from(error: ValidationError) -> Self {
        ValidationErrors(vec![error])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} invalid field{}",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )?;
        for (i, error) in self.0.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { "; " })?;
            fmt::Display::fmt(error, f)?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = core::slice::Iter<'a, ValidationError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The codes a [`ValidationError`] carries. Those starting `form_` are Clerk's own.
pub mod codes {
    /// A value does not have the required shape (IDs, locale, timestamps). Clerk's code.
    pub const FORM_PARAM_FORMAT_INVALID: &str = "form_param_format_invalid";
    /// A string is longer than allowed (first and last name). Clerk's code.
    pub const FORM_PARAM_MAX_LENGTH_EXCEEDED: &str = "form_param_max_length_exceeded";
    /// A value is not allowed (an empty backup code). Clerk's code.
    pub const FORM_PARAM_VALUE_INVALID: &str = "form_param_value_invalid";
    /// A field that another field needs is missing. Clerk's code.
    pub const FORM_PARAM_MISSING: &str = "form_param_missing";
    /// The username is too short or too long. Clerk's code.
    pub const FORM_USERNAME_INVALID_LENGTH: &str = "form_username_invalid_length";
    /// The username contains a character Clerk does not allow. Clerk's code.
    pub const FORM_USERNAME_INVALID_CHARACTER: &str = "form_username_invalid_character";
    /// The password is shorter than allowed. Clerk's code.
    pub const FORM_PASSWORD_LENGTH_TOO_SHORT: &str = "form_password_length_too_short";
    /// The password is longer than bcrypt's 72 bytes. Clerk's code.
    pub const FORM_PASSWORD_SIZE_IN_BYTES_EXCEEDED: &str = "form_password_size_in_bytes_exceeded";
    /// Two fields that exclude each other are both set (`password` and `password_digest`,
    /// or a metadata tier both patched and replaced).
    pub const CONFLICTING_FIELDS: &str = "conflicting_fields";
    /// A metadata object is larger than the limit (8 KiB by default).
    pub const METADATA_TOO_LARGE: &str = "metadata_too_large";
    /// A metadata value could not be serialized to JSON (a map with non-string keys, say).
    pub const METADATA_NOT_SERIALIZABLE: &str = "metadata_not_serializable";
    /// A metadata value holds a NaN or an infinity, which JSON cannot carry: serde_json
    /// would send `null`, which deletes the key. The field names the path.
    pub const METADATA_NON_FINITE_NUMBER: &str = "metadata_non_finite_number";
    /// A replaced metadata tier does not serialize as a JSON object.
    pub const METADATA_NOT_AN_OBJECT: &str = "metadata_not_an_object";
    /// The frontend tried to write a tier it may not write.
    pub const FRONTEND_WRITE_FORBIDDEN: &str = "frontend_write_forbidden";
    /// The chosen API version has no endpoint for this write.
    pub const UNSUPPORTED_IN_API_VERSION: &str = "unsupported_in_api_version";
    /// The update sends nothing.
    pub const EMPTY_UPDATE: &str = "empty_update";
    /// The session-token claims a public write sets are over the budget.
    pub const CLAIMS_OVER_BUDGET: &str = "claims_over_budget";
    /// A metadata write names a tier its owner does not have (unsafe metadata of an
    /// organization or a membership, from a hand-written patch).
    pub const METADATA_TIER_UNSUPPORTED: &str = "metadata_tier_unsupported";
    /// A migration that writes was asked to resume from a dry run's checkpoint: the
    /// dry run moved the cursor past users it wrote nothing to (feature `jobs`).
    pub const CHECKPOINT_FROM_DRY_RUN: &str = "checkpoint_from_dry_run";
    /// A migration was asked to resume from a checkpoint of another query (feature
    /// `jobs`).
    pub const CHECKPOINT_QUERY_MISMATCH: &str = "checkpoint_query_mismatch";
}
