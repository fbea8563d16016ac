//! A downstream app crate: it depends on `clerk-metadata` alone, not on `serde`, and
//! derives its own schema. Its tests show it gets the typed tiers and patches; the
//! compile-fail suite in `tests/ui` shows it gets the same write guards.

use clerk_metadata::UserMetadata;

/// A downstream schema with plain field types.
#[derive(UserMetadata)]
pub struct Member {
    /// Plan name, set by billing.
    #[metadata(public)]
    pub plan: String,
    /// Seat count, set by billing.
    #[metadata(private)]
    pub seats: u32,
    /// Whether the user dismissed the tour.
    #[metadata(unsafe)]
    pub tour_done: bool,
}
