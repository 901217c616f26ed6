//! Security headers on every response, and a request id that error pages show and logs
//! carry, so a user's report can be matched to the log line without exposing internals.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The Content-Security-Policy of every page: same-origin only; no inline script; the
/// NHS.UK fonts origin allowed for the Frutiger web fonts the design system loads.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self' https://assets.nhs.uk; \
form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'";

/// The request-id header name.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id of the request being handled, put in request extensions by
/// [`request_id`].
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

static COUNTER: AtomicU64 = AtomicU64::new(1);

/// Gives each request an id (a random per-process prefix and a counter), stores it in
/// the request's extensions and echoes it in the `x-request-id` response header.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = format!(
        "{:08x}-{:06}",
        process_tag(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID.clone(), value);
    }
    response
}

/// Adds the security headers every response carries.
pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// A per-process tag so ids from several nodes behind one load balancer differ. Derived
/// from the address of a static and the process id: unpredictable enough to tell nodes
/// apart, and not a secret.
fn process_tag() -> u32 {
    static TAG: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *TAG.get_or_init(|| {
        let address = &COUNTER as *const AtomicU64 as usize as u64;
        let mixed = (address ^ u64::from(std::process::id())).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 32) as u32
    })
}
