//! Fit scores: how many of the latest roster's short queue-hours an applicant's languages and
//! availability would cover.

use crate::db::recruiting::applications::ApplicationRow;
use crate::db::{self, DbConnection, DbResult};
use crate::domain::recruiting::application::agent_proficiency;
use crate::domain::recruiting::fit::{fit_score, ApplicantProfile, FitScore, Shortfall};
use crate::domain::scheduler::Roster;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The shortfalls of the latest solved schedule and its period.
#[derive(Debug, Clone)]
pub struct ShortfallPeriod {
    pub schedule_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub shortfalls: Vec<Shortfall>,
}

/// The latest solved schedule's short intervals per queue language; `None` without one.
pub fn latest_shortfalls(conn: &mut DbConnection) -> DbResult<Option<ShortfallPeriod>> {
    let Some(schedule) = db::schedules::latest_solved(conn)? else {
        return Ok(None);
    };
    let Some(roster) = schedule
        .roster
        .as_deref()
        .and_then(|r| serde_json::from_str::<Roster>(r).ok())
    else {
        return Ok(None);
    };
    let languages: HashMap<String, String> = db::queues::all(conn)?
        .into_iter()
        .map(|q| (q.id, q.spec.language.primary().to_string()))
        .collect();
    let (start, end) = crate::plan::scheduling::period_bounds(&schedule, &roster);
    let weeks = (end - start).num_weeks().max(1);
    let mut shortfalls = Vec::new();
    for q in &roster.queues {
        let Some(language) = languages.get(&q.queue_id) else {
            continue;
        };
        let count = q.intervals.len().max(1) as i64;
        let minutes = u32::try_from(weeks * 7 * 24 * 60 / count).unwrap_or(30);
        shortfalls.extend(
            q.intervals
                .iter()
                .filter(|i| i.shortfall > 0.0)
                .map(|i| Shortfall {
                    language: language.clone(),
                    start: i.start_utc,
                    minutes,
                    agents_short: i.shortfall,
                }),
        );
    }
    Ok(Some(ShortfallPeriod {
        schedule_id: schedule.id,
        start,
        end,
        shortfalls,
    }))
}

/// The applicant as the fit model sees them: only languages they could take chats in.
pub fn profile(row: &ApplicationRow) -> Option<ApplicantProfile> {
    Some(ApplicantProfile {
        languages: row
            .languages()
            .into_iter()
            .filter(|(_, level)| agent_proficiency(*level).is_some())
            .map(|(tag, _)| tag)
            .collect(),
        zone: row.time_zone.parse().ok()?,
        availability: row.availability(),
        hours_per_week: f64::from(row.hours_per_week.max(0)),
    })
}

/// The fit of one application against `period`.
pub fn score(row: &ApplicationRow, period: &ShortfallPeriod) -> Option<FitScore> {
    profile(row).map(|p| fit_score(&p, &period.shortfalls, period.start, period.end))
}
