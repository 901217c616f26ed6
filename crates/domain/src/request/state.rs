//! The request states and the transition table: which action leads where.

use serde::{Deserialize, Serialize};

/// Where a request is in the pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    /// Being prepared by the specialist team.
    Draft,
    /// Submitted with complete evidence, awaiting routing.
    Submitted,
    /// Approved automatically.
    AutoApproved,
    /// Approved by the commissioner.
    Approved,
    /// Refused.
    Refused,
    /// Waiting for the commissioner's decision.
    ReferredToCommissioner,
    /// On the exceptional case (IFR) route.
    ExceptionalCase,
    /// The trial is running.
    TrialActive,
    /// The trial's review date has come.
    ReviewDue,
    /// Reviewed: continue funding. Final.
    Continued,
    /// Reviewed: stop.
    Discontinued,
    /// Withdrawn. Final.
    Withdrawn,
    /// The decision is being reconsidered on new clinical information.
    ReconsiderationRequested,
    /// The decision is under appeal.
    Appealed,
}

/// An action's name without its data: the transition table's column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// See [`Action::Submit`](super::Action::Submit).
    Submit,
    /// See [`Action::AutoApprove`](super::Action::AutoApprove).
    AutoApprove,
    /// See [`Action::ReferToCommissioner`](super::Action::ReferToCommissioner).
    ReferToCommissioner,
    /// See [`Action::RouteToExceptionalCase`](super::Action::RouteToExceptionalCase).
    RouteToExceptionalCase,
    /// See [`Action::Approve`](super::Action::Approve).
    Approve,
    /// See [`Action::Refuse`](super::Action::Refuse).
    Refuse,
    /// See [`Action::StartTrial`](super::Action::StartTrial).
    StartTrial,
    /// See [`Action::MarkReviewDue`](super::Action::MarkReviewDue).
    MarkReviewDue,
    /// See [`Action::RecordReview`](super::Action::RecordReview).
    RecordReview,
    /// See [`Action::RequestReconsideration`](super::Action::RequestReconsideration).
    RequestReconsideration,
    /// See [`Action::Appeal`](super::Action::Appeal).
    Appeal,
    /// See [`Action::Withdraw`](super::Action::Withdraw).
    Withdraw,
}

impl ActionKind {
    /// Every action, for tables and tests.
    pub const ALL: [Self; 12] = [
        Self::Submit,
        Self::AutoApprove,
        Self::ReferToCommissioner,
        Self::RouteToExceptionalCase,
        Self::Approve,
        Self::Refuse,
        Self::StartTrial,
        Self::MarkReviewDue,
        Self::RecordReview,
        Self::RequestReconsideration,
        Self::Appeal,
        Self::Withdraw,
    ];
}

impl RequestState {
    /// Every state, for tables and tests.
    pub const ALL: [Self; 14] = [
        Self::Draft,
        Self::Submitted,
        Self::AutoApproved,
        Self::Approved,
        Self::Refused,
        Self::ReferredToCommissioner,
        Self::ExceptionalCase,
        Self::TrialActive,
        Self::ReviewDue,
        Self::Continued,
        Self::Discontinued,
        Self::Withdrawn,
        Self::ReconsiderationRequested,
        Self::Appealed,
    ];

    /// The transition table: the states `action` can lead to from `self` (empty when
    /// not allowed; two for a review, whose outcome decides).
    pub fn after(self, action: ActionKind) -> &'static [RequestState] {
        use ActionKind as A;
        use RequestState as S;
        match (self, action) {
            (S::Draft, A::Submit) => &[S::Submitted],
            (S::Submitted, A::AutoApprove) => &[S::AutoApproved],
            (S::Submitted, A::ReferToCommissioner) => &[S::ReferredToCommissioner],
            (S::Submitted | S::ReferredToCommissioner | S::Refused, A::RouteToExceptionalCase) => {
                &[S::ExceptionalCase]
            }
            (
                S::ReferredToCommissioner
                | S::ExceptionalCase
                | S::ReconsiderationRequested
                | S::Appealed,
                A::Approve,
            ) => &[S::Approved],
            (
                S::ReferredToCommissioner
                | S::ExceptionalCase
                | S::ReconsiderationRequested
                | S::Appealed,
                A::Refuse,
            ) => &[S::Refused],
            (S::AutoApproved | S::Approved, A::StartTrial) => &[S::TrialActive],
            (S::TrialActive, A::MarkReviewDue) => &[S::ReviewDue],
            (S::ReviewDue, A::RecordReview) => &[S::Continued, S::Discontinued],
            (S::Refused | S::Discontinued, A::RequestReconsideration) => {
                &[S::ReconsiderationRequested]
            }
            (S::Refused | S::Discontinued, A::Appeal) => &[S::Appealed],
            (
                S::Draft
                | S::Submitted
                | S::ReferredToCommissioner
                | S::ExceptionalCase
                | S::AutoApproved
                | S::Approved
                | S::ReconsiderationRequested
                | S::Appealed
                | S::TrialActive
                | S::ReviewDue,
                A::Withdraw,
            ) => &[S::Withdrawn],
            _ => &[],
        }
    }

    /// Whether no action leads anywhere from this state.
    pub fn is_final(self) -> bool {
        ActionKind::ALL.iter().all(|a| self.after(*a).is_empty())
    }
}
