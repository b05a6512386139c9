//! Published shifts an agent's new availability no longer covers, flagged to managers until resolved.

use super::schema::availability_conflicts as c;
use super::{new_id, now, DbConnection, DbResult, Page};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = c)]
pub struct ConflictRow {
    pub id: String,
    pub agent_id: String,
    pub shift_id: String,
    /// `open` or `resolved`.
    pub status: String,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Records a conflict for each shift that has no open one yet; returns every open conflict of
/// those shifts (new and earlier), by shift id.
pub fn record(
    conn: &mut DbConnection,
    agent_id: &str,
    shift_ids: &[String],
) -> DbResult<Vec<ConflictRow>> {
    let open: Vec<String> = c::table
        .filter(c::shift_id.eq_any(shift_ids))
        .filter(c::status.eq("open"))
        .select(c::shift_id)
        .load(conn)?;
    let t = now();
    for shift_id in shift_ids.iter().filter(|s| !open.contains(s)) {
        diesel::insert_into(c::table)
            .values(&ConflictRow {
                id: new_id(),
                agent_id: agent_id.to_string(),
                shift_id: shift_id.clone(),
                status: "open".into(),
                resolution_note: None,
                resolved_by: None,
                resolved_at: None,
                created_at: t,
            })
            .execute(conn)?;
    }
    Ok(c::table
        .filter(c::shift_id.eq_any(shift_ids))
        .filter(c::status.eq("open"))
        .select(ConflictRow::as_select())
        .order((c::shift_id, c::id))
        .load(conn)?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<ConflictRow> {
    Ok(c::table
        .find(id)
        .select(ConflictRow::as_select())
        .first(conn)?)
}

/// Conflicts in `status` (any when `None`), optionally of one agent, oldest first, with the total.
pub fn list(
    conn: &mut DbConnection,
    status: Option<&str>,
    agent_id: Option<&str>,
    page: Page,
) -> DbResult<(Vec<ConflictRow>, i64)> {
    let filtered = || {
        let mut q = c::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(c::status.eq(s.to_string()));
        }
        if let Some(a) = agent_id {
            q = q.filter(c::agent_id.eq(a.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(ConflictRow::as_select())
        .order((c::created_at, c::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Resolves an open conflict; `false` when it was not open.
pub fn resolve(conn: &mut DbConnection, id: &str, note: &str, by: &str) -> DbResult<bool> {
    let n = diesel::update(c::table.find(id).filter(c::status.eq("open")))
        .set((
            c::status.eq("resolved"),
            c::resolution_note.eq(note),
            c::resolved_by.eq(by),
            c::resolved_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
