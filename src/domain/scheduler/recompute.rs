//! Coverage, KPIs and objective of a roster recomputed from its shifts (after a hand edit), by the
//! same definitions the solver's output uses: scheduled agents per queue interval are the shifts'
//! shares, shortfall and over-coverage count open intervals only, a night shift starts before 06:00
//! local or runs past midnight, a weekend is a local Saturday/Sunday pair, and a shift goes against
//! the agent's preferences by its local start time and weekday.

use super::greedy::{fairness_cost, penalty};
use super::grid::{is_night, is_weekend};
use super::options::UNSOCIAL_KINDS;
use super::problem::Problem;
use super::roster::{AgentHours, Diagnostic, Roster, ShiftOut};
use chrono::{Datelike, Duration, Timelike, Weekday};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

fn clean(v: f64) -> f64 {
    if v.abs() < 1e-9 {
        0.0
    } else {
        (v * 1e6).round() / 1e6
    }
}

/// Scheduled agents per queue (in the problem's order) and interval of the period: the sum of
/// `shifts`' shares.
pub(crate) fn scheduled<'a>(
    p: &Problem,
    shifts: impl IntoIterator<Item = &'a ShiftOut>,
) -> Vec<Vec<f64>> {
    let step = i64::from(p.period.interval_minutes.max(1));
    let index: BTreeMap<&str, usize> = p
        .queues
        .iter()
        .enumerate()
        .map(|(q, queue)| (queue.id.as_str(), q))
        .collect();
    let mut cov = vec![vec![0.0; p.interval_count()]; p.queues.len()];
    for s in shifts {
        for iv in &s.intervals {
            let t = (iv.start_utc - p.period.start).num_minutes() / step;
            let Ok(t) = usize::try_from(t) else { continue };
            for share in &iv.serving {
                if let Some(slot) = index
                    .get(share.queue_id.as_str())
                    .and_then(|&q| cov[q].get_mut(t))
                {
                    *slot += share.share;
                }
            }
        }
    }
    cov
}

/// Rewrites `roster.queues` (with each interval's expected service level, for queues with a
/// workload), `roster.kpis`, `roster.objective` and `roster.roster_gap` from `roster.shifts`.
/// The objective prices what the solver's does: each open interval's shortfall, over-coverage and
/// missed floor, paid hours, and for shifts not locked the agents' preferences and the spread of
/// unsocial shifts; contract minimums except those the solve found out of reach. The bound stays
/// valid (no roster within the hard rules costs less); the solve's own figures (model objective,
/// MIP gap) describe the solve and are left as they were. Understaffed ranges and missed contract
/// minimums in `roster.diagnostics` are judged anew (see `diagnose::after_edit`).
pub fn recompute(p: &Problem, roster: &mut Roster) {
    let step = i64::from(p.period.interval_minutes.max(1));
    let hours_per_interval = step as f64 / 60.0;
    let cov = scheduled(p, &roster.shifts);
    let w = &p.weights;
    let (mut req_sum, mut met_sum, mut under, mut short_h, mut over_h) = (0.0, 0.0, 0u32, 0.0, 0.0);
    let mut objective = 0.0;
    for qc in &mut roster.queues {
        let Some((c, queue)) = p
            .queues
            .iter()
            .position(|q| q.id == qc.queue_id)
            .map(|q| (&cov[q], &p.queues[q]))
        else {
            continue;
        };
        for (t, iv) in qc.intervals.iter_mut().enumerate() {
            let sched = clean(c.get(t).copied().unwrap_or(0.0));
            let req = if iv.open { iv.required } else { 0.0 };
            let short = clean((req - sched).max(0.0));
            if iv.open {
                req_sum += req;
                met_sum += sched.min(req);
                short_h += short * hours_per_interval;
                over_h += (sched - req).max(0.0) * hours_per_interval;
                if short > 1e-6 {
                    under += 1;
                }
                objective += hours_per_interval * penalty(w, req, f64::from(iv.floor), sched);
            }
            if queue.workload.is_some() {
                iv.expected_service_level =
                    super::service::of_queue(queue, t, p.period.interval_minutes, iv.open, sched);
            } else if (iv.scheduled - sched).abs() > 1e-9 {
                // A service level the caller set for the old staffing no longer applies.
                iv.expected_service_level = None;
            }
            iv.scheduled = sched;
            iv.shortfall = short;
            iv.floor_met = sched + 1e-6 >= f64::from(iv.floor);
        }
    }
    let weeks = p.period.weeks.max(1) as usize;
    let first_day = p.period.first_date();
    // Minimums the solver found out of reach are not priced (see `MinHoursUnattainable`).
    let unattainable: BTreeSet<(&str, usize)> = roster
        .diagnostics
        .iter()
        .filter_map(|d| match d {
            Diagnostic::MinHoursUnattainable { agent_id, week, .. } => {
                Some((agent_id.as_str(), *week as usize))
            }
            _ => None,
        })
        .collect();
    let mut agents = Vec::new();
    let (mut nights_all, mut weekends_all, mut against_all) = (Vec::new(), Vec::new(), Vec::new());
    for a in &p.agents {
        let tz: Tz = a.zone.parse().unwrap_or(chrono_tz::UTC);
        let mut hours = vec![0.0; weeks];
        let (mut shifts, mut nights, mut against, mut preference_cost) = (0u32, 0u32, 0u32, 0.0);
        let mut weekends = BTreeSet::new();
        // What the objective counts: the solver prices preferences and spreads unsocial
        // shifts for the shifts it placed, not for locked ones (the manager's call).
        let mut unsocial = [0u32; UNSOCIAL_KINDS];
        for s in roster.shifts.iter().filter(|s| s.agent_id == a.id) {
            shifts += 1;
            let local = s.start_utc.with_timezone(&tz);
            let day = local.date_naive();
            let week = ((day - first_day).num_days().max(0) as usize / 7).min(weeks - 1);
            let length = (s.end_utc - s.start_utc).num_minutes();
            hours[week] += length as f64 / 60.0;
            objective += w.paid_hour * length as f64 / 60.0;
            let minute = i64::from(local.num_seconds_from_midnight() / 60);
            let night = is_night(minute, length);
            nights += u32::from(night);
            let cost = a.preferences.cost(local.time(), local.weekday());
            preference_cost += cost * w.preference;
            against += u32::from(cost > 0.0);
            if !s.pinned {
                objective += cost * w.preference;
                let kinds = [
                    night,
                    is_weekend(local.weekday()),
                    cost * w.preference > 0.0,
                ];
                for (n, is) in unsocial.iter_mut().zip(kinds) {
                    *n += u32::from(is);
                }
            }
            match local.weekday() {
                Weekday::Sat => {
                    weekends.insert(day);
                }
                Weekday::Sun => {
                    weekends.insert(day - Duration::days(1));
                }
                _ => {}
            }
        }
        objective += fairness_cost(w, unsocial);
        let held = p.held_hours_per_week(&a.id);
        for (week, h) in hours.iter().enumerate() {
            if !unattainable.contains(&(a.id.as_str(), week)) {
                let worked = h + held.get(week).copied().unwrap_or(0.0);
                objective += w.min_hours * (a.contract.min_hours_per_week - worked).max(0.0);
            }
        }
        if shifts > 0 {
            nights_all.push(nights);
            weekends_all.push(weekends.len() as u32);
            if a.preferences.any() {
                against_all.push(against);
            }
        }
        agents.push(AgentHours {
            agent_id: a.id.clone(),
            hours_per_week: hours,
            held_hours_per_week: held,
            min_hours_per_week: a.contract.min_hours_per_week,
            max_hours_per_week: a.contract.max_hours_per_week,
            shifts,
            nights,
            weekends: weekends.len() as u32,
            preference_cost: clean(preference_cost),
            preference_violations: against,
        });
    }
    let spread = |v: &[u32]| v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0);
    let k = &mut roster.kpis;
    k.coverage_pct = if req_sum > 0.0 {
        clean(100.0 * met_sum / req_sum)
    } else {
        100.0
    };
    k.intervals_understaffed = under;
    k.total_shortfall_agent_hours = clean(short_h);
    k.total_over_agent_hours = clean(over_h);
    k.paid_hours = agents
        .iter()
        .map(|a| a.hours_per_week.iter().sum::<f64>())
        .sum();
    k.nights_spread = spread(&nights_all);
    k.weekends_spread = spread(&weekends_all);
    k.preference_violations_spread = spread(&against_all);
    k.agents = agents;
    roster.objective = clean(objective);
    roster.roster_gap = roster
        .bound
        .map(|b| clean(((objective - b) / objective.abs().max(1e-9)).max(0.0)));
    // A roster whose shifts do not fit the problem's grid cannot be judged anew; its edit is
    // refused by the rule check anyway, so the diagnostics it had are left.
    if let Ok(diagnostics) = super::diagnose::after_edit(p, roster) {
        roster.diagnostics = diagnostics;
    }
}
