//! Clerk API versions, sent as the `Clerk-API-Version` header.

use core::fmt;
use core::str::FromStr;

/// A dated version of Clerk's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiVersion {
    /// `2021-02-05`, the first version.
    V2021_02_05,
    /// `2025-11-10`.
    V2025_11_10,
    /// `2026-05-12`: `PATCH /v1/users/{user_id}` and `PATCH /v1/me` no longer accept
    /// metadata, which goes through the `…/metadata` endpoints.
    V2026_05_12,
}

impl ApiVersion {
    /// The newest version.
    pub const LATEST: ApiVersion = ApiVersion::V2026_05_12;

    /// Every version, oldest first.
    pub const ALL: [ApiVersion; 3] = [
        ApiVersion::V2021_02_05,
        ApiVersion::V2025_11_10,
        ApiVersion::V2026_05_12,
    ];

    /// The header value: `2026-05-12`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V2021_02_05 => "2021-02-05",
            ApiVersion::V2025_11_10 => "2025-11-10",
            ApiVersion::V2026_05_12 => "2026-05-12",
        }
    }

    /// Whether `PATCH /v1/me` still takes `unsafe_metadata` (a whole-object replace).
    pub(crate) const fn me_accepts_unsafe_metadata(self) -> bool {
        !matches!(self, ApiVersion::V2026_05_12)
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing an [`ApiVersion`] that Clerk does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownApiVersion;

impl fmt::Display for UnknownApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown Clerk API version: expected 2021-02-05, 2025-11-10 or 2026-05-12")
    }
}

impl std::error::Error for UnknownApiVersion {}

impl FromStr for ApiVersion {
    type Err = UnknownApiVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiVersion::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or(UnknownApiVersion)
    }
}
