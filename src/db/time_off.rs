//! Time-off requests. Approved rows are hard rules for the scheduler and for swaps and claims.

use super::schema::time_off_requests as t;
use super::{now, DbConnection, DbResult, Page};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = t)]
pub struct TimeOffRow {
    pub id: String,
    pub agent_id: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub reason: String,
    /// `pending`, `approved`, `denied` or `cancelled`.
    pub status: String,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &TimeOffRow) -> DbResult<()> {
    diesel::insert_into(t::table).values(row).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<TimeOffRow> {
    Ok(t::table
        .find(id)
        .select(TimeOffRow::as_select())
        .first(conn)?)
}

/// Filters for listing requests.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub agent_id: Option<String>,
    pub status: Option<String>,
}

/// Requests by start with the total count.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    page: Page,
) -> DbResult<(Vec<TimeOffRow>, i64)> {
    let filtered = || {
        let mut q = t::table.into_boxed();
        if let Some(a) = &filter.agent_id {
            q = q.filter(t::agent_id.eq(a.clone()));
        }
        if let Some(s) = &filter.status {
            q = q.filter(t::status.eq(s.clone()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(TimeOffRow::as_select())
        .order((t::start_at, t::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Moves a request from `from` to `to` (a decision or a cancellation); `false` when it was no
/// longer in `from`, so two managers deciding at once cannot both win.
pub fn transition(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    to: &str,
    note: Option<&str>,
    decided_by: Option<&str>,
) -> DbResult<bool> {
    let at = now();
    let n = diesel::update(t::table.find(id).filter(t::status.eq(from)))
        .set((
            t::status.eq(to),
            t::decision_note.eq(note),
            t::decided_by.eq(decided_by),
            t::decided_at.eq(decided_by.map(|_| at)),
            t::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Approved time off of the given agents overlapping `[from, to)`, as `(agent_id, start, end)`.
pub fn approved_between(
    conn: &mut DbConnection,
    agent_ids: Option<&[String]>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> DbResult<Vec<(String, NaiveDateTime, NaiveDateTime)>> {
    let mut q = t::table
        .filter(t::status.eq("approved"))
        .filter(t::start_at.lt(to))
        .filter(t::end_at.gt(from))
        .into_boxed();
    if let Some(ids) = agent_ids {
        q = q.filter(t::agent_id.eq_any(ids.to_vec()));
    }
    Ok(q.select((t::agent_id, t::start_at, t::end_at))
        .order((t::agent_id, t::start_at))
        .load(conn)?)
}
