//! Recognising an export's format from its first bytes, never from its file name.

use std::io::{BufRead, Read};

use crate::import::{Format, ImportError};

/// How much of the input is inspected: enough for the CareLink preamble and a Clarity
/// metadata block.
const PEEK_BYTES: u64 = 64 * 1024;

/// Reads up to 64 KiB from the start of `input` for detection.
pub(crate) fn peek(input: &mut impl BufRead, source: &str) -> Result<Vec<u8>, ImportError> {
    let mut head = Vec::with_capacity(8 * 1024);
    input
        .take(PEEK_BYTES)
        .read_to_end(&mut head)
        .map_err(|error| ImportError::Io {
            input: source.to_owned(),
            error,
        })?;
    Ok(head)
}

/// The first line of `head`, shortened, for an error message.
pub(crate) fn first_line(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(strip_bom(head));
    let line = text.lines().next().unwrap_or("");
    super::stamp::shorten(line)
}

/// Removes a UTF-8 byte-order mark (the namebrandon Clarity file has one, PROVENANCE §7).
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Which format the start of an export is in, if any.
///
/// - Nightscout: JSON, starting with `[` or `{`.
/// - LibreView: a header within the first lines naming the device timestamp and the
///   record type (in any supported language; reference §1).
/// - Clarity: a first line with event-type and glucose-value columns (reference §2).
/// - CareLink: a `-------;` section line or a CareLink column header (reference §2).
/// - Generic: a header whose columns include `id`, `time` and `gl` (reference §7).
pub fn detect(head: &[u8]) -> Option<Format> {
    let head = strip_bom(head);
    let text = String::from_utf8_lossy(head);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        return Some(Format::Nightscout);
    }
    let lines: Vec<String> = text.lines().take(12).map(str::to_lowercase).collect();
    let first = lines.first().map(String::as_str).unwrap_or("");
    if lines.iter().any(|l| super::libreview::is_header_line(l)) {
        return Some(Format::LibreView);
    }
    if super::clarity::is_header_line(first) {
        return Some(Format::Clarity);
    }
    if lines.iter().any(|l| {
        l.starts_with("-------;") || l.starts_with("-------,") || l.contains("sensor glucose (")
    }) || first.starts_with("last name;first name")
    {
        return Some(Format::CareLink);
    }
    if super::generic::is_header_line(first) {
        return Some(Format::Generic);
    }
    None
}
