//! Integration tests of diapath-policy: the shipped library in policies/ with its test
//! cases, and the errors authors see.

mod errors;
mod library;
mod properties;
