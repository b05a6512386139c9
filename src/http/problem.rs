//! RFC 9457 problem details: every error the API returns is `application/problem+json` with a title,
//! a detail a person can act on, and the offending field when there is one.

use crate::db::DbError;
use crate::domain::validation::{FieldError, ValidationErrors};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

/// The JSON body of an error response.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The first invalid input field, when the error is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Every invalid field, for validation errors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldError>,
}

/// The error type of the HTTP layer; handlers return `Result<_, ApiError>`.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
    pub field: Option<String>,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            detail: detail.into(),
            field: None,
            errors: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "sign in first: send 'Authorization: Bearer <token>' from POST /api/v1/auth/login",
        )
    }

    /// A 401 for credentials other than a bearer token (a private key header).
    pub fn unauthorized_with(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, detail)
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, detail)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the server could not complete the request; it has been logged",
        )
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        let field = errors.0.first().map(|e| e.field.clone());
        let detail = if errors.0.len() == 1 {
            errors.to_string()
        } else {
            format!("{} fields are invalid: {errors}", errors.0.len())
        };
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail,
            field,
            errors: errors.0,
        }
    }

    fn title(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "Bad request",
            StatusCode::UNAUTHORIZED => "Unauthorized",
            StatusCode::FORBIDDEN => "Forbidden",
            StatusCode::NOT_FOUND => "Not found",
            StatusCode::CONFLICT => "Conflict",
            StatusCode::PRECONDITION_FAILED => "Precondition failed",
            StatusCode::PAYLOAD_TOO_LARGE => "Payload too large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "Unsupported media type",
            StatusCode::UNPROCESSABLE_ENTITY => "Invalid input",
            StatusCode::TOO_MANY_REQUESTS => "Too many requests",
            StatusCode::SERVICE_UNAVAILABLE => "Service unavailable",
            _ => self.status.canonical_reason().unwrap_or("Error"),
        }
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: "about:blank".into(),
            title: self.title().into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            field: self.field.clone(),
            errors: self.errors.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(self.problem())
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        Self::validation(errors)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Self::not_found("no such resource"),
            DbError::Conflict(detail) => Self::conflict(detail),
            DbError::Duplicate(detail) => {
                let err = Self::conflict(conflict_detail(&detail));
                if detail.contains("email") {
                    err.with_field("email")
                } else {
                    err
                }
            }
            DbError::Pool(msg) => {
                tracing::error!(error = %msg, "database unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is unavailable; try again shortly",
                )
            }
            other => {
                tracing::error!(error = %other, "database error");
                Self::internal()
            }
        }
    }
}

/// Turns a unique-violation message from either backend into something a client can act on.
fn conflict_detail(raw: &str) -> String {
    if raw.contains("email") {
        "that email address is already in use".into()
    } else {
        format!("a record with the same key already exists ({raw})")
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(_: actix_web::error::BlockingError) -> Self {
        tracing::error!("blocking thread pool is gone");
        Self::internal()
    }
}

/// Checks an optional filter value against the values it may take (400 naming `field` otherwise).
pub fn check_one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), ApiError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(ApiError::bad_request(format!(
            "unknown {field} '{v}' (expected one of {})",
            allowed.join(", ")
        ))
        .with_field(field)),
        _ => Ok(()),
    }
}

/// Maps a repository's `NotFound` to a 404 that names what was missing; other errors as usual.
pub fn missing<'a>(what: &'a str, id: &'a str) -> impl FnOnce(DbError) -> ApiError + 'a {
    move |e| match e {
        DbError::NotFound => ApiError::not_found(format!("no {what} with id {id}")),
        other => other.into(),
    }
}

impl From<crate::plan::PlanError> for ApiError {
    fn from(e: crate::plan::PlanError) -> Self {
        use crate::plan::PlanError;
        match e {
            PlanError::Db(db) => db.into(),
            PlanError::Invalid(errors) => Self::validation(errors),
            PlanError::Forecast(f) => {
                Self::validation(ValidationErrors::single("history", f.to_string()))
            }
            PlanError::Staffing(s) => {
                use crate::domain::staffing::StaffingError;
                // Staffing in a plan works on a forecast, which comes from the history.
                let field = match &s {
                    StaffingError::InvalidInput { field, .. } => *field,
                    _ => "history",
                };
                Self::validation(ValidationErrors::single(field, s.to_string()))
            }
            PlanError::Edit(e) => edit_error(e),
            PlanError::Stale(detail) => {
                Self::new(StatusCode::PRECONDITION_FAILED, detail).with_field("If-Match")
            }
            PlanError::Conflict { field, detail } => Self {
                field,
                ..Self::conflict(detail)
            },
        }
    }
}

fn edit_error(e: crate::domain::scheduler::edit::EditError) -> ApiError {
    use crate::domain::scheduler::edit::EditError;
    match e {
        EditError::NoSuchShift(_) => ApiError::not_found(e.to_string()).with_field("index"),
        EditError::UnknownAgent(_) => {
            ApiError::validation(ValidationErrors::single("agent_id", e.to_string()))
        }
        EditError::UnknownTemplate(_) => {
            ApiError::validation(ValidationErrors::single("template_id", e.to_string()))
        }
        EditError::Locked(_) => ApiError::conflict(e.to_string()).with_field("index"),
        EditError::Rules(violations) => {
            let mut errors = ValidationErrors::new();
            for v in violations {
                let at =
                    v.at.map(|t| format!(" at {}", t.to_rfc3339()))
                        .unwrap_or_default();
                errors.add(format!("rules.{}", v.rule), format!("{}{at}", v.message));
            }
            ApiError::validation(errors)
        }
    }
}

impl From<crate::plan::recruiting::RecruitError> for ApiError {
    fn from(e: crate::plan::recruiting::RecruitError) -> Self {
        use crate::plan::recruiting::RecruitError;
        match e {
            RecruitError::Db(db) => db.into(),
            RecruitError::Invalid(errors) => Self::validation(errors),
            RecruitError::Plan(p) => p.into(),
            RecruitError::NotFound(what) => Self::not_found(what),
            RecruitError::Conflict(field, detail) => Self {
                field: field.map(str::to_string),
                ..Self::conflict(detail)
            },
            RecruitError::RateLimited(detail) => Self::new(StatusCode::TOO_MANY_REQUESTS, detail),
            RecruitError::Render(msg) => {
                tracing::error!(error = %msg, "email rendering failed");
                Self::internal()
            }
        }
    }
}
