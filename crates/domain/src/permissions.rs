//! Who may do what: the one function, [`permits`], that every layer asks.
//!
//! The web layer checks before it calls the domain; the store may check again. Rules are
//! written per role below, in the order of docs/domain.md's permission matrix, and the
//! table test in tests/it/permissions.rs checks every role × operation × relationship.

use serde::{Deserialize, Serialize};

use crate::request::Request;
use crate::user::{Actor, Role};
use crate::{OdsCode, Patient, PatientId};

/// Something a user may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// See a patient's record (demographics, facts, CGM report).
    ViewPatient,
    /// Register a patient with the specialist team.
    RegisterPatient,
    /// Record or correct a clinical fact.
    RecordFact,
    /// Record structured education attendance.
    RecordEducation,
    /// Refer a patient to the specialist team.
    ReferToSpecialist,
    /// Upload one's own CGM data.
    UploadOwnCgm,
    /// See a request and its decisions.
    ViewRequest,
    /// Start a request (initiate a device).
    CreateRequest,
    /// Submit a request.
    SubmitRequest,
    /// Approve, refuse, or decide a reconsideration, IFR case or appeal.
    DecideRequest,
    /// Withdraw a request.
    WithdrawRequest,
    /// Record the patient's agreement to the contract.
    AgreeContract,
    /// Start the trial.
    StartTrial,
    /// Import CGM data for a trial (monitoring).
    ImportCgm,
    /// Record the trial review outcome (monitoring).
    RecordReview,
    /// Ask for reconsideration on new clinical information.
    RequestReconsideration,
    /// Appeal a decision.
    Appeal,
    /// Read the audit log.
    ViewAuditLog,
    /// Manage user accounts and roles.
    ManageUsers,
    /// Manage organisations.
    ManageOrganisations,
}

/// What kind of target an operation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A patient's record.
    Patient,
    /// A request.
    Request,
    /// The audit log.
    AuditLog,
    /// The deployment's users and organisations.
    Deployment,
}

impl Operation {
    /// Every operation, for tables and tests.
    pub const ALL: [Self; 20] = [
        Self::ViewPatient,
        Self::RegisterPatient,
        Self::RecordFact,
        Self::RecordEducation,
        Self::ReferToSpecialist,
        Self::UploadOwnCgm,
        Self::ViewRequest,
        Self::CreateRequest,
        Self::SubmitRequest,
        Self::DecideRequest,
        Self::WithdrawRequest,
        Self::AgreeContract,
        Self::StartTrial,
        Self::ImportCgm,
        Self::RecordReview,
        Self::RequestReconsideration,
        Self::Appeal,
        Self::ViewAuditLog,
        Self::ManageUsers,
        Self::ManageOrganisations,
    ];

    /// The kind of target the operation acts on.
    pub fn target_kind(self) -> TargetKind {
        match self {
            Self::ViewPatient
            | Self::RegisterPatient
            | Self::RecordFact
            | Self::RecordEducation
            | Self::ReferToSpecialist
            | Self::UploadOwnCgm => TargetKind::Patient,
            Self::ViewRequest
            | Self::CreateRequest
            | Self::SubmitRequest
            | Self::DecideRequest
            | Self::WithdrawRequest
            | Self::AgreeContract
            | Self::StartTrial
            | Self::ImportCgm
            | Self::RecordReview
            | Self::RequestReconsideration
            | Self::Appeal => TargetKind::Request,
            Self::ViewAuditLog => TargetKind::AuditLog,
            Self::ManageUsers | Self::ManageOrganisations => TargetKind::Deployment,
        }
    }
}

/// Who is involved in a patient's care: what [`permits`] compares the actor against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientContext {
    /// The patient.
    pub patient: PatientId,
    /// The registered GP practice.
    pub gp_practice: OdsCode,
    /// The responsible specialist team.
    pub specialist_team: OdsCode,
    /// The ICB whose area the patient is in.
    pub icb: OdsCode,
    /// Education providers the patient is booked with.
    pub education_providers: Vec<OdsCode>,
}

impl PatientContext {
    /// The context of `patient`, in the area of `icb`, booked with `education_providers`.
    pub fn of(patient: &Patient, icb: OdsCode, education_providers: Vec<OdsCode>) -> Self {
        Self {
            patient: patient.id,
            gp_practice: patient.gp_practice.clone(),
            specialist_team: patient.specialist_team.clone(),
            icb,
            education_providers,
        }
    }
}

/// A request and its patient's context. For `CreateRequest`, describe the request about
/// to be made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestContext {
    /// The patient's context.
    pub patient: PatientContext,
    /// The requesting specialist team.
    pub requesting_team: OdsCode,
    /// The ICB that decides.
    pub commissioner: OdsCode,
    /// Whether the policy restricts the device to specialist teams.
    pub specialist_only: bool,
}

impl RequestContext {
    /// The context of an existing request.
    pub fn of(request: &Request, patient: PatientContext) -> Self {
        Self {
            patient,
            requesting_team: request.requesting_team().clone(),
            commissioner: request.commissioner().clone(),
            specialist_only: request.specialist_only(),
        }
    }
}

/// What an operation acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A patient's record.
    Patient(&'a PatientContext),
    /// A request.
    Request(&'a RequestContext),
    /// The audit log.
    AuditLog,
    /// The deployment (users, organisations).
    Deployment,
}

impl Target<'_> {
    fn kind(&self) -> TargetKind {
        match self {
            Self::Patient(_) => TargetKind::Patient,
            Self::Request(_) => TargetKind::Request,
            Self::AuditLog => TargetKind::AuditLog,
            Self::Deployment => TargetKind::Deployment,
        }
    }

    fn patient(&self) -> Option<&PatientContext> {
        match self {
            Self::Patient(p) => Some(p),
            Self::Request(r) => Some(&r.patient),
            Self::AuditLog | Self::Deployment => None,
        }
    }
}

/// The answer, with a reason fit to show the user and to write to the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// Whether the actor may.
    pub allowed: bool,
    /// Why, in plain English.
    pub reason: &'static str,
}

fn allow(reason: &'static str) -> Decision {
    Decision {
        allowed: true,
        reason,
    }
}

fn deny(reason: &'static str) -> Decision {
    Decision {
        allowed: false,
        reason,
    }
}

/// Whether `actor` may do `operation` to `target`, and why.
pub fn permits(actor: &Actor, operation: Operation, target: Target<'_>) -> Decision {
    use Operation as O;
    if operation.target_kind() != target.kind() {
        return deny("the operation does not apply to this kind of record");
    }
    // Deployment and audit first: only their own roles, whatever the relationship.
    match operation {
        O::ViewAuditLog => {
            return if actor.role == Role::Auditor {
                allow("auditors read the audit log")
            } else {
                deny("only auditors read the audit log")
            };
        }
        O::ManageUsers | O::ManageOrganisations => {
            return if actor.role == Role::Administrator {
                allow("administrators manage users and organisations")
            } else {
                deny("only administrators manage users and organisations")
            };
        }
        _ => {}
    }
    let Some(patient) = target.patient() else {
        return deny("the operation does not apply to this kind of record");
    };
    let request = match target {
        Target::Request(r) => Some(r),
        _ => None,
    };
    let org = actor.organisation.as_ref();
    let is = |code: &OdsCode| org == Some(code);
    match actor.role {
        Role::Administrator => {
            deny("administrators manage the deployment and see no patient records")
        }
        Role::Auditor => deny("auditors read the audit log only"),
        Role::Patient => {
            if actor.patient != Some(patient.patient) {
                return deny("a patient sees only their own record");
            }
            match operation {
                O::ViewPatient | O::ViewRequest => allow("patients see their own record"),
                O::UploadOwnCgm => allow("patients upload their own CGM data"),
                O::AgreeContract => allow("patients agree their own contract"),
                O::WithdrawRequest => allow("patients may withdraw their own request"),
                O::Appeal => allow("patients may appeal a decision about them"),
                _ => deny("this is for the clinical team, not the patient"),
            }
        }
        Role::SpecialistClinician | Role::SpecialistNurse => {
            let own =
                is(&patient.specialist_team) || request.is_some_and(|r| is(&r.requesting_team));
            if !own {
                return deny("specialist staff act only for their own team's patients");
            }
            let nurse = actor.role == Role::SpecialistNurse;
            match operation {
                O::ViewPatient
                | O::RegisterPatient
                | O::RecordFact
                | O::RecordEducation
                | O::ViewRequest
                | O::CreateRequest
                | O::WithdrawRequest
                | O::AgreeContract
                | O::StartTrial
                | O::ImportCgm
                | O::RequestReconsideration
                | O::Appeal => allow("the patient's specialist team"),
                O::SubmitRequest | O::RecordReview if nurse => {
                    deny("a specialist clinician submits requests and settles reviews")
                }
                O::SubmitRequest | O::RecordReview => allow("the patient's specialist clinician"),
                O::DecideRequest => deny("the commissioner decides requests"),
                O::ReferToSpecialist => deny("primary care refers to the specialist team"),
                O::UploadOwnCgm => deny("patients upload their own CGM data"),
                O::ViewAuditLog | O::ManageUsers | O::ManageOrganisations => {
                    deny("not a clinical operation")
                }
            }
        }
        Role::Commissioner => {
            let Some(request) = request else {
                return deny("commissioners see requests, not patient records");
            };
            if !is(&request.commissioner) {
                return deny("a commissioner sees only their own area's requests");
            }
            match operation {
                O::ViewRequest => allow("requests in the commissioner's own area"),
                O::DecideRequest => allow("the commissioner decides requests in their area"),
                _ => deny("commissioners see and decide requests only"),
            }
        }
        Role::Gp => {
            if !is(&patient.gp_practice) {
                return deny("a GP acts only for patients registered with their practice");
            }
            // A specialist-only device: primary care sees the request, and nothing more.
            if request.is_some_and(|r| r.specialist_only) && operation != O::ViewRequest {
                return deny(
                    "primary care may not initiate or monitor a device the policy restricts to specialist teams",
                );
            }
            match operation {
                O::ViewPatient | O::ViewRequest => allow("the patient's GP practice"),
                O::RecordFact => allow("the patient's GP practice records results"),
                O::ReferToSpecialist => allow("the patient's GP practice refers"),
                O::CreateRequest
                | O::SubmitRequest
                | O::WithdrawRequest
                | O::AgreeContract
                | O::StartTrial
                | O::ImportCgm
                | O::RecordReview
                | O::RequestReconsideration
                | O::Appeal => allow("the policy lets primary care manage this device"),
                _ => deny("not a primary-care operation"),
            }
        }
        Role::EducationProvider => {
            if !patient.education_providers.iter().any(is) {
                return deny("an education provider acts only for people booked with them");
            }
            match operation {
                O::RecordEducation => allow("the provider records attendance and completion"),
                _ => deny("education providers record education only"),
            }
        }
    }
}
