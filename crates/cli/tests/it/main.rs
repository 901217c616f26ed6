//! Integration tests of the `diapath` binary: one test binary for the crate, running the
//! built executable on small synthetic inputs.

mod convert;
mod policy;
