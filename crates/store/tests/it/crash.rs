//! Crash test: a child process imports a large batch of readings and is killed
//! (SIGKILL) part-way; the database must then hold all of the batch or none of it.
//!
//! The child is this same test binary, re-run with `--ignored --exact crash::child`
//! and the database URL in `DIAPATH_CRASH_URL`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use diapath_glucose::simulate::{Profile, Sensor, Simulation, simulate};
use diapath_store::{AuditEntry, Store, testing};

const PATIENT: &str = "crash-patient";
const DAYS: u32 = 365;

fn batch() -> Vec<diapath_glucose::Reading> {
    simulate(
        &Profile::suboptimal(),
        &Simulation {
            start: "2023-01-01T00:00:00Z".parse().unwrap(),
            days: DAYS,
            zone: jiff::tz::TimeZone::UTC,
            sensor: Sensor::Dexcom,
            seed: 77,
        },
    )
}

/// The child: imports the batch, announcing the start on stdout.
#[tokio::test]
#[ignore = "run by crash::killed_import_leaves_all_or_nothing as a child process"]
async fn child() {
    let Ok(url) = std::env::var("DIAPATH_CRASH_URL") else {
        return;
    };
    let schema = std::env::var("DIAPATH_CRASH_SCHEMA").ok();
    let store = Store::connect_in_schema(&url, schema.as_deref())
        .await
        .unwrap();
    let readings = batch();
    println!("started");
    let entry = AuditEntry::new(
        "crash-test",
        "import",
        Some(PATIENT),
        "readings",
        "crash test",
    );
    store
        .put_readings(
            PATIENT,
            "clarity",
            &readings,
            &entry,
            "2026-11-23T10:00:00Z".parse().unwrap(),
        )
        .await
        .unwrap();
    println!("finished");
}

async fn crash_and_check(url: &str, schema: Option<&str>, store: &Store) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "crash::child", "--nocapture"])
        .env("DIAPATH_CRASH_URL", url)
        .env("DIAPATH_CRASH_SCHEMA", schema.unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    // Wait for the import to begin, then let it run a little and kill it.
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("started") => break,
            Some(_) => continue,
            None => panic!("child ended before starting the import"),
        }
    }
    std::thread::sleep(Duration::from_millis(150));
    child.kill().unwrap();
    child.wait().unwrap();

    let rows = testing::count_rows(store, "readings").await.unwrap();
    let days: std::collections::HashSet<i64> = batch()
        .iter()
        .map(|r| diapath_store::codec::day_of(r.utc()))
        .collect();
    let expected_days = days.len() as i64;
    assert!(
        rows == 0 || rows == expected_days,
        "partial import after a crash: {rows} of {expected_days} day rows"
    );
    eprintln!(
        "crash test ({}): {} after the kill",
        store.backend(),
        if rows == 0 {
            "nothing stored"
        } else {
            "everything stored"
        }
    );
    // The store still works and the audit chain is intact.
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        diapath_store::AuditCheck::Intact { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_import_leaves_all_or_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    store.close().await;
    crash_and_check(&url, None, &Store::connect(&url).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_import_leaves_all_or_nothing_postgres() {
    let Ok(url) = std::env::var("DIAPATH_TEST_POSTGRES_URL") else {
        eprintln!("skipped the PostgreSQL crash test: set DIAPATH_TEST_POSTGRES_URL");
        return;
    };
    let schema = format!("t_crash_{}", std::process::id());
    let store = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
    store.migrate().await.unwrap();
    crash_and_check(&url, Some(&schema), &store).await;
}
