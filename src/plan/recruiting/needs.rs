//! Hiring needs: per language and UTC band, the agent-hours the requirements call for (after the AI
//! deflection scenario), the capacity the active agents can offer, and the gap in FTE.
//!
//! Capacity per interval is the sum over active agents who speak the language and are available for
//! the whole interval of `min(1, max contract hours / weekly available hours)`: an agent available 60
//! hours a week on a 30-hour contract is half an agent in each available interval.

use crate::db::agents::AgentRecord;
use crate::db::{self, DbConnection};
use crate::domain::recruiting::fit::{interval_available, AvailabilityWindow};
use crate::domain::recruiting::needs::{hiring_needs, BandNeed, NeedInterval, NeedsParams};
use crate::domain::validation::ValidationErrors;
use crate::plan::forecasting::{first_forecast_day, Scenario};
use crate::plan::requirements::{queue_requirements, WhatIf};
use crate::plan::PlanError;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use std::collections::BTreeMap;

/// Hiring needs over the UTC days `from..=to`.
#[derive(Debug, Clone)]
pub struct NeedsReport {
    pub bands: Vec<BandNeed>,
    /// Queues left out because they have no history to forecast from.
    pub queues_without_history: Vec<String>,
    /// Queues left out because their requirements could not be computed, with the reason.
    pub queues_with_errors: Vec<QueueProblem>,
}

/// Why one queue's requirements are missing from the needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueProblem {
    pub queue_id: String,
    /// The input the problem is in (`history` for what the forecast was built from).
    pub field: String,
    pub detail: String,
}

impl QueueProblem {
    /// The problem of queue `queue_id` when `e` is about that queue's data; errors that concern
    /// every queue alike (the database) are given back.
    fn of(queue_id: &str, e: PlanError) -> Result<Self, PlanError> {
        let (field, detail) = match e {
            PlanError::Invalid(errors) => (
                errors
                    .0
                    .first()
                    .map_or("history", |f| f.field.as_str())
                    .to_string(),
                errors.to_string(),
            ),
            PlanError::Forecast(f) => ("history".into(), f.to_string()),
            PlanError::Staffing(s) => ("history".into(), s.to_string()),
            other => return Err(other),
        };
        Ok(Self {
            queue_id: queue_id.into(),
            field,
            detail,
        })
    }
}

struct AgentCapacity {
    languages: Vec<String>,
    zone: chrono_tz::Tz,
    windows: Vec<AvailabilityWindow>,
    share: f64,
}

fn capacity_of(a: &AgentRecord) -> AgentCapacity {
    let spec = &a.spec;
    let available = spec.availability.weekly_hours();
    let share = if available > 0.0 {
        (spec.contract.max_hours_per_week / available).clamp(0.0, 1.0)
    } else {
        0.0
    };
    AgentCapacity {
        languages: spec
            .languages
            .iter()
            .map(|l| l.language.primary().to_string())
            .collect(),
        zone: spec.time_zone.tz(),
        windows: spec
            .availability
            .weekly
            .iter()
            .map(|w| AvailabilityWindow {
                weekday: w.weekday,
                start_minute: w.start,
                end_minute: w.end,
            })
            .collect(),
        share,
    }
}

pub fn hiring_needs_report(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    scenario: &Scenario,
    fte_hours_per_week: f64,
) -> Result<NeedsReport, PlanError> {
    let mut errors = ValidationErrors::new();
    if to < from {
        errors.add("to", "must not be before from");
    }
    if (to - from).num_days() >= 84 {
        errors.add("to", "at most 84 days from from");
    }
    if !(fte_hours_per_week.is_finite() && (1.0..=80.0).contains(&fte_hours_per_week)) {
        errors.add("fte_hours", "must be between 1 and 80");
    }
    let end_day = to.checked_add_days(Days::new(1));
    if end_day.is_none() {
        errors.add("to", "is outside the supported calendar");
    }
    // The scenario is the request's, not a queue's: a bad one is refused before any queue is looked at.
    errors.collect("", scenario.overrides(from).map(|_| ()));
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let start: DateTime<Utc> = from.and_time(NaiveTime::MIN).and_utc();
    let end: DateTime<Utc> = end_day.unwrap_or(to).and_time(NaiveTime::MIN).and_utc();
    let what_if = WhatIf {
        scenario: scenario.clone(),
        ..WhatIf::default()
    };
    // Required agents per (language, interval start, minutes), summed over the language's queues.
    let mut required: BTreeMap<(String, DateTime<Utc>, u32), f64> = BTreeMap::new();
    let mut queues_without_history = Vec::new();
    let mut queues_with_errors = Vec::new();
    for q in db::queues::all(conn)? {
        let Some(first) = first_forecast_day(conn, &q)? else {
            queues_without_history.push(q.id.clone());
            continue;
        };
        // Local dates around the UTC range, so zones far from UTC are covered at both ends.
        let local_from = from
            .checked_sub_days(Days::new(1))
            .unwrap_or(from)
            .max(first);
        if local_from > to {
            continue;
        }
        // One queue's data (history too short, too old, or beyond what staffing supports) leaves
        // that queue out and is reported, instead of hiding every other queue's needs.
        let report = match queue_requirements(conn, &q, Some(local_from), Some(to), &what_if) {
            Ok(report) => report,
            Err(e) => {
                queues_with_errors.push(QueueProblem::of(&q.id, e)?);
                continue;
            }
        };
        let language = q.spec.language.primary().to_string();
        for r in report
            .intervals
            .iter()
            .filter(|r| r.start >= start && r.start < end)
        {
            *required
                .entry((language.clone(), r.start, report.interval_minutes))
                .or_insert(0.0) += f64::from(r.scheduled);
        }
    }
    let agents: Vec<AgentCapacity> = db::agents::all_active(conn)?
        .iter()
        .map(capacity_of)
        .collect();
    let intervals: Vec<NeedInterval> = required
        .into_iter()
        .map(|((language, at, minutes), req)| {
            let capacity = agents
                .iter()
                .filter(|a| a.share > 0.0 && a.languages.contains(&language))
                .filter(|a| interval_available(a.zone, &a.windows, at, minutes))
                .map(|a| a.share)
                .sum();
            NeedInterval {
                language,
                start: at,
                minutes,
                required: req,
                capacity,
            }
        })
        .collect();
    let params = NeedsParams {
        fte_hours_per_week,
        ..NeedsParams::new(start, end)
    };
    Ok(NeedsReport {
        bands: hiring_needs(&intervals, &params),
        queues_without_history,
        queues_with_errors,
    })
}
