//! Parity with R iglu 4.3.0, the reference implementation: every metric of
//! `diapath_glucose::metrics` on iglu's own example data sets, against the values
//! `tools/iglu/golden.R` wrote to `tools/iglu/golden.json`.
//!
//! iglu's data sets are GPL and live outside the repository (../shared/fixtures/cgm next
//! to the workspace, or `$DIAPATH_FIXTURES/cgm`); without them that part prints a message
//! and is skipped. diapath's own synthetic traces (tools/iglu/synthetic_cgm.csv: 15- and
//! 1-minute cadences, gaps around the limits, plateaus, a trace too short for MAGE) are
//! committed and always checked. golden.json is committed, so the Rust side needs no R.
//!
//! Times are naive wall-clock strings; golden.R reads them as UTC and so does this test.

use std::path::PathBuf;

use diapath_glucose::Trace;
use diapath_glucose::import::{self, Format, ImportOptions};
use diapath_glucose::metrics::{self, GriZone, MetricOptions};
use jiff::tz::TimeZone;
use serde_json::Value;

/// Absolute tolerance for every metric (docs/metrics.md, "iglu parity").
const TOLERANCE: f64 = 1e-6;

/// iglu's example data sets, in the shared fixtures folder.
const IGLU_FILES: [&str; 2] = [
    "iglu_example_data_5_subject.csv",
    "iglu_example_data_hall.csv",
];

/// diapath's synthetic traces, next to golden.json.
const SYNTHETIC: &str = "synthetic_cgm.csv";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `$DIAPATH_FIXTURES/cgm`, else `../shared/fixtures/cgm` next to the workspace root.
fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("DIAPATH_FIXTURES")
        .map_or_else(|| workspace().join("../shared/fixtures"), PathBuf::from);
    let dir = dir.join("cgm");
    if IGLU_FILES.iter().all(|f| dir.join(f).is_file()) {
        Some(dir)
    } else {
        eprintln!(
            "skipping iglu parity on iglu's example data: not found in {} (set DIAPATH_FIXTURES); \
             checking the synthetic traces only",
            dir.display()
        );
        None
    }
}

fn golden() -> Value {
    let path = workspace().join("tools/iglu/golden.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn traces(dir: &std::path::Path, name: &str) -> Vec<Trace> {
    let file = std::fs::File::open(dir.join(name)).unwrap();
    let options = ImportOptions {
        zone: TimeZone::UTC,
        ..ImportOptions::default()
    };
    import::read_as(Format::Generic, file, name, &options)
        .unwrap()
        .traces
}

/// Mismatches collected over all subjects, reported together.
#[derive(Default)]
struct Report {
    checked: usize,
    failures: Vec<String>,
    /// Largest absolute difference among matching values, and where.
    worst: (f64, String),
}

impl Report {
    /// Compares one value; `expected` null in JSON means iglu gave NA.
    fn value(&mut self, subject: &str, metric: &str, got: Option<f64>, expected: &Value) {
        self.checked += 1;
        match (got, expected.as_f64()) {
            (None, None) => {}
            (Some(g), Some(e)) if (g - e).abs() <= TOLERANCE => {
                if (g - e).abs() > self.worst.0 {
                    self.worst = ((g - e).abs(), format!("{subject} {metric}"));
                }
            }
            (got, want) => self.failures.push(format!(
                "{subject} {metric}: diapath {got:?}, iglu {want:?}"
            )),
        }
    }

    fn relative(&mut self, subject: &str, metric: &str, got: f64, expected: &Value) {
        self.checked += 1;
        let want = expected.as_f64().unwrap();
        if (got - want).abs() > TOLERANCE * want.abs().max(1.0) {
            self.failures
                .push(format!("{subject} {metric}: diapath {got}, iglu {want}"));
        }
    }

    fn exact<T: PartialEq + std::fmt::Debug>(
        &mut self,
        subject: &str,
        metric: &str,
        got: T,
        want: T,
    ) {
        self.checked += 1;
        if got != want {
            self.failures.push(format!(
                "{subject} {metric}: diapath {got:?}, iglu {want:?}"
            ));
        }
    }
}

fn check_grid(
    report: &mut Report,
    subject: &str,
    name: &str,
    grid: Option<metrics::Grid>,
    g: &Value,
) {
    let Some(grid) = grid else {
        report.failures.push(format!("{subject} {name}: no grid"));
        return;
    };
    let present: Vec<f64> = grid.values().flatten().collect();
    report.exact(
        subject,
        &format!("{name}.dt0"),
        u64::from(grid.dt0_minutes()),
        g["dt0"].as_u64().unwrap(),
    );
    report.exact(
        subject,
        &format!("{name}.days"),
        grid.days() as u64,
        g["days"].as_u64().unwrap(),
    );
    report.exact(
        subject,
        &format!("{name}.points"),
        grid.len() as u64,
        g["points"].as_u64().unwrap(),
    );
    report.exact(
        subject,
        &format!("{name}.present"),
        present.len() as u64,
        g["present"].as_u64().unwrap(),
    );
    report.relative(
        subject,
        &format!("{name}.sum"),
        present.iter().sum(),
        &g["sum"],
    );
}

fn check_subject(report: &mut Report, trace: &Trace, g: &Value) {
    let s = trace.subject();
    let m = metrics::compute(trace, &MetricOptions::default());
    let f = |key: &str| g[key].as_f64().unwrap();
    report.exact(
        s,
        "readings",
        m.readings as u64,
        g["readings"].as_u64().unwrap(),
    );
    report.value(s, "days", m.days, &g["days"]);
    report.value(s, "active_percent", m.active_percent, &g["active_percent"]);
    report.exact(
        s,
        "sufficient",
        m.sufficient,
        Some(f("days") >= 14.0 && f("active_percent") >= 70.0),
    );
    report.value(s, "mean", m.mean, &g["mean"]);
    report.value(s, "sd", m.sd, &g["sd"]);
    report.value(s, "cv", m.cv, &g["cv"]);
    report.value(s, "gmi", m.gmi_percent, &g["gmi"]);
    let r = m.ranges.unwrap_or_default();
    report.value(s, "below_54", Some(r.below_54), &g["below_54"]);
    report.value(
        s,
        "54_to_69",
        Some(r.from_54_to_69),
        &(f("below_70") - f("below_54")).into(),
    );
    report.value(
        s,
        "70_to_180",
        Some(r.from_70_to_180),
        &g["in_range_70_180"],
    );
    report.value(
        s,
        "181_to_250",
        Some(r.from_181_to_250),
        &(f("above_180") - f("above_250")).into(),
    );
    report.value(s, "above_250", Some(r.above_250), &g["above_250"]);
    report.value(s, "tight_range", m.tight_range, &g["in_range_70_140"]);
    report.value(s, "below_63", m.below_63, &g["below_63"]);
    report.value(s, "above_140", m.above_140, &g["above_140"]);
    report.value(
        s,
        "pregnancy_in_range",
        m.pregnancy_in_range,
        &g["in_range_63_140"],
    );
    let quantiles = m.quantiles.unwrap_or([f64::NAN; 5]);
    for (i, q) in quantiles.iter().enumerate() {
        report.value(s, &format!("quantile[{i}]"), Some(*q), &g["quantiles"][i]);
    }
    report.value(s, "j_index", m.j_index, &g["j_index"]);
    report.value(s, "conga_1h", m.conga, &g["conga_1h"]);
    report.value(s, "modd", m.modd, &g["modd"]);
    report.value(s, "mage", m.mage, &g["mage"]);
    report.value(s, "gri", m.gri, &g["gri"]);
    report.exact(
        s,
        "gri_zone",
        m.gri_zone,
        g["gri"].as_f64().map(GriZone::of),
    );
    report.value(s, "lbgi", m.lbgi, &g["lbgi"]);
    report.value(s, "hbgi", m.hbgi, &g["hbgi"]);
    report.value(s, "adrr", m.adrr, &g["adrr"]);
    check_grid(
        report,
        s,
        "grid",
        metrics::grid(trace, None, 45.0),
        &g["grid"],
    );
    check_grid(
        report,
        s,
        "mage_grid",
        metrics::grid(trace, Some(5), 45.0),
        &g["mage_grid"],
    );
}

fn check_file(report: &mut Report, golden: &Value, dir: &std::path::Path, name: &str) {
    let expected = golden["files"][name].as_object().unwrap();
    let traces = traces(dir, name);
    assert_eq!(traces.len(), expected.len(), "{name}: subjects");
    for trace in &traces {
        let g = &expected[trace.subject()];
        assert!(
            g.is_object(),
            "{name}: no golden values for {}",
            trace.subject()
        );
        check_subject(report, trace, g);
    }
}

#[test]
fn every_metric_matches_iglu_on_its_example_data() {
    let Some(dir) = fixtures() else {
        return;
    };
    let golden = golden();
    assert_eq!(golden["iglu_version"], "4.3.0");
    let mut report = Report::default();
    for name in IGLU_FILES {
        check_file(&mut report, &golden, &dir, name);
    }
    finish(&report, 900);
}

#[test]
fn every_metric_matches_iglu_on_synthetic_traces() {
    let golden = golden();
    let mut report = Report::default();
    check_file(
        &mut report,
        &golden,
        &workspace().join("tools/iglu"),
        SYNTHETIC,
    );
    finish(&report, 150);
}

/// Prints the largest difference and fails listing every mismatch.
fn finish(report: &Report, at_least: usize) {
    eprintln!(
        "iglu parity: {} values checked; largest difference {:e} ({})",
        report.checked, report.worst.0, report.worst.1
    );
    assert!(
        report.checked >= at_least,
        "only {} values checked",
        report.checked
    );
    assert!(
        report.failures.is_empty(),
        "{} of {} values differ from iglu:\n{}",
        report.failures.len(),
        report.checked,
        report.failures.join("\n")
    );
}
