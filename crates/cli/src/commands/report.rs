//! `diapath report`: a clinician-readable CGM summary of export files, as text, JSON or
//! a one-page HTML AGP report.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use diapath_glucose::metrics::TargetSet;
use diapath_glucose::report::{self, Report, ReportOptions};
use diapath_web::agp_report::{ReportView, Row, standalone_html};
use diapath_web::units::Units;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::commands::input::{InputArgs, zone};
use crate::commands::write_atomically;

/// Arguments of `diapath report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Print the report as JSON (glucose in mg/dL) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also write a self-contained one-page AGP report (HTML with inline SVG; prints on
    /// A4) to this file.
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,

    /// First day to include (YYYY-MM-DD, device local time).
    #[arg(long, value_name = "DATE")]
    pub from: Option<Date>,

    /// Last day to include (YYYY-MM-DD, device local time, inclusive).
    #[arg(long, value_name = "DATE")]
    pub to: Option<Date>,

    /// Goals to assess against: standard (type 1 and type 2), older (older or high-risk
    /// adults) or pregnancy (type 1 pregnancy, 3.5–7.8 mmol/L).
    #[arg(long, value_enum, default_value_t = TargetsArg::Standard)]
    pub targets: TargetsArg,

    /// Glucose unit for text and HTML (JSON is always mg/dL).
    #[arg(long, value_enum, default_value_t = UnitsArg::Mmol)]
    pub units: UnitsArg,
}

/// `--targets` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetsArg {
    /// Type 1 and type 2 diabetes: TIR > 70 %, TBR < 4 %, TBR < 54 mg/dL < 1 %, …
    Standard,
    /// Older or high-risk adults: TIR > 50 %, TBR < 1 %, TAR > 250 mg/dL < 10 %.
    Older,
    /// Pregnancy with type 1 diabetes: 63–140 mg/dL, TIR > 70 %.
    Pregnancy,
}

impl TargetsArg {
    /// The target set.
    pub fn set(self) -> TargetSet {
        match self {
            TargetsArg::Standard => TargetSet::standard(),
            TargetsArg::Older => TargetSet::older_high_risk(),
            TargetsArg::Pregnancy => TargetSet::pregnancy(),
        }
    }
}

/// `--units` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitsArg {
    /// mmol/L (UK).
    Mmol,
    /// mg/dL.
    Mgdl,
}

impl UnitsArg {
    fn units(self) -> Units {
        match self {
            UnitsArg::Mmol => Units::MmolL,
            UnitsArg::Mgdl => Units::MgDl,
        }
    }
}

/// Runs the command.
pub fn run(args: ReportArgs) -> anyhow::Result<()> {
    let zone = zone(&args.input.tz)?;
    let options = ReportOptions {
        targets: args.targets.set(),
        from: args.from.map(|d| start_of(d, &zone)).transpose()?,
        to: args
            .to
            .map(|d| {
                let next = d
                    .tomorrow()
                    .context("--to is the last representable date")?;
                start_of(next, &zone)
            })
            .transpose()?,
        ..ReportOptions::default()
    };
    if let (Some(from), Some(to)) = (args.from, args.to) {
        anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
    }
    let loaded = args.input.load()?;
    eprint!("{}", loaded.summary());
    let reports: Vec<Report> = loaded
        .merged
        .traces
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| report::build(t, &options))
        .collect();

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let json = serde_json::json!({
            "duplicates_merged": loaded.merged.duplicates,
            "subjects": reports,
        });
        serde_json::to_writer_pretty(&mut out, &json)?;
        writeln!(out)?;
    } else {
        for (i, r) in reports.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            out.write_all(text(r, args.units.units()).as_bytes())?;
        }
    }
    if let Some(path) = &args.html {
        let html = standalone_html(&reports, args.units.units())?;
        write_atomically(path, html.as_bytes())?;
        eprintln!("wrote the AGP report to {}", path.display());
    }
    Ok(())
}

fn start_of(date: Date, zone: &TimeZone) -> anyhow::Result<jiff::Timestamp> {
    Ok(date
        .to_zoned(zone.clone())
        .with_context(|| {
            format!(
                "{date} has no start in {}",
                zone.iana_name().unwrap_or("the zone")
            )
        })?
        .timestamp())
}

/// The plain-text report: the same content as the HTML, in columns.
pub fn text(r: &Report, units: Units) -> String {
    let v = ReportView::new(r, units);
    let mut s = String::new();
    let _ = writeln!(s, "CGM report: {}", v.title);
    let _ = writeln!(s, "Period: {}", v.period);
    if let Some(dt) = r.interval_minutes {
        let _ = writeln!(s, "Readings: {} (every {dt} min)", r.metrics.readings);
    }
    let _ = writeln!(
        s,
        "Time CGM active: {}   Data sufficiency (14 days, 70% active): {}",
        v.active,
        if v.sufficient { "met" } else { "NOT MET" }
    );
    section(
        &mut s,
        &format!("Time in ranges (goals for {})", v.targets.to_lowercase()),
        &v.range_rows,
        true,
    );
    section(&mut s, "Glucose metrics", &v.glucose_rows, true);
    section(&mut s, "Variability and data", &v.risk_rows, false);
    section(&mut s, "Events (2023 consensus)", &v.event_rows, false);
    if !v.warnings.is_empty() {
        let _ = writeln!(s, "\nPlease note");
        for w in &v.warnings {
            let _ = writeln!(s, "  - {w}");
        }
    }
    s
}

fn section(s: &mut String, title: &str, rows: &[Row], with_goals: bool) {
    let _ = writeln!(s, "\n{title}");
    let width = rows
        .iter()
        .map(|r| r.metric.chars().count())
        .max()
        .unwrap_or(0);
    for row in rows {
        let pad = width - row.metric.chars().count();
        let _ = write!(s, "  {}{}  {:>20}", row.metric, " ".repeat(pad), row.value);
        if with_goals && !row.goal.is_empty() {
            let flag = match row.status {
                "met" => "met",
                "not-met" => "NOT MET",
                _ => "",
            };
            let _ = write!(s, "   goal {:<14} {flag}", row.goal);
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
    }
}
