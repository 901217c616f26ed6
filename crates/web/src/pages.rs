//! The HTML pages. Handlers are thin: they read the form, ask the pathway (which asks
//! the domain's permission function and audits), and fill a view model.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use diapath_domain::contract::{ContinuationRule, Contract, Goal, GoalMetric};
use diapath_domain::eligibility::{policy_facts, required_evidence};
use diapath_domain::facts::{
    Attestation, AwarenessScale, AwarenessScore, DiabetesType, EducationProgramme, FactValue,
    Hba1cMmolPerMol, NewFact, PregnancyStatus, Provenance, Source,
};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{AppealGround, DecisionInput, NewRequest, PolicyRef};
use diapath_domain::review::{ReviewWindow, evaluate_review};
use diapath_domain::{
    Action, Command, OdsCode, Patient, PatientId, RequestId, RequestState, Role, User, UserId,
};
use diapath_glucose::Trace;
use diapath_glucose::import::{self, ImportOptions};
use diapath_glucose::report::{ReportOptions, build};
use diapath_policy::Stage;
use diapath_store::pathway::{Account, PathwayError, RequestRecord, evaluation_of};
use diapath_store::{NewDoc, Session, Write};
use jiff::{SignedDuration, ToSpan};

use crate::agp_report::ReportView;
use crate::app::{AppState, SESSION_COOKIE, Signed, session_token};
use crate::auth;
use crate::error::WebError;
use crate::page::{Chrome, render};
use crate::ratelimit::Throttle;
use crate::units::Units;
use crate::views::content::{Cell, Colour, ContentPage, InlineForm, Section, Table, Tag};
use crate::views::form::{Choice, Field, FieldKind, FormPage};
use crate::views::present::{
    date, decision_words, eligibility_panel, eligibility_panel_json, fact_words, nhs_number,
    outcome_tag, patient_caption, source_words, state_tag, technology,
};

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

type PageResult = Result<Response, WebError>;

impl From<PathwayError> for WebError {
    fn from(e: PathwayError) -> Self {
        match e {
            PathwayError::Forbidden(_) => WebError::Forbidden,
            PathwayError::NotFound(_) => WebError::NotFound,
            PathwayError::Transition(t) => {
                if matches!(t, diapath_domain::TransitionError::VersionConflict { .. }) {
                    WebError::Conflict
                } else {
                    WebError::Invalid(t.to_string())
                }
            }
            PathwayError::Domain(d) => WebError::Invalid(d.to_string()),
            PathwayError::Store(diapath_store::StoreError::Conflict { .. }) => WebError::Conflict,
            PathwayError::Store(s) => WebError::Internal(Box::new(s)),
        }
    }
}

impl From<diapath_domain::DomainError> for WebError {
    fn from(e: diapath_domain::DomainError) -> Self {
        WebError::Invalid(e.to_string())
    }
}

/// A submitted form: every name/value pair, repeated names kept.
pub(crate) type FormData = Vec<(String, String)>;

fn field<'a>(form: &'a FormData, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn content(chrome: Chrome, title: &str, caption: String, sections: Vec<Section>) -> Response {
    render(
        StatusCode::OK,
        &ContentPage {
            chrome,
            title: title.to_owned(),
            caption,
            banner: String::new(),
            sections,
        },
    )
}

// ---------------------------------------------------------------- sign-in

/// `/`: each role's start page.
pub async fn home(signed: Result<Signed, Response>) -> Response {
    let Ok(s) = signed else {
        return Redirect::to("/sign-in").into_response();
    };
    let to = match s.actor.role {
        Role::SpecialistClinician | Role::SpecialistNurse => "/worklist",
        Role::Commissioner => "/decisions",
        Role::Gp => "/practice",
        Role::Patient => "/me",
        Role::EducationProvider => "/patients",
        Role::Administrator => "/admin/users",
        Role::Auditor => "/audit",
    };
    Redirect::to(to).into_response()
}

fn sign_in_page(username: &str, error: Option<String>) -> FormPage {
    let mut user = Field::new("username", "Username", FieldKind::Text).value(username);
    let mut password = Field::new("password", "Password", FieldKind::Password);
    if let Some(e) = error {
        user.error = e.clone();
        password.error = String::new();
    }
    FormPage {
        chrome: Chrome::default(),
        title: "Sign in".into(),
        caption: "diapath".into(),
        intro: vec!["Sign in with the account your organisation gave you.".into()],
        action: "/sign-in".into(),
        multipart: false,
        fields: vec![user, password],
        submit: "Sign in".into(),
        back: None,
    }
}

/// `GET /sign-in`.
pub async fn sign_in_form() -> Response {
    render(StatusCode::OK, &sign_in_page("", None))
}

/// `POST /sign-in`: throttled, Argon2id-verified, session in the database.
pub async fn sign_in(State(state): State<AppState>, Form(form): Form<FormData>) -> PageResult {
    let username = field(&form, "username").unwrap_or("").to_owned();
    let password = form
        .iter()
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let now = state.now();
    let store = state.pathway.store();
    let key = format!("user:{}", username.to_lowercase());
    let failures = store
        .login_failures(&key, now - state.login.window)
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    if let Throttle::RetryAfter(wait) = state.login.decide(&failures, now) {
        let minutes = (wait.as_secs() + 59) / 60;
        let page = sign_in_page(
            &username,
            Some(format!(
                "Too many failed attempts. Try again in {minutes} minutes."
            )),
        );
        return Ok(render(StatusCode::TOO_MANY_REQUESTS, &page));
    }
    let account = state.pathway.account(&username).await?;
    let ok = account
        .as_ref()
        .is_some_and(|a| auth::verify_password(&a.password_hash, password));
    let Some(account) = account.filter(|_| ok) else {
        store
            .record_login_failure(&key, now)
            .await
            .map_err(|e| WebError::Internal(Box::new(e)))?;
        let page = sign_in_page(
            &username,
            Some("Enter a correct username and password".into()),
        );
        return Ok(render(StatusCode::UNAUTHORIZED, &page));
    };
    let token = auth::new_token()
        .map_err(|e| WebError::Internal(Box::new(std::io::Error::other(e.to_string()))))?;
    let csrf = auth::new_token()
        .map_err(|e| WebError::Internal(Box::new(std::io::Error::other(e.to_string()))))?;
    store
        .create_session(&Session {
            token_digest: auth::token_digest(&token),
            username: account.username.clone(),
            csrf,
            created_at: now,
            expires_at: now + SignedDuration::from_hours(state.session_hours),
        })
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        state.session_hours * 3600,
        if state.secure_cookies { "; Secure" } else { "" }
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response())
}

/// `POST /sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    if let Some(token) = session_token(&headers) {
        state
            .pathway
            .store()
            .delete_session(&auth::token_digest(&token))
            .await
            .map_err(|e| WebError::Internal(Box::new(e)))?;
    }
    let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/sign-in")).into_response())
}

// ---------------------------------------------------------------- lists

fn request_row(r: &RequestRecord, patients: &[Patient], state: &AppState) -> Vec<Cell> {
    let req = &r.request;
    let name = patients
        .iter()
        .find(|p| p.id == req.patient())
        .map_or_else(|| format!("Patient {}", req.patient()), |p| p.name.clone());
    let policy = state
        .policy(&req.policy().id)
        .map_or_else(|| req.policy().id.clone(), |p| p.title.clone());
    let due = req
        .contract()
        .map(|c| date(c.review_date))
        .or_else(|| {
            req.challenges()
                .last()
                .map(|c| format!("deadline {}", date(c.deadline)))
        })
        .unwrap_or_default();
    vec![
        Cell::link(name, format!("/patients/{}", req.patient())),
        Cell::link(
            technology(req.technology()).to_owned(),
            format!("/requests/{}", req.id()),
        ),
        Cell::text(policy),
        Cell::tag(state_tag(req.state())),
        Cell::text(due),
    ]
}

fn request_table(caption: &str, rows: Vec<Vec<Cell>>, empty: &str) -> Section {
    Section::Table(Table {
        caption: caption.into(),
        headers: [
            "Patient",
            "Technology",
            "Policy",
            "Status",
            "Review or deadline",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        empty: empty.into(),
    })
}

/// `GET /worklist`: the specialist team's work.
pub async fn worklist(State(state): State<AppState>, signed: Signed) -> PageResult {
    if !matches!(
        signed.actor.role,
        Role::SpecialistClinician | Role::SpecialistNurse
    ) {
        return Err(WebError::Forbidden);
    }
    let patients = state.pathway.patients_visible(&signed.actor).await?;
    let requests = state.pathway.requests_visible(&signed.actor, None).await?;
    let today = state.today();
    let pick = |f: &dyn Fn(&RequestRecord) -> bool| -> Vec<Vec<Cell>> {
        requests
            .iter()
            .filter(|r| f(r))
            .map(|r| request_row(r, &patients, &state))
            .collect()
    };
    let review_overdue = |r: &RequestRecord| {
        r.request.state() == RequestState::ReviewDue
            || (r.request.state() == RequestState::TrialActive
                && r.request.contract().is_some_and(|c| c.review_date <= today))
    };
    let without_request: Vec<Vec<Cell>> = patients
        .iter()
        .filter(|p| !requests.iter().any(|r| r.request.patient() == p.id))
        .map(|p| {
            vec![
                Cell::link(p.name.clone(), format!("/patients/{}", p.id)),
                Cell::text(nhs_number(&p.nhs_number)),
                Cell::text(date(p.date_of_birth)),
                Cell::tag(Tag::new("No request", Colour::White)),
                Cell::text(String::new()),
            ]
        })
        .collect();
    // Trials whose goals are at risk: the last 14 days judged against the contract.
    let now = state.now();
    let window = ReviewWindow {
        from: now - SignedDuration::from_hours(24 * 14),
        to: now,
    };
    let trials: Vec<_> = requests
        .iter()
        .filter(|r| r.request.state() == RequestState::TrialActive && !review_overdue(r))
        .filter_map(|r| Some((r, r.request.contract()?)))
        .collect();
    let ids: Vec<_> = trials.iter().map(|(r, _)| r.request.patient()).collect();
    let records = state
        .pathway
        .patients_with_readings(
            &signed.actor,
            &ids,
            window.from,
            window.to,
            "worklist: trial goals at risk",
            now,
        )
        .await?;
    let mut at_risk = Vec::new();
    for ((r, contract), (record, readings)) in trials.into_iter().zip(records) {
        let e = evaluate_review(
            contract,
            &record.facts,
            &Trace::new("trial", readings).0,
            window,
            today,
        );
        if e.recommendation != diapath_domain::review::Recommendation::Continue {
            let mut row = request_row(r, &patients, &state);
            if let Some(last) = row.last_mut() {
                *last = Cell::tag(Tag::new(
                    e.goals
                        .iter()
                        .filter(|g| g.status != diapath_domain::review::GoalStatus::Met)
                        .map(|g| g.goal.metric.text())
                        .collect::<Vec<_>>()
                        .join(", "),
                    Colour::Orange,
                ));
            }
            at_risk.push(row);
        }
    }
    let sections = vec![
        request_table(
            "Trials with goals at risk (last 14 days)",
            at_risk,
            "No running trial is off track.",
        ),
        request_table(
            "Reviews due and overdue",
            pick(&review_overdue),
            "No trial reviews are due.",
        ),
        request_table(
            "Requests awaiting evidence or submission",
            pick(&|r| {
                matches!(
                    r.request.state(),
                    RequestState::Draft | RequestState::Submitted
                )
            }),
            "No draft requests.",
        ),
        request_table(
            "With the commissioner",
            pick(&|r| {
                matches!(
                    r.request.state(),
                    RequestState::ReferredToCommissioner
                        | RequestState::ExceptionalCase
                        | RequestState::ReconsiderationRequested
                        | RequestState::Appealed
                )
            }),
            "Nothing is waiting for a decision.",
        ),
        request_table(
            "Approved: contract and trial to start",
            pick(&|r| {
                matches!(
                    r.request.state(),
                    RequestState::Approved | RequestState::AutoApproved
                )
            }),
            "No approved requests waiting.",
        ),
        request_table(
            "Trials running",
            pick(&|r| r.request.state() == RequestState::TrialActive && !review_overdue(r)),
            "No trials running.",
        ),
        Section::Table(Table {
            caption: "New referrals and patients without a request".into(),
            headers: ["Patient", "NHS number", "Date of birth", "Status", ""]
                .map(String::from)
                .to_vec(),
            rows: without_request,
            empty: "Every patient has a request.".into(),
        }),
    ];
    Ok(content(
        signed.chrome("/worklist"),
        "Worklist",
        String::new(),
        sections,
    ))
}

/// `GET /patients`: everyone the user may see.
pub async fn patients(State(state): State<AppState>, signed: Signed) -> PageResult {
    let patients = state.pathway.patients_visible(&signed.actor).await?;
    let rows = patients
        .iter()
        .map(|p| {
            vec![
                Cell::link(p.name.clone(), format!("/patients/{}", p.id)),
                Cell::text(nhs_number(&p.nhs_number)),
                Cell::text(date(p.date_of_birth)),
                Cell::text(p.gp_practice.as_str().to_owned()),
            ]
        })
        .collect();
    let sections = vec![Section::Table(Table {
        caption: format!("{} patients", patients.len()),
        headers: ["Name", "NHS number", "Date of birth", "GP practice"]
            .map(String::from)
            .to_vec(),
        rows,
        empty: "No patients.".into(),
    })];
    Ok(content(
        signed.chrome("/patients"),
        "Patients",
        String::new(),
        sections,
    ))
}

/// `GET /practice`: a GP's registered patients and their status.
pub async fn practice(State(state): State<AppState>, signed: Signed) -> PageResult {
    if signed.actor.role != Role::Gp {
        return Err(WebError::Forbidden);
    }
    let patients = state.pathway.patients_visible(&signed.actor).await?;
    let requests = state.pathway.requests_visible(&signed.actor, None).await?;
    let rows = patients
        .iter()
        .map(|p| {
            let latest = requests.iter().rev().find(|r| r.request.patient() == p.id);
            vec![
                Cell::link(p.name.clone(), format!("/patients/{}", p.id)),
                Cell::text(nhs_number(&p.nhs_number)),
                latest.map_or_else(
                    || Cell::tag(Tag::new("No request", Colour::White)),
                    |r| Cell::tag(state_tag(r.request.state())),
                ),
            ]
        })
        .collect();
    let sections = vec![
        Section::Inset("Devices restricted to the specialist team are prescribed and monitored there; this page shows their status only.".into()),
        Section::Table(Table {
            caption: "Registered patients with diabetes technology".into(),
            headers: ["Patient", "NHS number", "Status"].map(String::from).to_vec(),
            rows,
            empty: "No patients.".into(),
        }),
    ];
    Ok(content(
        signed.chrome("/practice"),
        "Practice patients",
        String::new(),
        sections,
    ))
}

/// `GET /decisions`: the commissioner's queue.
pub async fn decisions(State(state): State<AppState>, signed: Signed) -> PageResult {
    if signed.actor.role != Role::Commissioner {
        return Err(WebError::Forbidden);
    }
    let requests = state.pathway.requests_visible(&signed.actor, None).await?;
    let patients = state
        .pathway
        .patients_visible_for_requests(&signed.actor, &requests)
        .await?;
    let pick = |states: &[RequestState]| -> Vec<Vec<Cell>> {
        requests
            .iter()
            .filter(|r| states.contains(&r.request.state()))
            .map(|r| request_row(r, &patients, &state))
            .collect()
    };
    let sections = vec![
        request_table(
            "Awaiting decision",
            pick(&[RequestState::ReferredToCommissioner]),
            "Nothing awaits a decision.",
        ),
        request_table(
            "Exceptional cases (IFR)",
            pick(&[RequestState::ExceptionalCase]),
            "No exceptional cases.",
        ),
        request_table(
            "Reconsiderations and appeals",
            pick(&[
                RequestState::ReconsiderationRequested,
                RequestState::Appealed,
            ]),
            "No reconsiderations or appeals.",
        ),
        request_table(
            "Decided",
            pick(&[
                RequestState::Approved,
                RequestState::AutoApproved,
                RequestState::Refused,
                RequestState::TrialActive,
                RequestState::ReviewDue,
                RequestState::Continued,
                RequestState::Discontinued,
            ]),
            "No decisions yet.",
        ),
    ];
    Ok(content(
        signed.chrome("/decisions"),
        "Decisions",
        String::new(),
        sections,
    ))
}

/// `GET /capacity`: cohort caps and the waiting list, per capped policy.
pub async fn capacity(State(state): State<AppState>, signed: Signed) -> PageResult {
    if !matches!(
        signed.actor.role,
        Role::Commissioner | Role::SpecialistClinician | Role::SpecialistNurse
    ) {
        return Err(WebError::Forbidden);
    }
    let requests = state.pathway.requests_visible(&signed.actor, None).await?;
    let patients = state
        .pathway
        .patients_visible_for_requests(&signed.actor, &requests)
        .await?;
    let mut sections = Vec::new();
    for policy in state
        .policies
        .iter()
        .filter(|p| p.cohort.as_ref().is_some_and(|c| c.cap.is_some()))
    {
        let cap = policy.cohort.as_ref().and_then(|c| c.cap).unwrap_or(0);
        let active: Vec<&RequestRecord> = requests
            .iter()
            .filter(|r| {
                r.request.policy().id == policy.id
                    && matches!(
                        r.request.state(),
                        RequestState::Approved
                            | RequestState::AutoApproved
                            | RequestState::TrialActive
                            | RequestState::ReviewDue
                            | RequestState::Continued
                    )
            })
            .collect();
        // The domain's cohort: places go to active requests first; requests still to
        // be decided join by priority tier (from their evaluation) and date.
        let mut cohort = diapath_domain::capacity::Cohort::new(cap);
        for r in &active {
            cohort.join(diapath_domain::capacity::WaitingEntry {
                request: r.request.id(),
                tier: diapath_domain::capacity::PriorityTier(0),
                since: r.request.created_on(),
            });
        }
        let pending: Vec<&RequestRecord> = requests
            .iter()
            .filter(|r| {
                r.request.policy().id == policy.id
                    && matches!(
                        r.request.state(),
                        RequestState::Submitted | RequestState::ReferredToCommissioner
                    )
            })
            .collect();
        for r in &pending {
            let tier = r
                .request
                .decisions()
                .last()
                .and_then(|d| d.evaluation.get("tier")?.get("tier")?.as_u64())
                .map_or(u8::MAX, |t| t.min(254) as u8);
            cohort.join(diapath_domain::capacity::WaitingEntry {
                request: r.request.id(),
                tier: diapath_domain::capacity::PriorityTier(tier),
                since: r.request.created_on(),
            });
        }
        let waiting: Vec<&RequestRecord> = cohort
            .waiting()
            .iter()
            .filter_map(|w| requests.iter().find(|r| r.request.id() == w.request))
            .collect();
        sections.push(Section::Summary {
            heading: policy.title.clone(),
            rows: vec![
                ("Cohort cap".into(), cap.to_string()),
                ("Places in use".into(), cohort.members().len().to_string()),
                ("Places free".into(), cohort.free().to_string()),
                ("Waiting".into(), waiting.len().to_string()),
            ],
        });
        sections.push(request_table(
            "Waiting list (priority, then date of request)",
            waiting
                .iter()
                .map(|r| request_row(r, &patients, &state))
                .collect(),
            "Nobody is waiting.",
        ));
    }
    if sections.is_empty() {
        sections.push(Section::Inset(
            "No policy in force sets a cohort cap.".into(),
        ));
    }
    Ok(content(
        signed.chrome("/capacity"),
        "Capacity and waiting list",
        String::new(),
        sections,
    ))
}

// ---------------------------------------------------------------- patient

/// Whether the signed-in user may do `op` on this patient (forms check before showing).
fn may(
    signed: &Signed,
    op: diapath_domain::Operation,
    context: &diapath_domain::permissions::PatientContext,
) -> Result<(), WebError> {
    if diapath_domain::permits(&signed.actor, op, diapath_domain::Target::Patient(context)).allowed
    {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

fn pid(id: i64) -> PatientId {
    PatientId::new(id)
}

/// `GET /patients/{id}`.
pub async fn patient(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let now = state.now();
    let today = state.today();
    // The record and the last 28 days of CGM (the report shows the latest fortnight),
    // read and audited together.
    let from = now - SignedDuration::from_hours(24 * 28);
    let (record, readings) = state
        .pathway
        .patients_with_readings(&signed.actor, &[pid(id)], from, now, "patient page", now)
        .await?
        .pop()
        .ok_or(WebError::NotFound)?;
    let p = &record.patient;
    let requests = state
        .pathway
        .requests_visible(&signed.actor, Some(p.id))
        .await?;
    let staff = matches!(
        signed.actor.role,
        Role::SpecialistClinician | Role::SpecialistNurse
    );
    let mut sections = vec![Section::Summary {
        heading: "Details".into(),
        rows: vec![
            ("NHS number".into(), nhs_number(&p.nhs_number)),
            (
                "Date of birth".into(),
                format!(
                    "{} (age {})",
                    date(p.date_of_birth),
                    p.age_on(today).unwrap_or(0)
                ),
            ),
            ("GP practice".into(), p.gp_practice.as_str().to_owned()),
            (
                "Specialist team".into(),
                p.specialist_team.as_str().to_owned(),
            ),
        ],
    }];
    if staff {
        sections.push(Section::Actions(vec![
            (
                "Record an HbA1c result".into(),
                format!("/patients/{id}/evidence/hba1c"),
            ),
            (
                "Record a severe hypo".into(),
                format!("/patients/{id}/evidence/severe-hypo"),
            ),
            (
                "Record an awareness score".into(),
                format!("/patients/{id}/evidence/awareness"),
            ),
            (
                "Record structured education".into(),
                format!("/patients/{id}/evidence/education"),
            ),
            (
                "Record diagnosis, pregnancy or attestation".into(),
                format!("/patients/{id}/evidence/diagnosis"),
            ),
            (
                "Upload a CGM export".into(),
                format!("/patients/{id}/upload"),
            ),
            (
                "Start a request".into(),
                format!("/patients/{id}/requests/new"),
            ),
        ]));
    }
    if signed.actor.role == Role::Gp {
        sections.push(Section::Form(InlineForm {
            heading: "Refer to the specialist team".into(),
            action: format!("/patients/{id}/refer"),
            fields: vec![Field::new(
                "note",
                "Reason for referral",
                FieldKind::TextArea,
            )],
            submit: "Refer".into(),
            warning: false,
        }));
    }
    // Requests.
    sections.push(Section::Table(Table {
        caption: "Requests".into(),
        headers: ["Technology", "Policy", "Started", "Status"]
            .map(String::from)
            .to_vec(),
        rows: requests
            .iter()
            .map(|r| {
                vec![
                    Cell::link(
                        technology(r.request.technology()).to_owned(),
                        format!("/requests/{}", r.request.id()),
                    ),
                    Cell::text(r.request.policy().id.clone()),
                    Cell::text(date(r.request.created_on())),
                    Cell::tag(state_tag(r.request.state())),
                ]
            })
            .collect(),
        empty: "No requests yet.".into(),
    }));
    // Eligibility under every policy in force.
    let facts = policy_facts(p, &record.facts, today);
    let rows = state
        .policies_for(&record.context.icb)
        .await?
        .into_iter()
        .map(|policy| {
            let e = diapath_policy::evaluate(policy, &facts, today, Stage::Initiation);
            vec![
                Cell::link(
                    policy.title.clone(),
                    format!("/patients/{id}/eligibility/{}", policy.id),
                ),
                Cell::text(policy.technology.label().to_owned()),
                Cell::tag(outcome_tag(e.outcome.code())),
            ]
        })
        .collect();
    sections.push(Section::Table(Table {
        caption: format!("Eligibility on {}", date(today)),
        headers: ["Policy", "Technology", "Outcome"]
            .map(String::from)
            .to_vec(),
        rows,
        empty: "No policies are in force.".into(),
    }));
    // CGM.
    let readings = last_fortnight(readings);
    if readings.is_empty() {
        sections.push(Section::Inset("No CGM data in the last 14 days.".into()));
    } else {
        let report = build(
            &Trace::new(p.id.to_string(), readings).0,
            &ReportOptions::default(),
        );
        let mut view = ReportView::new(&report, Units::MmolL);
        view.title = p.name.clone();
        sections.push(Section::Report(Box::new(view)));
    }
    // Facts timeline.
    let mut facts_rows: Vec<Vec<Cell>> = record
        .facts
        .all()
        .iter()
        .map(|f| {
            let (kind, value) = fact_words(f);
            let superseded = record.facts.superseded_by(f.id).is_some();
            vec![
                Cell::text(date(f.observed_on)),
                Cell::text(kind),
                if superseded {
                    Cell::tag(Tag::new(format!("{value} (corrected)"), Colour::Grey))
                } else {
                    Cell::text(value)
                },
                Cell::text(source_words(&f.provenance.source)),
            ]
        })
        .collect();
    facts_rows.reverse();
    sections.push(Section::Table(Table {
        caption: "Facts, newest first".into(),
        headers: ["Date", "Fact", "Value", "Source"]
            .map(String::from)
            .to_vec(),
        rows: facts_rows,
        empty: "Nothing recorded yet.".into(),
    }));
    Ok(content(
        signed.chrome("/patients"),
        &p.name,
        format!("NHS number {}", nhs_number(&p.nhs_number)),
        sections,
    ))
}

/// The 14 days of readings up to the latest one: the report shows the most recent
/// fortnight of data, not the fortnight up to this minute (an upload is often a few
/// hours or days old).
fn last_fortnight(readings: Vec<diapath_glucose::Reading>) -> Vec<diapath_glucose::Reading> {
    let Some(last) = readings.last().map(|r| r.utc()) else {
        return readings;
    };
    let from = last - SignedDuration::from_hours(24 * 14);
    readings.into_iter().filter(|r| r.utc() > from).collect()
}

/// `GET /patients/{id}/report`: the printable AGP report of the last 14 days.
pub async fn patient_report(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let now = state.now();
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "AGP report", now)
        .await?;
    let from = now - SignedDuration::from_hours(24 * 28);
    let readings = last_fortnight(
        state
            .pathway
            .readings(&signed.actor, pid(id), from, now, now)
            .await?,
    );
    let report = build(
        &Trace::new(id.to_string(), readings).0,
        &ReportOptions::default(),
    );
    let mut view = ReportView::new(&report, Units::MmolL);
    view.title = record.patient.name.clone();
    Ok(content(
        signed.chrome("/patients"),
        "AGP report",
        patient_caption(&record.patient),
        vec![Section::Report(Box::new(view))],
    ))
}

/// `GET /patients/{id}/eligibility/{policy}`: criterion by criterion.
pub async fn eligibility(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, policy_id)): Path<(i64, String)>,
) -> PageResult {
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "eligibility", state.now())
        .await?;
    let policy = state.policy(&policy_id).ok_or(WebError::NotFound)?;
    let today = state.today();
    let facts = policy_facts(&record.patient, &record.facts, today);
    let e = diapath_policy::evaluate(policy, &facts, today, Stage::Initiation);
    let report = e.report();
    let mut sections = vec![Section::Eligibility(eligibility_panel(&report))];
    sections.push(Section::Inset(report.next_step.clone()));
    Ok(content(
        signed.chrome("/patients"),
        &policy.title,
        patient_caption(&record.patient),
        sections,
    ))
}

// ---------------------------------------------------------------- evidence

fn evidence_fields(kind: &str) -> Option<(&'static str, Vec<Field>)> {
    let date_field = || Field::new("date", "Date", FieldKind::Date).hint("For example, 2026-11-02");
    let source = || {
        Field::new(
            "source",
            "Where it comes from",
            FieldKind::Radios(vec![
                Choice::new("laboratory", "Laboratory"),
                Choice::new("specialist", "Specialist team record"),
                Choice::new("gp", "GP record"),
                Choice::new("patient", "Reported by the patient"),
            ]),
        )
        .value("specialist")
    };
    Some(match kind {
        "hba1c" => (
            "Record an HbA1c result",
            vec![
                Field::new(
                    "value",
                    "HbA1c",
                    FieldKind::Number {
                        suffix: Some("mmol/mol".into()),
                    },
                )
                .hint("A whole number of mmol/mol, for example 58"),
                date_field(),
                source().value("laboratory"),
            ],
        ),
        "severe-hypo" => (
            "Record a severe hypoglycaemia episode",
            vec![
                date_field(),
                Field::new(
                    "admission",
                    "Did it need hospital admission?",
                    FieldKind::Radios(vec![
                        Choice::new("no", "No, help from another person"),
                        Choice::new("yes", "Yes"),
                    ]),
                )
                .value("no"),
                source(),
            ],
        ),
        "awareness" => (
            "Record a hypoglycaemia awareness score",
            vec![
                Field::new(
                    "scale",
                    "Questionnaire",
                    FieldKind::Radios(vec![
                        Choice::new("gold", "Gold score")
                            .hint("1 (always aware) to 7 (never aware)"),
                        Choice::new("clarke", "Clarke score").hint("0 to 8"),
                    ]),
                )
                .value("gold"),
                Field::new("score", "Score", FieldKind::Number { suffix: None }),
                date_field(),
                source(),
            ],
        ),
        "education" => (
            "Record structured education",
            vec![
                Field::new(
                    "programme",
                    "Programme",
                    FieldKind::Select(vec![
                        Choice::new("dafne", "DAFNE"),
                        Choice::new("bertie", "BERTIE"),
                        Choice::new("desmond", "DESMOND"),
                        Choice::new("xpert", "X-PERT"),
                        Choice::new("other", "Other"),
                    ]),
                ),
                Field::new(
                    "attended",
                    "Sessions attended",
                    FieldKind::Number { suffix: None },
                ),
                Field::new(
                    "total",
                    "Sessions in the course",
                    FieldKind::Number { suffix: None },
                ),
                Field::new(
                    "completed",
                    "Date completed (leave empty if not completed)",
                    FieldKind::Date,
                ),
                date_field(),
            ],
        ),
        "diagnosis" => (
            "Record diagnosis, pregnancy or an attestation",
            vec![
                Field::new(
                    "what",
                    "What to record",
                    FieldKind::Radios(vec![
                        Choice::new("type1", "Diagnosis: type 1 diabetes"),
                        Choice::new("type2", "Diagnosis: type 2 diabetes"),
                        Choice::new("pregnant", "Pregnant"),
                        Choice::new("planning", "Planning pregnancy"),
                        Choice::new("disabling", "Attestation: disabling hypoglycaemia").hint(
                            "Your clinical judgement that hypoglycaemia is disabling (NICE TA151)",
                        ),
                        Choice::new("unstable", "Attestation: unstable blood glucose"),
                        Choice::new("best", "Attestation: best possible management tried"),
                    ]),
                ),
                date_field(),
            ],
        ),
        _ => return None,
    })
}

pub(crate) fn source_of(form: &FormData) -> Source {
    match field(form, "source") {
        Some("laboratory") => Source::Laboratory,
        Some("gp") => Source::GpRecord,
        Some("patient") => Source::PatientReported,
        _ => Source::SpecialistRecord,
    }
}

/// Reads the evidence form; errors are per field.
pub(crate) fn parse_evidence(
    kind: &str,
    form: &FormData,
    today: jiff::civil::Date,
) -> Result<(jiff::civil::Date, FactValue), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let on = match field(form, "date").map(|d| d.parse::<jiff::civil::Date>()) {
        Some(Ok(d)) if d <= today => Some(d),
        Some(Ok(_)) => {
            errors.push(("date", "Date must be today or in the past".to_owned()));
            None
        }
        Some(Err(_)) => {
            errors.push(("date", "Enter a real date, like 2026-11-02".to_owned()));
            None
        }
        None => {
            errors.push(("date", "Enter the date".to_owned()));
            None
        }
    };
    let int =
        |name: &'static str, what: &str, errors: &mut Vec<(&'static str, String)>| -> Option<i64> {
            match field(form, name).map(str::parse::<i64>) {
                Some(Ok(v)) => Some(v),
                _ => {
                    errors.push((name, format!("Enter {what} as a whole number")));
                    None
                }
            }
        };
    let value = match kind {
        "hba1c" => int("value", "HbA1c", &mut errors).and_then(|v| {
            match u16::try_from(v)
                .ok()
                .and_then(|v| Hba1cMmolPerMol::new(v).ok())
            {
                Some(value) => Some(FactValue::Hba1c { value }),
                None => {
                    errors.push(("value", "HbA1c must be between 20 and 200 mmol/mol".into()));
                    None
                }
            }
        }),
        "severe-hypo" => Some(FactValue::SevereHypo {
            admission: field(form, "admission") == Some("yes"),
        }),
        "awareness" => {
            let scale = if field(form, "scale") == Some("clarke") {
                AwarenessScale::Clarke
            } else {
                AwarenessScale::Gold
            };
            int("score", "the score", &mut errors).and_then(|s| {
                match u8::try_from(s)
                    .ok()
                    .and_then(|s| AwarenessScore::new(scale, s).ok())
                {
                    Some(score) => Some(FactValue::Awareness { score }),
                    None => {
                        let (lo, hi) = scale.bounds();
                        errors.push((
                            "score",
                            format!("The {} is between {lo} and {hi}", scale.text()),
                        ));
                        None
                    }
                }
            })
        }
        "education" => {
            let attended = int("attended", "sessions attended", &mut errors);
            let total = int("total", "sessions in the course", &mut errors);
            let completed = field(form, "completed").map(|d| d.parse::<jiff::civil::Date>());
            if let Some(Err(_)) = completed {
                errors.push(("completed", "Enter a real date, like 2026-11-02".into()));
            }
            let programme = match field(form, "programme") {
                Some("dafne") => EducationProgramme::Dafne,
                Some("bertie") => EducationProgramme::Bertie,
                Some("desmond") => EducationProgramme::Desmond,
                Some("xpert") => EducationProgramme::Xpert,
                _ => EducationProgramme::Other,
            };
            match (attended, total) {
                (Some(a), Some(t)) if (0..=50).contains(&a) && (1..=50).contains(&t) && a <= t => {
                    Some(FactValue::StructuredEducation {
                        programme,
                        sessions_attended: a as u8,
                        sessions_total: t as u8,
                        completed_on: completed.and_then(Result::ok),
                    })
                }
                (Some(_), Some(_)) => {
                    errors.push((
                        "attended",
                        "Sessions attended cannot be more than the sessions in the course".into(),
                    ));
                    None
                }
                _ => None,
            }
        }
        "diagnosis" => match field(form, "what") {
            Some("type1") => Some(FactValue::Diagnosis {
                diabetes_type: DiabetesType::Type1,
            }),
            Some("type2") => Some(FactValue::Diagnosis {
                diabetes_type: DiabetesType::Type2,
            }),
            Some("pregnant") => Some(FactValue::Pregnancy {
                status: PregnancyStatus::Pregnant,
            }),
            Some("planning") => Some(FactValue::Pregnancy {
                status: PregnancyStatus::PlanningPregnancy,
            }),
            Some("disabling") => Some(FactValue::Attestation {
                attestation: Attestation::DisablingHypoglycaemia,
                holds: true,
            }),
            Some("unstable") => Some(FactValue::Attestation {
                attestation: Attestation::UnstableGlucose,
                holds: true,
            }),
            Some("best") => Some(FactValue::Attestation {
                attestation: Attestation::BestPossibleManagement,
                holds: true,
            }),
            _ => {
                errors.push(("what", "Select what to record".into()));
                None
            }
        },
        _ => None,
    };
    match (on, value) {
        (Some(on), Some(value)) if errors.is_empty() => Ok((on, value)),
        _ => Err(errors),
    }
}

async fn evidence_page(
    state: &AppState,
    signed: &Signed,
    id: i64,
    kind: &str,
    form: Option<&FormData>,
    errors: &[(&'static str, String)],
) -> PageResult {
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "record evidence", state.now())
        .await?;
    let op = if kind == "education" {
        diapath_domain::Operation::RecordEducation
    } else {
        diapath_domain::Operation::RecordFact
    };
    may(signed, op, &record.context)?;
    let (title, mut fields) = evidence_fields(kind).ok_or(WebError::NotFound)?;
    for f in &mut fields {
        if let Some(v) = form.and_then(|form| {
            form.iter()
                .find(|(k, _)| *k == f.name)
                .map(|(_, v)| v.clone())
        }) {
            *f = f.clone().value(v);
        }
        if let Some((_, e)) = errors.iter().find(|(n, _)| *n == f.name) {
            f.error = e.clone();
        }
    }
    let page = FormPage {
        chrome: signed.chrome("/patients"),
        title: title.into(),
        caption: patient_caption(&record.patient),
        intro: vec![],
        action: format!("/patients/{id}/evidence/{kind}"),
        multipart: false,
        fields,
        submit: "Save".into(),
        back: Some((format!("/patients/{id}"), "Back to the patient".into())),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(status, &page))
}

/// `GET /patients/{id}/evidence/{kind}`.
pub async fn evidence_form(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, kind)): Path<(i64, String)>,
) -> PageResult {
    evidence_page(&state, &signed, id, &kind, None, &[]).await
}

/// `POST /patients/{id}/evidence/{kind}`: validated; on error the form comes back with
/// the NHS error summary and nothing is saved.
pub async fn evidence_save(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, kind)): Path<(i64, String)>,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    match parse_evidence(&kind, &form, state.today()) {
        Err(errors) => evidence_page(&state, &signed, id, &kind, Some(&form), &errors).await,
        Ok((on, value)) => {
            let fact = NewFact {
                observed_on: on,
                value,
                provenance: Provenance {
                    recorded_by: signed.actor.user,
                    recorded_at: state.now(),
                    source: if kind == "education" {
                        Source::EducationProvider
                    } else if kind == "diagnosis"
                        && field(&form, "what")
                            .is_some_and(|w| ["disabling", "unstable", "best"].contains(&w))
                    {
                        Source::ClinicianJudgement
                    } else {
                        source_of(&form)
                    },
                },
            };
            state
                .pathway
                .record_fact(&signed.actor, pid(id), fact, None, state.now())
                .await?;
            Ok(Redirect::to(&format!("/patients/{id}")).into_response())
        }
    }
}

// ---------------------------------------------------------------- upload

fn upload_page(signed: &Signed, id: i64, caption: String, error: Option<String>) -> FormPage {
    let mut file = Field::new("file", "CGM export file", FieldKind::File)
        .hint("LibreView, Dexcom Clarity or CareLink CSV, or Nightscout JSON");
    if let Some(e) = error {
        file.error = e;
    }
    FormPage {
        chrome: signed.chrome("/patients"),
        title: "Upload a CGM export".into(),
        caption,
        intro: vec!["You will see what the file holds before anything is saved.".into()],
        action: format!("/patients/{id}/upload"),
        multipart: true,
        fields: vec![file],
        submit: "Check the file".into(),
        back: Some((format!("/patients/{id}"), "Back to the patient".into())),
    }
}

/// `GET /patients/{id}/upload`.
pub async fn upload_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "upload", state.now())
        .await?;
    let op = if signed.actor.patient == Some(record.patient.id) {
        diapath_domain::Operation::UploadOwnCgm
    } else {
        diapath_domain::Operation::RecordFact
    };
    may(&signed, op, &record.context)?;
    Ok(render(
        StatusCode::OK,
        &upload_page(&signed, id, patient_caption(&record.patient), None),
    ))
}

/// `POST /patients/{id}/upload`: parse, show a preview, keep the file pending.
pub async fn upload_preview(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    mut multipart: Multipart,
) -> PageResult {
    let now = state.now();
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "upload", now)
        .await?;
    let mut csrf = None;
    let mut data: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(part)) = multipart.next_field().await {
        match part.name() {
            Some("csrf") => csrf = part.text().await.ok(),
            Some("file") => {
                let name = part.file_name().unwrap_or("upload").to_owned();
                let bytes = part
                    .bytes()
                    .await
                    .map_err(|e| WebError::Invalid(e.to_string()))?;
                data = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    signed.check_csrf(csrf.as_deref())?;
    let caption = patient_caption(&record.patient);
    let Some((name, bytes)) = data.filter(|(_, b)| !b.is_empty()) else {
        return Ok(render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &upload_page(&signed, id, caption, Some("Select a file".into())),
        ));
    };
    let options = ImportOptions {
        zone: state.zone.clone(),
        subject: Some(id.to_string()),
        date_order: None,
    };
    let imported = match import::read(bytes.as_slice(), &name, &options) {
        Ok(i) if !i.is_empty() => i,
        Ok(_) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &upload_page(
                    &signed,
                    id,
                    caption,
                    Some("The file holds no CGM readings".into()),
                ),
            ));
        }
        Err(e) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &upload_page(&signed, id, caption, Some(e.to_string())),
            ));
        }
    };
    let merged = import::merge(vec![imported.clone()]);
    let trace = merged.traces.into_iter().next().unwrap_or_default();
    let report = build(&trace, &ReportOptions::default());
    let upload_id = auth::new_token()
        .map_err(|e| WebError::Internal(Box::new(std::io::Error::other(e.to_string()))))?;
    let body = serde_json::json!({
        "patient": id,
        "name": name,
        "format": imported.format.name(),
        "data": String::from_utf8_lossy(&bytes),
    });
    state
        .pathway
        .store()
        .commit(
            &[Write::Insert(
                NewDoc::new("upload", &upload_id, body).patient(&id.to_string()),
            )],
            &[diapath_store::AuditEntry::new(
                format!("user/{}", signed.actor.user),
                "upload-preview",
                Some(&id.to_string()),
                "upload",
                imported.format.name(),
            )],
            now,
        )
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    let mut view = ReportView::new(&report, Units::MmolL);
    view.title = record.patient.name.clone();
    let sections = vec![
        Section::Summary {
            heading: "What the file holds".into(),
            rows: vec![
                ("File".into(), name),
                ("Format".into(), imported.format.name().into()),
                ("CGM readings".into(), trace.len().to_string()),
                ("Period".into(), view.period.clone()),
                (
                    "Warnings".into(),
                    imported
                        .report
                        .warnings
                        .iter()
                        .map(|w| w.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ],
        },
        Section::Form(InlineForm {
            heading: "Save these readings to the record?".into(),
            action: format!("/patients/{id}/upload/{upload_id}"),
            fields: vec![],
            submit: "Save readings".into(),
            warning: false,
        }),
        Section::Report(Box::new(view)),
    ];
    Ok(content(
        signed.chrome("/patients"),
        "Check the upload",
        caption,
        sections,
    ))
}

/// `POST /patients/{id}/upload/{upload}`: import the pending file, all or nothing.
pub async fn upload_save(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, upload)): Path<(i64, String)>,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    let doc = state
        .pathway
        .store()
        .get("upload", &upload)
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?
        .ok_or(WebError::NotFound)?;
    if doc.patient.as_deref() != Some(&id.to_string()) {
        return Err(WebError::NotFound);
    }
    let text = doc.body["data"].as_str().unwrap_or("").to_owned();
    let name = doc.body["name"].as_str().unwrap_or("upload").to_owned();
    let options = ImportOptions {
        zone: state.zone.clone(),
        subject: Some(id.to_string()),
        date_order: None,
    };
    let imported = import::read(text.as_bytes(), &name, &options)
        .map_err(|e| WebError::Invalid(e.to_string()))?;
    let source = imported.format.name().to_lowercase();
    let merged = import::merge(vec![imported]);
    let readings: Vec<_> = merged
        .traces
        .iter()
        .flat_map(|t| t.readings().iter().copied())
        .collect();
    let requests = state
        .pathway
        .requests_visible(&signed.actor, Some(pid(id)))
        .await?;
    let monitoring = requests
        .iter()
        .rev()
        .find(|r| {
            matches!(
                r.request.state(),
                RequestState::TrialActive | RequestState::ReviewDue | RequestState::Continued
            )
        })
        .map(|r| r.request.id());
    state
        .pathway
        .import_readings(
            &signed.actor,
            pid(id),
            monitoring,
            &source,
            &readings,
            state.now(),
        )
        .await?;
    let to = if signed.actor.role == Role::Patient {
        "/me".to_owned()
    } else {
        format!("/patients/{id}")
    };
    Ok(Redirect::to(&to).into_response())
}

// ---------------------------------------------------------------- requests

/// `GET /patients/{id}/requests/new`.
pub async fn request_new_form(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "new request", state.now())
        .await?;
    let would_be = diapath_domain::permissions::RequestContext {
        patient: record.context.clone(),
        requesting_team: record.patient.specialist_team.clone(),
        commissioner: record.context.icb.clone(),
        // The least restrictive policy: each policy's own rule is checked on submit.
        specialist_only: false,
    };
    if !diapath_domain::permits(
        &signed.actor,
        diapath_domain::Operation::CreateRequest,
        diapath_domain::Target::Request(&would_be),
    )
    .allowed
    {
        return Err(WebError::Forbidden);
    }
    let today = state.today();
    let facts = policy_facts(&record.patient, &record.facts, today);
    let choices = state
        .policies_for(&record.context.icb)
        .await?
        .into_iter()
        .map(|p| {
            let e = diapath_policy::evaluate(p, &facts, today, Stage::Initiation);
            Choice::new(p.id.clone(), p.title.clone()).hint(format!(
                "{}: {}",
                p.technology.label(),
                outcome_tag(e.outcome.code()).text
            ))
        })
        .collect();
    let page = FormPage {
        chrome: signed.chrome("/patients"),
        title: "Start a request".into(),
        caption: patient_caption(&record.patient),
        intro: vec!["Choose the policy the request is made under. The request starts as a draft; you submit it when the evidence is complete.".into()],
        action: format!("/patients/{id}/requests/new"),
        multipart: false,
        fields: vec![Field::new("policy", "Policy", FieldKind::Radios(choices))],
        submit: "Start the request".into(),
        back: Some((format!("/patients/{id}"), "Back to the patient".into())),
    };
    Ok(render(StatusCode::OK, &page))
}

/// `POST /patients/{id}/requests/new`.
pub async fn request_create(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    let Some(policy) = field(&form, "policy").and_then(|p| state.policy(p)) else {
        return Err(WebError::Invalid("Select a policy".into()));
    };
    let record = state
        .pathway
        .patient(&signed.actor, pid(id), "new request", state.now())
        .await?;
    let new = NewRequest {
        id: RequestId::new(0),
        patient: record.patient.id,
        technology: diapath_domain::eligibility::technology(policy),
        policy: PolicyRef {
            id: policy.id.clone(),
            version: policy.version.clone(),
        },
        specialist_only: diapath_domain::eligibility::specialist_only(policy),
        requested_by: signed.actor.user,
        requesting_team: record.patient.specialist_team.clone(),
        commissioner: record.context.icb.clone(),
        created_on: state.today(),
    };
    let rid = state
        .pathway
        .create_request(&signed.actor, new, state.now())
        .await?;
    Ok(Redirect::to(&format!("/requests/{rid}")).into_response())
}

/// `POST /patients/{id}/refer`: a GP refers a patient to the specialist team (recorded
/// as a patient-reported fact of interest on the record's event stream).
pub async fn refer(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    state
        .pathway
        .refer(
            &signed.actor,
            pid(id),
            field(&form, "note").unwrap_or(""),
            state.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/patients/{id}")).into_response())
}

fn decision_form(id: i64, version: u64) -> Section {
    let reasons = [
        ReasonCode::AllCriteriaMet,
        ReasonCode::ExceptionalClinicalCircumstances,
        ReasonCode::NewEvidenceMeetsCriteria,
        ReasonCode::CriteriaNotMet,
        ReasonCode::EvidenceInsufficient,
        ReasonCode::NotClinicallyExceptional,
        ReasonCode::OutsidePolicy,
    ];
    Section::Form(InlineForm {
        heading: "Decide".into(),
        action: format!("/requests/{id}/decide"),
        fields: vec![
            Field::new("version", "", FieldKind::Hidden).value(version.to_string()),
            Field::new(
                "decision",
                "Decision",
                FieldKind::Radios(vec![
                    Choice::new("approve", "Approve"),
                    Choice::new("refuse", "Refuse"),
                ]),
            ),
            Field::new(
                "reason",
                "Coded reason",
                FieldKind::Radios(
                    reasons
                        .iter()
                        .map(|r| Choice::new(format!("{r:?}"), r.text()))
                        .collect(),
                ),
            ),
            Field::new("text", "Explanation for the letter", FieldKind::TextArea),
        ],
        submit: "Record the decision".into(),
        warning: false,
    })
}

/// `GET /requests/{id}`: the request, its evidence and the actions open to the user.
pub async fn request(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let now = state.now();
    let today = state.today();
    let r = state
        .pathway
        .request(&signed.actor, RequestId::new(id), "request page", now)
        .await?;
    let req = &r.request;
    let patient = state.pathway.patient_for_request(&signed.actor, &r).await?;
    let policy = state.policy(&req.policy().id);
    let mut sections = vec![Section::Summary {
        heading: "Request".into(),
        rows: vec![
            ("Status".into(), state_tag(req.state()).text),
            ("Technology".into(), technology(req.technology()).to_owned()),
            (
                "Policy".into(),
                format!("{} (version {})", req.policy().id, req.policy().version),
            ),
            ("Started".into(), date(req.created_on())),
            (
                "Commissioner".into(),
                req.commissioner().as_str().to_owned(),
            ),
        ],
    }];
    for d in req.decisions() {
        sections.push(Section::Summary {
            heading: format!(
                "Decision on {}: {}",
                date(d.decided_on),
                decision_words(d.outcome)
            ),
            rows: vec![
                (
                    "Reasons".into(),
                    d.reasons
                        .iter()
                        .map(|r| r.text())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                ("Explanation".into(), d.free_text.clone()),
                (
                    "Policy version".into(),
                    format!("{} {}", d.policy.id, d.policy.version),
                ),
            ],
        });
    }
    // The evidence: the last decision's snapshot, or a live evaluation.
    let live = match (policy, &patient) {
        (Some(policy), Some(record)) => {
            Some(evaluation_of(policy, &record.patient, &record.facts, today))
        }
        _ => None,
    };
    let snapshot = req
        .decisions()
        .last()
        .map(|d| d.evaluation.clone())
        .or_else(|| live.as_ref().map(|e| e.snapshot.clone()));
    if let Some(panel) = snapshot.as_ref().and_then(eligibility_panel_json) {
        sections.push(Section::Eligibility(panel));
    }
    if let Some(c) = req.contract() {
        sections.push(Section::Table(Table {
            caption: format!("Contract: review on {}", date(c.review_date)),
            headers: ["Goal", "Baseline", "Target", "By"]
                .map(String::from)
                .to_vec(),
            rows: c
                .goals
                .iter()
                .map(|g| {
                    vec![
                        Cell::text(g.metric.text()),
                        Cell::text(format!("{}", g.baseline)),
                        Cell::text(format!("{}", g.target)),
                        Cell::text(date(g.by)),
                    ]
                })
                .collect(),
            empty: "No goals.".into(),
        }));
    }
    let v = req.version();
    let role = signed.actor.role;
    let clinician = role == Role::SpecialistClinician;
    let hidden = || Field::new("version", "", FieldKind::Hidden).value(v.to_string());
    match req.state() {
        RequestState::Draft if clinician => sections.push(Section::Form(InlineForm {
            heading: "Submit".into(),
            action: format!("/requests/{id}/submit"),
            fields: vec![hidden()],
            submit: "Check evidence and submit".into(),
            warning: false,
        })),
        RequestState::Submitted if clinician => sections.push(Section::Form(InlineForm {
            heading: "Send for a decision".into(),
            action: format!("/requests/{id}/route"),
            fields: vec![hidden()],
            submit: "Evaluate and send for a decision".into(),
            warning: false,
        })),
        RequestState::ReferredToCommissioner
        | RequestState::ExceptionalCase
        | RequestState::ReconsiderationRequested
        | RequestState::Appealed
            if role == Role::Commissioner =>
        {
            sections.push(decision_form(id, v))
        }
        RequestState::Approved | RequestState::AutoApproved if clinician => {
            sections.push(Section::Form(InlineForm {
                heading: "Agree the contract and start the 6-month trial".into(),
                action: format!("/requests/{id}/contract"),
                fields: vec![
                    hidden(),
                    Field::new(
                        "tir",
                        "Time in range target",
                        FieldKind::Number {
                            suffix: Some("%".into()),
                        },
                    )
                    .value("60")
                    .hint("Time 3.9–10.0 mmol/L to reach by the review"),
                    Field::new(
                        "wear",
                        "Sensor wear target",
                        FieldKind::Number {
                            suffix: Some("%".into()),
                        },
                    )
                    .value("70"),
                    Field::new(
                        "agreed",
                        "The patient agrees to the contract",
                        FieldKind::Checkboxes(vec![Choice::new("yes", "Yes, agreement recorded")]),
                    ),
                ],
                submit: "Start the trial".into(),
                warning: false,
            }))
        }
        RequestState::TrialActive
            if clinician && req.contract().is_some_and(|c| c.review_date <= today) =>
        {
            sections.push(Section::Form(InlineForm {
                heading: "The review date has come".into(),
                action: format!("/requests/{id}/review-due"),
                fields: vec![hidden()],
                submit: "Open the review".into(),
                warning: false,
            }))
        }
        RequestState::ReviewDue if clinician => sections.push(Section::Actions(vec![(
            "Run the 6-month review".into(),
            format!("/requests/{id}/review"),
        )])),
        RequestState::Refused if clinician => sections.push(Section::Form(InlineForm {
            heading: "Ask for reconsideration".into(),
            action: format!("/requests/{id}/reconsider"),
            fields: vec![
                hidden(),
                Field::new("text", "What is new", FieldKind::TextArea)
                    .hint("Record the new evidence first; the request is re-evaluated with it"),
            ],
            submit: "Request reconsideration".into(),
            warning: false,
        })),
        _ => {}
    }
    if req.state() == RequestState::Refused
        && matches!(role, Role::SpecialistClinician | Role::Patient)
    {
        sections.push(Section::Form(InlineForm {
            heading: "Appeal".into(),
            action: format!("/requests/{id}/appeal"),
            fields: vec![
                hidden(),
                Field::new("text", "Grounds for appeal", FieldKind::TextArea),
            ],
            submit: "Lodge an appeal".into(),
            warning: false,
        }));
    }
    if clinician && !req.state().is_final() && req.state() != RequestState::Withdrawn {
        sections.push(Section::Form(InlineForm {
            heading: "Withdraw".into(),
            action: format!("/requests/{id}/withdraw"),
            fields: vec![hidden(), Field::new("text", "Why", FieldKind::TextArea)],
            submit: "Withdraw the request".into(),
            warning: true,
        }));
    }
    let caption = patient
        .as_ref()
        .map(|p| patient_caption(&p.patient))
        .unwrap_or_default();
    let current = if role == Role::Commissioner {
        "/decisions"
    } else {
        "/patients"
    };
    Ok(content(
        signed.chrome(current),
        &format!("Request {id}"),
        caption,
        sections,
    ))
}

fn parse_version(form: &FormData) -> Result<u64, WebError> {
    field(form, "version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            WebError::Invalid("The form is missing the record version; reload the page".into())
        })
}

/// `POST /requests/{id}/{action}`: submit, decide, contract, review-due, reconsider,
/// appeal, withdraw.
pub async fn request_action(
    State(state): State<AppState>,
    signed: Signed,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<FormData>,
) -> PageResult {
    act_on(state, signed, id, &action, form).await
}

/// `POST /requests/{id}/review`: record the review (confirm or override).
pub async fn review_save(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
    Form(form): Form<FormData>,
) -> PageResult {
    act_on(state, signed, id, "review", form).await
}

pub(crate) async fn act_on(
    state: AppState,
    signed: Signed,
    id: i64,
    action: &str,
    form: FormData,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    let now = state.now();
    let today = state.today();
    let rid = RequestId::new(id);
    let version = parse_version(&form)?;
    let r = state
        .pathway
        .request(&signed.actor, rid, "request action", now)
        .await?;
    let policy = state
        .policy(&r.request.policy().id)
        .ok_or(WebError::NotFound)?;
    let record = state.pathway.patient_for_request(&signed.actor, &r).await?;
    let facts_now = |record: &Option<diapath_store::pathway::PatientRecord>| -> Vec<diapath_domain::facts::Fact> {
        record.as_ref().map(|p| p.facts.current_as_of(today).into_iter().cloned().collect()).unwrap_or_default()
    };
    let evaluation = || {
        record
            .as_ref()
            .map(|p| evaluation_of(policy, &p.patient, &p.facts, today))
            .ok_or(WebError::Forbidden)
    };
    let cmd = |action: Action| Command {
        expected_version: version,
        by: signed.actor.user,
        at: now,
        on: today,
        action,
    };
    let by = signed.actor.user;
    match action {
        "submit" | "route" => {
            let facts = facts_now(&record);
            let mut next_version = version;
            if action == "submit" {
                state
                    .pathway
                    .act(
                        &signed.actor,
                        rid,
                        cmd(Action::Submit {
                            required: required_evidence(policy),
                            facts: facts.clone(),
                        }),
                    )
                    .await?;
                next_version += 1;
            }
            // Route it: automatic approval where the policy allows and every criterion
            // is met; otherwise to the commissioner.
            let e = evaluation()?;
            let input = DecisionInput {
                reasons: vec![if e.all_criteria_met && e.auto_approval_allowed {
                    ReasonCode::AllCriteriaMet
                } else if e.all_criteria_met {
                    ReasonCode::AutoApprovalNotAllowed
                } else {
                    ReasonCode::NeedsCommissionerJudgement
                }],
                free_text: String::new(),
                evaluation: e.clone(),
                facts,
            };
            let next = Command {
                expected_version: next_version,
                by,
                at: now,
                on: today,
                action: if e.all_criteria_met && e.auto_approval_allowed {
                    Action::AutoApprove(input)
                } else {
                    Action::ReferToCommissioner(input)
                },
            };
            state.pathway.act(&signed.actor, rid, next).await?;
        }
        "decide" => {
            let reason = field(&form, "reason").and_then(reason_code);
            let (Some(decision), Some(reason)) = (field(&form, "decision"), reason) else {
                return Err(WebError::Invalid(
                    "Select a decision and a coded reason".into(),
                ));
            };
            // The commissioner decides on the evidence as submitted (or as re-run for a
            // reconsideration), not on a record they may not open.
            let (evaluation, facts) = evidence_of(&r, evaluation().ok(), facts_now(&record));
            let input = DecisionInput {
                reasons: vec![reason],
                free_text: field(&form, "text").unwrap_or("").to_owned(),
                evaluation,
                facts,
            };
            let action = if decision == "approve" {
                Action::Approve(input)
            } else {
                Action::Refuse(input)
            };
            state.pathway.act(&signed.actor, rid, cmd(action)).await?;
        }
        "contract" => {
            if field(&form, "agreed") != Some("yes") {
                return Err(WebError::Invalid(
                    "Record the patient's agreement to start the trial".into(),
                ));
            }
            let num = |n: &str| {
                field(&form, n)
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|v| (0.0..=100.0).contains(v))
            };
            let (Some(tir), Some(wear)) = (num("tir"), num("wear")) else {
                return Err(WebError::Invalid(
                    "Enter the targets as percentages between 0 and 100".into(),
                ));
            };
            let review_by = today.checked_add(6.months()).unwrap_or(today);
            let goals = vec![
                Goal::new(GoalMetric::TimeInRange, 0.0, tir, review_by),
                Goal::new(GoalMetric::SensorWear, 0.0, wear, review_by),
            ];
            let contract = Contract::new(rid, goals, ContinuationRule::AllGoals, today, None)?
                .agree(today, by);
            state
                .pathway
                .act(&signed.actor, rid, cmd(Action::StartTrial(contract)))
                .await?;
        }
        "review-due" => {
            state
                .pathway
                .act(&signed.actor, rid, cmd(Action::MarkReviewDue))
                .await?;
            return Ok(Redirect::to(&format!("/requests/{id}/review")).into_response());
        }
        "review" => {
            let (evaluation, facts) = review_evaluation(&state, &signed, &r).await?;
            let outcome = match field(&form, "decision") {
                Some("confirm") => evaluation.confirm(by)?,
                Some(other) => {
                    let decision = if other == "continue" {
                        diapath_domain::review::ReviewDecision::Continue
                    } else {
                        diapath_domain::review::ReviewDecision::Discontinue
                    };
                    let Some(reason) = field(&form, "reason") else {
                        return Err(WebError::Invalid(
                            "Give the reason for overriding the recommendation".into(),
                        ));
                    };
                    evaluation.decide(decision, reason, by)?
                }
                None => {
                    return Err(WebError::Invalid(
                        "Confirm or override the recommendation".into(),
                    ));
                }
            };
            state
                .pathway
                .act(
                    &signed.actor,
                    rid,
                    cmd(Action::RecordReview { outcome, facts }),
                )
                .await?;
        }
        "reconsider" => {
            let e = evaluation()?;
            state
                .pathway
                .act(
                    &signed.actor,
                    rid,
                    cmd(Action::RequestReconsideration {
                        new_information: field(&form, "text").unwrap_or("new evidence").to_owned(),
                        evaluation: e,
                        deadline_days: 28,
                    }),
                )
                .await?;
        }
        "appeal" => {
            state
                .pathway
                .act(
                    &signed.actor,
                    rid,
                    cmd(Action::Appeal {
                        ground: AppealGround::EvidenceNotConsidered,
                        text: field(&form, "text").unwrap_or("").to_owned(),
                        deadline_days: 42,
                    }),
                )
                .await?;
        }
        "withdraw" => {
            let reason = if signed.actor.role == Role::Patient {
                ReasonCode::WithdrawnByPatient
            } else {
                ReasonCode::WithdrawnByClinician
            };
            state
                .pathway
                .act(
                    &signed.actor,
                    rid,
                    cmd(Action::Withdraw {
                        reason,
                        text: field(&form, "text").unwrap_or("").to_owned(),
                    }),
                )
                .await?;
        }
        _ => return Err(WebError::NotFound),
    }
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

/// The evaluation and facts a decision rests on: the latest reconsideration's re-run
/// evaluation, else the last routing decision's snapshot, else a live one.
fn evidence_of(
    r: &RequestRecord,
    live: Option<diapath_domain::request::Evaluation>,
    live_facts: Vec<diapath_domain::facts::Fact>,
) -> (
    diapath_domain::request::Evaluation,
    Vec<diapath_domain::facts::Fact>,
) {
    let last = r.request.decisions().last();
    let facts = last
        .map(|d| d.facts.clone())
        .filter(|f| !f.is_empty())
        .unwrap_or(live_facts);
    if let Some(e) = r
        .request
        .challenges()
        .last()
        .and_then(|c| c.evaluation.clone())
    {
        return (e, facts);
    }
    if let Some(d) = last {
        let eligible = d.evaluation.get("outcome").and_then(|o| o.as_str()) == Some("eligible");
        let e = diapath_domain::request::Evaluation {
            policy: d.policy.clone(),
            all_criteria_met: eligible,
            auto_approval_allowed: false,
            snapshot: d.evaluation.clone(),
        };
        return (e, facts);
    }
    let e = live.unwrap_or_else(|| diapath_domain::request::Evaluation {
        policy: r.request.policy().clone(),
        all_criteria_met: false,
        auto_approval_allowed: false,
        snapshot: serde_json::Value::Null,
    });
    (e, facts)
}

fn reason_code(text: &str) -> Option<ReasonCode> {
    [
        ReasonCode::AllCriteriaMet,
        ReasonCode::ExceptionalClinicalCircumstances,
        ReasonCode::NewEvidenceMeetsCriteria,
        ReasonCode::CriteriaNotMet,
        ReasonCode::EvidenceInsufficient,
        ReasonCode::NotClinicallyExceptional,
        ReasonCode::OutsidePolicy,
    ]
    .into_iter()
    .find(|r| format!("{r:?}") == text)
}

async fn review_evaluation(
    state: &AppState,
    signed: &Signed,
    r: &RequestRecord,
) -> Result<
    (
        diapath_domain::review::ReviewEvaluation,
        Vec<diapath_domain::facts::Fact>,
    ),
    WebError,
> {
    let contract = r
        .request
        .contract()
        .ok_or_else(|| WebError::Invalid("This request has no contract".into()))?;
    let now = state.now();
    let today = state.today();
    let record = state
        .pathway
        .patient(&signed.actor, r.request.patient(), "trial review", now)
        .await?;
    let from = contract
        .trial_start
        .to_zoned(state.zone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    let readings = state
        .pathway
        .readings(&signed.actor, r.request.patient(), from, now, now)
        .await?;
    let window = ReviewWindow {
        from: from.max(now - SignedDuration::from_hours(24 * 28)),
        to: now,
    };
    let evaluation = evaluate_review(
        contract,
        &record.facts,
        &Trace::new("review", readings).0,
        window,
        today,
    );
    Ok((
        evaluation,
        record
            .facts
            .current_as_of(today)
            .into_iter()
            .cloned()
            .collect(),
    ))
}

/// `GET /requests/{id}/review`: goal by goal, with the recommendation.
pub async fn review(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> PageResult {
    let r = state
        .pathway
        .request(
            &signed.actor,
            RequestId::new(id),
            "trial review",
            state.now(),
        )
        .await?;
    let (evaluation, _) = review_evaluation(&state, &signed, &r).await?;
    let rows = evaluation
        .goals
        .iter()
        .map(|g| {
            vec![
                Cell::text(g.goal.metric.text()),
                Cell::text(format!("{}", g.goal.target)),
                Cell::text(
                    g.value
                        .map_or_else(|| "no data".to_owned(), |v| format!("{v:.1}")),
                ),
                Cell::tag(match g.status {
                    diapath_domain::review::GoalStatus::Met => Tag::new("Met", Colour::Green),
                    diapath_domain::review::GoalStatus::NotMet => Tag::new("Not met", Colour::Red),
                    diapath_domain::review::GoalStatus::Unknown => {
                        Tag::new("Unknown", Colour::Yellow)
                    }
                }),
            ]
        })
        .collect();
    let sections = vec![
        Section::Table(Table {
            caption: "Goals agreed in the contract".into(),
            headers: ["Goal", "Target", "Result", ""].map(String::from).to_vec(),
            rows,
            empty: "No goals.".into(),
        }),
        Section::Inset(format!(
            "Recommendation: {:?}. {}",
            evaluation.recommendation,
            evaluation
                .reasons
                .iter()
                .map(|r| r.text())
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Section::Form(InlineForm {
            heading: "Your decision".into(),
            action: format!("/requests/{id}/review"),
            fields: vec![
                Field::new("version", "", FieldKind::Hidden).value(r.request.version().to_string()),
                Field::new(
                    "decision",
                    "Decision",
                    FieldKind::Radios(vec![
                        Choice::new("confirm", "Confirm the recommendation"),
                        Choice::new("continue", "Override: continue"),
                        Choice::new("discontinue", "Override: discontinue"),
                    ]),
                ),
                Field::new("reason", "Reason for an override", FieldKind::TextArea),
            ],
            submit: "Record the review".into(),
            warning: false,
        }),
    ];
    Ok(content(
        signed.chrome("/worklist"),
        "6-month trial review",
        format!("Request {id}"),
        sections,
    ))
}

// ---------------------------------------------------------------- patient, admin, audit

/// `GET /me`: the patient's own status, reasons and goals.
pub async fn me(State(state): State<AppState>, signed: Signed) -> PageResult {
    let Some(own) = signed.actor.patient else {
        return Err(WebError::Forbidden);
    };
    let now = state.now();
    let record = state
        .pathway
        .patient(&signed.actor, own, "own record", now)
        .await?;
    let requests = state
        .pathway
        .requests_visible(&signed.actor, Some(own))
        .await?;
    let mut sections = Vec::new();
    if requests.is_empty() {
        sections.push(Section::Inset("There is no request for diabetes technology on your record yet. Your diabetes team will tell you if you can have one.".into()));
    }
    for r in &requests {
        let req = &r.request;
        sections.push(Section::Summary {
            heading: technology(req.technology()).to_owned(),
            rows: vec![
                ("Status".into(), state_tag(req.state()).text),
                ("Started".into(), date(req.created_on())),
            ],
        });
        if let Some(d) = req.decisions().last() {
            sections.push(Section::Summary {
                heading: "The decision and why".into(),
                rows: vec![
                    ("Decision".into(), capitalised(decision_words(d.outcome))),
                    (
                        "Reasons".into(),
                        d.reasons
                            .iter()
                            .map(|r| r.text())
                            .collect::<Vec<_>>()
                            .join("; "),
                    ),
                    ("Explanation".into(), d.free_text.clone()),
                ],
            });
            if let Some(panel) = eligibility_panel_json(&d.evaluation)
                && !panel.would_change.is_empty()
            {
                sections.push(Section::Warning {
                    heading: "What would change the decision".into(),
                    text: panel.would_change.join(" "),
                });
            }
        }
        if let Some(c) = req.contract() {
            sections.push(Section::Table(Table {
                caption: format!("Your goals, reviewed on {}", date(c.review_date)),
                headers: ["Goal", "Target"].map(String::from).to_vec(),
                rows: c
                    .goals
                    .iter()
                    .map(|g| {
                        vec![
                            Cell::text(g.metric.text()),
                            Cell::text(format!("{}", g.target)),
                        ]
                    })
                    .collect(),
                empty: String::new(),
            }));
        }
    }
    let from = now - SignedDuration::from_hours(24 * 28);
    let readings = last_fortnight(
        state
            .pathway
            .readings(&signed.actor, own, from, now, now)
            .await?,
    );
    if !readings.is_empty() {
        let report = build(&Trace::new("me", readings).0, &ReportOptions::default());
        let mut view = ReportView::new(&report, Units::MmolL);
        view.title = record.patient.name.clone();
        sections.push(Section::Report(Box::new(view)));
    }
    sections.push(Section::Actions(vec![(
        "Upload your own CGM export".into(),
        format!("/patients/{own}/upload"),
    )]));
    Ok(content(
        signed.chrome("/me"),
        "My diabetes technology",
        record.patient.name.clone(),
        sections,
    ))
}

/// `GET /admin/users`.
pub async fn users(State(state): State<AppState>, signed: Signed) -> PageResult {
    if signed.actor.role != Role::Administrator {
        return Err(WebError::Forbidden);
    }
    let accounts = state.pathway.accounts().await?;
    let rows = accounts
        .iter()
        .map(|a| {
            vec![
                Cell::text(a.username.clone()),
                Cell::text(a.user.name().to_owned()),
                Cell::text(a.user.role().text().to_owned()),
                Cell::text(
                    a.user
                        .organisation()
                        .map(|o| o.as_str().to_owned())
                        .unwrap_or_default(),
                ),
            ]
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .filter(|r| **r != Role::Patient)
        .map(|r| Choice::new(format!("{r:?}"), r.text()))
        .collect();
    let sections = vec![
        Section::Table(Table {
            caption: "Users".into(),
            headers: ["Username", "Name", "Role", "Organisation"]
                .map(String::from)
                .to_vec(),
            rows,
            empty: "No users.".into(),
        }),
        Section::Form(InlineForm {
            heading: "Add a staff user".into(),
            action: "/admin/users".into(),
            fields: vec![
                Field::new("username", "Username", FieldKind::Text),
                Field::new("name", "Full name", FieldKind::Text),
                Field::new("role", "Role", FieldKind::Select(roles)),
                Field::new("org", "Organisation code (ODS)", FieldKind::Text),
                Field::new(
                    "password",
                    "Initial password (at least 12 characters)",
                    FieldKind::Password,
                ),
            ],
            submit: "Add user".into(),
            warning: false,
        }),
    ];
    Ok(content(
        signed.chrome("/admin/users"),
        "Users",
        String::new(),
        sections,
    ))
}

/// `POST /admin/users`.
pub async fn user_create(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    if signed.actor.role != Role::Administrator {
        return Err(WebError::Forbidden);
    }
    let role = Role::ALL
        .into_iter()
        .find(|r| Some(format!("{r:?}").as_str()) == field(&form, "role"))
        .ok_or_else(|| WebError::Invalid("Choose a role".into()))?;
    let org = OdsCode::parse(field(&form, "org").unwrap_or(""))
        .map_err(|e| WebError::Invalid(e.to_string()))?;
    let username = field(&form, "username")
        .ok_or_else(|| WebError::Invalid("Enter a username".into()))?
        .to_owned();
    let password = field(&form, "password").unwrap_or("");
    let hash = auth::hash_password(password).map_err(|e| WebError::Invalid(e.to_string()))?;
    let next = state.pathway.accounts().await?.len() as i64 + 1000;
    let user = User::staff(
        UserId::new(next),
        field(&form, "name").unwrap_or(""),
        role,
        org,
    )?;
    state
        .pathway
        .add_account(
            &Account {
                username,
                user,
                password_hash: hash,
            },
            &format!("user/{}", signed.actor.user),
            state.now(),
        )
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// `GET /admin/organisations`: organisations, and which policies each area has on.
pub async fn organisations(State(state): State<AppState>, signed: Signed) -> PageResult {
    if signed.actor.role != Role::Administrator {
        return Err(WebError::Forbidden);
    }
    let orgs = state.pathway.organisations().await?;
    let rows = orgs
        .iter()
        .map(|o| {
            vec![
                Cell::text(o.code().as_str().to_owned()),
                Cell::text(o.name().to_owned()),
                Cell::text(format!("{:?}", o.kind())),
                Cell::text(o.icb().as_str().to_owned()),
            ]
        })
        .collect();
    let mut sections = vec![Section::Table(Table {
        caption: "Organisations".into(),
        headers: ["Code", "Name", "Kind", "ICB"].map(String::from).to_vec(),
        rows,
        empty: "None.".into(),
    })];
    for icb in orgs
        .iter()
        .filter(|o| o.kind() == diapath_domain::OrganisationKind::Icb)
    {
        let active = state.pathway.active_policies(icb.code()).await?;
        let choices = state
            .policies
            .iter()
            .map(|p| {
                let mut c =
                    Choice::new(p.id.clone(), format!("{} (version {})", p.title, p.version));
                c.selected = active.as_ref().is_none_or(|a| a.contains(&p.id));
                c
            })
            .collect();
        sections.push(Section::Form(InlineForm {
            heading: format!("Policies active in {}", icb.name()),
            action: "/admin/organisations".into(),
            fields: vec![
                Field::new("area", "", FieldKind::Hidden).value(icb.code().as_str()),
                Field::new("policy", "Policies", FieldKind::Checkboxes(choices))
                    .hint("Until an area chooses, every policy in the library applies."),
            ],
            submit: "Save the area's policies".into(),
            warning: false,
        }));
    }
    Ok(content(
        signed.chrome("/admin/organisations"),
        "Organisations and policies",
        String::new(),
        sections,
    ))
}

/// `POST /admin/organisations`: set an area's active policies.
pub async fn area_policies_save(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<FormData>,
) -> PageResult {
    signed.check_csrf(field(&form, "csrf"))?;
    let area = OdsCode::parse(field(&form, "area").unwrap_or(""))
        .map_err(|e| WebError::Invalid(e.to_string()))?;
    let active: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "policy")
        .map(|(_, v)| v.clone())
        .filter(|id| state.policy(id).is_some())
        .collect();
    state
        .pathway
        .set_active_policies(&signed.actor, &area, &active, state.now())
        .await?;
    Ok(Redirect::to("/admin/organisations").into_response())
}

/// `GET /audit`: the latest entries and the chain check.
pub async fn audit(State(state): State<AppState>, signed: Signed) -> PageResult {
    if !diapath_domain::permits(
        &signed.actor,
        diapath_domain::Operation::ViewAuditLog,
        diapath_domain::Target::AuditLog,
    )
    .allowed
    {
        return Err(WebError::Forbidden);
    }
    let store = state.pathway.store();
    let check = store
        .verify_audit()
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    let records = store
        .audit_records(None, 200)
        .await
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    let rows = records
        .iter()
        .rev()
        .map(|r| {
            vec![
                Cell::text(r.seq.to_string()),
                Cell::text(
                    r.at.to_zoned(state.zone.clone())
                        .strftime("%Y-%m-%d %H:%M:%S")
                        .to_string(),
                ),
                Cell::text(r.entry.actor.clone()),
                Cell::text(r.entry.action.clone()),
                Cell::text(r.entry.target.clone()),
                Cell::text(r.entry.reason.clone()),
            ]
        })
        .collect();
    let status = match check {
        diapath_store::AuditCheck::Intact { records } => Section::Inset(format!(
            "Chain intact: {records} records, every hash and link checked."
        )),
        diapath_store::AuditCheck::Broken { seq, problem } => Section::Warning {
            heading: "The audit chain is broken".into(),
            text: format!("Record {seq}: {problem}"),
        },
    };
    let sections = vec![
        status,
        Section::Table(Table {
            caption: "Latest 200 entries".into(),
            headers: ["#", "When", "Who", "Action", "Record", "Why"]
                .map(String::from)
                .to_vec(),
            rows,
            empty: "No entries.".into(),
        }),
    ];
    Ok(content(
        signed.chrome("/audit"),
        "Audit log",
        String::new(),
        sections,
    ))
}
