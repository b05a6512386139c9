//! Durable background work: solves, email batches and anything else too slow for a request.
//!
//! Jobs live in the `jobs` table, so every app instance sharing a database can run a [`worker::Worker`]
//! and each job still runs once: a worker claims a job with a row lock (PostgreSQL) or the write lock
//! (SQLite), holds a lease it renews with every progress report, and a job whose worker died becomes
//! claimable again when its lease expires. Handlers report progress that clients poll through
//! `GET /api/v1/jobs/{id}`.

pub mod worker;

use crate::db::{self, DbError, DbPool};
use chrono::NaiveDateTime;
use serde::Serialize;

/// A job's state as clients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobView {
    pub id: String,
    pub kind: String,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    /// 0.0 to 1.0.
    pub progress: f64,
    pub progress_message: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    #[schema(value_type = Option<Object>)]
    pub result: Option<serde_json::Value>,
    pub error: Option<String>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub updated_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc_opt")]
    pub started_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::utc_json::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
}

impl From<db::jobs::JobRow> for JobView {
    fn from(row: db::jobs::JobRow) -> Self {
        Self {
            result: row
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            id: row.id,
            kind: row.kind,
            status: row.status,
            progress: row.progress,
            progress_message: row.progress_message,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
            error: row.error,
            created_at: row.created_at,
            updated_at: row.updated_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        }
    }
}

/// Enqueues a job of `kind` with a JSON payload; it runs on whichever worker claims it first.
pub fn enqueue(
    pool: &DbPool,
    kind: &str,
    payload: &serde_json::Value,
    max_attempts: i32,
    created_by: Option<&str>,
) -> Result<String, DbError> {
    let mut conn = pool.get()?;
    db::jobs::insert(
        &mut conn,
        kind,
        &payload.to_string(),
        max_attempts,
        created_by,
    )
}
