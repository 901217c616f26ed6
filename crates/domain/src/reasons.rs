//! Coded reasons for decisions, each with the plain-English text a patient is owed
//! (NHS Constitution: written reasons when funding is refused).

use serde::{Deserialize, Serialize};

/// What kind of decision a reason can support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// Approving a request.
    Approval,
    /// Refusing a request.
    Refusal,
    /// Referring a request to the commissioner or the IFR route.
    Referral,
    /// The outcome of a trial review.
    Review,
    /// Withdrawing a request.
    Withdrawal,
}

/// A coded reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// Every criterion met with evidence, and the policy allows auto-approval.
    AllCriteriaMet,
    /// The commissioner judged the criteria met.
    CriteriaMetOnReview,
    /// Clinically exceptional circumstances (IFR).
    ExceptionalClinicalCircumstances,
    /// New clinical information met the criteria on reconsideration.
    NewEvidenceMeetsCriteria,
    /// An appeal panel upheld the appeal.
    AppealUpheld,
    /// One or more criteria are not met.
    CriteriaNotMet,
    /// The evidence does not show the criteria are met.
    EvidenceInsufficient,
    /// The case is not clinically exceptional compared with others with the condition.
    NotClinicallyExceptional,
    /// Only social or non-clinical factors were put forward, which IFR cannot consider.
    NonClinicalFactorsOnly,
    /// The requested technology is outside the policy.
    OutsidePolicy,
    /// An appeal panel dismissed the appeal.
    AppealDismissed,
    /// The policy does not allow auto-approval.
    AutoApprovalNotAllowed,
    /// A criterion needs the commissioner's judgement or evidence is unknown.
    NeedsCommissionerJudgement,
    /// The patient falls outside the policy's criteria; an exceptional case is argued.
    OutsidePolicyCriteria,
    /// Every agreed goal was met.
    GoalsMet,
    /// Enough agreed goals were met under the contract's continuation rule.
    SufficientGoalsMet,
    /// One or more agreed goals were not met.
    GoalsNotMet,
    /// The record lacks the data to judge one or more goals.
    InsufficientData,
    /// The clinician overrode the recommendation.
    ClinicianOverride,
    /// The patient chose to withdraw.
    WithdrawnByPatient,
    /// The clinician withdrew the request.
    WithdrawnByClinician,
}

impl ReasonCode {
    /// Every code, for tables and tests.
    pub const ALL: [Self; 21] = [
        Self::AllCriteriaMet,
        Self::CriteriaMetOnReview,
        Self::ExceptionalClinicalCircumstances,
        Self::NewEvidenceMeetsCriteria,
        Self::AppealUpheld,
        Self::CriteriaNotMet,
        Self::EvidenceInsufficient,
        Self::NotClinicallyExceptional,
        Self::NonClinicalFactorsOnly,
        Self::OutsidePolicy,
        Self::AppealDismissed,
        Self::AutoApprovalNotAllowed,
        Self::NeedsCommissionerJudgement,
        Self::OutsidePolicyCriteria,
        Self::GoalsMet,
        Self::SufficientGoalsMet,
        Self::GoalsNotMet,
        Self::InsufficientData,
        Self::ClinicianOverride,
        Self::WithdrawnByPatient,
        Self::WithdrawnByClinician,
    ];

    /// Plain-English text for letters and screens.
    pub fn text(self) -> &'static str {
        match self {
            Self::AllCriteriaMet => {
                "You meet every criterion of the policy and the evidence is in your record."
            }
            Self::CriteriaMetOnReview => {
                "The commissioner reviewed your case and found you meet the criteria."
            }
            Self::ExceptionalClinicalCircumstances => {
                "Your clinical circumstances were found to be exceptional."
            }
            Self::NewEvidenceMeetsCriteria => {
                "New clinical information shows you now meet the criteria."
            }
            Self::AppealUpheld => "Your appeal was upheld.",
            Self::CriteriaNotMet => "You do not meet one or more of the policy's criteria.",
            Self::EvidenceInsufficient => {
                "The evidence in your record does not show that you meet the criteria."
            }
            Self::NotClinicallyExceptional => {
                "Your circumstances were not found to be clinically different from others with the same condition."
            }
            Self::NonClinicalFactorsOnly => {
                "Only non-clinical reasons were given, and exceptional funding cannot consider those."
            }
            Self::OutsidePolicy => "The technology requested is not covered by the policy.",
            Self::AppealDismissed => "Your appeal was not upheld.",
            Self::AutoApprovalNotAllowed => "The policy needs the commissioner to decide.",
            Self::NeedsCommissionerJudgement => {
                "Some criteria need the commissioner's judgement or more evidence."
            }
            Self::OutsidePolicyCriteria => {
                "You are outside the policy's criteria, so your clinician has asked for an exceptional case review."
            }
            Self::GoalsMet => "You met every goal agreed at the start of the trial.",
            Self::SufficientGoalsMet => {
                "You met enough of the goals agreed at the start of the trial."
            }
            Self::GoalsNotMet => "One or more goals agreed at the start of the trial were not met.",
            Self::InsufficientData => {
                "There is not enough data in your record to judge every goal."
            }
            Self::ClinicianOverride => {
                "Your clinician decided differently from the recommendation, for the reason given."
            }
            Self::WithdrawnByPatient => "You asked for the request to be withdrawn.",
            Self::WithdrawnByClinician => "Your clinician withdrew the request.",
        }
    }

    /// The kind of decision this reason supports.
    pub fn kind(self) -> ReasonKind {
        match self {
            Self::AllCriteriaMet
            | Self::CriteriaMetOnReview
            | Self::ExceptionalClinicalCircumstances
            | Self::NewEvidenceMeetsCriteria
            | Self::AppealUpheld => ReasonKind::Approval,
            Self::CriteriaNotMet
            | Self::EvidenceInsufficient
            | Self::NotClinicallyExceptional
            | Self::NonClinicalFactorsOnly
            | Self::OutsidePolicy
            | Self::AppealDismissed => ReasonKind::Refusal,
            Self::AutoApprovalNotAllowed
            | Self::NeedsCommissionerJudgement
            | Self::OutsidePolicyCriteria => ReasonKind::Referral,
            Self::GoalsMet
            | Self::SufficientGoalsMet
            | Self::GoalsNotMet
            | Self::InsufficientData
            | Self::ClinicianOverride => ReasonKind::Review,
            Self::WithdrawnByPatient | Self::WithdrawnByClinician => ReasonKind::Withdrawal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_text_ending_in_a_full_stop() {
        for code in ReasonCode::ALL {
            assert!(code.text().ends_with('.'), "{code:?}");
        }
    }
}
