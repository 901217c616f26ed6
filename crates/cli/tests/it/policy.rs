//! `diapath policy` end to end: the shipped library, facts files in a temporary folder,
//! and a local policy written from scratch as a commissioner would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn library() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies"))
}

fn diapath(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_diapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("DIAPATH_TZ")
        .env_remove("DIAPATH_POLICIES")
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs with `--policies` pointing at the shipped library and expects success.
fn ok(args: &[&str], dir: &Path) -> String {
    let lib = library();
    let mut all = vec!["policy", "--policies", lib.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = diapath(&all, dir);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    stdout(&out)
}

const FACTS: &str = r#"{
  "patient": "synthetic-1",
  "facts": [
    {"fact": "diabetes_type", "value": "T1", "date": "2010-01-01", "provenance": "GP record"},
    {"fact": "date_of_birth", "value": "1990-06-01", "date": "1990-06-01", "provenance": "PDS"},
    {"fact": "on_mdi", "value": true, "date": "2026-10-01", "provenance": "clinic letter"},
    {"fact": "hba1c_mmol_mol", "value": 66, "date": "2026-09-28", "provenance": "lab"},
    {"fact": "mdi_high_level_of_care", "value": true, "date": "2026-10-01", "provenance": "Dr A"},
    {"fact": "disabling_hypoglycaemia", "value": false, "date": "2026-10-01", "provenance": "Dr A"},
    {"fact": "mdt_trained_csii_cgm", "value": true, "date": "2026-10-01", "provenance": "register"}
  ]
}"#;

#[test]
fn list_shows_every_shipped_policy() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["list"], dir.path());
    for id in [
        "nice-ta151-csii-12-and-over",
        "nice-ta151-csii-under-12",
        "nice-ng17-cgm-adults-type-1",
        "nice-ng18-cgm-cyp-type-1",
        "nice-ng18-cgm-cyp-type-2-insulin",
        "nice-cgm-pregnancy",
        "nice-ng28-iscgm-adults-type-2",
        "nice-ta943-hcl",
        "nhse-flash-2019",
        "mse-srp-066-csii",
        "east-kent-freestyle-libre",
        "example-local-flash-continuation",
    ] {
        assert!(out.contains(id), "{id} missing from:\n{out}");
    }
}

#[test]
fn show_gives_criteria_sources_and_unconfirmed_facts() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["show", "nice-ta151-csii-12-and-over"], dir.path());
    assert!(
        out.contains("HbA1c at least 69 mmol/mol, recorded within the last 6 months"),
        "{out}"
    );
    assert!(out.contains("[NICE TA151 §1.1]"), "{out}");
    assert!(out.contains("Unconfirmed in the sources"), "{out}");
    assert!(
        out.contains("https://www.nice.org.uk/guidance/ta151"),
        "{out}"
    );
    let out = ok(&["show", "east-kent-freestyle-libre"], dir.path());
    assert!(
        out.contains("Approval: prior approval by the commissioner"),
        "{out}"
    );
    assert!(
        out.contains("specialist team in the acute setting only; primary-care prescribing not allowed; primary-care monitoring not allowed"),
        "{out}"
    );
    assert!(
        out.contains("Continuation (review every 6 months; trial of 6 months)"),
        "{out}"
    );
}

#[test]
fn check_explains_a_refusal_and_what_would_change_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("facts.json"), FACTS).unwrap();
    let out = ok(
        &[
            "check",
            "nice-ta151-csii-12-and-over",
            "--facts",
            "facts.json",
            "--on",
            "2026-11-01",
        ],
        dir.path(),
    );
    assert!(
        out.contains("initiation on 2026-11-01: NOT ELIGIBLE"),
        "{out}"
    );
    assert!(
        out.contains("HbA1c at least 69 mmol/mol, recorded within the last 6 months: not met — 66 mmol/mol on 2026-09-28 (lab)"),
        "{out}"
    );
    assert!(
        out.contains("one of: clinician attests disabling hypoglycaemia — now no on 2026-10-01 (Dr A); or HbA1c at least 69 mmol/mol, recorded within the last 6 months — now 66 mmol/mol on 2026-09-28 (lab)"),
        "{out}"
    );
    // Later the HbA1c is too old: a new one could still make the person eligible, so the
    // outcome is "needs evidence".
    let out = ok(
        &[
            "check",
            "nice-ta151-csii-12-and-over",
            "--facts",
            "facts.json",
            "--on",
            "2027-04-01",
        ],
        dir.path(),
    );
    assert!(
        out.contains("initiation on 2027-04-01: NEEDS EVIDENCE"),
        "{out}"
    );
    assert!(
        out.contains("HbA1c: a newer record is needed — the last (2026-09-28, lab) is older than 6 months (for hypoglycaemia-or-hba1c)"),
        "{out}"
    );
}

#[test]
fn check_json_records_policy_version_and_date() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("facts.json"), FACTS).unwrap();
    let out = ok(
        &[
            "check",
            "nice-ng17-cgm-adults-type-1",
            "--facts",
            "facts.json",
            "--on",
            "2026-11-01",
            "--json",
        ],
        dir.path(),
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["policy"], "nice-ng17-cgm-adults-type-1");
    assert_eq!(json["version"], "1.0.0");
    assert_eq!(json["on"], "2026-11-01");
    assert_eq!(json["outcome"], "eligible");
    assert_eq!(json["criteria"][1]["facts_used"][0]["value"], "36 years");
    // Deterministic: the same input gives the same bytes.
    let again = ok(
        &[
            "check",
            "nice-ng17-cgm-adults-type-1",
            "--facts",
            "facts.json",
            "--on",
            "2026-11-01",
            "--json",
        ],
        dir.path(),
    );
    assert_eq!(out, again);
}

#[test]
fn check_reads_toml_facts_and_reviews() {
    let dir = tempfile::tempdir().unwrap();
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/facts-review.toml"
    );
    let out = ok(
        &[
            "check",
            "example-local-flash-continuation",
            "--review",
            "--facts",
            example,
            "--on",
            "2026-11-01",
        ],
        dir.path(),
    );
    assert!(
        out.contains("continuation on 2026-11-01: CONTINUE"),
        "{out}"
    );
    // Without --on, today is used; the command still succeeds.
    ok(
        &["check", "nice-ng17-cgm-adults-type-1", "--facts", example],
        dir.path(),
    );
}

#[test]
fn test_runs_every_policys_cases() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(&["test"], dir.path());
    assert!(out.contains(" passed, 0 failed"), "{out}");
    assert!(!out.contains("FAILED"), "{out}");
}

#[test]
fn a_commissioner_writes_lints_and_tests_a_local_policy() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies");
    std::fs::create_dir_all(policies.join("tests")).unwrap();
    std::fs::write(
        policies.join("local-flash.toml"),
        r#"id = "local-flash"
title = "Local flash for adults with type 1"
technology = "isCGM"
scope = "local"
area = "Example ICB"
version = "0.1"
effective_from = 2026-01-01
summary = "Flash for adults with type 1 testing often."

[[source]]
id = "icb"
document = "Example ICB flash policy 2026"
url = "https://example.invalid/flash"

[[criterion]]
id = "type-1"
text = "Type 1 diabetes"
source = "icb"
section = "3.1"
when = { fact = "diabetes_type", is = "T1" }

[[criterion]]
id = "testing"
text = "Testing 8 or more times a day"
source = "icb"
section = "3.2"
when = { fact = "smbg_per_day_observed_3m", at_least = 8, within = "3 months" }
"#,
    )
    .unwrap();
    std::fs::write(
        policies.join("tests/local-flash.toml"),
        r#"policy = "local-flash"
on = 2026-06-01

[[case]]
name = "8 tests a day"
expect = "eligible"
facts = { diabetes_type = "T1", smbg_per_day_observed_3m = 8 }

[[case]]
name = "7 tests a day"
expect = "eligible"
facts = { diabetes_type = "T1", smbg_per_day_observed_3m = 7 }
"#,
    )
    .unwrap();
    // The policy folder is found from the current directory.
    let out = diapath(&["policy", "lint", "policies/local-flash.toml"], dir.path());
    assert!(!out.status.success(), "the second case is wrong");
    let text = stdout(&out);
    assert!(
        text.contains("ok      local-flash: 8 tests a day"),
        "{text}"
    );
    assert!(
        text.contains("FAILED  local-flash: 7 tests a day (policies/tests/local-flash.toml line 9): expected eligible, got not-eligible (testing not met)"),
        "{text}"
    );
    let fixed = std::fs::read_to_string(policies.join("tests/local-flash.toml"))
        .unwrap()
        .replace("expect = \"eligible\"\nfacts = { diabetes_type = \"T1\", smbg_per_day_observed_3m = 7 }", "expect = \"not-eligible\"\nfacts = { diabetes_type = \"T1\", smbg_per_day_observed_3m = 7 }");
    std::fs::write(policies.join("tests/local-flash.toml"), fixed).unwrap();
    let out = diapath(&["policy", "lint", "policies/local-flash.toml"], dir.path());
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("policy `local-flash` version 0.1 loads (2 criteria, 0 warnings)")
    );
    let out = diapath(&["policy", "test"], dir.path());
    assert!(out.status.success());
    assert!(stdout(&out).contains("2 passed, 0 failed"));
    let out = diapath(&["policy", "list"], dir.path());
    assert!(stdout(&out).contains("local-flash"));
}

#[test]
fn errors_name_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "id = \"bad\"\ntitle = \"Bad\"\ntechnology = \"isCGM\"\nscope = \"national\"\nversion = \"1\"\neffective_from = 2026-01-01\n\n[[source]]\nid = \"s\"\ndocument = \"S\"\n\n[[criterion]]\nid = \"a\"\ntext = \"A\"\nsource = \"s\"\nwhen = { fact = \"hba1c_percent\", at_least = 7.5 }\n",
    )
    .unwrap();
    let out = diapath(&["policy", "lint", "bad.toml"], dir.path());
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("bad.toml line 16: unknown fact `hba1c_percent`"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        dir.path().join("facts.json"),
        r#"{"facts": [{"fact": "hba1c", "value": 60, "date": "2026-01-01", "provenance": "lab"}]}"#,
    )
    .unwrap();
    let lib = library();
    let out = diapath(
        &[
            "policy",
            "--policies",
            lib.to_str().unwrap(),
            "check",
            "nice-ta943-hcl",
            "--facts",
            "facts.json",
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("facts.json: fact 1 (hba1c): unknown fact `hba1c`"),
        "{}",
        stderr(&out)
    );
    let out = diapath(
        &[
            "policy",
            "--policies",
            lib.to_str().unwrap(),
            "show",
            "no-such-policy",
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains("no policy `no-such-policy`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["list", "show", "check", "test", "lint"] {
        let out = diapath(&["policy", sub, "--help"], dir.path());
        assert!(out.status.success(), "{sub}");
        assert!(stdout(&out).contains("Usage: diapath policy"), "{sub}");
    }
    let out = diapath(&["policy", "check", "--help"], dir.path());
    let help = stdout(&out);
    for flag in [
        "--facts <FILE>",
        "--on <DATE>",
        "--json",
        "--review",
        "--policies <DIR>",
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
    }
}

/// What a clinician reads: the full text of `show` and of a refusal, pinned as snapshots
/// (crates/cli/tests/it/snapshots/).
#[test]
fn show_and_check_text_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(
        "show_ta151",
        ok(&["show", "nice-ta151-csii-12-and-over"], dir.path())
    );
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/examples/facts-ta151.json"
    );
    insta::assert_snapshot!(
        "check_ta151_refused",
        ok(
            &[
                "check",
                "nice-ta151-csii-12-and-over",
                "--facts",
                example,
                "--on",
                "2026-11-01"
            ],
            dir.path()
        )
    );
}
