//! Router-level tests: the whole application on a temporary SQLite store with a fixed
//! clock, signed in as each role through the real sign-in form.

mod routes;
mod security;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{Request, StatusCode, header};
use diapath_domain::facts::{
    DiabetesType, FactValue, Hba1cMmolPerMol, NewFact, Provenance, Source,
};
use diapath_domain::patient::{EthnicCategory, Locality, Sex};
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::{DecisionInput, NewRequest, PolicyRef, Technology};
use diapath_domain::{
    Action, Command, NhsNumber, OdsCode, Organisation, OrganisationKind, Patient, PatientId,
    RequestId, Role, User, UserId,
};
use diapath_policy::Policy;
use diapath_store::Store;
use diapath_store::pathway::{Account, Pathway, evaluation_of};
use diapath_web::AppState;
use diapath_web::metrics::Registry;
use diapath_web::ratelimit::LoginPolicy;
use jiff::Timestamp;
use jiff::civil::{Date, date};
use tower::ServiceExt;

pub const PASSWORD: &str = "test-password-123";
pub const POLICY: &str = "nice-ng17-cgm-adults-type-1";

/// Every account of the fixture: username, role, organisation (or patient 1).
pub const ACCOUNTS: [(&str, Role, &str); 10] = [
    ("clinician", Role::SpecialistClinician, "RTT01"),
    ("nurse", Role::SpecialistNurse, "RTT01"),
    ("commissioner", Role::Commissioner, "QAA"),
    ("other-commissioner", Role::Commissioner, "QBB"),
    ("gp", Role::Gp, "A81001"),
    ("other-gp", Role::Gp, "A81002"),
    ("patient", Role::Patient, ""),
    ("education", Role::EducationProvider, "EDU01"),
    ("admin", Role::Administrator, "RTT01"),
    ("auditor", Role::Auditor, "QAA"),
];

/// The app, its store and the ids seeded.
#[allow(missing_debug_implementations)]
pub struct Fixture {
    pub app: Router,
    pub store: Store,
    pub patient: PatientId,
    pub request: RequestId,
    _dir: tempfile::TempDir,
}

pub fn today() -> Date {
    date(2026, 11, 23)
}

pub fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn ods(s: &str) -> OdsCode {
    OdsCode::parse(s).unwrap()
}

fn policies() -> Vec<Policy> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../policies");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push(Policy::parse(&path.display().to_string(), &text).unwrap());
        }
    }
    out
}

/// Two ICBs, a trust team, two practices, one account per role, patient 1 (practice
/// A81001, ICB QAA) with facts and a request referred to the commissioner, patient 2
/// (practice A81002).
pub async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("w.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let pathway = Pathway::new(store.clone());
    let at = now();
    for (code, kind, name, icb) in [
        ("QAA", OrganisationKind::Icb, "ICB A", "QAA"),
        ("QBB", OrganisationKind::Icb, "ICB B", "QBB"),
        (
            "RTT01",
            OrganisationKind::SpecialistTeam,
            "Trust team",
            "QAA",
        ),
        ("A81001", OrganisationKind::GpPractice, "Practice 1", "QAA"),
        ("A81002", OrganisationKind::GpPractice, "Practice 2", "QAA"),
        (
            "EDU01",
            OrganisationKind::EducationProvider,
            "Education",
            "QAA",
        ),
    ] {
        let org = Organisation::new(ods(code), kind, name, ods(icb)).unwrap();
        pathway.add_organisation(&org, at).await.unwrap();
    }
    let clinician = User::staff(
        UserId::new(1),
        "Dr Test",
        Role::SpecialistClinician,
        ods("RTT01"),
    )
    .unwrap();
    let mut ids = Vec::new();
    for (i, practice) in ["A81001", "A81002"].iter().enumerate() {
        let patient = Patient {
            id: PatientId::new(0),
            nhs_number: NhsNumber::parse(["9990000018", "9990000026"][i]).unwrap(),
            name: format!("Test Patient {}", i + 1),
            date_of_birth: date(1980, 1, 1),
            sex: Sex::Female,
            locality: Locality::Postcode("ZZ1 1ZZ".into()),
            ethnicity: EthnicCategory::NotStated,
            gp_practice: ods(practice),
            specialist_team: ods("RTT01"),
        };
        ids.push(
            pathway
                .register_patient(&clinician.actor(), patient, at)
                .await
                .unwrap(),
        );
    }
    let patient = ids[0];
    for value in [
        FactValue::Diagnosis {
            diabetes_type: DiabetesType::Type1,
        },
        FactValue::Hba1c {
            value: Hba1cMmolPerMol::new(70).unwrap(),
        },
    ] {
        let fact = NewFact {
            observed_on: date(2026, 10, 1),
            value,
            provenance: Provenance {
                recorded_by: clinician.id(),
                recorded_at: at,
                source: Source::Laboratory,
            },
        };
        pathway
            .record_fact(&clinician.actor(), patient, fact, None, at)
            .await
            .unwrap();
    }
    let hash = diapath_web::auth::hash_password(PASSWORD).unwrap();
    for (i, (username, role, org)) in ACCOUNTS.iter().enumerate() {
        let id = UserId::new(i as i64 + 1);
        let user = if *role == Role::Patient {
            User::patient(id, "Test Patient 1", patient).unwrap()
        } else {
            User::staff(id, format!("{username} user"), *role, ods(org)).unwrap()
        };
        pathway
            .add_account(
                &Account {
                    username: (*username).into(),
                    user,
                    password_hash: hash.clone(),
                },
                "system",
                at,
            )
            .await
            .unwrap();
    }
    let policies = policies();
    let policy = policies.iter().find(|p| p.id == POLICY).unwrap();
    let request = pathway
        .create_request(
            &clinician.actor(),
            NewRequest {
                id: RequestId::new(0),
                patient,
                technology: Technology::RtCgm,
                policy: PolicyRef {
                    id: policy.id.clone(),
                    version: policy.version.clone(),
                },
                specialist_only: true,
                requested_by: clinician.id(),
                requesting_team: ods("RTT01"),
                commissioner: ods("QAA"),
                created_on: today(),
            },
            at,
        )
        .await
        .unwrap();
    let record = pathway
        .patient(&clinician.actor(), patient, "test", at)
        .await
        .unwrap();
    let facts: Vec<_> = record
        .facts
        .current_as_of(today())
        .into_iter()
        .cloned()
        .collect();
    let evaluation = evaluation_of(policy, &record.patient, &record.facts, today());
    let cmd = |v, action| Command {
        expected_version: v,
        by: clinician.id(),
        at,
        on: today(),
        action,
    };
    pathway
        .act(
            &clinician.actor(),
            request,
            cmd(
                0,
                Action::Submit {
                    required: vec![],
                    facts: facts.clone(),
                },
            ),
        )
        .await
        .unwrap();
    pathway
        .act(
            &clinician.actor(),
            request,
            cmd(
                1,
                Action::ReferToCommissioner(DecisionInput {
                    reasons: vec![ReasonCode::NeedsCommissionerJudgement],
                    free_text: String::new(),
                    evaluation,
                    facts,
                }),
            ),
        )
        .await
        .unwrap();
    let state = AppState {
        pathway,
        policies: Arc::new(policies),
        clock: Arc::new(now),
        zone: jiff::tz::db().get("Europe/London").unwrap(),
        metrics: Registry::default(),
        secure_cookies: true,
        login: LoginPolicy::default(),
        session_hours: 8,
    };
    Fixture {
        app: diapath_web::router(state),
        store,
        patient,
        request,
        _dir: dir,
    }
}

/// A response, read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub cookie: Option<String>,
    pub body: String,
}

pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status();
    let location = header(header::LOCATION);
    let content_type = header(header::CONTENT_TYPE).unwrap_or_default();
    let cookie = header(header::SET_COOKIE);
    let body = to_bytes(response.into_body(), 1 << 24).await.unwrap();
    Reply {
        status,
        location,
        content_type,
        cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

pub async fn get(app: &Router, path: &str, cookie: Option<&str>) -> Reply {
    let mut r = Request::get(path);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::empty()).unwrap()).await
}

pub async fn post_form(app: &Router, path: &str, cookie: Option<&str>, form: &str) -> Reply {
    let mut r =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    send(app, r.body(Body::from(form.to_owned())).unwrap()).await
}

/// A signed-in session: the cookie and the CSRF token.
#[derive(Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

pub async fn sign_in(app: &Router, username: &str) -> Session {
    let r = post_form(
        app,
        "/sign-in",
        None,
        &format!("username={username}&password={PASSWORD}"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{username} could not sign in: {}",
        r.body
    );
    let set = r.cookie.expect("a session cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("Secure") && set.contains("SameSite=Lax"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_owned();
    // Every signed-in page carries the CSRF token in the sign-out form.
    let page = get(app, "/patients", Some(&cookie)).await;
    let csrf = page
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    assert!(!csrf.is_empty(), "no CSRF token for {username}");
    Session { cookie, csrf }
}
