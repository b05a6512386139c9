//! Recruiting services over the database and the pure recruiting domain: applying with double
//! opt-in, the applicant's private link, the managers' pipeline and hire, fit scores against the
//! latest roster's shortfalls, hiring needs from requirements and capacity, and data retention.

pub mod applicant;
pub mod fit;
pub mod needs;
pub mod pipeline;
pub mod retention;

use crate::db::DbError;
use crate::domain::validation::ValidationErrors;

/// Errors of the recruiting services.
#[derive(Debug, thiserror::Error)]
pub enum RecruitError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error(transparent)]
    Plan(#[from] super::PlanError),
    #[error("{0}")]
    NotFound(String),
    /// A move the pipeline does not allow from the current state; names the request's field at
    /// fault, if the request has one.
    #[error("{1}")]
    Conflict(Option<&'static str>, String),
    #[error("{0}")]
    RateLimited(String),
    #[error("cannot render an email: {0}")]
    Render(String),
}

impl From<diesel::result::Error> for RecruitError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e.into())
    }
}

impl From<askama::Error> for RecruitError {
    fn from(e: askama::Error) -> Self {
        Self::Render(e.to_string())
    }
}

/// The link an applicant confirms their email with.
pub fn confirm_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/applications/confirm?token={token}")
}

/// The applicant's private status page.
pub fn status_url(base_url: &str, key: &str) -> String {
    format!("{base_url}/applications/status?key={key}")
}

/// A hired agent's invitation to set up a sign-in.
pub fn invitation_url(base_url: &str, token: &str) -> String {
    format!("{base_url}/sign-in?token={token}")
}
