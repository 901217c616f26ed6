//! Integration tests of diapath-domain: one test binary for the crate (style.md habit 8).
