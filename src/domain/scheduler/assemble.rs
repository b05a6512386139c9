//! From a plan (shifts per agent) to the final roster: exact break placement
//! staggered against the requirement curve, then an LP that splits the working
//! agents of each skill class among their open queues (minimising the same
//! penalties as the MIP), then the exact objective of the result.

use super::greedy::{fairness_cost, penalty, Plan};
use super::grid::Inst;
use super::options::UNSOCIAL_KINDS;
use good_lp::{highs, variable, Expression, ProblemVariables, Solution, SolverModel, Variable};
use std::collections::BTreeMap;

pub(crate) struct Final {
    /// Per agent: (start_t, len_t, template or None if pinned, pinned index, breaks as (t0, t1)).
    pub shifts: Vec<Vec<ShiftFinal>>,
    /// Per agent, per interval of the period: queue shares (empty = not working).
    pub shares: Vec<BTreeMap<usize, Vec<(usize, f64)>>>,
    /// Scheduled per queue and interval.
    pub cov: Vec<Vec<f64>>,
    pub objective: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct ShiftFinal {
    pub start_t: usize,
    pub len_t: usize,
    pub template: Option<usize>,
    pub pinned: bool,
    pub breaks: Vec<(usize, usize)>,
    pub pref_cost: f64,
    /// Night, weekend, against preferences (solver-placed shifts only; pinned
    /// ones are the manager's).
    pub unsocial: [bool; UNSOCIAL_KINDS],
}

fn open_quals(inst: &Inst, ai: usize, t: usize) -> Vec<usize> {
    inst.agents[ai]
        .quals
        .iter()
        .copied()
        .filter(|&q| inst.open[q][t])
        .collect()
}

fn place_breaks(inst: &Inst, plan: &Plan) -> Vec<Vec<ShiftFinal>> {
    let mut shifts: Vec<Vec<ShiftFinal>> = vec![Vec::new(); inst.agents.len()];
    for s in &inst.pinned {
        shifts[s.agent].push(ShiftFinal {
            start_t: s.start_t,
            len_t: s.len_t,
            template: None,
            pinned: true,
            breaks: s.breaks.clone(),
            pref_cost: 0.0,
            unsocial: [false; UNSOCIAL_KINDS],
        });
    }
    let mut est = vec![vec![0.0; inst.n]; inst.p.queues.len()];
    let mut todo = Vec::new();
    for (ai, picks) in plan.picks.iter().enumerate() {
        let g = &inst.groups[inst.group_of[ai]];
        for pk in picks {
            let o = &g.options[pk.opt];
            todo.push((o.start_t, ai, pk.opt, pk.break_at));
        }
    }
    for (ai, list) in shifts.iter().enumerate() {
        for s in list {
            for t in s.start_t..s.start_t + s.len_t {
                spread(inst, &mut est, ai, t, 1.0);
            }
        }
    }
    for &(st, ai, o, _) in &todo {
        let opt = &inst.groups[inst.group_of[ai]].options[o];
        for t in st..st + opt.len_t {
            spread(inst, &mut est, ai, t, 1.0);
        }
    }
    todo.sort_unstable();
    for (st, ai, o, chosen) in todo {
        let opt = &inst.groups[inst.group_of[ai]].options[o];
        let tpl = &inst.p.templates[opt.template];
        let mut breaks: Vec<(usize, usize)> = Vec::new();
        // The MIP chose the slot of a single break against the whole curve: keep it.
        if let (Some(at), Some(b)) = (chosen, opt.brk) {
            breaks.push((st + at, st + at + b.len));
            for t in st + at..st + at + b.len {
                spread(inst, &mut est, ai, t, -1.0);
            }
        }
        let heuristic = if breaks.is_empty() {
            &tpl.breaks[..]
        } else {
            &[]
        };
        for br in heuristic {
            let stepm = inst.step as u32;
            let (ws, we, bl) = (
                (br.window_start_minutes / stepm) as usize,
                (br.window_end_minutes / stepm) as usize,
                (br.length_minutes / stepm) as usize,
            );
            let mut best: Option<(usize, f64)> = None;
            for b0 in ws..=we.saturating_sub(bl) {
                let (a, z) = (st + b0, st + b0 + bl);
                if breaks.iter().any(|&(x, y)| a < y && x < z) {
                    continue;
                }
                // Slack of the agent's queues in the slot: the break goes where
                // coverage exceeds the requirement most.
                let slack: f64 = (a..z)
                    .map(|t| {
                        open_quals(inst, ai, t)
                            .iter()
                            .map(|&q| est[q][t] - inst.p.queues[q].required[t])
                            .fold(f64::NEG_INFINITY, f64::max)
                    })
                    .sum();
                if best.is_none_or(|(_, s)| slack > s + 1e-9) {
                    best = Some((b0, slack));
                }
            }
            if let Some((b0, _)) = best {
                breaks.push((st + b0, st + b0 + bl));
                for t in st + b0..st + b0 + bl {
                    spread(inst, &mut est, ai, t, -1.0);
                }
            }
        }
        breaks.sort_unstable();
        shifts[ai].push(ShiftFinal {
            start_t: st,
            len_t: opt.len_t,
            template: Some(opt.template),
            pinned: false,
            breaks,
            pref_cost: opt.pref_cost,
            unsocial: opt.unsocial(),
        });
    }
    for list in &mut shifts {
        list.sort_by_key(|s| s.start_t);
    }
    shifts
}

fn spread(inst: &Inst, est: &mut [Vec<f64>], ai: usize, t: usize, sign: f64) {
    let qs = open_quals(inst, ai, t);
    for &q in &qs {
        est[q][t] += sign / qs.len() as f64;
    }
}

pub(crate) fn assemble(inst: &Inst, plan: &Plan) -> Result<Final, String> {
    let shifts = place_breaks(inst, plan);
    // Skill classes: agents with the same qualified queues are interchangeable.
    let mut class_of_quals: BTreeMap<Vec<usize>, usize> = BTreeMap::new();
    let mut class_of = vec![0; inst.agents.len()];
    for (ai, a) in inst.agents.iter().enumerate() {
        let k = class_of_quals.len();
        class_of[ai] = *class_of_quals.entry(a.quals.clone()).or_insert(k);
    }
    let mut working: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (ai, list) in shifts.iter().enumerate() {
        for s in list {
            for t in s.start_t..s.start_t + s.len_t {
                if !s.breaks.iter().any(|&(a, z)| a <= t && t < z)
                    && !open_quals(inst, ai, t).is_empty()
                {
                    working.entry((class_of[ai], t)).or_default().push(ai);
                }
            }
        }
    }
    let w = &inst.p.weights;
    let ih = inst.hours(1);
    let mut vars = ProblemVariables::new();
    let mut obj = Expression::default();
    let mut cons = Vec::new();
    let mut xs: BTreeMap<(usize, usize), Vec<(usize, Variable)>> = BTreeMap::new();
    let mut covq: BTreeMap<(usize, usize), Expression> = BTreeMap::new();
    for (&(c, t), ags) in &working {
        let mut sum = Expression::default();
        let mut list = Vec::new();
        for q in open_quals(inst, ags[0], t) {
            let x = vars.add(variable().min(0.0));
            sum.add_mul(1.0, x);
            covq.entry((q, t)).or_default().add_mul(1.0, x);
            list.push((q, x));
        }
        cons.push(sum.eq(ags.len() as f64));
        xs.insert((c, t), list);
    }
    for (q, qq) in inst.p.queues.iter().enumerate() {
        for t in (0..inst.n).filter(|&t| inst.open[q][t]) {
            let Some(cov) = covq.remove(&(q, t)) else {
                continue;
            };
            let (r, fl) = (qq.required[t], f64::from(qq.floor));
            let u: Vec<Variable> = (0..3)
                .map(|k| {
                    vars.add(if k < 2 {
                        variable().min(0.0).max(1.0)
                    } else {
                        variable().min(0.0)
                    })
                })
                .collect();
            let v = vars.add(variable().min(0.0));
            for (wk, uk) in w.under.iter().zip(&u) {
                obj.add_mul(ih * wk, *uk);
            }
            obj.add_mul(ih * w.over, v);
            cons.push((cov.clone() + u[0] + u[1] + u[2]).geq(r));
            cons.push((cov.clone() - v).leq(r));
            if fl > 0.0 {
                let f = vars.add(variable().min(0.0).max(fl));
                obj.add_mul(ih * w.floor, f);
                cons.push((cov + f).geq(fl));
            }
        }
    }
    let mut values: BTreeMap<(usize, usize), Vec<(usize, f64)>> = BTreeMap::new();
    if !xs.is_empty() {
        let mut problem = vars
            .minimise(obj)
            .using(highs)
            .set_threads(1)
            .set_option("random_seed", 0)
            .set_option("output_flag", false);
        for c in cons {
            problem.add_constraint(c);
        }
        let sol = problem.solve().map_err(|e| format!("allocation LP: {e}"))?;
        for (k, list) in &xs {
            values.insert(
                *k,
                list.iter()
                    .map(|&(q, x)| (q, sol.value(x).max(0.0)))
                    .collect(),
            );
        }
    }
    let mut shares: Vec<BTreeMap<usize, Vec<(usize, f64)>>> =
        vec![BTreeMap::new(); inst.agents.len()];
    let mut cov = vec![vec![0.0; inst.n]; inst.p.queues.len()];
    for (&(c, t), ags) in &working {
        let n = ags.len() as f64;
        let vals = values.get(&(c, t)).cloned().unwrap_or_default();
        // The class's agents per queue, cleaned of solver noise, are the coverage; each
        // member's share keeps full precision (3/7 rounded to six decimals, times seven,
        // would leave a queue 0.000003 short of its whole agents).
        let mut per = Vec::new();
        for (q, v) in vals.iter().map(|&(q, v)| (q, clean(v))) {
            if v > 0.0 {
                cov[q][t] += v;
                per.push((q, v / n));
            }
        }
        for &ai in ags {
            shares[ai].insert(t, per.clone());
        }
    }
    let mut objective = 0.0;
    for (q, qq) in inst.p.queues.iter().enumerate() {
        for t in (0..inst.n).filter(|&t| inst.open[q][t]) {
            objective += ih * penalty(w, qq.required[t], f64::from(qq.floor), cov[q][t]);
        }
    }
    for (ai, list) in shifts.iter().enumerate() {
        let c = &inst.p.agents[ai].contract;
        let mut wh = vec![0.0; inst.weeks];
        for s in inst.held.iter().filter(|s| s.agent == ai) {
            wh[s.week] += inst.hours(s.len_t);
        }
        let mut unsocial = [0u32; UNSOCIAL_KINDS];
        for s in list {
            objective += w.paid_hour * inst.hours(s.len_t) + s.pref_cost;
            for (n, is) in unsocial.iter_mut().zip(s.unsocial) {
                *n += u32::from(is);
            }
            let (_, wk, _) = inst.local_day(&inst.agents[ai].tz, inst.time(s.start_t));
            wh[wk] += inst.hours(s.len_t);
        }
        objective += fairness_cost(w, unsocial);
        for (wk, h) in wh.iter().enumerate() {
            if inst.agents[ai].min_attainable[wk] {
                objective += w.min_hours * (c.min_hours_per_week - h).max(0.0);
            }
        }
    }
    Ok(Final {
        shifts,
        shares,
        cov,
        objective,
    })
}

/// Snap solver noise (-0.0, 0.9999999) to clean values.
pub(crate) fn clean(v: f64) -> f64 {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}
