//! `diapath demo`: a fresh SQLite file with synthetic organisations, people and
//! histories, and the web app on it.

pub mod population;
pub mod seed;

use std::path::PathBuf;

use anyhow::Context;

use crate::commands::database::{DatabaseArgs, redact, runtime};
use crate::commands::serve::{ServeArgs, init_logging, serve_state, state};

/// Arguments of `diapath demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Port to listen on (127.0.0.1).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,

    /// The SQLite file to create.
    #[arg(long, value_name = "FILE", default_value = "diapath-demo.db")]
    pub db: PathBuf,

    /// Seed and serve this database instead of a fresh SQLite file: `sqlite://FILE` or
    /// `postgres://USER@HOST/DB` (for load tests on the multi-user backend). It must be
    /// empty unless `--keep` is given; the demo never deletes anything in it.
    #[arg(long, value_name = "URL", conflicts_with = "db")]
    pub database_url: Option<String>,

    /// Keep an existing demo file (or database) instead of starting fresh.
    #[arg(long)]
    pub keep: bool,

    /// Number of synthetic patients.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u16).range(14..=5000))]
    pub patients: u16,

    /// Seed the database and exit without serving (for scripts and tests).
    #[arg(long)]
    pub seed_only: bool,
}

/// Removes a SQLite database file and its journal files, if present.
fn remove_sqlite_files(db: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        let path = PathBuf::from(path);
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    init_logging();
    let (database_url, shown, fresh) = match &args.database_url {
        Some(url) => (url.clone(), redact(url), !args.keep),
        None => {
            let fresh = !(args.keep && args.db.exists());
            if fresh {
                remove_sqlite_files(&args.db)?;
            }
            let url = format!("sqlite://{}", args.db.display());
            (url, args.db.display().to_string(), fresh)
        }
    };
    let serve = ServeArgs {
        db: DatabaseArgs { database_url },
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], args.port)),
        policies: None,
        tz: "Europe/London".into(),
        insecure_cookies: true,
        session_hours: 8,
    };
    runtime()?.block_on(async {
        let state = state(&serve).await?;
        if fresh {
            // A database given by URL may be someone's: seed only an empty one.
            if !state.pathway.organisations().await?.is_empty() {
                anyhow::bail!(
                    "{shown} already holds data; the demo seeds only an empty database \
                     (give --keep to serve it as it is)"
                );
            }
            eprintln!("creating {} synthetic patients in {shown} …", args.patients);
            let today = crate::clock::today(&state.zone);
            seed::seed(
                &state.pathway,
                &state.policies,
                state.zone.clone(),
                today,
                usize::from(args.patients),
            )
            .await?;
        }
        if args.seed_only {
            return Ok(());
        }
        println!("\ndiapath demo: http://{}/", serve.listen);
        println!(
            "Sign in with any of these (password: {}):",
            seed::DEMO_PASSWORD
        );
        for (user, what) in seed::logins() {
            println!("  {user:<13} {what}");
        }
        println!("All people and data are synthetic. Press Ctrl+C to stop.\n");
        serve_state(state, serve.listen).await
    })
}
