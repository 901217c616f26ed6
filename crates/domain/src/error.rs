//! The crate's error type for values that fail to parse or records that cannot change.
//!
//! State-machine refusals have their own type, [`crate::request::TransitionError`],
//! because callers (the web layer) map them to 409/422 separately from bad input.

use crate::facts::FactId;

/// Why a value was rejected or a record could not be changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// Not a valid NHS number.
    #[error("not a valid NHS number: {0}")]
    NhsNumber(&'static str),
    /// Not a valid ODS-style organisation code.
    #[error("not a valid ODS code: {0}")]
    OdsCode(&'static str),
    /// A GP practice code must be a letter followed by five digits.
    #[error("a GP practice code is a letter followed by five digits")]
    GpPracticeCode,
    /// HbA1c outside the plausible range of whole mmol/mol.
    #[error("HbA1c {0} mmol/mol is outside 20–200 mmol/mol")]
    Hba1c(u16),
    /// An awareness score outside its scale.
    #[error("{scale} score {score} is outside {min}–{max}")]
    AwarenessScore {
        /// The scale's name.
        scale: &'static str,
        /// The score given.
        score: u8,
        /// Lowest valid score.
        min: u8,
        /// Highest valid score.
        max: u8,
    },
    /// An IMD decile outside 1–10.
    #[error("IMD decile {0} is outside 1–10")]
    ImdDecile(u8),
    /// Sessions attended exceed the course length.
    #[error("{attended} sessions attended of a {total}-session course")]
    EducationSessions {
        /// Sessions attended.
        attended: u8,
        /// Sessions in the course.
        total: u8,
    },
    /// A percentage outside 0–100 or not finite.
    #[error("{0} is not a percentage between 0 and 100")]
    Percent(f64),
    /// A role that does not fit the account.
    #[error("{0}")]
    Role(&'static str),
    /// A required text (a reason, a name) was empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// No fact with this id in the log.
    #[error("no fact {0}")]
    FactNotFound(FactId),
    /// The fact was already corrected; correct the newer fact instead.
    #[error("fact {old} was already superseded by fact {by}")]
    AlreadySuperseded {
        /// The fact the caller tried to correct.
        old: FactId,
        /// The fact that already corrects it.
        by: FactId,
    },
    /// A correction must be about the same patient and the same kind of fact.
    #[error("a correction must be about the same patient and the same kind of fact")]
    CorrectionMismatch,
    /// The cohort is full.
    #[error("the cohort cap of {0} is reached")]
    CohortFull(u32),
    /// A contract needs at least one goal.
    #[error("a contract needs at least one agreed goal")]
    NoGoals,
    /// A date range whose end is before its start.
    #[error("the end date is before the start date")]
    DateOrder,
}
