//! Liveness for load balancers and orchestrators (readiness, which pings the database,
//! is in `app.rs`).

use axum::Router;
use axum::routing::get;

/// `/health/live`.
pub fn routes() -> Router {
    Router::new().route("/health/live", get(live))
}

async fn live() -> &'static str {
    "ok"
}
