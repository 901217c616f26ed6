//! Why an export could not be imported: every message names the source and, where there
//! is one, the line.

/// A failed import. Messages read like `clarity.csv line 12: glucose value 'abc' is not a
/// number`.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Reading the input failed.
    #[error("{input}: cannot read: {error}")]
    Io {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// The I/O failure.
        #[source]
        error: std::io::Error,
    },
    /// The content matches none of the supported formats.
    #[error(
        "{input}: not a recognised CGM export (LibreView, Clarity, CareLink, Nightscout JSON or id,time,gl CSV); first line: {first_line:?}"
    )]
    UnknownFormat {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// The first line, shortened, to help the user see what they gave.
        first_line: String,
    },
    /// A column the format needs is missing from the header.
    #[error("{input} line {line}: header has no {column} column")]
    MissingColumn {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// The header's line.
        line: u64,
        /// The column looked for.
        column: &'static str,
    },
    /// The file ended before its table began.
    #[error("{input}: no {expected} found")]
    NoHeader {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// What was looked for.
        expected: &'static str,
    },
    /// One row is malformed.
    #[error("{input} line {line}: {problem}")]
    Row {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// 1-based line number (for JSON: the entry number).
        line: u64,
        /// What is wrong.
        problem: String,
    },
    /// One JSON entry is malformed.
    #[error("{input} entry {index}: {problem}")]
    Entry {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// 1-based position of the entry in the array.
        index: u64,
        /// What is wrong.
        problem: String,
    },
    /// The file as a whole is inconsistent (e.g. rows proving both date orders).
    #[error("{input}: {problem}")]
    File {
        /// The input's name (the `source` given to `read`).
        input: String,
        /// What is wrong.
        problem: String,
    },
}

impl ImportError {
    /// A row error.
    pub(crate) fn row(source: &str, line: u64, problem: impl Into<String>) -> Self {
        ImportError::Row {
            input: source.to_owned(),
            line,
            problem: problem.into(),
        }
    }

    /// Wraps a csv error, keeping its line (shifted by `line_offset`, the lines before the
    /// csv reader started) when it has one.
    pub(crate) fn csv_at(source: &str, error: csv::Error, line_offset: u64) -> Self {
        let line = error.position().map(|p| p.line() + line_offset);
        match (error.into_kind(), line) {
            (csv::ErrorKind::Io(error), _) => ImportError::Io {
                input: source.to_owned(),
                error,
            },
            (csv::ErrorKind::Utf8 { err, .. }, Some(line)) => {
                Self::row(source, line, format!("text is not UTF-8 ({err})"))
            }
            (kind, Some(line)) => Self::row(source, line, format!("malformed CSV: {kind:?}")),
            (kind, None) => ImportError::File {
                input: source.to_owned(),
                problem: format!("malformed CSV: {kind:?}"),
            },
        }
    }
}
