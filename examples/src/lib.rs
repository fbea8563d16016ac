//! Examples live beside this file; run them with `cargo run --example NAME`. The axum
//! app's routes live here, so that its end-to-end test can serve the same app.

pub mod axum_app;
pub mod migrate;
pub mod organizations;
pub mod tour;
pub mod webhook_sync;
