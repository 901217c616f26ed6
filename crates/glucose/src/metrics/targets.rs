//! Target sets and goal assessment (Battelino et al., Diabetes Care 2019;42:1593, Table 4 / Fig. 3).

use super::Metrics;

/// A single goal on a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// % in range strictly above the value.
    InRangeAbove(f64),
    /// % below 70 (or 63 in pregnancy) strictly below the value.
    BelowLevel1Under(f64),
    /// % below 54 strictly below the value.
    Below54Under(f64),
    /// % above 180 (or 140 in pregnancy) strictly below the value.
    AboveLevel1Under(f64),
    /// % above 250 strictly below the value.
    Above250Under(f64),
}

/// A named set of goals (Battelino 2019).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSet {
    /// Short name: `standard`, `older`, `pregnancy`.
    pub name: &'static str,
    /// Whether ranges are the pregnancy ranges (63–140 mg/dL).
    pub pregnancy_ranges: bool,
    /// The goals.
    pub goals: Vec<Goal>,
}

impl TargetSet {
    /// Type 1/2 adults: TIR >70 %, TBR<70 <4 %, TBR<54 <1 %, TAR>180 <25 %, TAR>250 <5 % (Battelino 2019).
    pub fn standard() -> Self {
        Self {
            name: "standard",
            pregnancy_ranges: false,
            goals: vec![
                Goal::InRangeAbove(70.0),
                Goal::BelowLevel1Under(4.0),
                Goal::Below54Under(1.0),
                Goal::AboveLevel1Under(25.0),
                Goal::Above250Under(5.0),
            ],
        }
    }
    /// Older/high-risk adults: TIR >50 %, TBR<70 <1 %, TAR>250 <10 % (Battelino 2019).
    pub fn older_high_risk() -> Self {
        Self {
            name: "older",
            pregnancy_ranges: false,
            goals: vec![
                Goal::InRangeAbove(50.0),
                Goal::BelowLevel1Under(1.0),
                Goal::Above250Under(10.0),
            ],
        }
    }
    /// Pregnancy type 1, 63–140 mg/dL: TIR >70 %, TBR<63 <4 %, TBR<54 <1 %, TAR>140 <25 % (Battelino 2019).
    pub fn pregnancy() -> Self {
        Self {
            name: "pregnancy",
            pregnancy_ranges: true,
            goals: vec![
                Goal::InRangeAbove(70.0),
                Goal::BelowLevel1Under(4.0),
                Goal::Below54Under(1.0),
                Goal::AboveLevel1Under(25.0),
            ],
        }
    }
}

/// Outcome for one goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoalResult {
    /// The goal.
    pub goal: Goal,
    /// The measured value, if defined.
    pub value: Option<f64>,
    /// Met, not met, or `None` when undefined.
    pub met: Option<bool>,
}

/// Assessment of metrics against a target set.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Target set name.
    pub target: &'static str,
    /// Per-goal results in the set's order.
    pub results: Vec<GoalResult>,
}

/// Assess metrics against a target set, goal by goal.
pub fn assess(metrics: &Metrics, target: &TargetSet) -> Assessment {
    let r = metrics.ranges;
    let results = target
        .goals
        .iter()
        .map(|&goal| {
            let (value, met, _t): Check = match goal {
                Goal::InRangeAbove(t) => (
                    if target.pregnancy_ranges {
                        metrics.pregnancy_in_range
                    } else {
                        r.map(|x| x.from_70_to_180)
                    },
                    |v, t| v > t,
                    t,
                ),
                Goal::BelowLevel1Under(t) => (
                    if target.pregnancy_ranges {
                        metrics.below_63
                    } else {
                        r.map(|x| x.below_54 + x.from_54_to_69)
                    },
                    |v, t| v < t,
                    t,
                ),
                Goal::Below54Under(t) => (r.map(|x| x.below_54), |v, t| v < t, t),
                Goal::AboveLevel1Under(t) => (
                    if target.pregnancy_ranges {
                        metrics.above_140
                    } else {
                        r.map(|x| x.from_181_to_250 + x.above_250)
                    },
                    |v, t| v < t,
                    t,
                ),
                Goal::Above250Under(t) => (r.map(|x| x.above_250), |v, t| v < t, t),
            };
            GoalResult {
                goal,
                value,
                met: value.map(|v| met(v, threshold(goal))),
            }
        })
        .collect();
    Assessment {
        target: target.name,
        results,
    }
}

/// Measured value, comparison, threshold.
type Check = (Option<f64>, fn(f64, f64) -> bool, f64);

fn threshold(goal: Goal) -> f64 {
    match goal {
        Goal::InRangeAbove(t)
        | Goal::BelowLevel1Under(t)
        | Goal::Below54Under(t)
        | Goal::AboveLevel1Under(t)
        | Goal::Above250Under(t) => t,
    }
}
