//! Liveness and readiness endpoints for load balancers and orchestrators.

use axum::Router;
use axum::routing::get;

/// `/health/live` and `/health/ready`.
pub fn routes() -> Router {
    Router::new()
        .route("/health/live", get(live))
        .route("/health/ready", get(ready))
}

async fn live() -> &'static str {
    "ok"
}

async fn ready() -> &'static str {
    "ready"
}
