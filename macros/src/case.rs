//! serde's `rename_all` rules, applied to field names, so that the keys a patch writes
//! are exactly the keys `#[derive(Serialize)]` writes for the tier structs.

/// A `rename_all` rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    /// The rule serde names `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// The accepted rule names, for error messages.
    pub const NAMES: &'static str = "\"lowercase\", \"UPPERCASE\", \"PascalCase\", \"camelCase\", \
         \"snake_case\", \"SCREAMING_SNAKE_CASE\", \"kebab-case\", \"SCREAMING-KEBAB-CASE\"";

    /// Applies the rule to a field name, which Rust style writes in snake case.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Pascal => pascal(field),
            RenameRule::Camel => {
                let pascal = pascal(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                    None => pascal,
                }
            }
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
        }
    }
}

fn pascal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capitalize = true;
    for ch in field.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RenameRule::*;

    #[test]
    fn rules_match_serde() {
        let cases = [
            (
                "outcome", "outcome", "OUTCOME", "Outcome", "outcome", "OUTCOME", "outcome",
                "OUTCOME",
            ),
            (
                "very_tasty",
                "very_tasty",
                "VERY_TASTY",
                "VeryTasty",
                "veryTasty",
                "VERY_TASTY",
                "very-tasty",
                "VERY-TASTY",
            ),
            ("a", "a", "A", "A", "a", "A", "a", "A"),
            ("z42", "z42", "Z42", "Z42", "z42", "Z42", "z42", "Z42"),
        ];
        for (field, lower, upper, pascal, camel, screaming, kebab, screaming_kebab) in cases {
            assert_eq!(Lower.apply_to_field(field), lower);
            assert_eq!(Snake.apply_to_field(field), lower);
            assert_eq!(Upper.apply_to_field(field), upper);
            assert_eq!(Pascal.apply_to_field(field), pascal);
            assert_eq!(Camel.apply_to_field(field), camel);
            assert_eq!(ScreamingSnake.apply_to_field(field), screaming);
            assert_eq!(Kebab.apply_to_field(field), kebab);
            assert_eq!(ScreamingKebab.apply_to_field(field), screaming_kebab);
        }
    }
}
