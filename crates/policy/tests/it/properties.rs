//! Invariants of evaluation over random patients, for every shipped policy: results are
//! deterministic, ignore facts recorded after the evaluation date, do not depend on the
//! order records were added, "needs evidence" always says what to collect, and "not
//! eligible" always says what would (or could not) change it.

use diapath_policy::catalogue::{CATALOGUE, FactId, FactKind, lookup};
use diapath_policy::{FactRecord, FactValue, Facts, Outcome, Policy, Stage, evaluate};
use jiff::civil::{Date, date};
use proptest::prelude::*;

fn policies() -> Vec<Policy> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| Policy::parse("p", &std::fs::read_to_string(p).unwrap()).unwrap())
        .collect()
}

const ON: Date = date(2026, 11, 1);

/// A valid value for the fact from a random number.
fn value(fact: FactId, seed: u32) -> FactValue {
    match fact.def().kind {
        FactKind::Bool | FactKind::Attestation => FactValue::Bool(seed.is_multiple_of(2)),
        FactKind::Int { min, max, .. } => {
            // Keep near clinical thresholds most of the time.
            let span = (max - min).min(100) + 1;
            FactValue::Int(min + i64::from(seed) % span)
        }
        FactKind::Number { min, max, .. } => {
            let span = (max - min).min(100.0);
            FactValue::Number(min + f64::from(seed % 1001) / 1000.0 * span)
        }
        FactKind::Date => FactValue::Date(
            date(1940, 1, 1)
                .checked_add(jiff::Span::new().days(i64::from(seed % 32_000)))
                .unwrap(),
        ),
        FactKind::Choice(codes) => FactValue::Choice(codes[seed as usize % codes.len()]),
    }
}

/// (fact index, value seed, days before the evaluation date; negative = after it).
fn records() -> impl Strategy<Value = Vec<(usize, u32, i64)>> {
    prop::collection::vec((0..CATALOGUE.len(), any::<u32>(), -60i64..800), 0..60)
}

fn facts(records: &[(usize, u32, i64)]) -> Facts {
    let mut facts = Facts::new();
    for &(index, seed, days_ago) in records {
        let fact = lookup(CATALOGUE[index].name).unwrap();
        facts.add(
            fact,
            FactRecord {
                value: value(fact, seed),
                date: ON.checked_sub(jiff::Span::new().days(days_ago)).unwrap(),
                provenance: "generated".to_owned(),
            },
        );
    }
    facts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn evaluation_invariants(records in records()) {
        let policies = policies();
        let all = facts(&records);
        // Only records dated on or before the evaluation date.
        let known: Vec<_> = records.iter().copied().filter(|r| r.2 >= 0).collect();
        let past = facts(&known);
        // The same records added in another order (grouped by fact and date). Records of
        // one fact on one date keep their relative order: the last added wins among them.
        let mut keyed: Vec<_> = records.iter().copied().enumerate().collect();
        keyed.sort_by_key(|(i, r)| (r.0, r.2, *i));
        let reordered = facts(&keyed.into_iter().map(|(_, r)| r).collect::<Vec<_>>());
        for policy in &policies {
            for stage in [Stage::Initiation, Stage::Continuation] {
                if stage == Stage::Continuation && policy.continuation.is_none() {
                    continue;
                }
                let evaluation = evaluate(policy, &all, ON, stage);
                let report = evaluation.report();
                prop_assert_eq!(format!("{:?}", report), format!("{:?}", evaluate(policy, &all, ON, stage).report()));
                prop_assert_eq!(format!("{:?}", report), format!("{:?}", evaluate(policy, &past, ON, stage).report()));
                prop_assert_eq!(evaluation.outcome, evaluate(policy, &reordered, ON, stage).outcome);
                match evaluation.outcome {
                    Outcome::NeedsEvidence => prop_assert!(!evaluation.gaps().is_empty(), "{}", policy.id),
                    Outcome::NotEligible => prop_assert!(
                        !report.what_would_change_it.is_empty() || !report.cannot_change.is_empty(),
                        "{}", policy.id
                    ),
                    Outcome::Eligible => prop_assert!(report.what_would_change_it.is_empty()),
                }
            }
        }
    }
}
