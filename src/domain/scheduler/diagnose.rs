//! Diagnostics: contradictory hard rules (named per agent and rule) and the
//! cause of every understaffed or floor-missing queue time range.

use super::assemble::Final;
use super::greedy::Plan;
use super::grid::Inst;
use super::roster::{Diagnostic, ShortfallReason};

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

pub(crate) fn shortfall_diagnostics(inst: &Inst, plan: &Plan, fin: &Final) -> Vec<Diagnostic> {
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
                    let c = fin.cov[q][t];
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
                        } else if quals
                            .iter()
                            .any(|&a| extendable[a][t] && !fin.shares[a].contains_key(&t))
                        {
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
