//! Shared test data: test-range NHS numbers, organisations, facts, a request.

use diapath_domain::evidence::EvidenceRequirement;
use diapath_domain::facts::{
    Attestation, DiabetesType, EvidenceKind, Fact, FactLog, FactValue, Hba1cMmolPerMol, NewFact,
    Provenance, Source,
};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{DecisionInput, Evaluation, NewRequest, PolicyRef, Technology};
use diapath_domain::{OdsCode, PatientId, Request, RequestId, UserId};
use jiff::Timestamp;
use jiff::civil::{Date, date};

pub fn ods(code: &str) -> OdsCode {
    OdsCode::parse(code).unwrap()
}

pub const CLINICIAN: UserId = UserId::new(10);
pub const PATIENT: PatientId = PatientId::new(1);

pub fn at() -> Timestamp {
    Timestamp::from_second(1_790_000_000).unwrap()
}

pub fn start() -> Date {
    date(2026, 1, 5)
}

pub fn provenance(source: Source) -> Provenance {
    Provenance {
        recorded_by: CLINICIAN,
        recorded_at: at(),
        source,
    }
}

pub fn fact(on: Date, value: FactValue) -> NewFact {
    NewFact {
        observed_on: on,
        value,
        provenance: provenance(Source::SpecialistRecord),
    }
}

pub fn hba1c(on: Date, v: u16) -> NewFact {
    NewFact {
        observed_on: on,
        value: FactValue::Hba1c {
            value: Hba1cMmolPerMol::new(v).unwrap(),
        },
        provenance: provenance(Source::Laboratory),
    }
}

/// A type 1 patient with a recent HbA1c and an attestation of device competence.
pub fn record() -> FactLog {
    let mut log = FactLog::new(PATIENT);
    log.record(fact(
        date(2015, 6, 1),
        FactValue::Diagnosis {
            diabetes_type: DiabetesType::Type1,
        },
    ))
    .unwrap();
    log.record(hba1c(date(2025, 12, 1), 72)).unwrap();
    log.record(fact(
        date(2025, 12, 1),
        FactValue::Attestation {
            attestation: Attestation::AbleToUseDevice,
            holds: true,
        },
    ))
    .unwrap();
    log
}

pub fn current_facts(on: Date) -> Vec<Fact> {
    record().current_as_of(on).into_iter().cloned().collect()
}

pub fn required() -> Vec<EvidenceRequirement> {
    vec![
        EvidenceRequirement::any(EvidenceKind::Diagnosis),
        EvidenceRequirement::within(EvidenceKind::Hba1c, 365),
        EvidenceRequirement::any(EvidenceKind::Attestation(Attestation::AbleToUseDevice)),
    ]
}

pub fn policy() -> PolicyRef {
    PolicyRef {
        id: "kent-flash".into(),
        version: "2026.1".into(),
    }
}

pub fn evaluation(all_met: bool, auto_allowed: bool) -> Evaluation {
    Evaluation {
        policy: policy(),
        all_criteria_met: all_met,
        auto_approval_allowed: auto_allowed,
        snapshot: serde_json::json!({ "criteria": [{ "id": "t1", "outcome": "met" }] }),
    }
}

pub fn decision(reason: ReasonCode, on: Date) -> DecisionInput {
    DecisionInput {
        reasons: vec![reason],
        free_text: "see letter".into(),
        evaluation: evaluation(true, true),
        facts: current_facts(on),
    }
}

pub fn request(specialist_only: bool) -> Request {
    Request::draft(NewRequest {
        id: RequestId::new(100),
        patient: PATIENT,
        technology: Technology::IsCgm,
        policy: policy(),
        specialist_only,
        requested_by: CLINICIAN,
        requesting_team: ods("RVV"),
        commissioner: ods("QKS"),
        created_on: start(),
    })
}
