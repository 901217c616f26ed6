//! The whole access pathway through the domain API on both databases: register,
//! record evidence, check eligibility, submit, decide, contract, trial, review,
//! reconsider; with permission refusals and the audit chain checked at the end.

use diapath_domain::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use diapath_domain::eligibility::required_evidence;
use diapath_domain::facts::{
    Attestation, DiabetesType, FactValue, Hba1cMmolPerMol, NewFact, Provenance, Source,
};
use diapath_domain::patient::{EthnicCategory, Locality, Sex};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{DecisionInput, NewRequest, PolicyRef, Technology};
use diapath_domain::review::{ReviewWindow, evaluate_review};
use diapath_domain::{
    Action, Command, NhsNumber, OdsCode, Organisation, OrganisationKind, Patient, PatientId,
    RequestId, RequestState, Role, User, UserId,
};
use diapath_glucose::Trace;
use diapath_glucose::simulate::{Profile, Sensor, Simulation, simulate};
use diapath_store::pathway::{Account, Pathway, PathwayError, evaluation_of};
use diapath_store::{AuditCheck, Store, StoreError};
use jiff::Timestamp;
use jiff::civil::{Date, date};

fn ods(s: &str) -> OdsCode {
    OdsCode::parse(s).unwrap()
}

fn ts(d: Date) -> Timestamp {
    d.at(12, 0, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp()
}

fn policy() -> diapath_policy::Policy {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../policies/nice-ng17-cgm-adults-type-1.toml"
    );
    diapath_policy::Policy::parse(path, &std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fact(on: Date, by: UserId, value: FactValue) -> NewFact {
    NewFact {
        observed_on: on,
        value,
        provenance: Provenance {
            recorded_by: by,
            recorded_at: ts(on),
            source: Source::SpecialistRecord,
        },
    }
}

fn command(version: u64, by: UserId, on: Date, action: Action) -> Command {
    Command {
        expected_version: version,
        by,
        at: ts(on),
        on,
        action,
    }
}

pub async fn whole_pathway(store: &Store) {
    let p = Pathway::new(store.clone());
    let start = date(2026, 1, 10);
    let icb = ods("QKS");
    for org in [
        Organisation::new(icb.clone(), OrganisationKind::Icb, "Test ICB", icb.clone()).unwrap(),
        Organisation::new(
            ods("RVV"),
            OrganisationKind::SpecialistTeam,
            "Test Trust diabetes team",
            icb.clone(),
        )
        .unwrap(),
        Organisation::new(
            ods("G82001"),
            OrganisationKind::GpPractice,
            "Test Surgery",
            icb.clone(),
        )
        .unwrap(),
    ] {
        p.add_organisation(&org, ts(start)).await.unwrap();
    }
    let clinician = User::staff(
        UserId::new(1),
        "Dr Test",
        Role::SpecialistClinician,
        ods("RVV"),
    )
    .unwrap();
    let commissioner = User::staff(
        UserId::new(2),
        "Test Commissioner",
        Role::Commissioner,
        icb.clone(),
    )
    .unwrap();
    let gp = User::staff(UserId::new(3), "Dr GP", Role::Gp, ods("G82001")).unwrap();
    for (name, user) in [("clin", &clinician), ("comm", &commissioner), ("gp", &gp)] {
        p.add_account(
            &Account {
                username: name.into(),
                user: user.clone(),
                password_hash: "x".into(),
            },
            "system",
            ts(start),
        )
        .await
        .unwrap();
    }
    assert_eq!(p.account("clin").await.unwrap().unwrap().user, clinician);
    let (c, k, g) = (clinician.actor(), commissioner.actor(), gp.actor());

    // Register.
    let patient = Patient {
        id: PatientId::new(0),
        nhs_number: NhsNumber::parse("9990000018").unwrap(),
        name: "Test Patient".into(),
        date_of_birth: date(1990, 5, 1),
        sex: Sex::Female,
        locality: Locality::Postcode("ZZ1 1ZZ".into()),
        ethnicity: EthnicCategory::WhiteBritish,
        gp_practice: ods("G82001"),
        specialist_team: ods("RVV"),
    };
    let pid = p.register_patient(&c, patient, ts(start)).await.unwrap();

    // Record evidence; a commissioner may not.
    let by = clinician.actor().user;
    for value in [
        FactValue::Diagnosis {
            diabetes_type: DiabetesType::Type1,
        },
        FactValue::Hba1c {
            value: Hba1cMmolPerMol::new(72).unwrap(),
        },
    ] {
        p.record_fact(&c, pid, fact(start, by, value), None, ts(start))
            .await
            .unwrap();
    }
    let refused = p
        .record_fact(
            &k,
            pid,
            fact(
                start,
                by,
                FactValue::Attestation {
                    attestation: Attestation::DisablingHypoglycaemia,
                    holds: true,
                },
            ),
            None,
            ts(start),
        )
        .await;
    assert!(
        matches!(refused, Err(PathwayError::Forbidden(_))),
        "{refused:?}"
    );

    // Check eligibility.
    let record = p.patient(&c, pid, "assessment", ts(start)).await.unwrap();
    let policy = policy();
    let evaluation = evaluation_of(&policy, &record.patient, &record.facts, start);
    assert_eq!(evaluation.policy.id, policy.id);
    assert!(evaluation.snapshot["criteria"].is_array());

    // Create and submit.
    let rid = p
        .create_request(
            &c,
            NewRequest {
                id: RequestId::new(0),
                patient: pid,
                technology: Technology::RtCgm,
                policy: PolicyRef {
                    id: policy.id.clone(),
                    version: policy.version.clone(),
                },
                specialist_only: true,
                requested_by: by,
                requesting_team: ods("RVV"),
                commissioner: icb.clone(),
                created_on: start,
            },
            ts(start),
        )
        .await
        .unwrap();
    let facts: Vec<_> = record
        .facts
        .current_as_of(start)
        .into_iter()
        .cloned()
        .collect();
    let submitted = p
        .act(
            &c,
            rid,
            command(
                0,
                by,
                start,
                Action::Submit {
                    required: required_evidence(&policy),
                    facts: facts.clone(),
                },
            ),
        )
        .await
        .unwrap();
    assert_eq!(submitted.state(), RequestState::Submitted);
    let refer = |version| {
        command(
            version,
            by,
            start,
            Action::ReferToCommissioner(DecisionInput {
                reasons: vec![ReasonCode::NeedsCommissionerJudgement],
                free_text: "for decision".into(),
                evaluation: evaluation.clone(),
                facts: facts.clone(),
            }),
        )
    };
    let referred = p.act(&c, rid, refer(submitted.version())).await.unwrap();
    assert_eq!(referred.state(), RequestState::ReferredToCommissioner);

    // A GP may not decide; two commissioners at once: one wins.
    let decide = |version, action: fn(DecisionInput) -> Action, code| {
        command(
            version,
            commissioner.actor().user,
            start,
            action(DecisionInput {
                reasons: vec![code],
                free_text: "decided".into(),
                evaluation: evaluation.clone(),
                facts: facts.clone(),
            }),
        )
    };
    let gp_try = p
        .act(
            &g,
            rid,
            decide(
                referred.version(),
                Action::Refuse,
                ReasonCode::CriteriaNotMet,
            ),
        )
        .await;
    assert!(
        matches!(gp_try, Err(PathwayError::Forbidden(_))),
        "{gp_try:?}"
    );
    let (a, b) = tokio::join!(
        p.act(
            &k,
            rid,
            decide(
                referred.version(),
                Action::Refuse,
                ReasonCode::CriteriaNotMet
            )
        ),
        p.act(
            &k,
            rid,
            decide(
                referred.version(),
                Action::Refuse,
                ReasonCode::EvidenceInsufficient
            )
        ),
    );
    let wins = [&a, &b].iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{a:?} {b:?}");
    let loser = if a.is_ok() { b } else { a };
    assert!(
        matches!(
            loser,
            Err(PathwayError::Store(StoreError::Conflict { .. }))
                | Err(PathwayError::Transition(_))
        ),
        "{loser:?}"
    );
    let refused = p
        .request(&c, rid, "review decision", ts(start))
        .await
        .unwrap()
        .request;
    assert_eq!(refused.state(), RequestState::Refused);

    // Reconsider with new evidence: disabling hypoglycaemia attested.
    let later = date(2026, 1, 20);
    p.record_fact(
        &c,
        pid,
        fact(
            later,
            by,
            FactValue::Attestation {
                attestation: Attestation::DisablingHypoglycaemia,
                holds: true,
            },
        ),
        None,
        ts(later),
    )
    .await
    .unwrap();
    let record = p
        .patient(&c, pid, "reconsideration", ts(later))
        .await
        .unwrap();
    let evaluation = evaluation_of(&policy, &record.patient, &record.facts, later);
    let facts: Vec<_> = record
        .facts
        .current_as_of(later)
        .into_iter()
        .cloned()
        .collect();
    let reconsider = p
        .act(
            &c,
            rid,
            command(
                refused.version(),
                by,
                later,
                Action::RequestReconsideration {
                    new_information: "disabling hypoglycaemia".into(),
                    evaluation: evaluation.clone(),
                    deadline_days: 28,
                },
            ),
        )
        .await
        .unwrap();
    assert_eq!(reconsider.state(), RequestState::ReconsiderationRequested);
    let approved = p
        .act(
            &k,
            rid,
            command(
                reconsider.version(),
                commissioner.actor().user,
                later,
                Action::Approve(DecisionInput {
                    reasons: vec![ReasonCode::NewEvidenceMeetsCriteria],
                    free_text: "approved on reconsideration".into(),
                    evaluation,
                    facts: facts.clone(),
                }),
            ),
        )
        .await
        .unwrap();
    assert_eq!(approved.state(), RequestState::Approved);

    // Contract and trial.
    let goals = vec![Goal::new(
        GoalMetric::TimeInRange,
        40.0,
        50.0,
        date(2026, 7, 20),
    )];
    let contract = Contract::new(rid, goals, ContinuationRule::AllGoals, later, None)
        .unwrap()
        .agree(later, by);
    let trial = p
        .act(
            &c,
            rid,
            command(
                approved.version(),
                by,
                later,
                Action::StartTrial(contract.clone()),
            ),
        )
        .await
        .unwrap();
    assert_eq!(trial.state(), RequestState::TrialActive);

    // Readings arrive; the review date comes; the review runs on the stored readings.
    let readings = simulate(
        &Profile::well_controlled(),
        &Simulation {
            start: ts(date(2026, 6, 1)),
            days: 50,
            zone: jiff::tz::db().get("Europe/London").unwrap(),
            sensor: Sensor::Libre,
            seed: 5,
        },
    );
    let written = p
        .import_readings(
            &c,
            pid,
            Some(rid),
            "libreview",
            &readings,
            ts(date(2026, 7, 21)),
        )
        .await
        .unwrap();
    assert_eq!(written.added, readings.len());
    let gp_import = p
        .import_readings(
            &g,
            pid,
            Some(rid),
            "libreview",
            &readings,
            ts(date(2026, 7, 21)),
        )
        .await;
    assert!(
        matches!(gp_import, Err(PathwayError::Forbidden(_))),
        "restricted device: {gp_import:?}"
    );
    let review_on = contract.review_date;
    let due = p
        .act(
            &c,
            rid,
            command(trial.version(), by, review_on, Action::MarkReviewDue),
        )
        .await
        .unwrap();
    assert_eq!(due.state(), RequestState::ReviewDue);
    let window = ReviewWindow {
        from: ts(date(2026, 6, 1)),
        to: ts(review_on),
    };
    let stored = p
        .readings(&c, pid, window.from, window.to, ts(review_on))
        .await
        .unwrap();
    let record = p
        .patient(&c, pid, "trial review", ts(review_on))
        .await
        .unwrap();
    // The batched read (patient page, worklist): the same record and readings, one audit
    // record for each, in one commit; refused, it reads and audits nothing.
    let trail_len = |store: &Store| {
        let store = store.clone();
        async move {
            store
                .audit_records(Some(&pid.to_string()), 100_000)
                .await
                .unwrap()
                .len()
        }
    };
    let before = trail_len(store).await;
    let batch = p
        .patients_with_readings(
            &c,
            &[pid],
            window.from,
            window.to,
            "worklist",
            ts(review_on),
        )
        .await
        .unwrap();
    assert_eq!(batch.len(), 1);
    assert_eq!(batch[0].0.patient.id, pid);
    assert_eq!(batch[0].0.facts_version, record.facts_version);
    assert_eq!(batch[0].1, stored);
    assert_eq!(trail_len(store).await, before + 2);
    let refused = p
        .patients_with_readings(
            &k,
            &[pid],
            window.from,
            window.to,
            "worklist",
            ts(review_on),
        )
        .await;
    assert!(
        matches!(refused, Err(PathwayError::Forbidden(_))),
        "{refused:?}"
    );
    assert_eq!(trail_len(store).await, before + 2);
    let evaluation = evaluate_review(
        &contract,
        &record.facts,
        &Trace::new("p", stored).0,
        window,
        review_on,
    );
    let outcome = evaluation.confirm(by).unwrap();
    let facts: Vec<_> = record
        .facts
        .current_as_of(review_on)
        .into_iter()
        .cloned()
        .collect();
    let reviewed = p
        .act(
            &c,
            rid,
            command(
                due.version(),
                by,
                review_on,
                Action::RecordReview { outcome, facts },
            ),
        )
        .await
        .unwrap();
    assert_eq!(reviewed.state(), RequestState::Continued);

    // Everything is on the audit chain, which verifies.
    let trail = store
        .audit_records(Some(&pid.to_string()), 1000)
        .await
        .unwrap();
    for action in [
        "register-patient",
        "record-fact",
        "read",
        "create-request",
        "Submit",
        "Refuse",
        "Approve",
        "StartTrial",
        "import-cgm",
        "RecordReview",
    ] {
        assert!(
            trail.iter().any(|r| r.entry.action == action),
            "no {action} in the audit trail"
        );
    }
    assert!(matches!(
        store.verify_audit().await.unwrap(),
        AuditCheck::Intact { .. }
    ));
    let history = store.events(&format!("request/{rid}")).await.unwrap();
    // Submit, refer, refuse, reconsider, approve, start trial, review due, review.
    assert_eq!(history.len(), 8);
}
