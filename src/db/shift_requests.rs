//! Swaps (a holder offers a shift, another agent takes it) and open shifts (no holder yet, claimed by
//! agents). Every hand-over is a conditional UPDATE, so two concurrent takers can never both win.

use super::schema::{open_shift_claims as oc, open_shifts as os, shift_offers as so, shifts};
use super::shifts::ShiftRow;
use super::{new_id, now, DbConnection, DbResult, Page};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = so)]
pub struct OfferRow {
    pub id: String,
    pub shift_id: String,
    pub offered_by: String,
    /// `offered`, `requested`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    pub taker_id: Option<String>,
    pub requested_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Statuses of an offer still in play.
pub const LIVE_OFFER: [&str; 2] = ["offered", "requested"];

pub fn insert_offer(conn: &mut DbConnection, shift_id: &str, by: &str) -> DbResult<OfferRow> {
    let t = now();
    let row = OfferRow {
        id: new_id(),
        shift_id: shift_id.into(),
        offered_by: by.into(),
        status: "offered".into(),
        taker_id: None,
        requested_at: None,
        decision_note: None,
        decided_by: None,
        decided_at: None,
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(so::table).values(&row).execute(conn)?;
    Ok(row)
}

pub fn get_offer(conn: &mut DbConnection, id: &str) -> DbResult<OfferRow> {
    Ok(so::table
        .find(id)
        .select(OfferRow::as_select())
        .first(conn)?)
}

/// The live offer of a shift, if any.
pub fn live_offer_for_shift(conn: &mut DbConnection, shift_id: &str) -> DbResult<Option<OfferRow>> {
    Ok(so::table
        .filter(so::shift_id.eq(shift_id))
        .filter(so::status.eq_any(LIVE_OFFER))
        .select(OfferRow::as_select())
        .first(conn)
        .optional()?)
}

/// Offers in `statuses` whose shift is active and starts after `after`, with their shifts, by start.
pub fn offers_with_shifts(
    conn: &mut DbConnection,
    statuses: &[&str],
    after: NaiveDateTime,
    page: Page,
) -> DbResult<(Vec<(OfferRow, ShiftRow)>, i64)> {
    let filtered = || {
        so::table
            .inner_join(shifts::table.on(shifts::id.eq(so::shift_id)))
            .filter(so::status.eq_any(statuses.to_vec()))
            .filter(shifts::status.eq("active"))
            .filter(shifts::start_at.gt(after))
            .into_boxed()
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select((OfferRow::as_select(), ShiftRow::as_select()))
        .order((shifts::start_at, so::id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Moves an offer from one of `from` to `to`, setting the taker when given; `false` when the offer
/// had already moved on.
pub fn move_offer(
    conn: &mut DbConnection,
    id: &str,
    from: &[&str],
    to: &str,
    taker: Option<&str>,
) -> DbResult<bool> {
    let t = now();
    let target = so::table.find(id).filter(so::status.eq_any(from.to_vec()));
    let n = match taker {
        Some(taker) => diesel::update(target)
            .set((
                so::status.eq(to),
                so::taker_id.eq(taker),
                so::requested_at.eq(t),
                so::updated_at.eq(t),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((so::status.eq(to), so::updated_at.eq(t)))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// Records a manager's (or the policy's) decision on a requested offer; `false` when it was not
/// requested any more.
pub fn decide_offer(
    conn: &mut DbConnection,
    id: &str,
    to: &str,
    note: Option<&str>,
    by: &str,
) -> DbResult<bool> {
    let t = now();
    let n = diesel::update(so::table.find(id).filter(so::status.eq("requested")))
        .set((
            so::status.eq(to),
            so::decision_note.eq(note),
            so::decided_by.eq(by),
            so::decided_at.eq(t),
            so::updated_at.eq(t),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Gives a shift from `from` (or from nobody) to `to`, bumping its sequence; `false` when the shift
/// is no longer held that way or not active. The shift is detached from its schedule: re-publishing
/// the roster leaves a handed-over shift with its new holder.
pub fn hand_over(
    conn: &mut DbConnection,
    shift_id: &str,
    from: Option<&str>,
    to: &str,
) -> DbResult<bool> {
    let holder = shifts::table
        .find(shift_id)
        .filter(shifts::status.eq("active"));
    let n = match from {
        Some(f) => diesel::update(holder.filter(shifts::agent_id.eq(f)))
            .set((
                shifts::agent_id.eq(to),
                shifts::schedule_id.eq(None::<String>),
                shifts::sequence.eq(shifts::sequence + 1),
                shifts::updated_at.eq(now()),
            ))
            .execute(conn)?,
        None => diesel::update(holder.filter(shifts::agent_id.is_null()))
            .set((
                shifts::agent_id.eq(to),
                shifts::schedule_id.eq(None::<String>),
                shifts::sequence.eq(shifts::sequence + 1),
                shifts::updated_at.eq(now()),
            ))
            .execute(conn)?,
    };
    if n == 1 {
        if let Some(f) = from {
            // The first holder is the roster's: later swaps keep it.
            diesel::update(
                shifts::table
                    .find(shift_id)
                    .filter(shifts::handed_over_from.is_null()),
            )
            .set(shifts::handed_over_from.eq(f))
            .execute(conn)?;
        }
    }
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = os)]
pub struct OpenShiftRow {
    pub shift_id: String,
    /// `first_come` or `ranked`.
    pub mode: String,
    /// `open` or `filled`.
    pub status: String,
    pub posted_by: Option<String>,
    pub filled_by: Option<String>,
    pub filled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// Posts open shifts: the unheld `shifts` rows and how each is handed out.
pub fn insert_open(
    conn: &mut DbConnection,
    rows: &[ShiftRow],
    mode: &str,
    by: &str,
) -> DbResult<Vec<OpenShiftRow>> {
    let t = now();
    let mut out = Vec::with_capacity(rows.len());
    for shift in rows {
        diesel::insert_into(shifts::table)
            .values(shift)
            .execute(conn)?;
        let open = OpenShiftRow {
            shift_id: shift.id.clone(),
            mode: mode.into(),
            status: "open".into(),
            posted_by: Some(by.into()),
            filled_by: None,
            filled_at: None,
            created_at: t,
        };
        diesel::insert_into(os::table).values(&open).execute(conn)?;
        out.push(open);
    }
    Ok(out)
}

pub fn get_open(conn: &mut DbConnection, shift_id: &str) -> DbResult<(OpenShiftRow, ShiftRow)> {
    Ok(os::table
        .inner_join(shifts::table.on(shifts::id.eq(os::shift_id)))
        .filter(os::shift_id.eq(shift_id))
        .select((OpenShiftRow::as_select(), ShiftRow::as_select()))
        .first(conn)?)
}

/// Open shifts still unfilled and starting after `after`, by start.
pub fn list_open(
    conn: &mut DbConnection,
    after: NaiveDateTime,
    page: Page,
) -> DbResult<(Vec<(OpenShiftRow, ShiftRow)>, i64)> {
    let filtered = || {
        os::table
            .inner_join(shifts::table.on(shifts::id.eq(os::shift_id)))
            .filter(os::status.eq("open"))
            .filter(shifts::status.eq("active"))
            .filter(shifts::start_at.gt(after))
            .into_boxed()
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select((OpenShiftRow::as_select(), ShiftRow::as_select()))
        .order((shifts::start_at, os::shift_id))
        .limit(page.limit)
        .offset(page.offset)
        .load(conn)?;
    Ok((rows, total))
}

/// Marks an open shift filled by `agent_id`; `false` when someone else filled it first. This
/// conditional UPDATE is what decides between concurrent claims.
pub fn fill(conn: &mut DbConnection, shift_id: &str, agent_id: &str) -> DbResult<bool> {
    let n = diesel::update(os::table.find(shift_id).filter(os::status.eq("open")))
        .set((
            os::status.eq("filled"),
            os::filled_by.eq(agent_id),
            os::filled_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = oc)]
pub struct ClaimRow {
    pub id: String,
    pub shift_id: String,
    pub agent_id: String,
    /// `pending`, `won` or `lost`.
    pub status: String,
    pub created_at: NaiveDateTime,
}

/// Records a claim; a second claim by the same agent is a conflict.
pub fn insert_claim(
    conn: &mut DbConnection,
    shift_id: &str,
    agent_id: &str,
    status: &str,
) -> DbResult<ClaimRow> {
    let row = ClaimRow {
        id: new_id(),
        shift_id: shift_id.into(),
        agent_id: agent_id.into(),
        status: status.into(),
        created_at: now(),
    };
    diesel::insert_into(oc::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Pending claims of a shift, earliest first.
pub fn pending_claims(conn: &mut DbConnection, shift_id: &str) -> DbResult<Vec<ClaimRow>> {
    Ok(oc::table
        .filter(oc::shift_id.eq(shift_id))
        .filter(oc::status.eq("pending"))
        .select(ClaimRow::as_select())
        .order((oc::created_at, oc::id))
        .load(conn)?)
}

/// Settles a shift's claims: `winner` won, every other pending claim lost.
pub fn settle_claims(conn: &mut DbConnection, shift_id: &str, winner: &str) -> DbResult<()> {
    diesel::update(oc::table.find(winner))
        .set(oc::status.eq("won"))
        .execute(conn)?;
    diesel::update(
        oc::table
            .filter(oc::shift_id.eq(shift_id))
            .filter(oc::status.eq("pending")),
    )
    .set(oc::status.eq("lost"))
    .execute(conn)?;
    Ok(())
}
