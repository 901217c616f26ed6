//! What every page shares: the header's signed-in user and navigation, the CSRF token
//! for forms, the request id for the footer; and rendering a template to a response.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::error::WebError;

/// The signed-in user as the header shows them.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    /// Name to show.
    pub display_name: String,
    /// Role in plain words ("Specialist clinician").
    pub role: String,
}

/// One entry of the header navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link target.
    pub href: &'static str,
    /// Link text.
    pub label: &'static str,
    /// Whether this is the current section.
    pub current: bool,
}

/// The parts of the layout outside the page's own content.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// Signed-in user, if any.
    pub user: Option<ChromeUser>,
    /// Header navigation for the user's role.
    pub nav: Vec<NavItem>,
    /// CSRF token every form must echo.
    pub csrf: String,
    /// Request id shown in the footer.
    pub request_id: String,
}

/// Renders a template as an HTML response with the given status.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(error) => WebError::Internal(Box::new(error)).into_response(),
    }
}
