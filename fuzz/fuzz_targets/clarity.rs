//! Fuzz target: the Clarity importer, on raw bytes and on bytes after a valid header (so the
//! fuzzer spends its time on rows rather than on finding the header).
#![no_main]

use diapath_glucose::import::{self, Format, ImportOptions};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] = b"\"Index\",\"Timestamp (YYYY-MM-DDThh:mm:ss)\",\"Event Type\",\"Event Subtype\",\"Patient Info\",\"Device Info\",\"Source Device ID\",\"Glucose Value (mg/dL)\",\"Insulin Value (u)\",\"Carb Value (grams)\",\"Duration (hh:mm:ss)\",\"Glucose Rate of Change (mg/dL/min)\",\"Transmitter Time (Long Integer)\",\"Transmitter ID\"\r\n";

fuzz_target!(|data: &[u8]| {
    let options = ImportOptions::default();
    let _ = import::read_as(Format::Clarity, data, "fuzz", &options);
    let _ = import::read_as(
        Format::Clarity,
        std::io::Read::chain(HEADER, data),
        "fuzz",
        &options,
    );
});
