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
        policies.len() >= 12,
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

#[test]
fn docs_facts_lists_every_catalogue_fact() {
    let docs = read(&policies_dir().join("../docs/facts.md"));
    for def in diapath_policy::CATALOGUE {
        assert!(
            docs.contains(&format!("| `{}` |", def.name)),
            "docs/facts.md does not list `{}`",
            def.name
        );
    }
}

/// The TOML blocks of a markdown file.
fn toml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_worked_example_in_docs_policy_format_loads_and_passes() {
    let docs = read(&policies_dir().join("../docs/policy-format.md"));
    let blocks = toml_blocks(&docs);
    let policy = blocks
        .iter()
        .find(|b| b.starts_with("id = "))
        .expect("a complete policy");
    let policy = Policy::parse("policy-format.md", policy).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(policy.lint(), Vec::<String>::new());
    let suite = blocks
        .iter()
        .find(|b| b.starts_with("policy = "))
        .expect("a test-case file");
    let suite = TestSuite::parse("policy-format.md", suite).unwrap_or_else(|e| panic!("{e}"));
    for result in suite.run(&policy) {
        assert!(result.passed(), "{}: {:?}", result.name, result.problems);
    }
    // Every criterion-sized block parses as a fragment of a policy.
    let criterion = blocks
        .iter()
        .find(|b| b.starts_with("[[criterion]]\nid = \"hypoglycaemia-or-hba1c\""))
        .unwrap();
    let head = "id = \"x\"\ntitle = \"x\"\ntechnology = \"CSII\"\nscope = \"national\"\nversion = \"1\"\neffective_from = 2008-07-01\n[[source]]\nid = \"ta151\"\ndocument = \"NICE TA151\"\n";
    Policy::parse("fragment", &format!("{head}{criterion}")).unwrap();
}

#[test]
fn the_examples_in_docs_facts_and_docs_examples_parse() {
    let docs = read(&policies_dir().join("../docs/facts.md"));
    let toml = toml_blocks(&docs);
    diapath_policy::Facts::parse("facts.md", &toml[0]).unwrap();
    let json = docs
        .split("```json\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .unwrap();
    diapath_policy::Facts::parse("facts.json", json).unwrap();
    let examples = policies_dir().join("../docs/examples");
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        diapath_policy::Facts::parse(&name, &read(&path)).unwrap_or_else(|e| panic!("{e}"));
    }
}
