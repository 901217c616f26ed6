//! `diapath demo`: a fresh database with synthetic organisations, people and histories.

pub mod population;
