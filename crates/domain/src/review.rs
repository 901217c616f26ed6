//! The trial review: judge each agreed goal from the record, recommend continue or
//! discontinue, and record the clinician's confirmation or override.
//!
//! Rules return outcomes: a goal the record cannot judge is `Unknown`, and a review that
//! cannot decide recommends `NeedsMoreData`; neither is an error.

use diapath_glucose::Trace;
use diapath_glucose::metrics::{MetricOptions, Metrics, compute};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use crate::facts::{FactLog, FactValue};
use crate::reasons::ReasonCode;
use crate::{DomainError, UserId};

/// The span of CGM readings a review judges, as UTC instants (`from <= t < to`).
/// Consensus reports use the last 14 days (Battelino 2019).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewWindow {
    /// Start, inclusive.
    pub from: Timestamp,
    /// End, exclusive.
    pub to: Timestamp,
}

/// Whether a goal was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalStatus {
    /// Met.
    Met,
    /// Not met.
    NotMet,
    /// The record has no data to judge it.
    Unknown,
}

/// One goal, judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalEvaluation {
    /// The goal.
    pub goal: Goal,
    /// The measured value, if the record has one.
    pub value: Option<f64>,
    /// Whether it was met.
    pub status: GoalStatus,
}

/// What the review recommends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    /// Continue funding.
    Continue,
    /// Stop.
    Discontinue,
    /// The record cannot show either; the clinician decides.
    NeedsMoreData,
}

/// The review's evaluation of every goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEvaluation {
    /// Each goal, judged.
    pub goals: Vec<GoalEvaluation>,
    /// The recommendation.
    pub recommendation: Recommendation,
    /// Why.
    pub reasons: Vec<ReasonCode>,
    /// The CGM window used.
    pub window: ReviewWindow,
    /// The date of the review.
    pub on: Date,
}

/// Judges `contract`'s goals on `on`: CGM goals from `trace` over `window` (computed with
/// `diapath_glucose::metrics::compute`), the rest from facts observed from the trial
/// start to `on`.
pub fn evaluate_review(
    contract: &Contract,
    facts: &FactLog,
    trace: &Trace,
    window: ReviewWindow,
    on: Date,
) -> ReviewEvaluation {
    let windowed = trace.window(window.from, window.to);
    let metrics = compute(&windowed, &MetricOptions::default());
    let record = Record {
        contract,
        facts,
        metrics: &metrics,
        wear: sensor_wear_percent(&windowed, window),
        on,
    };
    let goals: Vec<GoalEvaluation> = contract
        .goals
        .iter()
        .map(|goal| {
            let value = record.value(goal);
            let status = match value {
                None => GoalStatus::Unknown,
                Some(v) if goal.comparison.holds(v, goal.target) => GoalStatus::Met,
                Some(_) => GoalStatus::NotMet,
            };
            GoalEvaluation {
                goal: *goal,
                value,
                status,
            }
        })
        .collect();
    let (recommendation, reasons) = recommend(&goals, contract.continuation);
    ReviewEvaluation {
        goals,
        recommendation,
        reasons,
        window,
        on,
    }
}

fn recommend(
    goals: &[GoalEvaluation],
    rule: ContinuationRule,
) -> (Recommendation, Vec<ReasonCode>) {
    let count = |s: GoalStatus| goals.iter().filter(|g| g.status == s).count();
    let (met, unknown) = (count(GoalStatus::Met), count(GoalStatus::Unknown));
    let needed = match rule {
        ContinuationRule::AllGoals => goals.len(),
        ContinuationRule::AtLeast(n) => usize::from(n).min(goals.len()),
    };
    if met == goals.len() {
        (Recommendation::Continue, vec![ReasonCode::GoalsMet])
    } else if met >= needed {
        (
            Recommendation::Continue,
            vec![ReasonCode::SufficientGoalsMet],
        )
    } else if met + unknown >= needed {
        (
            Recommendation::NeedsMoreData,
            vec![ReasonCode::InsufficientData],
        )
    } else if unknown > 0 {
        (
            Recommendation::Discontinue,
            vec![ReasonCode::GoalsNotMet, ReasonCode::InsufficientData],
        )
    } else {
        (Recommendation::Discontinue, vec![ReasonCode::GoalsNotMet])
    }
}

/// Sensor wear over the whole review window: readings × the usual (median) gap between
/// them, over the window length, capped at 100 %. (The metrics' active % covers only
/// first to last reading, so it would miss weeks without the sensor at either end.) The median gap is the device's sampling interval (5 min Dexcom, 15 min Libre
/// history) whatever the device, so this works without knowing it.
fn sensor_wear_percent(trace: &Trace, window: ReviewWindow) -> Option<f64> {
    let span = (window.to.as_second() - window.from.as_second()) as f64;
    if span <= 0.0 {
        return None;
    }
    let mut gaps: Vec<i64> = trace
        .readings()
        .windows(2)
        .map(|w| w[1].utc().as_second() - w[0].utc().as_second())
        .collect();
    if gaps.is_empty() {
        return if trace.is_empty() { Some(0.0) } else { None };
    }
    gaps.sort_unstable();
    let interval = gaps[gaps.len() / 2] as f64;
    Some((trace.len() as f64 * interval / span * 100.0).min(100.0))
}

struct Record<'a> {
    contract: &'a Contract,
    facts: &'a FactLog,
    metrics: &'a Metrics,
    wear: Option<f64>,
    on: Date,
}

impl Record<'_> {
    /// Facts observed during the trial, up to the review date, latest last.
    fn in_trial(&self) -> impl Iterator<Item = (Date, &FactValue)> {
        let start = self.contract.trial_start;
        let mut facts: Vec<(Date, &FactValue)> = self
            .facts
            .current_as_of(self.on)
            .into_iter()
            .filter(move |f| f.observed_on >= start)
            .map(|f| (f.observed_on, &f.value))
            .collect();
        facts.sort_by_key(|(d, _)| *d);
        facts.into_iter()
    }

    fn value(&self, goal: &Goal) -> Option<f64> {
        match goal.metric {
            GoalMetric::Hba1cChange => {
                // Only a result taken during the trial can show change.
                self.in_trial()
                    .filter_map(|(_, v)| match v {
                        FactValue::Hba1c { value } => Some(f64::from(value.get()) - goal.baseline),
                        _ => None,
                    })
                    .last()
            }
            GoalMetric::TimeInRange => self.metrics.ranges.map(|r| r.from_70_to_180),
            GoalMetric::TimeBelowRange => self.metrics.ranges.map(|r| r.below_54 + r.from_54_to_69),
            GoalMetric::SensorWear => self.wear,
            GoalMetric::ScansPerDay => self
                .in_trial()
                .filter_map(|(_, v)| match v {
                    FactValue::CgmSummary(s) => s.scans_per_day,
                    _ => None,
                })
                .last(),
            GoalMetric::SevereHypoEvents => {
                // Episodes recorded during the trial count; with none recorded, a
                // history taken during the trial shows the count is known to be zero.
                let mut known = false;
                let mut episodes = 0u32;
                for (_, v) in self.in_trial() {
                    match v {
                        FactValue::SevereHypo { .. } => {
                            known = true;
                            episodes += 1;
                        }
                        FactValue::SevereHypoHistory { .. } => known = true,
                        _ => {}
                    }
                }
                known.then_some(f64::from(episodes))
            }
            GoalMetric::AwarenessScore(scale) => self
                .in_trial()
                .filter_map(|(_, v)| match v {
                    FactValue::Awareness { score } if score.scale() == scale => {
                        Some(f64::from(score.score()))
                    }
                    _ => None,
                })
                .last(),
        }
    }
}

/// The clinician's decision at review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Continue.
    Continue,
    /// Discontinue.
    Discontinue,
}

/// A review as the clinician settled it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewOutcome {
    /// The evaluation the clinician saw.
    pub evaluation: ReviewEvaluation,
    /// What the clinician decided.
    pub decision: ReviewDecision,
    /// Coded reasons: the evaluation's, plus `ClinicianOverride` when overridden.
    pub reasons: Vec<ReasonCode>,
    /// Why the clinician departed from the recommendation, when they did.
    pub override_reason: Option<String>,
    /// The clinician.
    pub decided_by: UserId,
}

impl ReviewEvaluation {
    /// The clinician confirms the recommendation. A `NeedsMoreData` recommendation
    /// cannot be confirmed: the clinician must decide, with a reason ([`Self::decide`]).
    pub fn confirm(self, by: UserId) -> Result<ReviewOutcome, DomainError> {
        let decision = match self.recommendation {
            Recommendation::Continue => ReviewDecision::Continue,
            Recommendation::Discontinue => ReviewDecision::Discontinue,
            Recommendation::NeedsMoreData => {
                return Err(DomainError::Empty(
                    "reason (the review needs more data, so the clinician must decide)",
                ));
            }
        };
        Ok(ReviewOutcome {
            reasons: self.reasons.clone(),
            evaluation: self,
            decision,
            override_reason: None,
            decided_by: by,
        })
    }

    /// The clinician decides `decision` for `reason`, overriding the recommendation if it
    /// differs (or settling a `NeedsMoreData` one).
    pub fn decide(
        self,
        decision: ReviewDecision,
        reason: &str,
        by: UserId,
    ) -> Result<ReviewOutcome, DomainError> {
        let same = matches!(
            (self.recommendation, decision),
            (Recommendation::Continue, ReviewDecision::Continue)
                | (Recommendation::Discontinue, ReviewDecision::Discontinue)
        );
        if same {
            let mut outcome = self.confirm(by)?;
            outcome.override_reason = Some(reason.trim().to_owned()).filter(|r| !r.is_empty());
            return Ok(outcome);
        }
        if reason.trim().is_empty() {
            return Err(DomainError::Empty(
                "reason for overriding the recommendation",
            ));
        }
        let mut reasons = self.reasons.clone();
        reasons.push(ReasonCode::ClinicianOverride);
        Ok(ReviewOutcome {
            evaluation: self,
            decision,
            reasons,
            override_reason: Some(reason.trim().to_owned()),
            decided_by: by,
        })
    }
}

impl ReviewOutcome {
    /// Whether the clinician departed from (or settled an undecided) recommendation.
    pub fn is_override(&self) -> bool {
        self.reasons.contains(&ReasonCode::ClinicianOverride)
    }
}
