//! Research CSV `id,time,gl` as iglu uses it: several subjects per file, naive local
//! `YYYY-MM-DD HH:MM[:SS]`, glucose in mg/dL, optionally led by an unnamed index column
//! (reference §7).

use std::io::{BufReader, Read};

use crate::import::number::parse_decimal;
use crate::import::outcome::{Collector, PendingReading, glucose_mg_dl};
use crate::import::stamp;
use crate::import::table::{self, Match, field_utf8, find, line_of};
use crate::import::{DEFAULT_SUBJECT, Format, Import, ImportError, ImportOptions, SkipReason};
use crate::reading::Censoring;

/// Whether a lower-cased line is an `id,time,gl` header.
pub(crate) fn is_header_line(lower: &str) -> bool {
    let names: Vec<&str> = lower
        .trim()
        .split([',', ';', '\t'])
        .map(|n| n.trim().trim_matches('"').trim())
        .collect();
    ["id", "time", "gl"].iter().all(|want| names.contains(want))
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
        "header with columns id, time, gl",
    )?;
    let header = &table.header;
    let missing = |column| ImportError::MissingColumn {
        input: source.to_owned(),
        line: table.header_line,
        column,
    };
    let id = find(header, &["id"], Match::Exact).ok_or_else(|| missing("id"))?;
    let time = find(header, &["time"], Match::Exact).ok_or_else(|| missing("time"))?;
    let gl = find(header, &["gl"], Match::Exact).ok_or_else(|| missing("gl"))?;

    let mut out = Collector::new(source);
    let fallback = options.subject.as_deref().unwrap_or(DEFAULT_SUBJECT);
    let mut subjects: Vec<String> = Vec::new();
    let mut rows: Vec<(usize, PendingReading)> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match table.rows.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(ImportError::csv_at(source, e, table.line_offset)),
        }
        let line = line_of(&record, table.line_offset);
        out.report.rows += 1;
        let gl_text = field_utf8(&record, Some(gl), source, line)?;
        if gl_text.is_empty() || gl_text.eq_ignore_ascii_case("na") {
            out.report.skip(SkipReason::NoValue);
            continue;
        }
        let value = parse_decimal(gl_text).ok_or_else(|| {
            ImportError::row(
                source,
                line,
                format!(
                    "glucose value '{}' is not a number",
                    stamp::shorten(gl_text)
                ),
            )
        })?;
        let glucose = glucose_mg_dl(source, line, value)?;
        let time_text = field_utf8(&record, Some(time), source, line)?;
        let local =
            stamp::parse_year_first(time_text).map_err(|p| ImportError::row(source, line, p))?;
        let subject = match field_utf8(&record, Some(id), source, line)? {
            "" => fallback,
            named => named,
        };
        let index = match subjects.iter().rposition(|s| s == subject) {
            Some(i) => i,
            None => {
                subjects.push(subject.to_owned());
                subjects.len() - 1
            }
        };
        rows.push((
            index,
            PendingReading {
                line,
                local,
                glucose,
                censoring: Censoring::Exact,
            },
        ));
    }
    // Each subject's rows, in file order, are one clock sequence for the fold rule.
    rows.sort_by_key(|(index, _)| *index);
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let subject = subjects.get(group[0].0).map_or(fallback, String::as_str);
        out.place_readings(&options.zone, subject, group.iter().map(|(_, r)| *r))?;
    }
    Ok(out.finish(Format::Generic))
}
