//! The JSON API (`/api/v1`) and its OpenAPI description (`/openapi.json`). Same session
//! and permission checks as the pages; writes need the session's CSRF token in the
//! `x-csrf-token` header.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use diapath_domain::eligibility::policy_facts;
use diapath_domain::facts::{FactValue, Hba1cMmolPerMol, NewFact, Provenance, Source};
use diapath_domain::{PatientId, RequestId};
use diapath_policy::Stage;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{AppState, Signed};
use crate::error::WebError;

type ApiResult = Result<Response, WebError>;

/// The API routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/api/v1/patients", get(patients))
        .route("/api/v1/patients/{id}", get(patient))
        .route("/api/v1/patients/{id}/eligibility", get(eligibility))
        .route("/api/v1/patients/{id}/hba1c", post(add_hba1c))
        .route("/api/v1/requests", get(requests))
        .route("/api/v1/requests/{id}", get(request))
        .route("/api/v1/requests/{id}/{action}", post(request_action))
        .route("/api/v1/patients/{id}/evidence/{kind}", post(add_evidence))
}

async fn patients(State(state): State<AppState>, signed: Signed) -> ApiResult {
    let list: Vec<Value> = state
        .pathway
        .patients_visible(&signed.actor)
        .await?
        .iter()
        .map(|p| json!({"id": p.id, "name": p.name, "nhs_number": p.nhs_number, "date_of_birth": p.date_of_birth}))
        .collect();
    Ok(Json(list).into_response())
}

async fn patient(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> ApiResult {
    let r = state
        .pathway
        .patient(&signed.actor, PatientId::new(id), "API", state.now())
        .await?;
    Ok(Json(json!({"patient": r.patient, "facts": r.facts})).into_response())
}

async fn eligibility(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<i64>,
) -> ApiResult {
    let r = state
        .pathway
        .patient(
            &signed.actor,
            PatientId::new(id),
            "API eligibility",
            state.now(),
        )
        .await?;
    let today = state.today();
    let facts = policy_facts(&r.patient, &r.facts, today);
    let reports: Vec<Value> = state
        .policies_for(&r.context.icb)
        .await?
        .into_iter()
        .map(|p| {
            serde_json::to_value(
                diapath_policy::evaluate(p, &facts, today, Stage::Initiation).report(),
            )
        })
        .collect::<Result<_, _>>()
        .map_err(|e| WebError::Internal(Box::new(e)))?;
    Ok(Json(reports).into_response())
}

#[derive(Debug, Deserialize)]
struct Hba1cBody {
    value: u16,
    date: jiff::civil::Date,
}

async fn add_hba1c(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Json(body): Json<Hba1cBody>,
) -> ApiResult {
    signed.check_csrf(headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    if body.date > state.today() {
        return Err(WebError::Invalid(
            "date must be today or in the past".into(),
        ));
    }
    let value = Hba1cMmolPerMol::new(body.value).map_err(|e| WebError::Invalid(e.to_string()))?;
    let fact = NewFact {
        observed_on: body.date,
        value: FactValue::Hba1c { value },
        provenance: Provenance {
            recorded_by: signed.actor.user,
            recorded_at: state.now(),
            source: Source::Laboratory,
        },
    };
    let fid = state
        .pathway
        .record_fact(&signed.actor, PatientId::new(id), fact, None, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"fact": fid}))).into_response())
}

async fn requests(State(state): State<AppState>, signed: Signed) -> ApiResult {
    let list: Vec<Value> = state
        .pathway
        .requests_visible(&signed.actor, None)
        .await?
        .iter()
        .map(|r| json!({"id": r.request.id(), "patient": r.request.patient(), "state": r.request.state(), "technology": r.request.technology(), "policy": r.request.policy(), "version": r.request.version()}))
        .collect();
    Ok(Json(list).into_response())
}

async fn request(State(state): State<AppState>, signed: Signed, Path(id): Path<i64>) -> ApiResult {
    let r = state
        .pathway
        .request(&signed.actor, RequestId::new(id), "API", state.now())
        .await?;
    Ok(Json(&r.request).into_response())
}

/// A JSON body as the form fields the pages read (strings and numbers as text).
fn as_form(body: serde_json::Map<String, Value>, csrf: &str) -> crate::pages::FormData {
    let mut form: crate::pages::FormData = body
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    form.push(("csrf".to_owned(), csrf.to_owned()));
    form
}

fn csrf_header(headers: &HeaderMap) -> String {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// `POST /api/v1/requests/{id}/{action}`: the same actions as the request page
/// (`submit`, `decide`, `contract`, `review-due`, `review`, `reconsider`, `appeal`,
/// `withdraw`), with the page's field names in a JSON object.
async fn request_action(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    Json(body): Json<serde_json::Map<String, Value>>,
) -> ApiResult {
    let csrf = csrf_header(&headers);
    signed.check_csrf(Some(&csrf))?;
    let form = as_form(body, &csrf);
    crate::pages::act_on(state.clone(), signed.clone(), id, &action, form).await?;
    let r = state
        .pathway
        .request(&signed.actor, RequestId::new(id), "API", state.now())
        .await?;
    Ok(
        Json(json!({"id": id, "state": r.request.state(), "version": r.request.version()}))
            .into_response(),
    )
}

/// `POST /api/v1/patients/{id}/evidence/{kind}`: the evidence forms' fields as JSON;
/// `422` with the errors by field when invalid (nothing saved).
async fn add_evidence(
    State(state): State<AppState>,
    signed: Signed,
    headers: HeaderMap,
    Path((id, kind)): Path<(i64, String)>,
    Json(body): Json<serde_json::Map<String, Value>>,
) -> ApiResult {
    let csrf = csrf_header(&headers);
    signed.check_csrf(Some(&csrf))?;
    let form = as_form(body, &csrf);
    match crate::pages::parse_evidence(&kind, &form, state.today()) {
        Err(errors) => {
            let errors: serde_json::Map<String, Value> = errors
                .into_iter()
                .map(|(k, v)| (k.to_owned(), Value::String(v)))
                .collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": "invalid evidence", "status": 422, "fields": errors})),
            )
                .into_response())
        }
        Ok((on, value)) => {
            let fact = NewFact {
                observed_on: on,
                value,
                provenance: Provenance {
                    recorded_by: signed.actor.user,
                    recorded_at: state.now(),
                    source: crate::pages::source_of(&form),
                },
            };
            let fid = state
                .pathway
                .record_fact(&signed.actor, PatientId::new(id), fact, None, state.now())
                .await?;
            Ok((StatusCode::CREATED, Json(json!({"fact": fid}))).into_response())
        }
    }
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Value {
    let id_param =
        json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}]);
    let error = json!({"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "diapath API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Access to diabetes technology: patients, evidence, eligibility and requests. Every call needs a signed-in session (cookie `diapath_session`); writes need the session's CSRF token in `x-csrf-token`. Every access to patient data is audited."},
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "diapath_session"}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}, "required": ["error", "status"]},
                "PatientSummary": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "nhs_number": {"type": "string"}, "date_of_birth": {"type": "string", "format": "date"}}},
                "Hba1c": {"type": "object", "properties": {"value": {"type": "integer", "description": "mmol/mol", "minimum": 20, "maximum": 200}, "date": {"type": "string", "format": "date"}}, "required": ["value", "date"]},
                "RequestSummary": {"type": "object", "properties": {"id": {"type": "integer"}, "patient": {"type": "integer"}, "state": {"type": "string"}, "technology": {"type": "string"}, "policy": {"type": "object"}, "version": {"type": "integer"}}}
            }
        },
        "security": [{"session": []}],
        "paths": {
            "/api/v1/patients": {"get": {"summary": "Patients the user may see", "responses": {"200": {"description": "List", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/PatientSummary"}}}}}, "401": error}}},
            "/api/v1/patients/{id}": {"get": {"summary": "A patient's record: demographics and facts with provenance", "parameters": id_param, "responses": {"200": {"description": "Record"}, "403": error, "404": error}}},
            "/api/v1/patients/{id}/eligibility": {"get": {"summary": "Eligibility under every policy in force, criterion by criterion", "parameters": id_param, "responses": {"200": {"description": "One report per policy"}, "403": error}}},
            "/api/v1/patients/{id}/hba1c": {"post": {"summary": "Record an HbA1c result", "parameters": id_param, "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Hba1c"}}}}, "responses": {"201": {"description": "Recorded"}, "403": error, "422": error}}},
            "/api/v1/requests": {"get": {"summary": "Requests the user may see", "responses": {"200": {"description": "List", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/RequestSummary"}}}}}}}},
            "/api/v1/requests/{id}/{action}": {"post": {"summary": "Act on a request: submit, decide, contract, review-due, review, reconsider, appeal, withdraw (fields as on the request page; always `version`)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "action", "in": "path", "required": true, "schema": {"type": "string", "enum": ["submit", "decide", "contract", "review-due", "review", "reconsider", "appeal", "withdraw"]}}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "properties": {"version": {"type": "integer"}, "decision": {"type": "string"}, "reason": {"type": "string"}, "text": {"type": "string"}}, "required": ["version"]}}}}, "responses": {"200": {"description": "The request's new state and version"}, "403": error, "409": error, "422": error}}},
            "/api/v1/patients/{id}/evidence/{kind}": {"post": {"summary": "Record evidence: hba1c, severe-hypo, awareness, education, diagnosis (fields as on the evidence forms)", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}, {"name": "kind", "in": "path", "required": true, "schema": {"type": "string", "enum": ["hba1c", "severe-hypo", "awareness", "education", "diagnosis"]}}], "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}}, "responses": {"201": {"description": "Recorded"}, "403": error, "422": error}}},
            "/api/v1/requests/{id}": {"get": {"summary": "A request with its decisions, contract and reviews", "parameters": id_param, "responses": {"200": {"description": "Request"}, "403": error, "404": error}}}
        }
    })
}

async fn openapi() -> Response {
    Json(openapi_document()).into_response()
}
