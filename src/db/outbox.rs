//! The email outbox. Messages are written fully rendered, in the caller's transaction, and sent later by
//! [`crate::email::sender`]. A row moves `pending` -> `sending` (leased to one sender) -> `sent`, or back to
//! `pending` with a later `next_attempt_at` after a transient failure, or to `failed` for good. A sender
//! that dies while `sending` leaves a lease that expires; the row is then claimed again and resent with the
//! same Message-ID, so the receiving side can recognise the duplicate.

use super::schema::outbox_messages;
use super::{new_id, now, DbConnection, DbResult, Page};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

/// How often a message is tried before it is marked failed.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// A file attached to a message (for example an `.ics` calendar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    /// Full MIME type, parameters included, e.g. `text/calendar; method=PUBLISH; charset=UTF-8`.
    pub content_type: String,
    pub body: String,
}

/// A rendered email to queue.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    /// What the message is about: one of [`KINDS`].
    pub kind: String,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub attachments: Vec<Attachment>,
    pub publication_id: Option<String>,
    pub agent_id: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox_messages)]
pub struct OutboxRow {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub recipient: String,
    pub recipient_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// JSON list of [`Attachment`].
    pub attachments: String,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_by: Option<String>,
    pub lease_expires_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub publication_id: Option<String>,
    pub agent_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    pub fn attachments(&self) -> Vec<Attachment> {
        serde_json::from_str(&self.attachments).unwrap_or_default()
    }
}

/// Every kind of message the service writes to the outbox (what the outbox listing filters on).
pub const KINDS: [&str; 7] = [
    "schedule",
    "shift_change",
    "time_off_decision",
    "sign_in",
    "invitation",
    "application_confirmation",
    "application_status",
];

/// Builds the row for `message`; `mail_domain` is the right-hand side of the Message-ID.
pub fn row_for(message: &NewMessage, mail_domain: &str) -> OutboxRow {
    let id = new_id();
    let t = now();
    OutboxRow {
        message_id: format!("<{id}@{mail_domain}>"),
        id,
        kind: message.kind.clone(),
        recipient: message.recipient.clone(),
        recipient_name: message.recipient_name.clone(),
        subject: message.subject.clone(),
        text_body: message.text_body.clone(),
        html_body: message.html_body.clone(),
        attachments: serde_json::to_string(&message.attachments).unwrap_or_else(|_| "[]".into()),
        status: "pending".into(),
        attempts: 0,
        max_attempts: DEFAULT_MAX_ATTEMPTS,
        next_attempt_at: t,
        locked_by: None,
        lease_expires_at: None,
        last_error: None,
        publication_id: message.publication_id.clone(),
        agent_id: message.agent_id.clone(),
        created_at: t,
        updated_at: t,
        sent_at: None,
    }
}

/// Debug builds check that a message written to the outbox is of a kind the listing filters on.
fn debug_assert_listed(message: &NewMessage) {
    debug_assert!(
        KINDS.contains(&message.kind.as_str()),
        "outbox kind '{}' is missing from db::outbox::KINDS",
        message.kind
    );
}

/// Queues one message; call it inside the transaction that makes the message necessary. Returns its id.
pub fn enqueue(
    conn: &mut DbConnection,
    message: &NewMessage,
    mail_domain: &str,
) -> DbResult<String> {
    debug_assert_listed(message);
    let row = row_for(message, mail_domain);
    diesel::insert_into(outbox_messages::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.id)
}

/// Queues many messages with multi-row inserts (publishing a roster to a thousand agents).
pub fn enqueue_all(
    conn: &mut DbConnection,
    messages: &[NewMessage],
    mail_domain: &str,
) -> DbResult<Vec<String>> {
    messages.iter().for_each(debug_assert_listed);
    let rows: Vec<OutboxRow> = messages.iter().map(|m| row_for(m, mail_domain)).collect();
    super::backend::insert_outbox(conn, &rows)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<OutboxRow> {
    Ok(outbox_messages::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)?)
}

/// The rows of `ids` (a claimed batch), in one query.
pub fn get_many(conn: &mut DbConnection, ids: &[String]) -> DbResult<Vec<OutboxRow>> {
    Ok(outbox_messages::table
        .filter(outbox_messages::id.eq_any(ids))
        .select(OutboxRow::as_select())
        .load(conn)?)
}

/// Filters for the managers' outbox view.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub publication_id: Option<String>,
}

/// Messages newest first with the total count.
pub fn list(
    conn: &mut DbConnection,
    filter: &Filter,
    page: Page,
) -> DbResult<(Vec<OutboxRow>, i64)> {
    let filtered = || {
        let mut q = outbox_messages::table.into_boxed();
        if let Some(s) = &filter.status {
            q = q.filter(outbox_messages::status.eq(s.clone()));
        }
        if let Some(k) = &filter.kind {
            q = q.filter(outbox_messages::kind.eq(k.clone()));
        }
        if let Some(p) = &filter.publication_id {
            q = q.filter(outbox_messages::publication_id.eq(p.clone()));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(OutboxRow::as_select())
        .order((outbox_messages::created_at.desc(), outbox_messages::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Messages of the given publications (delivery status per agent).
pub fn for_publications(
    conn: &mut DbConnection,
    publication_ids: &[String],
) -> DbResult<Vec<OutboxRow>> {
    Ok(outbox_messages::table
        .filter(outbox_messages::publication_id.eq_any(publication_ids))
        .select(OutboxRow::as_select())
        .order((outbox_messages::created_at, outbox_messages::id))
        .load(conn)?)
}

/// Marks a claimed message sent; `false` when this sender no longer holds it.
pub fn mark_sent(conn: &mut DbConnection, id: &str, sender: &str) -> DbResult<bool> {
    let t = now();
    let n = diesel::update(
        outbox_messages::table
            .find(id)
            .filter(outbox_messages::locked_by.eq(sender))
            .filter(outbox_messages::status.eq("sending")),
    )
    .set((
        outbox_messages::status.eq("sent"),
        outbox_messages::sent_at.eq(t),
        outbox_messages::last_error.eq(None::<String>),
        outbox_messages::locked_by.eq(None::<String>),
        outbox_messages::lease_expires_at.eq(None::<NaiveDateTime>),
        outbox_messages::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records a failed attempt: back to `pending` at `retry_at`, or `failed` for good when it is `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    sender: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> DbResult<bool> {
    let t = now();
    let target = outbox_messages::table
        .find(id)
        .filter(outbox_messages::locked_by.eq(sender))
        .filter(outbox_messages::status.eq("sending"));
    let status = if retry_at.is_some() {
        "pending"
    } else {
        "failed"
    };
    let n = diesel::update(target)
        .set((
            outbox_messages::status.eq(status),
            outbox_messages::next_attempt_at.eq(retry_at.unwrap_or(t)),
            outbox_messages::last_error.eq(error),
            outbox_messages::locked_by.eq(None::<String>),
            outbox_messages::lease_expires_at.eq(None::<NaiveDateTime>),
            outbox_messages::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// A manager's retry of a failed message: pending again, with a fresh set of attempts. `false` when the
/// message is not failed.
pub fn retry_failed(conn: &mut DbConnection, id: &str) -> DbResult<bool> {
    let t = now();
    let n = diesel::update(
        outbox_messages::table
            .find(id)
            .filter(outbox_messages::status.eq("failed")),
    )
    .set((
        outbox_messages::status.eq("pending"),
        outbox_messages::attempts.eq(0),
        outbox_messages::next_attempt_at.eq(t),
        outbox_messages::updated_at.eq(t),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Deletes every message to `recipient` (erasure of an applicant's personal data). Returns the count.
pub fn delete_for_recipient(conn: &mut DbConnection, recipient: &str) -> DbResult<usize> {
    Ok(
        diesel::delete(outbox_messages::table.filter(outbox_messages::recipient.eq(recipient)))
            .execute(conn)?,
    )
}
