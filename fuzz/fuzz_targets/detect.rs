//! Fuzz target: any bytes through format detection and whichever importer it picks.
#![no_main]

use diapath_glucose::import::{self, ImportOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = import::read(data, "fuzz", &ImportOptions::default());
});
