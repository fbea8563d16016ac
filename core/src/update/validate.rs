//! The checks of an update's profile fields: one function per kind of field, named in
//! the field table (`fields.rs`), and the rules across fields. Each check adds to a
//! list, so a caller sees every problem at once, and no message quotes the value it
//! rejects.

use super::rules::Rules;
use super::table::Profile;
use crate::validation::{ValidationError, codes};
use crate::wire::id::is_object_id;
use crate::wire::values::Timestamp;

/// Characters Clerk never allows in a username.
const USERNAME_FORBIDDEN: &[char] = &['^', '$', '!', '.', '`', '#', '+', '~'];

/// `first_name` and `last_name`: at most `rules.name_max_chars` characters.
pub(super) fn name(
    field: &'static str,
    name: &str,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if name.chars().count() > rules.name_max_chars {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_MAX_LENGTH_EXCEEDED,
            format!(
                "{field} must be at most {} characters",
                rules.name_max_chars
            ),
        ));
    }
}

/// `username`: its length within the rules, and Clerk's alphabet.
pub(super) fn username(
    field: &'static str,
    username: &str,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    let chars = username.chars().count();
    if chars < rules.username_min_chars || chars > rules.username_max_chars {
        errors.push(ValidationError::new(
            field,
            codes::FORM_USERNAME_INVALID_LENGTH,
            format!(
                "username must be between {} and {} characters",
                rules.username_min_chars, rules.username_max_chars
            ),
        ));
    }
    if !username.chars().all(username_char) {
        errors.push(ValidationError::new(
            field,
            codes::FORM_USERNAME_INVALID_CHARACTER,
            "username may hold only Latin letters, digits and symbols other than ^$!.`#+~, without whitespace",
        ));
    }
}

/// The IDs of Clerk objects (identifications, images).
pub(super) fn object_id(
    field: &'static str,
    id: &str,
    _rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if !is_object_id(id) {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_FORMAT_INVALID,
            format!("{field} must be a Clerk ID: ASCII letters, digits and `_`"),
        ));
    }
}

/// `locale`: a language tag.
pub(super) fn language_tag(
    field: &'static str,
    locale: &str,
    _rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if !is_language_tag(locale) {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_FORMAT_INVALID,
            "locale must be a language tag such as `en` or `en-US`",
        ));
    }
}

/// `password`: at least the rules' characters, at most their bytes of UTF-8 (bcrypt's
/// limit is in bytes; Clerk's minimum is in characters).
pub(super) fn password(
    field: &'static str,
    password: &str,
    rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if password.chars().count() < rules.password_min_chars {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PASSWORD_LENGTH_TOO_SHORT,
            format!(
                "password must be at least {} characters",
                rules.password_min_chars
            ),
        ));
    }
    if password.len() > rules.password_max_bytes {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PASSWORD_SIZE_IN_BYTES_EXCEEDED,
            format!(
                "password must be at most {} bytes of UTF-8",
                rules.password_max_bytes
            ),
        ));
    }
}

/// A value that must not be empty (`password_digest`).
pub(super) fn not_empty(
    field: &'static str,
    value: &str,
    _rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if value.is_empty() {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_VALUE_INVALID,
            format!("{field} must not be empty"),
        ));
    }
}

/// A timestamp RFC 3339 can write.
pub(super) fn rfc3339(
    field: &'static str,
    timestamp: &Timestamp,
    _rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if timestamp.to_rfc3339().is_none() {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_FORMAT_INVALID,
            format!("{field} must be between 1970 and 9999 to be written in RFC 3339"),
        ));
    }
}

/// `backup_codes`: each non-empty.
pub(super) fn backup_codes(
    field: &'static str,
    codes_: &[String],
    _rules: &Rules,
    errors: &mut Vec<ValidationError>,
) {
    if codes_.iter().any(String::is_empty) {
        errors.push(ValidationError::new(
            field,
            codes::FORM_PARAM_VALUE_INVALID,
            "every backup code must be non-empty",
        ));
    }
}

/// The rules across fields: what `password` and `password_digest` need and exclude.
pub(super) fn across(p: &Profile, errors: &mut Vec<ValidationError>) {
    let has_password = p.password.set().is_some();
    for (field, kept) in [
        ("skip_password_checks", p.skip_password_checks.is_kept()),
        (
            "sign_out_of_other_sessions",
            p.sign_out_of_other_sessions.is_kept(),
        ),
    ] {
        if !kept && !has_password {
            errors.push(ValidationError::new(
                field,
                codes::FORM_PARAM_MISSING,
                format!("{field} can be sent only together with password"),
            ));
        }
    }
    let has_digest = !p.password_digest.is_kept();
    let has_hasher = !p.password_hasher.is_kept();
    if has_digest && !has_hasher {
        errors.push(ValidationError::new(
            "password_hasher",
            codes::FORM_PARAM_MISSING,
            "password_digest needs password_hasher, the algorithm it was made with",
        ));
    }
    if has_hasher && !has_digest {
        errors.push(ValidationError::new(
            "password_digest",
            codes::FORM_PARAM_MISSING,
            "password_hasher needs password_digest",
        ));
    }
    if has_digest && !p.password.is_kept() {
        errors.push(ValidationError::new(
            "password_digest",
            codes::CONFLICTING_FIELDS,
            "send either password or password_digest, not both",
        ));
    }
}

/// Clerk's default username alphabet: Latin script, no whitespace or control
/// characters, none of ``^$!.`#+~``.
fn username_char(c: char) -> bool {
    if c.is_whitespace() || c.is_control() || USERNAME_FORBIDDEN.contains(&c) {
        return false;
    }
    matches!(c,
        '!'..='~'                       // Basic Latin, printable
        | '\u{00C0}'..='\u{00D6}'       // Latin-1 Supplement letters
        | '\u{00D8}'..='\u{00F6}'
        | '\u{00F8}'..='\u{024F}'       // … and Latin Extended-A and -B
        | '\u{1E00}'..='\u{1EFF}'       // Latin Extended Additional
        | '\u{2C60}'..='\u{2C7F}'       // Latin Extended-C
        | '\u{A720}'..='\u{A7FF}'       // Latin Extended-D
        | '\u{AB30}'..='\u{AB6F}'       // Latin Extended-E
    )
}

/// `en`, `en-US`, `zh-Hant-TW`, `es-419`: a 2–3 letter language, then subtags of 1–8
/// letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    language_ok
        && parts.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["en", "en-US", "fr-FR", "zh-Hant-TW", "es-419", "ast"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "english",
            "en_US",
            "en-",
            "-US",
            "en-US-",
            "en US",
            "é",
            "en-abcdefghi",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn username_alphabet() {
        for ok in ['a', 'Z', '0', '_', '-', '@', 'é', 'ß', 'Ł', 'ṃ'] {
            assert!(username_char(ok), "{ok}");
        }
        for bad in [
            '^', '$', '!', '.', '`', '#', '+', '~', ' ', '\t', '\n', '\u{0}', 'Ж', '中', 'α',
            '\u{00D7}', '😀',
        ] {
            assert!(!username_char(bad), "{bad:?}");
        }
    }
}
