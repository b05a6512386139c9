//! Diagnostics: contradictory hard rules (named per agent and rule) and the
//! cause of every understaffed or floor-missing queue time range, for a solved
//! roster and again for a hand-edited one ([`after_edit`]).

use super::greedy::Plan;
use super::grid::{self, Inst};
use super::problem::{Problem, ScheduleError};
use super::roster::{Diagnostic, Roster, ShiftOut, ShortfallReason};
use std::collections::BTreeSet;

pub(crate) fn contract_diagnostics(inst: &Inst, plan: &Plan) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (ai, a) in inst.p.agents.iter().enumerate() {
        let g = &inst.groups[inst.group_of[ai]];
        if g.options.is_empty() && !inst.pinned.iter().any(|s| s.agent == ai) {
            out.push(Diagnostic::NoShiftOptions {
                agent_id: a.id.clone(),
            });
        }
        let c = &a.contract;
        for w in 0..inst.weeks {
            let hours = plan.states[ai].week_hours(w);
            if !inst.agents[ai].min_attainable[w] {
                let mut best: Vec<f64> = g
                    .by_day
                    .values()
                    .filter_map(|os| {
                        os.iter()
                            .filter(|&&o| g.options[o].week == w)
                            .map(|&o| inst.hours(g.options[o].len_t))
                            .reduce(f64::max)
                    })
                    .collect();
                best.sort_by(|x, y| y.total_cmp(x));
                // Folded from +0.0: an empty float sum is -0.0, which would reach the JSON.
                let reach = best
                    .iter()
                    .take(c.max_shifts_per_week as usize)
                    .fold(0.0, |sum, h| sum + h)
                    .min(c.max_hours_per_week);
                out.push(Diagnostic::MinHoursUnattainable {
                    agent_id: a.id.clone(),
                    week: w as u32,
                    min_hours: c.min_hours_per_week,
                    reachable_hours: reach,
                });
            } else if hours + 1e-9 < c.min_hours_per_week {
                out.push(Diagnostic::MinHoursNotMet {
                    agent_id: a.id.clone(),
                    week: w as u32,
                    min_hours: c.min_hours_per_week,
                    hours,
                });
            }
        }
    }
    out
}

/// Every open queue time range short of its requirement or floor, with its cause. `cov` is the
/// roster's coverage per queue and interval; `working(agent, t)` says whether the agent is at
/// work (not on a break) at interval `t`.
pub(crate) fn shortfall_diagnostics(
    inst: &Inst,
    plan: &Plan,
    cov: &[Vec<f64>],
    working: &dyn Fn(usize, usize) -> bool,
) -> Vec<Diagnostic> {
    // Per agent: intervals an extra shift could still cover within all rules.
    let extendable: Vec<Vec<bool>> = (0..inst.agents.len())
        .map(|ai| {
            let g = &inst.groups[inst.group_of[ai]];
            let mut m = vec![false; inst.n];
            for (o, opt) in g.options.iter().enumerate() {
                if plan.can_take(inst, ai, o) {
                    m[opt.start_t..opt.start_t + opt.len_t]
                        .iter_mut()
                        .for_each(|v| *v = true);
                }
            }
            m
        })
        .collect();
    let mut out = Vec::new();
    for (q, qq) in inst.p.queues.iter().enumerate() {
        let mut cur: Option<(usize, usize, ShortfallReason, bool, f64)> = None;
        #[allow(clippy::needless_range_loop)] // t == n closes the last range
        for t in 0..=inst.n {
            let item = (t < inst.n && inst.open[q][t])
                .then(|| {
                    let c = cov[q][t];
                    let short = (qq.required[t] - c).max(0.0);
                    let floor_missed = c + 1e-6 < f64::from(qq.floor);
                    (short > 1e-6 || floor_missed).then(|| {
                        let quals: Vec<usize> = (0..inst.agents.len())
                            .filter(|&a| {
                                inst.agents[a].quals.contains(&q) && inst.agents[a].avail[t]
                            })
                            .collect();
                        let reason = if quals.is_empty() {
                            ShortfallReason::NoQualifiedAgentAvailable
                        } else if quals.iter().any(|&a| extendable[a][t] && !working(a, t)) {
                            ShortfallReason::NotCostEffective
                        } else {
                            ShortfallReason::QualifiedAgentsAtContractOrRestLimits
                        };
                        (reason, floor_missed, short.max(f64::from(qq.floor) - c))
                    })
                })
                .flatten();
            match (&mut cur, item) {
                (Some(c), Some((r, f, s))) if c.2 == r && c.3 == f => {
                    c.1 = t + 1;
                    c.4 = c.4.max(s);
                }
                (_, item) => {
                    if let Some((a, z, r, f, s)) = cur.take() {
                        out.push(Diagnostic::Understaffed {
                            queue_id: qq.id.clone(),
                            start_utc: inst.time(a),
                            end_utc: inst.time(z),
                            reason: r,
                            floor_missed: f,
                            max_shortfall: (s * 1e6).round() / 1e6,
                        });
                    }
                    cur = item.map(|(r, f, s)| (t, t + 1, r, f, s));
                }
            }
        }
    }
    out
}

/// The diagnostics of a hand-edited `roster` of `p`: its understaffed ranges and missed contract
/// minimums judged anew from its shifts, each range's cause by what the agents could still take
/// beside the shifts they have. What the solve found about the rules themselves (minimums out of
/// reach, agents without a shift option) and its own notes are kept as they were.
pub(crate) fn after_edit(p: &Problem, roster: &Roster) -> Result<Vec<Diagnostic>, ScheduleError> {
    // Every shift of the roster held fixed: the plan then holds exactly the roster, and an agent
    // "can take" only shifts that fit beside it under every rule.
    let fixed = Problem {
        pinned: roster.shifts.iter().map(ShiftOut::as_pinned).collect(),
        ..p.clone()
    };
    let inst = grid::prepare(&fixed, true)?;
    let plan = Plan::new(&inst);
    let mut at_work = vec![vec![false; inst.n]; inst.agents.len()];
    for s in &inst.pinned {
        let end = (s.start_t + s.len_t).min(inst.n);
        for (t, slot) in at_work[s.agent]
            .iter_mut()
            .enumerate()
            .take(end)
            .skip(s.start_t)
        {
            if !s.breaks.iter().any(|&(a, b)| a <= t && t < b) {
                *slot = true;
            }
        }
    }
    let unattainable: BTreeSet<(&str, u32)> = roster
        .diagnostics
        .iter()
        .filter_map(|d| match d {
            Diagnostic::MinHoursUnattainable { agent_id, week, .. } => {
                Some((agent_id.as_str(), *week))
            }
            _ => None,
        })
        .collect();
    let (about_rules, notes): (Vec<Diagnostic>, Vec<Diagnostic>) = roster
        .diagnostics
        .iter()
        .filter(|d| {
            !matches!(
                d,
                Diagnostic::Understaffed { .. } | Diagnostic::MinHoursNotMet { .. }
            )
        })
        .cloned()
        .partition(|d| {
            matches!(
                d,
                Diagnostic::MinHoursUnattainable { .. } | Diagnostic::NoShiftOptions { .. }
            )
        });
    let mut out = about_rules;
    for (ai, a) in p.agents.iter().enumerate() {
        let min_hours = a.contract.min_hours_per_week;
        for w in 0..inst.weeks {
            let hours = plan.states[ai].week_hours(w);
            if hours + 1e-9 < min_hours && !unattainable.contains(&(a.id.as_str(), w as u32)) {
                out.push(Diagnostic::MinHoursNotMet {
                    agent_id: a.id.clone(),
                    week: w as u32,
                    min_hours,
                    hours,
                });
            }
        }
    }
    let cov = super::recompute::scheduled(p, &roster.shifts);
    out.extend(shortfall_diagnostics(&inst, &plan, &cov, &|a, t| {
        at_work[a][t]
    }));
    out.extend(notes);
    Ok(out)
}
