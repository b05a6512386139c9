//! Whether an agent may take one more shift: the hard rules a swap or an open-shift claim must pass,
//! checked against the agent's own zone, contract, time off and the shifts it already holds.
//!
//! Weeks are the agent's local Monday-to-Sunday weeks; a day counts as worked on the local date a shift
//! starts. Hours are elapsed shift time, breaks included, as contracts count them.

use super::agent::{Availability, Contract};
use super::local_time::{covers, local_instant, Span};
use chrono::{Datelike, Days, NaiveDate};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::BTreeSet;

/// The agent who would take the shift, with what it already holds.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub zone: Tz,
    /// Primary language subtags the agent serves, e.g. `sv`.
    pub languages: Vec<String>,
    pub availability: &'a Availability,
    pub contract: &'a Contract,
    /// Approved time off.
    pub time_off: Vec<Span>,
    /// Active shifts the agent holds near the proposed one (three weeks either side suffice).
    pub shifts: Vec<Span>,
}

/// The shift to hand over.
#[derive(Debug, Clone)]
pub struct Proposed {
    pub span: Span,
    /// Primary language subtag of the shift's queue.
    pub language: String,
}

/// A broken hard rule, with a code clients can match on.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Violation {
    /// `language`, `availability`, `time_off`, `overlap`, `rest`, `max_hours`, `max_shifts` or
    /// `consecutive_days`.
    pub rule: &'static str,
    pub message: String,
}

fn violation(rule: &'static str, message: String) -> Violation {
    Violation { rule, message }
}

/// Every hard rule the candidate would break by taking `shift`; empty when it may take it.
pub fn check(candidate: &Candidate<'_>, shift: &Proposed) -> Vec<Violation> {
    let mut out = Vec::new();
    let s = shift.span;
    if !candidate
        .languages
        .iter()
        .any(|l| l.eq_ignore_ascii_case(&shift.language))
    {
        out.push(violation(
            "language",
            format!("the shift's queue needs {}", shift.language),
        ));
    }
    if !covers(candidate.availability, candidate.zone, s) {
        out.push(violation(
            "availability",
            format!(
                "the shift ({} to {} {}) is outside the agent's availability",
                s.start
                    .with_timezone(&candidate.zone)
                    .format("%Y-%m-%d %H:%M"),
                s.end
                    .with_timezone(&candidate.zone)
                    .format("%Y-%m-%d %H:%M"),
                candidate.zone.name()
            ),
        ));
    }
    if candidate.time_off.iter().any(|t| t.overlaps(&s)) {
        out.push(violation(
            "time_off",
            "the shift overlaps approved time off".into(),
        ));
    }
    let rest = chrono::Duration::minutes((candidate.contract.min_rest_hours * 60.0).round() as i64);
    let mut overlap = false;
    let mut short_rest = false;
    for other in &candidate.shifts {
        if other.overlaps(&s) {
            overlap = true;
        } else if (other.end <= s.start && s.start - other.end < rest)
            || (s.end <= other.start && other.start - s.end < rest)
        {
            short_rest = true;
        }
    }
    if overlap {
        out.push(violation(
            "overlap",
            "the agent already works at that time".into(),
        ));
    }
    if short_rest {
        out.push(violation(
            "rest",
            format!(
                "less than {} hours of rest between this and another shift",
                candidate.contract.min_rest_hours
            ),
        ));
    }
    out.extend(weekly_limits(candidate, s));
    out.extend(consecutive_days(candidate, s));
    out
}

fn local_date(zone: Tz, span: &Span) -> NaiveDate {
    span.start.with_timezone(&zone).date_naive()
}

fn weekly_limits(candidate: &Candidate<'_>, s: Span) -> Vec<Violation> {
    let zone = candidate.zone;
    let day = local_date(zone, &s);
    let monday = day
        .checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
        .unwrap_or(day);
    let next_monday = monday.checked_add_days(Days::new(7)).unwrap_or(monday);
    let (Some(from), Some(to)) = (
        local_instant(zone, monday, 0),
        local_instant(zone, next_monday, 0),
    ) else {
        return Vec::new();
    };
    let in_week: Vec<&Span> = candidate
        .shifts
        .iter()
        .filter(|o| from <= o.start && o.start < to)
        .collect();
    let hours = in_week.iter().map(|o| o.hours()).sum::<f64>() + s.hours();
    let count = in_week.len() + 1;
    let c = candidate.contract;
    let mut out = Vec::new();
    if hours > c.max_hours_per_week + 1e-9 {
        out.push(violation(
            "max_hours",
            format!(
                "{hours:.1} hours in the week of {monday} exceed the contract's {} hours",
                c.max_hours_per_week
            ),
        ));
    }
    if count > c.max_shifts_per_week as usize {
        out.push(violation(
            "max_shifts",
            format!(
                "{count} shifts in the week of {monday} exceed the contract's {}",
                c.max_shifts_per_week
            ),
        ));
    }
    out
}

fn consecutive_days(candidate: &Candidate<'_>, s: Span) -> Vec<Violation> {
    let zone = candidate.zone;
    let day = local_date(zone, &s);
    let worked: BTreeSet<NaiveDate> = candidate
        .shifts
        .iter()
        .map(|o| local_date(zone, o))
        .chain(std::iter::once(day))
        .collect();
    let mut run = 1u32;
    let mut d = day;
    while let Some(prev) = d.pred_opt().filter(|p| worked.contains(p)) {
        run += 1;
        d = prev;
    }
    d = day;
    while let Some(next) = d.succ_opt().filter(|n| worked.contains(n)) {
        run += 1;
        d = next;
    }
    let max = candidate.contract.max_consecutive_days;
    if run > max {
        vec![violation(
            "consecutive_days",
            format!("{run} days in a row exceed the contract's {max}"),
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
#[path = "assignment_tests.rs"]
mod tests;
