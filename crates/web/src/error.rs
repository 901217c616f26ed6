//! The web layer's one error type. Users see a safe message and the request id; the
//! cause chain goes to the log (without patient data). Constraint violations map to
//! 409/422, never 500.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong while handling a request.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// Not signed in.
    #[error("sign in to continue")]
    Unauthenticated,
    /// Signed in but not allowed.
    #[error("you do not have permission to do that")]
    Forbidden,
    /// No such page or record (or not visible to this user).
    #[error("page not found")]
    NotFound,
    /// Someone else changed the record first.
    #[error("someone else changed this record; reload and try again")]
    Conflict,
    /// The request was understood but its content is invalid.
    #[error("{0}")]
    Invalid(String),
    /// Anything else: logged in full, shown as a generic message.
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl WebError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Conflict => StatusCode::CONFLICT,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message a user may see.
    pub fn public_message(&self) -> String {
        match self {
            WebError::Internal(_) => {
                "Sorry, there is a problem with the service. Try again later.".to_owned()
            }
            other => other.to_string(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(cause) = &self {
            let mut chain = cause.to_string();
            let mut source = cause.source();
            while let Some(next) = source {
                chain.push_str(": ");
                chain.push_str(&next.to_string());
                source = next.source();
            }
            tracing::error!(error = %chain, "request failed");
        }
        let status = self.status();
        let body = serde_json::json!({ "error": self.public_message(), "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
