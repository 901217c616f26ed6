//! `diapath-load`: a load generator for the diapath web app.
//!
//! Each virtual user signs in with its own session, keeps one HTTP/1.1 connection open
//! (as a browser does) and, with no think time, alternates between the worklist and a
//! patient page chosen at random from the patients the account may see. Requests that
//! start after the warm-up are timed from sending to the last byte of the body; the
//! report gives, per page, the count, throughput and latency percentiles. Any answer
//! other than 200 counts as an error and makes the run fail.
//!
//! Used by `tools/load/run.sh` against `diapath demo` data on SQLite and PostgreSQL
//! (docs/performance.md).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request, StatusCode, header};
use hyper_util::rt::TokioIo;

/// Command line.
#[derive(Debug, Parser)]
#[command(version, about = "Concurrent signed-in users against a diapath server")]
struct Args {
    /// The server, `http://HOST:PORT`.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,

    /// Concurrent users.
    #[arg(long, default_value_t = 50)]
    users: usize,

    /// Seconds of measurement, after the warm-up.
    #[arg(long, default_value_t = 30)]
    seconds: u64,

    /// Seconds of warm-up (requests made but not timed).
    #[arg(long, default_value_t = 5)]
    warmup: u64,

    /// Account every user signs in with.
    #[arg(long, default_value = "clinician")]
    username: String,

    /// Its password (the demo's by default).
    #[arg(long, default_value = "demo-password-2026")]
    password: String,

    /// A label for the report (e.g. the database backend).
    #[arg(long, default_value = "")]
    label: String,

    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

/// The pages each user requests in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Worklist,
    Patient,
}

impl Page {
    const ALL: [Page; 2] = [Page::Worklist, Page::Patient];

    fn name(self) -> &'static str {
        match self {
            Page::Worklist => "worklist",
            Page::Patient => "patient page",
        }
    }
}

/// One keep-alive connection with a session cookie.
struct Client {
    sender: SendRequest<Full<Bytes>>,
    host: String,
    cookie: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("host", &self.host).finish()
    }
}

/// A response: status, `Set-Cookie` values and body.
struct Answer {
    status: StatusCode,
    cookies: Vec<String>,
    body: Bytes,
}

impl Client {
    async fn connect(host: &str) -> anyhow::Result<Client> {
        let stream = tokio::net::TcpStream::connect(host)
            .await
            .with_context(|| format!("cannot connect to {host}"))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake failed")?;
        tokio::spawn(async move {
            // The connection ends when the client is dropped; nothing to report.
            let _ = connection.await;
        });
        Ok(Client {
            sender,
            host: host.to_owned(),
            cookie: None,
        })
    }

    async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<String>,
    ) -> anyhow::Result<Answer> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, &self.host);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let body = match form {
            Some(form) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Full::new(Bytes::from(form))
            }
            None => Full::new(Bytes::new()),
        };
        self.sender.ready().await.context("connection closed")?;
        let response = self.sender.send_request(request.body(body)?).await?;
        let status = response.status();
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        let body = response.into_body().collect().await?.to_bytes();
        Ok(Answer {
            status,
            cookies,
            body,
        })
    }

    /// Signs in and keeps the session cookie.
    async fn sign_in(&mut self, username: &str, password: &str) -> anyhow::Result<()> {
        let form = format!(
            "username={}&password={}",
            form_encode(username),
            form_encode(password)
        );
        let answer = self.send(Method::POST, "/sign-in", Some(form)).await?;
        let session = answer
            .cookies
            .iter()
            .filter_map(|c| c.split(';').next())
            .find(|c| c.starts_with("diapath_session="))
            .map(str::to_owned);
        match session {
            Some(cookie) if answer.status.is_redirection() => {
                self.cookie = Some(cookie);
                Ok(())
            }
            _ => bail!(
                "signing in as {username} failed with status {}",
                answer.status
            ),
        }
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Timings of one user: per page, microseconds of each timed request; error count.
#[derive(Debug, Default)]
struct Timings {
    micros: [Vec<u64>; 2],
    errors: usize,
    first_error: Option<String>,
}

/// One user's run: alternate pages until `end`, timing those that start after `from`.
async fn user(
    mut client: Client,
    patients: std::sync::Arc<Vec<i64>>,
    seed: u64,
    from: Instant,
    end: Instant,
) -> Timings {
    let mut timings = Timings::default();
    let mut state = seed.max(1);
    let mut turn = 0usize;
    while Instant::now() < end {
        let index = turn % Page::ALL.len();
        let page = Page::ALL[index];
        turn += 1;
        let path = match page {
            Page::Worklist => "/worklist".to_owned(),
            Page::Patient => {
                // xorshift64: a reproducible spread over the patients.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = usize::try_from(state % patients.len() as u64).unwrap_or(0);
                format!("/patients/{}", patients[at])
            }
        };
        let started = Instant::now();
        let result = client.send(Method::GET, &path, None).await;
        let took = started.elapsed();
        let timed = started >= from;
        match result {
            Ok(answer) if answer.status == StatusCode::OK && !answer.body.is_empty() => {
                if timed {
                    let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
                    timings.micros[index].push(micros);
                }
            }
            Ok(answer) => {
                timings.errors += 1;
                timings
                    .first_error
                    .get_or_insert_with(|| format!("{path}: status {}", answer.status));
            }
            Err(e) => {
                timings.errors += 1;
                timings
                    .first_error
                    .get_or_insert_with(|| format!("{path}: {e}"));
                // A broken connection ends this user; the run then fails.
                break;
            }
        }
    }
    timings
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let host = args
        .url
        .strip_prefix("http://")
        .context("--url must be http://HOST:PORT")?
        .trim_end_matches('/')
        .to_owned();
    if args.users == 0 || args.seconds == 0 {
        bail!("--users and --seconds must be at least 1");
    }

    // The patients the account may see, from the JSON API.
    let mut probe = Client::connect(&host).await?;
    probe.sign_in(&args.username, &args.password).await?;
    let answer = probe.send(Method::GET, "/api/v1/patients", None).await?;
    if answer.status != StatusCode::OK {
        bail!("listing patients failed with status {}", answer.status);
    }
    let list: Vec<serde_json::Value> =
        serde_json::from_slice(&answer.body).context("patient list is not JSON")?;
    let patients: Vec<i64> = list.iter().filter_map(|p| p["id"].as_i64()).collect();
    if patients.is_empty() {
        bail!("{} sees no patients; seed the demo first", args.username);
    }
    let patients = std::sync::Arc::new(patients);

    // Sign every user in before the clock starts (Argon2id is deliberately slow).
    let mut clients = Vec::with_capacity(args.users);
    for _ in 0..args.users {
        let mut client = Client::connect(&host).await?;
        client.sign_in(&args.username, &args.password).await?;
        clients.push(client);
    }

    let start = Instant::now();
    let from = start + Duration::from_secs(args.warmup);
    let end = from + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, client)| {
            let seed = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i as u64 + 1);
            tokio::spawn(user(client, patients.clone(), seed, from, end))
        })
        .collect();
    let mut all = Timings::default();
    for task in tasks {
        let t = task.await?;
        for (into, from) in all.micros.iter_mut().zip(t.micros) {
            into.extend(from);
        }
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    let seconds = end.saturating_duration_since(from).as_secs_f64();

    let mut rows = Vec::new();
    for (page, micros) in Page::ALL.iter().zip(all.micros.iter_mut()) {
        micros.sort_unstable();
        let ms = |p: f64| percentile(micros, p) as f64 / 1000.0;
        rows.push(serde_json::json!({
            "page": page.name(),
            "requests": micros.len(),
            "per_second": micros.len() as f64 / seconds,
            "median_ms": ms(50.0),
            "p90_ms": ms(90.0),
            "p99_ms": ms(99.0),
            "max_ms": micros.last().copied().unwrap_or(0) as f64 / 1000.0,
        }));
    }
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "label": args.label,
                "users": args.users,
                "seconds": seconds,
                "patients": patients.len(),
                "errors": all.errors,
                "pages": rows,
            })
        );
    } else {
        println!(
            "{} users, {} s after {} s warm-up, {} patients{}",
            args.users,
            args.seconds,
            args.warmup,
            patients.len(),
            if args.label.is_empty() {
                String::new()
            } else {
                format!(" ({})", args.label)
            }
        );
        println!(
            "{:<13} {:>9} {:>8} {:>10} {:>8} {:>8} {:>8}",
            "page", "requests", "req/s", "median ms", "p90 ms", "p99 ms", "max ms"
        );
        for row in &rows {
            println!(
                "{:<13} {:>9} {:>8.1} {:>10.2} {:>8.2} {:>8.2} {:>8.2}",
                row["page"].as_str().unwrap_or(""),
                row["requests"],
                row["per_second"].as_f64().unwrap_or(0.0),
                row["median_ms"].as_f64().unwrap_or(0.0),
                row["p90_ms"].as_f64().unwrap_or(0.0),
                row["p99_ms"].as_f64().unwrap_or(0.0),
                row["max_ms"].as_f64().unwrap_or(0.0),
            );
        }
    }
    if all.errors > 0 {
        bail!(
            "{} requests failed; first: {}",
            all.errors,
            all.first_error.unwrap_or_default()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50.0), 50);
        assert_eq!(percentile(&v, 99.0), 99);
        assert_eq!(percentile(&v, 100.0), 100);
        assert_eq!(percentile(&[7], 99.0), 7);
        assert_eq!(percentile(&[], 50.0), 0);
    }

    #[test]
    fn form_values_are_encoded() {
        assert_eq!(form_encode("demo-password-2026"), "demo-password-2026");
        assert_eq!(form_encode("a b&c=d"), "a+b%26c%3Dd");
    }
}
