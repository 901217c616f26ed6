//! Every shipped policy in policies/ loads, lints cleanly and passes its test cases.

use std::path::PathBuf;

use diapath_policy::{Policy, TestSuite};

fn policies_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies"))
}

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shipped() -> Vec<(String, Policy)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(policies_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let policy = Policy::parse(&name, &read(&path)).unwrap_or_else(|e| panic!("{e}"));
            (name, policy)
        })
        .collect()
}

#[test]
fn every_shipped_policy_passes_its_test_cases() {
    let policies = shipped();
    assert!(
        policies.len() >= 11,
        "expected the whole library, found {}",
        policies.len()
    );
    let mut failures = Vec::new();
    let mut cases = 0;
    for (name, policy) in &policies {
        assert_eq!(
            *name,
            format!("{}.toml", policy.id),
            "file name must be the policy id"
        );
        let path = policies_dir().join("tests").join(name);
        let suite = TestSuite::parse(name, &read(&path)).unwrap_or_else(|e| panic!("{e}"));
        for result in suite.run(policy) {
            cases += 1;
            if !result.passed() {
                failures.push(format!(
                    "tests/{name} line {}: {}: {}",
                    result.line,
                    result.name,
                    result.problems.join("; ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_shipped_policy_lints_cleanly_and_cites_every_criterion() {
    for (name, policy) in shipped() {
        // Some local documents are not online: a missing URL is allowed, nothing else.
        let advice: Vec<String> = policy
            .lint()
            .into_iter()
            .filter(|a| !a.ends_with("has no url"))
            .collect();
        assert_eq!(advice, Vec::<String>::new(), "{name}");
        assert!(!policy.summary.is_empty(), "{name} has no summary");
    }
}

#[test]
fn every_shipped_policy_has_boundary_cases() {
    for (name, _) in shipped() {
        let text = read(&policies_dir().join("tests").join(&name));
        let suite = TestSuite::parse(&name, &text).unwrap();
        assert!(suite.cases.len() >= 4, "{name}: at least 4 cases");
        let outcomes: std::collections::BTreeSet<_> =
            suite.cases.iter().map(|c| c.expect.code()).collect();
        assert!(
            outcomes.len() >= 2,
            "{name}: cases should cover more than one outcome"
        );
    }
}
