//! The full metric set (`metrics::compute`) on 14 days of 5-minute readings (4,032,
//! synthetic: daily meal peaks, overnight dips, noise, one 2-hour sensor gap).
//! Target: at most 100 µs per trace (docs/metrics.md, "Performance").

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use diapath_glucose::metrics::{self, MetricOptions};
use diapath_glucose::{Censoring, GlucoseMgDl, Reading, Trace};

/// 4,032 readings every 5 minutes (plus 24 dropped for a gap and 24 appended after the
/// end, so the count stays 4,032), with a few seconds of jitter as real sensors have.
pub fn fourteen_days() -> Trace {
    let start = jiff::Timestamp::from_second(1_700_000_000).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 2_001) as f64 / 100.0 - 10.0
    };
    let readings = (0..4_032 + 24)
        .filter(|i| !(2_000..2_024).contains(i))
        .map(|i: i64| {
            let minutes = 5.0 * i as f64;
            let day = (minutes / 1440.0).fract() * std::f64::consts::TAU;
            let meals = 45.0 * (3.0 * day).sin().max(0.0) + 25.0 * (day - 1.0).cos();
            let mg_dl = (140.0 + meals + noise()).clamp(40.0, 400.0).round();
            let t = start + jiff::SignedDuration::from_secs(300 * i + i % 3);
            Reading::new(
                t,
                t.to_zoned(jiff::tz::TimeZone::UTC).datetime(),
                GlucoseMgDl::new(mg_dl).unwrap_or_else(|_| unreachable!()),
                Censoring::Exact,
            )
        })
        .collect();
    Trace::new("bench", readings).0
}

/// [`fourteen_days`] with every value replaced by `f(value)`.
fn fourteen_days_with(subject: &str, f: impl Fn(f64) -> f64) -> Trace {
    let readings = fourteen_days()
        .readings()
        .iter()
        .map(|r| {
            let g = GlucoseMgDl::new(f(r.glucose().get())).unwrap_or(r.glucose());
            Reading::new(r.utc(), r.local(), g, r.censoring())
        })
        .collect();
    Trace::new(subject, readings).0
}

/// The same trace as mmol/L exports give it: each value rounded to 0.1 mmol/L and
/// converted back (×18.0182), so it lies on the 0.1 mmol/L lattice.
fn fourteen_days_mmol() -> Trace {
    fourteen_days_with("bench-mmol", |g| {
        let mmol = (g / 18.0182 * 10.0).round() / 10.0;
        GlucoseMgDl::from_mmol_l(mmol).map_or(g, GlucoseMgDl::get)
    })
}

/// The same trace with a quarter mg/dL added to every value: on no lattice, so the
/// value statistics take the reading-by-reading path.
fn fourteen_days_fractional() -> Trace {
    fourteen_days_with("bench-fractional", |g| g + 0.25)
}

fn bench(c: &mut Criterion) {
    let trace = fourteen_days();
    assert_eq!(trace.len(), 4_032);
    let options = MetricOptions::default();
    let mut group = c.benchmark_group("metrics");
    group.bench_function("compute_14_days_4032", |b| {
        b.iter(|| black_box(metrics::compute(black_box(&trace), &options)))
    });
    let mmol = fourteen_days_mmol();
    group.bench_function("compute_14_days_mmol", |b| {
        b.iter(|| black_box(metrics::compute(black_box(&mmol), &options)))
    });
    let fractional = fourteen_days_fractional();
    group.bench_function("compute_14_days_fractional", |b| {
        b.iter(|| black_box(metrics::compute(black_box(&fractional), &options)))
    });
    group.bench_function("grid_14_days", |b| {
        b.iter(|| black_box(metrics::grid(black_box(&trace), None, 45.0)))
    });
    let grid = metrics::grid(&trace, Some(5), 45.0);
    group.bench_function("mage_14_days", |b| {
        b.iter(|| {
            black_box(
                grid.as_ref()
                    .and_then(|g| metrics::mage(black_box(g), &options.mage)),
            )
        })
    });
    group.bench_function("risk_14_days", |b| {
        b.iter(|| {
            let r = black_box(&trace).readings();
            black_box((metrics::lbgi_hbgi(r), metrics::adrr(r)))
        })
    });
    group.bench_function("active_percent_14_days", |b| {
        b.iter(|| black_box(metrics::coverage::active_percent(black_box(&trace))))
    });
    if let Some(g) = &grid {
        group.bench_function("conga_modd_14_days", |b| {
            b.iter(|| black_box((metrics::conga(black_box(g), 1.0), metrics::modd(g))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
