//! Evaluating every shipped policy (initiation, and continuation where a policy has it)
//! for 100,000 synthetic patients. Target: under 1 second on one core (issue 3).
//! Patients are generated here from a fixed seed; no real data.
//!
//! Recorded 2026-11-23, `taskset -c 1 cargo bench -p diapath-policy` on the shared
//! 2-core development machine while other builds ran (load average 3.7–3.9): 12
//! policies, 17 evaluations per patient (initiation, plus continuation for the 5 policies
//! that have it), 100,000 patients: 425–635 ms per run across three runs (criterion's
//! median estimates), i.e. 250–375 ns per evaluation. Evaluation is memory-bound: most
//! of the time is finding facts (`Facts::current`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use diapath_policy::catalogue::lookup;
use diapath_policy::{FactRecord, FactValue, Facts, Outcome, Policy, Stage, evaluate};
use jiff::civil::{Date, date};

const PATIENTS: usize = 100_000;

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
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            Policy::parse(&name, &std::fs::read_to_string(p).unwrap()).unwrap()
        })
        .collect()
}

/// A small deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn patient(rng: &mut Rng, on: Date) -> Facts {
    let mut facts = Facts::new();
    let mut add = |name: &str, value: FactValue, days_ago: i64| {
        let fact = lookup(name).unwrap();
        let date = on.checked_sub(jiff::Span::new().days(days_ago)).unwrap();
        facts.add(
            fact,
            FactRecord {
                value,
                date,
                provenance: "synthetic".to_owned(),
            },
        );
    };
    let kind = ["T1", "T1", "T1", "T2", "T2", "CFRD", "other"][rng.below(7) as usize];
    add("diabetes_type", FactValue::Choice(kind), 3000);
    let born = date(1940, 1, 1)
        .checked_add(jiff::Span::new().days(rng.below(30_000) as i64))
        .unwrap();
    add("date_of_birth", FactValue::Date(born), 3000);
    let bools = [
        "insulin_treated",
        "on_mdi",
        "pregnant",
        "planning_pregnancy",
        "on_haemodialysis",
        "disabling_hypoglycaemia",
        "mdi_high_level_of_care",
        "best_possible_management",
        "able_to_use_device",
        "mdt_trained_csii_cgm",
        "under_specialist_team",
        "education_offered",
        "uses_csii",
        "uses_iscgm",
        "uses_rtcgm",
        "patient_contract_signed",
        "agreed_goals_set",
        "carb_counting_competent",
        "in_commissioned_cohort",
        "trained_by_specialist_provider",
        "self_management_improved",
    ];
    for name in bools {
        if rng.chance(85) {
            add(name, FactValue::Bool(rng.chance(50)), rng.below(400) as i64);
        }
    }
    let baseline = 45 + rng.below(50) as i64;
    add("hba1c_baseline_mmol_mol", FactValue::Int(baseline), 400);
    if rng.chance(90) {
        add(
            "hba1c_mmol_mol",
            FactValue::Int(baseline - 10 + rng.below(20) as i64),
            rng.below(300) as i64,
        );
    }
    add("agreed_hba1c_fall_mmol_mol", FactValue::Int(5), 400);
    add(
        "smbg_per_day_observed_3m",
        FactValue::Number(rng.below(14) as f64),
        rng.below(120) as i64,
    );
    add(
        "sensor_wear_pct",
        FactValue::Number(rng.below(101) as f64),
        rng.below(30) as i64,
    );
    add(
        "scans_per_day",
        FactValue::Number(rng.below(16) as f64),
        rng.below(30) as i64,
    );
    add(
        "gold_score",
        FactValue::Int(1 + rng.below(7) as i64),
        rng.below(500) as i64,
    );
    facts
}

fn bench(c: &mut Criterion) {
    let policies = policies();
    let on = date(2026, 11, 1);
    let mut rng = Rng(0x5eed);
    let patients: Vec<Facts> = (0..PATIENTS).map(|_| patient(&mut rng, on)).collect();
    let stages: Vec<(&Policy, Stage)> = policies
        .iter()
        .flat_map(|p| {
            let mut stages = vec![(p, Stage::Initiation)];
            if p.continuation.is_some() {
                stages.push((p, Stage::Continuation));
            }
            stages
        })
        .collect();
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PATIENTS as u64));
    group.bench_function(
        format!(
            "{} policies ({} evaluations each) x 100k patients",
            policies.len(),
            stages.len()
        ),
        |b| {
            b.iter(|| {
                let mut eligible = 0usize;
                for facts in &patients {
                    for (policy, stage) in &stages {
                        let evaluation = evaluate(policy, facts, on, *stage);
                        eligible += usize::from(evaluation.outcome == Outcome::Eligible);
                    }
                }
                black_box(eligible)
            });
        },
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
