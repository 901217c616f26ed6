//! Errors as pages: handlers return [`crate::error::WebError`], which answers JSON; for
//! browser routes this middleware turns that JSON into an NHS.UK-styled page with the
//! same safe message and the request id. API routes keep the JSON.

use askama::Template;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::page::Chrome;
use crate::security::RequestId;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: String,
    message: String,
    status: u16,
}

/// The middleware.
pub async fn html_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/") || request.uri().path() == "/openapi.json";
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if api || !is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let message = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "Sorry, there is a problem with the service.".to_owned());
    let title = match status.as_u16() {
        401 => "Sign in to continue",
        403 => "You cannot do that",
        404 => "Page not found",
        409 => "Someone else changed this record",
        422 => "There is a problem with what was sent",
        _ => "Sorry, there is a problem with the service",
    };
    let page = ErrorPage {
        chrome: Chrome {
            request_id,
            ..Chrome::default()
        },
        title: title.to_owned(),
        message,
        status: status.as_u16(),
    };
    match page.render() {
        Ok(html) => (parts.status, Html(html)).into_response(),
        Err(_) => Response::from_parts(parts, Body::from(bytes)),
    }
}
