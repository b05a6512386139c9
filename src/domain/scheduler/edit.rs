//! Hand edits of a solved roster: move, add or remove a shift, lock and unlock shifts.
//!
//! An edited shift follows a template (length, start grid, breaks: kept at a moved shift's offsets,
//! otherwise placed where the agent is least needed in each window), its time is split among the open
//! queues the agent speaks by what each still needs (counted once, like the solver does: the deepest
//! shortfall first, time beyond every need spread evenly), and the whole roster is checked by the
//! independent validator against the problem it was solved for. Violations of the edited agent's hard
//! rules reject the edit; coverage effects (a floor no longer met) are reported, not refused, since a
//! manager may knowingly trade them. Locked shifts become pinned in the problem, so a re-solve keeps them.

use super::problem::{Agent, PinnedShift, Problem, ShiftTemplate};
use super::recompute::{recompute, scheduled};
use super::roster::{BreakOut, QueueShare, Roster, ShiftInterval, ShiftOut};
use super::validate::{validate, Violation};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// One change a manager makes.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Moves shift `index` to `start`, optionally onto another template.
    Move {
        index: usize,
        start: DateTime<Utc>,
        template_id: Option<String>,
    },
    Add {
        agent_id: String,
        start: DateTime<Utc>,
        template_id: String,
    },
    Remove {
        index: usize,
    },
    Lock {
        index: usize,
    },
    Unlock {
        index: usize,
    },
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("the roster has no shift {0}")]
    NoSuchShift(usize),
    #[error("unknown agent {0}")]
    UnknownAgent(String),
    #[error("unknown shift template {0}")]
    UnknownTemplate(String),
    #[error("shift {0} is locked; unlock it first")]
    Locked(usize),
    #[error("the edit breaks {} hard rule(s)", .0.len())]
    Rules(Vec<Violation>),
}

/// Coverage before and after an edit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct CoverageChange {
    pub coverage_pct_before: f64,
    pub coverage_pct_after: f64,
    pub intervals_understaffed_before: u32,
    pub intervals_understaffed_after: u32,
    pub shortfall_agent_hours_before: f64,
    pub shortfall_agent_hours_after: f64,
    /// The roster's objective before and after (the solver's terms: what the edit costs or saves).
    pub objective_before: f64,
    pub objective_after: f64,
    /// Every queue interval whose scheduled agents changed.
    pub intervals: Vec<IntervalChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct IntervalChange {
    pub queue_id: String,
    pub start_utc: DateTime<Utc>,
    pub required: f64,
    pub scheduled_before: f64,
    pub scheduled_after: f64,
}

/// An accepted edit.
#[derive(Debug, Clone)]
pub struct Edited {
    pub roster: Roster,
    /// The problem's pinned shifts after the edit (locks).
    pub pinned: Vec<PinnedShift>,
    pub change: CoverageChange,
    /// Rules the edit leaves broken that are not the edited agent's own (e.g. a floor now missed).
    pub warnings: Vec<Violation>,
}

fn template<'a>(p: &'a Problem, id: &str) -> Result<&'a ShiftTemplate, EditError> {
    p.templates
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| EditError::UnknownTemplate(id.to_string()))
}

fn agent<'a>(p: &'a Problem, id: &str) -> Result<(&'a Agent, Tz), EditError> {
    let a = p
        .agents
        .iter()
        .find(|a| a.id == id)
        .ok_or_else(|| EditError::UnknownAgent(id.to_string()))?;
    let tz = a
        .zone
        .parse::<Tz>()
        .map_err(|_| EditError::UnknownAgent(id.to_string()))?;
    Ok((a, tz))
}

/// Scheduled agents per queue and interval, leaving out shift `skip` (the one being moved).
fn coverage_without(p: &Problem, roster: &Roster, skip: Option<usize>) -> Vec<Vec<f64>> {
    let others = roster
        .shifts
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != skip)
        .map(|(_, s)| s);
    scheduled(p, others)
}

/// One agent's time split among queues that are `needs` agents short (zero or less: covered):
/// the deepest shortfalls are levelled first, as the convex shortfall penalty wants, and time
/// beyond every shortfall is spread evenly, since over-coverage costs the same everywhere.
pub(crate) fn split_by_need(needs: &[f64]) -> Vec<f64> {
    let n = needs.len();
    let positive: f64 = needs.iter().map(|d| d.max(0.0)).sum();
    if positive <= 1.0 {
        let rest = (1.0 - positive) / n.max(1) as f64;
        return needs.iter().map(|d| d.max(0.0) + rest).collect();
    }
    // Water level L with sum(max(0, need - L)) = 1: the k deepest needs above it give
    // L = (their sum - 1) / k, the first k for which L is not below the next need.
    let mut sorted: Vec<f64> = needs.iter().map(|d| d.max(0.0)).collect();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut sum = 0.0;
    let mut level = 0.0;
    for (k, d) in sorted.iter().enumerate() {
        sum += d;
        level = (sum - 1.0) / (k + 1) as f64;
        if level >= sorted.get(k + 1).copied().unwrap_or(0.0) {
            break;
        }
    }
    needs.iter().map(|d| (d - level).max(0.0)).collect()
}

/// A shift of `tpl` for `a` from `start`: breaks at the old shift's offsets when they still fit the
/// template, otherwise where in each break window the agent is least needed; at each interval the
/// agent's time goes to the open queues they speak by what each still needs beyond `others` (the
/// scheduled agents of the rest of the roster, per queue and interval).
fn build_shift(
    p: &Problem,
    others: &[Vec<f64>],
    a: &Agent,
    tz: Tz,
    tpl: &ShiftTemplate,
    start: DateTime<Utc>,
    old: Option<&ShiftOut>,
) -> ShiftOut {
    let end = start + Duration::minutes(i64::from(tpl.length_minutes));
    let same_template = old.is_some_and(|o| o.template_id.as_deref() == Some(tpl.id.as_str()));
    let step = i64::from(p.period.interval_minutes.max(1));
    let index_of = |t: DateTime<Utc>| usize::try_from((t - p.period.start).num_minutes() / step);
    // Agents still wanted per open queue the agent speaks, beside the rest of the roster.
    let needs_at = |index: usize| -> (Vec<usize>, Vec<f64>) {
        let queues: Vec<usize> = (0..p.queues.len())
            .filter(|&q| a.languages.contains(&p.queues[q].language))
            .filter(|&q| {
                p.queues[q]
                    .open
                    .as_ref()
                    .is_none_or(|o| o.get(index).copied().unwrap_or(false))
            })
            .collect();
        let needs = queues
            .iter()
            .map(|&q| {
                let queue = &p.queues[q];
                let wanted = queue.required.get(index).copied().unwrap_or(0.0);
                let scheduled = others[q].get(index).copied().unwrap_or(0.0);
                wanted.max(f64::from(queue.floor)) - scheduled
            })
            .collect();
        (queues, needs)
    };
    // How much a break from `offset` for `minutes` leaves short: the deepest need of the
    // agent's queues at each interval it covers.
    let missed = |offset: i64, minutes: i64| -> f64 {
        (0..minutes / step)
            .filter_map(|k| index_of(start + Duration::minutes(offset + k * step)).ok())
            .map(|index| needs_at(index).1.into_iter().fold(0.0, f64::max))
            .sum()
    };
    let breaks: Vec<(DateTime<Utc>, DateTime<Utc>)> = tpl
        .breaks
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let kept = old
                .filter(|_| same_template)
                .and_then(|o| o.breaks.get(i))
                .map(|b| (b.start_utc - o_start(old)).num_minutes());
            let length = i64::from(rule.length_minutes);
            let middle = (i64::from(rule.window_start_minutes)
                + i64::from(rule.window_end_minutes)
                - length)
                / 2;
            // Where the agent is least needed, staggered against the requirement like the
            // solver's breaks; nearest the window's middle among equals.
            let first = (i64::from(rule.window_start_minutes) + step - 1) / step * step;
            let last = i64::from(rule.window_end_minutes) - length;
            let least_needed = (first..=last)
                .step_by(step as usize)
                .map(|o| (missed(o, length), (o - middle).abs(), o))
                .min_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)))
                .map(|(_, _, o)| o);
            let offset = kept.or(least_needed).unwrap_or(middle / step * step);
            let b = start + Duration::minutes(offset);
            (b, b + Duration::minutes(length))
        })
        .collect();
    let mut intervals = Vec::new();
    let mut t = start;
    while t < end {
        let on_break = breaks.iter().any(|(b, e)| *b <= t && t < *e);
        let (queues, needs) = match index_of(t) {
            Ok(index) if !on_break => needs_at(index),
            _ => (Vec::new(), Vec::new()),
        };
        intervals.push(ShiftInterval {
            start_utc: t,
            serving: queues
                .iter()
                .zip(split_by_need(&needs))
                .filter(|&(_, share)| share > 0.0)
                .map(|(&q, share)| QueueShare {
                    queue_id: p.queues[q].id.clone(),
                    share,
                })
                .collect(),
        });
        t += Duration::minutes(step);
    }
    ShiftOut {
        agent_id: a.id.clone(),
        zone: a.zone.clone(),
        template_id: Some(tpl.id.clone()),
        pinned: false,
        start_utc: start,
        end_utc: end,
        start_local: start.with_timezone(&tz).fixed_offset(),
        end_local: end.with_timezone(&tz).fixed_offset(),
        breaks: breaks
            .into_iter()
            .map(|(b, e)| BreakOut {
                start_utc: b,
                end_utc: e,
                start_local: b.with_timezone(&tz).fixed_offset(),
                end_local: e.with_timezone(&tz).fixed_offset(),
            })
            .collect(),
        intervals,
    }
}

fn o_start(old: Option<&ShiftOut>) -> DateTime<Utc> {
    old.map(|o| o.start_utc).unwrap_or_default()
}

/// Applies `edit` to `roster`, solved for `problem` (whose `pinned` holds the current locks).
pub fn apply(problem: &Problem, roster: &Roster, edit: &Edit) -> Result<Edited, EditError> {
    let mut next = roster.clone();
    let mut pinned = problem.pinned.clone();
    let get = |i: usize| roster.shifts.get(i).ok_or(EditError::NoSuchShift(i));
    let affected: String = match edit {
        Edit::Move {
            index,
            start,
            template_id,
        } => {
            let old = get(*index)?;
            if old.pinned {
                return Err(EditError::Locked(*index));
            }
            let (a, tz) = agent(problem, &old.agent_id)?;
            let tpl_id = template_id
                .clone()
                .or_else(|| old.template_id.clone())
                .unwrap_or_default();
            let tpl = template(problem, &tpl_id)?;
            let others = coverage_without(problem, roster, Some(*index));
            next.shifts[*index] = build_shift(problem, &others, a, tz, tpl, *start, Some(old));
            old.agent_id.clone()
        }
        Edit::Add {
            agent_id,
            start,
            template_id,
        } => {
            let (a, tz) = agent(problem, agent_id)?;
            let tpl = template(problem, template_id)?;
            let others = coverage_without(problem, roster, None);
            next.shifts
                .push(build_shift(problem, &others, a, tz, tpl, *start, None));
            agent_id.clone()
        }
        Edit::Remove { index } => {
            let old = get(*index)?;
            if old.pinned {
                return Err(EditError::Locked(*index));
            }
            next.shifts.remove(*index);
            old.agent_id.clone()
        }
        Edit::Lock { index } => {
            let s = get(*index)?;
            if !s.pinned {
                pinned.push(s.as_pinned());
                next.shifts[*index].pinned = true;
            }
            s.agent_id.clone()
        }
        Edit::Unlock { index } => {
            let s = get(*index)?;
            let pin = s.as_pinned();
            pinned.retain(|x| {
                !(x.agent_id == pin.agent_id && x.start == pin.start && x.end == pin.end)
            });
            next.shifts[*index].pinned = false;
            s.agent_id.clone()
        }
    };
    recompute(problem, &mut next);
    let checked = Problem {
        pinned: pinned.clone(),
        ..problem.clone()
    };
    let (own, others): (Vec<Violation>, Vec<Violation>) = validate(&checked, &next)
        .into_iter()
        .partition(|v| v.agent_id.as_deref() == Some(affected.as_str()));
    if !own.is_empty() {
        return Err(EditError::Rules(own));
    }
    let change = coverage_change(roster, &next);
    let mut warnings = floors_no_longer_met(roster, &next);
    warnings.extend(others);
    Ok(Edited {
        roster: next,
        pinned,
        change,
        warnings,
    })
}

/// Every open queue interval whose staffing floor the edit leaves unmet where it was met before.
/// The edited roster's diagnostics name such a range as understaffed (so the validator has nothing
/// to say about it), but the manager making the edit is told directly: the floor is the promise
/// that a human is always there.
fn floors_no_longer_met(before: &Roster, after: &Roster) -> Vec<Violation> {
    let mut lost = Vec::new();
    for (qb, qa) in before.queues.iter().zip(&after.queues) {
        for (b, a) in qb.intervals.iter().zip(&qa.intervals) {
            if a.open && b.floor_met && !a.floor_met {
                lost.push(Violation {
                    rule: "floor".into(),
                    agent_id: None,
                    queue_id: Some(qa.queue_id.clone()),
                    at: Some(a.start_utc),
                    message: format!(
                        "staffing floor of {} no longer met: {} scheduled",
                        a.floor, a.scheduled
                    ),
                });
            }
        }
    }
    lost
}

fn coverage_change(before: &Roster, after: &Roster) -> CoverageChange {
    let mut intervals = Vec::new();
    for (qb, qa) in before.queues.iter().zip(&after.queues) {
        for (b, a) in qb.intervals.iter().zip(&qa.intervals) {
            if (b.scheduled - a.scheduled).abs() > 1e-6 {
                intervals.push(IntervalChange {
                    queue_id: qa.queue_id.clone(),
                    start_utc: a.start_utc,
                    required: a.required,
                    scheduled_before: b.scheduled,
                    scheduled_after: a.scheduled,
                });
            }
        }
    }
    CoverageChange {
        coverage_pct_before: before.kpis.coverage_pct,
        coverage_pct_after: after.kpis.coverage_pct,
        intervals_understaffed_before: before.kpis.intervals_understaffed,
        intervals_understaffed_after: after.kpis.intervals_understaffed,
        shortfall_agent_hours_before: before.kpis.total_shortfall_agent_hours,
        shortfall_agent_hours_after: after.kpis.total_shortfall_agent_hours,
        objective_before: before.objective,
        objective_after: after.objective,
        intervals,
    }
}
