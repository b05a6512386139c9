//! Structural checks of a scheduling problem: values that cannot be scheduled at all are errors
//! naming the path of the offending value; contradictions between hard rules are not (they
//! become diagnostics of the roster).

use super::problem::{
    invalid, parse_zone, Contract, Problem, ScheduleError, HOURS_PER_WEEK, MAX_REQUIRED,
    MAX_SOLVER_WEIGHT,
};
use crate::domain::dates::YEARS as PERIOD_YEARS;
use chrono::Datelike;

impl Problem {
    /// Structural checks; contradictions between hard rules are *not* errors
    /// (they become diagnostics), only malformed data is. An error names the path of
    /// the offending value.
    pub fn check(&self) -> Result<(), ScheduleError> {
        let p = &self.period;
        if !(1..=6).contains(&p.weeks) {
            return invalid("period.weeks", "must be 1 to 6");
        }
        if p.interval_minutes != 15 && p.interval_minutes != 30 {
            return invalid("period.interval_minutes", "must be 15 or 30");
        }
        if let Some(zone) = &p.zone {
            parse_zone("period.zone", "period", zone)?;
        }
        let step = i64::from(p.interval_minutes);
        if p.start.timestamp().rem_euclid(step * 60) != 0 {
            return invalid("period.start", "must be on the interval grid");
        }
        if !PERIOD_YEARS.contains(&p.start.year()) {
            return invalid(
                "period.start",
                format!(
                    "must be in the years {} to {}",
                    PERIOD_YEARS.start(),
                    PERIOD_YEARS.end()
                ),
            );
        }
        let n = self.interval_count();
        let mut ids = std::collections::BTreeSet::new();
        for (i, q) in self.queues.iter().enumerate() {
            let at = format!("queues[{i}]");
            parse_zone(&format!("{at}.zone"), &q.id, &q.zone)?;
            if !ids.insert(("q", q.id.as_str())) {
                return invalid(format!("{at}.id"), format!("duplicate queue id {}", q.id));
            }
            if q.language.trim().is_empty() {
                return invalid(
                    format!("{at}.language"),
                    format!("queue {}: language must not be empty", q.id),
                );
            }
            if q.required.len() != n {
                return invalid(
                    format!("{at}.required"),
                    format!(
                        "queue {}: required has {} values, expected {n}",
                        q.id,
                        q.required.len()
                    ),
                );
            }
            if q.required.iter().any(|r| !(0.0..=MAX_REQUIRED).contains(r)) {
                return invalid(
                    format!("{at}.required"),
                    format!(
                        "queue {}: required must be >= 0 and <= {MAX_REQUIRED} agents",
                        q.id
                    ),
                );
            }
            if f64::from(q.floor) > MAX_REQUIRED {
                return invalid(
                    format!("{at}.floor"),
                    format!("queue {}: floor must be <= {MAX_REQUIRED} agents", q.id),
                );
            }
            if q.open.as_ref().is_some_and(|o| o.len() != n) {
                return invalid(
                    format!("{at}.open"),
                    format!("queue {}: open must have {n} values", q.id),
                );
            }
            if let Some(w) = &q.workload {
                w.check(&format!("{at}.workload"), &q.id, n)?;
            }
        }
        for (i, t) in self.templates.iter().enumerate() {
            let at = format!("templates[{i}]");
            if !ids.insert(("t", t.id.as_str())) {
                return invalid(
                    format!("{at}.id"),
                    format!("duplicate template id {}", t.id),
                );
            }
            let m = p.interval_minutes;
            if t.length_minutes == 0 || t.length_minutes % m != 0 || t.length_minutes > 24 * 60 {
                return invalid(
                    format!("{at}.length_minutes"),
                    format!(
                        "template {}: length must be a positive multiple of the interval, <= 24 h",
                        t.id
                    ),
                );
            }
            if t.start_step_minutes == 0 || t.start_step_minutes % m != 0 {
                return invalid(
                    format!("{at}.start_step_minutes"),
                    format!(
                        "template {}: start step must be a multiple of the interval",
                        t.id
                    ),
                );
            }
            for (k, b) in t.breaks.iter().enumerate() {
                // Widened: a window end near u32::MAX must not wrap.
                let ok = b.length_minutes > 0
                    && b.length_minutes % m == 0
                    && b.window_start_minutes % m == 0
                    && b.window_end_minutes % m == 0
                    && u64::from(b.window_start_minutes) + u64::from(b.length_minutes)
                        <= u64::from(b.window_end_minutes)
                    && b.window_end_minutes <= t.length_minutes;
                if !ok {
                    return invalid(
                        format!("{at}.breaks[{k}]"),
                        format!(
                            "template {}: break rule must be on the interval grid and inside the shift",
                            t.id
                        ),
                    );
                }
            }
        }
        for (i, a) in self.agents.iter().enumerate() {
            let at = format!("agents[{i}]");
            parse_zone(&format!("{at}.zone"), &a.id, &a.zone)?;
            if !ids.insert(("a", a.id.as_str())) {
                return invalid(format!("{at}.id"), format!("duplicate agent id {}", a.id));
            }
            if a.languages.is_empty() || a.languages.iter().any(|l| l.trim().is_empty()) {
                return invalid(
                    format!("{at}.languages"),
                    format!("agent {}: name at least one language, none empty", a.id),
                );
            }
            check_contract(&format!("{at}.contract"), &a.id, &a.contract)?;
            let pr = &a.preferences;
            let weights = [pr.start_weight, pr.days_on_weight, pr.days_off_weight];
            if weights
                .iter()
                .any(|v| !(0.0..=MAX_SOLVER_WEIGHT).contains(v))
            {
                return invalid(
                    format!("{at}.preferences"),
                    format!(
                        "agent {}: preference weights must be >= 0 and <= {MAX_SOLVER_WEIGHT}",
                        a.id
                    ),
                );
            }
            if let Some(ts) = &a.templates {
                if let Some(bad) = ts
                    .iter()
                    .find(|t| !self.templates.iter().any(|x| &x.id == *t))
                {
                    return invalid(
                        format!("{at}.templates"),
                        format!("agent {}: unknown template {bad}", a.id),
                    );
                }
            }
        }
        for (i, s) in self.pinned.iter().enumerate() {
            let at = format!("pinned[{i}]");
            if !self.agents.iter().any(|a| a.id == s.agent_id) {
                return invalid(
                    format!("{at}.agent_id"),
                    format!("pinned shift for unknown agent {}", s.agent_id),
                );
            }
            let off = (s.start - p.start).num_minutes();
            let len = (s.end - s.start).num_minutes();
            if len <= 0
                || off < 0
                || off % step != 0
                || len % step != 0
                || off + len > n as i64 * step
            {
                return invalid(
                    at,
                    format!(
                        "pinned shift of {} must lie on the grid inside the period",
                        s.agent_id
                    ),
                );
            }
        }
        for (i, s) in self.history.iter().enumerate() {
            let at = format!("history[{i}]");
            if !self.agents.iter().any(|a| a.id == s.agent_id) {
                return invalid(
                    format!("{at}.agent_id"),
                    format!("history shift for unknown agent {}", s.agent_id),
                );
            }
            if s.end <= s.start || s.start >= p.start {
                return invalid(
                    at,
                    format!(
                        "history shift of {} must start before the period and end after it starts",
                        s.agent_id
                    ),
                );
            }
        }
        let period_end = p.start + chrono::Duration::minutes(n as i64 * step);
        for (i, s) in self.held.iter().enumerate() {
            let at = format!("held[{i}]");
            if !self.agents.iter().any(|a| a.id == s.agent_id) {
                return invalid(
                    format!("{at}.agent_id"),
                    format!("held shift for unknown agent {}", s.agent_id),
                );
            }
            if s.start < p.start || s.start >= period_end {
                return invalid(
                    format!("{at}.start"),
                    format!("held shift of {} must start inside the period", s.agent_id),
                );
            }
            if s.end <= s.start || s.end - s.start > chrono::Duration::hours(MAX_HELD_HOURS) {
                return invalid(
                    format!("{at}.end"),
                    format!(
                        "held shift of {} must end after it starts and last at most {MAX_HELD_HOURS} h",
                        s.agent_id
                    ),
                );
            }
        }
        self.weights.check()
    }
}

/// The longest shift an agent can hold elsewhere: a day.
const MAX_HELD_HOURS: i64 = 24;

/// A contract's values must be ones a week can hold; that they contradict each other or the
/// agent's availability is no error (it becomes a diagnostic).
fn check_contract(at: &str, agent: &str, c: &Contract) -> Result<(), ScheduleError> {
    let hours = [
        ("min_hours_per_week", c.min_hours_per_week),
        ("max_hours_per_week", c.max_hours_per_week),
        ("min_rest_hours", c.min_rest_hours),
    ];
    if let Some((name, _)) = hours
        .iter()
        .find(|(_, v)| !(0.0..=HOURS_PER_WEEK).contains(v))
    {
        return invalid(
            format!("{at}.{name}"),
            format!("agent {agent}: contract hours must be >= 0 and <= {HOURS_PER_WEEK}"),
        );
    }
    // Two shifts a day at most (with no rest rule), as many days in a row as two weeks hold.
    let counts = [
        ("max_shifts_per_week", c.max_shifts_per_week, 0..=14),
        ("max_consecutive_days", c.max_consecutive_days, 1..=14),
        (
            "min_consecutive_days_off",
            c.min_consecutive_days_off,
            0..=13,
        ),
        ("max_weekends", c.max_weekends, 0..=6),
    ];
    if let Some((name, _, range)) = counts.iter().find(|(_, v, r)| !r.contains(v)) {
        return invalid(
            format!("{at}.{name}"),
            format!(
                "agent {agent}: contract {name} must be {} to {}",
                range.start(),
                range.end()
            ),
        );
    }
    Ok(())
}
