//! MIP building blocks shared by the group MIP ([`super::model`]) and the exact
//! split of group counts among members ([`super::split`]): a variable builder that
//! keeps warm values in column order, the contract rules of a set of identical
//! agents as rows over option counts, and the fairness segments.
//!
//! Over `n` identical agents (count variables in `0..=n`) the rows are valid
//! aggregate relaxations of every member's rules; over one agent they are exact.

use super::grid::Inst;
use super::options::{Opt, UNSOCIAL_KINDS};
use chrono::Weekday;
use good_lp::{variable, Expression, ProblemVariables, Variable};
use std::collections::BTreeMap;

pub(crate) struct Builder {
    pub vars: ProblemVariables,
    pub warm: Vec<f64>,
    /// Per column: whether a RENS stage may fix it at an integral LP value
    /// (false for bookkeeping integers such as week-pattern counts, whose fixing
    /// would over-constrain the decisions left free).
    pub fixable: Vec<bool>,
    pub obj: Expression,
    pub cons: Vec<good_lp::Constraint>,
    /// Rows that only tighten the aggregate relaxation (week patterns).
    pub tightening: Vec<good_lp::Constraint>,
}

impl Builder {
    pub fn new() -> Builder {
        Builder {
            vars: ProblemVariables::new(),
            warm: Vec::new(),
            fixable: Vec::new(),
            obj: Expression::default(),
            cons: Vec::new(),
            tightening: Vec::new(),
        }
    }

    /// Rows and columns of the whole model, tightening rows included.
    pub fn size(&self) -> usize {
        self.vars.len() + self.cons.len() + self.tightening.len()
    }
    pub fn var(&mut self, def: good_lp::VariableDefinition, warm: f64, cost: f64) -> Variable {
        self.var_idx(def, warm, cost).0
    }
    /// A variable a RENS stage leaves free (see [`Builder::fixable`]).
    pub fn var_unfixed(&mut self, def: good_lp::VariableDefinition, warm: f64) -> Variable {
        let v = self.var(def, warm, 0.0);
        if let Some(last) = self.fixable.last_mut() {
            *last = false;
        }
        v
    }
    /// Variables are added in order, so the HiGHS column is the position.
    pub fn var_idx(
        &mut self,
        def: good_lp::VariableDefinition,
        warm: f64,
        cost: f64,
    ) -> (Variable, usize) {
        let col = self.warm.len();
        let v = self.vars.add(def);
        self.warm.push(warm);
        self.fixable.push(true);
        if cost != 0.0 {
            self.obj.add_mul(cost, v);
        }
        (v, col)
    }
}

/// Identical agents and how many of them work each option.
pub(crate) struct Counts<'a> {
    pub options: &'a [Opt],
    pub by_day: &'a BTreeMap<i64, Vec<usize>>,
    /// Count variable per option; `None` = the option is not offered (count 0).
    pub y: &'a [Option<Variable>],
    /// Warm value per option.
    pub warm: &'a [f64],
    /// The agents counted: their number bounds each day; their pinned shifts are constants.
    pub members: &'a [usize],
}

/// The weekend a day belongs to (named by its Saturday), if it is a Saturday or Sunday.
pub(crate) fn weekend_id(day: i64, wd: Weekday) -> Option<i64> {
    match wd {
        Weekday::Sat => Some(day),
        Weekday::Sun => Some(day - 1),
        _ => None,
    }
}

/// One shift a day, weekly hours and shifts (minimum soft with a dominant penalty),
/// rest, max consecutive days, min consecutive days off and weekends worked.
pub(crate) fn add_contract_rows(b: &mut Builder, inst: &Inst, k: &Counts) {
    let w = &inst.p.weights;
    let step = inst.step;
    let cnt = k.members.len() as f64;
    let c = &inst.p.agents[k.members[0]].contract;
    let y = |o: usize| k.y[o];
    let mut pday: BTreeMap<i64, (f64, Weekday)> = BTreeMap::new();
    let mut pweek = vec![(0.0, 0.0); inst.weeks];
    for s in inst.fixed().filter(|s| k.members.contains(&s.agent)) {
        pday.entry(s.day).or_insert((0.0, s.weekday)).0 += 1.0;
        pweek[s.week].0 += inst.hours(s.len_t);
        pweek[s.week].1 += 1.0;
    }
    // Day expressions (option counts + pinned constants).
    let mut days: BTreeMap<i64, (Expression, f64, f64, Weekday)> = BTreeMap::new();
    for (d, os) in k.by_day {
        let mut e = Expression::default();
        let mut wv = 0.0;
        for &o in os {
            if let Some(v) = y(o) {
                e.add_mul(1.0, v);
                wv += k.warm[o];
            }
        }
        days.insert(*d, (e, 0.0, wv, k.options[os[0]].weekday));
    }
    for (d, (n, wd)) in &pday {
        let ent = days
            .entry(*d)
            .or_insert((Expression::default(), 0.0, 0.0, *wd));
        ent.1 += n;
        ent.2 += n;
    }
    // Fixed shifts may already pass a limit (held ones come from another plan): the rows then
    // forbid going further instead of making the model infeasible.
    for (e, pc, _, _) in days.values() {
        b.cons.push(e.clone().leq((cnt - pc).max(0.0)));
    }
    // Weekly hours, shifts, minimum.
    for (wk, &(pinned_h, pinned_n)) in pweek.iter().enumerate() {
        let mut hours = Expression::default();
        let mut n = Expression::default();
        let mut wh = pinned_h;
        for (o, opt) in k.options.iter().enumerate().filter(|(_, o)| o.week == wk) {
            let Some(v) = y(o) else { continue };
            hours.add_mul(inst.hours(opt.len_t), v);
            n.add_mul(1.0, v);
            wh += inst.hours(opt.len_t) * k.warm[o];
        }
        b.cons.push(
            hours
                .clone()
                .leq((cnt * c.max_hours_per_week - pinned_h).max(0.0)),
        );
        b.cons
            .push(n.leq((cnt * f64::from(c.max_shifts_per_week) - pinned_n).max(0.0)));
        let need = cnt * c.min_hours_per_week;
        if need > 0.0 && inst.agents[k.members[0]].min_attainable[wk] {
            let s = b.var(variable().min(0.0), (need - wh).max(0.0), w.min_hours);
            b.cons.push((hours + s).geq(need - pinned_h));
        }
    }
    // Rest: an agent works at most one option of a (day, end) class or one
    // later option starting within the rest period after it.
    let rest_t = ((c.min_rest_hours * 60.0).ceil() as i64 + step - 1) / step;
    let mut ends: BTreeMap<(i64, usize), Vec<usize>> = BTreeMap::new();
    for (o, opt) in k
        .options
        .iter()
        .enumerate()
        .filter(|&(o, _)| y(o).is_some())
    {
        ends.entry((opt.day, opt.start_t + opt.len_t))
            .or_default()
            .push(o);
    }
    for ((d, e), os) in &ends {
        let lim = *e as i64 + rest_t;
        let conflict: Vec<usize> = (0..k.options.len())
            .filter(|&o| {
                y(o).is_some() && k.options[o].day > *d && (k.options[o].start_t as i64) < lim
            })
            .collect();
        if conflict.is_empty() {
            continue;
        }
        let mut ex = Expression::default();
        for &o in os.iter().chain(conflict.iter()) {
            if let Some(v) = y(o) {
                ex.add_mul(1.0, v);
            }
        }
        b.cons.push(ex.leq(cnt));
    }
    // Days in a row and days off together also reach back to days worked before the
    // period: constants like pinned days (a group never has prior days; see `grid`).
    let worked_before = Expression::default();
    let mut runs: BTreeMap<i64, (&Expression, f64)> = days
        .iter()
        .map(|(d, (e, pc, _, _))| (*d, (e, *pc)))
        .collect();
    for &d in &inst.agents[k.members[0]].prior_days {
        // Worked whatever the options of that local day do.
        runs.insert(d, (&worked_before, cnt));
    }
    let (dmin, dmax) = match (runs.keys().next(), runs.keys().next_back()) {
        (Some(a), Some(z)) => (*a, *z),
        _ => return,
    };
    let wexp = |d: i64| runs.get(&d).map(|&(e, pc)| (e.clone(), pc));
    let kc = i64::from(c.max_consecutive_days);
    for d0 in dmin..=dmax - kc {
        let mut ex = Expression::default();
        let mut pc = 0.0;
        for (e, p) in (d0..=d0 + kc).filter_map(wexp) {
            ex += e;
            pc += p;
        }
        b.cons.push(ex.leq((kc as f64 * cnt - pc).max(0.0)));
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
            b.cons.push(ex.leq((cnt - pc).max(0.0)));
        }
    }
    let mut wends: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (d, (_, _, _, wd)) in &days {
        if let Some(id) = weekend_id(*d, *wd) {
            wends.entry(id).or_default().push(*d);
        }
    }
    if wends.len() as u32 > c.max_weekends {
        let fixed = wends
            .values()
            .filter(|ds| ds.iter().any(|d| days[d].1 > 0.0))
            .count() as f64;
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
        b.cons
            .push(total.leq((cnt * f64::from(c.max_weekends)).max(fixed)));
    }
}

/// Fairness: for each unsocial kind (nights, weekends, shifts against preferences),
/// the members' load is split
/// into segments `s_k in [0, n]` costing `fairness * (k - 1)`: the LP value of the
/// cheapest split is exactly the summed [`super::greedy::fairness_cost`] of members
/// loaded as evenly as possible, which is how their shifts are handed out.
/// `warm(m)` is member `m`'s current count of each kind.
pub(crate) fn spread_unsocial(
    b: &mut Builder,
    options: &[Opt],
    members: &[usize],
    y: &[Variable],
    warm: &dyn Fn(usize) -> [u32; UNSOCIAL_KINDS],
    fairness: f64,
    weeks: usize,
) {
    let cnt = members.len() as f64;
    let per_member = 7 * weeks;
    for kind in 0..UNSOCIAL_KINDS {
        let mut load = Expression::default();
        let mut most = 0;
        for (o, opt) in options.iter().enumerate() {
            if opt.unsocial()[kind] {
                load.add_mul(1.0, y[o]);
                most += 1;
            }
        }
        if most == 0 {
            continue;
        }
        let mut segments = Expression::default();
        for k in 1..=per_member.min(most) {
            let loaded = members
                .iter()
                .filter(|&&m| warm(m)[kind] as usize >= k)
                .count() as f64;
            let s = b.var(
                variable().min(0.0).max(cnt),
                loaded,
                fairness * (k - 1) as f64,
            );
            segments.add_mul(1.0, s);
        }
        b.cons.push(segments.geq(load));
    }
}
