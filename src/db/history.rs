//! Contact history and special days.

use super::schema::{history, special_days};
use super::{backend, new_id, now, DbConnection, DbError, DbResult, Page};
use crate::domain::forecast::{HistoryRow, SpecialDay, SpecialEffect};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = history)]
pub struct HistoryDbRow {
    pub queue_id: String,
    pub interval_start: NaiveDateTime,
    pub reason: String,
    pub offered: i32,
    pub ai_resolved: i32,
    pub handed_to_human: i32,
    pub abandoned: i32,
    pub aht_seconds: Option<f64>,
    pub escalations: Option<i32>,
    pub escalation_aht_seconds: Option<f64>,
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn to_u32(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

impl HistoryDbRow {
    fn from_row(queue_id: &str, r: &HistoryRow) -> Self {
        Self {
            queue_id: queue_id.to_string(),
            interval_start: r.start.naive_utc(),
            reason: r.reason.clone().unwrap_or_default(),
            offered: to_i32(r.offered),
            ai_resolved: to_i32(r.ai_resolved),
            handed_to_human: to_i32(r.handed_to_human),
            abandoned: to_i32(r.abandoned),
            aht_seconds: r.aht_seconds,
            escalations: r.escalations.map(to_i32),
            escalation_aht_seconds: r.escalation_aht_seconds,
        }
    }

    pub fn to_row(&self) -> HistoryRow {
        HistoryRow {
            start: self.interval_start.and_utc(),
            offered: to_u32(self.offered),
            ai_resolved: to_u32(self.ai_resolved),
            handed_to_human: to_u32(self.handed_to_human),
            abandoned: to_u32(self.abandoned),
            aht_seconds: self.aht_seconds,
            escalations: self.escalations.map(to_u32),
            escalation_aht_seconds: self.escalation_aht_seconds,
            reason: (!self.reason.is_empty()).then(|| self.reason.clone()),
        }
    }
}

/// What an upload replaced.
#[derive(Debug, Clone, Copy)]
pub struct ReplaceSummary {
    pub inserted: usize,
    pub replaced: usize,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// Replaces the queue's history between the first and last uploaded interval (every reason) with
/// `rows`, in one transaction: re-uploading a range is idempotent and a failure writes nothing.
pub fn replace_range(
    conn: &mut DbConnection,
    queue_id: &str,
    rows: &[HistoryRow],
) -> DbResult<ReplaceSummary> {
    let first = rows.iter().map(|r| r.start).min();
    let last = rows.iter().map(|r| r.start).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(ReplaceSummary {
            inserted: 0,
            replaced: 0,
            first: None,
            last: None,
        });
    };
    let db_rows: Vec<HistoryDbRow> = rows
        .iter()
        .map(|r| HistoryDbRow::from_row(queue_id, r))
        .collect();
    conn.transaction::<_, DbError, _>(|c| {
        let replaced = diesel::delete(
            history::table
                .filter(history::queue_id.eq(queue_id))
                .filter(history::interval_start.ge(first.naive_utc()))
                .filter(history::interval_start.le(last.naive_utc())),
        )
        .execute(c)?;
        backend::insert_history(c, &db_rows)?;
        Ok(ReplaceSummary {
            inserted: db_rows.len(),
            replaced,
            first: Some(first),
            last: Some(last),
        })
    })
}

/// Deletes the queue's history in `[from, to)` (every reason); an open end reaches the first or
/// last stored row. Returns how many rows went.
pub fn delete_range(
    conn: &mut DbConnection,
    queue_id: &str,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
) -> DbResult<usize> {
    let mut q = diesel::delete(history::table)
        .filter(history::queue_id.eq(queue_id))
        .into_boxed();
    if let Some(f) = from {
        q = q.filter(history::interval_start.ge(f));
    }
    if let Some(t) = to {
        q = q.filter(history::interval_start.lt(t));
    }
    Ok(q.execute(conn)?)
}

/// Whether the queue has any stored history.
pub fn has_history(conn: &mut DbConnection, queue_id: &str) -> DbResult<bool> {
    Ok(last_interval(conn, queue_id)?.is_some())
}

/// All history of a queue from `since` on, oldest first (forecast input).
pub fn load(
    conn: &mut DbConnection,
    queue_id: &str,
    since: Option<NaiveDateTime>,
) -> DbResult<Vec<HistoryRow>> {
    let mut q = history::table
        .filter(history::queue_id.eq(queue_id))
        .into_boxed();
    if let Some(s) = since {
        q = q.filter(history::interval_start.ge(s));
    }
    let rows: Vec<HistoryDbRow> = q
        .select(HistoryDbRow::as_select())
        .order((history::interval_start, history::reason))
        .load(conn)?;
    Ok(rows.iter().map(HistoryDbRow::to_row).collect())
}

/// A page of history rows in a UTC range, optionally for one reason.
pub fn list(
    conn: &mut DbConnection,
    queue_id: &str,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
    reason: Option<&str>,
    page: Page,
) -> DbResult<(Vec<HistoryDbRow>, i64)> {
    let filtered = || {
        let mut q = history::table
            .filter(history::queue_id.eq(queue_id.to_string()))
            .into_boxed();
        if let Some(f) = from {
            q = q.filter(history::interval_start.ge(f));
        }
        if let Some(t) = to {
            q = q.filter(history::interval_start.lt(t));
        }
        if let Some(r) = reason {
            q = q.filter(history::reason.eq(r.to_string()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(HistoryDbRow::as_select())
        .order((history::interval_start, history::reason))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = special_days)]
pub struct SpecialDayRow {
    pub id: String,
    pub queue_id: Option<String>,
    pub day: NaiveDate,
    pub kind: String,
    pub multiplier: Option<f64>,
    pub label: String,
    pub created_at: NaiveDateTime,
}

impl SpecialDayRow {
    pub fn to_special_day(&self) -> SpecialDay {
        SpecialDay {
            date: self.day,
            effect: match (self.kind.as_str(), self.multiplier) {
                ("multiplier", Some(m)) => SpecialEffect::Multiplier(m),
                _ => SpecialEffect::Closed,
            },
        }
    }
}

pub fn insert_special_day(
    conn: &mut DbConnection,
    queue_id: Option<&str>,
    day: NaiveDate,
    effect: SpecialEffect,
    label: &str,
) -> DbResult<SpecialDayRow> {
    let (kind, multiplier) = match effect {
        SpecialEffect::Multiplier(m) => ("multiplier", Some(m)),
        SpecialEffect::Closed => ("closed", None),
    };
    let row = SpecialDayRow {
        id: new_id(),
        queue_id: queue_id.map(str::to_string),
        day,
        kind: kind.into(),
        multiplier,
        label: label.to_string(),
        created_at: now(),
    };
    diesel::insert_into(special_days::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Special days of a queue, including those for every queue, ordered by day.
pub fn special_days_for(
    conn: &mut DbConnection,
    queue_id: Option<&str>,
) -> DbResult<Vec<SpecialDayRow>> {
    let mut q = special_days::table.into_boxed();
    if let Some(id) = queue_id {
        q = q.filter(
            special_days::queue_id
                .eq(id.to_string())
                .or(special_days::queue_id.is_null()),
        );
    }
    Ok(q.select(SpecialDayRow::as_select())
        .order((special_days::day, special_days::id))
        .load(conn)?)
}

pub fn delete_special_day(conn: &mut DbConnection, id: &str) -> DbResult<()> {
    match diesel::delete(special_days::table.find(id)).execute(conn)? {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

/// The latest stored interval start of a queue.
pub fn last_interval(conn: &mut DbConnection, queue_id: &str) -> DbResult<Option<NaiveDateTime>> {
    Ok(history::table
        .filter(history::queue_id.eq(queue_id))
        .select(diesel::dsl::max(history::interval_start))
        .first(conn)?)
}
