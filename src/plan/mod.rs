//! Application services that combine stored data with the pure domain: forecasts and staffing
//! requirements of a stored queue. Used by the HTTP handlers and the CLI alike.

pub mod assignment;
pub mod editing;
pub mod forecasting;
mod held_shifts;
pub mod publishing;
pub mod recruiting;
pub mod requirements;
pub mod scheduling;
mod staleness;

use crate::db::DbError;
use crate::domain::forecast::ForecastError;
use crate::domain::staffing::StaffingError;
use crate::domain::validation::ValidationErrors;

/// Errors of the planning services.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("forecast: {0}")]
    Forecast(#[from] ForecastError),
    #[error("staffing: {0}")]
    Staffing(#[from] StaffingError),
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error(transparent)]
    Edit(#[from] crate::domain::scheduler::edit::EditError),
    /// The client's `If-Match` names a revision the data is no longer at.
    #[error("{0}")]
    Stale(String),
    /// The request clashes with the stored state; `field` names what clashes, when something does.
    #[error("{detail}")]
    Conflict {
        field: Option<String>,
        detail: String,
    },
}

// Lets services run their work inside `Connection::transaction`.
impl From<diesel::result::Error> for PlanError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(DbError::from(e))
    }
}
