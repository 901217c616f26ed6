//! Fuzz target: the id,time,gl importer, on raw bytes and on bytes after a valid header (so the
//! fuzzer spends its time on rows rather than on finding the header).
#![no_main]

use diapath_glucose::import::{self, Format, ImportOptions};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"\"\",\"id\",\"time\",\"gl\"\n";

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions::default();
    let _ = import::read_as(Format::Generic, data, "fuzz", &options);
    let _ = import::read_as(
        Format::Generic,
        std::io::Read::chain(HEADER, data),
        "fuzz",
        &options,
    );
});
