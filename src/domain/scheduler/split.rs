//! Exact split of one group's MIP counts among its members. The group MIP only
//! relaxes the per-agent rules of a group of several identical agents, so handing
//! its shifts out one by one can strand some. This small MIP gives each member a
//! binary choice per wanted option with that member's exact rules, and places as
//! many of the wanted shifts (weighted by their hours) as the rules allow, with
//! contract minimums and the fairness spread priced as in the main model.

use super::budget::Budget;
use super::contract_rows::{add_contract_rows, spread_unsocial, Builder, Counts};
use super::grid::Inst;
use super::options::{Opt, UNSOCIAL_KINDS};
use super::staged::set_option;
use good_lp::{highs, variable, SolverModel, Variable};
use std::collections::BTreeMap;

/// Per member of group `gi` (in member order): the options it works. `None` when
/// HiGHS found no solution within `budget`.
pub(crate) fn split_group(
    inst: &Inst,
    gi: usize,
    counts: &[u32],
    budget: &Budget,
) -> Option<Vec<Vec<usize>>> {
    let g = &inst.groups[gi];
    let w = &inst.p.weights;
    let wanted: Vec<usize> = (0..counts.len()).filter(|&o| counts[o] > 0).collect();
    let options: Vec<Opt> = wanted.iter().map(|&o| g.options[o].clone()).collect();
    let mut by_day: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (j, opt) in options.iter().enumerate() {
        by_day.entry(opt.day).or_default().push(j);
    }
    let mut b = Builder::new();
    let warm = vec![0.0; options.len()];
    // Per member: (HiGHS column, option) of each binary.
    let mut chosen: Vec<Vec<(usize, usize)>> = Vec::with_capacity(g.members.len());
    let mut taken: Vec<good_lp::Expression> = vec![Default::default(); options.len()];
    for &m in &g.members {
        let (y, ycols): (Vec<Variable>, Vec<usize>) = options
            .iter()
            .map(|opt| {
                let value = w.under[0] * inst.hours(opt.len_t);
                b.var_idx(variable().binary(), 0.0, -value)
            })
            .unzip();
        for (j, &v) in y.iter().enumerate() {
            taken[j].add_mul(1.0, v);
        }
        let some: Vec<Option<Variable>> = y.iter().copied().map(Some).collect();
        add_contract_rows(
            &mut b,
            inst,
            &Counts {
                options: &options,
                by_day: &by_day,
                y: &some,
                warm: &warm,
                members: &[m],
            },
        );
        if w.fairness > 0.0 {
            spread_unsocial(
                &mut b,
                &options,
                &[m],
                &y,
                &|_| [0; UNSOCIAL_KINDS],
                w.fairness,
                inst.weeks,
            );
        }
        chosen.push(ycols.into_iter().zip(wanted.iter().copied()).collect());
    }
    for (j, e) in taken.into_iter().enumerate() {
        b.cons.push(e.leq(f64::from(counts[wanted[j]])));
    }
    if budget.left() < 0.05 {
        return None;
    }
    let Builder {
        vars, obj, cons, ..
    } = b;
    let size = vars.len() + cons.len();
    let mut problem = vars.minimise(obj).using(highs);
    for c in cons {
        problem.add_constraint(c);
    }
    let mut model = problem.try_into_inner().ok()?;
    // A refused option ends this hand-out like a failed solve: the caller falls back.
    set_option(&mut model, "output_flag", false).ok()?;
    set_option(&mut model, "threads", 1).ok()?;
    set_option(&mut model, "random_seed", 0).ok()?;
    set_option(&mut model, "mip_rel_gap", 1e-4).ok()?;
    let solved = super::staged::solve_within(model, size, budget, None).ok()?;
    if solved
        .int_info_value(c"primal_solution_status")
        .unwrap_or(0)
        != 2
    {
        return None;
    }
    let sol = solved.get_solution();
    let cols = sol.columns();
    Some(
        chosen
            .iter()
            .map(|list| {
                list.iter()
                    .filter(|&&(col, _)| cols.get(col).is_some_and(|&x| x > 0.5))
                    .map(|&(_, o)| o)
                    .collect()
            })
            .collect(),
    )
}
