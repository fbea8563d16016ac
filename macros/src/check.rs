//! Rules across fields: names the generated code would clash on, keys two fields
//! share, and what a nested object must allow.

use std::collections::BTreeMap;

use crate::ctxt::Ctxt;
use crate::model::{Kind, Schema};
use crate::syntax::TierName;

/// Method names the generated patch types define for themselves.
const RESERVED: &[&str] = &[
    "new",
    "widen",
    "is_empty",
    "set_public",
    "set_private",
    "set_unsafe",
];

/// The claims of Clerk's session token (version 2) that a customization cannot set.
const CLERK_CLAIMS: &[&str] = &[
    "act", "azp", "exp", "fea", "fva", "iat", "iss", "jti", "nbf", "o", "pla", "sid", "sts", "sub",
    "v",
];

/// Words that make a field's name read like an authorization fact: who the user is to
/// the app, what they paid for, what they may do. Matched against the words of the
/// field's Rust name, its JSON key and its aliases (`is_admin`, `requestedPlan`,
/// `user-role` each have one).
pub(crate) const AUTHORIZATION_WORDS: &[&str] = &[
    "admin",
    "administrator",
    "banned",
    "credit",
    "entitlement",
    "moderator",
    "owner",
    "paid",
    "permission",
    "plan",
    "premium",
    "privilege",
    "quota",
    "role",
    "staff",
    "subscription",
    "superuser",
    "tier",
    "verified",
];

/// The words of a name: split at `_`, `-`, `.`, `:`, `/`, spaces, lower-to-upper case
/// changes and the end of an upper-case run (`PLANId` is `plan`, `id`), lower-cased.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | '.' | ':' | '/' | ' ') {
            words.extend((!word.is_empty()).then(|| std::mem::take(&mut word)));
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    words.extend((!word.is_empty()).then_some(word));
    words
}

/// Whether `word` is an authorization word, or one of them glued to what such names
/// often carry: a plural `s`, an `is` or `user` before it, digits after it
/// (`isadmin`, `userrole`, `plans`, `admin2`).
fn reads_like_authorization(word: &str) -> bool {
    let listed = |w: &str| AUTHORIZATION_WORDS.contains(&w);
    let stem = word.trim_end_matches(|c: char| c.is_ascii_digit());
    [
        Some(stem),
        stem.strip_prefix("is"),
        stem.strip_prefix("user"),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .any(|s| listed(s) || s.strip_suffix('s').is_some_and(listed))
}

/// The first word of `names`, or pair of adjacent words written apart (`super_user`),
/// that reads like an authorization fact.
pub(crate) fn authorization_word<'n>(names: impl IntoIterator<Item = &'n str>) -> Option<String> {
    names.into_iter().find_map(|name| {
        let words = words(name);
        let pairs = words.windows(2).map(|pair| pair.concat());
        words
            .iter()
            .cloned()
            .chain(pairs)
            .find(|w| reads_like_authorization(w))
    })
}

pub fn check(cx: &Ctxt, schema: &Schema) {
    let mut methods: BTreeMap<String, &str> = BTreeMap::new();
    let mut keys: BTreeMap<&str, &str> = BTreeMap::new();
    let mut claims: BTreeMap<&str, &str> = BTreeMap::new();
    for field in &schema.fields {
        if field.tier == Some(TierName::Unsafe)
            && !field.user_controlled
            && let Some(word) = authorization_word(
                std::iter::once(field.name.as_str())
                    .chain(std::iter::once(field.key.as_str()))
                    .chain(field.aliases.iter().map(String::as_str)),
            )
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "unsafe field `{}` reads like an authorization fact (`{word}`), but the signed-in user writes unsafe metadata, from your frontend or straight through Clerk's Frontend API: anything read from it is what the user chose. Put it in public metadata (`#[metadata(public)]`: the backend writes it, the browser reads it), or, if it is only the user's request that the backend checks before acting on it (a sign-up's requested plan, promoted to public metadata once checked), say so: `#[metadata(unsafe, user_controlled)]`",
                    field.name
                ),
            );
        }
        if let Some(claim) = &field.claim
            && CLERK_CLAIMS.contains(&claim.as_str())
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` would be copied into the session-token claim `{claim}`, which is one of Clerk's own claims: Clerk keeps its value, so the field would read Clerk's; name another claim with `#[metadata(public, claim = \"...\")]`",
                    field.name
                ),
            );
        }
        if let Some(claim) = &field.claim
            && let Some(other) = claims.insert(claim, &field.name)
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "fields `{other}` and `{}` are both copied into the session-token claim `{claim}`",
                    field.name
                ),
            );
        }
        if RESERVED.contains(&field.name.as_str()) {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` would clash with the patch method of the same name; rename the field and keep its JSON key with `#[serde(rename = \"{}\")]`",
                    field.name, field.key
                ),
            );
        }
        let mut own = vec![field.name.clone(), format!("remove_{}", field.name)];
        if field.required {
            own.push(format!("remove_required_{}", field.name));
        }
        if field.nested.is_some() {
            own.push(format!("merge_{}", field.name));
        }
        for method in own {
            if let Some(other) = methods.insert(method.clone(), &field.name) {
                cx.error_spanned_by(
                    field.ident,
                    format_args!(
                        "the patch method `{method}` of field `{}` clashes with field `{other}`",
                        field.name
                    ),
                );
            }
        }
        for key in std::iter::once(&field.key).chain(&field.aliases) {
            if let Some(other) = keys.insert(key, &field.name)
                && other != field.name
            {
                cx.error_spanned_by(
                        field.ident,
                        format_args!(
                            "fields `{other}` and `{}` share the JSON key `{key}`: a patch could not tell them apart",
                            field.name
                        ),
                    );
            }
        }
        if field.nested.is_some()
            && let Some(alias) = field.aliases.first()
        {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` takes a nested patch and is also read from the old key `{alias}`: a merge would have to delete `{alias}` with every nested key the patch does not set, or leave two keys the schema cannot read together; migrate the stored data first (read the user with a plain `alias` field and replace the tier, which moves the object whole, unknown keys included), then drop the `alias` and mark the field `nested`",
                    field.name
                ),
            );
        }
        if schema.kind == Kind::Object && field.required {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "field `{}` of a nested object must be optional (`Option<_>`, or `#[serde(default)]` on the field or the struct): a nested patch sends only the keys it changes, and Clerk creates a missing object from just those",
                    field.name
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{authorization_word, words};

    #[test]
    fn names_split_into_words_as_written_in_any_case_style() {
        assert_eq!(words("is_admin"), ["is", "admin"]);
        assert_eq!(words("requestedPlan"), ["requested", "plan"]);
        assert_eq!(words("user-Role"), ["user", "role"]);
        assert_eq!(words("HTTPServer2"), ["http", "server2"]);
        assert_eq!(words("PLANId"), ["plan", "id"]);
        assert_eq!(words("isADMIN"), ["is", "admin"]);
        assert_eq!(words("app:role"), ["app", "role"]);
        for name in [
            "isadmin",
            "userrole",
            "admin2",
            "role1",
            "PLANId",
            "ADMINFlag",
            "app:role",
            "https://x.com/role",
            "plans",
            "tiers",
            "owners",
            "subscriptions",
            "quotas",
            "moderators",
            "administrator",
            "super_user",
            "superusers",
            "credits_left",
        ] {
            assert!(authorization_word([name]).is_some(), "{name}");
        }
        for name in [
            "theme",
            "planet",
            "explanation",
            "badminton",
            "roller",
            "tierra",
            "isolate",
        ] {
            assert_eq!(authorization_word([name]), None, "{name}");
        }
        assert_eq!(authorization_word(["planet", "explanation"]), None);
        assert_eq!(
            authorization_word(["theme", "isAdmin"]).as_deref(),
            Some("admin")
        );
        assert_eq!(
            authorization_word(["credits_left"]).as_deref(),
            Some("credits")
        );
    }
}
