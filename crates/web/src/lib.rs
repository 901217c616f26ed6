//! diapath-web: the browser pages, the JSON API and the operational endpoints, as one
//! axum router. Handlers are thin: every decision about who may do what is made by the
//! domain crate's permission function (through `diapath_store::pathway`), and every
//! patient-data access is audited.

pub mod agp_report;
pub mod api;
pub mod app;
pub mod assets;
pub mod auth;
pub mod error;
pub mod error_page;
pub mod health;
pub mod metrics;
pub mod page;
pub mod pages;
pub mod ratelimit;
pub mod security;
pub mod svg;
pub mod units;
pub mod views;

pub use app::{AppState, Clock, router};

use axum::Router;

/// Routes that need no signed-in user and touch no patient data: assets and liveness.
pub(crate) fn public_routes_inner() -> Router {
    Router::new()
        .merge(assets::routes())
        .merge(health::routes())
}
