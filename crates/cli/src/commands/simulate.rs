//! `diapath simulate`: a virtual patient's CGM data written as a LibreView export, for
//! demonstrations, training and tests. Deterministic: the same arguments give the same
//! file.

use std::path::PathBuf;

use anyhow::Context;
use diapath_glucose::simulate::{self, Profile, Sensor, Simulation};
use jiff::civil::Date;

use crate::commands::input::zone;
use crate::commands::write_atomically_with;

/// Arguments of `diapath simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Glucose profile: well-controlled, suboptimal, frequent-hypos, poorly-controlled or
    /// low-wear.
    #[arg(long, default_value = "suboptimal", value_parser = profile_names())]
    pub profile: String,

    /// Number of days.
    #[arg(long, default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: u32,

    /// First day (YYYY-MM-DD, local).
    #[arg(long, default_value = "2026-01-05")]
    pub start: Date,

    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Time zone of the simulated device clock.
    #[arg(long, value_name = "ZONE", default_value = "Europe/London")]
    pub tz: String,

    /// Label written in the export's title row (never a real name).
    #[arg(long, default_value = "Virtual Patient")]
    pub label: String,

    /// Output file (LibreView CSV, mmol/L).
    #[arg(short, long, value_name = "OUT.csv")]
    pub output: PathBuf,
}

fn profile_names() -> Vec<&'static str> {
    Profile::all().iter().map(|p| p.name).collect()
}

/// Runs the command.
pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    let zone = zone(&args.tz)?;
    let profile = Profile::named(&args.profile)
        .with_context(|| format!("unknown profile '{}'", args.profile))?;
    let start = args
        .start
        .to_zoned(zone.clone())
        .context("the start day has no midnight in that zone")?
        .timestamp();
    let sim = Simulation {
        start,
        days: args.days,
        zone,
        sensor: Sensor::Libre,
        seed: args.seed,
    };
    let readings = simulate::simulate(&profile, &sim);
    // The export is "generated" when the data end, so the file does not depend on today.
    let generated = readings.last().map_or(start, |r| r.utc());
    let serial = format!("sim-{:08x}", args.seed);
    write_atomically_with(&args.output, |out| {
        Ok(simulate::write_libreview_csv(
            out,
            &args.label,
            &serial,
            generated,
            &readings,
        )?)
    })?;
    eprintln!(
        "wrote {} readings ({} days, profile {}) to {}",
        readings.len(),
        args.days,
        profile.name,
        args.output.display()
    );
    Ok(())
}
