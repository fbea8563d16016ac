//! The schema: tiers, writers and their guards, the traits a derived schema implements,
//! typed patches (and how a browser's JSON becomes one), and stored tiers that keep
//! what the schema does not name.
//!
//! Imports point down this list: `tier` and `field` need nothing here, `writer` needs
//! `tier`, `patch` needs both, `browser` and `metadata` need `patch`, `stored` needs
//! `metadata`.

pub(crate) mod browser;
pub(crate) mod field;
pub(crate) mod metadata;
pub(crate) mod patch;
pub(crate) mod stored;
pub(crate) mod tier;
pub(crate) mod unknown;
pub(crate) mod writer;
