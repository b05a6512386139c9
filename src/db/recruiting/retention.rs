//! What retention and erasure need from the applications table: the applications due for purging and
//! the anonymising write.

use super::applications::json;
use crate::db::schema::{application_events, applications};
use crate::db::{now, DbConnection, DbResult};
use crate::domain::recruiting::pipeline::ApplicationState;
use crate::domain::recruiting::retention::ApplicationRecord;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Rejected or withdrawn, not yet erased, last moved at or before `cutoff`.
pub fn due_for_purge(conn: &mut DbConnection, cutoff: NaiveDateTime) -> DbResult<Vec<String>> {
    Ok(applications::table
        .filter(applications::state.eq_any([
            ApplicationState::Rejected.as_str(),
            ApplicationState::Withdrawn.as_str(),
        ]))
        .filter(applications::erased.eq(false))
        .filter(applications::state_changed_at.le(cutoff))
        .select(applications::id)
        .load(conn)?)
}

/// Never confirmed, and the confirmation link has expired by `now`.
pub fn unconfirmed_expired(conn: &mut DbConnection, now: NaiveDateTime) -> DbResult<Vec<String>> {
    Ok(applications::table
        .filter(applications::state.eq(ApplicationState::Applied.as_str()))
        .filter(applications::erased.eq(false))
        .filter(applications::confirm_expires_at.le(now))
        .select(applications::id)
        .load(conn)?)
}

/// Drops re-applications whose confirmation link expired unused; the confirmed data stays.
pub fn drop_expired_updates(conn: &mut DbConnection, now: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::update(
        applications::table
            .filter(applications::state.ne(ApplicationState::Applied.as_str()))
            .filter(applications::confirm_expires_at.le(now)),
    )
    .set((
        applications::pending_update.eq(None::<String>),
        applications::confirm_token_hash.eq(None::<String>),
        applications::confirm_expires_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// Writes an erased record (see [`crate::domain::recruiting::retention::erase`]), clears the notes in
/// its history and kills the private links; the row stays for counts and funnels.
pub fn erase(conn: &mut DbConnection, erased: &ApplicationRecord) -> DbResult<()> {
    let id = erased.id.as_str();
    diesel::update(applications::table.find(id))
        .set((
            applications::name.eq(&erased.name),
            applications::email.eq(&erased.email),
            applications::availability.eq(json(&erased.availability)),
            applications::motivation.eq(&erased.motivation),
            applications::confirm_token_hash.eq(None::<String>),
            applications::confirm_expires_at.eq(None::<NaiveDateTime>),
            applications::pending_update.eq(None::<String>),
            applications::status_key_hash.eq(None::<String>),
            applications::offer.eq(None::<String>),
            applications::erased.eq(true),
            applications::updated_at.eq(now()),
        ))
        .execute(conn)?;
    diesel::update(application_events::table.filter(application_events::application_id.eq(id)))
        .set(application_events::note.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}
