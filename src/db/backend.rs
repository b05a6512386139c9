//! The only backend-specific SQL in the product: claiming jobs and outbox messages, bulk inserts,
//! locking an agent's row.
//!
//! PostgreSQL: one `UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED)`, so instances sharing the
//! database never wait on each other's claimed rows. SQLite has no row locks: the claim runs in a
//! `BEGIN IMMEDIATE` transaction, which takes the single write lock up front and so serialises claims.

use super::schema::jobs;
use super::{DbConnection, DbResult};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Timestamp};

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Claims the next runnable job of one of `kinds` for `worker`: a queued job that is due, or a running
/// job whose lease expired (its worker died). Returns its id; the row is then `running`, leased to
/// `worker` until `lease_until`, with `attempts` incremented.
pub fn claim_job(
    conn: &mut DbConnection,
    worker: &str,
    kinds: &[String],
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> DbResult<Option<String>> {
    match conn {
        DbConnection::Postgresql(pg) => {
            let rows: Vec<ClaimedId> = diesel::sql_query(
                "UPDATE jobs SET status = 'running', locked_by = $1, lease_expires_at = $2, \
                 attempts = attempts + 1, started_at = COALESCE(started_at, $3), updated_at = $3 \
                 WHERE id = (SELECT id FROM jobs WHERE kind = ANY($4) AND \
                   ((status = 'queued' AND run_after <= $3) OR \
                    (status = 'running' AND lease_expires_at < $3)) \
                   ORDER BY run_after, created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id",
            )
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<Array<Text>, _>(kinds)
            .load(pg)?;
            Ok(rows.into_iter().next().map(|r| r.id))
        }
        DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|c| {
            let candidate: Option<String> = jobs::table
                .select(jobs::id)
                .filter(jobs::kind.eq_any(kinds))
                .filter(
                    jobs::status
                        .eq("queued")
                        .and(jobs::run_after.le(now))
                        .or(jobs::status
                            .eq("running")
                            .and(jobs::lease_expires_at.lt(now))),
                )
                .order((jobs::run_after, jobs::created_at, jobs::id))
                .first(c)
                .optional()?;
            if let Some(id) = &candidate {
                diesel::update(jobs::table.find(id))
                    .set((
                        jobs::status.eq("running"),
                        jobs::locked_by.eq(worker),
                        jobs::lease_expires_at.eq(lease_until),
                        jobs::attempts.eq(jobs::attempts + 1),
                        jobs::updated_at.eq(now),
                    ))
                    .execute(c)?;
                diesel::update(jobs::table.find(id).filter(jobs::started_at.is_null()))
                    .set(jobs::started_at.eq(now))
                    .execute(c)?;
            }
            Ok(candidate)
        }),
    }
}

/// Bulk-inserts history rows in multi-row statements, sized to each backend's bind-parameter limit
/// (SQLite 32,766; PostgreSQL 65,535) at ten columns a row.
pub fn insert_history(
    conn: &mut DbConnection,
    rows: &[super::history::HistoryDbRow],
) -> DbResult<()> {
    use super::schema::history;
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(6_000) {
                diesel::insert_into(history::table)
                    .values(chunk)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for chunk in rows.chunks(3_000) {
                diesel::insert_into(history::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Claims up to `limit` due outbox messages for `sender`: pending ones whose `next_attempt_at` has come,
/// and `sending` ones whose lease expired (their sender died mid-send). The rows become `sending`,
/// leased until `lease_until`, with `attempts` incremented. PostgreSQL skips rows another sender holds;
/// SQLite serialises claims with `BEGIN IMMEDIATE`.
pub fn claim_outbox(
    conn: &mut DbConnection,
    sender: &str,
    limit: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> DbResult<Vec<String>> {
    use super::schema::outbox_messages as o;
    match conn {
        DbConnection::Postgresql(pg) => {
            let rows: Vec<ClaimedId> = diesel::sql_query(
                "UPDATE outbox_messages SET status = 'sending', locked_by = $1, lease_expires_at = $2, \
                 attempts = attempts + 1, updated_at = $3 \
                 WHERE id IN (SELECT id FROM outbox_messages WHERE \
                   (status = 'pending' AND next_attempt_at <= $3) OR \
                   (status = 'sending' AND lease_expires_at < $3) \
                   ORDER BY next_attempt_at, created_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 RETURNING id",
            )
            .bind::<Text, _>(sender)
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<diesel::sql_types::BigInt, _>(limit)
            .load(pg)?;
            Ok(rows.into_iter().map(|r| r.id).collect())
        }
        DbConnection::Sqlite(sqlite) => sqlite.immediate_transaction(|c| {
            let ids: Vec<String> = o::table
                .select(o::id)
                .filter(
                    o::status
                        .eq("pending")
                        .and(o::next_attempt_at.le(now))
                        .or(o::status.eq("sending").and(o::lease_expires_at.lt(now))),
                )
                .order((o::next_attempt_at, o::created_at, o::id))
                .limit(limit)
                .load(c)?;
            if !ids.is_empty() {
                diesel::update(o::table.filter(o::id.eq_any(&ids)))
                    .set((
                        o::status.eq("sending"),
                        o::locked_by.eq(sender),
                        o::lease_expires_at.eq(lease_until),
                        o::attempts.eq(o::attempts + 1),
                        o::updated_at.eq(now),
                    ))
                    .execute(c)?;
            }
            Ok(ids)
        }),
    }
}

/// Bulk-inserts rendered outbox messages (21 columns a row) in multi-row statements.
pub fn insert_outbox(conn: &mut DbConnection, rows: &[super::outbox::OutboxRow]) -> DbResult<()> {
    use super::schema::outbox_messages;
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(2_000) {
                diesel::insert_into(outbox_messages::table)
                    .values(chunk)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for chunk in rows.chunks(1_000) {
                diesel::insert_into(outbox_messages::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Bulk-inserts published shifts (14 columns a row) in multi-row statements.
pub fn insert_shifts(conn: &mut DbConnection, rows: &[super::shifts::ShiftRow]) -> DbResult<()> {
    use super::schema::shifts;
    match conn {
        DbConnection::Postgresql(pg) => {
            for chunk in rows.chunks(4_000) {
                diesel::insert_into(shifts::table)
                    .values(chunk)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(sqlite) => {
            for chunk in rows.chunks(2_000) {
                diesel::insert_into(shifts::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Locks agent `id`'s row until the transaction ends, so that nothing can give the agent a shift
/// meanwhile (a new shift's foreign key waits for the row). SQLite needs nothing beyond
/// [`begin_write`]: it has one writer at a time.
pub fn lock_agent(conn: &mut DbConnection, id: &str) -> DbResult<()> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT id FROM agents WHERE id = $1 FOR UPDATE")
            .bind::<Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Makes the transaction just begun on `conn` a writer from its first statement. SQLite cannot turn a
/// reading transaction into a writing one while another connection writes (it answers "database is
/// locked" at once instead of waiting), so transactions that read and then write take the write lock
/// up front, where the busy timeout applies. PostgreSQL needs nothing: row locks do the work.
pub fn begin_write(conn: &mut DbConnection) -> DbResult<()> {
    if let DbConnection::Sqlite(sqlite) = conn {
        diesel::sql_query("UPDATE jobs SET id = id WHERE 0").execute(sqlite)?;
    }
    Ok(())
}
