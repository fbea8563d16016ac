//! The checks of an update's profile fields. Each check adds to a list, so a caller
//! sees every problem at once, and no message quotes the value it rejects.

use crate::error::{ValidationError, codes};
use crate::id::is_object_id;
use crate::patch::FieldPatch;
use crate::rules::Rules;
use crate::update::Profile;

/// Characters Clerk never allows in a username.
const USERNAME_FORBIDDEN: &[char] = &['^', '$', '!', '.', '`', '#', '+', '~'];

pub(crate) fn profile(p: &Profile, rules: &Rules, errors: &mut Vec<ValidationError>) {
    let mut push =
        |field, code, message: String| errors.push(ValidationError::new(field, code, message));

    for (field, value) in [("first_name", &p.first_name), ("last_name", &p.last_name)] {
        if let FieldPatch::Set(name) = value {
            if name.chars().count() > rules.name_max_chars {
                push(
                    field,
                    codes::FORM_PARAM_MAX_LENGTH_EXCEEDED,
                    format!(
                        "{field} must be at most {} characters",
                        rules.name_max_chars
                    ),
                );
            }
        }
    }

    if let FieldPatch::Set(username) = &p.username {
        let chars = username.chars().count();
        if chars < rules.username_min_chars || chars > rules.username_max_chars {
            push(
                "username",
                codes::FORM_USERNAME_INVALID_LENGTH,
                format!(
                    "username must be between {} and {} characters",
                    rules.username_min_chars, rules.username_max_chars
                ),
            );
        }
        if !username.chars().all(username_char) {
            push(
                "username",
                codes::FORM_USERNAME_INVALID_CHARACTER,
                "username may hold only Latin letters, digits and symbols other than ^$!.`#+~, without whitespace"
                    .to_owned(),
            );
        }
    }

    for (field, value) in [
        ("primary_email_address_id", &p.primary_email_address_id),
        ("primary_phone_number_id", &p.primary_phone_number_id),
        ("primary_web3_wallet_id", &p.primary_web3_wallet_id),
        ("profile_image_id", &p.profile_image_id),
    ] {
        if let FieldPatch::Set(id) = value {
            if !is_object_id(id) {
                push(
                    field,
                    codes::FORM_PARAM_FORMAT_INVALID,
                    format!("{field} must be a Clerk ID: ASCII letters, digits and `_`"),
                );
            }
        }
    }

    if let FieldPatch::Set(locale) = &p.locale {
        if !is_language_tag(locale) {
            push(
                "locale",
                codes::FORM_PARAM_FORMAT_INVALID,
                "locale must be a language tag such as `en` or `en-US`".to_owned(),
            );
        }
    }

    if let FieldPatch::Set(password) = &p.password {
        if password.len() < rules.password_min_bytes {
            push(
                "password",
                codes::FORM_PASSWORD_LENGTH_TOO_SHORT,
                format!(
                    "password must be at least {} bytes",
                    rules.password_min_bytes
                ),
            );
        }
        if password.len() > rules.password_max_bytes {
            push(
                "password",
                codes::FORM_PASSWORD_SIZE_IN_BYTES_EXCEEDED,
                format!(
                    "password must be at most {} bytes of UTF-8",
                    rules.password_max_bytes
                ),
            );
        }
    }
    let has_password = matches!(p.password, FieldPatch::Set(_));
    for (field, value) in [
        ("skip_password_checks", &p.skip_password_checks),
        ("sign_out_of_other_sessions", &p.sign_out_of_other_sessions),
    ] {
        if !value.is_unchanged() && !has_password {
            push(
                field,
                codes::FORM_PARAM_MISSING,
                format!("{field} can be sent only together with password"),
            );
        }
    }
    let has_digest = !p.password_digest.is_unchanged();
    let has_hasher = !p.password_hasher.is_unchanged();
    if has_digest && !has_hasher {
        push(
            "password_hasher",
            codes::FORM_PARAM_MISSING,
            "password_digest needs password_hasher, the algorithm it was made with".to_owned(),
        );
    }
    if has_hasher && !has_digest {
        push(
            "password_digest",
            codes::FORM_PARAM_MISSING,
            "password_hasher needs password_digest".to_owned(),
        );
    }
    if has_digest && !p.password.is_unchanged() {
        push(
            "password_digest",
            codes::CONFLICTING_FIELDS,
            "send either password or password_digest, not both".to_owned(),
        );
    }
    if let FieldPatch::Set(digest) = &p.password_digest {
        if digest.is_empty() {
            push(
                "password_digest",
                codes::FORM_PARAM_VALUE_INVALID,
                "password_digest must not be empty".to_owned(),
            );
        }
    }

    for (field, value) in [
        ("legal_accepted_at", &p.legal_accepted_at),
        ("created_at", &p.created_at),
    ] {
        if let FieldPatch::Set(timestamp) = value {
            if timestamp.to_rfc3339().is_none() {
                push(
                    field,
                    codes::FORM_PARAM_FORMAT_INVALID,
                    format!(
                        "{field} must be expressible in RFC 3339 (years 0000 to 9999, whole-minute offsets)"
                    ),
                );
            }
        }
    }

    if let FieldPatch::Set(backup_codes) = &p.backup_codes {
        if backup_codes.iter().any(String::is_empty) {
            push(
                "backup_codes",
                codes::FORM_PARAM_VALUE_INVALID,
                "every backup code must be non-empty".to_owned(),
            );
        }
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
