//! The MIP over groups of identical agents.
//!
//! * `y[g,o]` integer in `0..=|g|`: how many members of group `g` work option `o`.
//! * `b[g,o,k]` integer: how many of them take the option's single break at slot `k`
//!   (`sum_k b[g,o,k] = y[g,o]`), so breaks are staggered by the model itself and
//!   its coverage is the roster's. Options of multi-break templates smear theirs.
//! * `x[g,q,t] >= 0`: agent-intervals of group `g` given to queue `q` at `t`;
//!   `sum_q x[g,q,t] = sum_o cov[o,t] y[g,o] + pinned[g,t]`, so a multi-skill agent
//!   is counted once, split among the open queues it serves.
//! * per open `(q,t)`: shortfall segments `u1,u2 in [0,1], u3 >= 0` with increasing
//!   weights (convex piecewise-linear), over-coverage `v`, floor miss `f`.
//! * per group, day and week: at most one shift a day per member, weekly hours and
//!   shifts, rest (one row per (day, end) clique), max consecutive days, min
//!   consecutive days off, weekends worked via `z >= w_sat, z >= w_sun`. These are
//!   exact for singleton groups and valid aggregate relaxations for larger groups;
//!   the exact rules are enforced again when shifts are handed to members.
//! * per group of several members and week: how many members work each set of
//!   days the contract allows inside the week ([`super::patterns`]), linked to the
//!   day's shift count, so day-level rules hold for the hand-out, not just the totals.
//! * attainable weekly minimum hours: soft with a dominant penalty (reported if missed).

use super::assemble::Final;
use super::contract_rows::{add_contract_rows, spread_unsocial, Builder, Counts};
use super::greedy::Plan;
use super::grid::{Group, Inst};
use super::patterns::add_week_patterns;
use good_lp::{variable, Expression, Variable};
use std::collections::BTreeMap;

/// One MIP solution as group counts.
pub(crate) struct Candidate {
    /// Chosen count per group and option.
    pub y: Vec<Vec<u32>>,
    /// Per group and option: how many take the break at each slot of its span
    /// (empty for options without an exact break).
    pub breaks: Vec<Vec<Vec<u32>>>,
}

/// Warm break counts of group `gi`: (option, slot) -> members of the greedy roster
/// taking that option with its break at that slot.
fn warm_break_counts(g: &Group, plan: &Plan, warm_roster: &Final) -> BTreeMap<(usize, usize), f64> {
    let mut out = BTreeMap::new();
    for &m in &g.members {
        for pk in &plan.picks[m] {
            let opt = &g.options[pk.opt];
            let Some(span) = opt.brk else { continue };
            let placed = warm_roster.shifts[m].iter().find(|s| {
                !s.pinned && s.start_t == opt.start_t && s.template == Some(opt.template)
            });
            if let Some(&(b0, _)) = placed.and_then(|s| s.breaks.first()) {
                let slot = b0.saturating_sub(opt.start_t);
                if (span.first..=span.last).contains(&slot) {
                    *out.entry((pk.opt, slot)).or_default() += 1.0;
                }
            }
        }
    }
    out
}

/// HiGHS columns of one group: its `y` per option and its break slots per option.
pub(crate) type GroupCols = (Vec<usize>, Vec<Vec<usize>>);

/// Build the model over `groups` (the instance's, or singletons of some agents).
/// With `fixed` (coverage per queue and interval of every agent outside `groups`)
/// only the intervals the groups can touch get coverage rows, net of `fixed`: the
/// model then re-optimises those agents against what the others already cover.
pub(crate) fn build(
    inst: &Inst,
    groups: &[Group],
    plan: &Plan,
    warm_roster: &Final,
    fixed: Option<&[Vec<f64>]>,
) -> (Builder, Vec<GroupCols>) {
    let w = &inst.p.weights;
    let ih = inst.hours(1);
    let mut b = Builder::new();
    let mut ys: Vec<GroupCols> = Vec::with_capacity(groups.len());
    let mut covq: Vec<BTreeMap<usize, Expression>> = vec![BTreeMap::new(); inst.p.queues.len()];
    for g in groups {
        let cnt = g.members.len() as f64;
        let mut wy = vec![0.0; g.options.len()];
        for &m in &g.members {
            for pk in &plan.picks[m] {
                wy[pk.opt] += 1.0;
            }
        }
        let (y, ycols): (Vec<Variable>, Vec<usize>) = g
            .options
            .iter()
            .enumerate()
            .map(|(o, opt)| {
                let cost = w.paid_hour * inst.hours(opt.len_t) + opt.pref_cost;
                b.var_idx(variable().integer().min(0.0).max(cnt), wy[o], cost)
            })
            .unzip();
        if w.fairness > 0.0 {
            let warm = |m: usize| plan.unsocial[m];
            spread_unsocial(
                &mut b, &g.options, &g.members, &y, &warm, w.fairness, inst.weeks,
            );
        }
        let warm_breaks = warm_break_counts(g, plan, warm_roster);
        // Coverage rows.
        let mut on: BTreeMap<usize, Expression> = BTreeMap::new();
        let mut bcols: Vec<Vec<usize>> = vec![Vec::new(); g.options.len()];
        for (o, opt) in g.options.iter().enumerate() {
            let Some(span) = opt.brk else {
                for (k, &f) in opt.cov.iter().enumerate() {
                    on.entry(opt.start_t + k).or_default().add_mul(f, y[o]);
                }
                continue;
            };
            for k in 0..opt.len_t {
                on.entry(opt.start_t + k).or_default().add_mul(1.0, y[o]);
            }
            let mut taken = Expression::default();
            for slot in span.first..=span.last {
                let warm = warm_breaks.get(&(o, slot)).copied().unwrap_or(0.0);
                let (v, col) = b.var_idx(variable().integer().min(0.0).max(cnt), warm, 0.0);
                bcols[o].push(col);
                taken.add_mul(1.0, v);
                for k in slot..slot + span.len {
                    on.entry(opt.start_t + k).or_default().add_mul(-1.0, v);
                }
            }
            b.cons.push((taken - y[o]).eq(0.0));
        }
        let mut pconst: BTreeMap<usize, f64> = BTreeMap::new();
        for s in inst.pinned.iter().filter(|s| g.members.contains(&s.agent)) {
            for t in s.start_t..s.start_t + s.len_t {
                let work = !s.breaks.iter().any(|&(a, e)| a <= t && t < e);
                *pconst.entry(t).or_default() += if work { 1.0 } else { 0.0 };
                on.entry(t).or_default();
            }
        }
        // Warm queue split: the greedy roster's, summed over the group's members.
        let mut walloc: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for &m in &g.members {
            for (&t, split) in &warm_roster.shares[m] {
                for &(q, f) in split {
                    *walloc.entry((q, t)).or_default() += f;
                }
            }
        }
        let quals = &inst.agents[g.members[0]].quals;
        for (t, expr) in on {
            let qs: Vec<usize> = quals.iter().copied().filter(|&q| inst.open[q][t]).collect();
            if qs.is_empty() {
                continue;
            }
            let mut sum = Expression::default();
            for q in qs {
                let x = b.var(
                    variable().min(0.0),
                    walloc.get(&(q, t)).copied().unwrap_or(0.0),
                    0.0,
                );
                sum.add_mul(1.0, x);
                covq[q].entry(t).or_default().add_mul(1.0, x);
            }
            let pc = pconst.get(&t).copied().unwrap_or(0.0);
            b.cons.push((sum - expr).eq(pc));
        }
        let counts = Counts {
            options: &g.options,
            by_day: &g.by_day,
            y: &y.iter().copied().map(Some).collect::<Vec<_>>(),
            warm: &wy,
            members: &g.members,
        };
        add_contract_rows(&mut b, inst, &counts);
        let member_days: Vec<Vec<i64>> = g
            .members
            .iter()
            .map(|&m| {
                plan.picks[m]
                    .iter()
                    .map(|pk| g.options[pk.opt].day)
                    .collect()
            })
            .collect();
        add_week_patterns(&mut b, inst, &counts, &member_days);
        ys.push((ycols, bcols));
    }
    for (q, qq) in inst.p.queues.iter().enumerate() {
        for t in (0..inst.n).filter(|&t| inst.open[q][t]) {
            let cov = match (covq[q].remove(&t), fixed) {
                (Some(cov), _) => cov,
                // Nobody in the model can change this interval: a constant.
                (None, Some(_)) => continue,
                (None, None) => Expression::default(),
            };
            let others = fixed.map_or(0.0, |f| f[q][t]);
            let (r, fl) = (qq.required[t] - others, f64::from(qq.floor) - others);
            let c0 = warm_roster.cov[q][t] - others;
            let s = (r - c0).max(0.0);
            let u1 = b.var(variable().min(0.0).max(1.0), s.min(1.0), ih * w.under[0]);
            let u2 = b.var(
                variable().min(0.0).max(1.0),
                (s - 1.0).clamp(0.0, 1.0),
                ih * w.under[1],
            );
            let u3 = b.var(variable().min(0.0), (s - 2.0).max(0.0), ih * w.under[2]);
            let v = b.var(variable().min(0.0), (c0 - r).max(0.0), ih * w.over);
            b.cons.push((cov.clone() + u1 + u2 + u3).geq(r));
            b.cons.push((cov.clone() - v).leq(r));
            if fl > 0.0 {
                let f = b.var(
                    variable().min(0.0).max(fl),
                    (fl - c0).max(0.0),
                    ih * w.floor,
                );
                b.cons.push((cov + f).geq(fl));
            }
        }
    }
    (b, ys)
}

/// Group counts of one solution (values per HiGHS column).
pub(crate) fn decode(cols: &[f64], ys: &[GroupCols], groups: &[Group]) -> Candidate {
    let count = |col: usize, max: usize| {
        cols.get(col)
            .copied()
            .unwrap_or(0.0)
            .round()
            .clamp(0.0, max as f64) as u32
    };
    let mut y = Vec::with_capacity(ys.len());
    let mut breaks = Vec::with_capacity(ys.len());
    for ((ycols, bcols), g) in ys.iter().zip(groups) {
        let size = g.members.len();
        y.push(ycols.iter().map(|&v| count(v, size)).collect());
        breaks.push(
            bcols
                .iter()
                .map(|slots| slots.iter().map(|&v| count(v, size)).collect())
                .collect(),
        );
    }
    Candidate { y, breaks }
}
