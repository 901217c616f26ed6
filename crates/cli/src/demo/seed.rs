//! Fills a fresh database with the demo: organisations, one account per role, and the
//! synthetic population carried through the pathway by the same domain API the web
//! app uses (so every record, event and audit entry is as real use would leave it).

use anyhow::Context;
use diapath_domain::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use diapath_domain::eligibility::required_evidence;
use diapath_domain::facts::{
    AwarenessScale, AwarenessScore, Device, DiabetesType, EducationProgramme, FactValue,
    Hba1cMmolPerMol, NewFact, PregnancyStatus, Provenance, Source,
};
use diapath_domain::patient::{EthnicCategory, ImdDecile, Locality, Sex};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{AppealGround, DecisionInput, NewRequest, PolicyRef};
use diapath_domain::review::{ReviewWindow, evaluate_review};
use diapath_domain::{
    Action, Actor, Command, NhsNumber, OdsCode, Organisation, OrganisationKind, Patient, PatientId,
    RequestId, Role, User, UserId,
};
use diapath_glucose::Trace;
use diapath_glucose::simulate::{Sensor, Simulation, simulate};
use diapath_policy::Policy;
use diapath_store::pathway::{Account, Pathway, evaluation_of};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::demo::population::{DiabetesType as PopType, Person, Stage, people};

/// The password of every demo account (printed by `diapath demo`; demo data only).
pub const DEMO_PASSWORD: &str = "demo-password-2026";

/// The demo's organisations.
pub const ICB: &str = "QDM";
/// The acute trust's diabetes specialist team.
pub const TRUST: &str = "RDM01";
/// The two GP practices.
pub const PRACTICES: [&str; 2] = ["D82001", "D82002"];

/// The accounts created, for the start-up message: (username, role, what they see).
pub fn logins() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "clinician",
            "specialist clinician: worklist, assess, submit, contract, review",
        ),
        (
            "nurse",
            "specialist nurse: record evidence, upload CGM exports",
        ),
        (
            "commissioner",
            "commissioner: decision queue, reconsiderations, capacity",
        ),
        ("gp", "GP at the first practice: practice patients, refer"),
        ("patient", "a patient: own status, reasons, goals, report"),
        ("education", "education provider"),
        ("admin", "administrator: users, organisations, policies"),
        ("auditor", "auditor: the audit log and its chain check"),
    ]
}

struct Ctx<'a> {
    pathway: &'a Pathway,
    policies: &'a [Policy],
    zone: TimeZone,
    clinician: Actor,
    commissioner: Actor,
}

impl Ctx<'_> {
    fn at(&self, day: Date) -> Timestamp {
        day.at(10, 0, 0, 0)
            .to_zoned(self.zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn policy(&self, id: &str) -> anyhow::Result<&Policy> {
        self.policies
            .iter()
            .find(|p| p.id == id)
            .with_context(|| format!("the demo needs policy {id} in the library"))
    }
}

/// Seeds `count` patients as of `today`. Returns the patient id the `patient` login
/// belongs to.
pub async fn seed(
    pathway: &Pathway,
    policies: &[Policy],
    zone: TimeZone,
    today: Date,
    count: usize,
) -> anyhow::Result<()> {
    let set_up = today.at(8, 0, 0, 0).to_zoned(zone.clone())?.timestamp();
    let icb = OdsCode::parse(ICB)?;
    let trust = OdsCode::parse(TRUST)?;
    let orgs = [
        Organisation::new(
            icb.clone(),
            OrganisationKind::Icb,
            "Demo Integrated Care Board",
            icb.clone(),
        )?,
        Organisation::new(
            trust.clone(),
            OrganisationKind::SpecialistTeam,
            "Demo Hospitals NHS Trust diabetes team",
            icb.clone(),
        )?,
        Organisation::new(
            OdsCode::parse(PRACTICES[0])?,
            OrganisationKind::GpPractice,
            "Riverside Surgery (demo)",
            icb.clone(),
        )?,
        Organisation::new(
            OdsCode::parse(PRACTICES[1])?,
            OrganisationKind::GpPractice,
            "Hillview Medical Centre (demo)",
            icb.clone(),
        )?,
        Organisation::new(
            OdsCode::parse("EDU01")?,
            OrganisationKind::EducationProvider,
            "Demo structured education service",
            icb.clone(),
        )?,
    ];
    for org in &orgs {
        pathway.add_organisation(org, set_up).await?;
    }
    let hash =
        diapath_web::auth::hash_password(DEMO_PASSWORD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let staff = [
        (
            "clinician",
            "Dr Asha Demo",
            Role::SpecialistClinician,
            TRUST,
        ),
        ("nurse", "Sam Demo (DSN)", Role::SpecialistNurse, TRUST),
        ("commissioner", "Jo Demo (ICB)", Role::Commissioner, ICB),
        ("gp", "Dr Lee Demo", Role::Gp, PRACTICES[0]),
        (
            "education",
            "Pat Demo (education)",
            Role::EducationProvider,
            "EDU01",
        ),
        ("admin", "Alex Demo (admin)", Role::Administrator, TRUST),
        ("auditor", "Robin Demo (audit)", Role::Auditor, ICB),
    ];
    let mut actors = Vec::new();
    for (i, (username, name, role, org)) in staff.iter().enumerate() {
        let user = User::staff(
            UserId::new(i as i64 + 1),
            *name,
            *role,
            OdsCode::parse(org)?,
        )?;
        actors.push(user.actor());
        pathway
            .add_account(
                &Account {
                    username: (*username).to_owned(),
                    user,
                    password_hash: hash.clone(),
                },
                "system",
                set_up,
            )
            .await?;
    }
    let ctx = Ctx {
        pathway,
        policies,
        zone: zone.clone(),
        clinician: actors[0].clone(),
        commissioner: actors[2].clone(),
    };

    let population = people(count, today, 2026);
    let mut patient_login: Option<PatientId> = None;
    for (i, person) in population.iter().enumerate() {
        let id = register(&ctx, person, today)
            .await
            .with_context(|| format!("demo patient {i}"))?;
        if patient_login.is_none() && person.stage == Stage::Refused {
            patient_login = Some(id);
        }
        carry(&ctx, person, id, today)
            .await
            .with_context(|| format!("demo patient {i} ({:?})", person.stage))?;
    }
    if let Some(pid) = patient_login {
        let user = User::patient(UserId::new(100), "Demo patient login", pid)?;
        pathway
            .add_account(
                &Account {
                    username: "patient".into(),
                    user,
                    password_hash: hash,
                },
                "system",
                set_up,
            )
            .await?;
    }
    Ok(())
}

async fn register(ctx: &Ctx<'_>, person: &Person, today: Date) -> anyhow::Result<PatientId> {
    let registered = today.checked_sub(400.days()).unwrap_or(today);
    let at = ctx.at(registered);
    let patient = Patient {
        id: PatientId::new(0),
        nhs_number: NhsNumber::parse(&person.nhs_number)?,
        name: format!("{} {}", person.given_name, person.family_name),
        date_of_birth: person.born,
        sex: if person.sex == "female" {
            Sex::Female
        } else {
            Sex::Male
        },
        locality: if person.imd_decile.is_multiple_of(2) {
            Locality::ImdDecile(ImdDecile::new(person.imd_decile)?)
        } else {
            Locality::Postcode(person.postcode.clone())
        },
        ethnicity: ethnicity(person.ethnicity),
        gp_practice: OdsCode::parse(PRACTICES[person.practice])?,
        specialist_team: OdsCode::parse(TRUST)?,
    };
    let id = ctx
        .pathway
        .register_patient(&ctx.clinician, patient, at)
        .await?;
    let by = ctx.clinician.user;
    let fact = |on: Date, value: FactValue, source: Source| NewFact {
        observed_on: on,
        value,
        provenance: Provenance {
            recorded_by: by,
            recorded_at: ctx.at(on.max(registered)),
            source,
        },
    };
    let mut facts = vec![fact(
        person.diagnosed,
        FactValue::Diagnosis {
            diabetes_type: if person.diabetes == PopType::Type1 {
                DiabetesType::Type1
            } else {
                DiabetesType::Type2
            },
        },
        Source::SpecialistRecord,
    )];
    if person.on_insulin {
        facts.push(fact(
            person.diagnosed,
            FactValue::DeviceInUse {
                device: Device::Mdi,
                since: person.diagnosed,
                until: None,
            },
            Source::SpecialistRecord,
        ));
    }
    for (on, value) in &person.hba1c {
        facts.push(fact(
            *on,
            FactValue::Hba1c {
                value: Hba1cMmolPerMol::new(*value)?,
            },
            Source::Laboratory,
        ));
    }
    for on in &person.severe_hypos {
        facts.push(fact(
            *on,
            FactValue::SevereHypo { admission: false },
            Source::SpecialistRecord,
        ));
    }
    let gold_on = today.checked_sub(60.days()).unwrap_or(today);
    facts.push(fact(
        gold_on,
        FactValue::Awareness {
            score: AwarenessScore::new(AwarenessScale::Gold, person.gold_score)?,
        },
        Source::SpecialistRecord,
    ));
    if let Some((programme, done)) = person.education {
        let programme = match programme {
            "DAFNE" => EducationProgramme::Dafne,
            "BERTIE" => EducationProgramme::Bertie,
            _ => EducationProgramme::Desmond,
        };
        facts.push(fact(
            done,
            FactValue::StructuredEducation {
                programme,
                sessions_attended: 5,
                sessions_total: 5,
                completed_on: Some(done),
            },
            Source::EducationProvider,
        ));
    }
    if person.pregnant {
        facts.push(fact(
            today.checked_sub(30.days()).unwrap_or(today),
            FactValue::Pregnancy {
                status: PregnancyStatus::Pregnant,
            },
            Source::SpecialistRecord,
        ));
    }
    facts.sort_by_key(|f| f.observed_on);
    for f in facts {
        ctx.pathway
            .record_fact(
                &ctx.clinician,
                id,
                f,
                None,
                ctx.at(today.min(registered.max(today.checked_sub(1.days()).unwrap_or(today)))),
            )
            .await?;
    }
    // 90 days of CGM up to today.
    let start =
        ctx.at(today.checked_sub(90.days()).unwrap_or(today)) - SignedDuration::from_hours(10);
    let readings = simulate(
        &person.profile,
        &Simulation {
            start,
            days: 90,
            zone: ctx.zone.clone(),
            sensor: Sensor::Libre,
            seed: person.seed,
        },
    );
    ctx.pathway
        .import_readings(
            &ctx.clinician,
            id,
            None,
            "libreview",
            &readings,
            ctx.at(today),
        )
        .await?;
    Ok(id)
}

fn ethnicity(code: char) -> EthnicCategory {
    use EthnicCategory::*;
    match code {
        'A' => WhiteBritish,
        'B' => WhiteIrish,
        'C' => WhiteOther,
        'H' => AsianIndian,
        'J' => AsianPakistani,
        'K' => AsianBangladeshi,
        'L' => AsianOther,
        'M' => BlackCaribbean,
        'N' => BlackAfrican,
        'R' => Chinese,
        'S' => Other,
        _ => NotStated,
    }
}

async fn carry(ctx: &Ctx<'_>, person: &Person, pid: PatientId, today: Date) -> anyhow::Result<()> {
    if person.stage == Stage::Registered {
        return Ok(());
    }
    let adult = person
        .born
        .checked_add(18.years())
        .is_ok_and(|d| d <= today);
    let policy_id = match (person.diabetes, adult) {
        (PopType::Type2, _) => "nice-ng28-iscgm-adults-type-2",
        (PopType::Type1, true) => "nice-ng17-cgm-adults-type-1",
        (PopType::Type1, false) => "nice-ng18-cgm-cyp-type-1",
    };
    let policy = ctx.policy(policy_id)?;
    // When the story started: trials that are due or finished began 6–8 months ago.
    let days_ago = match person.stage {
        Stage::ReviewDue | Stage::Continued | Stage::Discontinued => 200,
        Stage::TrialActive => 60,
        _ => 20,
    };
    let started = today.checked_sub((days_ago as i64).days()).unwrap_or(today);
    let c = &ctx.clinician;
    let k = &ctx.commissioner;
    let rid = ctx
        .pathway
        .create_request(
            c,
            NewRequest {
                id: RequestId::new(0),
                patient: pid,
                technology: diapath_domain::eligibility::technology(policy),
                policy: PolicyRef {
                    id: policy.id.clone(),
                    version: policy.version.clone(),
                },
                specialist_only: diapath_domain::eligibility::specialist_only(policy),
                requested_by: c.user,
                requesting_team: OdsCode::parse(TRUST)?,
                commissioner: OdsCode::parse(ICB)?,
                created_on: started,
            },
            ctx.at(started),
        )
        .await?;
    if person.stage == Stage::Draft {
        return Ok(());
    }
    let mut version = 0u64;
    let record = ctx
        .pathway
        .patient(c, pid, "demo set-up", ctx.at(started))
        .await?;
    let facts: Vec<_> = record
        .facts
        .current_as_of(started)
        .into_iter()
        .cloned()
        .collect();
    let evaluation = evaluation_of(policy, &record.patient, &record.facts, started);
    let mut step = |actor: &Actor, on: Date, action: Action| {
        let command = Command {
            expected_version: version,
            by: actor.user,
            at: ctx.at(on),
            on,
            action,
        };
        version += 1;
        (actor.clone(), command)
    };
    let (a, cmd) = step(
        c,
        started,
        Action::Submit {
            required: required_evidence(policy),
            facts: facts.clone(),
        },
    );
    ctx.pathway.act(&a, rid, cmd).await?;
    if person.stage == Stage::Submitted {
        return Ok(());
    }
    let input = |reason: ReasonCode| DecisionInput {
        reasons: vec![reason],
        free_text: String::new(),
        evaluation: evaluation.clone(),
        facts: facts.clone(),
    };
    let route = if person.stage == Stage::Exceptional {
        Action::RouteToExceptionalCase(DecisionInput {
            free_text:
                "Clinically exceptional: recurrent nocturnal hypoglycaemia despite optimised MDI."
                    .into(),
            ..input(ReasonCode::OutsidePolicyCriteria)
        })
    } else {
        Action::ReferToCommissioner(input(ReasonCode::NeedsCommissionerJudgement))
    };
    let (a, cmd) = step(c, started, route);
    ctx.pathway.act(&a, rid, cmd).await?;
    if matches!(
        person.stage,
        Stage::Referred | Stage::Exceptional | Stage::WaitingList
    ) {
        return Ok(());
    }
    let decided = started.checked_add(7.days()).unwrap_or(started);
    if matches!(
        person.stage,
        Stage::Refused | Stage::Reconsideration | Stage::Appeal
    ) {
        let (a, cmd) = step(
            k,
            decided,
            Action::Refuse(DecisionInput {
                free_text: "The criteria in the policy are not met on the evidence submitted."
                    .into(),
                ..input(ReasonCode::CriteriaNotMet)
            }),
        );
        ctx.pathway.act(&a, rid, cmd).await?;
        match person.stage {
            Stage::Reconsideration => {
                let on = decided.checked_add(5.days()).unwrap_or(decided);
                let (a, cmd) = step(
                    c,
                    on,
                    Action::RequestReconsideration {
                        new_information: "Further severe hypoglycaemia since the decision.".into(),
                        evaluation: evaluation.clone(),
                        deadline_days: 28,
                    },
                );
                ctx.pathway.act(&a, rid, cmd).await?;
            }
            Stage::Appeal => {
                let on = decided.checked_add(5.days()).unwrap_or(decided);
                let (a, cmd) = step(
                    c,
                    on,
                    Action::Appeal {
                        ground: AppealGround::EvidenceNotConsidered,
                        text: "The awareness score was not taken into account.".into(),
                        deadline_days: 42,
                    },
                );
                ctx.pathway.act(&a, rid, cmd).await?;
            }
            _ => {}
        }
        return Ok(());
    }
    if person.stage == Stage::Withdrawn {
        let (a, cmd) = step(
            c,
            decided,
            Action::Withdraw {
                reason: ReasonCode::WithdrawnByPatient,
                text: "The patient chose to wait.".into(),
            },
        );
        ctx.pathway.act(&a, rid, cmd).await?;
        return Ok(());
    }
    let (a, cmd) = step(
        k,
        decided,
        Action::Approve(DecisionInput {
            free_text: "Approved for a 6-month trial.".into(),
            ..input(ReasonCode::AllCriteriaMet)
        }),
    );
    ctx.pathway.act(&a, rid, cmd).await?;
    let trial_start = decided.checked_add(3.days()).unwrap_or(decided);
    let review_by = trial_start.checked_add(6.months()).unwrap_or(trial_start);
    let goals = vec![
        Goal::new(GoalMetric::TimeInRange, 45.0, 55.0, review_by),
        Goal::new(GoalMetric::SensorWear, 0.0, 70.0, review_by),
    ];
    let contract = Contract::new(rid, goals, ContinuationRule::AllGoals, trial_start, None)?
        .agree(trial_start, c.user);
    let (a, cmd) = step(c, trial_start, Action::StartTrial(contract.clone()));
    ctx.pathway.act(&a, rid, cmd).await?;
    if person.stage == Stage::TrialActive {
        return Ok(());
    }
    let review_on = contract.review_date.min(today);
    let (a, cmd) = step(c, review_on, Action::MarkReviewDue);
    ctx.pathway.act(&a, rid, cmd).await?;
    if person.stage == Stage::ReviewDue {
        return Ok(());
    }
    let to = ctx.at(today);
    let window = ReviewWindow {
        from: to - SignedDuration::from_hours(24 * 28),
        to,
    };
    let readings = ctx
        .pathway
        .readings(c, pid, window.from, window.to, to)
        .await?;
    let record = ctx.pathway.patient(c, pid, "demo review", to).await?;
    let evaluation = evaluate_review(
        &contract,
        &record.facts,
        &Trace::new("r", readings).0,
        window,
        review_on,
    );
    let decision = if person.stage == Stage::Continued {
        diapath_domain::review::ReviewDecision::Continue
    } else {
        diapath_domain::review::ReviewDecision::Discontinue
    };
    let outcome = evaluation.decide(
        decision,
        "Decided with the patient at the review clinic.",
        c.user,
    )?;
    let facts: Vec<_> = record
        .facts
        .current_as_of(review_on)
        .into_iter()
        .cloned()
        .collect();
    let (a, cmd) = step(c, review_on, Action::RecordReview { outcome, facts });
    ctx.pathway.act(&a, rid, cmd).await?;
    Ok(())
}
