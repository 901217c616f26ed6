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

/// Arguments of `diapath serve`. Each setting comes from the command line, else its
/// `DIAPATH_*` variable, else the `--config` file, else the default.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeCli {
    /// A TOML file with any of: database_url, listen, policies, tz, insecure_cookies,
    /// session_hours (docs/web.md, "Configuration").
    #[arg(long, value_name = "FILE", env = "DIAPATH_CONFIG")]
    pub config: Option<PathBuf>,

    /// `sqlite://FILE` or `postgres://USER@HOST/DB` [default: sqlite://diapath.db].
    #[arg(long, value_name = "URL", env = "DIAPATH_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR", env = "DIAPATH_LISTEN")]
    pub listen: Option<SocketAddr>,

    /// The policy library folder [default: the nearest `policies` folder].
    #[arg(long, value_name = "DIR", env = "DIAPATH_POLICIES")]
    pub policies: Option<PathBuf>,

    /// The service's time zone [default: Europe/London].
    #[arg(long, value_name = "ZONE", env = "DIAPATH_TZ")]
    pub tz: Option<String>,

    /// Send session cookies without `Secure`, for plain-HTTP use on this machine only.
    #[arg(long, env = "DIAPATH_INSECURE_COOKIES")]
    pub insecure_cookies: bool,

    /// Hours a session lasts [default: 8].
    #[arg(long, value_name = "HOURS", env = "DIAPATH_SESSION_HOURS")]
    pub session_hours: Option<i64>,
}

/// The `--config` file.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    database_url: Option<String>,
    listen: Option<SocketAddr>,
    policies: Option<PathBuf>,
    tz: Option<String>,
    insecure_cookies: Option<bool>,
    session_hours: Option<i64>,
}

impl ServeCli {
    /// The settings in force.
    pub fn resolve(self) -> anyhow::Result<ServeArgs> {
        let file: ConfigFile = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("{}: not a valid configuration", path.display()))?
            }
            None => ConfigFile::default(),
        };
        Ok(ServeArgs {
            db: DatabaseArgs {
                database_url: self
                    .database_url
                    .or(file.database_url)
                    .unwrap_or_else(|| "sqlite://diapath.db".to_owned()),
            },
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            policies: self.policies.or(file.policies),
            tz: self
                .tz
                .or(file.tz)
                .unwrap_or_else(|| "Europe/London".to_owned()),
            insecure_cookies: self.insecure_cookies || file.insecure_cookies.unwrap_or(false),
            session_hours: self.session_hours.or(file.session_hours).unwrap_or(8),
        })
    }
}

/// The settings of a running server.
#[derive(Debug, Clone)]
pub struct ServeArgs {
    /// The database.
    pub db: DatabaseArgs,
    /// Address to listen on.
    pub listen: SocketAddr,
    /// The policy library folder.
    pub policies: Option<PathBuf>,
    /// The service's time zone.
    pub tz: String,
    /// Cookies without `Secure`.
    pub insecure_cookies: bool,
    /// Session length, hours.
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
pub fn run(args: ServeCli) -> anyhow::Result<()> {
    init_logging();
    let args = args.resolve()?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn cli() -> ServeCli {
        ServeCli {
            config: None,
            database_url: None,
            listen: None,
            policies: None,
            tz: None,
            insecure_cookies: false,
            session_hours: None,
        }
    }

    #[test]
    fn command_line_beats_file_beats_default() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("diapath.toml");
        std::fs::write(&path, "database_url = \"postgres://app@db/diapath\"\nsession_hours = 4\nlisten = \"0.0.0.0:9000\"\n").unwrap();
        let resolved = ServeCli {
            config: Some(path.clone()),
            session_hours: Some(2),
            ..cli()
        }
        .resolve()
        .unwrap();
        assert_eq!(resolved.db.database_url, "postgres://app@db/diapath");
        assert_eq!(resolved.session_hours, 2);
        assert_eq!(resolved.listen.port(), 9000);
        assert_eq!(resolved.tz, "Europe/London");
        let defaults = cli().resolve().unwrap();
        assert_eq!(defaults.db.database_url, "sqlite://diapath.db");
        assert_eq!(defaults.listen.port(), 8080);
        std::fs::write(&path, "databse_url = \"typo\"\n").unwrap();
        assert!(
            ServeCli {
                config: Some(path),
                ..cli()
            }
            .resolve()
            .is_err()
        );
    }
}
