//! diapath-policy: who may have a diabetes technology, as data. Policies are TOML files
//! (docs/policy-format.md) over a catalogue of typed patient facts (docs/facts.md); the
//! evaluator returns per-criterion findings, an outcome, the evidence to collect and the
//! smallest changes that would make a person eligible.
//!
//! This crate is pure: it never reads the clock or opens files (callers pass text and
//! the evaluation date), and never depends on tokio, sqlx or axum.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod catalogue;
pub mod error;
pub mod evaluate;
pub mod explain;
pub mod facts;
pub mod period;
pub mod policy;
pub mod testcase;

pub use catalogue::{CATALOGUE, FactDef, FactId, FactKind};
pub use error::Error;
pub use evaluate::{Evaluation, Outcome, Stage, Status, evaluate};
pub use explain::Report;
pub use facts::{FactRecord, FactValue, Facts};
pub use period::Period;
pub use policy::Policy;
pub use testcase::{CaseResult, TestSuite};
