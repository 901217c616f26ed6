//! Abbott LibreView CSV (FreeStyle Libre): title row, optional LibreView Pro patient row,
//! localised 19-column header, record types 0–6 (reference §1).

use std::io::{BufReader, Read};

use crate::import::number::{Unit, parse_decimal};
use crate::import::outcome::{Collector, PendingOther, PendingReading, glucose_mg_dl};
use crate::import::stamp::{self, DateOrderVote, RawStamp};
use crate::import::table::{self, Match, field, field_utf8, find, line_of};
use crate::import::{DEFAULT_SUBJECT, Format, Import, ImportError, ImportOptions, OtherKind};
use crate::reading::Censoring;

/// `Device Timestamp` in the languages seen (reference §1 "Locale variants": English
/// confirmed, German from a test fixture, French from a parser's alias table).
const TIMESTAMP: &[&str] = &[
    "device timestamp",
    "gerätezeitstempel",
    "horodatage de l'appareil",
    "horodatage de l’appareil",
];
/// `Record Type`. The French name is [unconfirmed]; the reference lists none.
const RECORD_TYPE: &[&str] = &[
    "record type",
    "aufzeichnungstyp",
    "type d'enregistrement",
    "type d’enregistrement",
];
/// Column-name prefixes; the unit follows them (reference §1).
const HISTORIC: &[&str] = &[
    "historic glucose",
    "glukosewert-verlauf",
    "glucose historique",
];
const SCAN: &[&str] = &["scan glucose", "glukose-scan", "glucose lu"];
const STRIP: &[&str] = &[
    "strip glucose",
    "glukose-teststreifen",
    "glucose bandelette",
];
const KETONE: &[&str] = &["ketone", "keton", "cétone"];
const SERIAL: &[&str] = &["serial number", "seriennummer", "numéro de série"];
const NOTES: &[&str] = &["notes", "notizen", "remarques"];
const RAPID_INSULIN: &[&str] = &["rapid-acting insulin (units)"];
/// Both spellings exist: UK/EU LibreLink writes `Value` (PROVENANCE §1, §4).
const LONG_INSULIN: &[&str] = &[
    "long-acting insulin value (units)",
    "long-acting insulin (units)",
];
const CARBS: &[&str] = &["carbohydrates (grams)"];

/// The Libre low and high clamps: Tidepool flags type-0 values ≤ 40 mg/dL (≤ 2.2 mmol/L)
/// and ≥ 500 mg/dL (≥ 27.8 mmol/L) as out of range (reference §1 "Units and LO/HI").
const LOW_MG_DL: f64 = 40.0;
const HIGH_MG_DL: f64 = 500.0;
const LOW_MMOL_L: f64 = 2.2;
const HIGH_MMOL_L: f64 = 27.8;

/// Whether a lower-cased line is a LibreView header.
pub(crate) fn is_header_line(lower: &str) -> bool {
    TIMESTAMP.iter().any(|a| lower.contains(a)) && RECORD_TYPE.iter().any(|a| lower.contains(a))
}

#[derive(Debug)]
struct Row {
    line: u64,
    serial: u32,
    stamp: RawStamp,
    glucose: crate::units::GlucoseMgDl,
    censoring: Censoring,
}

#[derive(Debug)]
struct Other {
    line: u64,
    group: (u32, u8),
    stamp: RawStamp,
    kind: OtherKind,
    value: Option<f64>,
    note: Option<String>,
}

pub(crate) fn read(
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    // Title row, optional Pro patient row, then the header (reference §1 "Layout").
    let mut table = table::open(
        BufReader::new(input),
        source,
        4,
        is_header_line,
        "LibreView header (Device Timestamp, Record Type, …)",
    )?;
    let header = &table.header;
    let missing = |column| ImportError::MissingColumn {
        input: source.to_owned(),
        line: table.header_line,
        column,
    };
    let timestamp =
        find(header, TIMESTAMP, Match::Exact).ok_or_else(|| missing("Device Timestamp"))?;
    let record_type =
        find(header, RECORD_TYPE, Match::Exact).ok_or_else(|| missing("Record Type"))?;
    let historic =
        find(header, HISTORIC, Match::Prefix).ok_or_else(|| missing("Historic Glucose"))?;
    let unit = Unit::in_header(&header[historic]).ok_or_else(|| ImportError::Row {
        input: source.to_owned(),
        line: table.header_line,
        problem: format!(
            "column '{}' names no unit (mg/dL or mmol/L)",
            header[historic]
        ),
    })?;
    let scan = find(header, SCAN, Match::Prefix);
    let strip = find(header, STRIP, Match::Prefix);
    let ketone = find(header, KETONE, Match::Prefix);
    let serial = find(header, SERIAL, Match::Exact);
    let notes = find(header, NOTES, Match::Exact);
    let rapid = find(header, RAPID_INSULIN, Match::Exact);
    let long = find(header, LONG_INSULIN, Match::Exact);
    let carbs = find(header, CARBS, Match::Exact);
    let unit_of = |i: Option<usize>| i.and_then(|i| Unit::in_header(&header[i])).unwrap_or(unit);
    let (scan_unit, strip_unit) = (unit_of(scan), unit_of(strip));

    let mut out = Collector::new(source);
    let mut vote = DateOrderVote::default();
    let mut serials: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut others: Vec<Other> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match table.rows.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::csv_at(source, e, table.line_offset)),
        }
        let line = line_of(&record, table.line_offset);
        out.report.rows += 1;
        let stamp_text = field_utf8(&record, Some(timestamp), source, line)?;
        let type_text = field(&record, Some(record_type));
        if stamp_text.is_empty() && type_text.is_empty() {
            out.report.skip(crate::import::SkipReason::Metadata);
            continue;
        }
        let kind: u8 = type_text.parse().map_err(|_| {
            ImportError::row(
                source,
                line,
                format!(
                    "record type '{}' is not a number",
                    stamp::shorten(type_text)
                ),
            )
        })?;
        if kind > 6 {
            out.report
                .skip(crate::import::SkipReason::UnknownRecordType);
            out.report.warn(
                Some(line),
                format!("unknown record type {kind}; row skipped"),
            );
            continue;
        }
        let stamp = stamp::parse(stamp_text).map_err(|p| ImportError::row(source, line, p))?;
        vote.note(&stamp, line);
        let serial_text = field(&record, serial);
        let serial_index = match serials.iter().position(|s| s == serial_text) {
            Some(i) => i,
            None => {
                serials.push(serial_text.to_owned());
                serials.len() - 1
            }
        };
        let serial_index = u32::try_from(serial_index).unwrap_or(u32::MAX);
        if kind == 0 {
            let text = field_utf8(&record, Some(historic), source, line)?;
            let Some((glucose, censoring)) = historic_value(text, unit, source, line)? else {
                out.report.skip(crate::import::SkipReason::NoValue);
                continue;
            };
            rows.push(Row {
                line,
                serial: serial_index,
                stamp,
                glucose,
                censoring,
            });
            continue;
        }
        out.report.skip(crate::import::SkipReason::OtherRecord);
        let mut number = |index: Option<usize>, what: &str| -> Option<f64> {
            let text = field(&record, index);
            if text.is_empty() {
                return None;
            }
            let value = parse_decimal(text);
            if value.is_none() {
                out.report.warn(
                    Some(line),
                    format!(
                        "{what} '{}' is not a number; kept without a value",
                        stamp::shorten(text)
                    ),
                );
            }
            value
        };
        let (kind_of, value) = match kind {
            1 => (
                OtherKind::Scan,
                number(scan, "scan glucose").map(|v| scan_unit.to_mg_dl(v)),
            ),
            2 => (
                OtherKind::Strip,
                number(strip, "strip glucose").map(|v| strip_unit.to_mg_dl(v)),
            ),
            3 => (OtherKind::Ketone, number(ketone, "ketone value")),
            4 => (
                OtherKind::Insulin,
                number(rapid, "insulin dose").or_else(|| number(long, "insulin dose")),
            ),
            5 => (OtherKind::Food, number(carbs, "carbohydrate amount")),
            _ => (OtherKind::Note, None),
        };
        let note = Some(field(&record, notes))
            .filter(|n| !n.is_empty())
            .map(str::to_owned);
        others.push(Other {
            line,
            group: (serial_index, kind),
            stamp,
            kind: kind_of,
            value,
            note,
        });
    }

    let (order, assumed) =
        vote.decide(options.date_order)
            .map_err(|problem| ImportError::File {
                input: source.to_owned(),
                problem,
            })?;
    if let Some(message) = assumed {
        out.report.warn(None, message);
    }
    let subject = options.subject.as_deref().unwrap_or(DEFAULT_SUBJECT);

    // Rows are grouped by device then record type and are time-ordered only within a
    // group (reference §1 "Rows are not chronological"), so each device's type-0 rows are
    // one clock sequence for the fold rule; the stable sort keeps file order within it.
    rows.sort_by_key(|r| r.serial);
    for group in rows.chunk_by(|a, b| a.serial == b.serial) {
        let mut pending = Vec::with_capacity(group.len());
        for row in group {
            let local = row
                .stamp
                .to_datetime(order)
                .map_err(|p| ImportError::row(source, row.line, p))?;
            pending.push(PendingReading {
                line: row.line,
                local,
                glucose: row.glucose,
                censoring: row.censoring,
            });
        }
        out.place_readings(&options.zone, subject, pending)?;
    }
    others.sort_by_key(|o| o.group);
    let mut pending_others = Vec::new();
    for group in others.chunk_by(|a, b| a.group == b.group) {
        pending_others.clear();
        for other in group {
            let local = other
                .stamp
                .to_datetime(order)
                .map_err(|p| ImportError::row(source, other.line, p))?;
            pending_others.push(PendingOther {
                line: other.line,
                local,
                kind: other.kind.clone(),
                value: other.value,
                note: other.note.clone(),
            });
        }
        out.place_others(&options.zone, pending_others.drain(..))?;
    }
    Ok(out.finish(Format::LibreView))
}

/// A type-0 value: a number in the file's unit, or `LO`/`HI`; `None` when empty.
fn historic_value(
    text: &str,
    unit: Unit,
    source: &str,
    line: u64,
) -> Result<Option<(crate::units::GlucoseMgDl, Censoring)>, ImportError> {
    if text.is_empty() {
        return Ok(None);
    }
    let (low, high) = match unit {
        Unit::MgDl => (LOW_MG_DL, HIGH_MG_DL),
        Unit::MmolL => (LOW_MMOL_L, HIGH_MMOL_L),
    };
    // No raw sample writes LO/HI (reference §1); accept them anyway, stored at the clamp.
    let (value, censoring) = if text.eq_ignore_ascii_case("lo") {
        (low, Censoring::BelowLimit)
    } else if text.eq_ignore_ascii_case("hi") {
        (high, Censoring::AboveLimit)
    } else {
        let value = parse_decimal(text).ok_or_else(|| {
            ImportError::row(
                source,
                line,
                format!("glucose value '{}' is not a number", stamp::shorten(text)),
            )
        })?;
        // Compare in the file's own unit: 2.2 mmol/L is the clamp as written, not
        // 39.6 mg/dL after conversion.
        let censoring = if value <= low + 1e-9 {
            Censoring::BelowLimit
        } else if value >= high - 1e-9 {
            Censoring::AboveLimit
        } else {
            Censoring::Exact
        };
        (value, censoring)
    };
    let glucose = glucose_mg_dl(source, line, unit.to_mg_dl(value))?;
    Ok(Some((glucose, censoring)))
}
