//! `diapath serve`: the web application on SQLite or PostgreSQL.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use diapath_store::pathway::Pathway;
use diapath_web::AppState;
use diapath_web::metrics::Registry;
use diapath_web::ratelimit::LoginPolicy;

use crate::commands::database::{DatabaseArgs, redact, runtime};
use crate::commands::input::zone;
use crate::commands::policy::{library_dir, load_library};

/// Arguments of `diapath serve` (each also from a `DIAPATH_*` variable).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,

    /// Address to listen on.
    #[arg(
        long,
        value_name = "ADDR",
        env = "DIAPATH_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub listen: SocketAddr,

    /// The policy library folder (default: the nearest `policies` folder).
    #[arg(long, value_name = "DIR", env = "DIAPATH_POLICIES")]
    pub policies: Option<PathBuf>,

    /// The service's time zone (dates of decisions and reviews).
    #[arg(
        long,
        value_name = "ZONE",
        env = "DIAPATH_TZ",
        default_value = "Europe/London"
    )]
    pub tz: String,

    /// Send session cookies without `Secure`, for plain-HTTP use on this machine only.
    #[arg(long, env = "DIAPATH_INSECURE_COOKIES")]
    pub insecure_cookies: bool,

    /// Hours a session lasts.
    #[arg(
        long,
        value_name = "HOURS",
        env = "DIAPATH_SESSION_HOURS",
        default_value_t = 8
    )]
    pub session_hours: i64,
}

/// Builds the application state (migrating the database first).
pub async fn state(args: &ServeArgs) -> anyhow::Result<AppState> {
    let store = args.db.connect().await?;
    store.migrate().await?;
    let dir = library_dir(args.policies.clone())?;
    let policies = load_library(&dir)?;
    Ok(AppState {
        pathway: Pathway::new(store),
        policies: Arc::new(policies),
        clock: Arc::new(crate::clock::now),
        zone: zone(&args.tz)?,
        metrics: Registry::default(),
        secure_cookies: !args.insecure_cookies,
        login: LoginPolicy::default(),
        session_hours: args.session_hours.clamp(1, 24 * 7),
    })
}

/// Serves until interrupted.
pub async fn serve_state(state: AppState, listen: SocketAddr) -> anyhow::Result<()> {
    let backend = state.pathway.store().backend();
    let app = diapath_web::router(state);
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(%listen, backend, "serving");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Runs `diapath serve`.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    init_logging();
    runtime()?.block_on(async {
        let state = state(&args).await?;
        eprintln!(
            "diapath on {} at http://{}",
            redact(&args.db.database_url),
            args.listen
        );
        serve_state(state, args.listen).await
    })
}

/// JSON logs on stderr (`RUST_LOG` filters; default `info`). Handlers log request ids,
/// routes and statuses, never patient data.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
