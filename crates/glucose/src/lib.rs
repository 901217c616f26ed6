//! diapath-glucose: CGM readings with their units, and everything computed from them.
//!
//! This crate is pure: it never reads the clock, never opens files or sockets (importers
//! take a reader passed in), and never depends on tokio, sqlx or axum. Time zones are
//! parameters. See ARCHITECTURE.md for the codemap.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod agp;
pub mod events;
pub mod import;
pub mod metrics;
pub mod reading;
pub mod report;
pub mod simulate;
mod stats;
pub mod units;

pub use reading::{Censoring, Reading, Trace};
pub use units::{GlucoseMgDl, GlucoseMmolL, MG_DL_PER_MMOL_L, UnitError};
