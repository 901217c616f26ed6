//! Sign-in, sessions, CSRF, validation, concurrency and the operational endpoints.

use axum::http::StatusCode;

use crate::{PASSWORD, fixture, get, post_form, sign_in};

async fn facts_of(f: &crate::Fixture) -> usize {
    let doc = f
        .store
        .get("facts", &f.patient.to_string())
        .await
        .unwrap()
        .unwrap();
    doc.body["facts"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn forms_need_the_csrf_token_and_change_nothing_without_it() {
    let f = fixture().await;
    let s = sign_in(&f.app, "clinician").await;
    let before = facts_of(&f).await;
    let path = format!("/patients/{}/evidence/hba1c", f.patient);
    let form = "value=60&date=2026-11-01&source=laboratory";
    let r = post_form(&f.app, &path, Some(&s.cookie), form).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf=wrong&{form}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(facts_of(&f).await, before);
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf={}&{form}", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(facts_of(&f).await, before + 1);
}

#[tokio::test]
async fn invalid_evidence_shows_the_error_summary_and_saves_nothing() {
    let f = fixture().await;
    let s = sign_in(&f.app, "nurse").await;
    let before = facts_of(&f).await;
    let path = format!("/patients/{}/evidence/hba1c", f.patient);
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf={}&value=abc&date=2026-13-40", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("nhsuk-error-summary"));
    assert!(r.body.contains("<title>Error: Record an HbA1c result"));
    assert!(r.body.contains("Enter HbA1c as a whole number"));
    assert!(r.body.contains("Enter a real date"));
    assert!(r.body.contains("value=\"abc\""), "the typed value is kept");
    // A future date and an impossible value are refused too.
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf={}&value=900&date=2027-01-01", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Date must be today or in the past"));
    assert_eq!(facts_of(&f).await, before);
}

#[tokio::test]
async fn sign_in_is_throttled_and_sign_out_ends_the_session() {
    let f = fixture().await;
    for _ in 0..5 {
        let r = post_form(
            &f.app,
            "/sign-in",
            None,
            "username=gp&password=wrong-password-x",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("Enter a correct username and password"));
    }
    // The sixth attempt is throttled even with the right password.
    let r = post_form(
        &f.app,
        "/sign-in",
        None,
        &format!("username=gp&password={PASSWORD}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Too many failed attempts"));
    // Other accounts are unaffected; sign-out ends the session.
    let s = sign_in(&f.app, "clinician").await;
    assert_eq!(
        get(&f.app, "/worklist", Some(&s.cookie)).await.status,
        StatusCode::OK
    );
    let r = post_form(
        &f.app,
        "/sign-out",
        Some(&s.cookie),
        &format!("csrf={}", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.cookie.unwrap_or_default().contains("Max-Age=0"));
    let r = get(&f.app, "/worklist", Some(&s.cookie)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/sign-in"));
}

#[tokio::test]
async fn two_commissioners_deciding_at_once_one_gets_a_conflict() {
    let f = fixture().await;
    let a = sign_in(&f.app, "commissioner").await;
    let b = sign_in(&f.app, "commissioner").await;
    let path = format!("/requests/{}/decide", f.request);
    let page = get(&f.app, &format!("/requests/{}", f.request), Some(&a.cookie)).await;
    assert!(page.body.contains("Record the decision"));
    let version = page
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let approve = format!(
        "csrf={}&version={version}&decision=approve&reason=AllCriteriaMet&text=ok",
        a.csrf
    );
    let refuse = format!(
        "csrf={}&version={version}&decision=refuse&reason=CriteriaNotMet&text=no",
        b.csrf
    );
    let (ra, rb) = tokio::join!(
        post_form(&f.app, &path, Some(&a.cookie), &approve),
        post_form(&f.app, &path, Some(&b.cookie), &refuse),
    );
    let mut statuses = [ra.status, rb.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
        "{} / {}",
        ra.body,
        rb.body
    );
    // The other ICB's commissioner may not decide it at all.
    let other = sign_in(&f.app, "other-commissioner").await;
    let r = post_form(
        &f.app,
        &path,
        Some(&other.cookie),
        &format!(
            "csrf={}&version=3&decision=approve&reason=AllCriteriaMet",
            other.csrf
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_gp_cannot_start_a_restricted_device_request() {
    let f = fixture().await;
    let s = sign_in(&f.app, "gp").await;
    let path = format!("/patients/{}/requests/new", f.patient);
    // East Kent flash: specialist acute setting only, no primary-care prescribing.
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf={}&policy=east-kent-freestyle-libre", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // NICE NG17 does not restrict the setting: the practice may start one.
    let r = post_form(
        &f.app,
        &path,
        Some(&s.cookie),
        &format!("csrf={}&policy={}", s.csrf, crate::POLICY),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The GP may refer.
    let r = post_form(
        &f.app,
        &format!("/patients/{}/refer", f.patient),
        Some(&s.cookie),
        &format!("csrf={}&note=please+assess", s.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        f.store
            .events(&format!("patient/{}", f.patient))
            .await
            .unwrap()
            .len(),
        1
    );
    // The other practice's GP may do neither.
    let other = sign_in(&f.app, "other-gp").await;
    let r = post_form(
        &f.app,
        &format!("/patients/{}/refer", f.patient),
        Some(&other.cookie),
        &format!("csrf={}&note=x", other.csrf),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn operational_endpoints() {
    let f = fixture().await;
    assert_eq!(
        get(&f.app, "/health/live", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&f.app, "/health/ready", None).await.status,
        StatusCode::OK
    );
    let s = sign_in(&f.app, "clinician").await;
    get(&f.app, &format!("/patients/{}", f.patient), Some(&s.cookie)).await;
    let metrics = get(&f.app, "/metrics", None).await;
    assert!(
        metrics.body.contains("route=\"/patients/{id}\""),
        "{}",
        metrics.body
    );
    assert!(
        !metrics.body.contains("9990000018")
            && !metrics.body.contains(&format!("/patients/{}\"", f.patient))
    );
    let doc: serde_json::Value =
        serde_json::from_str(&get(&f.app, "/openapi.json", None).await.body).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/patients",
        "/api/v1/patients/{id}",
        "/api/v1/requests/{id}/{action}",
        "/api/v1/patients/{id}/evidence/{kind}",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    // Security headers on every response.
    let r = axum::http::Request::get("/sign-in")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(f.app.clone(), r).await.unwrap();
    let h = response.headers();
    assert!(h.get("content-security-policy").is_some());
    assert!(h.get("x-request-id").is_some());
    assert_eq!(h.get("x-frame-options").unwrap(), "DENY");
}

#[tokio::test]
async fn every_patient_read_is_audited() {
    let f = fixture().await;
    let s = sign_in(&f.app, "gp").await;
    let before = f
        .store
        .audit_records(Some(&f.patient.to_string()), 10_000)
        .await
        .unwrap()
        .len();
    get(&f.app, &format!("/patients/{}", f.patient), Some(&s.cookie)).await;
    let after = f
        .store
        .audit_records(Some(&f.patient.to_string()), 10_000)
        .await
        .unwrap();
    assert!(after.len() > before);
    assert!(
        after
            .iter()
            .any(|r| r.entry.action == "read" && r.entry.reason == "patient page")
    );
    assert!(matches!(
        f.store.verify_audit().await.unwrap(),
        diapath_store::AuditCheck::Intact { .. }
    ));
}
