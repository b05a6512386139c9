//! Queue rows and their translation to and from [`QueueSpec`].

use super::schema::queues;
use super::{new_id, now, DbConnection, DbError, DbResult, Page};
use crate::domain::queue::{Channel, QueueSpec, ServiceLevel};
use crate::domain::weekly::{parse_weekly, WindowDto};
use crate::domain::{language::LanguageTag, zone::TimeZone};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = queues)]
struct QueueRow {
    id: String,
    name: String,
    language: String,
    channel: String,
    time_zone: String,
    interval_minutes: i32,
    service_level_target: f64,
    service_level_seconds: i32,
    max_occupancy: f64,
    chat_concurrency: i32,
    shrinkage: f64,
    staffing_floor: i32,
    patience_seconds: Option<i32>,
    opening_hours: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A stored queue.
#[derive(Debug, Clone)]
pub struct QueueRecord {
    pub id: String,
    pub spec: QueueSpec,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// List filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub language: Option<String>,
    pub channel: Option<String>,
    pub time_zone: Option<String>,
}

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn row_from_spec(id: String, spec: &QueueSpec, created_at: NaiveDateTime) -> DbResult<QueueRow> {
    let hours: Vec<WindowDto> = spec.opening_hours.iter().map(|w| w.to_dto()).collect();
    Ok(QueueRow {
        id,
        name: spec.name.clone(),
        language: spec.language.to_string(),
        channel: spec.channel.as_str().into(),
        time_zone: spec.time_zone.name().into(),
        interval_minutes: to_i32(spec.interval_minutes),
        service_level_target: spec.service_level.target,
        service_level_seconds: to_i32(spec.service_level.threshold_seconds),
        max_occupancy: spec.max_occupancy,
        chat_concurrency: to_i32(spec.chat_concurrency),
        shrinkage: spec.shrinkage,
        staffing_floor: to_i32(spec.staffing_floor),
        patience_seconds: spec.patience_seconds.map(to_i32),
        opening_hours: serde_json::to_string(&hours)
            .map_err(|e| DbError::Corrupt(e.to_string()))?,
        created_at,
        updated_at: now(),
    })
}

fn record_from_row(row: QueueRow) -> DbResult<QueueRecord> {
    let corrupt = |what: &str| DbError::Corrupt(format!("queue {}: {what}", row.id));
    let hours: Vec<WindowDto> =
        serde_json::from_str(&row.opening_hours).map_err(|_| corrupt("opening_hours"))?;
    let u = |v: i32, what: &str| u32::try_from(v).map_err(|_| corrupt(what));
    let spec = QueueSpec {
        name: row.name.clone(),
        language: LanguageTag::parse(&row.language).map_err(|_| corrupt("language"))?,
        channel: Channel::parse(&row.channel).map_err(|_| corrupt("channel"))?,
        time_zone: TimeZone::parse(&row.time_zone).map_err(|_| corrupt("time_zone"))?,
        interval_minutes: u(row.interval_minutes, "interval_minutes")?,
        service_level: ServiceLevel {
            target: row.service_level_target,
            threshold_seconds: u(row.service_level_seconds, "service_level_seconds")?,
        },
        max_occupancy: row.max_occupancy,
        chat_concurrency: u(row.chat_concurrency, "chat_concurrency")?,
        shrinkage: row.shrinkage,
        staffing_floor: u(row.staffing_floor, "staffing_floor")?,
        patience_seconds: row
            .patience_seconds
            .map(|p| u(p, "patience_seconds"))
            .transpose()?,
        opening_hours: parse_weekly(&hours, usize::MAX).map_err(|_| corrupt("opening_hours"))?,
    };
    Ok(QueueRecord {
        id: row.id,
        spec,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn insert(conn: &mut DbConnection, spec: &QueueSpec) -> DbResult<QueueRecord> {
    let row = row_from_spec(new_id(), spec, now())?;
    diesel::insert_into(queues::table)
        .values(&row)
        .execute(conn)?;
    get(conn, &row.id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<QueueRecord> {
    let row = queues::table
        .find(id)
        .select(QueueRow::as_select())
        .first(conn)?;
    record_from_row(row)
}

pub fn update(conn: &mut DbConnection, id: &str, spec: &QueueSpec) -> DbResult<QueueRecord> {
    let existing = get(conn, id)?;
    let row = row_from_spec(id.to_string(), spec, existing.created_at)?;
    diesel::update(queues::table.find(id))
        .set(&row)
        .execute(conn)?;
    get(conn, id)
}

/// Holds the rows of the queues `ids` (every queue for `None`) until the transaction ends, so that a
/// concurrent delete waits for whatever the caller stores about them, or the caller for the delete.
/// SQLite needs nothing beyond `backend::begin_write`; PostgreSQL takes the row locks here.
pub fn hold(conn: &mut DbConnection, ids: Option<&[String]>) -> DbResult<()> {
    let mut rows = diesel::update(queues::table).into_boxed();
    if let Some(ids) = ids {
        rows = rows.filter(queues::id.eq_any(ids));
    }
    rows.set(queues::name.eq(queues::name)).execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, id: &str) -> DbResult<()> {
    match diesel::delete(queues::table.find(id)).execute(conn)? {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

pub fn list(
    conn: &mut DbConnection,
    filter: &QueueFilter,
    page: Page,
) -> DbResult<(Vec<QueueRecord>, i64)> {
    let filtered = || {
        let mut q = queues::table.into_boxed();
        if let Some(lang) = &filter.language {
            q = q.filter(
                queues::language
                    .eq(lang.clone())
                    .or(queues::language.like(format!("{lang}-%"))),
            );
        }
        if let Some(c) = &filter.channel {
            q = q.filter(queues::channel.eq(c.clone()));
        }
        if let Some(z) = &filter.time_zone {
            q = q.filter(queues::time_zone.eq(z.clone()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<QueueRow> = filtered()
        .select(QueueRow::as_select())
        .order((queues::name, queues::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    let records = rows
        .into_iter()
        .map(record_from_row)
        .collect::<DbResult<Vec<_>>>()?;
    Ok((records, total))
}

/// Every queue, by name (for planning runs and the demo).
pub fn all(conn: &mut DbConnection) -> DbResult<Vec<QueueRecord>> {
    let rows: Vec<QueueRow> = queues::table
        .select(QueueRow::as_select())
        .order((queues::name, queues::id))
        .load(conn)?;
    rows.into_iter().map(record_from_row).collect()
}

/// Queues by id, each read at most once: list views name the queue of every row.
#[derive(Debug, Default)]
pub struct QueueCache(std::collections::HashMap<String, QueueRecord>);

impl QueueCache {
    pub fn get(&mut self, conn: &mut DbConnection, id: &str) -> DbResult<&QueueRecord> {
        if !self.0.contains_key(id) {
            let queue = get(conn, id)?;
            self.0.insert(id.to_string(), queue);
        }
        self.0.get(id).ok_or(DbError::NotFound)
    }
}
