//! Examples live beside this file; run them with `cargo run --example NAME`, adding
//! `--features NAME` for `axum_app`, `export_types`, `webhook_sync` and `migrate`. The apps' code
//! lives here, so that their tests can serve the same app.

#[cfg(feature = "axum_app")]
pub mod axum_app;
#[cfg(feature = "migrate")]
pub mod migrate;
pub mod organizations;
#[cfg(feature = "export_types")]
pub mod tour;
#[cfg(feature = "webhook_sync")]
pub mod webhook_sync;
