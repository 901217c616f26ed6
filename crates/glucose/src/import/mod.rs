//! CGM export importers: LibreView, Dexcom Clarity, Medtronic CareLink, Nightscout
//! entries JSON and generic `id,time,gl` CSV, detected from content, turned into traces.
//!
//! Every importer reads from a reader passed in (the crate never opens files), never
//! panics, and reports what it skipped. Device clocks are local wall-clock time; they are
//! mapped to instants through [`ImportOptions::zone`] (see [`wallclock`] for the repeated
//! and missing hours). docs/importers.md explains the decisions.

mod carelink;
mod clarity;
mod detect;
mod error;
mod generic;
mod libreview;
mod nightscout;
mod number;
mod outcome;
mod stamp;
mod table;
pub mod wallclock;

use std::io::{BufReader, Read};

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::reading::Trace;

pub use detect::detect;
pub use error::ImportError;
pub use outcome::{ImportReport, SkipReason, Warning};

/// The subject name given to single-patient exports when [`ImportOptions::subject`] is
/// not set. Exports carry names, not identifiers, and names must not become identifiers
/// (../shared/style.md habit 13), so one constant is used and overlapping exports of
/// the same patient merge.
pub const DEFAULT_SUBJECT: &str = "subject";

/// The export formats the importers recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Abbott LibreView CSV (FreeStyle Libre), reference §1.
    LibreView,
    /// Dexcom Clarity CSV, reference §2.
    Clarity,
    /// Medtronic CareLink CSV, reference §2.
    CareLink,
    /// Nightscout entries JSON (`/api/v1/entries.json`), reference §3.
    Nightscout,
    /// Research CSV with columns `id,time,gl` (iglu's layout), reference §7.
    Generic,
}

impl Format {
    /// A short human name, as used in messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::LibreView => "LibreView CSV",
            Format::Clarity => "Dexcom Clarity CSV",
            Format::CareLink => "Medtronic CareLink CSV",
            Format::Nightscout => "Nightscout entries JSON",
            Format::Generic => "id,time,gl CSV",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The order of day and month in a date such as `03-04-2021` (LibreView writes whatever
/// the account's locale uses; reference §1 "Timestamps").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// `DD-MM-YYYY`, the UK and EU layout.
    DayFirst,
    /// `MM-DD-YYYY`, the US layout.
    MonthFirst,
}

/// How to interpret an export.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The zone of the device clock. Exports carry local time without an offset, so the
    /// zone cannot be read from the file (PROVENANCE §1 and §4 show files whose zone is not
    /// the one their layout suggests).
    pub zone: TimeZone,
    /// The subject name for single-patient exports; [`DEFAULT_SUBJECT`] when `None`.
    /// Multi-subject `id,time,gl` files keep their own ids.
    pub subject: Option<String>,
    /// The day/month order to use when no row of a file proves one (a day above 12). A
    /// row that proves an order always wins. `None` means [`DateOrder::DayFirst`], with a
    /// warning whenever it had to be assumed.
    pub date_order: Option<DateOrder>,
}

impl Default for ImportOptions {
    /// Europe/London, default subject, day-first dates.
    fn default() -> Self {
        Self {
            zone: london(),
            subject: None,
            date_order: None,
        }
    }
}

/// Europe/London from the bundled tzdb; UTC if the bundle lacks it (it never does).
fn london() -> TimeZone {
    jiff::tz::db().get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// What a record that is not a CGM reading was.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OtherKind {
    /// A scanned glucose value (LibreView type 1); `value` in mg/dL.
    Scan,
    /// A finger-stick glucose value (LibreView type 2); `value` in mg/dL.
    Strip,
    /// A blood ketone value (LibreView type 3); `value` in mmol/L.
    Ketone,
    /// An insulin dose (LibreView type 4, Clarity `Insulin`); `value` in units.
    Insulin,
    /// Food (LibreView type 5, Clarity `Carbs`); `value` in grams when given.
    Food,
    /// A note or event (LibreView type 6); text in `note`.
    Note,
    /// A calibration entry (Clarity `Calibration`); `value` in mg/dL.
    Calibration,
    /// Any other timed event, with the export's own event name.
    Event(String),
}

/// A timed record kept apart from the CGM trace (scans, strips, insulin, food, notes).
#[derive(Debug, Clone, PartialEq)]
pub struct OtherRecord {
    /// What the record is.
    pub kind: OtherKind,
    /// The line of the export it came from (1-based; entry number for JSON).
    pub line: u64,
    /// The device's wall-clock time.
    pub local: DateTime,
    /// The instant, through the configured zone.
    pub utc: Timestamp,
    /// The number it carries, in the unit [`OtherKind`] documents, if any.
    pub value: Option<f64>,
    /// Free text (LibreView notes), trimmed, if any.
    pub note: Option<String>,
}

/// The result of importing one export.
#[derive(Debug, Clone)]
pub struct Import {
    /// The detected format.
    pub format: Format,
    /// One trace per subject with CGM readings (none if the file had none; see
    /// [`Import::is_empty`]).
    pub traces: Vec<Trace>,
    /// Scans, strips, insulin, food, notes, calibrations: sorted by instant.
    pub other_records: Vec<OtherRecord>,
    /// What was read, skipped and assumed.
    pub report: ImportReport,
}

impl Import {
    /// Whether the export held no CGM readings at all (e.g. a LibreView file of notes
    /// only). The import still succeeds, so its other records can be used; the report
    /// carries a warning saying so, and `diapath` refuses such input when nothing else
    /// is loaded.
    pub fn is_empty(&self) -> bool {
        self.traces.iter().all(Trace::is_empty)
    }

    /// The number of CGM readings over all traces.
    pub fn reading_count(&self) -> usize {
        self.traces.iter().map(Trace::len).sum()
    }
}

/// Reads one export of any supported format, detected from its first bytes.
///
/// `source` names the input in messages (usually the file name). The reader is consumed
/// as a stream; only Nightscout JSON is parsed as a whole document.
pub fn read(
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let head = detect::peek(&mut input, source)?;
    let format = detect::detect(&head).ok_or_else(|| ImportError::UnknownFormat {
        input: source.to_owned(),
        first_line: detect::first_line(&head),
    })?;
    read_as(
        format,
        std::io::Cursor::new(head).chain(input),
        source,
        options,
    )
}

/// Reads one export known to be in `format`, skipping detection.
pub fn read_as(
    format: Format,
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let mut import = match format {
        Format::LibreView => libreview::read(input, source, options)?,
        Format::Clarity => clarity::read(input, source, options)?,
        Format::CareLink => carelink::read(input, source, options)?,
        Format::Nightscout => nightscout::read(input, source, options)?,
        Format::Generic => generic::read(input, source, options)?,
    };
    if import.is_empty() {
        let message = format!(
            "no CGM readings found ({} rows read, {} other records)",
            import.report.rows,
            import.other_records.len()
        );
        import.report.warn(None, message);
    }
    Ok(import)
}

/// Several imports merged by subject.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// One trace per subject, sorted by subject name.
    pub traces: Vec<Trace>,
    /// All other records, sorted by instant.
    pub other_records: Vec<OtherRecord>,
    /// The reports of the merged imports, in input order.
    pub reports: Vec<ImportReport>,
    /// Readings dropped across files because another file already had a reading of the
    /// same subject at the same instant (overlapping exports).
    pub duplicates: usize,
}

/// Merges imports: traces of the same subject become one trace, de-duplicated by
/// instant (the first file's reading wins), reporting how many readings were duplicates.
pub fn merge(imports: Vec<Import>) -> Merged {
    let mut by_subject: std::collections::BTreeMap<String, Vec<crate::Reading>> =
        std::collections::BTreeMap::new();
    let mut merged = Merged::default();
    for import in imports {
        for trace in import.traces {
            by_subject
                .entry(trace.subject().to_owned())
                .or_default()
                .extend_from_slice(trace.readings());
        }
        merged.other_records.extend(import.other_records);
        merged.reports.push(import.report);
    }
    for (subject, readings) in by_subject {
        let (trace, merge) = Trace::new(subject, readings);
        merged.duplicates += merge.duplicates;
        merged.traces.push(trace);
    }
    merged.other_records.sort_by_key(|r| r.utc);
    merged
}

#[cfg(test)]
mod tests;
