//! Delimited tables with a preamble: find the header line by content, pick the
//! delimiter from it, look columns up through alias tables, then stream the rows.

use std::io::{BufRead, Read};

use crate::import::ImportError;
use crate::import::detect::strip_bom;

/// A CSV table positioned after its header.
#[derive(Debug)]
pub(crate) struct Table<R> {
    /// Rows after the header; `csv` counts lines from 1 here.
    pub(crate) rows: csv::Reader<R>,
    /// Add to a `csv` line number to get the file's line number.
    pub(crate) line_offset: u64,
    /// The header's line number in the file.
    pub(crate) header_line: u64,
    /// Header names, trimmed and lower-cased.
    pub(crate) header: Vec<String>,
}

/// Longest line accepted while looking for a header, so that a binary file without line
/// breaks cannot make us buffer it whole.
const MAX_PREAMBLE_LINE: u64 = 64 * 1024;

/// Skips up to `max_preamble` lines until one satisfies `is_header` (given the
/// lower-cased line), and opens the rest as a table.
pub(crate) fn open<R: BufRead>(
    mut input: R,
    source: &str,
    max_preamble: usize,
    is_header: impl Fn(&str) -> bool,
    expected: &'static str,
) -> Result<Table<R>, ImportError> {
    let mut line_no = 0u64;
    let mut raw = Vec::new();
    loop {
        raw.clear();
        let read = (&mut input)
            .take(MAX_PREAMBLE_LINE)
            .read_until(b'\n', &mut raw)
            .map_err(|error| ImportError::Io {
                input: source.to_owned(),
                error,
            })?;
        line_no += 1;
        if read == 0 || line_no as usize > max_preamble + 1 {
            return Err(ImportError::NoHeader {
                input: source.to_owned(),
                expected,
            });
        }
        let bytes = if line_no == 1 { strip_bom(&raw) } else { &raw };
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        if is_header(&text) {
            let delimiter = sniff_delimiter(&text);
            let header = split_header(bytes, delimiter);
            let rows = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(input);
            return Ok(Table {
                rows,
                line_offset: line_no,
                header_line: line_no,
                header,
            });
        }
    }
}

/// `;` when the line has more semicolons than commas (German Clarity, CareLink), `,`
/// otherwise.
pub(crate) fn sniff_delimiter(line: &str) -> u8 {
    let semicolons = line.matches(';').count();
    let commas = line.matches(',').count();
    if semicolons > commas { b';' } else { b',' }
}

/// Splits one header line into trimmed, lower-cased names.
fn split_header(line: &[u8], delimiter: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_lowercase())
            .collect(),
        _ => Vec::new(),
    }
}

/// How a header name is compared with an alias.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Match {
    /// The whole name.
    Exact,
    /// The start of the name (for names followed by a unit).
    Prefix,
}

/// The index of the first column whose name matches one of `aliases` (lower-case).
pub(crate) fn find(header: &[String], aliases: &[&str], how: Match) -> Option<usize> {
    header.iter().position(|name| {
        aliases.iter().any(|alias| match how {
            Match::Exact => name == alias,
            Match::Prefix => name.starts_with(alias),
        })
    })
}

/// A field of a row as trimmed text ("" when absent or not UTF-8 — callers that need
/// the difference use [`field_utf8`]).
pub(crate) fn field(record: &csv::ByteRecord, index: Option<usize>) -> &str {
    index
        .and_then(|i| record.get(i))
        .and_then(|b| std::str::from_utf8(b).ok())
        .map_or("", str::trim)
}

/// A field as trimmed text, or a row error if it is not UTF-8.
pub(crate) fn field_utf8<'r>(
    record: &'r csv::ByteRecord,
    index: Option<usize>,
    source: &str,
    line: u64,
) -> Result<&'r str, ImportError> {
    match index.and_then(|i| record.get(i)) {
        None => Ok(""),
        Some(bytes) => std::str::from_utf8(bytes)
            .map(str::trim)
            .map_err(|_| ImportError::row(source, line, "text is not UTF-8")),
    }
}

/// The file line of a record.
pub(crate) fn line_of(record: &csv::ByteRecord, offset: u64) -> u64 {
    record.position().map_or(0, csv::Position::line) + offset
}
