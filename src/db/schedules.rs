//! Schedules: a planning period and the roster its solve job produced.

use super::schema::{jobs, schedules};
use super::{now, DbConnection, DbError, DbResult, Page};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = schedules)]
pub struct ScheduleRow {
    pub id: String,
    pub period_start: NaiveDate,
    pub weeks: i32,
    /// JSON list of queue ids.
    pub queue_ids: String,
    pub time_limit_seconds: f64,
    pub status: String,
    pub job_id: String,
    /// The roster as JSON once solved.
    pub roster: Option<String>,
    pub error: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The problem the roster was solved for, as JSON; its `pinned` shifts are the locks.
    pub problem: Option<String>,
    /// When a manager last edited the roster by hand.
    pub edited_at: Option<NaiveDateTime>,
    /// The objective weights as JSON; `None` = the defaults.
    pub weights: Option<String>,
    /// Work units the solve may spend (a reproducible roster); `None` = stopped by the time limit.
    pub work_limit: Option<f64>,
}

pub fn insert(conn: &mut DbConnection, row: &ScheduleRow) -> DbResult<()> {
    diesel::insert_into(schedules::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The schedule `id`, settled with its job (see [`settled`]): whoever acts on its status sees
/// the outcome of a job that ended without the solve's own bookkeeping.
pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<ScheduleRow> {
    let row = read(conn, id)?;
    if !matches!(row.status.as_str(), "queued" | "solving") {
        return Ok(row);
    }
    let job: Option<(String, Option<String>)> = jobs::table
        .find(&row.job_id)
        .select((jobs::status, jobs::error))
        .first(conn)
        .optional()?;
    let Some((status, error)) =
        settled(&row, job.as_ref().map(|(s, e)| (s.as_str(), e.as_deref())))
    else {
        return Ok(row);
    };
    // Only from the state read: a worker that moved the schedule meanwhile wins.
    diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::status.eq(&row.status))
            .filter(schedules::job_id.eq(&row.job_id)),
    )
    .set((
        schedules::status.eq(status),
        schedules::error.eq(error),
        schedules::updated_at.eq(now()),
    ))
    .execute(conn)?;
    read(conn, id)
}

fn read(conn: &mut DbConnection, id: &str) -> DbResult<ScheduleRow> {
    Ok(schedules::table
        .find(id)
        .select(ScheduleRow::as_select())
        .first(conn)?)
}

/// The status and error a queued or solving schedule takes when its job (`status`, `error`)
/// ended without the solve's own bookkeeping: cancelled, or abandoned after a worker died on
/// its last attempt. A schedule that still holds a roster (a re-solve that never replaced it)
/// keeps it and is solved again; one without is failed. `None` while the job may still finish.
pub fn settled(row: &ScheduleRow, job: Option<(&str, Option<&str>)>) -> Option<(String, String)> {
    if !matches!(row.status.as_str(), "queued" | "solving") {
        return None;
    }
    let (status, error) = job?;
    if !matches!(status, "failed" | "cancelled") {
        return None;
    }
    let why = error.map_or_else(|| format!("the solve was {status}"), str::to_string);
    Some(outcome_of_failure(row.roster.is_some(), &why))
}

/// A failed (re-)solve: the roster from before stays, if there is one.
fn outcome_of_failure(has_roster: bool, why: &str) -> (String, String) {
    if has_roster {
        (
            "solved".into(),
            format!("the last re-solve did not finish ({why}); the roster is the one before it"),
        )
    } else {
        ("failed".into(), why.to_string())
    }
}

/// Marks a schedule as solving; the roster it may hold stays until a new one replaces it.
pub fn start_solving(conn: &mut DbConnection, id: &str) -> DbResult<()> {
    let n = diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::status.ne("discarded")),
    )
    .set((
        schedules::status.eq("solving"),
        schedules::error.eq(None::<String>),
        schedules::updated_at.eq(now()),
    ))
    .execute(conn)?;
    match n {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

/// Records a solve that failed with `why`: a schedule with a roster from an earlier solve keeps
/// it (solved, with the failure as its error); one without is failed.
pub fn fail_solve(conn: &mut DbConnection, id: &str, why: &str) -> DbResult<()> {
    let row = read(conn, id)?;
    let (status, error) = outcome_of_failure(row.roster.is_some(), why);
    set_outcome(conn, id, &status, row.roster.as_deref(), Some(&error))
}

pub fn list(conn: &mut DbConnection, page: Page) -> DbResult<(Vec<ScheduleRow>, i64)> {
    let total = schedules::table.count().get_result(conn)?;
    let rows = schedules::table
        .select(ScheduleRow::as_select())
        .order((schedules::created_at.desc(), schedules::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Moves a schedule to `status`, storing the roster or error; a discarded schedule stays discarded.
pub fn set_outcome(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    roster: Option<&str>,
    error: Option<&str>,
) -> DbResult<()> {
    let n = diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::status.ne("discarded")),
    )
    .set((
        schedules::status.eq(status),
        schedules::roster.eq(roster),
        schedules::error.eq(error),
        schedules::updated_at.eq(now()),
    ))
    .execute(conn)?;
    match n {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

/// The most recently created schedule that has a roster.
pub fn latest_solved(conn: &mut DbConnection) -> DbResult<Option<ScheduleRow>> {
    Ok(schedules::table
        .filter(schedules::status.eq("solved"))
        .filter(schedules::roster.is_not_null())
        .select(ScheduleRow::as_select())
        .order((schedules::created_at.desc(), schedules::id))
        .first(conn)
        .optional()?)
}

/// Stores the solve's problem next to the roster (edits are validated against it).
pub fn set_problem(conn: &mut DbConnection, id: &str, problem: &str) -> DbResult<()> {
    diesel::update(schedules::table.find(id))
        .set(schedules::problem.eq(problem))
        .execute(conn)?;
    Ok(())
}

/// Replaces the roster and problem of a solved schedule after a hand edit and returns its new
/// `updated_at`; `None` when the schedule is no longer solved (discarded or being re-solved
/// meanwhile) or no longer at `previous`.
pub fn store_edit(
    conn: &mut DbConnection,
    id: &str,
    roster: &str,
    problem: &str,
    previous: NaiveDateTime,
) -> DbResult<Option<NaiveDateTime>> {
    // `updated_at` is the roster's revision: it must move forward even if the clock did not.
    let t = now().max(previous + chrono::Duration::microseconds(1));
    let n = diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::status.eq("solved"))
            .filter(schedules::updated_at.eq(previous)),
    )
    .set((
        schedules::roster.eq(roster),
        schedules::problem.eq(problem),
        schedules::edited_at.eq(t),
        schedules::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok((n == 1).then_some(t))
}

/// Holds schedule `id` at revision `updated_at` until the caller's transaction ends (a no-op update
/// that takes its row: a concurrent edit or solve waits); false if it is no longer at that revision.
pub fn hold(conn: &mut DbConnection, id: &str, updated_at: NaiveDateTime) -> DbResult<bool> {
    let n = diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::updated_at.eq(updated_at)),
    )
    .set(schedules::updated_at.eq(updated_at))
    .execute(conn)?;
    Ok(n == 1)
}

/// The solve settings a re-solve changes; a `None` field stays as it is.
#[derive(AsChangeset)]
#[diesel(table_name = schedules)]
struct SolveSettingsChange<'a> {
    weights: Option<&'a str>,
    time_limit_seconds: Option<f64>,
    /// `Some(None)` clears the work limit.
    work_limit: Option<Option<f64>>,
}

/// Replaces the objective weights (JSON), the time limit and the work limit a schedule is solved
/// with, in one statement; `None` leaves that setting as it is (`Some(None)` clears the work
/// limit).
pub fn set_solve_settings(
    conn: &mut DbConnection,
    id: &str,
    weights: Option<&str>,
    time_limit_seconds: Option<f64>,
    work_limit: Option<Option<f64>>,
) -> DbResult<()> {
    // An update that sets nothing is an error in diesel, not a no-op.
    if weights.is_none() && time_limit_seconds.is_none() && work_limit.is_none() {
        return Ok(());
    }
    let change = SolveSettingsChange {
        weights,
        time_limit_seconds,
        work_limit,
    };
    diesel::update(schedules::table.find(id))
        .set(&change)
        .execute(conn)?;
    Ok(())
}

/// The schedules that still plan `queue_id` (every status but `discarded`), oldest first. `queue_ids`
/// is a JSON list, read here the same way on both backends; a schedule row is small and there are
/// a few a week.
pub fn using_queue(conn: &mut DbConnection, queue_id: &str) -> DbResult<Vec<String>> {
    let rows: Vec<(String, String)> = schedules::table
        .filter(schedules::status.ne("discarded"))
        .select((schedules::id, schedules::queue_ids))
        .order((schedules::created_at, schedules::id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, ids)| {
            serde_json::from_str::<Vec<String>>(ids)
                .is_ok_and(|ids| ids.iter().any(|q| q == queue_id))
        })
        .map(|(id, _)| id)
        .collect())
}

/// Puts a solved (or failed) schedule back in the queue for a re-solve with `job_id`.
pub fn requeue(conn: &mut DbConnection, id: &str, job_id: &str) -> DbResult<bool> {
    let n = diesel::update(
        schedules::table
            .find(id)
            .filter(schedules::status.eq_any(["solved", "failed"])),
    )
    .set((
        schedules::status.eq("queued"),
        schedules::job_id.eq(job_id),
        schedules::error.eq(None::<String>),
        schedules::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
