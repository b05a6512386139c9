//! Applications and their pipeline events. The form's lists are JSON text; state changes and their
//! event rows are written together by [`record_transition`].

use crate::db::schema::{application_events, applications};
use crate::db::{new_id, now, DbConnection, DbError, DbResult};
use crate::domain::recruiting::application::ValidApplication;
use crate::domain::recruiting::fit::AvailabilityWindow;
use crate::domain::recruiting::pipeline::ApplicationState;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// A stored application row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applications)]
pub struct ApplicationRow {
    pub id: String,
    pub posting_id: String,
    pub state: String,
    pub name: String,
    pub email: String,
    pub languages: String,
    pub time_zone: String,
    pub country: String,
    pub availability: String,
    pub hours_per_week: i32,
    pub earliest_start: NaiveDate,
    pub is_student: bool,
    pub motivation: String,
    pub consent_text_version: String,
    pub consented_at: NaiveDateTime,
    pub confirm_token_hash: Option<String>,
    pub confirm_expires_at: Option<NaiveDateTime>,
    pub pending_update: Option<String>,
    pub status_key_hash: Option<String>,
    pub offer: Option<String>,
    pub agent_id: Option<String>,
    pub erased: bool,
    pub state_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ApplicationRow {
    pub fn state(&self) -> DbResult<ApplicationState> {
        ApplicationState::parse(&self.state)
            .ok_or_else(|| DbError::Corrupt(format!("application {}: state", self.id)))
    }

    /// `(tag, self-rated level 1-10)`.
    pub fn languages(&self) -> Vec<(String, u8)> {
        serde_json::from_str(&self.languages).unwrap_or_default()
    }

    pub fn availability(&self) -> Vec<AvailabilityWindow> {
        serde_json::from_str(&self.availability).unwrap_or_default()
    }
}

/// The applicant's form as stored (and as held while a re-application awaits confirmation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationForm {
    pub name: String,
    pub email: String,
    pub languages: Vec<(String, u8)>,
    pub time_zone: String,
    pub country: String,
    pub availability: Vec<AvailabilityWindow>,
    pub hours_per_week: u32,
    pub earliest_start: NaiveDate,
    pub is_student: bool,
    pub motivation: String,
    pub consent_text_version: String,
    pub consented_at: NaiveDateTime,
}

impl ApplicationForm {
    pub fn new(v: &ValidApplication, consented_at: NaiveDateTime) -> Self {
        Self {
            name: v.name.clone(),
            email: v.email.clone(),
            languages: v.languages.clone(),
            time_zone: v.time_zone.name().to_string(),
            country: v.country.clone(),
            availability: v.availability.clone(),
            hours_per_week: v.hours_per_week,
            earliest_start: v.earliest_start,
            is_student: v.is_student,
            motivation: v.motivation.clone(),
            consent_text_version: v.consent_text_version.clone(),
            consented_at,
        }
    }
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// One pipeline step as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_events)]
pub struct EventRow {
    pub id: String,
    pub application_id: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    pub actor_id: Option<String>,
    pub note: Option<String>,
    pub at: NaiveDateTime,
}

/// A new application in state `applied`, waiting for its email confirmation.
pub struct NewApplication<'a> {
    pub posting_id: &'a str,
    pub form: &'a ApplicationForm,
    pub confirm_token_hash: &'a str,
    pub confirm_expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewApplication<'_>) -> DbResult<ApplicationRow> {
    let t = now();
    let f = new.form;
    let row = ApplicationRow {
        id: new_id(),
        posting_id: new.posting_id.to_string(),
        state: ApplicationState::Applied.as_str().into(),
        name: f.name.clone(),
        email: f.email.clone(),
        languages: json(&f.languages),
        time_zone: f.time_zone.clone(),
        country: f.country.clone(),
        availability: json(&f.availability),
        hours_per_week: i32::try_from(f.hours_per_week).unwrap_or(i32::MAX),
        earliest_start: f.earliest_start,
        is_student: f.is_student,
        motivation: f.motivation.clone(),
        consent_text_version: f.consent_text_version.clone(),
        consented_at: f.consented_at,
        confirm_token_hash: Some(new.confirm_token_hash.to_string()),
        confirm_expires_at: Some(new.confirm_expires_at),
        pending_update: None,
        status_key_hash: None,
        offer: None,
        agent_id: None,
        erased: false,
        state_changed_at: t,
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(applications::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<ApplicationRow> {
    Ok(applications::table
        .find(id)
        .select(ApplicationRow::as_select())
        .first(conn)?)
}

pub fn find_by_email(
    conn: &mut DbConnection,
    posting_id: &str,
    email: &str,
) -> DbResult<Option<ApplicationRow>> {
    Ok(applications::table
        .filter(applications::posting_id.eq(posting_id))
        .filter(applications::email.eq(email))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

/// The application whose unexpired confirmation token has this digest.
pub fn find_by_confirm_token(
    conn: &mut DbConnection,
    token_hash: &str,
    at: NaiveDateTime,
) -> DbResult<Option<ApplicationRow>> {
    Ok(applications::table
        .filter(applications::confirm_token_hash.eq(token_hash))
        .filter(applications::confirm_expires_at.gt(at))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_status_key(
    conn: &mut DbConnection,
    key_hash: &str,
) -> DbResult<Option<ApplicationRow>> {
    Ok(applications::table
        .filter(applications::status_key_hash.eq(key_hash))
        .filter(applications::erased.eq(false))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Holds a re-application until the applicant confirms it from the new link.
pub fn set_pending_update(
    conn: &mut DbConnection,
    id: &str,
    form: &ApplicationForm,
    confirm_token_hash: &str,
    confirm_expires_at: NaiveDateTime,
) -> DbResult<()> {
    diesel::update(applications::table.find(id))
        .set((
            applications::pending_update.eq(Some(json(form))),
            applications::confirm_token_hash.eq(Some(confirm_token_hash)),
            applications::confirm_expires_at.eq(Some(confirm_expires_at)),
            applications::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Uses up the confirmation token: writes the pending form (if any) and the new status-key digest.
pub fn confirm(
    conn: &mut DbConnection,
    row: &ApplicationRow,
    status_key_hash: &str,
) -> DbResult<()> {
    let pending: Option<ApplicationForm> = row
        .pending_update
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    let target = applications::table
        .find(&row.id)
        .filter(applications::confirm_token_hash.eq(row.confirm_token_hash.clone()));
    let n = diesel::update(target)
        .set((
            applications::confirm_token_hash.eq(None::<String>),
            applications::confirm_expires_at.eq(None::<NaiveDateTime>),
            applications::pending_update.eq(None::<String>),
            applications::status_key_hash.eq(Some(status_key_hash)),
            applications::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if n == 0 {
        // Another request used the same link first.
        return Err(DbError::NotFound);
    }
    if let Some(f) = pending {
        diesel::update(applications::table.find(&row.id))
            .set((
                applications::name.eq(&f.name),
                applications::languages.eq(json(&f.languages)),
                applications::time_zone.eq(&f.time_zone),
                applications::country.eq(&f.country),
                applications::availability.eq(json(&f.availability)),
                applications::hours_per_week.eq(i32::try_from(f.hours_per_week).unwrap_or(0)),
                applications::earliest_start.eq(f.earliest_start),
                applications::is_student.eq(f.is_student),
                applications::motivation.eq(&f.motivation),
                applications::consent_text_version.eq(&f.consent_text_version),
                applications::consented_at.eq(f.consented_at),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Who moved an application.
#[derive(Debug, Clone)]
pub struct EventActor {
    /// `manager`, `applicant` or `system`.
    pub kind: &'static str,
    pub user_id: Option<String>,
}

/// Moves the application from `from` to `to` and records the step; `NotFound` when it is no longer in
/// `from` (a concurrent move won).
pub fn record_transition(
    conn: &mut DbConnection,
    id: &str,
    from: ApplicationState,
    to: ApplicationState,
    actor: &EventActor,
    note: Option<&str>,
) -> DbResult<()> {
    let t = now();
    let n = diesel::update(
        applications::table
            .find(id)
            .filter(applications::state.eq(from.as_str())),
    )
    .set((
        applications::state.eq(to.as_str()),
        applications::state_changed_at.eq(t),
        applications::updated_at.eq(t),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(DbError::Conflict(format!(
            "application {id} is no longer in state {}",
            from.as_str()
        )));
    }
    diesel::insert_into(application_events::table)
        .values(&EventRow {
            id: new_id(),
            application_id: id.to_string(),
            from_state: from.as_str().into(),
            to_state: to.as_str().into(),
            actor: actor.kind.into(),
            actor_id: actor.user_id.clone(),
            note: note.map(str::to_string),
            at: t,
        })
        .execute(conn)?;
    Ok(())
}

pub fn set_offer(conn: &mut DbConnection, id: &str, offer_json: &str) -> DbResult<()> {
    diesel::update(applications::table.find(id))
        .set(applications::offer.eq(Some(offer_json)))
        .execute(conn)?;
    Ok(())
}

pub fn set_agent(conn: &mut DbConnection, id: &str, agent_id: &str) -> DbResult<()> {
    diesel::update(applications::table.find(id))
        .set(applications::agent_id.eq(Some(agent_id)))
        .execute(conn)?;
    Ok(())
}

pub fn events(conn: &mut DbConnection, id: &str) -> DbResult<Vec<EventRow>> {
    Ok(application_events::table
        .filter(application_events::application_id.eq(id))
        .select(EventRow::as_select())
        .order((application_events::at, application_events::id))
        .load(conn)?)
}

/// What the database filters on; language and availability are matched by the caller.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub posting_id: Option<String>,
    /// Exactly these states.
    pub states: Vec<String>,
    pub time_zone: Option<String>,
}

/// At most `cap` applications matching `filter`, newest first.
pub fn list(conn: &mut DbConnection, filter: &Filter, cap: i64) -> DbResult<Vec<ApplicationRow>> {
    let mut q = applications::table.into_boxed();
    if let Some(p) = &filter.posting_id {
        q = q.filter(applications::posting_id.eq(p.clone()));
    }
    if !filter.states.is_empty() {
        q = q.filter(applications::state.eq_any(filter.states.clone()));
    }
    if let Some(z) = &filter.time_zone {
        q = q.filter(applications::time_zone.eq(z.clone()));
    }
    Ok(q.select(ApplicationRow::as_select())
        .order((applications::created_at.desc(), applications::id))
        .limit(cap)
        .load(conn)?)
}
