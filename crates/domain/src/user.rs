//! Users and their roles: the actors that [`crate::permits`] judges.

use serde::{Deserialize, Serialize};

use crate::{OdsCode, PatientId, UserId};

/// What a user does in the pathway (design.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A doctor in an acute trust's diabetes specialist team.
    SpecialistClinician,
    /// A diabetes specialist nurse (DSN) in that team.
    SpecialistNurse,
    /// An approver at an ICB.
    Commissioner,
    /// A GP or other primary-care clinician.
    Gp,
    /// A patient, or a carer acting for one.
    Patient,
    /// Staff of a structured education provider.
    EducationProvider,
    /// Runs the deployment: users, organisations, configuration. No clinical access.
    Administrator,
    /// Reads the audit log, and nothing else.
    Auditor,
}

impl Role {
    /// Every role, for tables and tests.
    pub const ALL: [Self; 8] = [
        Self::SpecialistClinician,
        Self::SpecialistNurse,
        Self::Commissioner,
        Self::Gp,
        Self::Patient,
        Self::EducationProvider,
        Self::Administrator,
        Self::Auditor,
    ];

    /// The role's name in plain English.
    pub fn text(self) -> &'static str {
        match self {
            Self::SpecialistClinician => "specialist clinician",
            Self::SpecialistNurse => "specialist nurse",
            Self::Commissioner => "commissioner",
            Self::Gp => "GP",
            Self::Patient => "patient",
            Self::EducationProvider => "education provider",
            Self::Administrator => "administrator",
            Self::Auditor => "auditor",
        }
    }
}

/// A user acting in one role. Staff act for an organisation; a patient (or carer) acts
/// for one patient record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// The user account.
    pub user: UserId,
    /// The role the user is acting in now (CIS2 lets staff pick one).
    pub role: Role,
    /// The organisation the user acts for; `None` for patients and carers.
    pub organisation: Option<OdsCode>,
    /// For a patient or carer, the patient record they may see.
    pub patient: Option<PatientId>,
}
