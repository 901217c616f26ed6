//! diapath-domain: the access pathway as data. Organisations, patients and their NHS
//! numbers, clinical facts with provenance, requests and their state machine, capacity,
//! contracts, trial reviews, and the one permission function.
//!
//! This crate is pure: it never reads the clock (dates and instants are parameters),
//! never does I/O, and never depends on tokio, sqlx or axum. Records derive serde so the
//! store can keep them as JSON (see ARCHITECTURE.md for why this crate departs from the
//! "no serde on domain types" habit). docs/domain.md describes the state machine, the
//! reason codes and the permission matrix.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod capacity;
pub mod contract;
pub mod eligibility;
mod error;
pub mod evidence;
pub mod facts;
mod ids;
pub mod nhs_number;
pub mod organisation;
pub mod patient;
pub mod permissions;
pub mod reasons;
pub mod request;
pub mod review;
pub mod user;

pub use error::DomainError;
pub use ids::{PatientId, RequestId, UserId};
pub use nhs_number::NhsNumber;
pub use organisation::{OdsCode, Organisation, OrganisationKind};
pub use patient::Patient;
pub use permissions::{Decision, Operation, Target, permits};
pub use request::{Action, Command, Request, RequestState, Transition, TransitionError};
pub use user::{Actor, Role, User};
