//! The `diapath` binary: parses the command line and hands each command to its module.

mod clock;
mod commands;

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
    /// Convert CGM exports (LibreView, Clarity, CareLink, Nightscout JSON, id,time,gl) to
    /// one normalised CSV: id,time,gl,utc,censored with glucose in mg/dL.
    Convert(commands::convert::ConvertArgs),
    /// Eligibility policies: list, show, check a patient's facts, run the test cases,
    /// lint a local policy.
    Policy(commands::policy::PolicyArgs),
}

fn main() -> anyhow::Result<std::process::ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert(args) => commands::convert::run(args)?,
        Command::Policy(args) => {
            if !commands::policy::run(args)? {
                return Ok(std::process::ExitCode::FAILURE);
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
