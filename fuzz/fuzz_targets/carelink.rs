//! Fuzz target: the CareLink importer, on raw bytes and on bytes after a valid header (so the
//! fuzzer spends its time on rows rather than on finding the header).
#![no_main]

use diapath_glucose::import::{self, Format, ImportOptions};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"-------;MiniMed 780G MMT-1111;Sensor;XXXXXXXXXX;------- \r\nIndex;Date;Time;New Device Time;Sensor Glucose (mg/dL);ISIG Value;Event Marker\r\n";

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions::default();
    let _ = import::read_as(Format::CareLink, data, "fuzz", &options);
    let _ = import::read_as(
        Format::CareLink,
        std::io::Read::chain(HEADER, data),
        "fuzz",
        &options,
    );
});
