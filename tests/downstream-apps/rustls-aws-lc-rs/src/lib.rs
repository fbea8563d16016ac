//! An app that depends on clerk-metadata and an HTTP client of its own; see its tests.
