//! Prometheus metrics: request counts and latency by route, served as text at
//! `/metrics`. Labels are route templates (`/patients/{id}`), never concrete paths, so
//! no identifier or patient data reaches the metrics.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Upper bounds of the latency histogram, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum: f64,
    buckets: [u64; BUCKETS.len()],
}

/// Series by (method, route template, status).
type SeriesMap = BTreeMap<(String, String, u16), Series>;

/// The registry shared by the middleware and the `/metrics` handler.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    series: Arc<Mutex<SeriesMap>>,
}

impl Registry {
    /// Records one request.
    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let Ok(mut map) = self.series.lock() else {
            return;
        };
        let s = map
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default();
        s.count += 1;
        s.sum += seconds;
        for (bucket, bound) in s.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP diapath_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE diapath_http_requests_total counter\n");
        let Ok(map) = self.series.lock() else {
            return out;
        };
        for ((method, route, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "diapath_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP diapath_http_request_seconds HTTP request latency by route.\n");
        out.push_str("# TYPE diapath_http_request_seconds histogram\n");
        let mut by_route: BTreeMap<(&str, &str), Series> = BTreeMap::new();
        for ((method, route, _), s) in map.iter() {
            let agg = by_route.entry((method, route)).or_default();
            agg.count += s.count;
            agg.sum += s.sum;
            for (a, b) in agg.buckets.iter_mut().zip(s.buckets) {
                *a += b;
            }
        }
        for ((method, route), s) in by_route {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "diapath_http_request_seconds_bucket{{{labels},le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "diapath_http_request_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "diapath_http_request_seconds_sum{{{labels}}} {}",
                s.sum
            );
            let _ = writeln!(
                out,
                "diapath_http_request_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        out
    }
}

/// Middleware recording every request under its route template.
pub async fn track(State(registry): State<Registry>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let request_id = request
        .extensions()
        .get::<crate::security::RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    registry.observe(&method, &route, status, seconds);
    // One line per request: the route template, never the concrete path, so no
    // identifier reaches the log.
    tracing::info!(
        request_id = %request_id,
        method = %method,
        route = %route,
        status,
        ms = seconds * 1000.0,
        "request"
    );
    response
}

/// The `/metrics` handler.
pub async fn serve(State(registry): State<Registry>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        registry.render(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_histogram_buckets_are_cumulative() {
        let r = Registry::default();
        r.observe("GET", "/patients/{id}", 200, 0.003);
        r.observe("GET", "/patients/{id}", 200, 0.2);
        r.observe("GET", "/patients/{id}", 403, 0.0005);
        let text = r.render();
        assert!(text.contains(
            "diapath_http_requests_total{method=\"GET\",route=\"/patients/{id}\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "diapath_http_request_seconds_bucket{method=\"GET\",route=\"/patients/{id}\",le=\"0.001\"} 1"
        ));
        assert!(text.contains(
            "diapath_http_request_seconds_bucket{method=\"GET\",route=\"/patients/{id}\",le=\"0.005\"} 2"
        ));
        assert!(text.contains(
            "diapath_http_request_seconds_bucket{method=\"GET\",route=\"/patients/{id}\",le=\"+Inf\"} 3"
        ));
    }
}
