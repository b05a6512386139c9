//! Job postings. List-valued fields are stored as JSON text (they are only ever read whole).

use crate::db::schema::postings;
use crate::db::{new_id, now, DbConnection, DbError, DbResult, Page};
use crate::domain::recruiting::posting::{PostingSpec, PostingStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = postings)]
struct PostingRow {
    id: String,
    title: String,
    description: String,
    languages: String,
    regions: String,
    time_zones: String,
    hours_per_week_min: f64,
    hours_per_week_max: f64,
    pay: String,
    hires_wanted: i32,
    status: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A stored posting, lists decoded.
#[derive(Debug, Clone)]
pub struct PostingRecord {
    pub id: String,
    pub title: String,
    pub description: String,
    pub languages: Vec<String>,
    pub regions: Vec<String>,
    pub time_zones: Vec<String>,
    pub hours_per_week_min: f64,
    pub hours_per_week_max: f64,
    pub pay: String,
    pub hires_wanted: u32,
    pub status: PostingStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn json_list(items: impl Iterator<Item = String>) -> String {
    serde_json::to_string(&items.collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into())
}

fn row(id: &str, spec: &PostingSpec, created_at: NaiveDateTime) -> PostingRow {
    PostingRow {
        id: id.to_string(),
        title: spec.title.clone(),
        description: spec.description.clone(),
        languages: json_list(spec.languages.iter().map(|l| l.to_string())),
        regions: json_list(spec.regions.iter().cloned()),
        time_zones: json_list(spec.time_zones.iter().map(|z| z.name().to_string())),
        hours_per_week_min: spec.hours_per_week_min,
        hours_per_week_max: spec.hours_per_week_max,
        pay: spec.pay.clone(),
        hires_wanted: i32::try_from(spec.hires_wanted).unwrap_or(i32::MAX),
        status: spec.status.as_str().into(),
        created_at,
        updated_at: now(),
    }
}

fn record(r: PostingRow) -> DbResult<PostingRecord> {
    let corrupt = |what: &str| DbError::Corrupt(format!("posting {}: {what}", r.id));
    let list = |raw: &str, what: &str| -> DbResult<Vec<String>> {
        serde_json::from_str(raw).map_err(|_| corrupt(what))
    };
    Ok(PostingRecord {
        languages: list(&r.languages, "languages")?,
        regions: list(&r.regions, "regions")?,
        time_zones: list(&r.time_zones, "time_zones")?,
        hires_wanted: u32::try_from(r.hires_wanted).map_err(|_| corrupt("hires_wanted"))?,
        status: PostingStatus::parse(&r.status).map_err(|_| corrupt("status"))?,
        id: r.id,
        title: r.title,
        description: r.description,
        hours_per_week_min: r.hours_per_week_min,
        hours_per_week_max: r.hours_per_week_max,
        pay: r.pay,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

pub fn insert(conn: &mut DbConnection, spec: &PostingSpec) -> DbResult<PostingRecord> {
    let id = new_id();
    diesel::insert_into(postings::table)
        .values(&row(&id, spec, now()))
        .execute(conn)?;
    get(conn, &id)
}

pub fn update(conn: &mut DbConnection, id: &str, spec: &PostingSpec) -> DbResult<PostingRecord> {
    let created_at: NaiveDateTime = postings::table
        .find(id)
        .select(postings::created_at)
        .first(conn)?;
    diesel::update(postings::table.find(id))
        .set(&row(id, spec, created_at))
        .execute(conn)?;
    get(conn, id)
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<PostingRecord> {
    record(
        postings::table
            .find(id)
            .select(PostingRow::as_select())
            .first(conn)?,
    )
}

/// Postings newest first, optionally only those with `status`.
pub fn list(
    conn: &mut DbConnection,
    status: Option<PostingStatus>,
    page: Page,
) -> DbResult<(Vec<PostingRecord>, i64)> {
    let filtered = || {
        let mut q = postings::table.into_boxed();
        if let Some(s) = status {
            q = q.filter(postings::status.eq(s.as_str()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<PostingRow> = filtered()
        .select(PostingRow::as_select())
        .order((postings::created_at.desc(), postings::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((
        rows.into_iter().map(record).collect::<DbResult<_>>()?,
        total,
    ))
}
