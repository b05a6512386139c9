//! Hand edits of a stored schedule's roster, validated against the problem it was solved for, and
//! re-solving a schedule that keeps its locked shifts.

use super::PlanError;
use crate::db::{self, DbConnection, DbError};
use crate::domain::scheduler::edit::{apply, CoverageChange, Edit, Edited};
use crate::domain::scheduler::{Problem, Roster, Violation, Weights};
use chrono::NaiveDateTime;
use diesel::Connection;
use serde::Serialize;

/// A schedule's revision as an HTTP entity tag: it changes with every stored change (edit,
/// re-solve), so an edit sent with `If-Match` applies only to the roster the client has seen.
pub fn revision(updated_at: NaiveDateTime) -> String {
    format!("\"{}\"", updated_at.and_utc().timestamp_micros())
}

/// Whether an `If-Match` header value names `current` (strong comparison; `*` matches any).
fn if_match_holds(header: &str, current: &str) -> bool {
    header
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag == current)
}

/// An accepted edit, as the API reports it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EditOutcome {
    pub schedule_id: String,
    /// The roster's revision after the edit (also the `ETag` header): send it as `If-Match` with
    /// the next edit so that it cannot land on a roster changed meanwhile.
    pub revision: String,
    /// Shifts in the roster after the edit (indexes refer to this order).
    pub shifts: usize,
    pub locked_shifts: usize,
    pub coverage: CoverageChange,
    /// Rules now broken that are not the edited agent's own, e.g. a staffing floor no longer met.
    pub warnings: Vec<Violation>,
}

/// Refuses with [`PlanError::Stale`] unless `if_match` (when given) names `current`, the revision of
/// the roster the caller is about to act on; `then` says what to do after reloading it.
fn check_revision(if_match: Option<&str>, current: &str, then: &str) -> Result<(), PlanError> {
    match if_match.filter(|e| !if_match_holds(e, current)) {
        Some(expected) => Err(PlanError::Stale(format!(
            "the roster changed since revision {expected} (now {current}); reload it and {then}"
        ))),
        None => Ok(()),
    }
}

/// With `if_match`, refuses with [`PlanError::Stale`] unless schedule `id`, read last changed at
/// `updated_at`, is at that revision, and holds it there until the caller's transaction ends (an
/// edit or a re-solve waits), so that what the transaction does next reads the roster the client
/// saw. Without it, does nothing.
pub fn hold_revision(
    c: &mut DbConnection,
    id: &str,
    updated_at: NaiveDateTime,
    if_match: Option<&str>,
    then: &str,
) -> Result<(), PlanError> {
    let Some(expected) = if_match else {
        return Ok(());
    };
    check_revision(Some(expected), &revision(updated_at), then)?;
    if !db::schedules::hold(c, id, updated_at)? {
        return Err(PlanError::Stale(format!(
            "the roster changed meanwhile (revision {expected} no longer holds); reload it and {then}"
        )));
    }
    Ok(())
}

/// The schedule's problem, roster and `updated_at` (its revision).
fn load(c: &mut DbConnection, id: &str) -> Result<(Problem, Roster, NaiveDateTime), PlanError> {
    let schedule = db::schedules::get(c, id)?;
    if schedule.status != "solved" {
        return Err(DbError::Conflict(format!(
            "schedule is {}; only a solved roster can be edited",
            schedule.status
        ))
        .into());
    }
    let roster: Roster = schedule
        .roster
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .ok_or_else(|| DbError::Corrupt(format!("schedule {id} has no readable roster")))?;
    let problem: Problem = schedule
        .problem
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .ok_or_else(|| {
            DbError::Conflict("this roster predates edits; re-solve the schedule first".into())
        })?;
    Ok((problem, roster, schedule.updated_at))
}

/// Applies `edit` to schedule `id` and stores the result in one transaction; with `if_match`,
/// only if the schedule is still at that revision.
pub fn edit_schedule(
    conn: &mut DbConnection,
    id: &str,
    edit: &Edit,
    if_match: Option<&str>,
) -> Result<EditOutcome, PlanError> {
    conn.transaction(|c| {
        crate::db::backend::begin_write(c)?;
        let (mut problem, roster, updated_at) = load(c, id)?;
        let current = revision(updated_at);
        check_revision(if_match, &current, "edit again")?;
        let edited = apply(&problem, &roster, edit)?;
        // An edit that changes nothing (a shift locked twice) keeps the revision, so that the
        // If-Match of everyone else who loaded this roster still holds.
        if edited.pinned == problem.pinned && edited.roster == roster {
            return Ok(outcome(id, current, edited));
        }
        problem.pinned.clone_from(&edited.pinned);
        let roster_json =
            serde_json::to_string(&edited.roster).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let problem_json =
            serde_json::to_string(&problem).map_err(|e| DbError::Corrupt(e.to_string()))?;
        let Some(stored_at) =
            db::schedules::store_edit(c, id, &roster_json, &problem_json, updated_at)?
        else {
            return Err(
                DbError::Conflict("the schedule changed meanwhile; reload it".into()).into(),
            );
        };
        Ok(outcome(id, revision(stored_at), edited))
    })
}

fn outcome(id: &str, revision: String, edited: Edited) -> EditOutcome {
    EditOutcome {
        schedule_id: id.to_string(),
        revision,
        shifts: edited.roster.shifts.len(),
        locked_shifts: edited.pinned.len(),
        coverage: edited.change,
        warnings: edited.warnings,
    }
}

/// What a re-solve changes in how the schedule is solved; `None` keeps the stored setting.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolveSettings {
    pub weights: Option<Weights>,
    pub time_limit_seconds: Option<f64>,
    /// `Some(None)` goes back to stopping on the time limit.
    pub work_limit: Option<Option<f64>>,
}

/// Queues a re-solve of schedule `id` with `changes` to its settings; its locked shifts are kept
/// as they are. Returns the job id.
pub fn resolve_schedule(
    conn: &mut DbConnection,
    id: &str,
    created_by: Option<&str>,
    changes: &SolveSettings,
) -> Result<String, PlanError> {
    conn.transaction(|c| {
        crate::db::backend::begin_write(c)?;
        db::schedules::get(c, id)?;
        let job_id = db::jobs::insert(
            c,
            super::scheduling::SOLVE_SCHEDULE,
            &serde_json::json!({ "schedule_id": id }).to_string(),
            2,
            created_by,
        )?;
        if !db::schedules::requeue(c, id, &job_id)? {
            return Err(DbError::Conflict(
                "only a solved or failed schedule can be re-solved".into(),
            )
            .into());
        }
        // Stored with the requeue, so the job and every later re-solve read the same settings.
        let weights = changes
            .weights
            .as_ref()
            .and_then(|w| serde_json::to_string(w).ok());
        db::schedules::set_solve_settings(
            c,
            id,
            weights.as_deref(),
            changes.time_limit_seconds,
            changes.work_limit,
        )?;
        Ok(job_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_strong_tags_and_accepts_any() {
        assert!(if_match_holds("\"17\"", "\"17\""));
        assert!(if_match_holds("\"3\", \"17\"", "\"17\""));
        assert!(if_match_holds("*", "\"17\""));
        assert!(!if_match_holds("\"16\"", "\"17\""));
        assert!(!if_match_holds("W/\"17\"", "\"17\""));
        assert!(!if_match_holds("17", "\"17\""));
    }
}
