//! Integration tests of diapath-domain: one test binary for the crate (style.md habit 8).

mod docs;
mod fixtures;
mod permissions;
mod review;
mod state_machine;
