//! The evaluator: a policy, a patient's facts and an evaluation date in; per-criterion
//! findings, an overall outcome, evidence gaps and the smallest changes that would flip a
//! "not eligible" out. Pure and deterministic: the same inputs give the same result.
//!
//! Conditions are evaluated in three values (met, not met, unknown). A fact that is
//! missing, or older than a condition's `within` window, is unknown: missing evidence is
//! an outcome, not an error.

use jiff::civil::Date;

use crate::catalogue::{FactId, Mutability};
use crate::facts::{FactValue, Facts, Observed};
use crate::period::Period;
use crate::policy::{
    ChangeTest, Cmp, Condition, Criterion, Direction, FactTest, Policy, Test, Threshold, Tier,
};

/// One criterion's finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The evidence shows it is met.
    Met,
    /// The evidence shows it is not met.
    NotMet,
    /// Evidence is missing or too old to say.
    Unknown,
}

impl Status {
    /// "met", "not met", "unknown".
    pub fn words(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Unknown => "unknown",
        }
    }
}

/// The overall result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Every criterion met (at review: continue).
    Eligible,
    /// At least one criterion not met (at review: stop), or the policy is not in force.
    NotEligible,
    /// None failed, but at least one cannot be decided without more evidence.
    NeedsEvidence,
}

impl Outcome {
    /// The code used in test-case files and JSON: `eligible`, `not-eligible`,
    /// `needs-evidence`.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::NotEligible => "not-eligible",
            Outcome::NeedsEvidence => "needs-evidence",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Outcome> {
        [
            Outcome::Eligible,
            Outcome::NotEligible,
            Outcome::NeedsEvidence,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }

    /// Plain English for the stage.
    pub fn words(self, stage: Stage) -> &'static str {
        match (stage, self) {
            (Stage::Initiation, Outcome::Eligible) => "eligible",
            (Stage::Initiation, Outcome::NotEligible) => "not eligible",
            (Stage::Continuation, Outcome::Eligible) => "continue",
            (Stage::Continuation, Outcome::NotEligible) => "stop (criteria to continue not met)",
            (_, Outcome::NeedsEvidence) => "needs evidence",
        }
    }
}

/// Which set of criteria is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Starting the technology: the policy's criteria.
    Initiation,
    /// At a review: the continuation criteria and usage conditions.
    Continuation,
}

impl Stage {
    /// `initiation` or `continuation`.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Initiation => "initiation",
            Stage::Continuation => "continuation",
        }
    }
}

/// The result of evaluating one policy for one patient on one date. Explanations are
/// rendered from it on demand ([`Evaluation::report`]), so evaluating is cheap.
#[derive(Debug, Clone)]
pub struct Evaluation<'a> {
    /// The policy (its id and version identify the rules used).
    pub policy: &'a Policy,
    /// The facts evaluated.
    pub facts: &'a Facts,
    /// The evaluation date.
    pub on: Date,
    /// Initiation or continuation.
    pub stage: Stage,
    /// Whether the policy is in force on `on`.
    pub in_force: bool,
    /// The finding for each criterion of the stage, in the policy's order.
    pub statuses: Vec<Status>,
    /// The overall outcome.
    pub outcome: Outcome,
    /// The first prioritisation tier met, when eligible.
    pub tier: Option<&'a Tier>,
}

/// Evaluates `policy` for `facts` as known on `on` (later records are ignored).
pub fn evaluate<'a>(
    policy: &'a Policy,
    facts: &'a Facts,
    on: Date,
    stage: Stage,
) -> Evaluation<'a> {
    let in_force =
        policy.effective_from <= on && policy.effective_until.is_none_or(|until| on <= until);
    let statuses: Vec<Status> = criteria(policy, stage)
        .iter()
        .map(|criterion| status(&criterion.condition, facts, on))
        .collect();
    let outcome = if !in_force || statuses.contains(&Status::NotMet) {
        Outcome::NotEligible
    } else if statuses.contains(&Status::Unknown) {
        Outcome::NeedsEvidence
    } else {
        Outcome::Eligible
    };
    let tier = if outcome == Outcome::Eligible && stage == Stage::Initiation {
        policy
            .tiers
            .iter()
            .find(|tier| status(&tier.condition, facts, on) == Status::Met)
    } else {
        None
    };
    Evaluation {
        policy,
        facts,
        on,
        stage,
        in_force,
        statuses,
        outcome,
        tier,
    }
}

/// The criteria a stage evaluates (empty for continuation when the policy has none).
pub fn criteria(policy: &Policy, stage: Stage) -> &[Criterion] {
    match stage {
        Stage::Initiation => &policy.criteria,
        Stage::Continuation => policy
            .continuation
            .as_ref()
            .map_or(&[], |c| c.criteria.as_slice()),
    }
}

/// Three-valued evaluation of a condition.
pub fn status(condition: &Condition, facts: &Facts, on: Date) -> Status {
    match condition {
        Condition::All(parts) => {
            let mut unknown = false;
            for part in parts {
                match status(part, facts, on) {
                    Status::NotMet => return Status::NotMet,
                    Status::Unknown => unknown = true,
                    Status::Met => {}
                }
            }
            if unknown {
                Status::Unknown
            } else {
                Status::Met
            }
        }
        Condition::Any(parts) => {
            let mut unknown = false;
            for part in parts {
                match status(part, facts, on) {
                    Status::Met => return Status::Met,
                    Status::Unknown => unknown = true,
                    Status::NotMet => {}
                }
            }
            if unknown {
                Status::Unknown
            } else {
                Status::NotMet
            }
        }
        Condition::Not(part) => match status(part, facts, on) {
            Status::Met => Status::NotMet,
            Status::NotMet => Status::Met,
            Status::Unknown => Status::Unknown,
        },
        Condition::Fact(test) => fact_status(test, facts, on),
        Condition::Change(change) => change_status(change, facts, on),
    }
}

fn from_bool(value: bool) -> Status {
    if value { Status::Met } else { Status::NotMet }
}

/// Whether a record dated `date` is too old for `within` on `on`.
pub fn too_old(date: Date, within: Option<Period>, on: Date) -> bool {
    match within.and_then(|period| period.before(on)) {
        Some(oldest) => date < oldest,
        None => false,
    }
}

fn threshold_value(threshold: Threshold, facts: &Facts, on: Date) -> Option<f64> {
    match threshold {
        Threshold::Value(value) => Some(value),
        Threshold::Fact(fact) => facts.current(fact, on)?.value.as_number(),
    }
}

fn fact_status(test: &FactTest, facts: &Facts, on: Date) -> Status {
    let Some(observed) = facts.current(test.fact, on) else {
        return Status::Unknown;
    };
    if too_old(observed.date, test.within, on) {
        return Status::Unknown;
    }
    match test_holds(&test.test, observed.value, facts, on) {
        Some(holds) => from_bool(holds),
        None => Status::Unknown,
    }
}

/// Whether `value` passes `test` (None when a threshold fact is missing).
fn test_holds(test: &Test, value: FactValue, facts: &Facts, on: Date) -> Option<bool> {
    Some(match test {
        Test::Is(expected) => value == *expected,
        Test::OneOf(list) => list.contains(&value),
        Test::Compare(cmp, threshold) => {
            let threshold = threshold_value(*threshold, facts, on)?;
            cmp.holds(value.as_number()?, threshold)
        }
        Test::Before(date) => matches!(value, FactValue::Date(d) if d < *date),
        Test::OnOrAfter(date) => matches!(value, FactValue::Date(d) if d >= *date),
        Test::AtLeastAgo(period) => match (value, period.before(on)) {
            (FactValue::Date(d), Some(limit)) => d <= limit,
            _ => false,
        },
        Test::Recorded => true,
    })
}

/// The change's size in its direction (positive means it went the required way).
pub(crate) fn change_size(change: &ChangeTest, facts: &Facts, on: Date) -> Option<f64> {
    let from = facts.current(change.from, on)?.value.as_number()?;
    let to = facts.current(change.to, on)?;
    if too_old(to.date, change.within, on) {
        return None;
    }
    let to = to.value.as_number()?;
    Some(match change.direction {
        Direction::Fall => from - to,
        Direction::Rise => to - from,
    })
}

fn change_status(change: &ChangeTest, facts: &Facts, on: Date) -> Status {
    match (
        change_size(change, facts, on),
        threshold_value(change.at_least, facts, on),
    ) {
        (Some(size), Some(threshold)) => from_bool(size >= threshold),
        _ => Status::Unknown,
    }
}

/// Evidence to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap<'f> {
    /// The fact.
    pub fact: FactId,
    /// The id of the first criterion that needs it (None: required evidence).
    pub criterion: Option<&'f str>,
    /// Why it is needed.
    pub reason: GapReason<'f>,
}

/// Why evidence is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GapReason<'f> {
    /// Not recorded on or before the evaluation date.
    Missing,
    /// Recorded, but before the window the condition allows.
    TooOld {
        /// The latest record's date.
        recorded: Date,
        /// The window.
        within: Period,
        /// Where that record came from.
        provenance: &'f str,
    },
    /// The policy requires it on every request.
    Required,
}

impl<'a> Evaluation<'a> {
    /// The evidence to collect: facts behind each unknown criterion, then required
    /// evidence not yet recorded. Each fact once, in criterion order.
    pub fn gaps(&self) -> Vec<Gap<'a>> {
        let mut gaps = Vec::new();
        for (criterion, status) in criteria(self.policy, self.stage).iter().zip(&self.statuses) {
            if *status == Status::Unknown {
                let mut found = Vec::new();
                collect_gaps(&criterion.condition, self.facts, self.on, &mut found);
                for mut gap in found {
                    gap.criterion = Some(criterion.id.as_str());
                    push_gap(&mut gaps, gap);
                }
            }
        }
        if self.stage == Stage::Initiation {
            for fact in &self.policy.required_evidence {
                if self.facts.current(*fact, self.on).is_none()
                    && !gaps.iter().any(|g| g.fact == *fact)
                {
                    gaps.push(Gap {
                        fact: *fact,
                        criterion: None,
                        reason: GapReason::Required,
                    });
                }
            }
        }
        gaps
    }

    /// The smallest changes that would turn each unmet criterion into a met one, in
    /// criterion order: empty unless the outcome is not eligible and the policy is in
    /// force. Equally small alternatives are kept as [`Change::OneOf`].
    pub fn changes(&self) -> Vec<Change<'a>> {
        let mut changes: Vec<Change<'a>> = Vec::new();
        if self.outcome != Outcome::NotEligible || !self.in_force {
            return changes;
        }
        for (criterion, status) in criteria(self.policy, self.stage).iter().zip(&self.statuses) {
            if *status == Status::NotMet {
                for change in plan(&criterion.condition, true, self.facts, self.on).changes {
                    if !changes.contains(&change) {
                        changes.push(change);
                    }
                }
            }
        }
        changes
    }
}

fn push_gap<'f>(gaps: &mut Vec<Gap<'f>>, gap: Gap<'f>) {
    if !gaps.iter().any(|g| g.fact == gap.fact) {
        gaps.push(gap);
    }
}

fn observed_gap<'f>(
    fact: FactId,
    within: Option<Period>,
    facts: &'f Facts,
    on: Date,
    gaps: &mut Vec<Gap<'f>>,
) {
    match facts.current(fact, on) {
        None => push_gap(
            gaps,
            Gap {
                fact,
                criterion: None,
                reason: GapReason::Missing,
            },
        ),
        Some(observed) => {
            if let Some(period) = within
                && too_old(observed.date, within, on)
            {
                push_gap(
                    gaps,
                    Gap {
                        fact,
                        criterion: None,
                        reason: GapReason::TooOld {
                            recorded: observed.date,
                            within: period,
                            provenance: observed.provenance,
                        },
                    },
                );
            }
        }
    }
}

fn collect_gaps<'f>(condition: &Condition, facts: &'f Facts, on: Date, gaps: &mut Vec<Gap<'f>>) {
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            for part in parts {
                if status(part, facts, on) == Status::Unknown {
                    collect_gaps(part, facts, on, gaps);
                }
            }
        }
        Condition::Not(part) => collect_gaps(part, facts, on, gaps),
        Condition::Fact(test) => {
            observed_gap(test.fact, test.within, facts, on, gaps);
            if let Test::Compare(_, Threshold::Fact(fact)) = test.test {
                observed_gap(fact, None, facts, on, gaps);
            }
        }
        Condition::Change(change) => {
            observed_gap(change.from, None, facts, on, gaps);
            observed_gap(change.to, change.within, facts, on, gaps);
            if let Threshold::Fact(fact) = change.at_least {
                observed_gap(fact, None, facts, on, gaps);
            }
        }
    }
}

/// One change to one fact that the outcome depends on.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    /// The leaf condition (a fact test or a change test).
    pub condition: &'a Condition,
    /// Whether it must become met (`true`) or stop being met (`false`).
    pub want: bool,
    /// Whether the change is within reach.
    pub reach: Reach,
}

/// Whether a step can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// With treatment, evidence or a clinician's judgement.
    Changeable,
    /// With time: on this date if known (an age threshold).
    OnDate(Option<Date>),
    /// Never (diabetes type, or an age already past).
    Never,
}

/// One part of what would change the outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<'a> {
    /// One fact must change.
    Step(Step<'a>),
    /// Any one of these sets of changes is enough; each set is needed whole.
    OneOf(Vec<Vec<Change<'a>>>),
}

impl Change<'_> {
    /// Whether this change can happen at all.
    pub fn reachable(&self) -> bool {
        match self {
            Change::Step(step) => step.reach != Reach::Never,
            Change::OneOf(options) => options.iter().any(|o| o.iter().all(Change::reachable)),
        }
    }
}

impl PartialEq for Step<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.condition, other.condition) && self.want == other.want
    }
}

#[derive(Debug)]
struct Plan<'a> {
    cost: u32,
    changes: Vec<Change<'a>>,
}

const NEVER: u32 = 1000;

fn plan<'a>(condition: &'a Condition, want: bool, facts: &Facts, on: Date) -> Plan<'a> {
    let now = status(condition, facts, on);
    if now == from_bool(want) {
        return Plan {
            cost: 0,
            changes: Vec::new(),
        };
    }
    match condition {
        Condition::Not(part) => plan(part, !want, facts, on),
        Condition::All(parts) | Condition::Any(parts) => {
            // Making an `all` true, or an `any` false, needs every part; the other two
            // cases need the cheapest part (all the equally cheap ones are offered).
            let every = matches!(condition, Condition::All(_)) == want;
            let plans = parts.iter().map(|part| plan(part, want, facts, on));
            if every {
                let mut total = Plan {
                    cost: 0,
                    changes: Vec::new(),
                };
                for part in plans {
                    total.cost = total.cost.saturating_add(part.cost);
                    total.changes.extend(part.changes);
                }
                return total;
            }
            let plans: Vec<Plan<'a>> = plans.filter(|p| p.cost > 0).collect();
            let cheapest = plans.iter().map(|p| p.cost).min().unwrap_or(NEVER);
            let mut best: Vec<Vec<Change<'a>>> = Vec::new();
            for p in plans.into_iter().filter(|p| p.cost == cheapest) {
                // "one of: a; or one of: b; or c" reads as "one of: a; or b; or c".
                match <[Change<'a>; 1]>::try_from(p.changes) {
                    Ok([Change::OneOf(options)]) => best.extend(options),
                    Ok([single]) => best.push(vec![single]),
                    Err(changes) => best.push(changes),
                }
            }
            if cheapest >= NEVER {
                best.truncate(1);
            }
            let changes = if best.len() == 1 {
                best.pop().unwrap_or_default()
            } else {
                vec![Change::OneOf(best)]
            };
            Plan {
                cost: cheapest,
                changes,
            }
        }
        Condition::Fact(test) => {
            let reach = reach(test, want, facts, on);
            Plan {
                cost: if reach == Reach::Never { NEVER } else { 1 },
                changes: vec![Change::Step(Step {
                    condition,
                    want,
                    reach,
                })],
            }
        }
        Condition::Change(_) => Plan {
            cost: 1,
            changes: vec![Change::Step(Step {
                condition,
                want,
                reach: Reach::Changeable,
            })],
        },
    }
}

fn reach(test: &FactTest, want: bool, facts: &Facts, on: Date) -> Reach {
    // A recorded date cannot move before a day already past.
    if let Test::Before(limit) = test.test
        && want
        && limit <= on
        && facts.current(test.fact, on).is_some()
    {
        return Reach::Never;
    }
    match test.fact.def().mutability {
        Mutability::Changeable => Reach::Changeable,
        Mutability::Fixed | Mutability::Circumstance => Reach::Never,
        Mutability::GrowsWithTime => {
            // Age only rises: a lower bound can be reached later, an upper bound cannot.
            let rising = matches!(
                (&test.test, want),
                (Test::Compare(Cmp::AtLeast | Cmp::MoreThan, _), true)
                    | (Test::Compare(Cmp::AtMost | Cmp::LessThan, _), false)
            );
            if !rising {
                return Reach::Never;
            }
            Reach::OnDate(birthday_reaching(test, facts, on))
        }
    }
}

/// The birthday on which an age test flips, when the date of birth is known.
fn birthday_reaching(test: &FactTest, facts: &Facts, on: Date) -> Option<Date> {
    let Test::Compare(cmp, Threshold::Value(threshold)) = test.test else {
        return None;
    };
    let age = match cmp {
        Cmp::AtLeast | Cmp::LessThan => threshold.ceil(),
        Cmp::MoreThan | Cmp::AtMost => threshold.floor() + 1.0,
    } as i16;
    let FactValue::Date(born) = facts.current(crate::catalogue::DATE_OF_BIRTH, on)?.value else {
        return None;
    };
    crate::facts::birthday(born, age)
}

/// The fact values a condition looked at, each once, in order.
pub fn used<'f>(condition: &Condition, facts: &'f Facts, on: Date, out: &mut Vec<Observed<'f>>) {
    let mut push = |fact: FactId| {
        if let Some(observed) = facts.current(fact, on)
            && !out.iter().any(|o| o.fact == fact)
        {
            out.push(observed);
        }
    };
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            for part in parts {
                used(part, facts, on, out);
            }
        }
        Condition::Not(part) => used(part, facts, on, out),
        Condition::Fact(test) => {
            push(test.fact);
            if let Test::Compare(_, Threshold::Fact(fact)) = test.test {
                push(fact);
            }
        }
        Condition::Change(change) => {
            push(change.from);
            push(change.to);
            if let Threshold::Fact(fact) = change.at_least {
                push(fact);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testcase::TestSuite;
    use jiff::civil::date;

    const POLICY: &str = r#"
id = "unit"
title = "Unit"
technology = "CSII"
scope = "national"
version = "2"
effective_from = 2020-01-01
effective_until = 2030-12-31
[[source]]
id = "s"
document = "Doc"
[[criterion]]
id = "type-1"
text = "Type 1"
source = "s"
section = "1"
when = { fact = "diabetes_type", is = "T1" }
[[criterion]]
id = "age"
text = "12 or over"
source = "s"
section = "2"
when = { fact = "age_years", at_least = 12 }
[[criterion]]
id = "need"
text = "HbA1c 69 or more, or disabling hypoglycaemia"
source = "s"
section = "3"
when = { any = [{ fact = "hba1c_mmol_mol", at_least = 69, within = "3 months" }, { attested = "disabling_hypoglycaemia" }] }
[[criterion]]
id = "not-pregnant"
text = "Not pregnant"
source = "s"
section = "4"
when = { not = { fact = "pregnant", is = true } }
"#;

    /// Evaluates POLICY for facts written as a test case's `[case.facts]` body, on
    /// 2026-11-01, and compares the outcome, the findings and the changes.
    fn check(facts: &str, outcome: Outcome, statuses: &str, changes: &[&str]) {
        let policy = Policy::parse("unit.toml", POLICY).unwrap();
        let suite = format!(
            "policy = \"unit\"\non = 2026-11-01\n[[case]]\nname = \"x\"\nexpect = \"eligible\"\n[case.facts]\n{facts}"
        );
        let suite = TestSuite::parse("unit-tests.toml", &suite).unwrap();
        let facts = &suite.cases[0].facts;
        let evaluation = evaluate(&policy, facts, date(2026, 11, 1), Stage::Initiation);
        assert_eq!(evaluation.outcome, outcome);
        let got: Vec<&str> = evaluation
            .statuses
            .iter()
            .map(|s| match s {
                Status::Met => "+",
                Status::NotMet => "-",
                Status::Unknown => "?",
            })
            .collect();
        assert_eq!(got.concat(), statuses);
        let report = evaluation.report();
        let words: Vec<&str> = report
            .what_would_change_it
            .iter()
            .chain(&report.cannot_change)
            .map(String::as_str)
            .collect();
        assert_eq!(words, changes);
        // Deterministic: the same inputs give the same report.
        let again = evaluate(&policy, facts, date(2026, 11, 1), Stage::Initiation).report();
        assert_eq!(format!("{again:?}"), format!("{report:?}"));
    }

    #[test]
    fn outcomes_and_smallest_changes() {
        check(
            "diabetes_type = \"T1\"\nage_years = 30\nhba1c_mmol_mol = 70\npregnant = false",
            Outcome::Eligible,
            "++++",
            &[],
        );
        check(
            "diabetes_type = \"T1\"\nage_years = 30\nhba1c_mmol_mol = 65\ndisabling_hypoglycaemia = false\npregnant = false",
            Outcome::NotEligible,
            "++-+",
            // Both branches of the `any` need one change: both are offered.
            &[
                "one of: HbA1c at least 69 mmol/mol, recorded within the last 3 months — now 65 mmol/mol on 2026-11-01 (test case); or clinician attests disabling hypoglycaemia — now no on 2026-11-01 (test case)",
            ],
        );
        check(
            "diabetes_type = \"T2\"\ndate_of_birth = { value = 2016-03-10, date = 2016-03-10 }\ndisabling_hypoglycaemia = true\npregnant = true",
            Outcome::NotEligible,
            "--+-",
            &[
                "age at least 12 years — now 10 years on 2026-11-01 (from date of birth); reached on 2028-03-10",
                // Pregnancy and diabetes type are not for care to change.
                "diabetes type is T1 — now T2 on 2026-11-01 (test case)",
                "not pregnant — now yes on 2026-11-01 (test case)",
            ],
        );
        check(
            "diabetes_type = \"T1\"\nage_years = 30\nhba1c_mmol_mol = { value = 75, date = 2026-07-31 }",
            Outcome::NeedsEvidence,
            "++??",
            &[],
        );
    }

    #[test]
    fn evidence_to_collect_names_missing_and_old_facts() {
        let policy = Policy::parse("unit.toml", POLICY).unwrap();
        let mut facts = Facts::new();
        let hba1c = crate::catalogue::lookup("hba1c_mmol_mol").unwrap();
        facts.add(
            hba1c,
            crate::facts::FactRecord {
                value: FactValue::Int(75),
                date: date(2026, 7, 31),
                provenance: "lab".into(),
            },
        );
        let evaluation = evaluate(&policy, &facts, date(2026, 11, 1), Stage::Initiation);
        let gaps: Vec<_> = evaluation
            .gaps()
            .iter()
            .map(|g| (g.fact.name(), g.reason))
            .collect();
        assert_eq!(
            gaps,
            [
                ("diabetes_type", GapReason::Missing),
                ("age_years", GapReason::Missing),
                (
                    "hba1c_mmol_mol",
                    GapReason::TooOld {
                        recorded: date(2026, 7, 31),
                        within: Period::parse("3 months").unwrap(),
                        provenance: "lab"
                    }
                ),
                ("disabling_hypoglycaemia", GapReason::Missing),
                ("pregnant", GapReason::Missing),
            ]
        );
        // The same record is current on 2026-10-31: a window counts back from the date.
        let earlier = evaluate(&policy, &facts, date(2026, 10, 31), Stage::Initiation);
        assert_eq!(earlier.statuses[2], Status::Met);
    }

    #[test]
    fn a_policy_out_of_force_is_not_eligible_and_later_records_are_ignored() {
        let policy = Policy::parse("unit.toml", POLICY).unwrap();
        let facts = Facts::new();
        let evaluation = evaluate(&policy, &facts, date(2031, 1, 1), Stage::Initiation);
        assert_eq!(evaluation.outcome, Outcome::NotEligible);
        assert!(!evaluation.in_force);
        let report = evaluation.report();
        assert_eq!(
            report.cannot_change,
            [
                "the policy is not in force on 2031-01-01 (in force from 2020-01-01 until 2030-12-31)"
            ]
        );
        assert_eq!(report.policy, "unit");
        assert_eq!(report.version, "2");
    }
}
