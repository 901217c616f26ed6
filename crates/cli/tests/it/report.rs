//! `diapath report`, `diapath metrics` and `diapath simulate` end to end.

use diapath_glucose::import::{self, ImportOptions};
use diapath_glucose::metrics::{MetricOptions, compute};

use crate::{diapath, repo_root};

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

#[test]
fn the_readme_main_command_reports_on_the_bundled_example() {
    let out = diapath(&["report", "examples/libreview-example.csv"], repo_root());
    let text = stdout(&out);
    assert!(text.starts_with("CGM report: subject\n"), "{text}");
    assert!(
        text.contains("Period: 19 Oct 2026 – 1 Nov 2026 (14 days)"),
        "{text}"
    );
    assert!(
        text.contains("Data sufficiency (14 days, 70% active): met"),
        "{text}"
    );
    assert!(text.contains("Time in range 3.9–10.0 mmol/L"), "{text}");
    assert!(text.contains("Level 2 hypoglycaemia"), "{text}");
}

#[test]
fn json_carries_the_same_numbers_as_the_library() {
    let path = repo_root().join("examples/libreview-example.csv");
    let out = diapath(
        &["report", path.to_str().unwrap(), "--json"],
        &std::env::temp_dir(),
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let file = std::fs::File::open(&path).unwrap();
    let imported = import::read(file, "example", &ImportOptions::default()).unwrap();
    let expected = compute(&imported.traces[0], &MetricOptions::default());
    let subject = &json["subjects"][0];
    assert_eq!(subject["metrics"]["mean"].as_f64(), expected.mean);
    assert_eq!(
        subject["metrics"]["readings"].as_u64(),
        Some(expected.readings as u64)
    );
    assert_eq!(
        subject["metrics"]["ranges"]["from_70_to_180"].as_f64(),
        expected.ranges.map(|r| r.from_70_to_180)
    );
    assert_eq!(subject["agp"]["hours"].as_array().unwrap().len(), 24);
    assert_eq!(subject["events"].as_array().unwrap().len(), 6);
    assert_eq!(json["duplicates_merged"], 0);
}

#[test]
fn html_report_and_date_window() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo_root().join("examples/libreview-example.csv");
    let html = dir.path().join("agp.html");
    let out = diapath(
        &[
            "report",
            example.to_str().unwrap(),
            "--from",
            "2026-10-20",
            "--to",
            "2026-10-23",
            "--units",
            "mgdl",
            "--html",
            html.to_str().unwrap(),
        ],
        dir.path(),
    );
    let text = stdout(&out);
    assert!(
        text.contains("Period: 20 Oct 2026 – 23 Oct 2026 (4 days)"),
        "{text}"
    );
    assert!(text.contains("NOT MET"), "{text}");
    assert!(text.contains("mg/dL"), "{text}");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg"));
    assert!(page.contains("Insufficient data"));

    let out = diapath(
        &[
            "report",
            example.to_str().unwrap(),
            "--from",
            "2026-10-23",
            "--to",
            "2026-10-20",
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is after --to"));
}

#[test]
fn a_malformed_file_names_the_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.csv"),
        "id,time,gl\ns1,2025-01-01 00:00:00,100\ns1,not a time,120\n",
    )
    .unwrap();
    let out = diapath(&["report", "bad.csv", "--html", "out.html"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");
    assert!(!dir.path().join("out.html").exists());
}

#[test]
fn metrics_per_subject_of_a_research_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,time,gl\n");
    for (id, base) in [("A", 100.0), ("B", 200.0)] {
        for i in 0..280 {
            let t = jiff::civil::date(2025, 1, 1).at(0, 0, 0, 0)
                + jiff::SignedDuration::from_mins(5 * i);
            csv.push_str(&format!(
                "{id},{},{}\n",
                t.strftime("%Y-%m-%d %H:%M:%S"),
                base + (i % 10) as f64
            ));
        }
    }
    std::fs::write(dir.path().join("data.csv"), csv).unwrap();
    let json: serde_json::Value = serde_json::from_str(&stdout(&diapath(
        &["metrics", "data.csv", "--json"],
        dir.path(),
    )))
    .unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["id"], "A");
    assert_eq!(rows[0]["mean"].as_f64(), Some(104.5));
    assert_eq!(rows[1]["mean"].as_f64(), Some(204.5));
    let table = stdout(&diapath(&["metrics", "data.csv"], dir.path()));
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "id");
    let mean = header.iter().position(|h| *h == "mean").unwrap();
    assert_eq!(lines.next().unwrap().split(',').nth(mean), Some("104.5"));
}

#[test]
fn simulate_is_deterministic_and_importable() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "simulate",
        "--profile",
        "frequent-hypos",
        "--days",
        "3",
        "--seed",
        "9",
    ];
    let a = [&args[..], &["-o", "a.csv"]].concat();
    let b = [&args[..], &["-o", "b.csv"]].concat();
    stdout(&diapath(&a, dir.path()));
    stdout(&diapath(&b, dir.path()));
    let a = std::fs::read(dir.path().join("a.csv")).unwrap();
    assert_eq!(a, std::fs::read(dir.path().join("b.csv")).unwrap());
    let text = stdout(&diapath(&["report", "a.csv"], dir.path()));
    assert!(text.contains("Only 3.0 days of data"), "{text}");
    let out = diapath(
        &["simulate", "--profile", "nobody", "-o", "c.csv"],
        dir.path(),
    );
    assert!(!out.status.success());
}
