//! Static front-end assets, embedded in the binary at build time (see build.rs): the
//! NHS.UK design system's CSS, JS and favicon, or the plain fallback stylesheet.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The project's own additions to the design system (AGP report, charts, print layout).
pub const SITE_CSS: &str = concat!(
    include_str!("../assets/site.css"),
    include_str!("../assets/report.css")
);

const CACHE: &str = "public, max-age=86400";

/// `/assets/*` routes.
pub fn routes() -> Router {
    Router::new()
        .route("/assets/nhsuk.css", get(css))
        .route("/assets/site.css", get(site_css))
        .route("/assets/nhsuk.js", get(js))
        .route("/favicon.ico", get(favicon))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        FRONTEND_CSS,
    )
}

async fn site_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        SITE_CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        FRONTEND_JS,
    )
}

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, CACHE),
        ],
        FAVICON,
    )
}
