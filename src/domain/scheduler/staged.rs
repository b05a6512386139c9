//! How the built MIP is solved inside a time budget. HiGHS alone spends most of a
//! short budget in root cut rounds that barely move the bound before its sub-MIP
//! heuristics run, so the budget is staged:
//! 1. the LP relaxation, with the whole budget if it needs it (the full MIP would
//!    solve it first anyway): its optimum is a valid lower bound of the MIP;
//! 2. RENS: the MIP with every integer column fixed where the LP optimum is already
//!    integral, so only the fractional decisions are searched;
//!    if that finds nothing better than the warm start (many fractional columns),
//!    the same search without the week-pattern rows still yields a solution that
//!    follows the LP, for the split only;
//! 3. the full MIP, warm-started from the better of that solution and the greedy
//!    warm start, for the time left, unless the incumbent is already within the
//!    requested gap of the LP bound.
//!
//! Every distinct solution found is returned as a candidate: the roster built from
//! a solution that follows the LP (even one the model rates worse, say for contract
//! minimums the roster's repair then meets) can beat the model's best once split
//! among agents. The reported bound is the better of the LP optimum and HiGHS's
//! dual bound.

use super::contract_rows::Builder;
use super::roster::SolverStatus;
use super::SolveOptions;
use good_lp::{highs, variable, Constraint, Expression, ProblemVariables, SolverModel};
use std::time::Instant;

pub(crate) struct Solved {
    /// (value per column in the order the variables were added, model objective):
    /// solutions of the whole model, best first, then any of the model without its
    /// tightening rows.
    pub candidates: Vec<(Vec<f64>, f64)>,
    /// Best solution of the whole model (the warm start's if none was found).
    pub objective: f64,
    pub bound: f64,
    /// Of `objective`.
    pub gap: f64,
    pub status: SolverStatus,
}

struct Run {
    cols: Vec<f64>,
    objective: f64,
    /// HiGHS's dual bound (for an LP, its optimum).
    bound: f64,
    optimal: bool,
}

fn seconds_left(deadline: Instant) -> f64 {
    deadline
        .saturating_duration_since(Instant::now())
        .as_secs_f64()
}

/// Solve `vars` (with their definitions changed by `shape`) under `cons`.
fn run(
    vars: &ProblemVariables,
    shape: &dyn Fn(usize, &good_lp::VariableDefinition) -> good_lp::VariableDefinition,
    obj: &Expression,
    cons: &[Constraint],
    warm: Option<&[f64]>,
    opts: &SolveOptions,
    seconds: f64,
) -> Result<Option<Run>, String> {
    let mut shaped = ProblemVariables::new();
    for (i, (_, def)) in vars.iter_variables_with_def().enumerate() {
        shaped.add(shape(i, def));
    }
    let mut problem = shaped.minimise(obj.clone()).using(highs);
    for c in cons {
        problem.add_constraint(c.clone());
    }
    let mut model = problem.try_into_inner().map_err(|e| e.to_string())?;
    model.set_option("output_flag", opts.verbose);
    model.set_option("log_to_console", opts.verbose);
    model.set_option("time_limit", seconds.max(0.2));
    model.set_option("mip_rel_gap", opts.mip_gap);
    model.set_option("threads", 1);
    model.set_option("random_seed", opts.seed);
    // More primal heuristics: with a time limit, incumbents matter more than cuts.
    model.set_option("mip_heuristic_effort", 0.3);
    if let Some(w) = warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| format!("{e:?}"))?;
    }
    let solved = model.try_solve().map_err(|e| format!("{e:?}"))?;
    if solved
        .int_info_value(c"primal_solution_status")
        .unwrap_or(0)
        != 2
    {
        return Ok(None);
    }
    let status = format!("{:?}", solved.status());
    let objective = solved.objective_value();
    let bound = solved
        .double_info_value(c"mip_dual_bound")
        .ok()
        .filter(|b| b.is_finite())
        .unwrap_or(if status == "Optimal" {
            objective
        } else {
            f64::NEG_INFINITY
        });
    Ok(Some(Run {
        cols: solved.get_solution().columns().to_vec(),
        objective,
        bound,
        optimal: status == "Optimal",
    }))
}

/// What one run from the warm start gave.
pub(crate) struct Improved {
    /// Value per column.
    pub cols: Vec<f64>,
    pub objective: f64,
    /// The warm start's objective in the same model.
    pub warm_objective: f64,
}

/// One MIP run of the whole model from its warm start, for re-optimising a part of
/// a roster whose current shifts are already a good incumbent: HiGHS's improvement
/// heuristics start from it at once. `None` when HiGHS kept nothing (no time).
pub(crate) fn from_warm_start(
    b: Builder,
    opts: &SolveOptions,
    deadline: Instant,
) -> Result<Option<Improved>, String> {
    let Builder {
        vars,
        warm,
        obj,
        mut cons,
        tightening,
        ..
    } = b;
    cons.extend(tightening);
    let warm_objective = objective_at(&vars, &obj, &warm);
    let as_is = |_: usize, d: &good_lp::VariableDefinition| d.clone();
    let run = run(
        &vars,
        &as_is,
        &obj,
        &cons,
        Some(&warm),
        opts,
        seconds_left(deadline),
    )?;
    Ok(run.map(|r| Improved {
        cols: r.cols,
        objective: r.objective,
        warm_objective,
    }))
}

/// The objective at `values` (one per column, in order).
fn objective_at(vars: &ProblemVariables, obj: &Expression, values: &[f64]) -> f64 {
    let at: std::collections::HashMap<good_lp::Variable, f64> = vars
        .iter_variables_with_def()
        .map(|(v, _)| v)
        .zip(values.iter().copied())
        .collect();
    obj.eval_with(&at)
}

/// `(objective - bound) / |objective|`, never negative.
pub(crate) fn relative_gap(objective: f64, bound: f64) -> f64 {
    ((objective - bound) / objective.abs().max(1e-9)).max(0.0)
}

pub(crate) fn solve(b: Builder, opts: &SolveOptions, deadline: Instant) -> Result<Solved, String> {
    let Builder {
        vars,
        warm,
        fixable,
        obj,
        mut cons,
        tightening,
    } = b;
    let loose = cons.len();
    let tightened = !tightening.is_empty();
    cons.extend(tightening);
    let defs: Vec<good_lp::VariableDefinition> = vars
        .iter_variables_with_def()
        .map(|(_, d)| d.clone())
        .collect();
    let as_is = |_: usize, d: &good_lp::VariableDefinition| d.clone();
    let relaxed =
        |_: usize, d: &good_lp::VariableDefinition| variable().min(d.get_min()).max(d.get_max());
    let lp = run(
        &vars,
        &relaxed,
        &obj,
        &cons,
        None,
        opts,
        seconds_left(deadline),
    )?
    .filter(|r| r.optimal);
    let lp_bound = lp.as_ref().map_or(f64::NEG_INFINITY, |r| r.objective);
    let warm_objective = objective_at(&vars, &obj, &warm);
    // Solutions of the whole model, and solutions of the model without its
    // tightening rows (only ever candidates for the split, never the answer's gap).
    let mut found: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut loose_found: Vec<(Vec<f64>, f64)> = Vec::new();
    if let Some(lp) = &lp {
        let integral = |i: usize| {
            let v = lp.cols.get(i).copied().unwrap_or(f64::NAN);
            let may_fix = defs[i].is_integer() && fixable.get(i).copied().unwrap_or(true);
            (may_fix && (v - v.round()).abs() < 1e-6).then_some(v.round())
        };
        let fixed = |i: usize, d: &good_lp::VariableDefinition| match integral(i) {
            Some(v) => d.clone().min(v).max(v),
            None => d.clone(),
        };
        let share = if tightened { 0.35 } else { 0.5 };
        if let Some(r) = run(
            &vars,
            &fixed,
            &obj,
            &cons,
            None,
            opts,
            seconds_left(deadline) * share,
        )? {
            found.push((r.cols, r.objective));
        }
        // With many fractional columns the tightening rows can keep HiGHS from any
        // solution in a short budget; the same search without them still gives the
        // split a solution that follows the LP.
        if tightened && found.first().is_none_or(|f| f.1 >= warm_objective) {
            if let Some(r) = run(
                &vars,
                &fixed,
                &obj,
                &cons[..loose],
                None,
                opts,
                seconds_left(deadline) * 0.5,
            )? {
                loose_found.push((r.cols, r.objective));
            }
        }
    }
    let mut bound = lp_bound;
    let best_so_far = found
        .first()
        .map_or(warm_objective, |(_, o)| o.min(warm_objective));
    if relative_gap(best_so_far, lp_bound) > opts.mip_gap && seconds_left(deadline) > 0.2 {
        let start = match found.first() {
            Some((c, o)) if *o < warm_objective => &c[..],
            _ => &warm[..],
        };
        if let Some(r) = run(
            &vars,
            &as_is,
            &obj,
            &cons,
            Some(start),
            opts,
            seconds_left(deadline),
        )? {
            bound = bound.max(r.bound);
            found.push((r.cols, r.objective));
        }
    }
    answer(
        found,
        loose_found,
        (warm, warm_objective),
        bound,
        opts.mip_gap,
    )
}

/// The MIP's answer from the stage solutions of the whole model (`found`), those of
/// the model without its tightening rows (`loose`), the warm start and the bound.
/// A stage can return a solution worse than the warm start (the RENS stage never
/// sees it), and the warm start is a solution of the whole model too, so the
/// reported objective and gap are never worse than the warm start's.
fn answer(
    mut found: Vec<(Vec<f64>, f64)>,
    loose: Vec<(Vec<f64>, f64)>,
    (warm, warm_objective): (Vec<f64>, f64),
    bound: f64,
    mip_gap: f64,
) -> Result<Solved, String> {
    found.sort_by(|a, b| a.1.total_cmp(&b.1));
    found.dedup_by(|a, b| a.0 == b.0);
    let objective = found
        .first()
        .map_or(warm_objective, |(_, o)| o.min(warm_objective));
    let gap = relative_gap(objective, bound);
    if found.is_empty() && gap <= mip_gap {
        // The warm start is already within the gap: it is the MIP's answer.
        found.push((warm, warm_objective));
    }
    found.extend(loose);
    if found.is_empty() {
        return Err("no MIP solution in the time limit".into());
    }
    let status = if gap <= 1e-6 {
        SolverStatus::Optimal
    } else if gap <= mip_gap {
        SolverStatus::GapLimit
    } else {
        SolverStatus::TimeLimit
    };
    Ok(Solved {
        candidates: found,
        objective,
        bound,
        gap,
        status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_worse_than_the_warm_start_never_worsens_the_reported_objective() {
        let stage = (vec![2.0, 0.0], 12.0);
        let a = answer(
            vec![stage.clone()],
            vec![],
            (vec![1.0, 1.0], 10.0),
            9.0,
            0.01,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.objective, 10.0);
        assert!((a.gap - 0.1).abs() < 1e-12);
        assert_eq!(a.status, SolverStatus::TimeLimit);
        // The stage's solution is still offered to the split (it may split better).
        assert_eq!(a.candidates, vec![stage]);
    }

    #[test]
    fn candidates_are_best_first_with_loose_solutions_last() {
        let loose = (vec![9.0], 1.0);
        let a = answer(
            vec![(vec![3.0], 7.0), (vec![2.0], 5.0), (vec![2.0], 5.0)],
            vec![loose.clone()],
            (vec![4.0], 8.0),
            5.0,
            0.0,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.objective, 5.0);
        assert_eq!(a.status, SolverStatus::Optimal);
        // Loose solutions never set the objective, even when cheaper.
        assert_eq!(
            a.candidates,
            vec![(vec![2.0], 5.0), (vec![3.0], 7.0), loose]
        );
    }

    #[test]
    fn a_warm_start_within_the_gap_is_the_answer_and_none_is_an_error() {
        let a = answer(vec![], vec![], (vec![1.0], 100.0), 99.5, 0.01)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.status, SolverStatus::GapLimit);
        assert_eq!(a.candidates, vec![(vec![1.0], 100.0)]);
        assert!(answer(vec![], vec![], (vec![1.0], 100.0), 50.0, 0.01).is_err());
    }
}
