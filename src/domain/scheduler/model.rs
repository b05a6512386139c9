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

/// Group counts of an LP optimum, rounded so that coverage keeps the LP's shape.
/// Rounding each column on its own drops many small fractions at once (three
/// neighbouring starts at 0.4 each become no shift at all) and leaves break counts
/// that no longer add up to their shift's. Here, per group and day, the options in
/// order of start get the rounded running sum of the LP's counts minus what the
/// earlier ones got, so the day's total is the LP's rounded and every whole shift
/// sits where the LP's fractions add up to one; each option's break slots share its
/// count the same way (the middle slot takes it where the LP has no break there).
pub(crate) fn round_cumulative(cols: &[f64], ys: &[GroupCols], groups: &[Group]) -> Candidate {
    let val = |col: usize| cols.get(col).copied().unwrap_or(0.0).max(0.0);
    let mut y = Vec::with_capacity(ys.len());
    let mut breaks = Vec::with_capacity(ys.len());
    for ((ycols, bcols), g) in ys.iter().zip(groups) {
        let size = g.members.len() as u32;
        let mut gy = vec![0u32; ycols.len()];
        for day in g.by_day.values() {
            let mut order = day.clone();
            order.sort_by_key(|&o| (g.options[o].start_t, g.options[o].len_t));
            let counts = round_running_sums(order.iter().map(|&o| val(ycols[o])), size);
            for (o, n) in order.into_iter().zip(counts) {
                gy[o] = n;
            }
        }
        let gb = bcols
            .iter()
            .zip(&gy)
            .map(|(slots, &n)| {
                let lp: Vec<f64> = slots.iter().map(|&c| val(c)).collect();
                let total: f64 = lp.iter().sum();
                if slots.is_empty() || total > 1e-9 {
                    let scale = f64::from(n) / total.max(1e-9);
                    round_running_sums(lp.iter().map(|v| v * scale), n)
                } else {
                    let mut out = vec![0; slots.len()];
                    out[slots.len() / 2] = n;
                    out
                }
            })
            .collect();
        y.push(gy);
        breaks.push(gb);
    }
    Candidate { y, breaks }
}

/// Whole numbers whose running sums are the rounded running sums of `values`,
/// capped at `cap` (so their total is at most `cap`).
fn round_running_sums(values: impl Iterator<Item = f64>, cap: u32) -> Vec<u32> {
    let (mut run, mut given) = (0.0, 0u32);
    values
        .map(|v| {
            run += v;
            // LP values carry tolerances of about 1e-7: a running sum meant to be a
            // half rounds up whatever its noise.
            let target = ((run + 1e-6).round().max(0.0) as u32).min(cap);
            let n = target.saturating_sub(given);
            given += n;
            n
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::options::{BreakSpan, Opt};
    use super::*;
    use chrono::Weekday;
    use proptest::prelude::*;

    /// An option of day `day` starting at `start_t`, eight intervals long, with
    /// `slots` break slots (none: no exact break).
    fn opt(day: i64, start_t: usize, slots: usize) -> Opt {
        Opt {
            template: 0,
            start_t,
            len_t: 8,
            day,
            week: 0,
            weekday: Weekday::Mon,
            night: false,
            pref_cost: 0.0,
            cov: vec![1.0; 8],
            brk: (slots > 0).then_some(BreakSpan {
                first: 3,
                last: 3 + slots - 1,
                len: 1,
            }),
        }
    }

    /// A group of `size` members over `options`, with its columns numbered in order:
    /// each option's `y`, then its break slots.
    fn group(size: usize, options: Vec<Opt>) -> (Group, GroupCols) {
        let mut by_day: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        let mut next = 0;
        let mut ycols = Vec::new();
        let mut bcols = Vec::new();
        for (o, opt) in options.iter().enumerate() {
            by_day.entry(opt.day).or_default().push(o);
            ycols.push(next);
            next += 1;
            let slots = opt.brk.map_or(0, |b| b.last - b.first + 1);
            bcols.push((next..next + slots).collect());
            next += slots;
        }
        let g = Group {
            members: (0..size).collect(),
            options,
            by_day,
        };
        (g, (ycols, bcols))
    }

    #[test]
    fn small_neighbouring_fractions_add_up_to_a_shift() {
        // Three starts at 0.4 each on one day, breaks split evenly over two slots.
        let (g, cols) = group(3, vec![opt(0, 0, 2), opt(0, 1, 2), opt(0, 2, 2)]);
        let lp: [f64; 9] = [0.4, 0.2, 0.2, 0.4, 0.2, 0.2, 0.4, 0.2, 0.2];
        let rounded = decode(
            &lp.iter().map(|v| v.round()).collect::<Vec<_>>(),
            std::slice::from_ref(&cols),
            std::slice::from_ref(&g),
        );
        assert_eq!(rounded.y[0], vec![0, 0, 0], "each column rounded: no shift");
        let c = round_cumulative(&lp, std::slice::from_ref(&cols), std::slice::from_ref(&g));
        // Running sums 0.4, 0.8, 1.2: the shift goes where they pass a half.
        assert_eq!(c.y[0], vec![0, 1, 0]);
        assert_eq!(c.breaks[0][1].iter().sum::<u32>(), 1);
        assert_eq!(c.breaks[0][0], vec![0, 0]);
    }

    #[test]
    fn days_are_rounded_apart_and_in_order_of_start() {
        // Listed out of order: day 1's late start first.
        let (g, cols) = group(
            2,
            vec![opt(1, 60, 0), opt(0, 4, 0), opt(1, 50, 0), opt(0, 2, 0)],
        );
        let lp = [0.7, 0.5, 0.7, 0.5];
        let c = round_cumulative(&lp, &[cols], &[g]);
        // Day 0: 0.5 (start 2) then 1.0 (start 4); day 1: 0.7 (start 50) then 1.4.
        assert_eq!(c.y[0], vec![0, 0, 1, 1]);
    }

    #[test]
    fn a_shift_without_lp_breaks_takes_the_middle_slot() {
        let (g, cols) = group(1, vec![opt(0, 0, 4), opt(0, 1, 4)]);
        // The first option's 0.3 carries its break; the second's 0.4 none.
        let lp = [0.3, 0.0, 0.3, 0.0, 0.0, 0.4, 0.0, 0.0, 0.0, 0.0];
        let c = round_cumulative(&lp, &[cols], &[g]);
        // Running sums 0.3, 0.7: the second option gets the shift.
        assert_eq!(c.y[0], vec![0, 1]);
        assert_eq!(c.breaks[0][0], vec![0, 0, 0, 0]);
        assert_eq!(c.breaks[0][1], vec![0, 0, 1, 0]);
    }

    proptest! {
        /// Whatever the LP's fractions: a day gets its rounded total (never more than
        /// the group's members), and every option's breaks add up to its count.
        #[test]
        fn counts_keep_day_totals_and_break_sums(
            size in 1usize..6,
            days in prop::collection::vec(prop::collection::vec((0.0f64..1.0, 0usize..4), 1..6), 1..4),
            seed in prop::collection::vec(0.0f64..1.0, 64),
        ) {
            let mut options = Vec::new();
            let mut shares = Vec::new();
            for (d, day) in days.iter().enumerate() {
                let sum: f64 = day.iter().map(|(v, _)| v).sum();
                // The LP holds at most one shift a day per member.
                let scale = if sum > size as f64 { size as f64 / sum } else { 1.0 };
                for (k, &(v, slots)) in day.iter().enumerate() {
                    options.push(opt(d as i64, k, slots));
                    shares.push((v * scale, slots));
                }
            }
            let (g, cols) = group(size, options);
            let mut lp = Vec::new();
            for (i, &(v, slots)) in shares.iter().enumerate() {
                lp.push(v);
                let w: Vec<f64> = (0..slots).map(|k| seed[(i * 4 + k) % seed.len()]).collect();
                let total: f64 = w.iter().sum::<f64>().max(1e-9);
                lp.extend(w.iter().map(|x| x / total * v));
            }
            let c = round_cumulative(&lp, std::slice::from_ref(&cols), std::slice::from_ref(&g));
            for (d, opts) in &g.by_day {
                let want: f64 = opts.iter().map(|&o| lp[cols.0[o]]).sum();
                let got: u32 = opts.iter().map(|&o| c.y[0][o]).sum();
                prop_assert_eq!(got, ((want + 1e-6).round() as u32).min(size as u32), "day {}", d);
            }
            for (o, n) in c.y[0].iter().enumerate() {
                prop_assert!(*n as usize <= size);
                if !c.breaks[0][o].is_empty() {
                    prop_assert_eq!(c.breaks[0][o].iter().sum::<u32>(), *n, "option {}", o);
                }
            }
        }
    }
}
