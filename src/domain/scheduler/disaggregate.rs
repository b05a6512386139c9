//! From the group MIP's counts to shifts of individual agents. Each group's
//! wanted shifts (option, break slot) are first handed out one by one to the
//! member that can take them with every rule checked exactly; if some are
//! stranded or a member is left below an attainable contract minimum, the group
//! is split again by the exact per-member MIP of [`super::split`] (while time is
//! left), and the better of the two hand-outs is kept.

use super::budget::Budget;
use super::greedy::Plan;
use super::grid::{Group, Inst};
use super::model::Candidate;
use super::split::split_group;
use std::collections::BTreeMap;

/// The MIP's group counts handed to members.
pub(crate) struct Handed {
    pub plan: Plan,
    /// Wanted shifts no member could take.
    pub dropped: u32,
    /// Members of the groups that stranded shifts or fell short of a contract
    /// minimum: where a coverage-aware re-optimisation should look first.
    pub troubled: Vec<usize>,
}

/// Hand the MIP's group counts to members.
pub(crate) fn disaggregate(inst: &Inst, mip: &Candidate, budget: &Budget) -> Handed {
    let mut plan = Plan::new(inst);
    let mut dropped = 0;
    let mut troubled = Vec::new();
    for (gi, g) in inst.groups.iter().enumerate() {
        let wanted = wanted_shifts(g, mip, gi);
        let before = plan.clone();
        let mut lost = hand_out(inst, g, wanted.clone(), &mut plan);
        let mut short = min_hours_short(inst, g, &plan);
        if lost == 0 && short == 0.0 {
            continue;
        }
        // Groups still to come get their share of what is left.
        let share = budget.share(1.0 / (inst.groups.len() - gi) as f64, 0.2);
        if let Some(split) = split_group(inst, gi, &mip.y[gi], &share) {
            let mut trial = before;
            let rest = apply_split(inst, g, &split, wanted, &mut trial);
            let trial_lost = hand_out(inst, g, rest, &mut trial);
            let trial_short = min_hours_short(inst, g, &trial);
            if (trial_lost, trial_short) < (lost, short) {
                plan = trial;
                (lost, short) = (trial_lost, trial_short);
            }
        }
        dropped += lost;
        if lost > 0 || short > 0.0 {
            troubled.extend(g.members.iter().copied());
        }
    }
    Handed {
        plan,
        dropped,
        troubled,
    }
}

/// Hours the group's members miss of their attainable weekly minimums.
fn min_hours_short(inst: &Inst, g: &Group, plan: &Plan) -> f64 {
    let mut short = 0.0;
    for &a in &g.members {
        let min = inst.p.agents[a].contract.min_hours_per_week;
        for w in (0..inst.weeks).filter(|&w| inst.agents[a].min_attainable[w]) {
            short += (min - plan.states[a].week_hours(w)).max(0.0);
        }
    }
    short
}

/// (option, break slot chosen by the MIP) per shift the MIP gave group `gi`.
fn wanted_shifts(g: &Group, mip: &Candidate, gi: usize) -> Vec<(usize, Option<usize>)> {
    let mut wanted = Vec::new();
    for (o, &k) in mip.y[gi].iter().enumerate() {
        let mut slots: Vec<Option<usize>> = Vec::new();
        if let (Some(span), Some(counts)) = (g.options[o].brk, mip.breaks[gi].get(o)) {
            for (i, &c) in counts.iter().enumerate() {
                slots.extend(std::iter::repeat_n(Some(span.first + i), c as usize));
            }
        }
        slots.resize(k as usize, None);
        wanted.extend(slots.into_iter().map(|slot| (o, slot)));
    }
    wanted.sort_by_key(|&(o, slot)| (g.options[o].start_t, o, slot));
    wanted
}

/// Give each member the options the split chose, with the MIP's break slots;
/// returns the wanted shifts still to hand out.
fn apply_split(
    inst: &Inst,
    g: &Group,
    split: &[Vec<usize>],
    wanted: Vec<(usize, Option<usize>)>,
    plan: &mut Plan,
) -> Vec<(usize, Option<usize>)> {
    let mut slots: BTreeMap<usize, Vec<Option<usize>>> = BTreeMap::new();
    for (o, slot) in wanted {
        slots.entry(o).or_default().push(slot);
    }
    for (&a, options) in g.members.iter().zip(split) {
        let mut mine = options.clone();
        mine.sort_by_key(|&o| g.options[o].start_t);
        for o in mine {
            let Some(list) = slots.get_mut(&o) else {
                continue;
            };
            if list.is_empty() || !plan.can_take(inst, a, o) {
                continue;
            }
            let slot = list.remove(0);
            plan.take_at(inst, a, o, slot);
        }
    }
    let mut rest: Vec<(usize, Option<usize>)> = slots
        .into_iter()
        .flat_map(|(o, list)| list.into_iter().map(move |slot| (o, slot)))
        .collect();
    rest.sort_by_key(|&(o, slot)| (g.options[o].start_t, o, slot));
    rest
}

/// Hand wanted shifts out one by one; returns how many no member could take.
fn hand_out(inst: &Inst, g: &Group, wanted: Vec<(usize, Option<usize>)>, plan: &mut Plan) -> u32 {
    let mut dropped = 0;
    let fair = inst.p.weights.fairness > 0.0;
    for (o, slot) in wanted {
        let opt = &g.options[o];
        let unsocial = opt.unsocial();
        // Unsocial shifts go to the member with the fewest of that kind (the
        // model priced an even spread), then to the fewest hours that week.
        let key = |&a: &usize| {
            let load = |k: usize| {
                if fair && unsocial[k] {
                    plan.unsocial[a][k]
                } else {
                    0
                }
            };
            let minutes = plan.states[a].week_minutes.get(opt.week).copied();
            (load(0), load(1), load(2), minutes.unwrap_or(0), a)
        };
        // If no member can take the option itself, the nearest option of the
        // same day (start distance, then length difference) keeps the MIP's intent.
        let mut alts: Vec<usize> = g.by_day.get(&opt.day).cloned().unwrap_or_default();
        alts.sort_by_key(|&x| {
            let ox = &g.options[x];
            (
                ox.start_t.abs_diff(opt.start_t) + ox.len_t.abs_diff(opt.len_t),
                x,
            )
        });
        let mut placed = false;
        for alt in alts {
            let mut cands: Vec<usize> = g
                .members
                .iter()
                .copied()
                .filter(|&a| plan.can_take(inst, a, alt))
                .collect();
            cands.sort_by_key(key);
            if let Some(&a) = cands.first() {
                // A substitute option's break is placed later against the curve.
                plan.take_at(inst, a, alt, if alt == o { slot } else { None });
                placed = true;
                break;
            }
        }
        if !placed {
            dropped += 1;
        }
    }
    dropped
}
