//! Every real export in the shared fixtures folder, imported and checked against the
//! counts in its PROVENANCE.md. The files are never copied into the repository
//! (licences); without them these tests print a message and pass.

use std::path::PathBuf;

use diapath_glucose::Censoring;
use diapath_glucose::import::{
    self, Format, Import, ImportError, ImportOptions, OtherKind, SkipReason,
};
use jiff::tz::TimeZone;

/// `DIAPATH_FIXTURES`, else `../shared/fixtures` next to the repository.
fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("DIAPATH_FIXTURES").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures"),
        PathBuf::from,
    );
    if dir.join("exports").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: fixtures not found at {} (set DIAPATH_FIXTURES)",
            dir.display()
        );
        None
    }
}

fn zone(name: &str) -> TimeZone {
    jiff::tz::db().get(name).unwrap()
}

fn options(zone_name: &str) -> ImportOptions {
    ImportOptions {
        zone: zone(zone_name),
        ..ImportOptions::default()
    }
}

fn import(name: &str, options: &ImportOptions) -> Option<Result<Import, ImportError>> {
    let path = fixtures()?.join(name);
    let file = std::fs::File::open(&path).unwrap();
    Some(import::read(file, name, options))
}

fn censored(import: &Import, how: Censoring) -> usize {
    import.traces[0]
        .readings()
        .iter()
        .filter(|r| r.censoring() == how)
        .count()
}

fn others(import: &Import, kind: &OtherKind) -> usize {
    import
        .other_records
        .iter()
        .filter(|o| &o.kind == kind)
        .count()
}

#[test]
fn libreview_glyco_has_8372_historic_readings_16_at_the_low_clamp() {
    // PROVENANCE §1: the clock was CET/CEST, not London (29-03-2020 01:39 → 03:09).
    let Some(result) = import(
        "exports/libreview_uk_mmol_glyco.csv",
        &options("Europe/Paris"),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.format, Format::LibreView);
    assert_eq!(import.traces.len(), 1);
    assert_eq!(import.traces[0].len(), 8_372);
    assert_eq!(import.report.readings, 8_372);
    assert_eq!(import.report.censored_low, 16);
    assert_eq!(censored(&import, Censoring::BelowLimit), 16);
    assert_eq!(import.report.rows, 8_372 + 1_962 + 16 + 749);
    assert_eq!(others(&import, &OtherKind::Scan), 1_962);
    assert_eq!(others(&import, &OtherKind::Food), 16);
    assert_eq!(others(&import, &OtherKind::Note), 749);
    assert_eq!(import.report.spring_gap, 0);
    assert_eq!(import.report.duplicates, 0);
    let notes: Vec<&str> = import
        .other_records
        .iter()
        .filter_map(|o| o.note.as_deref())
        .collect();
    assert_eq!(notes.len(), 166);
    assert!(notes.contains(&"morning") && notes.contains(&"Bike"));
    let first = import.traces[0].readings()[0];
    assert_eq!(first.local().to_string(), "2019-12-05T16:25:00");
    assert_eq!(first.utc().to_string(), "2019-12-05T15:25:00Z");
    assert!((first.glucose().to_mmol_l().get() - 6.3).abs() < 1e-9);
}

#[test]
fn libreview_glyco_in_london_flags_the_nonexistent_spring_hour() {
    let Some(result) = import(
        "exports/libreview_uk_mmol_glyco.csv",
        &ImportOptions::default(),
    ) else {
        return;
    };
    let import = result.unwrap();
    // 01:39 and 01:54 on 29-03-2020 do not exist in London.
    assert_eq!(import.report.spring_gap, 2);
    assert!(
        import
            .report
            .warnings
            .iter()
            .any(|w| w.message.contains("spring-forward gap"))
    );
}

#[test]
fn libreview_type6_only_gives_an_empty_import_with_a_clear_warning() {
    let Some(result) = import(
        "exports/libreview_type6_glyco.csv",
        &ImportOptions::default(),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert!(import.is_empty());
    assert_eq!(import.report.rows, 345);
    assert_eq!(import.other_records.len(), 345);
    assert_eq!(
        import
            .other_records
            .iter()
            .filter(|o| o.note.is_some())
            .count(),
        144
    );
    assert!(
        import
            .report
            .warnings
            .iter()
            .any(|w| w.message.starts_with("no CGM readings found")),
        "{:?}",
        import.report.warnings
    );
}

#[test]
fn libreview_warren_lf_padded_title_integer_values() {
    let Some(result) = import(
        "exports/libreview_uk_mmol_warren.csv",
        &ImportOptions::default(),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.traces[0].len(), 2_349);
    assert_eq!(import.report.censored_low, 44);
    assert_eq!(others(&import, &OtherKind::Scan), 760);
    assert_eq!(others(&import, &OtherKind::Insulin), 148);
    assert_eq!(others(&import, &OtherKind::Food), 88);
    assert_eq!(others(&import, &OtherKind::Note), 270);
    // One dose is only `Non-numeric Rapid-Acting Insulin` = 1, with no amount.
    let dosed = import
        .other_records
        .iter()
        .filter(|o| o.kind == OtherKind::Insulin && o.value.is_some());
    assert_eq!(dosed.count(), 147);
    assert!(
        import.report.warnings.is_empty(),
        "{:?}",
        import.report.warnings
    );
    let max = import.traces[0]
        .readings()
        .iter()
        .map(|r| r.glucose().to_mmol_l().get())
        .fold(0.0, f64::max);
    assert!((max - 22.1).abs() < 1e-9);
}

#[test]
fn libreview_qhcharts_other_insulin_spelling() {
    // PROVENANCE §4: the clock saw no change on 28-03-2021 (01:09…02:54 all present), so
    // not London or the EU; North America had changed before the data starts.
    let Some(result) = import(
        "exports/libreview_uk_mmol_qhcharts.csv",
        &options("America/New_York"),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.traces[0].len(), 1_197);
    assert_eq!(import.report.censored_low, 10);
    assert_eq!(others(&import, &OtherKind::Scan), 124);
    assert_eq!(others(&import, &OtherKind::Note), 75);
    assert_eq!(import.report.spring_gap, 0);
}

#[test]
fn libreview_qhcharts_in_london_flags_the_gap_and_the_collisions() {
    let Some(result) = import(
        "exports/libreview_uk_mmol_qhcharts.csv",
        &ImportOptions::default(),
    ) else {
        return;
    };
    let import = result.unwrap();
    // 01:09–01:54 do not exist in London that night; moved forward they land on the
    // readings at 02:09–02:54 and are dropped as duplicates, with warnings.
    assert_eq!(import.report.spring_gap, 4);
    assert_eq!(import.report.duplicates, 4);
    assert_eq!(import.traces[0].len(), 1_193);
}

#[test]
fn clarity_g7_german_semicolon() {
    let Some(result) = import(
        "exports/clarity_g7_de_semicolon_aidr.csv",
        &options("Europe/Berlin"),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.format, Format::Clarity);
    assert_eq!(import.traces[0].len(), 288);
    assert_eq!(import.report.skipped(SkipReason::Metadata), 21);
    assert_eq!(import.report.censored_low + import.report.censored_high, 0);
    let values: Vec<f64> = import.traces[0]
        .readings()
        .iter()
        .map(|r| r.glucose().get())
        .collect();
    assert_eq!(values.iter().copied().fold(f64::MAX, f64::min), 91.0);
    assert_eq!(values.iter().copied().fold(0.0, f64::max), 189.0);
    assert_eq!(
        import.traces[0].readings()[0].local().to_string(),
        "2026-01-01T00:04:45"
    );
}

#[test]
fn clarity_g6_keeps_both_passes_of_the_repeated_hour() {
    // US fall-back on 2023-11-05 (PROVENANCE §7); any US zone with that rule will do.
    let Some(result) = import(
        "exports/clarity_g6_en_low_namebrandon.csv",
        &options("America/Chicago"),
    ) else {
        return;
    };
    let import = result.unwrap();
    let trace = &import.traces[0];
    assert_eq!(trace.len(), 3_712);
    assert_eq!(import.report.duplicates, 0);
    assert_eq!(import.report.censored_low, 8);
    assert_eq!(censored(&import, Censoring::BelowLimit), 8);
    assert_eq!(others(&import, &OtherKind::Calibration), 6);
    assert_eq!(import.report.fold, 24);
    assert_eq!(import.report.fold_later, 12);
    // The second pass of 01:01:20 (transmitter time 57674, value 80) is an hour after
    // the first (54074, value 92).
    let at = |local: &str| -> Vec<(String, f64)> {
        trace
            .readings()
            .iter()
            .filter(|r| r.local().to_string() == local)
            .map(|r| (r.utc().to_string(), r.glucose().get()))
            .collect()
    };
    assert_eq!(
        at("2023-11-05T01:01:20"),
        vec![
            ("2023-11-05T06:01:20Z".to_owned(), 92.0),
            ("2023-11-05T07:01:20Z".to_owned(), 80.0),
        ]
    );
    // Readings stay 5 minutes apart across the fold.
    let utc: Vec<_> = trace.readings().iter().map(|r| r.utc()).collect();
    assert!(utc.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn clarity_g6_in_the_wrong_zone_warns_about_dropped_duplicates() {
    let Some(result) = import(
        "exports/clarity_g6_en_low_namebrandon.csv",
        &ImportOptions::default(),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.report.duplicates, 12);
    assert!(
        import
            .report
            .warnings
            .iter()
            .any(|w| w.message.contains("check the time zone"))
    );
}

#[test]
fn carelink_780g_sensor_readings() {
    let Some(result) = import("exports/carelink_780g_aidr.csv", &options("Europe/Zurich")) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.format, Format::CareLink);
    let trace = &import.traces[0];
    assert_eq!(trace.len(), 288);
    assert_eq!(
        trace.readings()[0].local().to_string(),
        "2026-07-04T03:48:00"
    );
    assert_eq!(
        trace.readings()[287].local().to_string(),
        "2026-07-05T03:43:00"
    );
    assert_eq!(trace.readings()[287].glucose().get(), 108.0);
    let values: Vec<f64> = trace.readings().iter().map(|r| r.glucose().get()).collect();
    assert_eq!(values.iter().copied().fold(f64::MAX, f64::min), 52.0);
    assert_eq!(values.iter().copied().fold(0.0, f64::max), 275.0);
}

#[test]
fn nightscout_skips_error_codes() {
    let Some(result) = import(
        "exports/nightscout_entries_example.json",
        &options("America/Los_Angeles"),
    ) else {
        return;
    };
    let import = result.unwrap();
    assert_eq!(import.format, Format::Nightscout);
    assert_eq!(import.traces[0].len(), 18);
    assert_eq!(import.report.skipped(SkipReason::ErrorCode), 12);
    assert_eq!(import.report.rows, 30);
    let first = import.traces[0].readings()[0];
    // dateString carries -07:00; the zone gives the same wall clock.
    assert_eq!(
        first.local().hour(),
        (first.utc().as_second() / 3600 - 7).rem_euclid(24) as i8
    );
}

#[test]
fn iglu_five_subjects() {
    let Some(dir) = fixtures() else { return };
    let file = std::fs::File::open(dir.join("cgm/iglu_example_data_5_subject.csv")).unwrap();
    let options = ImportOptions {
        zone: TimeZone::UTC,
        ..ImportOptions::default()
    };
    let import = import::read(file, "iglu_example_data_5_subject.csv", &options).unwrap();
    assert_eq!(import.format, Format::Generic);
    assert_eq!(import.traces.len(), 5);
    assert_eq!(import.report.rows, 13_866);
    assert_eq!(import.traces[0].subject(), "Subject 1");
}

#[test]
fn merging_overlapping_exports_reports_duplicates() {
    let Some(dir) = fixtures() else { return };
    let read = || {
        let file =
            std::fs::File::open(dir.join("exports/clarity_g7_de_semicolon_aidr.csv")).unwrap();
        import::read(file, "clarity.csv", &options("Europe/Berlin")).unwrap()
    };
    let merged = import::merge(vec![read(), read()]);
    assert_eq!(merged.traces.len(), 1);
    assert_eq!(merged.traces[0].len(), 288);
    assert_eq!(merged.duplicates, 288);
    assert_eq!(merged.reports.len(), 2);
}
