//! Users and their roles: the actors that [`crate::permits`] judges.

use serde::{Deserialize, Serialize};

use crate::{DomainError, OdsCode, PatientId, UserId};

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

/// A user account: a person, the role they hold, and whom they act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    id: UserId,
    name: String,
    role: Role,
    organisation: Option<OdsCode>,
    patient: Option<PatientId>,
}

impl User {
    /// A staff user of `organisation`. Staff roles only.
    pub fn staff(
        id: UserId,
        name: impl Into<String>,
        role: Role,
        organisation: OdsCode,
    ) -> Result<Self, DomainError> {
        if role == Role::Patient {
            return Err(DomainError::Role(
                "a patient account belongs to a patient record, not an organisation",
            ));
        }
        Self::checked(id, name.into(), role, Some(organisation), None)
    }

    /// A patient, or a carer acting for `patient`.
    pub fn patient(
        id: UserId,
        name: impl Into<String>,
        patient: PatientId,
    ) -> Result<Self, DomainError> {
        Self::checked(id, name.into(), Role::Patient, None, Some(patient))
    }

    fn checked(
        id: UserId,
        name: String,
        role: Role,
        organisation: Option<OdsCode>,
        patient: Option<PatientId>,
    ) -> Result<Self, DomainError> {
        if name.trim().is_empty() {
            return Err(DomainError::Empty("user name"));
        }
        Ok(Self {
            id,
            name: name.trim().to_owned(),
            role,
            organisation,
            patient,
        })
    }

    /// The account's key.
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The person's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The organisation a staff user acts for.
    pub fn organisation(&self) -> Option<&OdsCode> {
        self.organisation.as_ref()
    }

    /// The patient record a patient or carer acts for.
    pub fn patient_record(&self) -> Option<PatientId> {
        self.patient
    }

    /// The user as an actor for [`crate::permits`].
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.id,
            role: self.role,
            organisation: self.organisation.clone(),
            patient: self.patient,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_act_for_an_organisation_or_a_patient() {
        let rvv = OdsCode::parse("RVV").unwrap();
        let nurse = User::staff(
            UserId::new(1),
            "A Nurse",
            Role::SpecialistNurse,
            rvv.clone(),
        )
        .unwrap();
        assert_eq!(nurse.actor().organisation, Some(rvv.clone()));
        assert_eq!(nurse.actor().patient, None);
        assert!(User::staff(UserId::new(2), "P", Role::Patient, rvv).is_err());
        let p = User::patient(UserId::new(3), "P", PatientId::new(9)).unwrap();
        assert_eq!(
            (p.actor().role, p.actor().patient),
            (Role::Patient, Some(PatientId::new(9)))
        );
        assert!(User::patient(UserId::new(4), " ", PatientId::new(9)).is_err());
    }
}
