//! The request state machine: scenarios, and the property that no sequence of actions
//! reaches an invalid state.

use diapath_domain::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use diapath_domain::evidence::EvidenceRequirement;
use diapath_domain::facts::EvidenceKind;
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{ActionKind, AppealGround, DecisionOutcome};
use diapath_domain::review::{
    GoalEvaluation, GoalStatus, Recommendation, ReviewDecision, ReviewEvaluation, ReviewWindow,
};
use diapath_domain::{Action, Command, Request, RequestState, TransitionError, UserId};
use jiff::ToSpan;
use jiff::civil::Date;
use proptest::prelude::*;

use crate::fixtures::*;

fn command(request: &Request, on: Date, action: Action) -> Command {
    Command {
        expected_version: request.version(),
        by: CLINICIAN,
        at: at(),
        on,
        action,
    }
}

fn step(request: &Request, on: Date, action: Action) -> Result<Request, TransitionError> {
    request
        .apply(command(request, on, action))
        .map(|t| t.request)
}

fn submit(on: Date) -> Action {
    Action::Submit {
        required: required(),
        facts: current_facts(on),
    }
}

fn contract(request: &Request, on: Date, agreed: bool) -> Contract {
    let goals = vec![Goal::new(
        GoalMetric::TimeInRange,
        40.0,
        50.0,
        on + 6.months(),
    )];
    let c = Contract::new(request.id(), goals, ContinuationRule::AllGoals, on, None).unwrap();
    if agreed {
        c.agree(on, UserId::new(1))
    } else {
        c
    }
}

fn review_outcome(on: Date, decision: ReviewDecision) -> Action {
    let evaluation = ReviewEvaluation {
        goals: vec![GoalEvaluation {
            goal: Goal::new(GoalMetric::TimeInRange, 40.0, 50.0, on),
            value: Some(55.0),
            status: GoalStatus::Met,
        }],
        recommendation: Recommendation::Continue,
        reasons: vec![ReasonCode::GoalsMet],
        window: ReviewWindow {
            from: at(),
            to: at(),
        },
        on,
    };
    let outcome = match decision {
        ReviewDecision::Continue => evaluation.confirm(CLINICIAN).unwrap(),
        ReviewDecision::Discontinue => evaluation
            .decide(decision, "stopped wearing the sensor", CLINICIAN)
            .unwrap(),
    };
    Action::RecordReview {
        outcome,
        facts: vec![],
    }
}

#[test]
fn the_whole_pathway_with_auto_approval() {
    let on = start();
    let r = request(true);
    assert_eq!((r.state(), r.version()), (RequestState::Draft, 0));
    let r = step(&r, on, submit(on)).unwrap();
    let t = r
        .apply(command(
            &r,
            on,
            Action::AutoApprove(decision(ReasonCode::AllCriteriaMet, on)),
        ))
        .unwrap();
    assert_eq!(t.event.from, RequestState::Submitted);
    assert_eq!(t.event.to, RequestState::AutoApproved);
    assert_eq!(t.event.version, 2);
    let r = t.request;
    let d = &r.decisions()[0];
    assert_eq!(d.outcome, DecisionOutcome::AutoApproved);
    assert_eq!(d.policy.version, "2026.1");
    assert_eq!(d.facts.len(), 3);
    assert!(d.evaluation.get("criteria").is_some());
    let c = contract(&r, on, true);
    let review_date = c.review_date;
    let r = step(&r, on, Action::StartTrial(c)).unwrap();
    assert_eq!(
        step(&r, review_date - 1.day(), Action::MarkReviewDue),
        Err(TransitionError::ReviewNotDue(review_date))
    );
    let r = step(&r, review_date, Action::MarkReviewDue).unwrap();
    let r = step(
        &r,
        review_date,
        review_outcome(review_date, ReviewDecision::Continue),
    )
    .unwrap();
    assert_eq!(r.state(), RequestState::Continued);
    assert_eq!(r.version(), 5);
    assert!(r.state().is_final());
    r.check_invariants().unwrap();
}

#[test]
fn submission_is_blocked_until_evidence_is_present() {
    let on = start();
    let r = request(true);
    let mut required = required();
    required.push(EvidenceRequirement::any(EvidenceKind::StructuredEducation));
    let err = step(
        &r,
        on,
        Action::Submit {
            required,
            facts: current_facts(on),
        },
    )
    .unwrap_err();
    let TransitionError::Incomplete(c) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        c.missing,
        vec![EvidenceRequirement::any(EvidenceKind::StructuredEducation)]
    );
    // An HbA1c older than a year no longer counts.
    let late = start() + 2.years();
    assert!(matches!(
        step(&r, late, submit(late)),
        Err(TransitionError::Incomplete(_))
    ));
}

#[test]
fn decisions_need_reasons_of_the_right_kind_and_the_right_policy() {
    let on = start();
    let r = step(&request(true), on, submit(on)).unwrap();
    assert_eq!(
        step(
            &r,
            on,
            Action::AutoApprove(decision(ReasonCode::AllCriteriaMet, on)).clone()
        )
        .map(|r| r.state()),
        Ok(RequestState::AutoApproved)
    );
    let mut not_met = decision(ReasonCode::AllCriteriaMet, on);
    not_met.evaluation.all_criteria_met = false;
    assert_eq!(
        step(&r, on, Action::AutoApprove(not_met)),
        Err(TransitionError::AutoApprovalNotPermitted)
    );
    let r = step(
        &r,
        on,
        Action::ReferToCommissioner(decision(ReasonCode::NeedsCommissionerJudgement, on)),
    )
    .unwrap();
    let mut none = decision(ReasonCode::CriteriaNotMet, on);
    none.reasons.clear();
    assert_eq!(
        step(&r, on, Action::Refuse(none)),
        Err(TransitionError::NoReasons)
    );
    assert!(matches!(
        step(&r, on, Action::Refuse(decision(ReasonCode::GoalsMet, on))),
        Err(TransitionError::WrongReasonKind { .. })
    ));
    let mut other = decision(ReasonCode::CriteriaNotMet, on);
    other.evaluation.policy.id = "other".into();
    assert!(matches!(
        step(&r, on, Action::Refuse(other)),
        Err(TransitionError::PolicyMismatch { .. })
    ));
    let r = step(
        &r,
        on,
        Action::Refuse(decision(ReasonCode::CriteriaNotMet, on)),
    )
    .unwrap();
    assert_eq!(r.state(), RequestState::Refused);
    r.check_invariants().unwrap();
}

#[test]
fn reconsideration_and_appeal_have_deadlines() {
    let on = start();
    let r = step(&request(true), on, submit(on)).unwrap();
    let r = step(
        &r,
        on,
        Action::ReferToCommissioner(decision(ReasonCode::NeedsCommissionerJudgement, on)),
    )
    .unwrap();
    let r = step(
        &r,
        on,
        Action::Refuse(decision(ReasonCode::EvidenceInsufficient, on)),
    )
    .unwrap();
    let reconsider = |days_later: i64| {
        step(
            &r,
            on + days_later.days(),
            Action::RequestReconsideration {
                new_information: "Gold score now 5".into(),
                evaluation: evaluation(true, false),
                deadline_days: 28,
            },
        )
    };
    assert_eq!(
        reconsider(29),
        Err(TransitionError::DeadlinePassed(on + 28.days()))
    );
    let again = reconsider(28).unwrap();
    assert_eq!(again.state(), RequestState::ReconsiderationRequested);
    assert!(again.challenges()[0].evaluation.is_some());
    // New evidence re-ran the evaluation; the commissioner approves on it.
    let approved = step(
        &again,
        on + 30.days(),
        Action::Approve(decision(ReasonCode::NewEvidenceMeetsCriteria, on)),
    )
    .unwrap();
    assert_eq!(approved.state(), RequestState::Approved);
    let appeal = |days_later: i64, text: &str| {
        step(
            &r,
            on + days_later.days(),
            Action::Appeal {
                ground: AppealGround::EvidenceNotConsidered,
                text: text.into(),
                deadline_days: 42,
            },
        )
    };
    assert_eq!(
        appeal(43, "x"),
        Err(TransitionError::DeadlinePassed(on + 42.days()))
    );
    assert_eq!(
        appeal(10, " "),
        Err(TransitionError::Empty("the grounds for appeal"))
    );
    assert_eq!(appeal(42, "x").unwrap().state(), RequestState::Appealed);
}

#[test]
fn a_stale_version_conflicts_and_changes_nothing() {
    let on = start();
    let r = step(&request(true), on, submit(on)).unwrap();
    let refer = Action::ReferToCommissioner(decision(ReasonCode::NeedsCommissionerJudgement, on));
    let first = step(&r, on, refer.clone()).unwrap();
    // Two commissioners read version 2; the first decision wins.
    let a = first.apply(command(
        &first,
        on,
        Action::Approve(decision(ReasonCode::CriteriaMetOnReview, on)),
    ));
    let mut b = command(
        &first,
        on,
        Action::Refuse(decision(ReasonCode::CriteriaNotMet, on)),
    );
    let winner = a.unwrap().request;
    b.expected_version = first.version();
    assert_eq!(
        winner.apply(b).unwrap_err(),
        TransitionError::VersionConflict {
            expected: 2,
            actual: 3
        }
    );
}

#[test]
fn a_trial_needs_an_agreed_contract_for_this_request() {
    let on = start();
    let r = step(&request(true), on, submit(on)).unwrap();
    let r = step(
        &r,
        on,
        Action::AutoApprove(decision(ReasonCode::AllCriteriaMet, on)),
    )
    .unwrap();
    assert_eq!(
        step(&r, on, Action::StartTrial(contract(&r, on, false))),
        Err(TransitionError::ContractNotAgreed)
    );
    let mut other = contract(&r, on, true);
    other.request = diapath_domain::RequestId::new(999);
    assert_eq!(
        step(&r, on, Action::StartTrial(other)),
        Err(TransitionError::ContractNotAgreed)
    );
}

#[test]
fn transition_table_shape() {
    // Final states accept nothing; every other state accepts something.
    for state in RequestState::ALL {
        let finals = [RequestState::Continued, RequestState::Withdrawn];
        assert_eq!(state.is_final(), finals.contains(&state), "{state:?}");
    }
    // Every state is reachable from Draft.
    let mut seen = vec![RequestState::Draft];
    let mut i = 0;
    while i < seen.len() {
        for a in ActionKind::ALL {
            for next in seen[i].after(a) {
                if !seen.contains(next) {
                    seen.push(*next);
                }
            }
        }
        i += 1;
    }
    assert_eq!(seen.len(), RequestState::ALL.len());
}

/// One generated step. `pick` chooses the action: usually one the current state allows
/// (so that scripts get deep into the pathway), sometimes any action at all. `good`
/// says whether its data should pass the guards; `stale` sends an out-of-date version.
#[derive(Debug, Clone)]
struct Step {
    pick: usize,
    any_action: bool,
    good: bool,
    stale: bool,
    days: i64,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = (
        any::<usize>(),
        proptest::bool::weighted(0.2),
        proptest::bool::weighted(0.85),
        proptest::bool::weighted(0.05),
        prop_oneof![3 => Just(0i64), 1 => 0i64..200],
    )
        .prop_map(|(pick, any_action, good, stale, days)| Step {
            pick,
            any_action,
            good,
            stale,
            days,
        });
    proptest::collection::vec(step, 0..40)
}

fn choose(step: &Step, state: RequestState) -> ActionKind {
    let allowed: Vec<ActionKind> = ActionKind::ALL
        .into_iter()
        .filter(|a| !state.after(*a).is_empty())
        .collect();
    if step.any_action || allowed.is_empty() {
        ActionKind::ALL[step.pick % ActionKind::ALL.len()]
    } else {
        // Withdrawal ends a script, so pick it less often than the rest.
        let a = allowed[step.pick % allowed.len()];
        if a == ActionKind::Withdraw && !step.pick.is_multiple_of(3) {
            allowed[(step.pick / 3) % allowed.len()]
        } else {
            a
        }
    }
}

fn action(kind: ActionKind, good: bool, flip: bool, request: &Request, on: Date) -> Action {
    let reason = |right: ReasonCode| decision(if good { right } else { ReasonCode::GoalsMet }, on);
    match kind {
        ActionKind::Submit => {
            let mut required = required();
            if !good {
                required.push(EvidenceRequirement::any(EvidenceKind::Pregnancy));
            }
            Action::Submit {
                required,
                facts: current_facts(on),
            }
        }
        ActionKind::AutoApprove => {
            let mut d = decision(ReasonCode::AllCriteriaMet, on);
            d.evaluation.all_criteria_met = good || flip;
            d.evaluation.auto_approval_allowed = good || !flip;
            Action::AutoApprove(d)
        }
        ActionKind::ReferToCommissioner => {
            Action::ReferToCommissioner(reason(ReasonCode::NeedsCommissionerJudgement))
        }
        ActionKind::RouteToExceptionalCase => {
            let mut d = decision(ReasonCode::OutsidePolicyCriteria, on);
            if !good {
                d.free_text.clear();
            }
            Action::RouteToExceptionalCase(d)
        }
        ActionKind::Approve => Action::Approve(reason(ReasonCode::CriteriaMetOnReview)),
        ActionKind::Refuse => Action::Refuse(reason(ReasonCode::CriteriaNotMet)),
        ActionKind::StartTrial => Action::StartTrial(contract(request, on, good)),
        ActionKind::MarkReviewDue => Action::MarkReviewDue,
        ActionKind::RecordReview => review_outcome(
            on,
            if flip {
                ReviewDecision::Continue
            } else {
                ReviewDecision::Discontinue
            },
        ),
        ActionKind::RequestReconsideration => Action::RequestReconsideration {
            new_information: if good {
                "new HbA1c".into()
            } else {
                String::new()
            },
            evaluation: evaluation(true, false),
            deadline_days: 28,
        },
        ActionKind::Appeal => Action::Appeal {
            ground: AppealGround::ProcedureNotFollowed,
            text: if good {
                "not heard".into()
            } else {
                String::new()
            },
            deadline_days: 42,
        },
        ActionKind::Withdraw => Action::Withdraw {
            reason: if good {
                ReasonCode::WithdrawnByPatient
            } else {
                ReasonCode::CriteriaNotMet
            },
            text: String::new(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// No sequence of actions reaches an invalid state: every accepted action follows the
    /// transition table, bumps the version by one and keeps the invariants; every action
    /// the table forbids is refused as `NotAllowed`; a stale version always conflicts.
    #[test]
    fn no_sequence_of_actions_reaches_an_invalid_state(script in steps(), specialist_only in any::<bool>()) {
        let mut request = request(specialist_only);
        let mut on = start();
        for step in &script {
            on += step.days.days();
            let kind = choose(step, request.state());
            let action = action(kind, step.good, step.pick.is_multiple_of(2), &request, on);
            let mut cmd = command(&request, on, action);
            if step.stale {
                cmd.expected_version = request.version().wrapping_sub(1);
            }
            let before = request.clone();
            match request.apply(cmd) {
                Ok(t) => {
                    prop_assert!(!step.stale);
                    prop_assert!(before.state().after(kind).contains(&t.request.state()));
                    prop_assert_eq!(t.request.version(), before.version() + 1);
                    prop_assert_eq!(t.event.version, t.request.version());
                    prop_assert_eq!((t.event.from, t.event.to), (before.state(), t.request.state()));
                    prop_assert_eq!(t.event.action, kind);
                    if let Err(broken) = t.request.check_invariants() {
                        prop_assert!(false, "invariant broken: {}", broken);
                    }
                    request = t.request;
                }
                Err(TransitionError::VersionConflict { .. }) => prop_assert!(step.stale),
                Err(TransitionError::NotAllowed { state, action }) => {
                    prop_assert!(!step.stale);
                    prop_assert_eq!((state, action), (before.state(), kind));
                    prop_assert!(before.state().after(kind).is_empty());
                }
                Err(_) => {
                    // A guard refused it: only where the table allows the action.
                    prop_assert!(!step.stale);
                    prop_assert!(!before.state().after(kind).is_empty());
                }
            }
        }
        // Round trip through JSON, as the store keeps it.
        let json = serde_json::to_string(&request).unwrap();
        let back: Request = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, request);
    }
}

/// Every state × every action the table forbids is refused as `NotAllowed`, whatever the
/// action's data. (The request is put in each state through its stored JSON form.)
#[test]
fn every_forbidden_transition_is_refused() {
    let on = start();
    let draft = request(true);
    let mut refused = 0;
    for state in RequestState::ALL {
        let mut json = serde_json::to_value(&draft).unwrap();
        json["state"] = serde_json::to_value(state).unwrap();
        let r: Request = serde_json::from_value(json).unwrap();
        for kind in ActionKind::ALL {
            if !state.after(kind).is_empty() {
                continue;
            }
            for good in [true, false] {
                let result = r.apply(command(&r, on, action(kind, good, good, &r, on)));
                assert_eq!(
                    result.unwrap_err(),
                    TransitionError::NotAllowed {
                        state,
                        action: kind
                    }
                );
                refused += 1;
            }
        }
    }
    // 14 states × 12 actions, less the 32 allowed transitions, twice.
    assert_eq!(refused, (14 * 12 - 32) * 2);
}
