//! Why a policy, test-case or facts file could not be used. Policy errors name the file,
//! the line and the reason.

/// A file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy or policy test-case file is malformed or names an unknown fact.
    #[error("{file} line {line}: {reason}")]
    Policy {
        /// The file's name as given by the caller.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong, in words.
        reason: String,
    },
    /// A facts file is malformed.
    #[error("{file}: {reason}")]
    Facts {
        /// The file's name as given by the caller.
        file: String,
        /// What is wrong; names the entry.
        reason: String,
    },
}
