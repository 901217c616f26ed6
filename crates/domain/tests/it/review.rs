//! Trial review: each goal judged from the record, the recommendation, and the
//! clinician's confirmation or override.

use diapath_domain::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use diapath_domain::facts::{AwarenessScale, AwarenessScore, CgmSummary, FactLog, FactValue};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::review::{
    GoalStatus, Recommendation, ReviewDecision, ReviewWindow, evaluate_review,
};
use diapath_domain::{DomainError, RequestId};
use diapath_glucose::{Censoring, GlucoseMgDl, Reading, Trace};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::fixtures::*;

fn midnight(d: Date) -> Timestamp {
    d.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// Readings every `step_min` minutes over `days` days ending at `end`, skipping every
/// reading for which `keep` is false; the value depends on the reading's index.
fn trace(end: Date, days: i64, step_min: i64, value: impl Fn(usize) -> f64) -> Trace {
    let from = midnight(end) - SignedDuration::from_hours(24 * days);
    let n = (days * 24 * 60 / step_min) as usize;
    let readings = (0..n)
        .map(|i| {
            let t = from + SignedDuration::from_mins(step_min * i as i64);
            Reading::new(
                t,
                t.to_zoned(TimeZone::UTC).datetime(),
                GlucoseMgDl::new(value(i)).unwrap(),
                Censoring::Exact,
            )
        })
        .collect();
    Trace::new("p", readings).0
}

fn window(end: Date) -> ReviewWindow {
    ReviewWindow {
        from: midnight(end) - SignedDuration::from_hours(24 * 14),
        to: midnight(end),
    }
}

const TRIAL: Date = date(2026, 1, 5);

fn contract(goals: Vec<Goal>, rule: ContinuationRule) -> Contract {
    Contract::new(RequestId::new(100), goals, rule, TRIAL, None).unwrap()
}

fn goals(by: Date) -> Vec<Goal> {
    vec![
        Goal::new(GoalMetric::Hba1cChange, 72.0, -5.0, by),
        Goal::new(GoalMetric::TimeInRange, 45.0, 70.0, by),
        Goal::new(GoalMetric::TimeBelowRange, 8.0, 4.0, by),
        Goal::new(GoalMetric::SensorWear, 0.0, 70.0, by),
        Goal::new(GoalMetric::ScansPerDay, 0.0, 8.0, by),
        Goal::new(GoalMetric::SevereHypoEvents, 2.0, 0.0, by),
        Goal::new(
            GoalMetric::AwarenessScore(AwarenessScale::Gold),
            5.0,
            4.0,
            by,
        ),
    ]
}

/// The record at the start (HbA1c 72, Gold 5) plus what the trial brought.
fn trial_record(hba1c_during: u16, gold_during: u8, hypo_history: bool) -> FactLog {
    let mut log = record();
    let gold = |s| FactValue::Awareness {
        score: AwarenessScore::new(AwarenessScale::Gold, s).unwrap(),
    };
    log.record(fact(date(2025, 12, 20), gold(5))).unwrap();
    log.record(hba1c(date(2026, 6, 20), hba1c_during)).unwrap();
    log.record(fact(date(2026, 6, 20), gold(gold_during)))
        .unwrap();
    log.record(fact(
        date(2026, 6, 30),
        FactValue::CgmSummary(CgmSummary {
            from: date(2026, 6, 16),
            to: date(2026, 6, 30),
            readings: 1300,
            mean_mg_dl: Some(150.0),
            gmi_percent: Some(6.9),
            time_in_range_percent: Some(72.0),
            time_below_range_percent: Some(2.0),
            sensor_wear_percent: Some(92.0),
            scans_per_day: Some(9.5),
        }),
    ))
    .unwrap();
    if hypo_history {
        log.record(fact(
            date(2026, 7, 1),
            FactValue::SevereHypoHistory {
                episodes_past_year: 0,
            },
        ))
        .unwrap();
    }
    log
}

fn statuses(e: &diapath_domain::review::ReviewEvaluation) -> Vec<(GoalStatus, Option<f64>)> {
    e.goals
        .iter()
        .map(|g| (g.status, g.value.map(|v| (v * 10.0).round() / 10.0)))
        .collect()
}

#[test]
fn every_goal_is_judged_from_the_record() {
    let review = date(2026, 7, 5);
    let c = contract(goals(review), ContinuationRule::AllGoals);
    // 80 % in range, 2.5 % below (every 40th reading at 60 mg/dL), full wear.
    let cgm = trace(review, 14, 5, |i| match i % 40 {
        0 => 60.0,
        1..=7 => 200.0,
        _ => 120.0,
    });
    let e = evaluate_review(&c, &trial_record(65, 3, true), &cgm, window(review), review);
    use GoalStatus::*;
    assert_eq!(
        statuses(&e),
        vec![
            (Met, Some(-7.0)),
            (Met, Some(80.0)),
            (Met, Some(2.5)),
            (Met, Some(100.0)),
            (Met, Some(9.5)),
            (Met, Some(0.0)),
            (Met, Some(3.0)),
        ]
    );
    assert_eq!(e.recommendation, Recommendation::Continue);
    assert_eq!(e.reasons, vec![ReasonCode::GoalsMet]);
    let outcome = e.confirm(CLINICIAN).unwrap();
    assert_eq!(outcome.decision, ReviewDecision::Continue);
    assert!(!outcome.is_override());
}

#[test]
fn goals_not_met_and_unknown() {
    let review = date(2026, 7, 5);
    let c = contract(goals(review), ContinuationRule::AllGoals);
    // Libre history every 15 min, but only the first half of the window: 50 % wear.
    let cgm = trace(review, 14, 15, |_| 190.0).window(
        window(review).from,
        window(review).from + SignedDuration::from_hours(24 * 7),
    );
    let e = evaluate_review(
        &c,
        &trial_record(70, 4, false),
        &cgm,
        window(review),
        review,
    );
    use GoalStatus::*;
    assert_eq!(
        statuses(&e),
        vec![
            (NotMet, Some(-2.0)),
            (NotMet, Some(0.0)),
            (Met, Some(0.0)),
            (NotMet, Some(50.0)),
            (Met, Some(9.5)),
            // No episodes recorded and no history taken: unknown, not zero.
            (Unknown, None),
            (NotMet, Some(4.0)),
        ]
    );
    assert_eq!(e.recommendation, Recommendation::Discontinue);
    assert_eq!(
        e.reasons,
        vec![ReasonCode::GoalsNotMet, ReasonCode::InsufficientData]
    );
    // The clinician overrides, with a reason.
    assert_eq!(
        e.clone().decide(ReviewDecision::Continue, " ", CLINICIAN),
        Err(DomainError::Empty(
            "reason for overriding the recommendation"
        ))
    );
    let outcome = e
        .decide(
            ReviewDecision::Continue,
            "sensor adhesion problems, new patches",
            CLINICIAN,
        )
        .unwrap();
    assert!(outcome.is_override());
    assert_eq!(outcome.reasons.last(), Some(&ReasonCode::ClinicianOverride));
}

#[test]
fn continuation_rule_and_missing_data() {
    let review = date(2026, 7, 5);
    let by = review;
    let tir = Goal::new(GoalMetric::TimeInRange, 45.0, 50.0, by);
    let hba1c = Goal::new(GoalMetric::Hba1cChange, 72.0, -5.0, by);
    let empty = Trace::default();
    // No CGM data at all and no HbA1c during the trial (the one in the record predates it).
    let e = evaluate_review(
        &contract(vec![tir, hba1c], ContinuationRule::AllGoals),
        &record(),
        &empty,
        window(review),
        review,
    );
    assert_eq!(
        e.goals.iter().map(|g| g.status).collect::<Vec<_>>(),
        vec![GoalStatus::Unknown, GoalStatus::Unknown]
    );
    assert_eq!(e.recommendation, Recommendation::NeedsMoreData);
    assert!(e.clone().confirm(CLINICIAN).is_err());
    assert_eq!(
        e.decide(ReviewDecision::Discontinue, "no data uploaded", CLINICIAN)
            .unwrap()
            .decision,
        ReviewDecision::Discontinue
    );
    // One of two goals is enough under AtLeast(1).
    let cgm = trace(review, 14, 5, |_| 120.0);
    let e = evaluate_review(
        &contract(vec![tir, hba1c], ContinuationRule::AtLeast(1)),
        &record(),
        &cgm,
        window(review),
        review,
    );
    assert_eq!(e.recommendation, Recommendation::Continue);
    assert_eq!(e.reasons, vec![ReasonCode::SufficientGoalsMet]);
    // Data outside the window is ignored.
    let old = trace(review - 60.days(), 14, 5, |_| 120.0);
    let e = evaluate_review(
        &contract(vec![tir], ContinuationRule::AllGoals),
        &record(),
        &old,
        window(review),
        review,
    );
    assert_eq!(e.goals[0].status, GoalStatus::Unknown);
}
