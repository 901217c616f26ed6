//! Dexcom Clarity CSV: one table of metadata rows (no timestamp) and events, English
//! (`,`) or German (`;`), 13- or 14-field rows; EGV rows are the CGM trace (reference §2).

use std::io::{BufReader, Read};

use crate::import::number::{Unit, parse_decimal};
use crate::import::outcome::{Collector, PendingOther, PendingReading, glucose_mg_dl};
use crate::import::stamp;
use crate::import::table::{self, Match, field, field_utf8, find, line_of};
use crate::import::{
    DEFAULT_SUBJECT, Format, Import, ImportError, ImportOptions, OtherKind, SkipReason,
};
use crate::reading::Censoring;

/// The timestamp column: `Timestamp (YYYY-MM-DDThh:mm:ss)`, German `Zeitstempel
/// (JJJJ-MM-TTThh:mm:ss)`, and `date_time` as edited in the G6 fixture (PROVENANCE §7).
const TIMESTAMP: &[&str] = &["timestamp", "zeitstempel", "date_time"];
const EVENT_TYPE: &[&str] = &["event type", "ereignisart"];
const GLUCOSE: &[&str] = &["glucose value", "glukosewert"];
const TRANSMITTER_TIME: &[&str] = &["transmitter time", "transmitterzeit"];
const TRANSMITTER_ID: &[&str] = &["transmitter id", "transmitter-id"];
const INSULIN: &[&str] = &["insulin value", "insulinwert"];
const CARBS: &[&str] = &["carb value", "kohlenh.-wert", "kohlenhydratwert"];

/// Dexcom G6/G7 report `Low` below 40 and `High` above 400 mg/dL (reference §2,
/// [secondary]); censored readings store the limit.
const LOW_MG_DL: f64 = 40.0;
const HIGH_MG_DL: f64 = 400.0;

/// Whether a lower-cased line is a Clarity header.
pub(crate) fn is_header_line(lower: &str) -> bool {
    EVENT_TYPE.iter().any(|a| lower.contains(a)) && GLUCOSE.iter().any(|a| lower.contains(a))
}

#[derive(Debug)]
struct Egv {
    /// Sort key: transmitter, whether it has a transmitter time, that time, file order.
    key: (u32, bool, i64, u64),
    reading: PendingReading,
}

pub(crate) fn read(
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let mut table = table::open(
        BufReader::new(input),
        source,
        0,
        is_header_line,
        "Clarity header (Index, Timestamp, Event Type, Glucose Value, …)",
    )?;
    let header = &table.header;
    let missing = |column| ImportError::MissingColumn {
        input: source.to_owned(),
        line: table.header_line,
        column,
    };
    let timestamp = find(header, TIMESTAMP, Match::Prefix).ok_or_else(|| missing("Timestamp"))?;
    let event = find(header, EVENT_TYPE, Match::Exact).ok_or_else(|| missing("Event Type"))?;
    let glucose = find(header, GLUCOSE, Match::Prefix).ok_or_else(|| missing("Glucose Value"))?;
    // mmol/L accounts write `Glucose Value (mmol/L)` (reference §2, [secondary]).
    let unit = Unit::in_header(&header[glucose]).unwrap_or(Unit::MgDl);
    let transmitter_time = find(header, TRANSMITTER_TIME, Match::Prefix);
    let transmitter_id = find(header, TRANSMITTER_ID, Match::Exact);
    let insulin = find(header, INSULIN, Match::Prefix);
    let carbs = find(header, CARBS, Match::Prefix);

    let mut out = Collector::new(source);
    let mut transmitters: Vec<String> = Vec::new();
    let mut egvs: Vec<Egv> = Vec::new();
    let mut others: Vec<PendingOther> = Vec::new();
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
        if stamp_text.is_empty() {
            // FirstName, Device, Alert …: metadata rows have no timestamp (reference §2).
            out.report.skip(SkipReason::Metadata);
            continue;
        }
        let local =
            stamp::parse_year_first(stamp_text).map_err(|p| ImportError::row(source, line, p))?;
        let event_type = field_utf8(&record, Some(event), source, line)?;
        let value_text = field_utf8(&record, Some(glucose), source, line)?;
        // `EGV` is not translated in the German export (PROVENANCE §5).
        if !event_type.eq_ignore_ascii_case("egv") {
            out.report.skip(SkipReason::OtherRecord);
            let number = |i| parse_decimal(field(&record, i));
            let (kind, value) = match event_type.to_lowercase().as_str() {
                "calibration" | "kalibrierung" => (
                    OtherKind::Calibration,
                    parse_decimal(value_text).map(|v| unit.to_mg_dl(v)),
                ),
                "insulin" => (OtherKind::Insulin, number(insulin)),
                "carbs" | "kohlenhydrate" => (OtherKind::Food, number(carbs)),
                other => (OtherKind::Event(stamp::shorten(other)), None),
            };
            others.push(PendingOther {
                line,
                local,
                kind,
                value,
                note: None,
            });
            continue;
        }
        let (glucose_value, censoring) = match value_text.to_lowercase().as_str() {
            "" => {
                out.report.skip(SkipReason::NoValue);
                continue;
            }
            // `Low`/`High` strings (namebrandon file); German words [unconfirmed].
            "low" | "niedrig" => (
                glucose_mg_dl(source, line, LOW_MG_DL)?,
                Censoring::BelowLimit,
            ),
            "high" | "hoch" => (
                glucose_mg_dl(source, line, HIGH_MG_DL)?,
                Censoring::AboveLimit,
            ),
            _ => {
                let value = parse_decimal(value_text).ok_or_else(|| {
                    ImportError::row(
                        source,
                        line,
                        format!(
                            "glucose value '{}' is not a number",
                            stamp::shorten(value_text)
                        ),
                    )
                })?;
                (
                    glucose_mg_dl(source, line, unit.to_mg_dl(value))?,
                    Censoring::Exact,
                )
            }
        };
        let id = field(&record, transmitter_id);
        let tx = match transmitters.iter().position(|t| t == id) {
            Some(i) => i,
            None => {
                transmitters.push(id.to_owned());
                transmitters.len() - 1
            }
        };
        let tx_time = field(&record, transmitter_time).parse::<i64>().ok();
        egvs.push(Egv {
            key: (
                u32::try_from(tx).unwrap_or(u32::MAX),
                tx_time.is_some(),
                tx_time.unwrap_or(0),
                line,
            ),
            reading: PendingReading {
                line,
                local,
                glucose: glucose_value,
                censoring,
            },
        });
    }

    // Clarity sorts rows by timestamp text, so the two passes of a repeated autumn hour
    // interleave. Transmitter time is the device's true order: sort by it within each
    // transmitter and let the fold rule assign the passes (PROVENANCE §7).
    egvs.sort_by_key(|e| e.key);
    let subject = options.subject.as_deref().unwrap_or(DEFAULT_SUBJECT);
    for group in egvs.chunk_by(|a, b| a.key.0 == b.key.0 && a.key.1 == b.key.1) {
        out.place_readings(&options.zone, subject, group.iter().map(|e| e.reading))?;
    }
    out.place_others(&options.zone, others)?;
    Ok(out.finish(Format::Clarity))
}
