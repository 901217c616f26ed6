//! Medtronic CareLink CSV: `;`-delimited with decimal commas, a preamble, then sections
//! opened by `-------;…` lines that each repeat the header; sensor glucose rows are
//! newest first (reference §2 "Medtronic CareLink CSV", PROVENANCE §6).

use std::io::{BufRead, BufReader, Cursor, Read};

use crate::import::number::{Unit, parse_decimal};
use crate::import::outcome::{Collector, PendingReading, glucose_mg_dl};
use crate::import::stamp;
use crate::import::table::{Match, field, field_utf8, find, sniff_delimiter};
use crate::import::{DEFAULT_SUBJECT, Format, Import, ImportError, ImportOptions, SkipReason};
use crate::reading::Censoring;

const SENSOR_GLUCOSE: &[&str] = &["sensor glucose ("];

/// Columns of the current section.
#[derive(Debug, Clone, Copy)]
struct Columns {
    date: usize,
    time: usize,
    glucose: Option<(usize, Unit)>,
}

pub(crate) fn read(
    input: impl Read,
    source: &str,
    options: &ImportOptions,
) -> Result<Import, ImportError> {
    let mut input = BufReader::new(input);
    let mut first = Vec::new();
    (&mut input)
        .take(64 * 1024)
        .read_until(b'\n', &mut first)
        .map_err(|error| ImportError::Io {
            input: source.to_owned(),
            error,
        })?;
    if first.starts_with(b"\xEF\xBB\xBF") {
        first.drain(..3);
    }
    let first_text = String::from_utf8_lossy(&first).into_owned();
    let delimiter = sniff_delimiter(&first_text);
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(Cursor::new(first).chain(input));

    let mut out = Collector::new(source);
    let subject = options.subject.as_deref().unwrap_or(DEFAULT_SUBJECT);
    let mut columns: Option<Columns> = None;
    let mut section: Vec<PendingReading> = Vec::new();
    let mut saw_header = false;
    let mut record = csv::ByteRecord::new();
    loop {
        match rows.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::csv_at(source, e, 0)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let first_field = field(&record, Some(0));
        if first_field.starts_with("-------") {
            // A new section: flush the previous one, oldest first.
            flush(&mut out, options, subject, &mut section)?;
            columns = None;
            continue;
        }
        if first_field.eq_ignore_ascii_case("index") {
            columns = Some(header_columns(&record, source, line)?);
            saw_header = true;
            continue;
        }
        let Some(cols) = columns else {
            // Preamble: patient, device and period lines.
            continue;
        };
        out.report.rows += 1;
        let Some((glucose_index, unit)) = cols.glucose else {
            out.report.skip(SkipReason::NotCgm);
            continue;
        };
        let value_text = field_utf8(&record, Some(glucose_index), source, line)?;
        if value_text.is_empty() {
            out.report.skip(SkipReason::NotCgm);
            continue;
        }
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
        let glucose = glucose_mg_dl(source, line, unit.to_mg_dl(value))?;
        let date = field_utf8(&record, Some(cols.date), source, line)?;
        let time = field_utf8(&record, Some(cols.time), source, line)?;
        let local = stamp::parse_year_first(&format!("{date} {time}"))
            .map_err(|p| ImportError::row(source, line, p))?;
        section.push(PendingReading {
            line,
            local,
            glucose,
            censoring: Censoring::Exact,
        });
    }
    flush(&mut out, options, subject, &mut section)?;
    if !saw_header {
        return Err(ImportError::NoHeader {
            input: source.to_owned(),
            expected: "CareLink section header (Index;Date;Time;…)",
        });
    }
    Ok(out.finish(Format::CareLink))
}

fn header_columns(
    record: &csv::ByteRecord,
    source: &str,
    line: u64,
) -> Result<Columns, ImportError> {
    let header: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_lowercase())
        .collect();
    let missing = |column| ImportError::MissingColumn {
        input: source.to_owned(),
        line,
        column,
    };
    let date = find(&header, &["date"], Match::Exact).ok_or_else(|| missing("Date"))?;
    let time = find(&header, &["time"], Match::Exact).ok_or_else(|| missing("Time"))?;
    let glucose = find(&header, SENSOR_GLUCOSE, Match::Prefix)
        .and_then(|i| Unit::in_header(&header[i]).map(|unit| (i, unit)));
    Ok(Columns {
        date,
        time,
        glucose,
    })
}

/// Places one section's readings. CareLink writes them newest first, so a section whose
/// first row is later than its last is reversed to give the fold rule the device's order.
fn flush(
    out: &mut Collector,
    options: &ImportOptions,
    subject: &str,
    section: &mut Vec<PendingReading>,
) -> Result<(), ImportError> {
    if let (Some(first), Some(last)) = (section.first(), section.last())
        && first.local > last.local
    {
        section.reverse();
    }
    out.place_readings(&options.zone, subject, section.drain(..))
}
