//! What an author of a local policy sees when a file is wrong: file, line and reason.

use diapath_policy::{Policy, TestSuite};

const HEAD: &str = r#"id = "example"
title = "Example"
technology = "isCGM"
scope = "local"
area = "Example ICB"
version = "0.1"
effective_from = 2026-01-01
summary = "An example."

[[source]]
id = "local"
document = "Example ICB flash policy"
url = "https://example.invalid/policy"
"#;

fn check(body: &str, expected: &str) {
    let text = format!("{HEAD}{body}");
    let error = Policy::parse("example.toml", &text)
        .unwrap_err()
        .to_string();
    assert_eq!(error, expected);
}

#[test]
fn unknown_fact_names_file_line_and_nearest_names() {
    check(
        r#"
[[criterion]]
id = "a"
text = "HbA1c"
source = "local"
section = "2"
when = { fact = "hba1c", at_least = 58 }
"#,
        "example.toml line 20: unknown fact `hba1c` (did you mean agreed_hba1c_fall_mmol_mol, hba1c_baseline_mmol_mol, hba1c_mmol_mol? see docs/facts.md)",
    );
}

#[test]
fn malformed_policy_names_file_line_and_reason() {
    // A misspelt key.
    check(
        r#"
[[criterion]]
id = "a"
text = "HbA1c"
source = "local"
when = { fact = "hba1c_mmol_mol", at_lest = 58 }
"#,
        "example.toml line 19: unknown field `at_lest`, expected one of `all`, `any`, `not`, `fact`, `attested`, `is`, `in`, `at_least`, `at_most`, `more_than`, `less_than`, `before`, `on_or_after`, `at_least_ago`, `recorded`, `within`, `fall`, `rise`, `label`",
    );
    // A value of the wrong type for the fact.
    check(
        r#"
[[criterion]]
id = "a"
text = "Type 1"
source = "local"
when = { fact = "diabetes_type", is = "type one" }
"#,
        "example.toml line 19: \"type one\" is not one of T1, T2, CFRD, other",
    );
    // A comparison on a yes/no fact.
    check(
        r#"
[[criterion]]
id = "a"
text = "Pregnant"
source = "local"
when = { fact = "pregnant", at_least = 1 }
"#,
        "example.toml line 19: `pregnant` is true or false, not a number: use `is` or `in`",
    );
    // A citation to a source the policy does not list.
    check(
        r#"
[[criterion]]
id = "a"
text = "Pregnant"
source = "nice"
when = { fact = "pregnant", is = true }
"#,
        "example.toml line 18: source `nice` is not one of this policy's [[source]] ids (local)",
    );
    // Bad TOML.
    check(
        "\n[[criterion]]\nid = \"a\nx",
        "example.toml line 17: key with no value, expected `=`",
    );
    // An attestation used on a measured fact.
    check(
        r#"
[[criterion]]
id = "a"
text = "x"
source = "local"
when = { attested = "pregnant" }
"#,
        "example.toml line 19: `pregnant` is not a clinician attestation; test it with { fact = \"pregnant\", is = true }",
    );
    // A bad evidence window.
    check(
        r#"
[[criterion]]
id = "a"
text = "x"
source = "local"

[criterion.when]
fact = "hba1c_mmol_mol"
at_least = 58
within = "three months"
"#,
        "example.toml line 23: period \"three months\": \"three\" is not a whole number from 1 to 1200",
    );
}

#[test]
fn test_case_errors_name_the_case() {
    let text = "policy = \"example\"\non = 2026-01-01\n\n[[case]]\nname = \"one\"\nexpect = \"eligible\"\nfacts = { hba1c = 60 }\n";
    let error = TestSuite::parse("example-tests.toml", text)
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with(
            "example-tests.toml line 4: case \"one\": fact `hba1c`: unknown fact `hba1c`"
        ),
        "{error}"
    );
}
