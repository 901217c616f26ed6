//! Every GET route × every role (and signed out): the exact status each must get.

use axum::http::StatusCode;

use crate::{ACCOUNTS, POLICY, fixture, get, sign_in};

/// Allowed (200), forbidden (403), signed-out page (303 to /sign-in), signed-out API
/// (401), and 422 where the page exists but does not apply (a review without a
/// contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum E {
    Ok,
    No,
    In,
    Un,
    Bad,
}

/// Columns: clinician, nurse, commissioner, other-commissioner, gp, other-gp, patient,
/// education, admin, auditor, signed out.
#[rustfmt::skip]
fn table(p: &str, r: &str) -> Vec<(String, [E; 11])> {
    use E::*;
    let patient_view = [Ok, Ok, No, No, Ok, No, Ok, No, No, No, In];
    let request_view = [Ok, Ok, Ok, No, Ok, No, Ok, No, No, No, In];
    let api = |mut row: [E; 11]| { row[10] = Un; row };
    vec![
        ("/worklist".into(),                               [Ok, Ok, No, No, No, No, No, No, No, No, In]),
        ("/patients".into(),                               [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, In]),
        (format!("/patients/{p}"),                         patient_view),
        (format!("/patients/{p}/report"),                  patient_view),
        (format!("/patients/{p}/eligibility/{POLICY}"),    patient_view),
        // Recording a fact: the team and the GP practice; not the patient.
        (format!("/patients/{p}/evidence/hba1c"),          [Ok, Ok, No, No, Ok, No, No, No, No, No, In]),
        // Uploading: staff who record facts, and the patient their own.
        (format!("/patients/{p}/upload"),                  [Ok, Ok, No, No, Ok, No, Ok, No, No, No, In]),
        // Starting a request: the team, and the patient's GP practice for policies that
        // allow primary care (each policy's restriction is checked on the POST).
        (format!("/patients/{p}/requests/new"),            [Ok, Ok, No, No, Ok, No, No, No, No, No, In]),
        (format!("/requests/{r}"),                         request_view),
        (format!("/requests/{r}/review"),                  [Bad, Bad, Bad, No, Bad, No, Bad, No, No, No, In]),
        ("/decisions".into(),                              [No, No, Ok, Ok, No, No, No, No, No, No, In]),
        ("/capacity".into(),                               [Ok, Ok, Ok, Ok, No, No, No, No, No, No, In]),
        ("/practice".into(),                               [No, No, No, No, Ok, Ok, No, No, No, No, In]),
        ("/me".into(),                                     [No, No, No, No, No, No, Ok, No, No, No, In]),
        ("/admin/users".into(),                            [No, No, No, No, No, No, No, No, Ok, No, In]),
        ("/admin/organisations".into(),                    [No, No, No, No, No, No, No, No, Ok, No, In]),
        ("/audit".into(),                                  [No, No, No, No, No, No, No, No, No, Ok, In]),
        ("/api/v1/patients".into(),                        api([Ok; 11])),
        (format!("/api/v1/patients/{p}"),                  api(patient_view)),
        (format!("/api/v1/patients/{p}/eligibility"),      api(patient_view)),
        ("/api/v1/requests".into(),                        api([Ok; 11])),
        (format!("/api/v1/requests/{r}"),                  api(request_view)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role() {
    let f = fixture().await;
    let mut sessions = Vec::new();
    for (username, _, _) in ACCOUNTS {
        sessions.push(Some(sign_in(&f.app, username).await.cookie));
    }
    sessions.push(None);
    let mut failures = Vec::new();
    for (path, expected) in table(&f.patient.to_string(), &f.request.to_string()) {
        for (who, (cookie, want)) in sessions.iter().zip(expected).enumerate() {
            let r = get(&f.app, &path, cookie.as_deref()).await;
            let name = ACCOUNTS.get(who).map_or("signed out", |a| a.0);
            let ok = match want {
                E::Ok => r.status == StatusCode::OK,
                E::No => r.status == StatusCode::FORBIDDEN,
                E::Bad => r.status == StatusCode::UNPROCESSABLE_ENTITY,
                E::Un => r.status == StatusCode::UNAUTHORIZED,
                E::In => {
                    r.status == StatusCode::SEE_OTHER && r.location.as_deref() == Some("/sign-in")
                }
            };
            if !ok {
                failures.push(format!(
                    "{path} as {name}: expected {want:?}, got {}",
                    r.status
                ));
            }
            // Pages answer HTML, the API JSON, errors included.
            if r.status != StatusCode::SEE_OTHER {
                let json = path.starts_with("/api/");
                assert_eq!(
                    r.content_type.starts_with("application/json"),
                    json,
                    "{path} as {name}: {}",
                    r.content_type
                );
            }
            if r.status == StatusCode::FORBIDDEN && !path.starts_with("/api/") {
                assert!(
                    r.body.contains("You cannot do that") && r.body.contains("quote request"),
                    "{path} as {name}: no error page"
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn lists_show_only_what_the_role_may_see() {
    let f = fixture().await;
    let count = |body: &str| body.matches("\"id\":").count();
    for (user, patients) in [
        ("clinician", 2),
        ("gp", 1),
        ("other-gp", 1),
        ("patient", 1),
        ("commissioner", 0),
        ("admin", 0),
    ] {
        let s = sign_in(&f.app, user).await;
        let r = get(&f.app, "/api/v1/patients", Some(&s.cookie)).await;
        assert_eq!(count(&r.body), patients, "{user}: {}", r.body);
    }
    for (user, requests) in [
        ("clinician", 1),
        ("commissioner", 1),
        ("other-commissioner", 0),
        ("gp", 1),
        ("other-gp", 0),
        ("patient", 1),
    ] {
        let s = sign_in(&f.app, user).await;
        let r = get(&f.app, "/api/v1/requests", Some(&s.cookie)).await;
        assert_eq!(
            r.body.matches("\"state\":").count(),
            requests,
            "{user}: {}",
            r.body
        );
    }
}
