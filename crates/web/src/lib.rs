//! diapath-web: the browser pages, the JSON API and the operational endpoints, as one
//! axum router. Handlers are thin: every decision about who may do what is made by the
//! domain crate's permission function, and every patient-data access is audited.

pub mod agp_report;
pub mod assets;
pub mod auth;
pub mod error;
pub mod health;
pub mod metrics;
pub mod page;
pub mod ratelimit;
pub mod security;
pub mod svg;
pub mod units;
pub mod views;

use axum::Router;

/// Routes that need no signed-in user and touch no patient data.
pub fn public_routes() -> Router {
    Router::new()
        .merge(assets::routes())
        .merge(health::routes())
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(security::request_id))
}
