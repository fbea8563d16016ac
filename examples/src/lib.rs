//! Examples live beside this file; run them with `cargo run --example NAME`, adding
//! `--features NAME` for `axum_app`, `export_types` and `webhook_sync`. The apps' code
//! lives here, so that their tests can serve the same app.

#[cfg(feature = "axum_app")]
pub mod axum_app;
pub mod organizations;
#[cfg(feature = "export_types")]
pub mod tour;
#[cfg(feature = "webhook_sync")]
pub mod webhook_sync;
