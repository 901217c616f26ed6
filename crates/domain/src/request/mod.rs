//! Requests for a technology and their state machine.
//!
//! Every change goes through [`Request::apply`], which takes a [`Command`] (the action,
//! who, when, and the version the caller read) and returns the next request and the
//! event to record, or a [`TransitionError`]. The request is never changed in place, so
//! a refused command leaves it exactly as it was. The transition table is
//! [`RequestState::after`]; docs/domain.md prints it.

mod records;
mod state;

use jiff::Timestamp;
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::contract::Contract;
use crate::evidence::{Completeness, EvidenceRequirement, check_completeness};
use crate::facts::Fact;
use crate::reasons::{ReasonCode, ReasonKind};
use crate::review::{ReviewDecision, ReviewOutcome};
use crate::{OdsCode, PatientId, RequestId, UserId};

pub use records::{
    AppealGround, Challenge, DecisionInput, DecisionOutcome, DecisionRecord, Evaluation, PolicyRef,
    Submission, Technology, Withdrawal,
};
pub use state::{ActionKind, RequestState};

/// An action on a request, with the data it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Submit, if the evidence the policy requires is among `facts`.
    Submit {
        /// What the policy requires (from the policy crate).
        required: Vec<EvidenceRequirement>,
        /// The patient's current facts.
        facts: Vec<Fact>,
    },
    /// Approve without the commissioner; only if every criterion is met and the policy
    /// allows it.
    AutoApprove(DecisionInput),
    /// Send to the commissioner.
    ReferToCommissioner(DecisionInput),
    /// Send to the exceptional case (IFR) route, arguing clinical exceptionality.
    RouteToExceptionalCase(DecisionInput),
    /// Approve.
    Approve(DecisionInput),
    /// Refuse.
    Refuse(DecisionInput),
    /// Start the trial under an agreed contract.
    StartTrial(Contract),
    /// The review date has come.
    MarkReviewDue,
    /// Record the clinician's review outcome.
    RecordReview {
        /// The outcome.
        outcome: ReviewOutcome,
        /// The facts the review used.
        facts: Vec<Fact>,
    },
    /// Ask for the last decision to be reconsidered on new clinical information.
    RequestReconsideration {
        /// What is new.
        new_information: String,
        /// The evaluation re-run with the new evidence.
        evaluation: Evaluation,
        /// Days allowed after the decision (the policy's rule, e.g. 28).
        deadline_days: u32,
    },
    /// Appeal the last decision.
    Appeal {
        /// The grounds.
        ground: AppealGround,
        /// Why.
        text: String,
        /// Days allowed after the decision (the policy's rule, e.g. 42).
        deadline_days: u32,
    },
    /// Withdraw the request.
    Withdraw {
        /// `WithdrawnByPatient` or `WithdrawnByClinician`.
        reason: ReasonCode,
        /// Free text.
        text: String,
    },
}

impl Action {
    /// The action's name.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Submit { .. } => ActionKind::Submit,
            Self::AutoApprove(_) => ActionKind::AutoApprove,
            Self::ReferToCommissioner(_) => ActionKind::ReferToCommissioner,
            Self::RouteToExceptionalCase(_) => ActionKind::RouteToExceptionalCase,
            Self::Approve(_) => ActionKind::Approve,
            Self::Refuse(_) => ActionKind::Refuse,
            Self::StartTrial(_) => ActionKind::StartTrial,
            Self::MarkReviewDue => ActionKind::MarkReviewDue,
            Self::RecordReview { .. } => ActionKind::RecordReview,
            Self::RequestReconsideration { .. } => ActionKind::RequestReconsideration,
            Self::Appeal { .. } => ActionKind::Appeal,
            Self::Withdraw { .. } => ActionKind::Withdraw,
        }
    }
}

/// An action with who, when, and the version the caller read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    /// The request version the caller last read (optimistic concurrency).
    pub expected_version: u64,
    /// Who acts. Whether they may is [`crate::permits`]'s question, asked first.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
    /// The date in the service's time zone, for deadlines and review dates.
    pub on: Date,
    /// What.
    pub action: Action,
}

/// What happened, for the store's history and audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// The request.
    pub request: RequestId,
    /// The request's version after the event.
    pub version: u64,
    /// The action.
    pub action: ActionKind,
    /// The state before.
    pub from: RequestState,
    /// The state after.
    pub to: RequestState,
    /// Who.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
}

/// The result of a successful transition.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// The request after the action.
    pub request: Request,
    /// The event to record.
    pub event: Event,
}

/// Why an action was refused. The request is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransitionError {
    /// Someone else changed the request since the caller read it.
    #[error("the request is at version {actual}, not {expected}: reload and try again")]
    VersionConflict {
        /// The version the caller read.
        expected: u64,
        /// The version now.
        actual: u64,
    },
    /// The action is not possible in this state.
    #[error("cannot {action:?} a request that is {state:?}")]
    NotAllowed {
        /// The state.
        state: RequestState,
        /// The action.
        action: ActionKind,
    },
    /// The completeness check failed.
    #[error("evidence missing: {} requirement(s)", .0.missing.len())]
    Incomplete(Completeness),
    /// Auto-approval needs every criterion met and a policy that allows it.
    #[error("auto-approval needs every criterion met and a policy that allows it")]
    AutoApprovalNotPermitted,
    /// A decision needs at least one coded reason.
    #[error("a decision needs at least one coded reason")]
    NoReasons,
    /// A reason of the wrong kind for this decision.
    #[error("{code:?} is a {actual:?} reason, not a {expected:?} reason")]
    WrongReasonKind {
        /// The code.
        code: ReasonCode,
        /// Its kind.
        actual: ReasonKind,
        /// The kind the decision needs.
        expected: ReasonKind,
    },
    /// The evaluation is for a different policy.
    #[error("the evaluation is for policy {found}, not {expected}")]
    PolicyMismatch {
        /// The request's policy.
        expected: String,
        /// The evaluation's policy.
        found: String,
    },
    /// The contract is for another request, or the patient has not agreed it.
    #[error("the contract must belong to this request and be agreed by the patient")]
    ContractNotAgreed,
    /// The review date has not come.
    #[error("the review is not due until {0}")]
    ReviewNotDue(Date),
    /// The deadline for a reconsideration or appeal has passed.
    #[error("the deadline was {0}")]
    DeadlinePassed(Date),
    /// A required text was empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

/// A request for a technology for one patient under one policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    id: RequestId,
    patient: PatientId,
    technology: Technology,
    policy: PolicyRef,
    specialist_only: bool,
    requested_by: UserId,
    requesting_team: OdsCode,
    commissioner: OdsCode,
    created_on: Date,
    state: RequestState,
    version: u64,
    submission: Option<Submission>,
    decisions: Vec<DecisionRecord>,
    contract: Option<Contract>,
    reviews: Vec<ReviewOutcome>,
    challenges: Vec<Challenge>,
    withdrawal: Option<Withdrawal>,
}

/// The fixed facts of a new request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewRequest {
    /// The store's key.
    pub id: RequestId,
    /// The patient.
    pub patient: PatientId,
    /// What is requested.
    pub technology: Technology,
    /// Under which policy.
    pub policy: PolicyRef,
    /// Whether the policy restricts the device to specialist teams (no primary-care
    /// initiation or monitoring).
    pub specialist_only: bool,
    /// The requesting clinician.
    pub requested_by: UserId,
    /// The requesting specialist team.
    pub requesting_team: OdsCode,
    /// The ICB that decides.
    pub commissioner: OdsCode,
    /// The date it was started.
    pub created_on: Date,
}

impl Request {
    /// A new draft at version 0.
    pub fn draft(new: NewRequest) -> Self {
        Self {
            id: new.id,
            patient: new.patient,
            technology: new.technology,
            policy: new.policy,
            specialist_only: new.specialist_only,
            requested_by: new.requested_by,
            requesting_team: new.requesting_team,
            commissioner: new.commissioner,
            created_on: new.created_on,
            state: RequestState::Draft,
            version: 0,
            submission: None,
            decisions: Vec::new(),
            contract: None,
            reviews: Vec::new(),
            challenges: Vec::new(),
            withdrawal: None,
        }
    }

    /// The store's key.
    pub fn id(&self) -> RequestId {
        self.id
    }
    /// The patient.
    pub fn patient(&self) -> PatientId {
        self.patient
    }
    /// The technology.
    pub fn technology(&self) -> Technology {
        self.technology
    }
    /// The policy (and the version it was started under).
    pub fn policy(&self) -> &PolicyRef {
        &self.policy
    }
    /// Whether the device is for specialist teams only.
    pub fn specialist_only(&self) -> bool {
        self.specialist_only
    }
    /// The requesting clinician.
    pub fn requested_by(&self) -> UserId {
        self.requested_by
    }
    /// The requesting specialist team.
    pub fn requesting_team(&self) -> &OdsCode {
        &self.requesting_team
    }
    /// The deciding ICB.
    pub fn commissioner(&self) -> &OdsCode {
        &self.commissioner
    }
    /// The date it was started.
    pub fn created_on(&self) -> Date {
        self.created_on
    }
    /// The state.
    pub fn state(&self) -> RequestState {
        self.state
    }
    /// The version: 0 for a new draft, plus one per transition.
    pub fn version(&self) -> u64 {
        self.version
    }
    /// The submission, once submitted.
    pub fn submission(&self) -> Option<&Submission> {
        self.submission.as_ref()
    }
    /// Every decision, oldest first.
    pub fn decisions(&self) -> &[DecisionRecord] {
        &self.decisions
    }
    /// The contract, once the trial started.
    pub fn contract(&self) -> Option<&Contract> {
        self.contract.as_ref()
    }
    /// Every review outcome, oldest first.
    pub fn reviews(&self) -> &[ReviewOutcome] {
        &self.reviews
    }
    /// Every reconsideration and appeal, oldest first.
    pub fn challenges(&self) -> &[Challenge] {
        &self.challenges
    }
    /// The withdrawal, if withdrawn.
    pub fn withdrawal(&self) -> Option<&Withdrawal> {
        self.withdrawal.as_ref()
    }

    /// Applies `command`, returning the next request and its event, or why not.
    pub fn apply(&self, command: Command) -> Result<Transition, TransitionError> {
        if command.expected_version != self.version {
            return Err(TransitionError::VersionConflict {
                expected: command.expected_version,
                actual: self.version,
            });
        }
        let kind = command.action.kind();
        let targets = self.state.after(kind);
        if targets.is_empty() {
            return Err(TransitionError::NotAllowed {
                state: self.state,
                action: kind,
            });
        }
        let mut next = self.clone();
        let (by, at, on) = (command.by, command.at, command.on);
        let to = match command.action {
            Action::Submit { required, facts } => {
                let completeness = check_completeness(&facts, &required, on);
                if !completeness.is_complete() {
                    return Err(TransitionError::Incomplete(completeness));
                }
                next.submission = Some(Submission {
                    required,
                    facts,
                    submitted_by: by,
                    submitted_on: on,
                });
                RequestState::Submitted
            }
            Action::AutoApprove(input) => {
                if !(input.evaluation.all_criteria_met && input.evaluation.auto_approval_allowed) {
                    return Err(TransitionError::AutoApprovalNotPermitted);
                }
                next.decide(
                    DecisionOutcome::AutoApproved,
                    ReasonKind::Approval,
                    input,
                    by,
                    at,
                    on,
                )?;
                RequestState::AutoApproved
            }
            Action::ReferToCommissioner(input) => {
                next.decide(
                    DecisionOutcome::ReferredToCommissioner,
                    ReasonKind::Referral,
                    input,
                    by,
                    at,
                    on,
                )?;
                RequestState::ReferredToCommissioner
            }
            Action::RouteToExceptionalCase(input) => {
                if input.free_text.trim().is_empty() {
                    return Err(TransitionError::Empty(
                        "the case for clinical exceptionality",
                    ));
                }
                next.decide(
                    DecisionOutcome::ExceptionalCase,
                    ReasonKind::Referral,
                    input,
                    by,
                    at,
                    on,
                )?;
                RequestState::ExceptionalCase
            }
            Action::Approve(input) => {
                next.decide(
                    DecisionOutcome::Approved,
                    ReasonKind::Approval,
                    input,
                    by,
                    at,
                    on,
                )?;
                RequestState::Approved
            }
            Action::Refuse(input) => {
                next.decide(
                    DecisionOutcome::Refused,
                    ReasonKind::Refusal,
                    input,
                    by,
                    at,
                    on,
                )?;
                RequestState::Refused
            }
            Action::StartTrial(contract) => {
                if contract.request != self.id || !contract.is_agreed() {
                    return Err(TransitionError::ContractNotAgreed);
                }
                next.contract = Some(contract);
                RequestState::TrialActive
            }
            Action::MarkReviewDue => {
                let due = self.contract.as_ref().map(|c| c.review_date);
                match due {
                    Some(due) if on >= due => {}
                    Some(due) => return Err(TransitionError::ReviewNotDue(due)),
                    // Unreachable: TrialActive always has a contract (checked invariant).
                    None => return Err(TransitionError::ContractNotAgreed),
                }
                RequestState::ReviewDue
            }
            Action::RecordReview { outcome, facts } => {
                let (state, decided) = match outcome.decision {
                    ReviewDecision::Continue => {
                        (RequestState::Continued, DecisionOutcome::Continued)
                    }
                    ReviewDecision::Discontinue => {
                        (RequestState::Discontinued, DecisionOutcome::Discontinued)
                    }
                };
                if outcome.reasons.is_empty() {
                    return Err(TransitionError::NoReasons);
                }
                next.decisions.push(DecisionRecord {
                    outcome: decided,
                    reasons: outcome.reasons.clone(),
                    free_text: outcome.override_reason.clone().unwrap_or_default(),
                    policy: self.current_policy().clone(),
                    evaluation: serde_json::to_value(&outcome.evaluation)
                        .unwrap_or(serde_json::Value::Null),
                    facts,
                    decided_by: outcome.decided_by,
                    decided_at: at,
                    decided_on: on,
                });
                next.reviews.push(outcome);
                state
            }
            Action::RequestReconsideration {
                new_information,
                evaluation,
                deadline_days,
            } => {
                if new_information.trim().is_empty() {
                    return Err(TransitionError::Empty("the new clinical information"));
                }
                self.check_policy(&evaluation)?;
                let deadline = self.deadline(deadline_days)?;
                if on > deadline {
                    return Err(TransitionError::DeadlinePassed(deadline));
                }
                next.challenges.push(Challenge {
                    appeal_ground: None,
                    text: new_information,
                    evaluation: Some(evaluation),
                    lodged_by: by,
                    lodged_on: on,
                    deadline,
                });
                RequestState::ReconsiderationRequested
            }
            Action::Appeal {
                ground,
                text,
                deadline_days,
            } => {
                if text.trim().is_empty() {
                    return Err(TransitionError::Empty("the grounds for appeal"));
                }
                let deadline = self.deadline(deadline_days)?;
                if on > deadline {
                    return Err(TransitionError::DeadlinePassed(deadline));
                }
                next.challenges.push(Challenge {
                    appeal_ground: Some(ground),
                    text,
                    evaluation: None,
                    lodged_by: by,
                    lodged_on: on,
                    deadline,
                });
                RequestState::Appealed
            }
            Action::Withdraw { reason, text } => {
                check_kind(reason, ReasonKind::Withdrawal)?;
                next.withdrawal = Some(Withdrawal {
                    reason,
                    text,
                    by,
                    on,
                });
                RequestState::Withdrawn
            }
        };
        debug_assert!(targets.contains(&to));
        next.state = to;
        next.version = self.version + 1;
        let event = Event {
            request: self.id,
            version: next.version,
            action: kind,
            from: self.state,
            to,
            by,
            at,
        };
        Ok(Transition {
            request: next,
            event,
        })
    }

    /// The policy version of the latest decision, or the one the request started under.
    fn current_policy(&self) -> &PolicyRef {
        self.decisions
            .last()
            .map(|d| &d.policy)
            .unwrap_or(&self.policy)
    }

    fn check_policy(&self, evaluation: &Evaluation) -> Result<(), TransitionError> {
        // The version may move on (a reconsideration under a newer version); the policy
        // may not.
        if evaluation.policy.id != self.policy.id {
            return Err(TransitionError::PolicyMismatch {
                expected: self.policy.id.clone(),
                found: evaluation.policy.id.clone(),
            });
        }
        Ok(())
    }

    /// The last day to challenge the latest decision.
    fn deadline(&self, days: u32) -> Result<Date, TransitionError> {
        let decided =
            self.decisions
                .last()
                .map(|d| d.decided_on)
                .ok_or(TransitionError::NotAllowed {
                    state: self.state,
                    action: ActionKind::RequestReconsideration,
                })?;
        decided
            .checked_add(i64::from(days).days())
            .map_err(|_| TransitionError::DeadlinePassed(decided))
    }

    fn decide(
        &mut self,
        outcome: DecisionOutcome,
        kind: ReasonKind,
        input: DecisionInput,
        by: UserId,
        at: Timestamp,
        on: Date,
    ) -> Result<(), TransitionError> {
        if input.reasons.is_empty() {
            return Err(TransitionError::NoReasons);
        }
        for code in &input.reasons {
            check_kind(*code, kind)?;
        }
        self.check_policy(&input.evaluation)?;
        self.decisions.push(DecisionRecord {
            outcome,
            reasons: input.reasons,
            free_text: input.free_text,
            policy: input.evaluation.policy,
            evaluation: input.evaluation.snapshot,
            facts: input.facts,
            decided_by: by,
            decided_at: at,
            decided_on: on,
        });
        Ok(())
    }

    /// Checks the invariants every reachable request keeps; `Err` names the first broken.
    /// The property tests run it after every step; a store may run it after loading.
    pub fn check_invariants(&self) -> Result<(), &'static str> {
        use RequestState as S;
        let last = self.decisions.last().map(|d| d.outcome);
        if (self.state == S::Withdrawn) != self.withdrawal.is_some() {
            return Err("a withdrawn request, and only one, records its withdrawal");
        }
        if !matches!(self.state, S::Draft | S::Withdrawn) && self.submission.is_none() {
            return Err("a request past draft has a submission");
        }
        if let Some(s) = &self.submission
            && !check_completeness(&s.facts, &s.required, s.submitted_on).is_complete()
        {
            return Err("a submission had complete evidence");
        }
        for d in &self.decisions {
            if d.reasons.is_empty() {
                return Err("every decision has a coded reason");
            }
        }
        let expect_last = match self.state {
            S::AutoApproved => Some(DecisionOutcome::AutoApproved),
            S::Approved => Some(DecisionOutcome::Approved),
            S::Refused => Some(DecisionOutcome::Refused),
            S::ReferredToCommissioner => Some(DecisionOutcome::ReferredToCommissioner),
            S::ExceptionalCase => Some(DecisionOutcome::ExceptionalCase),
            S::Continued => Some(DecisionOutcome::Continued),
            S::Discontinued => Some(DecisionOutcome::Discontinued),
            _ => None,
        };
        if expect_last.is_some() && last != expect_last {
            return Err("the latest decision matches the state");
        }
        if matches!(self.state, S::TrialActive | S::ReviewDue) {
            if !matches!(
                last,
                Some(DecisionOutcome::Approved | DecisionOutcome::AutoApproved)
            ) {
                return Err("a trial runs only after an approval");
            }
            if !self.contract.as_ref().is_some_and(Contract::is_agreed) {
                return Err("a trial runs only under an agreed contract");
            }
        }
        if matches!(self.state, S::ReconsiderationRequested | S::Appealed)
            && !matches!(
                self.decisions.last().map(|d| d.outcome),
                Some(DecisionOutcome::Refused | DecisionOutcome::Discontinued)
            )
        {
            return Err("only a refusal or discontinuation is challenged");
        }
        if self.reviews.len()
            != self
                .decisions
                .iter()
                .filter(|d| {
                    matches!(
                        d.outcome,
                        DecisionOutcome::Continued | DecisionOutcome::Discontinued
                    )
                })
                .count()
        {
            return Err("every review outcome is a decision");
        }
        Ok(())
    }
}

fn check_kind(code: ReasonCode, expected: ReasonKind) -> Result<(), TransitionError> {
    if code.kind() == expected {
        Ok(())
    } else {
        Err(TransitionError::WrongReasonKind {
            code,
            actual: code.kind(),
            expected,
        })
    }
}
