//! The permission matrix: every role × operation × relationship (× whether the device is
//! specialist-only), checked against one table that docs/domain.md also prints.

use diapath_domain::permissions::{PatientContext, RequestContext, TargetKind};
use diapath_domain::{Actor, OdsCode, Operation, PatientId, Role, Target, UserId, permits};

use crate::fixtures::ods;

/// Cell codes: `T` the patient's specialist team (or the request's requesting team);
/// `P` the patient's GP practice; `P*` the GP practice, only if the device is not
/// specialist-only; `A` the commissioner of the request's area; `S` the patient themself;
/// `E` an education provider the patient is booked with; `Y` always; `-` never.
const MATRIX: &str = "
| operation | specialist clinician | specialist nurse | commissioner | GP | patient | education provider | administrator | auditor |
|---|---|---|---|---|---|---|---|---|
| view_patient | T | T | - | P | S | - | - | - |
| register_patient | T | T | - | - | - | - | - | - |
| record_fact | T | T | - | P | - | - | - | - |
| record_education | T | T | - | - | - | E | - | - |
| refer_to_specialist | - | - | - | P | - | - | - | - |
| upload_own_cgm | - | - | - | - | S | - | - | - |
| view_request | T | T | A | P | S | - | - | - |
| create_request | T | T | - | P* | - | - | - | - |
| submit_request | T | - | - | P* | - | - | - | - |
| decide_request | - | - | A | - | - | - | - | - |
| withdraw_request | T | T | - | P* | S | - | - | - |
| agree_contract | T | T | - | P* | S | - | - | - |
| start_trial | T | T | - | P* | - | - | - | - |
| import_cgm | T | T | - | P* | - | - | - | - |
| record_review | T | - | - | P* | - | - | - | - |
| request_reconsideration | T | T | - | P* | - | - | - | - |
| appeal | T | T | - | P* | S | - | - | - |
| view_audit_log | - | - | - | - | - | - | - | Y |
| manage_users | - | - | - | - | - | - | Y | - |
| manage_organisations | - | - | - | - | - | - | Y | - |
";

/// How the actor relates to the patient or request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Relationship {
    Team,
    Practice,
    Area,
    SelfRecord,
    Booked,
    Unrelated,
}

const RELATIONSHIPS: [Relationship; 6] = [
    Relationship::Team,
    Relationship::Practice,
    Relationship::Area,
    Relationship::SelfRecord,
    Relationship::Booked,
    Relationship::Unrelated,
];

const ME: &str = "ZZZ01";
const MY_PATIENT: PatientId = PatientId::new(1);

fn actor(role: Role) -> Actor {
    let patient = role == Role::Patient;
    Actor {
        user: UserId::new(5),
        role,
        organisation: (!patient).then(|| ods(ME)),
        patient: patient.then_some(MY_PATIENT),
    }
}

/// A request and its patient, related to the actor only as `rel` says.
fn context(rel: Relationship, specialist_only: bool) -> RequestContext {
    let mine =
        |r: Relationship, other: &str| -> OdsCode { if rel == r { ods(ME) } else { ods(other) } };
    RequestContext {
        patient: PatientContext {
            patient: if rel == Relationship::SelfRecord {
                MY_PATIENT
            } else {
                PatientId::new(2)
            },
            gp_practice: mine(Relationship::Practice, "G00001"),
            specialist_team: mine(Relationship::Team, "RAA"),
            icb: mine(Relationship::Area, "QAA"),
            education_providers: vec![mine(Relationship::Booked, "EDU01")],
        },
        requesting_team: mine(Relationship::Team, "RAA"),
        commissioner: mine(Relationship::Area, "QAA"),
        specialist_only,
    }
}

fn parse_matrix() -> Vec<(String, Vec<String>)> {
    MATRIX
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| operation"))
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

fn expected(cell: &str, rel: Relationship, specialist_only: bool) -> bool {
    match cell {
        "T" => rel == Relationship::Team,
        "P" => rel == Relationship::Practice,
        "P*" => rel == Relationship::Practice && !specialist_only,
        "A" => rel == Relationship::Area,
        "S" => rel == Relationship::SelfRecord,
        "E" => rel == Relationship::Booked,
        "Y" => true,
        "-" => false,
        other => panic!("unknown cell {other}"),
    }
}

fn name(op: Operation) -> String {
    serde_json::to_value(op)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_role_operation_and_relationship() {
    let matrix = parse_matrix();
    assert_eq!(
        matrix.iter().map(|(op, _)| op.clone()).collect::<Vec<_>>(),
        Operation::ALL.map(name).to_vec(),
        "the matrix has one row per operation, in order"
    );
    let mut checked = 0;
    for (op, (_, cells)) in Operation::ALL.into_iter().zip(&matrix) {
        assert_eq!(cells.len(), Role::ALL.len());
        for (role, cell) in Role::ALL.into_iter().zip(cells) {
            for rel in RELATIONSHIPS {
                for specialist_only in [false, true] {
                    let ctx = context(rel, specialist_only);
                    let target = match op.target_kind() {
                        TargetKind::Patient => Target::Patient(&ctx.patient),
                        TargetKind::Request => Target::Request(&ctx),
                        TargetKind::AuditLog => Target::AuditLog,
                        TargetKind::Deployment => Target::Deployment,
                    };
                    let d = permits(&actor(role), op, target);
                    assert_eq!(
                        d.allowed,
                        expected(cell, rel, specialist_only),
                        "{} {op:?} {rel:?} specialist_only={specialist_only}: {}",
                        role.text(),
                        d.reason
                    );
                    assert!(!d.reason.is_empty());
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 20 * 8 * 6 * 2);
}

#[test]
fn an_operation_on_the_wrong_kind_of_target_is_denied() {
    let ctx = context(Relationship::Team, false);
    for role in Role::ALL {
        for op in Operation::ALL {
            for target in [
                Target::Patient(&ctx.patient),
                Target::Request(&ctx),
                Target::AuditLog,
                Target::Deployment,
            ] {
                let kind = match target {
                    Target::Patient(_) => TargetKind::Patient,
                    Target::Request(_) => TargetKind::Request,
                    Target::AuditLog => TargetKind::AuditLog,
                    Target::Deployment => TargetKind::Deployment,
                };
                if kind != op.target_kind() {
                    assert!(
                        !permits(&actor(role), op, target).allowed,
                        "{role:?} {op:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn staff_without_an_organisation_act_for_nobody() {
    let ctx = context(Relationship::Team, false);
    let mut a = actor(Role::SpecialistClinician);
    a.organisation = None;
    assert!(!permits(&a, Operation::ViewPatient, Target::Patient(&ctx.patient)).allowed);
}

#[test]
fn reasons_explain_the_named_rules() {
    let restricted = context(Relationship::Practice, true);
    let d = permits(
        &actor(Role::Gp),
        Operation::StartTrial,
        Target::Request(&restricted),
    );
    assert!(
        !d.allowed && d.reason.contains("specialist teams"),
        "{}",
        d.reason
    );
    let elsewhere = context(Relationship::Unrelated, false);
    let d = permits(
        &actor(Role::Commissioner),
        Operation::ViewRequest,
        Target::Request(&elsewhere),
    );
    assert_eq!(
        d.reason,
        "a commissioner sees only their own area's requests"
    );
    let d = permits(
        &actor(Role::Patient),
        Operation::ViewPatient,
        Target::Patient(&elsewhere.patient),
    );
    assert_eq!(d.reason, "a patient sees only their own record");
    let d = permits(
        &actor(Role::Auditor),
        Operation::ViewPatient,
        Target::Patient(&elsewhere.patient),
    );
    assert_eq!(d.reason, "auditors read the audit log only");
}

/// docs/domain.md prints the same matrix, so the documentation cannot drift.
#[test]
fn docs_print_the_tested_matrix() {
    let docs = crate::docs::domain_md();
    let normalise = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    let docs_lines: Vec<String> = docs.lines().map(normalise).collect();
    for line in MATRIX.lines().filter(|l| l.starts_with('|')) {
        assert!(
            docs_lines.contains(&normalise(line)),
            "docs/domain.md lacks the matrix row: {line}"
        );
    }
}
