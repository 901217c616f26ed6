//! Policy test cases (docs/policy-format.md, "Test cases"): patients with expected
//! outcomes, kept beside each policy in `policies/tests/<id>.toml` and run by
//! `diapath policy test` and by the crate's integration tests.

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::error::Error;
use crate::evaluate::{Outcome, Stage, evaluate};
use crate::facts::{self, Facts};
use crate::policy::{Ctx, Policy, toml_date};

/// A policy's test cases.
#[derive(Debug, Clone)]
pub struct TestSuite {
    /// The policy they test.
    pub policy: String,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// One patient and the expected result.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case shows.
    pub name: String,
    /// Line of the case in its file.
    pub line: usize,
    /// The evaluation date.
    pub on: Date,
    /// Initiation or continuation.
    pub stage: Stage,
    /// The expected outcome.
    pub expect: Outcome,
    /// The expected tier, if checked (0: no tier).
    pub tier: Option<u32>,
    /// The expected evidence to collect (fact names), if checked.
    pub needs: Option<Vec<String>>,
    /// The patient's facts.
    pub facts: Facts,
}

/// The result of one case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Line of the case in its file.
    pub line: usize,
    /// What differed from the expectation; empty when the case passed.
    pub problems: Vec<String>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    policy: String,
    on: toml::value::Datetime,
    #[serde(rename = "case", default)]
    cases: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    expect: Spanned<String>,
    stage: Option<Spanned<String>>,
    on: Option<toml::value::Datetime>,
    tier: Option<u32>,
    needs: Option<Vec<String>>,
    #[serde(default)]
    facts: toml::Table,
}

impl TestSuite {
    /// Parses a test-case file. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<TestSuite, Error> {
        let ctx = Ctx { file, text };
        let raw: RawSuite = toml::from_str(text).map_err(|error| ctx.toml_error(&error))?;
        let default_on = toml_date(&raw.on)
            .ok_or_else(|| ctx.error(0..0, "`on` must be a date such as 2026-11-01"))?;
        let mut cases = Vec::new();
        for spanned in raw.cases {
            let span = spanned.span();
            let line = crate::policy::line_of(text, span.start);
            let case = spanned.into_inner();
            let err =
                |reason: String| ctx.error(span.clone(), format!("case {:?}: {reason}", case.name));
            let on = match &case.on {
                Some(d) => toml_date(d).ok_or_else(|| err("`on` must be a date".to_owned()))?,
                None => default_on,
            };
            let expect = Outcome::from_code(case.expect.get_ref()).ok_or_else(|| {
                ctx.error(
                    case.expect.span(),
                    format!(
                        "expect {:?} must be eligible, not-eligible or needs-evidence",
                        case.expect.get_ref()
                    ),
                )
            })?;
            let stage = match case.stage.as_ref().map(|s| s.get_ref().as_str()) {
                None | Some("initiation") => Stage::Initiation,
                Some("continuation") => Stage::Continuation,
                Some(other) => {
                    return Err(err(format!(
                        "stage {other:?} must be initiation or continuation"
                    )));
                }
            };
            let mut patient = Facts::new();
            for (name, value) in &case.facts {
                let records = match value {
                    toml::Value::Array(list) => list.clone(),
                    other => vec![other.clone()],
                };
                for record in records {
                    let mut entry = match facts::toml_to_json(record) {
                        serde_json::Value::Object(map) if map.contains_key("value") => map,
                        scalar => {
                            let mut map = serde_json::Map::new();
                            map.insert("value".to_owned(), scalar);
                            map
                        }
                    };
                    entry.insert("fact".to_owned(), serde_json::Value::String(name.clone()));
                    let (id, record) =
                        facts::parse_entry(&serde_json::Value::Object(entry), Some(on))
                            .map_err(|reason| err(format!("fact `{name}`: {reason}")))?;
                    patient.add(id, record);
                }
            }
            cases.push(Case {
                name: case.name.clone(),
                line,
                on,
                stage,
                expect,
                tier: case.tier,
                needs: case.needs.clone(),
                facts: patient,
            });
        }
        if cases.is_empty() {
            return Err(ctx.error(0..0, "no [[case]] found"));
        }
        Ok(TestSuite {
            policy: raw.policy,
            cases,
        })
    }

    /// Runs every case against `policy`.
    pub fn run(&self, policy: &Policy) -> Vec<CaseResult> {
        self.cases
            .iter()
            .map(|case| {
                let mut problems = Vec::new();
                if self.policy != policy.id {
                    problems.push(format!(
                        "the cases are for policy `{}`, not `{}`",
                        self.policy, policy.id
                    ));
                }
                if case.stage == Stage::Continuation && policy.continuation.is_none() {
                    problems.push("the policy has no [continuation] to test".to_owned());
                }
                let evaluation = evaluate(policy, &case.facts, case.on, case.stage);
                if evaluation.outcome != case.expect {
                    let report = evaluation.report();
                    let why: Vec<String> = report
                        .criteria
                        .iter()
                        .filter(|c| c.status != "met")
                        .map(|c| format!("{} {}", c.id, c.status))
                        .collect();
                    problems.push(format!(
                        "expected {}, got {} ({})",
                        case.expect.code(),
                        evaluation.outcome.code(),
                        if why.is_empty() {
                            "all criteria met".to_owned()
                        } else {
                            why.join(", ")
                        }
                    ));
                }
                if let Some(tier) = case.tier {
                    let got = evaluation.tier.map_or(0, |t| t.tier);
                    if got != tier {
                        problems.push(format!("expected tier {tier}, got {got}"));
                    }
                }
                if let Some(needs) = &case.needs {
                    let mut got: Vec<&str> =
                        evaluation.gaps().iter().map(|g| g.fact.name()).collect();
                    let mut want: Vec<&str> = needs.iter().map(String::as_str).collect();
                    got.sort_unstable();
                    want.sort_unstable();
                    if got != want {
                        problems.push(format!(
                            "expected evidence to collect [{}], got [{}]",
                            want.join(", "),
                            got.join(", ")
                        ));
                    }
                }
                CaseResult {
                    name: case.name.clone(),
                    line: case.line,
                    problems,
                }
            })
            .collect()
    }
}
