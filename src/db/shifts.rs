//! Published shifts: what agents see, email and calendar feeds are built from. A shift's id is its
//! iCalendar UID and never changes; every change an agent should notice bumps `sequence`.

use super::schema::shifts;
use super::{now, DbConnection, DbResult};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = shifts, treat_none_as_null = true)]
pub struct ShiftRow {
    pub id: String,
    /// `None` for an open shift nobody holds.
    pub agent_id: Option<String>,
    pub queue_id: String,
    pub start_at: NaiveDateTime,
    pub end_at: NaiveDateTime,
    /// JSON list of [`BreakSpan`].
    pub breaks: String,
    pub sequence: i32,
    /// `active` or `cancelled`.
    pub status: String,
    pub schedule_id: Option<String>,
    pub publication_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The agent the roster gave this shift to, once a swap handed it to someone else.
    pub handed_over_from: Option<String>,
    /// JSON list of every queue the shift serves; `queue_id` is the one it serves most.
    pub queue_ids: String,
}

/// A break inside a shift, UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakSpan {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl ShiftRow {
    pub fn breaks(&self) -> Vec<BreakSpan> {
        serde_json::from_str(&self.breaks).unwrap_or_default()
    }

    pub fn start_utc(&self) -> DateTime<Utc> {
        self.start_at.and_utc()
    }

    pub fn end_utc(&self) -> DateTime<Utc> {
        self.end_at.and_utc()
    }

    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// Every queue the shift serves; at least its main queue.
    pub fn served_queues(&self) -> Vec<String> {
        let mut served: Vec<String> = serde_json::from_str(&self.queue_ids).unwrap_or_default();
        if !served.contains(&self.queue_id) {
            served.push(self.queue_id.clone());
        }
        served
    }
}

/// The JSON a shift stores in `queue_ids`.
pub fn queue_ids_json(queues: &[String]) -> String {
    serde_json::to_string(queues).unwrap_or_else(|_| "[]".into())
}

pub fn insert_all(conn: &mut DbConnection, rows: &[ShiftRow]) -> DbResult<()> {
    super::backend::insert_shifts(conn, rows)
}

/// Writes every column of `row` (matched by id), stamping `updated_at`.
pub fn update(conn: &mut DbConnection, row: &ShiftRow) -> DbResult<()> {
    let mut row = row.clone();
    row.updated_at = now();
    diesel::update(shifts::table.find(&row.id))
        .set(&row)
        .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<ShiftRow> {
    Ok(shifts::table
        .find(id)
        .select(ShiftRow::as_select())
        .first(conn)?)
}

/// Shifts (active and cancelled) of `agent_id` that overlap `[from, to)`, by start.
pub fn for_agent(
    conn: &mut DbConnection,
    agent_id: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> DbResult<Vec<ShiftRow>> {
    Ok(shifts::table
        .filter(shifts::agent_id.eq(agent_id))
        .filter(shifts::start_at.lt(to))
        .filter(shifts::end_at.gt(from))
        .select(ShiftRow::as_select())
        .order((shifts::start_at, shifts::id))
        .load(conn)?)
}

/// Every active held shift that overlaps `[from, to)`, by agent then start.
pub fn active_overlapping(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> DbResult<Vec<ShiftRow>> {
    Ok(shifts::table
        .filter(shifts::agent_id.is_not_null())
        .filter(shifts::status.eq("active"))
        .filter(shifts::start_at.lt(to))
        .filter(shifts::end_at.gt(from))
        .select(ShiftRow::as_select())
        .order((shifts::agent_id, shifts::start_at, shifts::id))
        .load(conn)?)
}

/// Every held shift (active and cancelled) starting in `[from, to)`, by agent then start.
pub fn starting_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> DbResult<Vec<ShiftRow>> {
    Ok(shifts::table
        .filter(shifts::agent_id.is_not_null())
        .filter(shifts::start_at.ge(from))
        .filter(shifts::start_at.lt(to))
        .select(ShiftRow::as_select())
        .order((shifts::agent_id, shifts::start_at, shifts::id))
        .load(conn)?)
}
