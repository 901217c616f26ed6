//! The patient contract: agreed, measurable goals for the trial and when it is reviewed.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::facts::AwarenessScale;
use crate::{DomainError, RequestId, UserId};

/// Months from trial start to review unless the policy says otherwise: the 6-month trial
/// of local flash/CGM schemes (design.md §1; eligibility-criteria §5, LLR, Buckinghamshire).
pub const DEFAULT_REVIEW_MONTHS: u32 = 6;

/// What a goal measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GoalMetric {
    /// Change in HbA1c from the baseline, mmol/mol (a fall is negative).
    Hba1cChange,
    /// Time in range 70–180 mg/dL (3.9–10.0 mmol/L), %.
    TimeInRange,
    /// Time below range <70 mg/dL (3.9 mmol/L), %.
    TimeBelowRange,
    /// Sensor wear, % of the review window with readings.
    SensorWear,
    /// Flash scans per day.
    ScansPerDay,
    /// Severe hypoglycaemia episodes during the trial.
    SevereHypoEvents,
    /// Awareness score on a scale.
    AwarenessScore(AwarenessScale),
}

impl GoalMetric {
    /// The comparison a goal on this metric normally uses: more time in range is better,
    /// less time below range is better, and so on.
    pub fn usual_comparison(self) -> Comparison {
        match self {
            Self::Hba1cChange | Self::SevereHypoEvents => Comparison::AtMost,
            Self::TimeInRange | Self::SensorWear | Self::ScansPerDay => Comparison::AtLeast,
            Self::TimeBelowRange | Self::AwarenessScore(_) => Comparison::Below,
        }
    }

    /// The metric's name and unit for display.
    pub fn text(self) -> &'static str {
        match self {
            Self::Hba1cChange => "HbA1c change (mmol/mol)",
            Self::TimeInRange => "time in range (%)",
            Self::TimeBelowRange => "time below range (%)",
            Self::SensorWear => "sensor wear (%)",
            Self::ScansPerDay => "scans per day",
            Self::SevereHypoEvents => "severe hypoglycaemia episodes",
            Self::AwarenessScore(AwarenessScale::Gold) => "Gold score",
            Self::AwarenessScore(AwarenessScale::Clarke) => "Clarke score",
        }
    }
}

/// How a measured value is compared with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// value ≥ target.
    AtLeast,
    /// value ≤ target.
    AtMost,
    /// value < target.
    Below,
    /// value > target.
    Above,
}

impl Comparison {
    /// Whether `value` meets `target`.
    pub fn holds(self, value: f64, target: f64) -> bool {
        match self {
            Self::AtLeast => value >= target,
            Self::AtMost => value <= target,
            Self::Below => value < target,
            Self::Above => value > target,
        }
    }
}

/// One agreed goal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    /// What is measured.
    pub metric: GoalMetric,
    /// The value at the start (for HbA1c change: the starting HbA1c, mmol/mol).
    pub baseline: f64,
    /// The target (for HbA1c change: the change, e.g. −5).
    pub target: f64,
    /// How the measured value is compared with the target.
    pub comparison: Comparison,
    /// The date by which it should be met.
    pub by: Date,
}

impl Goal {
    /// A goal with the metric's usual comparison.
    pub fn new(metric: GoalMetric, baseline: f64, target: f64, by: Date) -> Self {
        Self {
            metric,
            baseline,
            target,
            comparison: metric.usual_comparison(),
            by,
        }
    }
}

/// How many goals must be met to continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContinuationRule {
    /// Every goal.
    #[default]
    AllGoals,
    /// At least this many goals.
    AtLeast(u8),
}

/// The patient's agreement to the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The date the patient (or carer) agreed.
    pub agreed_on: Date,
    /// The user who recorded it (the patient themself, or the clinician present).
    pub recorded_by: UserId,
}

/// A patient contract for one approved request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contract {
    /// The request it belongs to.
    pub request: RequestId,
    /// The agreed goals.
    pub goals: Vec<Goal>,
    /// How many goals must be met to continue.
    pub continuation: ContinuationRule,
    /// The first day of the trial.
    pub trial_start: Date,
    /// The date the trial is reviewed.
    pub review_date: Date,
    /// The patient's agreement; a trial cannot start without it.
    pub agreement: Option<Agreement>,
}

impl Contract {
    /// A contract starting on `trial_start`, reviewed `review_months` later
    /// ([`DEFAULT_REVIEW_MONTHS`] if `None`). Needs at least one goal.
    pub fn new(
        request: RequestId,
        goals: Vec<Goal>,
        continuation: ContinuationRule,
        trial_start: Date,
        review_months: Option<u32>,
    ) -> Result<Self, DomainError> {
        if goals.is_empty() {
            return Err(DomainError::NoGoals);
        }
        let months = review_months.unwrap_or(DEFAULT_REVIEW_MONTHS);
        let review_date = trial_start
            .checked_add(i64::from(months).months())
            .map_err(|_| DomainError::DateOrder)?;
        Ok(Self {
            request,
            goals,
            continuation,
            trial_start,
            review_date,
            agreement: None,
        })
    }

    /// Records the patient's agreement.
    pub fn agree(mut self, agreed_on: Date, recorded_by: UserId) -> Self {
        self.agreement = Some(Agreement {
            agreed_on,
            recorded_by,
        });
        self
    }

    /// Whether the patient has agreed.
    pub fn is_agreed(&self) -> bool {
        self.agreement.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn review_defaults_to_six_months() {
        let goal = Goal::new(GoalMetric::TimeInRange, 40.0, 50.0, date(2026, 7, 31));
        let c = Contract::new(
            RequestId::new(1),
            vec![goal],
            ContinuationRule::AllGoals,
            date(2026, 1, 31),
            None,
        )
        .unwrap();
        // jiff clamps to the end of a shorter month.
        assert_eq!(c.review_date, date(2026, 7, 31));
        assert!(!c.is_agreed());
        let c = c.agree(date(2026, 1, 31), UserId::new(3));
        assert!(c.is_agreed());
        assert_eq!(
            Contract::new(
                RequestId::new(1),
                vec![],
                ContinuationRule::AllGoals,
                date(2026, 1, 1),
                None
            ),
            Err(DomainError::NoGoals)
        );
        assert!(Comparison::Below.holds(3.9, 4.0) && !Comparison::Below.holds(4.0, 4.0));
    }
}
