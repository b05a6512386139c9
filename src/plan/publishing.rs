//! Publishing a solved schedule: the roster's shifts replace what each agent was last sent for the
//! period, and every agent whose shifts changed gets one email (HTML + text, local times, `.ics`) in the
//! outbox, all in one transaction. Nothing is sent here; the outbox sender does that.

use super::PlanError;
use crate::config::Config;
use crate::db::outbox::{Attachment, NewMessage};
use crate::db::shifts::{BreakSpan, ShiftRow};
use crate::db::{self, agents::AgentRecord, DbConnection, DbError};
use crate::domain::calendar::diff::{changes, Changes};
use crate::domain::calendar::email::render_schedule;
use crate::domain::calendar::ics::{calendar, Method};
use crate::domain::calendar::local::render_rows;
use crate::domain::calendar::reconcile::{reconcile, Planned, Reconciled, Scope};
use crate::domain::calendar::{AgentInfo, Shift};
use crate::domain::scheduler::{Problem, Roster};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a publication did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublishOutcome {
    pub publication_id: String,
    pub schedule_id: String,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub period_start: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub period_end: NaiveDateTime,
    /// Agents emailed: everyone on a first publication, afterwards only those whose shifts changed.
    pub agents_notified: usize,
    pub agents_unchanged: usize,
    pub shifts_added: usize,
    pub shifts_changed: usize,
    pub shifts_cancelled: usize,
}

/// Queue id -> (name, language tag): what emails and calendars call a queue.
pub type QueueLabels = HashMap<String, (String, String)>;

/// Every queue's label, in one query.
pub fn queue_labels(c: &mut DbConnection) -> Result<QueueLabels, DbError> {
    Ok(db::queues::all(c)?
        .into_iter()
        .map(|q| (q.id, (q.spec.name, q.spec.language.to_string())))
        .collect())
}

/// Publishes schedule `schedule_id` (it must be solved). Its roster replaces the published shifts in
/// its scope (see [`Scope::replaces`]) and must not overlap any other shift of the same agent.
/// Re-publishing, or publishing another schedule for an overlapping period, emails only the agents
/// whose shifts changed, saying what changed.
pub fn publish(
    conn: &mut DbConnection,
    schedule_id: &str,
    published_by: Option<&str>,
    config: &Config,
) -> Result<PublishOutcome, PlanError> {
    let mail_domain = config.mail_domain();
    conn.transaction(|c| {
        crate::db::backend::begin_write(c)?;
        let schedule = db::schedules::get(c, schedule_id)?;
        if schedule.status != "solved" {
            return Err(PlanError::Conflict {
                field: None,
                detail: format!(
                    "the schedule is {}; only a solved schedule can be published",
                    schedule.status
                ),
            });
        }
        let roster: Roster = schedule
            .roster
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok())
            .ok_or_else(|| {
                DbError::Corrupt(format!("schedule {schedule_id} has no readable roster"))
            })?;
        let (start, end) = super::scheduling::period_bounds(&schedule, &roster);
        let (period_start, period_end) = (start.naive_utc(), end.naive_utc());
        let queues = queue_labels(c)?;
        let schedule_queues: Vec<String> =
            serde_json::from_str(&schedule.queue_ids).unwrap_or_default();
        let scope = Scope {
            start,
            end,
            queues: schedule_queues.iter().cloned().collect(),
        };

        // Published shifts the roster replaces, and those it must not overlap: every active shift
        // of the period or reaching into the time the roster's shifts take.
        let reach_start = roster
            .shifts
            .iter()
            .map(|s| s.start_utc)
            .fold(start, Ord::min);
        let reach_end = roster.shifts.iter().map(|s| s.end_utc).fold(end, Ord::max);
        let mut existing: BTreeMap<String, Vec<ShiftRow>> = BTreeMap::new();
        let mut kept: BTreeMap<String, Vec<ShiftRow>> = BTreeMap::new();
        // Shifts handed over by a swap or claimed as open shifts are detached from any schedule: they
        // keep their holder, and the roster's shift they came from is not given back to its first
        // holder.
        let mut handed_over: BTreeSet<(String, NaiveDateTime, NaiveDateTime)> = BTreeSet::new();
        let held =
            db::shifts::active_overlapping(c, reach_start.naive_utc(), reach_end.naive_utc())?;
        for row in held {
            let Some(agent) = row.agent_id.clone() else {
                continue;
            };
            if let (None, Some(from)) = (&row.schedule_id, &row.handed_over_from) {
                handed_over.insert((from.clone(), row.start_at, row.end_at));
            }
            if replaced(&scope, &row) {
                existing.entry(agent).or_default().push(row);
            } else {
                kept.entry(agent).or_default().push(row);
            }
        }
        let mut planned: BTreeMap<String, Vec<Planned>> = BTreeMap::new();
        let mut served: HashMap<(String, DateTime<Utc>), Vec<String>> = HashMap::new();
        let mut conflicts = Vec::new();
        let current =
            super::staleness::Current::read(c, reach_start.naive_utc(), reach_end.naive_utc())?;
        let mut stale = Vec::new();
        for (index, s) in roster.shifts.iter().enumerate() {
            let key = (
                s.agent_id.clone(),
                s.start_utc.naive_utc(),
                s.end_utc.naive_utc(),
            );
            if handed_over.contains(&key) {
                continue;
            }
            // A swapped or claimed shift the solve kept for its holder is published already.
            let holds_it = kept
                .get(&s.agent_id)
                .is_some_and(|rows| rows.iter().any(|r| holder_keeps(r, s)));
            if holds_it {
                continue;
            }
            if let Some(why) = current.why_not(index, s) {
                stale.push((Some(index), why));
                continue;
            }
            let queue_id = primary_queue(s).or_else(|| schedule_queues.first().cloned());
            let Some((queue_name, language)) = queue_id.as_ref().and_then(|q| queues.get(q)) else {
                continue;
            };
            let clash = kept.get(&s.agent_id).and_then(|rows| {
                rows.iter()
                    .find(|r| r.start_utc() < s.end_utc && s.start_utc < r.end_utc())
            });
            if let Some(other) = clash {
                conflicts.push((
                    Some(index),
                    overlap_detail(index, s, other, &scope, &queues),
                ));
                continue;
            }
            let queue_id = queue_id.unwrap_or_default();
            served.insert(
                (s.agent_id.clone(), s.start_utc),
                served_queues(s, &queue_id),
            );
            planned
                .entry(s.agent_id.clone())
                .or_default()
                .push(Planned {
                    start: s.start_utc,
                    end: s.end_utc,
                    queue_name: queue_name.clone(),
                    language: language.clone(),
                    breaks: s.breaks.iter().map(|b| (b.start_utc, b.end_utc)).collect(),
                    queue_id,
                });
        }
        refuse(
            &conflicts,
            "the roster overlaps published shifts that publishing it would keep",
            "re-solve the schedule (a solve leaves those shifts free) or move these shifts",
        )?;
        refuse(
            &stale,
            "the roster no longer fits what changed since the solve",
            "re-solve the schedule (a solve leaves out inactive agents and approved time off) or \
             edit these shifts",
        )?;
        let solved_for: Option<Problem> = schedule
            .problem
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
        if let Some(problem) = solved_for {
            // Kept rows the roster itself holds (see above) are its own shifts, not held beside it.
            let beside = kept.values().flatten().filter(|r| {
                !roster.shifts.iter().any(|s| {
                    r.agent_id.as_deref() == Some(s.agent_id.as_str()) && holder_keeps(r, s)
                })
            });
            let held = super::held_shifts::held_in(&scope, beside);
            let breaches = super::held_shifts::new_breaches(&problem, &roster, held);
            let listed: Vec<(Option<usize>, String)> = breaches
                .iter()
                .map(|v| {
                    let agent = v.agent_id.as_deref().unwrap_or("?");
                    (None, format!("agent {agent}: {} ({})", v.rule, v.message))
                })
                .collect();
            refuse(
                &listed,
                "beside the shifts published since the solve, the roster would break contracts",
                "re-solve the schedule (a solve counts those shifts)",
            )?;
        }
        let agent_ids: BTreeSet<String> = existing.keys().chain(planned.keys()).cloned().collect();
        let agents = load_agents(c, &agent_ids)?;

        let publication_id = db::new_id();
        let now = db::now();
        diesel::insert_into(db::schema::publications::table)
            .values((
                db::schema::publications::id.eq(&publication_id),
                db::schema::publications::schedule_id.eq(schedule_id),
                db::schema::publications::period_start.eq(period_start),
                db::schema::publications::period_end.eq(period_end),
                db::schema::publications::agents_notified.eq(0),
                db::schema::publications::published_by.eq(published_by),
                db::schema::publications::published_at.eq(now),
            ))
            .execute(c)
            .map_err(DbError::from)?;

        let mut outcome = PublishOutcome {
            publication_id: publication_id.clone(),
            schedule_id: schedule_id.to_string(),
            period_start,
            period_end,
            agents_notified: 0,
            agents_unchanged: 0,
            shifts_added: 0,
            shifts_changed: 0,
            shifts_cancelled: 0,
        };
        let mut inserts = Vec::new();
        let mut messages = Vec::new();
        let label = period_label(schedule.period_start, schedule.weeks);
        for agent_id in &agent_ids {
            let Some(agent) = agents.get(agent_id) else {
                continue;
            };
            let zone = agent.spec.time_zone.tz();
            let old_rows = existing.remove(agent_id).unwrap_or_default();
            let old: Vec<Shift> = old_rows
                .iter()
                .filter(|r| r.is_active())
                .map(|r| to_calendar(r, &queues))
                .collect();
            let new = planned.remove(agent_id).unwrap_or_default();
            let result = reconcile(zone, &old, &new, db::new_id);
            record_served(c, agent_id, &result.unchanged, &old_rows, &served)?;
            if !result.has_changes() {
                outcome.agents_unchanged += 1;
                continue;
            }
            outcome.shifts_added += result.inserted.len();
            outcome.shifts_changed += result.updated.len();
            outcome.shifts_cancelled += result.cancelled.len();
            let ctx = RowContext {
                agent_id,
                schedule_id,
                publication_id: &publication_id,
                now,
            };
            store_changes(c, &result, &old_rows, &ctx, &served, &mut inserts)?;
            messages.push(schedule_message(
                agent, &old, &result, &label, &ctx, config,
            )?);
        }
        db::shifts::insert_all(c, &inserts)?;
        outcome.agents_notified = messages.len();
        db::outbox::enqueue_all(c, &messages, &mail_domain)?;
        diesel::update(db::schema::publications::table.find(&publication_id))
            .set(db::schema::publications::agents_notified.eq(messages.len() as i32))
            .execute(c)
            .map_err(DbError::from)?;
        Ok(outcome)
    })
}

struct RowContext<'a> {
    agent_id: &'a str,
    schedule_id: &'a str,
    publication_id: &'a str,
    now: NaiveDateTime,
}

/// Whether publishing for `scope` replaces the published shift `row` (see [`Scope::replaces`]).
pub fn replaced(scope: &Scope, row: &ShiftRow) -> bool {
    scope.replaces(
        row.schedule_id.is_some(),
        row.start_utc(),
        &row.served_queues(),
    )
}

/// Every queue the agent serves during the shift, the main one first.
fn served_queues(shift: &crate::domain::scheduler::ShiftOut, main: &str) -> Vec<String> {
    let mut queues = vec![main.to_string()];
    for interval in &shift.intervals {
        for q in &interval.serving {
            if !queues.contains(&q.queue_id) {
                queues.push(q.queue_id.clone());
            }
        }
    }
    queues
}

/// Whether published `row` is roster shift `shift` kept for the holder a swap or claim gave it to
/// (the solve pins those; see `scheduling::add_kept_shifts`). The caller matches the agent.
fn holder_keeps(row: &ShiftRow, shift: &crate::domain::scheduler::ShiftOut) -> bool {
    row.schedule_id.is_none()
        && row.start_utc() == shift.start_utc
        && row.end_utc() == shift.end_utc
}

/// A 409 listing three of `found` ((roster shift index if one is to blame, what is wrong)), whose
/// `field` is the first one's shift, if there are any.
fn refuse(found: &[(Option<usize>, String)], what: &str, remedy: &str) -> Result<(), PlanError> {
    let Some((index, _)) = found.first() else {
        return Ok(());
    };
    let listed: Vec<&str> = found.iter().take(3).map(|(_, d)| d.as_str()).collect();
    let more = match found.len() {
        n if n > 3 => format!(" (and {} more)", n - 3),
        _ => String::new(),
    };
    Err(PlanError::Conflict {
        field: index.map(|i| format!("shifts[{i}]")),
        detail: format!("{what}: {}{more}; {remedy}", listed.join("; ")),
    })
}

/// Says which roster shift meets which kept shift, and why publishing keeps that one.
fn overlap_detail(
    index: usize,
    shift: &crate::domain::scheduler::ShiftOut,
    kept: &ShiftRow,
    scope: &Scope,
    queues: &QueueLabels,
) -> String {
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
    let why = if kept.schedule_id.is_none() {
        "it was handed over by a swap or claimed as an open shift"
    } else if kept.start_utc() < scope.start || kept.start_utc() >= scope.end {
        "it starts outside the schedule's period"
    } else {
        "it also serves a queue outside the schedule"
    };
    let queue = queues
        .get(&kept.queue_id)
        .map_or(kept.queue_id.as_str(), |(name, _)| name.as_str());
    format!(
        "shifts[{index}] of agent {} ({} to {} UTC) overlaps published shift {} ({} to {} UTC, {queue}), \
         which stays because {why}",
        shift.agent_id,
        at(shift.start_utc),
        at(shift.end_utc),
        kept.id,
        at(kept.start_utc()),
        at(kept.end_utc()),
    )
}

/// Brings the served queues of shifts that stay as they are up to date: nobody is told, but the next
/// publication's scope reads them.
fn record_served(
    c: &mut DbConnection,
    agent_id: &str,
    unchanged: &[Shift],
    old_rows: &[ShiftRow],
    served: &HashMap<(String, DateTime<Utc>), Vec<String>>,
) -> Result<(), PlanError> {
    for shift in unchanged {
        let (Some(row), Some(queues)) = (
            old_rows.iter().find(|r| r.id == shift.id),
            served.get(&(agent_id.to_string(), shift.start)),
        ) else {
            continue;
        };
        let json = db::shifts::queue_ids_json(queues);
        if row.queue_ids != json {
            let mut row = row.clone();
            row.queue_ids = json;
            db::shifts::update(c, &row)?;
        }
    }
    Ok(())
}

/// The queue the agent serves most during the shift; the email and calendar name it.
fn primary_queue(shift: &crate::domain::scheduler::ShiftOut) -> Option<String> {
    let mut share: BTreeMap<&str, f64> = BTreeMap::new();
    for interval in &shift.intervals {
        for q in &interval.serving {
            *share.entry(q.queue_id.as_str()).or_default() += q.share;
        }
    }
    share
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(q, _)| q.to_string())
}

fn load_agents(
    c: &mut DbConnection,
    ids: &BTreeSet<String>,
) -> Result<HashMap<String, AgentRecord>, PlanError> {
    let mut agents: HashMap<String, AgentRecord> = db::agents::all_active(c)?
        .into_iter()
        .filter(|a| ids.contains(&a.id))
        .map(|a| (a.id.clone(), a))
        .collect();
    for id in ids {
        if !agents.contains_key(id) {
            match db::agents::get(c, id) {
                Ok(a) => {
                    agents.insert(id.clone(), a);
                }
                Err(DbError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(agents)
}

/// A published shift as calendars and emails show it.
pub fn to_calendar(row: &ShiftRow, queues: &QueueLabels) -> Shift {
    let (name, language) = queues.get(&row.queue_id).cloned().unwrap_or_default();
    Shift {
        id: row.id.clone(),
        start: row.start_utc(),
        end: row.end_utc(),
        queue_name: name,
        language,
        breaks: row.breaks().into_iter().map(|b| (b.start, b.end)).collect(),
        sequence: u32::try_from(row.sequence).unwrap_or(0),
        cancelled: !row.is_active(),
    }
}

fn breaks_json(shift: &Shift) -> String {
    let spans: Vec<BreakSpan> = shift
        .breaks
        .iter()
        .map(|(start, end)| BreakSpan {
            start: *start,
            end: *end,
        })
        .collect();
    serde_json::to_string(&spans).unwrap_or_else(|_| "[]".into())
}

fn store_changes(
    c: &mut DbConnection,
    result: &Reconciled,
    old_rows: &[ShiftRow],
    ctx: &RowContext<'_>,
    served: &HashMap<(String, DateTime<Utc>), Vec<String>>,
    inserts: &mut Vec<ShiftRow>,
) -> Result<(), PlanError> {
    let by_id: HashMap<&str, &ShiftRow> = old_rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let served_json = |shift: &Shift, main: &str| {
        let queues = served
            .get(&(ctx.agent_id.to_string(), shift.start))
            .cloned()
            .unwrap_or_else(|| vec![main.to_string()]);
        db::shifts::queue_ids_json(&queues)
    };
    for (shift, queue_id) in &result.inserted {
        inserts.push(ShiftRow {
            id: shift.id.clone(),
            agent_id: Some(ctx.agent_id.to_string()),
            queue_id: queue_id.clone(),
            start_at: shift.start.naive_utc(),
            end_at: shift.end.naive_utc(),
            breaks: breaks_json(shift),
            sequence: 0,
            status: "active".into(),
            schedule_id: Some(ctx.schedule_id.to_string()),
            publication_id: Some(ctx.publication_id.to_string()),
            created_at: ctx.now,
            updated_at: ctx.now,
            handed_over_from: None,
            queue_ids: served_json(shift, queue_id),
        });
    }
    let changed = result
        .updated
        .iter()
        .map(|(s, q)| (s, Some(q)))
        .chain(result.cancelled.iter().map(|s| (s, None)));
    for (shift, queue_id) in changed {
        let Some(old) = by_id.get(shift.id.as_str()) else {
            continue;
        };
        let mut row = (*old).clone();
        row.start_at = shift.start.naive_utc();
        row.end_at = shift.end.naive_utc();
        row.breaks = breaks_json(shift);
        row.sequence = i32::try_from(shift.sequence).unwrap_or(i32::MAX);
        row.status = if shift.cancelled {
            "cancelled"
        } else {
            "active"
        }
        .into();
        if let Some(q) = queue_id {
            row.queue_id = q.clone();
            row.queue_ids = served_json(shift, q);
            row.schedule_id = Some(ctx.schedule_id.to_string());
        }
        row.publication_id = Some(ctx.publication_id.to_string());
        db::shifts::update(c, &row)?;
    }
    Ok(())
}

/// "7 Dec – 13 Dec 2026": the period's calendar days in the schedule's own zone (the first
/// queue's), where the period starts at 00:00 on `first` (the schedule's `from`) and runs `weeks`
/// whole weeks to the end of its last day. Not the dates of its UTC bounds: east of UTC the
/// period starts the evening before `first`, and across a clock change it ends an hour off midnight.
fn period_label(first: chrono::NaiveDate, weeks: i32) -> String {
    let days = u64::from(weeks.clamp(1, 6).unsigned_abs()) * 7 - 1;
    let last = first
        .checked_add_days(chrono::Days::new(days))
        .unwrap_or(first);
    // A period across New Year names both years.
    let from = if chrono::Datelike::year(&first) == chrono::Datelike::year(&last) {
        "%-d %b"
    } else {
        "%-d %b %Y"
    };
    format!("{} – {}", first.format(from), last.format("%-d %b %Y"))
}

fn schedule_message(
    agent: &AgentRecord,
    old: &[Shift],
    result: &Reconciled,
    period: &str,
    ctx: &RowContext<'_>,
    config: &Config,
) -> Result<NewMessage, PlanError> {
    let info = AgentInfo {
        name: agent.spec.name.clone(),
        email: agent.spec.email.to_string(),
        zone: agent.spec.time_zone.tz(),
    };
    let active = result.active();
    let rows = render_rows(&info, &active);
    let changes = if old.is_empty() {
        Changes::default()
    } else {
        changes(old, &active)
    };
    let url = agent_view_url(config, &active);
    let rendered = render_schedule(&info, &rows, &changes, period, &url)
        .map_err(|e| DbError::Corrupt(format!("schedule email for {}: {e}", agent.id)))?;
    let organizer = config.from_address();
    let mut attachments = Vec::new();
    if !active.is_empty() {
        attachments.push(Attachment {
            filename: "shifts.ics".into(),
            content_type: "text/calendar; method=PUBLISH; charset=UTF-8".into(),
            body: calendar(&active, Method::Publish, &organizer, PRODUCT_ID),
        });
    }
    if !result.cancelled.is_empty() {
        attachments.push(Attachment {
            filename: "cancelled.ics".into(),
            content_type: "text/calendar; method=CANCEL; charset=UTF-8".into(),
            body: calendar(&result.cancelled, Method::Cancel, &organizer, PRODUCT_ID),
        });
    }
    Ok(NewMessage {
        kind: "schedule".into(),
        recipient: agent.spec.email.to_string(),
        recipient_name: Some(agent.spec.name.clone()),
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: Some(rendered.html),
        attachments,
        publication_id: Some(ctx.publication_id.to_string()),
        agent_id: Some(agent.id.clone()),
    })
}

/// iCalendar PRODID of every calendar this service writes.
pub const PRODUCT_ID: &str = "-//chatroster//shifts//EN";

/// Where the agent reads their shifts: the API's own view, bounded to the shifts in the email.
fn agent_view_url(config: &Config, shifts: &[Shift]) -> String {
    let base = config.base_url.trim_end_matches('/');
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    match (shifts.first(), shifts.last()) {
        (Some(first), Some(last)) => format!(
            "{base}/api/v1/me/shifts?from={}&to={}",
            day(first.start - Duration::days(1)),
            day(last.end + Duration::days(1))
        ),
        _ => format!("{base}/api/v1/me/shifts"),
    }
}

#[cfg(test)]
mod tests {
    use super::period_label;
    use chrono::NaiveDate;

    #[test]
    fn the_period_label_names_its_first_and_last_local_days() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(period_label(date(2026, 12, 7), 1), "7 Dec – 13 Dec 2026");
        assert_eq!(period_label(date(2026, 3, 2), 2), "2 Mar – 15 Mar 2026");
        assert_eq!(
            period_label(date(2026, 12, 28), 1),
            "28 Dec 2026 – 3 Jan 2027"
        );
    }
}
