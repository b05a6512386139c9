//! Stored data around one agent turned into the pure hard-rule check of [`crate::domain::assignment`]:
//! may this agent take that shift?

use crate::db::agents::AgentRecord;
use crate::db::shifts::ShiftRow;
use crate::db::{self, DbConnection, DbError, DbResult};
use crate::domain::agent::AgentStatus;
use crate::domain::assignment::{check, Candidate, Proposed, Violation};
use crate::domain::local_time::{local_instant, Span};
use crate::email::agent_notices::Recipient;
use chrono::Duration;

/// Far enough either side of a shift for rest, weekly and consecutive-day rules (14 days at most).
const CONTEXT_DAYS: i64 = 16;

fn span(row: &ShiftRow) -> Span {
    Span::new(row.start_utc(), row.end_utc())
}

/// Refuses (a conflict) when `agent` is inactive: an inactive agent keeps the shifts already
/// published and may read them, but claims, takes or is handed no more.
pub fn ensure_active(agent: &AgentRecord) -> DbResult<()> {
    if agent.spec.status == AgentStatus::Active {
        return Ok(());
    }
    Err(DbError::Conflict(format!(
        "{} is inactive: an inactive agent cannot claim or take shifts (a manager can set the agent active again)",
        agent.spec.name
    )))
}

/// The hard rules `agent` would break by taking `shift` (of a queue in `language`); empty when it may.
pub fn violations(
    conn: &mut DbConnection,
    agent: &AgentRecord,
    shift: &ShiftRow,
    language: &str,
) -> DbResult<Vec<Violation>> {
    let from = shift.start_at - Duration::days(CONTEXT_DAYS);
    let to = shift.end_at + Duration::days(CONTEXT_DAYS);
    let shifts: Vec<Span> = db::shifts::for_agent(conn, &agent.id, from, to)?
        .iter()
        .filter(|s| s.is_active() && s.id != shift.id)
        .map(span)
        .collect();
    let time_off =
        db::time_off::approved_between(conn, Some(std::slice::from_ref(&agent.id)), from, to)?
            .into_iter()
            .map(|(_, s, e)| Span::new(s.and_utc(), e.and_utc()))
            .collect();
    let spec = &agent.spec;
    let candidate = Candidate {
        zone: spec.time_zone.tz(),
        languages: spec
            .languages
            .iter()
            .map(|l| l.language.primary().to_string())
            .collect(),
        availability: &spec.availability,
        contract: &spec.contract,
        time_off,
        shifts,
    };
    Ok(check(
        &candidate,
        &Proposed {
            span: span(shift),
            language: language.to_string(),
        },
    ))
}

/// Hours `agent` already works in the local Monday-to-Sunday week (its own zone) of `shift`, for
/// ranking claimants.
pub fn week_hours(conn: &mut DbConnection, agent: &AgentRecord, shift: &ShiftRow) -> DbResult<f64> {
    use chrono::Datelike;
    let zone = agent.spec.time_zone.tz();
    let day = shift.start_utc().with_timezone(&zone).date_naive();
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let (Some(from), Some(to)) = (
        local_instant(zone, monday, 0),
        local_instant(zone, monday + Duration::days(7), 0),
    ) else {
        return Ok(0.0);
    };
    let (from, to) = (from.naive_utc(), to.naive_utc());
    Ok(db::shifts::for_agent(conn, &agent.id, from, to)?
        .iter()
        .filter(|s| s.is_active() && s.start_at >= from && s.id != shift.id)
        .map(|s| span(s).hours())
        .sum())
}

/// Where an agent's notices go.
pub fn recipient(agent: &AgentRecord) -> Recipient {
    Recipient {
        agent_id: agent.id.clone(),
        name: agent.spec.name.clone(),
        email: agent.spec.email.to_string(),
        zone: agent.spec.time_zone.tz(),
    }
}

/// The agent's published active shifts starting after now that `availability` no longer covers.
pub fn uncovered_future_shifts(
    conn: &mut DbConnection,
    agent: &AgentRecord,
    availability: &crate::domain::agent::Availability,
) -> DbResult<Vec<ShiftRow>> {
    let from = db::now();
    let to = from + Duration::days(3 * 366);
    let zone = agent.spec.time_zone.tz();
    Ok(db::shifts::for_agent(conn, &agent.id, from, to)?
        .into_iter()
        .filter(|s| s.is_active() && s.start_at > from)
        .filter(|s| !crate::domain::local_time::covers(availability, zone, span(s)))
        .collect())
}
