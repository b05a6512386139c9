//! The MIP over groups of identical agents.
//!
//! * `y[g,o]` integer in `0..=|g|`: how many members of group `g` work option `o`.
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
//! * attainable weekly minimum hours: soft with a dominant penalty (reported if missed).

use super::greedy::Plan;
use super::grid::Inst;
use super::roster::SolverStatus;
use super::SolveOptions;
use chrono::Weekday;
use good_lp::{highs, variable, Expression, ProblemVariables, SolverModel, Variable};
use std::collections::BTreeMap;

pub(crate) struct MipResult {
    /// Chosen count per group and option.
    pub y: Vec<Vec<u32>>,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub status: SolverStatus,
}

struct Builder {
    vars: ProblemVariables,
    warm: Vec<f64>,
    obj: Expression,
    cons: Vec<good_lp::Constraint>,
}

impl Builder {
    fn var(&mut self, def: good_lp::VariableDefinition, warm: f64, cost: f64) -> Variable {
        self.var_idx(def, warm, cost).0
    }
    /// Variables are added in order, so the HiGHS column is the position.
    fn var_idx(
        &mut self,
        def: good_lp::VariableDefinition,
        warm: f64,
        cost: f64,
    ) -> (Variable, usize) {
        let col = self.warm.len();
        let v = self.vars.add(def);
        self.warm.push(warm);
        if cost != 0.0 {
            self.obj.add_mul(cost, v);
        }
        (v, col)
    }
}

fn weekend_id(day: i64, wd: Weekday) -> Option<i64> {
    match wd {
        Weekday::Sat => Some(day),
        Weekday::Sun => Some(day - 1),
        _ => None,
    }
}

pub(crate) fn solve(
    inst: &Inst,
    plan: &Plan,
    opts: &SolveOptions,
    deadline: std::time::Instant,
) -> Result<MipResult, String> {
    let w = &inst.p.weights;
    let ih = inst.hours(1);
    let step = inst.step;
    let mut b = Builder {
        vars: ProblemVariables::new(),
        warm: Vec::new(),
        obj: Expression::default(),
        cons: Vec::new(),
    };
    let mut ys: Vec<Vec<usize>> = Vec::with_capacity(inst.groups.len());
    let mut covq: Vec<BTreeMap<usize, Expression>> = vec![BTreeMap::new(); inst.p.queues.len()];
    for (gi, g) in inst.groups.iter().enumerate() {
        let cnt = g.members.len() as f64;
        let c = &inst.p.agents[g.members[0]].contract;
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
        // Coverage rows.
        let mut on: BTreeMap<usize, Expression> = BTreeMap::new();
        for (o, opt) in g.options.iter().enumerate() {
            for (k, &f) in opt.cov.iter().enumerate() {
                on.entry(opt.start_t + k).or_default().add_mul(f, y[o]);
            }
        }
        let mut pconst: BTreeMap<usize, f64> = BTreeMap::new();
        let mut pday: BTreeMap<i64, (f64, Weekday)> = BTreeMap::new();
        let mut pweek = vec![(0.0, 0.0); inst.weeks];
        for s in inst.pinned.iter().filter(|s| g.members.contains(&s.agent)) {
            for t in s.start_t..s.start_t + s.len_t {
                let work = !s.breaks.iter().any(|&(a, e)| a <= t && t < e);
                *pconst.entry(t).or_default() += if work { 1.0 } else { 0.0 };
                on.entry(t).or_default();
            }
            pday.entry(s.day).or_insert((0.0, s.weekday)).0 += 1.0;
            pweek[s.week].0 += inst.hours(s.len_t);
            pweek[s.week].1 += 1.0;
        }
        let mut walloc: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for &(q, t, f) in &plan.alloc[gi] {
            *walloc.entry((q, t)).or_default() += f;
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
        // Day expressions (option counts + pinned constants).
        let mut days: BTreeMap<i64, (Expression, f64, f64, Weekday)> = BTreeMap::new();
        for (d, os) in &g.by_day {
            let mut e = Expression::default();
            let mut wv = 0.0;
            for &o in os {
                e.add_mul(1.0, y[o]);
                wv += wy[o];
            }
            days.insert(*d, (e, 0.0, wv, g.options[os[0]].weekday));
        }
        for (d, (n, wd)) in &pday {
            let ent = days
                .entry(*d)
                .or_insert((Expression::default(), 0.0, 0.0, *wd));
            ent.1 += n;
            ent.2 += n;
        }
        for (e, pc, _, _) in days.values() {
            b.cons.push(e.clone().leq(cnt - pc));
        }
        // Weekly hours, shifts, minimum.
        for (wk, &(pinned_h, pinned_n)) in pweek.iter().enumerate() {
            let mut hours = Expression::default();
            let mut n = Expression::default();
            let mut wh = pinned_h;
            for (o, opt) in g.options.iter().enumerate().filter(|(_, o)| o.week == wk) {
                hours.add_mul(inst.hours(opt.len_t), y[o]);
                n.add_mul(1.0, y[o]);
                wh += inst.hours(opt.len_t) * wy[o];
            }
            b.cons
                .push(hours.clone().leq(cnt * c.max_hours_per_week - pinned_h));
            b.cons
                .push(n.leq(cnt * f64::from(c.max_shifts_per_week) - pinned_n));
            let need = cnt * c.min_hours_per_week;
            if need > 0.0 && inst.agents[g.members[0]].min_attainable[wk] {
                let s = b.var(variable().min(0.0), (need - wh).max(0.0), w.min_hours);
                b.cons.push((hours + s).geq(need - pinned_h));
            }
        }
        // Rest: an agent works at most one option of a (day, end) class or one
        // later option starting within the rest period after it.
        let rest_t = ((c.min_rest_hours * 60.0).ceil() as i64 + step - 1) / step;
        let mut ends: BTreeMap<(i64, usize), Vec<usize>> = BTreeMap::new();
        for (o, opt) in g.options.iter().enumerate() {
            ends.entry((opt.day, opt.start_t + opt.len_t))
                .or_default()
                .push(o);
        }
        for ((d, e), os) in &ends {
            let lim = *e as i64 + rest_t;
            let conflict: Vec<usize> = (0..g.options.len())
                .filter(|&o| g.options[o].day > *d && (g.options[o].start_t as i64) < lim)
                .collect();
            if conflict.is_empty() {
                continue;
            }
            let mut ex = Expression::default();
            for &o in os.iter().chain(conflict.iter()) {
                ex.add_mul(1.0, y[o]);
            }
            b.cons.push(ex.leq(cnt));
        }
        let (dmin, dmax) = match (days.keys().next(), days.keys().next_back()) {
            (Some(a), Some(z)) => (*a, *z),
            _ => {
                ys.push(ycols);
                continue;
            }
        };
        let wexp = |d: i64| days.get(&d).map(|(e, pc, _, _)| (e.clone(), *pc));
        let k = i64::from(c.max_consecutive_days);
        for d0 in dmin..=dmax - k {
            let mut ex = Expression::default();
            let mut pc = 0.0;
            for (e, p) in (d0..=d0 + k).filter_map(wexp) {
                ex += e;
                pc += p;
            }
            b.cons.push(ex.leq(k as f64 * cnt - pc));
        }
        for r in 1..i64::from(c.min_consecutive_days_off) {
            for d in dmin..=dmax - r - 1 {
                let (Some((a, pa)), Some((z, pz))) = (wexp(d), wexp(d + r + 1)) else {
                    continue;
                };
                let mut ex = a + z;
                let mut pc = pa + pz;
                for (e, p) in (d + 1..=d + r).filter_map(wexp) {
                    ex -= e;
                    pc -= p;
                }
                b.cons.push(ex.leq(cnt - pc));
            }
        }
        let mut wends: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (d, (_, _, _, wd)) in &days {
            if let Some(id) = weekend_id(*d, *wd) {
                wends.entry(id).or_default().push(*d);
            }
        }
        if wends.len() as u32 > c.max_weekends {
            let mut total = Expression::default();
            for ds in wends.values() {
                let warm = ds.iter().map(|d| days[d].2).fold(0.0, f64::max);
                let z = b.var(variable().min(0.0).max(cnt), warm, 0.0);
                total.add_mul(1.0, z);
                for d in ds {
                    let (e, pc, _, _) = &days[d];
                    b.cons.push((e.clone() + *pc).leq(z));
                }
            }
            b.cons.push(total.leq(cnt * f64::from(c.max_weekends)));
        }
        ys.push(ycols);
    }
    for (q, qq) in inst.p.queues.iter().enumerate() {
        for t in (0..inst.n).filter(|&t| inst.open[q][t]) {
            let cov = covq[q].remove(&t).unwrap_or_default();
            let (r, fl) = (qq.required[t], f64::from(qq.floor));
            let c0 = plan.cov[q][t];
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
    let Builder {
        vars,
        warm,
        obj,
        cons,
    } = b;
    let mut problem = vars.minimise(obj).using(highs);
    for c in cons {
        problem.add_constraint(c);
    }
    let mut model = problem.try_into_inner().map_err(|e| e.to_string())?;
    let left = deadline
        .saturating_duration_since(std::time::Instant::now())
        .as_secs_f64()
        .max(0.5);
    model.set_option("output_flag", opts.verbose);
    model.set_option("log_to_console", opts.verbose);
    model.set_option("time_limit", left);
    model.set_option("mip_rel_gap", opts.mip_gap);
    model.set_option("threads", 1);
    model.set_option("random_seed", opts.seed);
    // More primal heuristics: with a time limit, incumbents matter more than cuts.
    model.set_option("mip_heuristic_effort", 0.3);
    model
        .try_set_solution(Some(&warm), None, None, None)
        .map_err(|e| format!("{e:?}"))?;
    let solved = model.try_solve().map_err(|e| format!("{e:?}"))?;
    let feasible = solved
        .int_info_value(c"primal_solution_status")
        .unwrap_or(0)
        == 2;
    if !feasible {
        return Err(format!("no MIP solution ({:?})", solved.status()));
    }
    let gap = solved.mip_gap();
    let status = match format!("{:?}", solved.status()).as_str() {
        "Optimal" if gap <= 1e-6 => SolverStatus::Optimal,
        "Optimal" | "ObjectiveBound" | "ObjectiveTarget" => SolverStatus::GapLimit,
        _ => SolverStatus::TimeLimit,
    };
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .unwrap_or(f64::NEG_INFINITY);
    let objective = solved.objective_value();
    let sol = solved.get_solution();
    let cols = sol.columns();
    let y = ys
        .iter()
        .zip(&inst.groups)
        .map(|(vs, g)| {
            vs.iter()
                .map(|&v| {
                    cols.get(v)
                        .copied()
                        .unwrap_or(0.0)
                        .round()
                        .clamp(0.0, g.members.len() as f64) as u32
                })
                .collect()
        })
        .collect();
    Ok(MipResult {
        y,
        objective,
        bound,
        gap,
        status,
    })
}
