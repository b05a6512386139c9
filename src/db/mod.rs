//! The database layer: one connection type over SQLite (embedded default) and PostgreSQL, a pool,
//! migrations per backend, and repositories that translate rows to domain values.
//!
//! Everything here speaks [`DbError`]. Backend-specific SQL lives only in [`backend`].

pub mod agents;
pub mod availability_conflicts;
pub mod backend;
pub mod calendar_feeds;
pub mod history;
pub mod jobs;
pub mod outbox;
pub mod pool;
pub mod queues;
pub mod recruiting;
pub mod schedules;
pub mod schema;
pub mod shift_requests;
pub mod shifts;
pub mod sign_in;
pub mod time_off;
pub mod users;

pub use pool::{Backend, DbConnection, DbPool};

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique key is taken (the backend's message).
    #[error("duplicate: {0}")]
    Duplicate(String),
    /// The row is not in a state that allows the change (a sentence for the client).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Query(DieselError),
    #[error("database unavailable: {0}")]
    Pool(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("invalid database URL: {0}")]
    Url(String),
}

impl From<DieselError> for DbError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Self::Duplicate(info.message().to_string())
            }
            other => Self::Query(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Self::Pool(e.to_string())
    }
}

pub type DbResult<T> = Result<T, DbError>;

/// The current instant as stored: UTC, microsecond precision (what PostgreSQL keeps), so a value read
/// back compares equal on both backends.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new opaque id; text ids keep inserts portable (no RETURNING needed to learn a generated key).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Pagination as the repositories take it (already bounded by the HTTP layer).
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}
