//! Plain English: conditions as a clinician would write them, the findings behind each
//! criterion, the evidence to collect and what would change the outcome. Also the
//! serialisable [`Report`] that `diapath policy check --json` prints.

use std::fmt::Write;

use jiff::civil::Date;
use serde::Serialize;

use crate::catalogue::FactId;
use crate::catalogue::FactKind;
use crate::evaluate::{
    self, Change, Evaluation, Gap, GapReason, Outcome, Reach, Stage, Status, Step, change_size,
    too_old,
};
use crate::facts::{FactValue, Facts, Observed};
use crate::period::Period;
use crate::policy::{Condition, Direction, FactTest, Policy, Test, Threshold};

/// A condition in words: `HbA1c at least 69 mmol/mol`.
pub fn describe(condition: &Condition) -> String {
    match condition {
        Condition::All(parts) => format!("all of ({})", join(parts)),
        Condition::Any(parts) => format!("any of ({})", join(parts)),
        Condition::Not(part) => negated(part),
        Condition::Fact(test) => describe_fact(test),
        Condition::Change(change) => {
            if let Some(label) = &change.label {
                return label.clone();
            }
            let def = change.to.def();
            let noun = match change.direction {
                Direction::Fall => "fall",
                Direction::Rise => "rise",
            };
            let by = threshold_words(change.at_least, def);
            let mut text = format!(
                "{}: a {noun} from {} of at least {by}",
                def.label,
                change.from.def().label
            );
            if let Some(within) = change.within {
                let _ = write!(text, " (current value recorded within the last {within})");
            }
            text
        }
    }
}

/// A condition's opposite in words: `not pregnant` rather than `not: pregnant`.
pub fn negated(condition: &Condition) -> String {
    match condition {
        Condition::Fact(test) if test.label.is_none() => match test.test {
            Test::Is(FactValue::Bool(value)) => describe_fact(&FactTest {
                test: Test::Is(FactValue::Bool(!value)),
                ..test.clone()
            }),
            _ => format!("not: {}", describe(condition)),
        },
        Condition::Not(part) => describe(part),
        _ => format!("not: {}", describe(condition)),
    }
}

fn join(parts: &[Condition]) -> String {
    parts.iter().map(describe).collect::<Vec<_>>().join("; ")
}

fn threshold_words(threshold: Threshold, def: &crate::catalogue::FactDef) -> String {
    match threshold {
        Threshold::Value(value) => {
            let value = if matches!(def.kind, FactKind::Int { .. }) {
                FactValue::Int(value as i64)
            } else {
                FactValue::Number(value)
            };
            value.display(def)
        }
        Threshold::Fact(fact) => format!("the {}", fact.def().label),
    }
}

fn describe_fact(test: &FactTest) -> String {
    if let Some(label) = &test.label {
        return label.clone();
    }
    let def = test.fact.def();
    let label = def.label;
    let mut text = match &test.test {
        Test::Is(FactValue::Bool(true)) if def.kind == FactKind::Attestation => {
            format!("clinician attests {label}")
        }
        Test::Is(FactValue::Bool(false)) if def.kind == FactKind::Attestation => {
            format!("clinician attests no {label}")
        }
        Test::Is(FactValue::Bool(true)) => label.to_owned(),
        Test::Is(FactValue::Bool(false)) => format!("not {label}"),
        Test::Is(value) => format!("{label} is {}", value.display(def)),
        Test::OneOf(values) => format!(
            "{label} is one of {}",
            values
                .iter()
                .map(|v| v.display(def))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Test::Compare(cmp, threshold) => {
            format!(
                "{label} {} {}",
                cmp.words(),
                threshold_words(*threshold, def)
            )
        }
        Test::Before(date) => format!("{label} before {date}"),
        Test::OnOrAfter(date) => format!("{label} on or after {date}"),
        Test::AtLeastAgo(period) => format!("{label} at least {period} before the evaluation date"),
        Test::Recorded => format!("{label} recorded"),
    };
    if let Some(within) = test.within {
        let _ = write!(text, ", recorded within the last {within}");
    }
    text
}

/// `72 mmol/mol on 2026-10-01 (lab)`.
pub fn observed_words(observed: &Observed<'_>) -> String {
    format!(
        "{} on {} ({})",
        observed.value.display(observed.fact.def()),
        observed.date,
        observed.provenance
    )
}

/// What the record shows for a leaf: `66 mmol/mol on 2026-09-28 (lab)`, `not recorded`,
/// `last recorded 75 mmol/mol on 2026-04-30 (lab), older than 6 months`. Tests of
/// several facts name each.
fn leaf_evidence(condition: &Condition, facts: &Facts, on: Date) -> String {
    let show = |fact: FactId, within: Option<Period>, named: bool| {
        let text = match facts.current(fact, on) {
            None => "not recorded".to_owned(),
            Some(observed) if too_old(observed.date, within, on) => format!(
                "last recorded {}, older than {}",
                observed_words(&observed),
                within.map(|w| w.to_string()).unwrap_or_default()
            ),
            Some(observed) => observed_words(&observed),
        };
        if named {
            format!("{} {text}", fact.def().label)
        } else {
            text
        }
    };
    match condition {
        Condition::Fact(test) => {
            if let Test::Compare(_, Threshold::Fact(goal)) = test.test {
                format!(
                    "{}; {}",
                    show(test.fact, test.within, true),
                    show(goal, None, true)
                )
            } else {
                show(test.fact, test.within, false)
            }
        }
        Condition::Change(change) => {
            let mut text = format!(
                "{}; {}",
                show(change.from, None, true),
                show(change.to, change.within, true)
            );
            if let Threshold::Fact(goal) = change.at_least {
                let _ = write!(text, "; {}", show(goal, None, true));
            }
            if let Some(size) = change_size(change, facts, on) {
                let verb = match change.direction {
                    Direction::Fall => "fall",
                    Direction::Rise => "rise",
                };
                let value = match change.to.def().kind {
                    FactKind::Int { .. } => FactValue::Int(size.round() as i64),
                    _ => FactValue::Number(size),
                };
                let _ = write!(text, " (a {verb} of {})", value.display(change.to.def()));
            }
            text
        }
        _ => String::new(),
    }
}

/// The leaves that decided a condition's status, each as "test — evidence".
fn findings(condition: &Condition, facts: &Facts, on: Date, out: &mut Vec<String>) {
    let now = evaluate::status(condition, facts, on);
    match condition {
        Condition::All(parts) | Condition::Any(parts) => {
            let is_all = matches!(condition, Condition::All(_));
            for part in parts {
                let part_status = evaluate::status(part, facts, on);
                let decisive = match now {
                    Status::Unknown => part_status == Status::Unknown,
                    Status::Met if is_all => true,
                    Status::NotMet if !is_all => true,
                    _ => part_status == now,
                };
                if decisive {
                    findings(part, facts, on, out);
                    if now == Status::Met && !is_all {
                        break;
                    }
                }
            }
        }
        Condition::Not(part) if matches!(**part, Condition::Fact(_) | Condition::Change(_)) => out
            .push(format!(
                "{}: {} — {}",
                negated(part),
                now.words(),
                leaf_evidence(part, facts, on)
            )),
        Condition::Not(part) => {
            let mut inner = Vec::new();
            findings(part, facts, on, &mut inner);
            out.extend(inner.into_iter().map(|f| format!("excluded if {f}")));
        }
        leaf => out.push(format!(
            "{}: {} — {}",
            describe(leaf),
            now.words(),
            leaf_evidence(leaf, facts, on)
        )),
    }
}

/// One criterion in a report.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionReport {
    /// The criterion's id.
    pub id: String,
    /// What it requires.
    pub text: String,
    /// Document and section.
    pub source: String,
    /// `met`, `not met` or `unknown`.
    pub status: &'static str,
    /// The tests that decided it, with the evidence each used.
    pub findings: Vec<String>,
    /// The fact values looked at.
    pub facts_used: Vec<FactUse>,
}

/// A fact value used.
#[derive(Debug, Clone, Serialize)]
pub struct FactUse {
    /// The fact's name.
    pub fact: &'static str,
    /// The value with its unit.
    pub value: String,
    /// When it was recorded.
    pub date: String,
    /// Where it came from.
    pub provenance: String,
}

/// Evidence to collect.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceReport {
    /// The fact's name.
    pub fact: &'static str,
    /// The criterion that needs it (none: required evidence for submission).
    pub criterion: Option<String>,
    /// Why, in words.
    pub reason: String,
}

/// The tier an eligible person falls in.
#[derive(Debug, Clone, Serialize)]
pub struct TierReport {
    /// 1 is first.
    pub tier: u32,
    /// Who is in it.
    pub name: String,
    /// Document and section.
    pub source: String,
}

/// Everything `diapath policy check` shows, in one serialisable value.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Policy id.
    pub policy: String,
    /// Policy version: with the id and the date, enough to reproduce the result.
    pub version: String,
    /// Policy title.
    pub title: String,
    /// The evaluation date.
    pub on: String,
    /// `initiation` or `continuation`.
    pub stage: &'static str,
    /// `eligible`, `not-eligible` or `needs-evidence`.
    pub outcome: &'static str,
    /// The outcome in words for the stage ("continue", "stop ...").
    pub outcome_words: &'static str,
    /// Whether the policy is in force on the date.
    pub in_force: bool,
    /// One finding per criterion.
    pub criteria: Vec<CriterionReport>,
    /// Evidence to collect before a decision.
    pub evidence_to_collect: Vec<EvidenceReport>,
    /// For not eligible: the smallest changes that would make each unmet criterion met.
    pub what_would_change_it: Vec<String>,
    /// Unmet requirements that care cannot change: fixed facts (diabetes type), ages
    /// already past, circumstances (pregnancy, cohort membership), dates already past.
    pub cannot_change: Vec<String>,
    /// The prioritisation tier, when eligible.
    pub tier: Option<TierReport>,
    /// Options offered on top (e.g. isCGM instead of rtCGM), when eligible.
    pub options: Vec<String>,
    /// How the request is decided next.
    pub next_step: String,
}

impl Evaluation<'_> {
    /// The evaluation in words.
    pub fn report(&self) -> Report {
        let policy = self.policy;
        let criteria = evaluate::criteria(policy, self.stage)
            .iter()
            .zip(&self.statuses)
            .map(|(criterion, status)| {
                let mut found = Vec::new();
                findings(&criterion.condition, self.facts, self.on, &mut found);
                let mut used = Vec::new();
                evaluate::used(&criterion.condition, self.facts, self.on, &mut used);
                CriterionReport {
                    id: criterion.id.clone(),
                    text: criterion.text.clone(),
                    source: policy.cite(&criterion.citation),
                    status: status.words(),
                    findings: found,
                    facts_used: used
                        .iter()
                        .map(|o| FactUse {
                            fact: o.fact.name(),
                            value: o.value.display(o.fact.def()),
                            date: o.date.to_string(),
                            provenance: o.provenance.to_owned(),
                        })
                        .collect(),
                }
            })
            .collect();
        let evidence_to_collect = self.gaps().iter().map(gap_words).collect();
        let (mut change, mut cannot) = (Vec::new(), Vec::new());
        for item in self.changes() {
            let text = change_words(&item, self.facts, self.on);
            if item.reachable() {
                change.push(text);
            } else {
                cannot.push(text);
            }
        }
        if !self.in_force {
            cannot.push(format!(
                "the policy is not in force on {} (in force from {}{})",
                self.on,
                policy.effective_from,
                policy
                    .effective_until
                    .map(|d| format!(" until {d}"))
                    .unwrap_or_default()
            ));
        }
        let options = if self.outcome == Outcome::Eligible && self.stage == Stage::Initiation {
            policy
                .options
                .iter()
                .filter(|o| evaluate::status(&o.condition, self.facts, self.on) == Status::Met)
                .map(|o| format!("{} ({})", o.text, policy.cite(&o.citation)))
                .collect()
        } else {
            Vec::new()
        };
        Report {
            policy: policy.id.clone(),
            version: policy.version.clone(),
            title: policy.title.clone(),
            on: self.on.to_string(),
            stage: self.stage.code(),
            outcome: self.outcome.code(),
            outcome_words: self.outcome.words(self.stage),
            in_force: self.in_force,
            criteria,
            evidence_to_collect,
            what_would_change_it: change,
            cannot_change: cannot,
            tier: self.tier.map(|t| TierReport {
                tier: t.tier,
                name: t.name.clone(),
                source: policy.cite(&t.citation),
            }),
            options,
            next_step: self.next_step(),
        }
    }

    fn next_step(&self) -> String {
        let approval = self.policy.approval;
        match (self.stage, self.outcome) {
            (Stage::Continuation, Outcome::Eligible) => match &self.policy.continuation {
                Some(c) => format!("continue; next review in {}", c.review_interval),
                None => "continue".to_owned(),
            },
            (Stage::Continuation, Outcome::NotEligible) => "discontinue, recording the reasons; the person may ask for reconsideration with new clinical information".to_owned(),
            (_, Outcome::NeedsEvidence) => "collect the evidence listed, then check again".to_owned(),
            (Stage::Initiation, Outcome::NotEligible) => "outside this policy: the clinician may submit an individual funding request (IFR) if the person is clinically exceptional".to_owned(),
            (Stage::Initiation, Outcome::Eligible) => {
                let complete = self.gaps().is_empty();
                let mut next = match approval.route {
                    crate::policy::Route::CriteriaBased => {
                        "start under criteria-based access".to_owned()
                    }
                    crate::policy::Route::PriorApproval if !complete => {
                        "collect the required evidence listed, then submit to the commissioner for prior approval".to_owned()
                    }
                    crate::policy::Route::PriorApproval if approval.auto_approve => {
                        "submit for prior approval: a clean request may be approved automatically".to_owned()
                    }
                    crate::policy::Route::PriorApproval => {
                        "submit to the commissioner for prior approval".to_owned()
                    }
                };
                if let Some(c) = &self.policy.continuation {
                    match c.trial {
                        Some(trial) => {
                            let _ = write!(next, "; a trial of {trial}, reviewed every {}", c.review_interval);
                        }
                        None => {
                            let _ = write!(next, "; reviewed every {}", c.review_interval);
                        }
                    }
                }
                if let Some(p) = &self.policy.prescribing {
                    let _ = write!(next, "; prescribing: {}", p.setting.label());
                    if !p.primary_care_prescribing {
                        next.push_str(", no primary-care prescribing");
                    }
                    if !p.primary_care_monitoring {
                        next.push_str(", no primary-care monitoring");
                    }
                }
                if let Some(cap) = self.policy.cohort.as_ref().and_then(|c| c.cap) {
                    let _ = write!(next, "; the cohort is capped at {cap} patients: check capacity");
                }
                next
            }
        }
    }
}

fn gap_words(gap: &Gap<'_>) -> EvidenceReport {
    let def = gap.fact.def();
    let reason = match gap.reason {
        GapReason::Missing => format!("{}: not recorded", def.label),
        GapReason::TooOld {
            recorded,
            within,
            provenance,
        } => format!(
            "{}: a newer record is needed — the last ({recorded}, {provenance}) is older than {within}",
            def.label
        ),
        GapReason::Required => format!("{}: required evidence for submission", def.label),
    };
    EvidenceReport {
        fact: def.name,
        criterion: gap.criterion.map(str::to_owned),
        reason,
    }
}

fn change_words(change: &Change<'_>, facts: &Facts, on: Date) -> String {
    match change {
        Change::Step(step) => step_words(step, facts, on),
        Change::OneOf(options) => {
            let options: Vec<String> = options
                .iter()
                .map(|set| {
                    set.iter()
                        .map(|c| change_words(c, facts, on))
                        .collect::<Vec<_>>()
                        .join(", and ")
                })
                .collect();
            format!("one of: {}", options.join("; or "))
        }
    }
}

fn step_words(step: &Step<'_>, facts: &Facts, on: Date) -> String {
    let wanted = if step.want {
        describe(step.condition)
    } else {
        negated(step.condition)
    };
    let evidence = leaf_evidence(step.condition, facts, on);
    let when = match step.reach {
        Reach::OnDate(Some(date)) => format!("; reached on {date}"),
        Reach::OnDate(None) => "; reached with time".to_owned(),
        Reach::Never | Reach::Changeable => String::new(),
    };
    format!("{wanted} — now {evidence}{when}")
}

/// A policy in words for `diapath policy show`: metadata, criteria with their sources,
/// tiers, continuation and caveats.
pub fn show(policy: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", policy.id, policy.title);
    let _ = writeln!(
        out,
        "version {}; {}; technology: {}",
        policy.version,
        policy.scope,
        policy.technology.label()
    );
    let _ = writeln!(
        out,
        "in force from {}{}",
        policy.effective_from,
        policy
            .effective_until
            .map(|d| format!(" until {d}"))
            .unwrap_or_default()
    );
    if !policy.summary.is_empty() {
        let _ = writeln!(out, "\n{}", policy.summary.trim());
    }
    let _ = writeln!(out, "\nEligible when all of these are met:");
    for (index, criterion) in policy.criteria.iter().enumerate() {
        criterion_block(&mut out, policy, index + 1, criterion);
    }
    if !policy.options.is_empty() {
        let _ = writeln!(out, "\nOptions once eligible:");
        for (index, option) in policy.options.iter().enumerate() {
            criterion_block(&mut out, policy, index + 1, option);
        }
    }
    if !policy.tiers.is_empty() {
        let _ = writeln!(out, "\nPriority tiers (first match):");
        for tier in &policy.tiers {
            let _ = writeln!(
                out,
                "  tier {}: {} [{}]",
                tier.tier,
                tier.name,
                policy.cite(&tier.citation)
            );
            tree(&mut out, &tier.condition, 6);
        }
    }
    if let Some(continuation) = &policy.continuation {
        let trial = continuation
            .trial
            .map(|t| format!("; trial of {t}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\nContinuation (review every {}{trial}); continue when all of these are met:",
            continuation.review_interval
        );
        for (index, criterion) in continuation.criteria.iter().enumerate() {
            criterion_block(&mut out, policy, index + 1, criterion);
        }
    }
    let _ = writeln!(out, "\nApproval: {}", policy.approval.route.label());
    if policy.approval.route == crate::policy::Route::PriorApproval {
        let _ = writeln!(
            out,
            "Clean requests auto-approved: {}",
            if policy.approval.auto_approve {
                "yes"
            } else {
                "no"
            }
        );
    }
    if let Some(p) = &policy.prescribing {
        let yes_no = |b: bool| if b { "allowed" } else { "not allowed" };
        let _ = writeln!(
            out,
            "Prescribing: {}; primary-care prescribing {}; primary-care monitoring {}",
            p.setting.label(),
            yes_no(p.primary_care_prescribing),
            yes_no(p.primary_care_monitoring)
        );
    }
    if let Some(cohort) = &policy.cohort {
        let cap = cohort
            .cap
            .map(|c| format!(" (cap: {c} patients)"))
            .unwrap_or_default();
        let _ = writeln!(out, "Cohort: {}{cap}", cohort.description);
    }
    if !policy.required_evidence.is_empty() {
        let names: Vec<&str> = policy
            .required_evidence
            .iter()
            .map(|f| f.def().label)
            .collect();
        let _ = writeln!(
            out,
            "Evidence required with a request: {}",
            names.join("; ")
        );
    }
    if !policy.unconfirmed.is_empty() {
        let _ = writeln!(
            out,
            "\nUnconfirmed in the sources (verify before relying on them):"
        );
        for note in &policy.unconfirmed {
            let _ = writeln!(out, "  - {note}");
        }
    }
    if !policy.notes.is_empty() {
        let _ = writeln!(out, "\nNotes:");
        for note in &policy.notes {
            let _ = writeln!(out, "  - {note}");
        }
    }
    let _ = writeln!(out, "\nSources:");
    for source in &policy.sources {
        let url = source
            .url
            .as_deref()
            .map(|u| format!(" <{u}>"))
            .unwrap_or_default();
        let _ = writeln!(out, "  [{}] {}{url}", source.id, source.document);
    }
    out
}

fn criterion_block(
    out: &mut String,
    policy: &Policy,
    number: usize,
    criterion: &crate::policy::Criterion,
) {
    let _ = writeln!(
        out,
        "  {number}. {} [{}] ({})",
        criterion.text,
        policy.cite(&criterion.citation),
        criterion.id
    );
    tree(out, &criterion.condition, 6);
}

fn tree(out: &mut String, condition: &Condition, indent: usize) {
    let pad = " ".repeat(indent);
    match condition {
        Condition::All(parts) => {
            let _ = writeln!(out, "{pad}all of:");
            for part in parts {
                tree(out, part, indent + 2);
            }
        }
        Condition::Any(parts) => {
            let _ = writeln!(out, "{pad}any of:");
            for part in parts {
                tree(out, part, indent + 2);
            }
        }
        Condition::Not(part) if matches!(**part, Condition::Fact(_) | Condition::Change(_)) => {
            let _ = writeln!(out, "{pad}- {}", negated(part));
        }
        Condition::Not(part) => {
            let _ = writeln!(out, "{pad}none of:");
            tree(out, part, indent + 2);
        }
        leaf => {
            let _ = writeln!(out, "{pad}- {}", describe(leaf));
        }
    }
}

impl Report {
    /// The report as text for a terminal.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} (version {}): {}",
            self.policy, self.version, self.title
        );
        let _ = writeln!(
            out,
            "{} on {}: {}",
            self.stage,
            self.on,
            self.outcome_words.to_uppercase()
        );
        if let Some(tier) = &self.tier {
            let _ = writeln!(
                out,
                "priority tier {}: {} [{}]",
                tier.tier, tier.name, tier.source
            );
        }
        let _ = writeln!(out, "\nCriteria:");
        for criterion in &self.criteria {
            let _ = writeln!(
                out,
                "  [{}] {} ({}) — {}",
                criterion.status, criterion.text, criterion.id, criterion.source
            );
            for finding in &criterion.findings {
                let _ = writeln!(out, "      {finding}");
            }
        }
        let list = |out: &mut String, title: &str, items: &[String]| {
            if !items.is_empty() {
                let _ = writeln!(out, "\n{title}");
                for item in items {
                    let _ = writeln!(out, "  - {item}");
                }
            }
        };
        let evidence: Vec<String> = self
            .evidence_to_collect
            .iter()
            .map(|e| match &e.criterion {
                Some(criterion) => format!("{} (for {criterion})", e.reason),
                None => e.reason.clone(),
            })
            .collect();
        list(
            &mut out,
            "Evidence to collect (where a criterion has alternatives, evidence that meets one is enough):",
            &evidence,
        );
        list(
            &mut out,
            "What would change the outcome (each needed):",
            &self.what_would_change_it,
        );
        list(
            &mut out,
            "Outside what care can change (fixed facts, circumstances, dates past):",
            &self.cannot_change,
        );
        list(&mut out, "Options:", &self.options);
        let _ = writeln!(out, "\nNext step: {}", self.next_step);
        out
    }
}
