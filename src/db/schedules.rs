//! Schedules: a planning period and the roster its solve job produced.

use super::schema::schedules;
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

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<ScheduleRow> {
    Ok(schedules::table
        .find(id)
        .select(ScheduleRow::as_select())
        .first(conn)?)
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
