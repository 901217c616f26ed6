//! Insert and load CGM readings: 90 days of 5-minute data per patient, on SQLite and
//! (when `DIAPATH_TEST_POSTGRES_URL` is set) PostgreSQL. Reports readings per second
//! and stored bytes per reading.
//!
//! `cargo bench -p diapath-store --bench readings`. The issue asks for 1,000 patients;
//! the bench inserts `DIAPATH_BENCH_PATIENTS` (default 1,000) once per backend for the
//! throughput figure, then times loading one patient's 90-day window with criterion.

use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use diapath_glucose::simulate::{Profile, Sensor, Simulation, simulate};
use diapath_store::{AuditEntry, Store};

fn ninety_days(seed: u64) -> Vec<diapath_glucose::Reading> {
    simulate(
        &Profile::suboptimal(),
        &Simulation {
            start: "2026-01-01T00:00:00Z".parse().unwrap(),
            days: 90,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor: Sensor::Dexcom,
            seed,
        },
    )
}

fn backends(rt: &tokio::runtime::Runtime) -> Vec<(Store, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = rt.block_on(Store::connect(&url)).unwrap();
    rt.block_on(store.migrate()).unwrap();
    out.push((store, Some(dir)));
    if let Ok(url) = std::env::var("DIAPATH_TEST_POSTGRES_URL") {
        let schema = format!("bench_{}", std::process::id());
        let store = rt
            .block_on(Store::connect_in_schema(&url, Some(&schema)))
            .unwrap();
        rt.block_on(store.migrate()).unwrap();
        out.push((store, None));
    } else {
        eprintln!("PostgreSQL skipped: set DIAPATH_TEST_POSTGRES_URL");
    }
    out
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let patients: usize = std::env::var("DIAPATH_BENCH_PATIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    // Ten distinct traces reused across patients (simulation is not what is measured).
    let traces: Vec<_> = (0..10).map(ninety_days).collect();
    let at = "2026-11-23T10:00:00Z".parse().unwrap();
    for (store, _dir) in backends(&rt) {
        let started = Instant::now();
        let mut total = 0usize;
        for p in 0..patients {
            let readings = &traces[p % traces.len()];
            let id = format!("p{p:05}");
            let entry = AuditEntry::new("bench", "import", Some(&id), "readings", "benchmark");
            rt.block_on(store.put_readings(&id, "clarity", readings, &entry, at))
                .unwrap();
            total += readings.len();
        }
        let secs = started.elapsed().as_secs_f64();
        let (bytes, n) = rt.block_on(store.readings_footprint()).unwrap();
        eprintln!(
            "{}: inserted {total} readings for {patients} patients × 90 days in {secs:.1} s = {:.0} readings/s; {:.2} bytes/reading stored ({n} readings, {bytes} bytes)",
            store.backend(),
            total as f64 / secs,
            bytes as f64 / n as f64,
        );
        let from = "2026-01-01T00:00:00Z".parse().unwrap();
        let to = "2026-04-01T00:00:00Z".parse().unwrap();
        c.bench_function(&format!("load_90_days_{}", store.backend()), |b| {
            b.iter(|| {
                let r = rt
                    .block_on(store.load_readings("p00007", from, to))
                    .unwrap();
                assert!(r.len() > 20_000);
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
