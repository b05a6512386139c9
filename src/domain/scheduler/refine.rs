//! Coverage-aware refinement of a finished roster (large-neighbourhood search).
//!
//! The group MIP only relaxes each member's rules, so splitting its counts among
//! agents loses coverage: shifts no member can take, minimums a member misses.
//! Here a few agents at a time are freed while everyone else keeps their shifts,
//! and the freed agents are re-solved exactly: the same MIP over one-agent groups
//! (every per-agent rule exact, breaks chosen by the model) against the coverage
//! the others already give. The current shifts are the warm start, so a step can
//! only keep or lower the roster's objective; a step is kept only when the
//! assembled roster is really cheaper.
//!
//! Neighbourhoods: first the agents below a contract minimum they could reach (even
//! when the roster is already within the gap), then the agents of the groups the
//! split left in trouble, then per queue (most costly mismatch first) the qualified
//! agents who can reach its shortfall, in windows that move on every pass. It stops when its budget is spent, when
//! the roster is within the requested gap of the bound, or after a pass without
//! improvement.

use super::assemble::{assemble, Final};
use super::budget::Budget;
use super::greedy::{penalty, Plan};
use super::grid::{Group, Inst};
use super::model;
use super::staged;
use super::SolveOptions;
use std::collections::BTreeSet;

/// Agents freed at once: large enough for shifts to move between agents of
/// different groups, small enough for HiGHS to close the sub-MIP in a second or two.
const NEIGHBOURHOOD: usize = 15;

/// What refinement did, for the roster's diagnostics.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Stats {
    pub steps: u32,
    pub improved: u32,
}

/// Improve `best` within `budget` or until it is within `opts.mip_gap` of `bound`.
pub(crate) fn refine(
    inst: &Inst,
    opts: &SolveOptions,
    mut best: (Plan, Final),
    bound: f64,
    troubled: &[usize],
    budget: &Budget,
) -> ((Plan, Final), Stats) {
    let mut stats = Stats::default();
    // A contract minimum the agent could reach is a promise, not a cost to trade
    // against the gap: such agents are re-solved even when the roster is close enough.
    for chunk in below_minimum(inst, &best.0).chunks(NEIGHBOURHOOD) {
        if budget.over() {
            return (best, stats);
        }
        step(inst, opts, &mut best, chunk, budget, &mut stats);
    }
    let done = |fin: &Final| staged::relative_gap(fin.objective, bound) <= opts.mip_gap;
    let mut first: Vec<usize> = troubled.to_vec();
    first.sort_unstable();
    first.dedup();
    for chunk in first.chunks(NEIGHBOURHOOD) {
        if done(&best.1) || budget.over() {
            return (best, stats);
        }
        step(inst, opts, &mut best, chunk, budget, &mut stats);
    }
    for pass in 0.. {
        let before = stats.improved;
        for q in queues_by_mismatch(inst, &best.1) {
            if done(&best.1) || budget.over() {
                return (best, stats);
            }
            let free = window(inst, &best.1, q, pass);
            if !free.is_empty() {
                step(inst, opts, &mut best, &free, budget, &mut stats);
            }
        }
        if stats.improved == before {
            break;
        }
    }
    (best, stats)
}

/// Agents below a weekly contract minimum they could reach.
fn below_minimum(inst: &Inst, plan: &Plan) -> Vec<usize> {
    (0..inst.agents.len())
        .filter(|&a| {
            let min = inst.p.agents[a].contract.min_hours_per_week;
            (0..inst.weeks).any(|w| {
                inst.agents[a].min_attainable[w] && plan.states[a].week_hours(w) + 1e-9 < min
            })
        })
        .collect()
}

/// Open queues, highest under- and over-coverage cost first.
fn queues_by_mismatch(inst: &Inst, fin: &Final) -> Vec<usize> {
    let w = &inst.p.weights;
    let mut cost: Vec<(usize, f64)> = inst
        .p
        .queues
        .iter()
        .enumerate()
        .map(|(q, qq)| {
            let c: f64 = (0..inst.n)
                .filter(|&t| inst.open[q][t])
                .map(|t| penalty(w, qq.required[t], f64::from(qq.floor), fin.cov[q][t]))
                .sum();
            (q, c)
        })
        .filter(|&(_, c)| c > 1e-9)
        .collect();
    cost.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    cost.into_iter().map(|(q, _)| q).collect()
}

/// Agents qualified for `q`, ranked by how much of its shortfall their availability
/// reaches; pass `k` takes the k-th window of that ranking (wrapping).
fn window(inst: &Inst, fin: &Final, q: usize, pass: usize) -> Vec<usize> {
    let qq = &inst.p.queues[q];
    let short: Vec<f64> = (0..inst.n)
        .map(|t| {
            if inst.open[q][t] {
                (qq.required[t].max(f64::from(qq.floor)) - fin.cov[q][t]).max(0.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut ranked: Vec<(usize, f64)> = (0..inst.agents.len())
        .filter(|&a| {
            inst.agents[a].quals.contains(&q) && !inst.groups[inst.group_of[a]].options.is_empty()
        })
        .map(|a| {
            let reach: f64 = inst.agents[a]
                .avail
                .iter()
                .zip(&short)
                .filter(|(on, _)| **on)
                .map(|(_, s)| s)
                .sum();
            (a, reach)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    if ranked.len() <= NEIGHBOURHOOD {
        return ranked.into_iter().map(|(a, _)| a).collect();
    }
    let offset = (pass * NEIGHBOURHOOD) % ranked.len();
    let mut free: Vec<usize> = ranked
        .iter()
        .cycle()
        .skip(offset)
        .take(NEIGHBOURHOOD)
        .map(|&(a, _)| a)
        .collect();
    free.sort_unstable();
    free
}

/// Re-solve the agents in `free` against everyone else's coverage; keep the result
/// if the assembled roster is cheaper.
fn step(
    inst: &Inst,
    opts: &SolveOptions,
    best: &mut (Plan, Final),
    free: &[usize],
    budget: &Budget,
    stats: &mut Stats,
) {
    let (plan, fin) = (&best.0, &best.1);
    let freed: BTreeSet<usize> = free.iter().copied().collect();
    let mut others = fin.cov.clone();
    for &a in free {
        for (&t, split) in &fin.shares[a] {
            for &(q, f) in split {
                others[q][t] -= f;
            }
        }
    }
    let groups: Vec<Group> = free
        .iter()
        .map(|&a| {
            let g = &inst.groups[inst.group_of[a]];
            Group {
                members: vec![a],
                options: g.options.clone(),
                by_day: g.by_day.clone(),
            }
        })
        .collect();
    let (b, cols) = model::build(inst, &groups, plan, fin, Some(&others));
    let left = budget.left();
    let slice = budget.share(1.0 / 6.0, 1.0);
    if !staged::root_lp_fits(&slice, b.size()) {
        return;
    }
    stats.steps += 1;
    let sub = SolveOptions {
        mip_gap: 1e-3,
        verbose: false,
        ..opts.clone()
    };
    let Ok(Some(improved)) = staged::from_warm_start(b, &sub, &slice, None) else {
        return;
    };
    let cand = model::decode(&improved.cols, &cols, &groups);
    let mut next = Plan::new(inst);
    for a in (0..inst.agents.len()).filter(|a| !freed.contains(a)) {
        for pk in &plan.picks[a] {
            next.take_at(inst, a, pk.opt, pk.break_at);
        }
    }
    for (i, &a) in free.iter().enumerate() {
        let g = &groups[i];
        let mut chosen: Vec<usize> = (0..g.options.len()).filter(|&o| cand.y[i][o] > 0).collect();
        chosen.sort_by_key(|&o| g.options[o].start_t);
        for o in chosen {
            if !next.can_take(inst, a, o) {
                // The one-agent rows are exact; this only guards against solver noise.
                return;
            }
            let slot = g.options[o].brk.and_then(|span| {
                let counts = cand.breaks[i].get(o)?;
                counts.iter().position(|&c| c > 0).map(|k| span.first + k)
            });
            next.take_at(inst, a, o, slot);
        }
    }
    let Ok(next_fin) = assemble(inst, &next) else {
        return;
    };
    if opts.verbose {
        eprintln!(
            "refine: {} agents, model {:.1} from {:.1}, roster {:.1} -> {:.1}, {left:.2} left",
            free.len(),
            improved.objective,
            improved.warm_objective,
            fin.objective,
            next_fin.objective,
        );
    }
    if next_fin.objective < fin.objective - 1e-6 {
        stats.improved += 1;
        *best = (next, next_fin);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::*;
    use super::super::{grid, Problem};
    use super::*;
    use std::time::{Duration, Instant};

    /// Three identical agents, two needed 09-17 every day, 8-h shifts only.
    fn two_a_day() -> Problem {
        let q = queue("en", "en", 336, |i| {
            if (9.0..17.0).contains(&dh(i).1) {
                2.0
            } else {
                0.0
            }
        });
        let agents = (0..3)
            .map(|k| agent(&format!("a{k}"), "UTC", &["en"], &WEEK, hm(9, 0), hm(17, 0)))
            .collect();
        let mut p = problem(
            "2026-03-23T00:00:00Z",
            vec![q],
            agents,
            vec![template("8h", 8, 60)],
        );
        p.weights.fairness = 0.0;
        p
    }

    /// The empty roster (pinned shifts only), assembled.
    fn empty_roster(inst: &Inst) -> (Plan, Final) {
        let empty = Plan::new(inst);
        let fin = assemble(inst, &empty).unwrap_or_else(|e| panic!("{e}"));
        (empty, fin)
    }

    /// Thirty seconds from now: far more than these instances need.
    fn ample() -> Budget {
        Budget::timed(Instant::now() + Duration::from_secs(30))
    }

    #[test]
    fn an_empty_roster_is_rebuilt_to_the_optimum() {
        let p = two_a_day();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let (empty, fin) = empty_roster(&inst);
        // 14 agent-days of 8 h missing, 100 per agent-hour for the first agent, 200 for the second.
        assert_eq!(fin.objective, 7.0 * 8.0 * 300.0);
        let opts = SolveOptions {
            mip_gap: 0.0,
            ..Default::default()
        };
        let ((plan, fin), stats) = refine(&inst, &opts, (empty, fin), 112.0, &[0, 1, 2], &ample());
        // Fourteen 8-h shifts: paid hours only, every agent within five shifts.
        assert_eq!(fin.objective, 112.0);
        assert!(stats.improved >= 1);
        assert!(plan.picks.iter().all(|p| p.len() <= 5));
        assert_eq!(plan.picks.iter().map(Vec::len).sum::<usize>(), 14);
    }

    #[test]
    fn a_reachable_contract_minimum_is_met_even_within_the_gap() {
        let mut p = two_a_day();
        p.agents[0].contract.min_hours_per_week = 40.0;
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let (empty, fin) = empty_roster(&inst);
        let before = fin.objective;
        // The bound equals the objective: only the minimum makes refinement work.
        let opts = SolveOptions::default();
        let ((plan, fin), stats) = refine(&inst, &opts, (empty, fin), before, &[], &ample());
        assert_eq!(stats.steps, 1);
        assert_eq!(plan.states[0].week_hours(0), 40.0);
        assert!(fin.objective < before);
    }

    #[test]
    fn a_roster_already_at_the_bound_is_left_alone() {
        let p = two_a_day();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let (empty, fin) = empty_roster(&inst);
        let before = fin.objective;
        let opts = SolveOptions::default();
        let ((_, fin), stats) = refine(&inst, &opts, (empty, fin), before, &[0], &ample());
        assert_eq!(stats, Stats::default());
        assert_eq!(fin.objective, before);
    }
}
