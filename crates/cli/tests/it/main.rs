//! Integration tests of the `diapath` binary: one test binary for the crate, running the
//! built executable on small synthetic inputs.

mod convert;
mod database;
mod demo;
mod policy;
mod report;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the built `diapath` in `dir` with a clean environment for time zones.
pub fn diapath(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("DIAPATH_TZ")
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .unwrap()
}

/// The repository root (for `examples/`).
pub fn repo_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}
