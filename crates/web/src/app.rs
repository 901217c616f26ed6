//! The application: shared state, the signed-in user, and the router that puts the
//! pages, the JSON API and the operational endpoints together.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use diapath_domain::Actor;
use diapath_policy::Policy;
use diapath_store::pathway::{Account, Pathway};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::auth;
use crate::error::WebError;
use crate::metrics::Registry;
use crate::page::{Chrome, ChromeUser, NavItem};
use crate::ratelimit::LoginPolicy;
use crate::security::RequestId;

/// The wall clock, passed in (only the binary reads it; tests fix it).
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The pathway over the store.
    pub pathway: Pathway,
    /// The policy library in force.
    pub policies: Arc<Vec<Policy>>,
    /// The clock.
    pub clock: Clock,
    /// The service's time zone (dates of decisions, reviews).
    pub zone: TimeZone,
    /// Request metrics.
    pub metrics: Registry,
    /// Whether cookies carry `Secure` (off only for plain-HTTP local demos).
    pub secure_cookies: bool,
    /// Sign-in throttling.
    pub login: LoginPolicy,
    /// Session length.
    pub session_hours: i64,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("backend", &self.pathway.store().backend())
            .field("policies", &self.policies.len())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Now.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Today in the service's zone.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.zone.clone()).date()
    }

    /// The policies in force in an area: those the area switched on, or the whole
    /// library when it has not chosen.
    pub async fn policies_for(
        &self,
        area: &diapath_domain::OdsCode,
    ) -> Result<Vec<&Policy>, diapath_store::pathway::PathwayError> {
        let active = self.pathway.active_policies(area).await?;
        Ok(self
            .policies
            .iter()
            .filter(|p| active.as_ref().is_none_or(|a| a.contains(&p.id)))
            .collect())
    }

    /// The policy with this id.
    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "diapath_session";

/// A signed-in user, extracted from the session cookie. Pages that need one redirect to
/// the sign-in page without it.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The account.
    pub account: Account,
    /// Who acts.
    pub actor: Actor,
    /// The session's CSRF token.
    pub csrf: String,
    /// Digest of the session token.
    pub token_digest: String,
    /// This request's id.
    pub request_id: String,
}

impl Signed {
    /// The page chrome for this user: name, role, navigation for the role.
    pub fn chrome(&self, current: &str) -> Chrome {
        use diapath_domain::Role::*;
        let items: &[(&'static str, &'static str)] = match self.actor.role {
            SpecialistClinician | SpecialistNurse => &[
                ("/worklist", "Worklist"),
                ("/patients", "Patients"),
                ("/capacity", "Capacity"),
            ],
            Commissioner => &[("/decisions", "Decisions"), ("/capacity", "Capacity")],
            Gp => &[("/practice", "Practice patients")],
            Patient => &[("/me", "My diabetes technology")],
            EducationProvider => &[("/patients", "Patients")],
            Administrator => &[
                ("/admin/users", "Users"),
                ("/admin/organisations", "Organisations"),
            ],
            Auditor => &[("/audit", "Audit log")],
        };
        Chrome {
            user: Some(ChromeUser {
                display_name: self.account.user.name().to_owned(),
                role: capitalise(self.actor.role.text()),
            }),
            nav: items
                .iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    current: current.starts_with(href),
                })
                .collect(),
            csrf: self.csrf.clone(),
            request_id: self.request_id.clone(),
        }
    }

    /// Checks a submitted form's CSRF token.
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), WebError> {
        match given {
            Some(given) if auth::tokens_match(&self.csrf, given) => Ok(()),
            _ => Err(WebError::Forbidden),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The session token from the request's cookies.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// Why there is no signed-in user: pages redirect, the API answers 401.
#[derive(Debug)]
pub struct NotSignedIn {
    api: bool,
}

impl IntoResponse for NotSignedIn {
    fn into_response(self) -> Response {
        if self.api {
            WebError::Unauthenticated.into_response()
        } else {
            Redirect::to("/sign-in").into_response()
        }
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let api = parts.uri.path().starts_with("/api/");
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let token = session_token(&parts.headers).ok_or(NotSignedIn { api }.into_response())?;
        let digest = auth::token_digest(&token);
        let session = state
            .pathway
            .store()
            .session(&digest, state.now())
            .await
            .map_err(|e| WebError::Internal(Box::new(e)).into_response())?
            .ok_or(NotSignedIn { api }.into_response())?;
        let account = state
            .pathway
            .account(&session.username)
            .await
            .map_err(|e| WebError::Internal(Box::new(e)).into_response())?
            .ok_or(NotSignedIn { api }.into_response())?;
        Ok(Signed {
            actor: account.user.actor(),
            account,
            csrf: session.csrf,
            token_digest: digest,
            request_id,
        })
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let registry = state.metrics.clone();
    let app = Router::new()
        .route("/", get(crate::pages::home))
        .route(
            "/sign-in",
            get(crate::pages::sign_in_form).post(crate::pages::sign_in),
        )
        .route("/sign-out", post(crate::pages::sign_out))
        .route("/worklist", get(crate::pages::worklist))
        .route("/patients", get(crate::pages::patients))
        .route("/patients/{id}", get(crate::pages::patient))
        .route("/patients/{id}/report", get(crate::pages::patient_report))
        .route(
            "/patients/{id}/eligibility/{policy}",
            get(crate::pages::eligibility),
        )
        .route(
            "/patients/{id}/evidence/{kind}",
            get(crate::pages::evidence_form).post(crate::pages::evidence_save),
        )
        .route(
            "/patients/{id}/upload",
            get(crate::pages::upload_form).post(crate::pages::upload_preview),
        )
        .route(
            "/patients/{id}/upload/{upload}",
            post(crate::pages::upload_save),
        )
        .route(
            "/patients/{id}/requests/new",
            get(crate::pages::request_new_form).post(crate::pages::request_create),
        )
        .route("/patients/{id}/refer", post(crate::pages::refer))
        .route("/requests/{id}", get(crate::pages::request))
        .route(
            "/requests/{id}/{action}",
            post(crate::pages::request_action),
        )
        .route(
            "/requests/{id}/review",
            get(crate::pages::review).post(crate::pages::review_save),
        )
        .route("/decisions", get(crate::pages::decisions))
        .route("/capacity", get(crate::pages::capacity))
        .route("/practice", get(crate::pages::practice))
        .route("/me", get(crate::pages::me))
        .route(
            "/admin/users",
            get(crate::pages::users).post(crate::pages::user_create),
        )
        .route(
            "/admin/organisations",
            get(crate::pages::organisations).post(crate::pages::area_policies_save),
        )
        .route("/audit", get(crate::pages::audit))
        .merge(crate::api::routes())
        .route(
            "/metrics",
            get(crate::metrics::serve).with_state(registry.clone()),
        )
        .route("/health/ready", get(ready))
        .with_state(state);
    Router::new()
        .merge(app)
        .merge(crate::public_routes_inner())
        .layer(axum::middleware::from_fn_with_state(
            registry,
            crate::metrics::track,
        ))
        .layer(axum::middleware::from_fn(crate::error_page::html_errors))
        .layer(axum::middleware::from_fn(crate::security::headers))
        .layer(axum::middleware::from_fn(crate::security::request_id))
}

async fn ready(State(state): State<AppState>) -> Response {
    match state.pathway.store().ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => WebError::Internal(Box::new(e)).into_response(),
    }
}
