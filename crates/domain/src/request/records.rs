//! The records a request keeps: the policy reference and evaluation, decisions,
//! challenges (reconsideration and appeal), submission and withdrawal.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::UserId;
use crate::evidence::EvidenceRequirement;
use crate::facts::Fact;
use crate::reasons::ReasonCode;

/// The technology requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Technology {
    /// Intermittently scanned CGM (flash).
    IsCgm,
    /// Real-time CGM.
    RtCgm,
    /// Insulin pump (CSII).
    InsulinPump,
    /// Hybrid closed loop.
    HybridClosedLoop,
}

/// The policy a request is made under. The policy crate owns policies; this crate keeps
/// only the id and the version string so a decision can name exactly what it applied.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PolicyRef {
    /// The policy's id, e.g. `kent-flash`.
    pub id: String,
    /// The version applied, e.g. `2026.1`.
    pub version: String,
}

/// A policy evaluation as the caller ran it (with the policy crate), kept verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The policy and version evaluated.
    pub policy: PolicyRef,
    /// Whether every criterion was met with evidence.
    pub all_criteria_met: bool,
    /// Whether the policy lets a clean request be approved without the commissioner.
    pub auto_approval_allowed: bool,
    /// The evaluation's findings, gaps and explanations, as the policy crate serialises
    /// them.
    pub snapshot: serde_json::Value,
}

/// Who decides, why, and on what evidence: the input to every decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionInput {
    /// Coded reasons; at least one, of the kind the decision needs.
    pub reasons: Vec<ReasonCode>,
    /// Free text for the letter.
    pub free_text: String,
    /// The evaluation the decision rests on.
    pub evaluation: Evaluation,
    /// The facts evaluated (normally `FactLog::current_as_of`).
    pub facts: Vec<Fact>,
}

/// What a decision decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionOutcome {
    /// Approved automatically: every criterion met and the policy allows it.
    AutoApproved,
    /// Approved by the commissioner (or on reconsideration, IFR or appeal).
    Approved,
    /// Refused.
    Refused,
    /// Referred to the commissioner.
    ReferredToCommissioner,
    /// Sent to the exceptional case (IFR) route.
    ExceptionalCase,
    /// Trial reviewed: continue.
    Continued,
    /// Trial reviewed: discontinue.
    Discontinued,
}

/// A recorded decision: enough to explain and reproduce it years later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// What was decided.
    pub outcome: DecisionOutcome,
    /// Coded reasons.
    pub reasons: Vec<ReasonCode>,
    /// Free text.
    pub free_text: String,
    /// The policy and version applied.
    pub policy: PolicyRef,
    /// The evaluation snapshot (policy evaluation, or the review evaluation).
    pub evaluation: serde_json::Value,
    /// The facts evaluated.
    pub facts: Vec<Fact>,
    /// Who decided.
    pub decided_by: UserId,
    /// When.
    pub decided_at: Timestamp,
    /// The date, for deadlines.
    pub decided_on: Date,
}

/// Grounds for appeal (eligibility-criteria §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealGround {
    /// The procedure was not followed.
    ProcedureNotFollowed,
    /// Evidence was misread or not considered.
    EvidenceNotConsidered,
    /// No reasonable panel could have reached the decision.
    Unreasonable,
}

/// A reconsideration or appeal lodged against a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Challenge {
    /// Appeal grounds; `None` for a reconsideration.
    pub appeal_ground: Option<AppealGround>,
    /// What is new, or why the decision was wrong.
    pub text: String,
    /// The evaluation re-run with the new evidence (reconsideration), if any.
    pub evaluation: Option<Evaluation>,
    /// Who lodged it.
    pub lodged_by: UserId,
    /// When.
    pub lodged_on: Date,
    /// The last day it could have been lodged.
    pub deadline: Date,
}

/// Submission: the evidence check that let the request through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    /// The requirements checked.
    pub required: Vec<EvidenceRequirement>,
    /// The facts the check saw.
    pub facts: Vec<Fact>,
    /// Who submitted.
    pub submitted_by: UserId,
    /// When.
    pub submitted_on: Date,
}

/// Why and by whom a request was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// `WithdrawnByPatient` or `WithdrawnByClinician`.
    pub reason: ReasonCode,
    /// Free text.
    pub text: String,
    /// Who.
    pub by: UserId,
    /// When.
    pub on: Date,
}
