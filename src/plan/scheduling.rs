//! Rostering stored data: builds a scheduler problem from the queues' staffing requirements and the
//! active agents, and runs it as a background job whose roster is stored with the schedule.

use super::requirements::{queue_requirements, WhatIf};
use super::PlanError;
use crate::db::{self, agents::AgentRecord, queues::QueueRecord, shifts::ShiftRow, DbConnection};
use crate::domain::calendar::reconcile::Scope;
use crate::domain::scheduler::{
    self, Agent, AvailabilityWindow, BreakRule, Contract, HeldShift, Period, PinnedShift,
    Preferences, PriorShift, Problem, Queue, ShiftTemplate, SolveOptions, UtcRange, Weights,
    Workload,
};
use crate::domain::shift_preferences::ShiftPreferences;
use crate::domain::validation::ValidationErrors;
use crate::jobs::worker::{JobContext, JobError, JobHandler};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use std::time::Duration;

/// The job kind that solves a stored schedule.
pub const SOLVE_SCHEDULE: &str = "solve_schedule";

/// Shift templates offered to every agent: full days with a meal break in hours 3-5, six-hour shifts
/// with a break in hours 2-4, and four-hour student shifts, starting on the half hour.
pub fn default_templates() -> Vec<ShiftTemplate> {
    let template = |id: &str, hours: u32, breaks: Vec<BreakRule>| ShiftTemplate {
        id: id.into(),
        length_minutes: hours * 60,
        start_step_minutes: 30,
        earliest_start: None,
        latest_start: None,
        breaks,
    };
    let meal = |from: u32, to: u32| BreakRule {
        length_minutes: 30,
        window_start_minutes: from,
        window_end_minutes: to,
    };
    vec![
        template("8h", 8, vec![meal(180, 300)]),
        template("6h", 6, vec![meal(120, 240)]),
        template("4h", 4, vec![]),
    ]
}

fn clock(minutes: u16) -> NaiveTime {
    // 24:00 becomes 00:00: the scheduler reads an end at or before the start as "next day".
    NaiveTime::from_hms_opt(u32::from(minutes / 60) % 24, u32::from(minutes % 60), 0)
        .unwrap_or(NaiveTime::MIN)
}

/// The UTC instant of `minutes` after local midnight of `date` (1440 is the next midnight). A time
/// inside a spring-forward gap moves to the end of the gap, so time off there is never dropped.
fn local_instant(zone: chrono_tz::Tz, date: NaiveDate, minutes: u16) -> Option<DateTime<Utc>> {
    let midnight = date.and_time(NaiveTime::MIN);
    let local = midnight.checked_add_signed(chrono::Duration::minutes(i64::from(minutes)))?;
    (0..=120)
        .step_by(15)
        .find_map(|shift| {
            let candidate = local.checked_add_signed(chrono::Duration::minutes(shift))?;
            zone.from_local_datetime(&candidate).earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// The UTC bounds of a solved schedule's period: its roster's queue intervals start where the
/// period starts (at local midnight in the period's zone); 00:00 UTC on its first date if the
/// roster has none.
pub fn period_bounds(
    schedule: &db::schedules::ScheduleRow,
    roster: &scheduler::Roster,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = roster
        .queues
        .iter()
        .find_map(|q| q.intervals.first())
        .map_or_else(
            || schedule.period_start.and_time(NaiveTime::MIN).and_utc(),
            |i| i.start_utc,
        );
    let weeks = i64::from(schedule.weeks.clamp(1, 6));
    (start, start + chrono::Duration::weeks(weeks))
}

/// The first instant of a period that starts on `date` in `zone`: local midnight (or the end of
/// a spring-forward gap there), moved back onto the interval grid for zones whose offset is not a
/// multiple of the interval (Kathmandu, +05:45).
pub fn period_start(zone: chrono_tz::Tz, date: NaiveDate, interval: u32) -> Option<DateTime<Utc>> {
    let midnight = local_instant(zone, date, 0)?;
    let step = i64::from(interval.max(1)) * 60;
    let off = midnight.timestamp().rem_euclid(step);
    Some(midnight - chrono::Duration::seconds(off))
}

fn to_scheduler_agent(a: &AgentRecord) -> Agent {
    let spec = &a.spec;
    let zone = spec.time_zone.tz();
    let mut unavailable_dates = Vec::new();
    let mut time_off = Vec::new();
    for e in spec.availability.exceptions.iter().filter(|e| !e.available) {
        match (e.start, e.end) {
            (Some(s), Some(t)) => {
                if let (Some(start), Some(end)) = (
                    local_instant(zone, e.date, s),
                    local_instant(zone, e.date, t),
                ) {
                    time_off.push(UtcRange { start, end });
                }
            }
            _ => unavailable_dates.push(e.date),
        }
    }
    Agent {
        id: a.id.clone(),
        name: spec.name.clone(),
        zone: zone.name().into(),
        languages: spec
            .languages
            .iter()
            .map(|l| l.language.primary().to_string())
            .collect(),
        availability: spec
            .availability
            .weekly
            .iter()
            .map(|w| AvailabilityWindow {
                weekday: w.weekday,
                start: clock(w.start),
                end: clock(w.end),
            })
            .collect(),
        unavailable_dates,
        time_off,
        contract: Contract {
            min_hours_per_week: spec.contract.min_hours_per_week,
            max_hours_per_week: spec.contract.max_hours_per_week,
            max_shifts_per_week: spec.contract.max_shifts_per_week,
            min_rest_hours: spec.contract.min_rest_hours,
            max_consecutive_days: spec.contract.max_consecutive_days,
            min_consecutive_days_off: spec.contract.min_consecutive_days_off,
            max_weekends: spec.contract.max_weekends_per_period.unwrap_or(6),
        },
        preferences: preferences(&spec.preferences),
        templates: None,
    }
}

/// The objective weights a schedule is solved with: the manager's, or the defaults. Stored weights
/// were checked when the schedule was created.
pub fn schedule_weights(schedule: &db::schedules::ScheduleRow) -> Weights {
    schedule
        .weights
        .as_deref()
        .and_then(|w| serde_json::from_str(w).ok())
        .unwrap_or_default()
}

/// The agent's stored wishes as the solver reads them (start times in the agent's wall clock).
fn preferences(p: &ShiftPreferences) -> Preferences {
    Preferences {
        preferred_start_times: p.start_minutes.iter().map(|&m| clock(m)).collect(),
        start_weight: p.start_weight,
        preferred_days_on: p.days_on.clone(),
        days_on_weight: p.days_on_weight,
        preferred_days_off: p.days_off.clone(),
        days_off_weight: p.days_off_weight,
    }
}

/// Approved time off is a hard rule: the solver never places a shift overlapping it. Requests are
/// stored as the UTC instants of the agent's local dates, so they are DST-correct already.
fn add_approved_time_off(
    conn: &mut DbConnection,
    agents: &mut [Agent],
    start: DateTime<Utc>,
    weeks: u32,
) -> Result<(), PlanError> {
    let end = start + chrono::Duration::weeks(i64::from(weeks));
    let approved = db::time_off::approved_between(conn, None, start.naive_utc(), end.naive_utc())?;
    for (agent_id, from, to) in approved {
        if let Some(agent) = agents.iter_mut().find(|a| a.id == agent_id) {
            agent.time_off.push(UtcRange {
                start: from.and_utc(),
                end: to.and_utc(),
            });
        }
    }
    Ok(())
}

/// Published shifts the schedule's solve must build around.
struct KeptShifts {
    /// Held for other queues (or starting outside the period): taken time, counted by the contract.
    held: Vec<HeldShift>,
    /// Handed over by a swap or claimed as an open shift, serving only the schedule's queues: the
    /// holder's fixed shifts, covering those queues, so a re-solve does not staff their hours again.
    handed: Vec<PinnedShift>,
    /// The shifts those were before the hand-over, as (giver, start, end).
    given_away: Vec<GivenAway>,
}

/// A roster shift a swap handed to someone else: (the agent who gave it, start, end).
pub type GivenAway = (String, DateTime<Utc>, DateTime<Utc>);

/// Published shifts that publishing this schedule would keep (another queue's plan, a swap, a claimed
/// open shift, or a shift starting outside the period) are time the agent is taken, with their rest
/// either side as between two rostered shifts: the roster never meets them, so it can be published
/// beside them. Those starting inside the period are returned as held shifts too: they count
/// toward the agent's weekly hours and shifts, days in a row, days off and weekends. A swapped or
/// claimed shift of the schedule's own queues that lies on the period's grid is returned as a
/// pinned shift of its holder instead: it covers its queue in the roster.
fn add_kept_shifts(
    conn: &mut DbConnection,
    agents: &mut [Agent],
    scope: &Scope,
    interval_minutes: i64,
) -> Result<KeptShifts, PlanError> {
    // A roster's last shift may run past the period's end into a shift published after it.
    let reach = scope.end + chrono::Duration::days(1);
    let rows = db::shifts::active_overlapping(conn, scope.start.naive_utc(), reach.naive_utc())?;
    let scheduled: std::collections::HashSet<String> =
        agents.iter().map(|a| a.id.clone()).collect();
    let (handed_rows, kept): (Vec<&ShiftRow>, Vec<&ShiftRow>) = rows
        .iter()
        .filter(|r| !super::publishing::replaced(scope, r))
        .partition(|r| {
            r.agent_id.as_ref().is_some_and(|a| scheduled.contains(a))
                && handed_to_holder(scope, r, interval_minutes)
        });
    let handed = handed_rows
        .iter()
        .filter_map(|r| {
            Some(PinnedShift {
                agent_id: r.agent_id.clone()?,
                start: r.start_utc(),
                end: r.end_utc(),
                breaks: r
                    .breaks()
                    .into_iter()
                    .map(|b| UtcRange {
                        start: b.start,
                        end: b.end,
                    })
                    .collect(),
            })
        })
        .collect();
    let given_away = handed_rows
        .iter()
        .filter_map(|r| Some((r.handed_over_from.clone()?, r.start_utc(), r.end_utc())))
        .collect();
    for row in &kept {
        let Some(agent) = agents
            .iter_mut()
            .find(|a| row.agent_id.as_deref() == Some(a.id.as_str()))
        else {
            continue;
        };
        let rest = chrono::Duration::minutes((agent.contract.min_rest_hours * 60.0).round() as i64);
        agent.time_off.push(UtcRange {
            start: row.start_utc() - rest,
            end: row.end_utc() + rest,
        });
    }
    let held = super::held_shifts::held_in(scope, kept)
        .into_iter()
        .filter(|h| scheduled.contains(&h.agent_id))
        .collect();
    Ok(KeptShifts {
        held,
        handed,
        given_away,
    })
}

/// A shift a swap or claim gave its holder, serving nothing but the schedule's queues, inside the
/// period and on its grid: the solve can keep it as the holder's pinned shift.
fn handed_to_holder(scope: &Scope, row: &ShiftRow, interval_minutes: i64) -> bool {
    let on_grid = |t: DateTime<Utc>| (t - scope.start).num_minutes() % interval_minutes == 0;
    row.schedule_id.is_none()
        && row.start_utc() >= scope.start
        && row.end_utc() <= scope.end
        && row.end_utc() > row.start_utc()
        && on_grid(row.start_utc())
        && on_grid(row.end_utc())
        && row.served_queues().iter().all(|q| scope.queues.contains(q))
}

/// How far back published shifts are handed to the scheduler as history: further than any
/// contract's days in a row or days off together reach.
const HISTORY_DAYS: i64 = 14;

/// The published shifts the agents hold that start in the two weeks before the period: the
/// roster must keep their rest, days in a row and days off together across the period start.
fn published_history(
    conn: &mut DbConnection,
    agents: &[Agent],
    start: DateTime<Utc>,
) -> Result<Vec<PriorShift>, PlanError> {
    let from = start - chrono::Duration::days(HISTORY_DAYS);
    let held = db::shifts::starting_between(conn, from.naive_utc(), start.naive_utc())?;
    let scheduled: std::collections::HashSet<&str> = agents.iter().map(|a| a.id.as_str()).collect();
    Ok(held
        .into_iter()
        .filter(|s| s.is_active())
        .filter_map(|s| {
            let agent_id = s.agent_id.clone()?;
            scheduled.contains(agent_id.as_str()).then(|| PriorShift {
                agent_id,
                start: s.start_utc(),
                end: s.end_utc(),
            })
        })
        .collect())
}

/// Runs `work` on its own thread and calls `beat` with the seconds elapsed every `every` until it
/// ends (a solve can outlast a job lease: each beat renews it). Returns the work's result, `Err` if
/// it panicked, and whether a beat failed. It returns in every case: a panic ends the beats too.
fn with_heartbeat<T: Send>(
    work: impl FnOnce() -> T + Send,
    every: Duration,
    mut beat: impl FnMut(f64) -> bool,
) -> (std::thread::Result<T>, bool) {
    std::thread::scope(|scope| {
        // `is_finished` is true once the work returned or unwound.
        let worker = scope.spawn(work);
        let started = std::time::Instant::now();
        let mut last_beat = started;
        let mut beat_failed = false;
        while !worker.is_finished() {
            std::thread::sleep(Duration::from_millis(50).min(every));
            if last_beat.elapsed() >= every {
                last_beat = std::time::Instant::now();
                beat_failed |= !beat(started.elapsed().as_secs_f64());
            }
        }
        (worker.join(), beat_failed)
    })
}

/// Whether a period of `weeks` weeks from `from` can be staffed from the stored history of
/// `queues`: forecasts start the day after a queue's history and reach
/// [`super::forecasting::MAX_HORIZON_DAYS`] days from there. Checked when a schedule is created,
/// so that a period no forecast covers is refused at once, by the field that is wrong, rather than
/// failing later in its job.
pub fn check_period(
    conn: &mut DbConnection,
    from: NaiveDate,
    weeks: u32,
    queues: &[QueueRecord],
) -> Result<(), PlanError> {
    let mut checked = ValidationErrors::new();
    let last_day = checked
        .collect("from", crate::domain::dates::check_date(from))
        .and_then(|f| f.checked_add_days(Days::new(u64::from(weeks) * 7 - 1)));
    let Some(last_day) = last_day else {
        if checked.is_empty() {
            checked.add("from", "is outside the supported calendar");
        }
        return Err(checked.into());
    };
    let mut errors = ValidationErrors::new();
    for q in queues {
        let name = &q.spec.name;
        let Some(first) = super::forecasting::first_forecast_day(conn, q)? else {
            errors.add(
                "queue_ids",
                format!("queue {name} has no history yet: upload some first"),
            );
            continue;
        };
        let horizon = super::forecasting::MAX_HORIZON_DAYS;
        if last_day < first {
            errors.add(
                "from",
                format!("the period ends before the forecasts of queue {name} start, on {first}"),
            );
        } else if (last_day - first).num_days() >= i64::from(horizon) {
            errors.add(
                "from",
                format!("queue {name} can be forecast for {horizon} days from {first} only"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.into())
    }
}

/// The scheduler problem for `weeks` weeks from local midnight on `from` in the first queue's zone (see
/// [`period_start`]): each queue's requirement is the
/// agents to roster (after shrinkage, floor included) from its forecast, on a common UTC grid (30
/// minutes unless every queue plans in 15); a 15-minute queue on a 30-minute grid needs the larger
/// of its two quarter hours. Also returns the roster shifts swaps handed to someone else, so a
/// re-solve drops the giver's lock on them.
pub fn build_problem(
    conn: &mut DbConnection,
    from: NaiveDate,
    weeks: u32,
    queues: &[QueueRecord],
) -> Result<(Problem, Vec<GivenAway>), PlanError> {
    if !(1..=6).contains(&weeks) {
        return Err(ValidationErrors::single("weeks", "must be between 1 and 6").into());
    }
    if queues.is_empty() {
        return Err(ValidationErrors::single("queue_ids", "choose at least one queue").into());
    }
    let interval = if queues.iter().all(|q| q.spec.interval_minutes == 15) {
        15
    } else {
        30
    };
    let out_of_range =
        || ValidationErrors::single("from", "the period is outside the supported calendar");
    let zone = queues[0].spec.time_zone.tz();
    let start = period_start(zone, from, interval).ok_or_else(out_of_range)?;
    let n = (weeks as usize * 7 * 24 * 60) / interval as usize;
    let last_day = from
        .checked_add_days(Days::new(u64::from(weeks) * 7))
        .ok_or_else(out_of_range)?;
    let mut problem_queues = Vec::with_capacity(queues.len());
    for q in queues {
        // Local dates around the UTC period, so zones far from UTC are covered at both ends.
        // (but not before the forecast can start: the day after the stored history).
        let first = super::forecasting::first_forecast_day(conn, q)?.unwrap_or(from);
        let local_from = from
            .checked_sub_days(Days::new(1))
            .unwrap_or(from)
            .max(first);
        let report = queue_requirements(
            conn,
            q,
            Some(local_from),
            Some(last_day),
            &WhatIf::default(),
        )?;
        let mut required = vec![0.0; n];
        let mut open = vec![false; n];
        let mut arrivals = vec![0.0; n];
        let mut handle_seconds = vec![0.0; n];
        for r in &report.intervals {
            let offset = (r.start - start).num_minutes();
            if offset < 0 {
                continue;
            }
            let idx = (offset / i64::from(interval)) as usize;
            if idx < n {
                required[idx] = f64::max(required[idx], f64::from(r.scheduled));
                open[idx] |= r.open;
                arrivals[idx] += r.human_chats;
                handle_seconds[idx] += r.human_chats * r.aht_seconds;
            }
        }
        let aht_seconds = arrivals
            .iter()
            .zip(&handle_seconds)
            // A forecast without an AHT still needs one where chats arrive (as the staffing module does).
            .map(|(&a, &h)| if a > 0.0 { (h / a).max(1.0) } else { 0.0 })
            .collect();
        // The roster's expected service level is judged on this same forecast.
        let workload = Workload {
            arrivals,
            aht_seconds,
            sl_threshold_seconds: q.spec.service_level.threshold_seconds,
            chat_concurrency: q.spec.chat_concurrency,
            shrinkage: q.spec.shrinkage,
            patience_seconds: q.spec.patience_seconds,
        };
        problem_queues.push(Queue {
            id: q.id.clone(),
            language: q.spec.language.primary().to_string(),
            zone: q.spec.time_zone.name().into(),
            required,
            open: Some(open),
            floor: q.spec.staffing_floor,
            workload: Some(workload),
        });
    }
    let mut agents: Vec<Agent> = db::agents::all_active(conn)?
        .iter()
        .map(to_scheduler_agent)
        .collect();
    add_approved_time_off(conn, &mut agents, start, weeks)?;
    let scope = Scope {
        start,
        end: start + chrono::Duration::weeks(i64::from(weeks)),
        queues: queues.iter().map(|q| q.id.clone()).collect(),
    };
    let kept = add_kept_shifts(conn, &mut agents, &scope, i64::from(interval))?;
    let history = published_history(conn, &agents, start)?;
    let problem = Problem {
        period: Period {
            start,
            weeks,
            interval_minutes: interval,
            zone: Some(zone.name().into()),
        },
        queues: problem_queues,
        agents,
        templates: default_templates(),
        pinned: kept.handed,
        history,
        held: kept.held,
        weights: Default::default(),
    };
    Ok((problem, kept.given_away))
}

/// The locked shifts of a schedule's previous roster that a re-solve keeps: those of agents still
/// active (an inactive agent's lock cannot be honoured and is dropped), but not a shift a swap handed
/// to someone else, nor one the problem pins already (a handed-over shift its holder keeps).
fn kept_locks(
    schedule: &db::schedules::ScheduleRow,
    problem: &Problem,
    given_away: &[GivenAway],
) -> Vec<scheduler::PinnedShift> {
    let previous: Option<Problem> = schedule
        .problem
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok());
    previous
        .map(|p| p.pinned)
        .unwrap_or_default()
        .into_iter()
        .filter(|pin| problem.agents.iter().any(|a| a.id == pin.agent_id))
        .filter(|pin| {
            !given_away.iter().any(|(giver, start, end)| {
                *giver == pin.agent_id && *start == pin.start && *end == pin.end
            })
        })
        .filter(|pin| {
            !problem
                .pinned
                .iter()
                .any(|p| p.agent_id == pin.agent_id && p.start == pin.start)
        })
        .collect()
}

/// Solves a stored schedule: builds the problem, solves it while renewing the job's lease, checks the
/// roster with the independent validator and stores it. Running it again for the same schedule
/// overwrites the roster, so a retry after a crash is harmless.
pub struct SolveScheduleHandler {
    /// [`SolveOptions::threads`] of every solve.
    pub solver_threads: usize,
}

impl JobHandler for SolveScheduleHandler {
    fn run(
        &self,
        ctx: &JobContext<'_>,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, JobError> {
        let id = payload["schedule_id"]
            .as_str()
            .ok_or_else(|| JobError::Permanent("payload has no schedule_id".into()))?
            .to_string();
        let mut conn = ctx.pool().get()?;
        let schedule = db::schedules::get(&mut conn, &id)?;
        if schedule.status == "discarded" {
            return Ok(serde_json::json!({"schedule_id": id, "status": "discarded"}));
        }
        db::schedules::start_solving(&mut conn, &id)?;
        ctx.progress(0.05, "building the problem from requirements and agents")?;
        let queue_ids: Vec<String> = serde_json::from_str(&schedule.queue_ids).unwrap_or_default();
        // In the order the manager listed them: the first queue's zone is the period's.
        let mut queues: Vec<QueueRecord> = db::queues::all(&mut conn)?
            .into_iter()
            .filter(|q| queue_ids.contains(&q.id))
            .collect();
        queues.sort_by_key(|q| queue_ids.iter().position(|id| id == &q.id));
        let weeks = u32::try_from(schedule.weeks).unwrap_or(1);
        let (mut problem, given_away) =
            match build_problem(&mut conn, schedule.period_start, weeks, &queues) {
                Ok(built) => built,
                Err(e) => {
                    db::schedules::fail_solve(&mut conn, &id, &e.to_string())?;
                    return Err(JobError::Permanent(e.to_string()));
                }
            };
        let locks = kept_locks(&schedule, &problem, &given_away);
        problem.pinned.extend(locks);
        problem.weights = schedule_weights(&schedule);
        drop(conn);
        ctx.progress(
            0.1,
            &format!(
                "solving {} agents x {} queues",
                problem.agents.len(),
                problem.queues.len()
            ),
        )?;
        let options = SolveOptions {
            time_limit_seconds: schedule.time_limit_seconds,
            work_limit: schedule.work_limit,
            threads: self.solver_threads,
            ..SolveOptions::default()
        };
        let (roster, lease_lost) = with_heartbeat(
            || scheduler::solve(&problem, &options),
            Duration::from_secs(5),
            |elapsed| {
                let fraction = 0.1 + 0.8 * (elapsed / options.expected_seconds().max(1.0)).min(1.0);
                // Only a lease taken over ends the job; a database hiccup is retried at the next
                // beat, long before the lease runs out.
                !matches!(
                    ctx.progress(fraction, &format!("solving ({elapsed:.0} s)")),
                    Err(JobError::LeaseLost)
                )
            },
        );
        if lease_lost {
            return Err(JobError::LeaseLost);
        }
        let mut conn = ctx.pool().get()?;
        let roster = match roster {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                db::schedules::fail_solve(&mut conn, &id, &e.to_string())?;
                return Err(JobError::Permanent(e.to_string()));
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let msg = format!("the solver panicked: {what}");
                tracing::error!(schedule = %id, "{msg}");
                db::schedules::fail_solve(&mut conn, &id, &msg)?;
                return Err(JobError::Permanent(msg));
            }
        };
        let violations = scheduler::validate(&problem, &roster);
        if !violations.is_empty() {
            let msg = format!("the roster breaks hard rules: {violations:?}");
            db::schedules::fail_solve(&mut conn, &id, &msg)?;
            return Err(JobError::Permanent(msg));
        }
        let json =
            serde_json::to_string(&roster).map_err(|e| JobError::Permanent(e.to_string()))?;
        let problem_json =
            serde_json::to_string(&problem).map_err(|e| JobError::Permanent(e.to_string()))?;
        db::schedules::set_problem(&mut conn, &id, &problem_json)?;
        db::schedules::set_outcome(&mut conn, &id, "solved", Some(&json), None)?;
        Ok(serde_json::json!({
            "schedule_id": id,
            "status": format!("{:?}", roster.status),
            "coverage_pct": roster.kpis.coverage_pct,
            "shifts": roster.shifts.len(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_solve_ends_the_heartbeat_and_is_reported() {
        let (result, failed) = with_heartbeat(
            || -> u32 { panic!("solver bug") },
            Duration::from_millis(1),
            |_| true,
        );
        assert!(result.is_err());
        assert!(!failed);
    }

    #[test]
    fn beats_run_while_the_work_does_and_a_failed_one_is_reported() {
        let mut beats = Vec::new();
        let (result, failed) = with_heartbeat(
            || {
                std::thread::sleep(Duration::from_millis(150));
                7
            },
            Duration::from_millis(10),
            |elapsed| {
                beats.push(elapsed);
                beats.len() != 2
            },
        );
        assert_eq!(result.ok(), Some(7));
        assert!(failed);
        assert!(beats.len() >= 3, "{beats:?}");
        assert!(beats.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn local_instants_survive_dst_gaps_and_midnight() {
        let zone = chrono_tz::Europe::Stockholm;
        let spring = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        // 02:30 does not exist that night: time off from then starts when the clocks resume (01:00 UTC).
        assert_eq!(
            local_instant(zone, spring, 150).unwrap().to_rfc3339(),
            "2026-03-29T01:00:00+00:00"
        );
        assert_eq!(
            local_instant(zone, spring, 1440).unwrap().to_rfc3339(),
            "2026-03-29T22:00:00+00:00"
        );
        let winter = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(
            local_instant(zone, winter, 480).unwrap().to_rfc3339(),
            "2026-01-05T07:00:00+00:00"
        );
    }

    #[test]
    fn periods_start_at_local_midnight_on_the_grid() {
        let date = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let start = |zone: chrono_tz::Tz, d: u32, interval: u32| {
            period_start(zone, date(d), interval).unwrap().to_rfc3339()
        };
        assert_eq!(
            start(chrono_tz::Europe::Stockholm, 2, 30),
            "2026-03-01T23:00:00+00:00"
        );
        assert_eq!(
            start(chrono_tz::Australia::Sydney, 2, 30),
            "2026-03-01T13:00:00+00:00"
        );
        // Kathmandu is 05:45 ahead: midnight (18:15 UTC) moves back onto the grid.
        assert_eq!(
            start(chrono_tz::Asia::Kathmandu, 2, 30),
            "2026-03-01T18:00:00+00:00"
        );
        assert_eq!(
            start(chrono_tz::Asia::Kathmandu, 2, 15),
            "2026-03-01T18:15:00+00:00"
        );
        // Havana springs forward at midnight: 8 March starts at 01:00 CDT.
        assert_eq!(
            start(chrono_tz::America::Havana, 8, 30),
            "2026-03-08T05:00:00+00:00"
        );
    }
}
