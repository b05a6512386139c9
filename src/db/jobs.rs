//! Rows of the `jobs` table and the portable statements on them (the claim is in `backend`).

use super::schema::jobs;
use super::{new_id, now, DbConnection, DbResult, Page};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub status: String,
    pub progress: f64,
    pub progress_message: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: NaiveDateTime,
    pub locked_by: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    pub result: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// Inserts a queued job and returns its id.
pub fn insert(
    conn: &mut DbConnection,
    kind: &str,
    payload: &str,
    max_attempts: i32,
    created_by: Option<&str>,
) -> DbResult<String> {
    let t = now();
    let row = JobRow {
        id: new_id(),
        kind: kind.to_string(),
        payload: payload.to_string(),
        status: "queued".into(),
        progress: 0.0,
        progress_message: None,
        attempts: 0,
        max_attempts,
        run_after: t,
        locked_by: None,
        lease_expires_at: None,
        result: None,
        error: None,
        created_by: created_by.map(str::to_string),
        created_at: t,
        updated_at: t,
        started_at: None,
        finished_at: None,
    };
    diesel::insert_into(jobs::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<JobRow> {
    Ok(jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)?)
}

/// Lists jobs newest first, optionally by kind and status; returns the page and the total.
pub fn list(
    conn: &mut DbConnection,
    kind: Option<&str>,
    status: Option<&str>,
    page: Page,
) -> DbResult<(Vec<JobRow>, i64)> {
    let filtered = || {
        let mut q = jobs::table.into_boxed();
        if let Some(k) = kind {
            q = q.filter(jobs::kind.eq(k.to_string()));
        }
        if let Some(s) = status {
            q = q.filter(jobs::status.eq(s.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(JobRow::as_select())
        .order((jobs::created_at.desc(), jobs::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Records progress and extends the lease; `false` when the job is no longer leased to `worker`
/// (the lease expired and another worker took it), so the caller stops.
pub fn heartbeat(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    progress: f64,
    message: Option<&str>,
    lease_until: NaiveDateTime,
) -> DbResult<bool> {
    let n = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::status.eq("running")),
    )
    .set((
        jobs::progress.eq(progress),
        jobs::progress_message.eq(message),
        jobs::lease_expires_at.eq(lease_until),
        jobs::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks a leased job succeeded; `false` if the lease was lost meanwhile.
pub fn succeed(conn: &mut DbConnection, id: &str, worker: &str, result: &str) -> DbResult<bool> {
    let t = now();
    let n = diesel::update(
        jobs::table
            .find(id)
            .filter(jobs::locked_by.eq(worker))
            .filter(jobs::status.eq("running")),
    )
    .set((
        jobs::status.eq("succeeded"),
        jobs::progress.eq(1.0),
        jobs::result.eq(result),
        jobs::error.eq(None::<String>),
        jobs::locked_by.eq(None::<String>),
        jobs::lease_expires_at.eq(None::<NaiveDateTime>),
        jobs::updated_at.eq(t),
        jobs::finished_at.eq(t),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failure: back to `queued` at `retry_at`, or `failed` for good when `retry_at` is None.
pub fn fail(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> DbResult<bool> {
    let t = now();
    let target = jobs::table
        .find(id)
        .filter(jobs::locked_by.eq(worker))
        .filter(jobs::status.eq("running"));
    let n = match retry_at {
        Some(at) => diesel::update(target)
            .set((
                jobs::status.eq("queued"),
                jobs::run_after.eq(at),
                jobs::error.eq(error),
                jobs::locked_by.eq(None::<String>),
                jobs::lease_expires_at.eq(None::<NaiveDateTime>),
                jobs::updated_at.eq(t),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                jobs::status.eq("failed"),
                jobs::error.eq(error),
                jobs::locked_by.eq(None::<String>),
                jobs::lease_expires_at.eq(None::<NaiveDateTime>),
                jobs::updated_at.eq(t),
                jobs::finished_at.eq(t),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Cancels a job that has not started; `false` when it is already running or finished.
pub fn cancel(conn: &mut DbConnection, id: &str) -> DbResult<bool> {
    let t = now();
    let n = diesel::update(jobs::table.find(id).filter(jobs::status.eq("queued")))
        .set((
            jobs::status.eq("cancelled"),
            jobs::updated_at.eq(t),
            jobs::finished_at.eq(t),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Queues a job that no worker claims before `run_after` (recurring maintenance).
pub fn insert_delayed(
    conn: &mut DbConnection,
    kind: &str,
    payload: &str,
    max_attempts: i32,
    run_after: NaiveDateTime,
) -> DbResult<String> {
    let id = insert(conn, kind, payload, max_attempts, None)?;
    diesel::update(jobs::table.find(&id))
        .set(jobs::run_after.eq(run_after))
        .execute(conn)?;
    Ok(id)
}

/// Jobs of `kind` still waiting to run.
pub fn count_queued(conn: &mut DbConnection, kind: &str) -> DbResult<i64> {
    Ok(jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::status.eq("queued"))
        .count()
        .get_result(conn)?)
}
