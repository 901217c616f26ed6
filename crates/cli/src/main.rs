//! The `diapath` binary: parses the command line and hands each command to its module.

mod clock;
mod commands;
mod demo;

use clap::{Parser, Subcommand};

/// diapath: access to diabetes technology under explicit, cited rules, and the glucose
/// data that shows whether it works.
#[derive(Debug, Parser)]
#[command(name = "diapath", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Summarise CGM exports for a clinician: metrics against goals, events, data
    /// sufficiency; --json for JSON, --html for a one-page AGP report.
    Report(commands::report::ReportArgs),
    /// The full metric set per subject (research files with many subjects), as CSV or
    /// JSON.
    Metrics(commands::metrics::MetricsArgs),
    /// Convert CGM exports (LibreView, Clarity, CareLink, Nightscout JSON, id,time,gl) to
    /// one normalised CSV: id,time,gl,utc,censored with glucose in mg/dL.
    Convert(commands::convert::ConvertArgs),
    /// Write a virtual patient's CGM data as a LibreView export (synthetic, deterministic).
    Simulate(commands::simulate::SimulateArgs),
    /// Eligibility policies: list, show, check a patient's facts, run the test cases,
    /// lint a local policy.
    Policy(commands::policy::PolicyArgs),
    /// Start the demo: a fresh SQLite database with about 200 synthetic patients across
    /// every stage of the pathway, and the web app on it.
    Demo(demo::DemoArgs),
    /// Run the web application (SQLite by default, PostgreSQL by URL).
    Serve(commands::serve::ServeCli),
    /// Create or upgrade the database schema (SQLite or PostgreSQL, by URL).
    Migrate(commands::database::MigrateArgs),
    /// The audit log: `diapath audit verify` checks its hash chain.
    Audit(commands::database::AuditArgs),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Report(args) => commands::report::run(args)?,
        Command::Metrics(args) => commands::metrics::run(args)?,
        Command::Convert(args) => commands::convert::run(args)?,
        Command::Simulate(args) => commands::simulate::run(args)?,
        Command::Demo(args) => demo::run(args)?,
        Command::Serve(args) => commands::serve::run(args)?,
        Command::Migrate(args) => commands::database::migrate(args)?,
        Command::Audit(args) => {
            if !commands::database::audit(args)? {
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
        Command::Policy(args) => {
            if !commands::policy::run(args)? {
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
