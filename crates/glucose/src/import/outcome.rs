//! The import report (what was read, skipped and assumed) and the collector the
//! importers fill.

use std::collections::BTreeMap;

use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use crate::import::wallclock::{Mapping, WallClock};
use crate::import::{Format, Import, ImportError, OtherKind, OtherRecord};
use crate::reading::{Censoring, Reading, Trace};
use crate::units::GlucoseMgDl;

/// At most this many warnings are kept with their text; the rest are only counted, so a
/// pathological file cannot grow the report without bound.
const MAX_WARNINGS: usize = 200;

/// Why a row produced no CGM reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A metadata row (Clarity patient/device/alert rows with no timestamp, CareLink
    /// preamble and section headers).
    Metadata,
    /// A record of another kind, kept in [`crate::import::Import::other_records`]
    /// (LibreView types 1–6, Clarity calibrations).
    OtherRecord,
    /// A record of a kind not used at all (CareLink pump rows, Nightscout `mbg`/`cal`).
    NotCgm,
    /// A CGM row with an empty or `NA` glucose value.
    NoValue,
    /// A Nightscout `sgv` below 39, which is a device error code, not a glucose value
    /// (Nightscout `lib/plugins/errorcodes.js`, reference §8 fixture notes).
    ErrorCode,
    /// A LibreView record type this importer does not know.
    UnknownRecordType,
}

impl SkipReason {
    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Metadata => "metadata rows",
            SkipReason::OtherRecord => {
                "other records kept apart (scans, strips, insulin, food, notes, calibrations)"
            }
            SkipReason::NotCgm => "non-CGM rows",
            SkipReason::NoValue => "CGM rows without a value",
            SkipReason::ErrorCode => "device error codes",
            SkipReason::UnknownRecordType => "unknown record types",
        }
    }
}

/// Something the importer assumed or tolerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The line it concerns (1-based), if any.
    pub line: Option<u64>,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Counts and warnings of one import.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// The input's name as given to [`crate::import::read`].
    pub source: String,
    /// Data rows (or JSON entries) read, not counting title and header rows.
    pub rows: usize,
    /// CGM readings produced, before de-duplication by instant.
    pub readings: usize,
    /// Readings censored at the sensor's low limit.
    pub censored_low: usize,
    /// Readings censored at the sensor's high limit.
    pub censored_high: usize,
    /// Rows that produced no reading, by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Readings whose wall-clock time fell in a spring-forward gap (mapped with jiff's
    /// compatible rule: moved forward by the gap).
    pub spring_gap: usize,
    /// Readings whose wall-clock time occurs twice (autumn fold).
    pub fold: usize,
    /// Of those, how many were given the later offset (the second pass).
    pub fold_later: usize,
    /// Readings dropped within this file because another reading had the same instant.
    pub duplicates: usize,
    /// Warnings, at most 200 kept.
    pub warnings: Vec<Warning>,
    /// Warnings beyond the kept ones.
    pub warnings_dropped: usize,
}

impl ImportReport {
    /// Records a warning.
    pub fn warn(&mut self, line: Option<u64>, message: impl Into<String>) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning {
                line,
                message: message.into(),
            });
        } else {
            self.warnings_dropped += 1;
        }
    }

    /// Counts one skipped row.
    pub fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// The number of rows skipped for `reason`.
    pub fn skipped(&self, reason: SkipReason) -> usize {
        self.skipped.get(&reason).copied().unwrap_or(0)
    }
}

/// What importers fill as they go: readings per subject, other records, the report.
#[derive(Debug)]
pub(crate) struct Collector {
    pub(crate) report: ImportReport,
    readings: BTreeMap<String, Vec<Reading>>,
    other: Vec<OtherRecord>,
}

impl Collector {
    pub(crate) fn new(source: &str) -> Self {
        Self {
            report: ImportReport {
                source: source.to_owned(),
                ..ImportReport::default()
            },
            readings: BTreeMap::new(),
            other: Vec::new(),
        }
    }

    /// Adds a reading, counting censoring.
    pub(crate) fn reading(&mut self, subject: &str, reading: Reading) {
        match reading.censoring() {
            Censoring::Exact => {}
            Censoring::BelowLimit => self.report.censored_low += 1,
            Censoring::AboveLimit => self.report.censored_high += 1,
        }
        self.report.readings += 1;
        match self.readings.get_mut(subject) {
            Some(list) => list.push(reading),
            None => {
                self.readings.insert(subject.to_owned(), vec![reading]);
            }
        }
    }

    /// Maps the wall-clock times of one device clock, given in the order the device
    /// recorded them, and adds the readings.
    pub(crate) fn place_readings(
        &mut self,
        zone: &TimeZone,
        subject: &str,
        rows: impl IntoIterator<Item = PendingReading>,
    ) -> Result<(), ImportError> {
        let mut clock = WallClock::new(zone);
        for row in rows {
            let utc = self.map_time(&mut clock, row.line, row.local, true)?;
            self.reading(
                subject,
                Reading::new(utc, row.local, row.glucose, row.censoring),
            );
        }
        Ok(())
    }

    /// Like [`Collector::place_readings`] for other records (not counted as readings).
    pub(crate) fn place_others(
        &mut self,
        zone: &TimeZone,
        rows: impl IntoIterator<Item = PendingOther>,
    ) -> Result<(), ImportError> {
        let mut clock = WallClock::new(zone);
        for row in rows {
            let utc = self.map_time(&mut clock, row.line, row.local, false)?;
            self.other.push(OtherRecord {
                kind: row.kind,
                line: row.line,
                local: row.local,
                utc,
                value: row.value,
                note: row.note,
            });
        }
        Ok(())
    }

    fn map_time(
        &mut self,
        clock: &mut WallClock<'_>,
        line: u64,
        local: DateTime,
        count: bool,
    ) -> Result<jiff::Timestamp, ImportError> {
        let (utc, mapping) = clock.map(local).map_err(|e| {
            ImportError::row(
                &self.report.source,
                line,
                format!("time {local} cannot be placed in the time zone: {e}"),
            )
        })?;
        match mapping {
            Mapping::Unambiguous => {}
            Mapping::Gap => {
                if count {
                    self.report.spring_gap += 1;
                }
                self.report.warn(
                    Some(line),
                    format!(
                        "time {local} does not exist in the configured zone (spring-forward gap); read as {utc}; check the time zone"
                    ),
                );
            }
            Mapping::FoldEarlier | Mapping::FoldLater => {
                if count {
                    self.report.fold += 1;
                    if mapping == Mapping::FoldLater {
                        self.report.fold_later += 1;
                    }
                }
            }
        }
        Ok(utc)
    }

    /// Builds the traces (sorted, de-duplicated by instant) and the import.
    pub(crate) fn finish(self, format: Format) -> Import {
        let mut report = self.report;
        let mut traces = Vec::with_capacity(self.readings.len());
        for (subject, readings) in self.readings {
            let (trace, merge) = Trace::new(subject, readings);
            if merge.duplicates > 0 {
                report.warn(
                    None,
                    format!(
                        "{} readings of subject '{}' share an instant with an earlier one and were dropped (check the time zone)",
                        merge.duplicates,
                        trace.subject()
                    ),
                );
            }
            report.duplicates += merge.duplicates;
            traces.push(trace);
        }
        let mut other_records = self.other;
        other_records.sort_by_key(|r| r.utc);
        Import {
            format,
            traces,
            other_records,
            report,
        }
    }
}

/// A CGM reading whose instant is not yet known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PendingReading {
    pub(crate) line: u64,
    pub(crate) local: DateTime,
    pub(crate) glucose: GlucoseMgDl,
    pub(crate) censoring: Censoring,
}

/// An other record whose instant is not yet known.
#[derive(Debug, Clone)]
pub(crate) struct PendingOther {
    pub(crate) line: u64,
    pub(crate) local: DateTime,
    pub(crate) kind: OtherKind,
    pub(crate) value: Option<f64>,
    pub(crate) note: Option<String>,
}

/// A glucose value in mg/dL from a row, or the row error.
pub(crate) fn glucose_mg_dl(
    source: &str,
    line: u64,
    mg_dl: f64,
) -> Result<GlucoseMgDl, ImportError> {
    GlucoseMgDl::new(mg_dl)
        .map_err(|e| ImportError::row(source, line, format!("glucose value: {e}")))
}
