//! `diapath demo`: a fresh SQLite file with synthetic organisations, people and
//! histories, and the web app on it.

pub mod population;
pub mod seed;

use std::path::PathBuf;

use anyhow::Context;

use crate::commands::database::{DatabaseArgs, runtime};
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

    /// Keep an existing demo file instead of starting fresh.
    #[arg(long)]
    pub keep: bool,

    /// Number of synthetic patients.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u16).range(14..=5000))]
    pub patients: u16,

    /// Seed the database and exit without serving (for scripts and tests).
    #[arg(long)]
    pub seed_only: bool,
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    init_logging();
    let fresh = !(args.keep && args.db.exists());
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = args.db.clone().into_os_string();
            path.push(suffix);
            let path = PathBuf::from(path);
            if path.exists() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
        }
    }
    let serve = ServeArgs {
        db: DatabaseArgs {
            database_url: format!("sqlite://{}", args.db.display()),
        },
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], args.port)),
        policies: None,
        tz: "Europe/London".into(),
        insecure_cookies: true,
        session_hours: 8,
    };
    runtime()?.block_on(async {
        let state = state(&serve).await?;
        if fresh {
            eprintln!(
                "creating {} synthetic patients in {} …",
                args.patients,
                args.db.display()
            );
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
