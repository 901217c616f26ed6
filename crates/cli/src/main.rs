//! The `diapath` binary: parses the command line and hands each command to its module.

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
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert(args) => commands::convert::run(args),
    }
}
