//! Loading CGM export files for any command: shared arguments (`FILE...`, `--tz`,
//! `--subject`, `--date-order`), reading with a progress bar, importing and merging.

use std::fs::File;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use diapath_glucose::import::{self, DateOrder, ImportOptions, Merged};
use jiff::tz::TimeZone;

/// The arguments every command that reads CGM exports takes; `#[command(flatten)]` it.
#[derive(Debug, Clone, clap::Args)]
pub struct InputArgs {
    /// CGM export files: LibreView, Dexcom Clarity or Medtronic CareLink CSV, Nightscout
    /// entries JSON, or id,time,gl CSV. The format is detected from the content. Readings
    /// of the same subject in several files are merged, duplicates dropped.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// Time zone of the device clock (IANA name), used to turn the local timestamps of
    /// the exports into instants, including across daylight-saving changes.
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "Europe/London",
        env = "DIAPATH_TZ"
    )]
    pub tz: String,

    /// Subject identifier for single-patient exports (they carry names, not identifiers).
    /// id,time,gl files keep their own ids.
    #[arg(long, value_name = "ID")]
    pub subject: Option<String>,

    /// Day/month order to assume for LibreView dates such as 03-04-2021 when no row of the
    /// file proves it (a day above 12). A proving row always wins.
    #[arg(long, value_name = "ORDER", value_enum, default_value_t = DateOrderArg::DayFirst)]
    pub date_order: DateOrderArg,
}

/// `--date-order` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DateOrderArg {
    /// DD-MM-YYYY (UK, EU).
    DayFirst,
    /// MM-DD-YYYY (US).
    MonthFirst,
}

impl InputArgs {
    /// The import options these arguments describe.
    pub fn options(&self) -> anyhow::Result<ImportOptions> {
        Ok(ImportOptions {
            zone: zone(&self.tz)?,
            subject: self.subject.clone(),
            date_order: Some(match self.date_order {
                DateOrderArg::DayFirst => DateOrder::DayFirst,
                DateOrderArg::MonthFirst => DateOrder::MonthFirst,
            }),
        })
    }

    /// Loads the files with these options.
    pub fn load(&self) -> anyhow::Result<Loaded> {
        load(&self.files, &self.options()?)
    }
}

/// A time zone from the bundled tzdb by IANA name.
pub fn zone(name: &str) -> anyhow::Result<TimeZone> {
    jiff::tz::db().get(name).with_context(|| {
        format!("unknown time zone '{name}' (use an IANA name such as Europe/London)")
    })
}

/// The loaded and merged exports.
#[derive(Debug)]
pub struct Loaded {
    /// Traces by subject, other records, per-file reports and cross-file duplicates.
    pub merged: Merged,
}

impl Loaded {
    /// A few lines for stderr: per file what was read, skipped and assumed (no glucose
    /// values, so it is safe in logs).
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for report in &self.merged.reports {
            out.push_str(&format!(
                "{}: {} rows, {} CGM readings ({} low, {} high censored)",
                report.source,
                report.rows,
                report.readings,
                report.censored_low,
                report.censored_high
            ));
            for (reason, count) in &report.skipped {
                out.push_str(&format!(", {count} {}", reason.describe()));
            }
            if report.fold > 0 {
                out.push_str(&format!(
                    ", {} in a repeated hour ({} second pass)",
                    report.fold, report.fold_later
                ));
            }
            out.push('\n');
            for warning in &report.warnings {
                out.push_str(&format!("  warning: {warning}\n"));
            }
            if report.warnings_dropped > 0 {
                out.push_str(&format!(
                    "  … and {} more warnings\n",
                    report.warnings_dropped
                ));
            }
        }
        if self.merged.duplicates > 0 {
            out.push_str(&format!(
                "{} readings appeared in more than one file and were merged\n",
                self.merged.duplicates
            ));
        }
        out
    }
}

/// Reads, imports and merges `paths`. Shows a progress bar by bytes when stderr is a
/// terminal. Fails on the first file that cannot be imported, and when no file holds any
/// CGM reading (a file of notes alone is accepted next to files with readings).
pub fn load(paths: &[PathBuf], options: &ImportOptions) -> anyhow::Result<Loaded> {
    let total: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(total);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec})",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut imports = Vec::with_capacity(paths.len());
    for path in paths {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        bar.set_message(short_name(path));
        let reader = bar.wrap_read(file);
        let import = import::read(reader, &path.display().to_string(), options)?;
        imports.push(import);
    }
    bar.finish_and_clear();
    let merged = import::merge(imports);
    if merged.traces.iter().all(|t| t.is_empty()) {
        let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        bail!(
            "no CGM readings in {}: nothing to work with (LibreView needs record type 0 rows, Clarity EGV rows, CareLink Sensor Glucose values)",
            names.join(", ")
        );
    }
    Ok(Loaded { merged })
}

fn short_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}
