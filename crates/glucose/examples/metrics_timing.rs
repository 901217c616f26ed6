//! Reads an `id,time,gl` CSV (times as UTC), computes the full metric set for every
//! subject, times the computation, and prints one JSON object per line: the subject's
//! metrics and the mean time per `metrics::compute` call. Used by tools/iglu/compare.sh
//! until `diapath metrics FILE --json` exists.
//!
//! Usage: cargo run --release -p diapath-glucose --example metrics_timing -- FILE [REPEAT]

use std::time::Instant;

use diapath_glucose::import::{self, Format, ImportOptions};
use diapath_glucose::metrics::{self, MetricOptions};
use serde_json::json;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: metrics_timing FILE [REPEAT]")?;
    let repeat: u32 = args.next().map_or(Ok(200), |r| r.parse())?;
    let options = ImportOptions {
        zone: jiff::tz::TimeZone::UTC,
        ..ImportOptions::default()
    };
    let started = Instant::now();
    let imported = import::read_as(
        Format::Generic,
        std::fs::File::open(&path)?,
        &path,
        &options,
    )?;
    let import_seconds = started.elapsed().as_secs_f64();
    let metric_options = MetricOptions::default();
    let mut total_seconds = 0.0;
    for trace in &imported.traces {
        let started = Instant::now();
        let mut m = metrics::compute(trace, &metric_options);
        for _ in 1..repeat.max(1) {
            m = metrics::compute(std::hint::black_box(trace), &metric_options);
        }
        let seconds = started.elapsed().as_secs_f64() / f64::from(repeat.max(1));
        total_seconds += seconds;
        let r = m.ranges.unwrap_or_default();
        let line = json!({
            "id": trace.subject(),
            "readings": m.readings,
            "seconds_per_compute": seconds,
            "days": m.days,
            "active_percent": m.active_percent,
            "mean": m.mean,
            "sd": m.sd,
            "cv": m.cv,
            "gmi": m.gmi_percent,
            "below_54": r.below_54,
            "below_70": r.below_54 + r.from_54_to_69,
            "in_range_70_180": r.from_70_to_180,
            "above_180": r.from_181_to_250 + r.above_250,
            "above_250": r.above_250,
            "quantiles": m.quantiles,
            "j_index": m.j_index,
            "conga_1h": m.conga,
            "modd": m.modd,
            "mage": m.mage,
            "gri": m.gri,
            "gri_zone": m.gri_zone.map(|z| z.letter().to_string()),
            "lbgi": m.lbgi,
            "hbgi": m.hbgi,
            "adrr": m.adrr,
        });
        println!("{line}");
    }
    eprintln!(
        "{}: {} subjects, {} readings; import {:.1} ms; metrics {:.1} µs for all subjects ({} repeats)",
        path,
        imported.traces.len(),
        imported.reading_count(),
        import_seconds * 1e3,
        total_seconds * 1e6,
        repeat
    );
    Ok(())
}
