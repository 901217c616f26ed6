//! Integration tests of diapath-glucose: one test binary for the crate (style.md habit 8).

mod exports;
mod iglu_parity;
mod metric_properties;
