//! The limits an update is checked against.

/// Limits that Clerk applies by default; an instance can change some of them in its
/// settings (username length, for one), so they are values, not constants.
///
/// ```
/// # use clerk_metadata::Rules;
/// let mut rules = Rules::default();
/// rules.username_min_chars = 3;
/// assert_eq!(rules.metadata_max_bytes, 8 * 1024);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rules {
    /// Fewest characters in a username. Clerk's default: 4.
    pub username_min_chars: usize,
    /// Most characters in a username. Clerk's default: 64.
    pub username_max_chars: usize,
    /// Most characters in `first_name` and `last_name`. Clerk: 256.
    pub name_max_chars: usize,
    /// Fewest characters in a password, counted as Clerk counts them (Unicode scalar
    /// values). Clerk's default: 8.
    pub password_min_chars: usize,
    /// Most bytes of UTF-8 in a password: bcrypt's limit, 72.
    pub password_max_bytes: usize,
    /// Most bytes in one metadata object as sent (its JSON). Clerk documents 8 KiB.
    pub metadata_max_bytes: usize,
    /// What a write of public metadata whose claim-marked fields
    /// (`#[metadata(public, claim)]`) would take more of the session token than this
    /// does: by default a warning past Clerk's advice of 1.2 KB (see [`crate::claims`]).
    /// A patch is measured by what it sets (the claims it leaves alone are not known);
    /// a replace, whole.
    pub claims_budget: crate::claims::ClaimsBudget,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            username_min_chars: 4,
            username_max_chars: 64,
            name_max_chars: 256,
            password_min_chars: 8,
            password_max_bytes: 72,
            metadata_max_bytes: 8 * 1024,
            claims_budget: crate::claims::ClaimsBudget::default(),
        }
    }
}
