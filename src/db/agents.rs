//! Agents with their languages and availability, stored across four tables and read back as one
//! [`AgentSpec`]. Writes replace the child rows inside one transaction.

use super::schema::{
    agent_languages, agents, availability_exceptions, availability_windows, users,
};
use super::{new_id, now, DbConnection, DbError, DbResult, Page};
use crate::domain::agent::{AgentSpec, AgentStatus, Availability, Contract, LanguageSkill};
use crate::domain::email::EmailAddress;
use crate::domain::language::{LanguageTag, Proficiency};
use crate::domain::shift_preferences::ShiftPreferences;
use crate::domain::weekly::{DatedException, WeeklyWindow};
use crate::domain::zone::TimeZone;
use chrono::{NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = agents)]
struct AgentRow {
    id: String,
    name: String,
    email: String,
    time_zone: String,
    status: String,
    min_hours_per_week: f64,
    max_hours_per_week: f64,
    max_shifts_per_week: i32,
    min_rest_hours: f64,
    max_consecutive_days: i32,
    min_consecutive_days_off: i32,
    max_weekends_per_period: Option<i32>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    #[diesel(embed)]
    preferences: PreferenceColumns,
}

/// Shift preferences as stored: start minutes and weekday codes, comma-separated.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = agents)]
struct PreferenceColumns {
    preferred_start_minutes: String,
    start_weight: f64,
    preferred_days_on: String,
    days_on_weight: f64,
    preferred_days_off: String,
    days_off_weight: f64,
}

impl PreferenceColumns {
    fn of(p: &ShiftPreferences) -> Self {
        Self {
            preferred_start_minutes: p.start_minutes_text(),
            start_weight: p.start_weight,
            preferred_days_on: ShiftPreferences::days_text(&p.days_on),
            days_on_weight: p.days_on_weight,
            preferred_days_off: ShiftPreferences::days_text(&p.days_off),
            days_off_weight: p.days_off_weight,
        }
    }

    fn read(&self) -> ShiftPreferences {
        ShiftPreferences::from_stored(
            &self.preferred_start_minutes,
            self.start_weight,
            (&self.preferred_days_on, self.days_on_weight),
            (&self.preferred_days_off, self.days_off_weight),
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = agent_languages)]
struct LanguageRow {
    agent_id: String,
    language: String,
    proficiency: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = availability_windows)]
struct WindowRow {
    id: String,
    agent_id: String,
    weekday: i32,
    start_minute: i32,
    end_minute: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = availability_exceptions)]
struct ExceptionRow {
    id: String,
    agent_id: String,
    day: NaiveDate,
    start_minute: Option<i32>,
    end_minute: Option<i32>,
    available: bool,
    note: Option<String>,
}

/// A stored agent.
#[derive(Debug, Clone)]
pub struct AgentRecord {
    pub id: String,
    pub spec: AgentSpec,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default)]
pub struct AgentFilter {
    pub status: Option<String>,
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// Case-insensitive substring of name or email.
    pub search: Option<String>,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

fn to_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn agent_row(id: &str, spec: &AgentSpec, created_at: NaiveDateTime) -> AgentRow {
    let c = &spec.contract;
    AgentRow {
        id: id.to_string(),
        name: spec.name.clone(),
        email: spec.email.to_string(),
        time_zone: spec.time_zone.name().into(),
        status: spec.status.as_str().into(),
        min_hours_per_week: c.min_hours_per_week,
        max_hours_per_week: c.max_hours_per_week,
        max_shifts_per_week: to_i32(c.max_shifts_per_week),
        min_rest_hours: c.min_rest_hours,
        max_consecutive_days: to_i32(c.max_consecutive_days),
        min_consecutive_days_off: to_i32(c.min_consecutive_days_off),
        max_weekends_per_period: c.max_weekends_per_period.map(to_i32),
        created_at,
        updated_at: now(),
        preferences: PreferenceColumns::of(&spec.preferences),
    }
}

fn write_languages(conn: &mut DbConnection, id: &str, skills: &[LanguageSkill]) -> DbResult<()> {
    diesel::delete(agent_languages::table.filter(agent_languages::agent_id.eq(id)))
        .execute(conn)?;
    for s in skills {
        diesel::insert_into(agent_languages::table)
            .values(&LanguageRow {
                agent_id: id.into(),
                language: s.language.to_string(),
                proficiency: s.proficiency.as_str().into(),
            })
            .execute(conn)?;
    }
    Ok(())
}

/// Replaces an agent's weekly windows and dated exceptions.
pub fn write_availability(
    conn: &mut DbConnection,
    id: &str,
    availability: &Availability,
) -> DbResult<()> {
    diesel::delete(availability_windows::table.filter(availability_windows::agent_id.eq(id)))
        .execute(conn)?;
    diesel::delete(availability_exceptions::table.filter(availability_exceptions::agent_id.eq(id)))
        .execute(conn)?;
    for w in &availability.weekly {
        diesel::insert_into(availability_windows::table)
            .values(&WindowRow {
                id: new_id(),
                agent_id: id.into(),
                weekday: i32::try_from(w.weekday.num_days_from_monday()).unwrap_or(0),
                start_minute: i32::from(w.start),
                end_minute: i32::from(w.end),
            })
            .execute(conn)?;
    }
    for e in &availability.exceptions {
        diesel::insert_into(availability_exceptions::table)
            .values(&ExceptionRow {
                id: new_id(),
                agent_id: id.into(),
                day: e.date,
                start_minute: e.start.map(i32::from),
                end_minute: e.end.map(i32::from),
                available: e.available,
                note: e.note.clone(),
            })
            .execute(conn)?;
    }
    diesel::update(agents::table.find(id))
        .set(agents::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

/// Inserts an agent and its sign-in user (role agent, no password yet) in one transaction.
pub fn insert(conn: &mut DbConnection, spec: &AgentSpec) -> DbResult<AgentRecord> {
    let id = new_id();
    conn.transaction::<_, DbError, _>(|c| {
        diesel::insert_into(agents::table)
            .values(&agent_row(&id, spec, now()))
            .execute(c)?;
        write_languages(c, &id, &spec.languages)?;
        write_availability(c, &id, &spec.availability)?;
        super::users::insert_agent_user(c, &id, &spec.email)?;
        Ok(())
    })?;
    get(conn, &id)
}

/// Replaces an agent (and the sign-in email with it).
pub fn update(conn: &mut DbConnection, id: &str, spec: &AgentSpec) -> DbResult<AgentRecord> {
    conn.transaction::<_, DbError, _>(|c| {
        super::backend::begin_write(c)?;
        let created_at: NaiveDateTime =
            agents::table.find(id).select(agents::created_at).first(c)?;
        diesel::update(agents::table.find(id))
            .set(&agent_row(id, spec, created_at))
            .execute(c)?;
        write_languages(c, id, &spec.languages)?;
        write_availability(c, id, &spec.availability)?;
        diesel::update(users::table.filter(users::agent_id.eq(id)))
            .set(users::email.eq(spec.email.to_string()))
            .execute(c)?;
        Ok(())
    })?;
    get(conn, id)
}

/// Replaces an agent's shift preferences.
pub fn write_preferences(
    conn: &mut DbConnection,
    id: &str,
    preferences: &ShiftPreferences,
) -> DbResult<AgentRecord> {
    let changed = diesel::update(agents::table.find(id))
        .set((
            PreferenceColumns::of(preferences),
            agents::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    get(conn, id)
}

/// Deletes agent `id` with its account, availability and requests. Refused with a conflict while the
/// agent holds any active published shift, worked or to come: deleting the agent would erase those
/// shifts with it (hours worked, the roster others rely on, shifts taken over in swaps).
pub fn delete(conn: &mut DbConnection, id: &str) -> DbResult<()> {
    use super::schema::shifts;
    conn.transaction(|c| {
        super::backend::begin_write(c)?;
        // No shift can be handed to the agent between the count and the delete.
        super::backend::lock_agent(c, id)?;
        let held: i64 = shifts::table
            .filter(shifts::agent_id.eq(id))
            .filter(shifts::status.eq("active"))
            .count()
            .get_result(c)?;
        if held > 0 {
            let shifts = if held == 1 { "shift" } else { "shifts" };
            return Err(DbError::Conflict(format!(
                "the agent holds {held} published {shifts} (worked or to come), which deleting the \
                 agent would erase; set the agent's status to inactive instead: an inactive agent \
                 keeps those shifts, is left out of new schedules and takes no more shifts"
            )));
        }
        match diesel::delete(agents::table.find(id)).execute(c)? {
            0 => Err(DbError::NotFound),
            _ => Ok(()),
        }
    })
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<AgentRecord> {
    let row = agents::table
        .find(id)
        .select(AgentRow::as_select())
        .first(conn)?;
    let mut records = assemble(conn, vec![row])?;
    records.pop().ok_or(DbError::NotFound)
}

pub fn list(
    conn: &mut DbConnection,
    filter: &AgentFilter,
    page: Page,
) -> DbResult<(Vec<AgentRecord>, i64)> {
    let filtered = || {
        let mut q = agents::table.into_boxed();
        if let Some(s) = &filter.status {
            q = q.filter(agents::status.eq(s.clone()));
        }
        if let Some(z) = &filter.time_zone {
            q = q.filter(agents::time_zone.eq(z.clone()));
        }
        if let Some(lang) = &filter.language {
            let speakers = agent_languages::table
                .select(agent_languages::agent_id)
                .filter(
                    agent_languages::language
                        .eq(lang.clone())
                        .or(agent_languages::language.like(format!("{lang}-%"))),
                );
            q = q.filter(agents::id.eq_any(speakers));
        }
        if let Some(text) = &filter.search {
            // `%`, `_` and the escape itself match literally: `john_doe` finds john_doe only.
            let mut escaped = String::with_capacity(text.len() + 2);
            for c in text.to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    escaped.push('\\');
                }
                escaped.push(c);
            }
            let pattern = format!("%{escaped}%");
            q = q.filter(
                lower(agents::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(agents::email.like(pattern).escape('\\')),
            );
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows: Vec<AgentRow> = filtered()
        .select(AgentRow::as_select())
        .order((agents::name, agents::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((assemble(conn, rows)?, total))
}

/// Every active agent, by name (for planning runs).
pub fn all_active(conn: &mut DbConnection) -> DbResult<Vec<AgentRecord>> {
    let rows: Vec<AgentRow> = agents::table
        .filter(agents::status.eq("active"))
        .select(AgentRow::as_select())
        .order((agents::name, agents::id))
        .load(conn)?;
    assemble(conn, rows)
}

pub fn count(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(agents::table.count().get_result(conn)?)
}

/// Loads child rows for a page of agents with one query per table (not per agent).
fn assemble(conn: &mut DbConnection, rows: Vec<AgentRow>) -> DbResult<Vec<AgentRecord>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut langs: BTreeMap<String, Vec<LanguageRow>> = BTreeMap::new();
    for l in agent_languages::table
        .filter(agent_languages::agent_id.eq_any(&ids))
        .select(LanguageRow::as_select())
        .order((agent_languages::agent_id, agent_languages::language))
        .load::<LanguageRow>(conn)?
    {
        langs.entry(l.agent_id.clone()).or_default().push(l);
    }
    let mut windows: BTreeMap<String, Vec<WindowRow>> = BTreeMap::new();
    for w in availability_windows::table
        .filter(availability_windows::agent_id.eq_any(&ids))
        .select(WindowRow::as_select())
        .order((
            availability_windows::weekday,
            availability_windows::start_minute,
        ))
        .load::<WindowRow>(conn)?
    {
        windows.entry(w.agent_id.clone()).or_default().push(w);
    }
    let mut exceptions: BTreeMap<String, Vec<ExceptionRow>> = BTreeMap::new();
    for e in availability_exceptions::table
        .filter(availability_exceptions::agent_id.eq_any(&ids))
        .select(ExceptionRow::as_select())
        .order((
            availability_exceptions::day,
            availability_exceptions::start_minute,
        ))
        .load::<ExceptionRow>(conn)?
    {
        exceptions.entry(e.agent_id.clone()).or_default().push(e);
    }
    rows.into_iter()
        .map(|row| {
            let l = langs.remove(&row.id).unwrap_or_default();
            let w = windows.remove(&row.id).unwrap_or_default();
            let e = exceptions.remove(&row.id).unwrap_or_default();
            record_from_rows(row, l, w, e)
        })
        .collect()
}

fn record_from_rows(
    row: AgentRow,
    langs: Vec<LanguageRow>,
    windows: Vec<WindowRow>,
    exceptions: Vec<ExceptionRow>,
) -> DbResult<AgentRecord> {
    let corrupt = |what: &str| DbError::Corrupt(format!("agent {}: {what}", row.id));
    let u = |v: i32, what: &str| u32::try_from(v).map_err(|_| corrupt(what));
    let minute = |v: i32| u16::try_from(v).map_err(|_| corrupt("availability minute"));
    let languages = langs
        .iter()
        .map(|l| {
            Ok(LanguageSkill {
                language: LanguageTag::parse(&l.language).map_err(|_| corrupt("language"))?,
                proficiency: Proficiency::parse(&l.proficiency)
                    .map_err(|_| corrupt("proficiency"))?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let weekly = windows
        .iter()
        .map(|w| {
            let weekday = usize::try_from(w.weekday)
                .ok()
                .and_then(|d| WEEKDAYS.get(d).copied())
                .ok_or_else(|| corrupt("weekday"))?;
            Ok(WeeklyWindow {
                weekday,
                start: minute(w.start_minute)?,
                end: minute(w.end_minute)?,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let exceptions = exceptions
        .into_iter()
        .map(|e| {
            Ok(DatedException {
                date: e.day,
                start: e.start_minute.map(minute).transpose()?,
                end: e.end_minute.map(minute).transpose()?,
                available: e.available,
                note: e.note,
            })
        })
        .collect::<DbResult<Vec<_>>>()?;
    let spec = AgentSpec {
        name: row.name.clone(),
        email: EmailAddress::parse(&row.email).map_err(|_| corrupt("email"))?,
        time_zone: TimeZone::parse(&row.time_zone).map_err(|_| corrupt("time_zone"))?,
        languages,
        contract: Contract {
            min_hours_per_week: row.min_hours_per_week,
            max_hours_per_week: row.max_hours_per_week,
            max_shifts_per_week: u(row.max_shifts_per_week, "max_shifts_per_week")?,
            min_rest_hours: row.min_rest_hours,
            max_consecutive_days: u(row.max_consecutive_days, "max_consecutive_days")?,
            min_consecutive_days_off: u(row.min_consecutive_days_off, "min_consecutive_days_off")?,
            max_weekends_per_period: row
                .max_weekends_per_period
                .map(|w| u(w, "max_weekends_per_period"))
                .transpose()?,
        },
        status: AgentStatus::parse(&row.status).map_err(|_| corrupt("status"))?,
        availability: Availability { weekly, exceptions },
        preferences: row.preferences.read(),
    };
    Ok(AgentRecord {
        id: row.id,
        spec,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];
