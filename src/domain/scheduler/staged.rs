//! How the built MIP is solved inside a time budget. HiGHS alone spends most of a
//! short budget in root cut rounds that barely move the bound before its sub-MIP
//! heuristics run, so the budget is staged:
//! 1. [`relax`]: the LP relaxation, with the whole budget if it needs it (the full
//!    MIP would solve it first anyway): its optimum is a valid lower bound of the MIP,
//!    and the guide of RENS and of the rounded roster ([`super::pipeline`]);
//! 2. [`search`], RENS: the MIP with every integer column fixed where the LP optimum
//!    is already integral, so only the fractional decisions are searched;
//!    if that finds nothing better than the warm start (many fractional columns),
//!    the same search without the week-pattern rows still yields a solution that
//!    follows the LP, for the split only;
//! 3. the full MIP, warm-started from the better of that solution and the warm
//!    start, for the time left, unless the incumbent is already within the
//!    requested gap of the LP bound, or the LP took long ([`LONG_LP`]) and the
//!    time left cannot hold the root node ([`ROOT_NODE_LPS`]).
//!
//! Every distinct solution found is returned as a candidate: the roster built from
//! a solution that follows the LP (even one the model rates worse, say for contract
//! minimums the roster's repair then meets) can beat the model's best once split
//! among agents. The reported bound is the better of the LP optimum and HiGHS's
//! dual bound. HiGHS alone on the whole model from its warm start is what the
//! pipeline runs beside the stages ([`from_warm_start`]) and stops through
//! [`super::highs_ffi`].

use super::budget::Budget;
use super::contract_rows::Builder;
use super::highs_ffi::{Interrupt, WorkLimit};
use super::roster::SolverStatus;
use super::SolveOptions;
use good_lp::{highs, variable, Constraint, Expression, ProblemVariables, SolverModel};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Duration;

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
}

/// How a run solves beyond the common options.
#[derive(Default, Clone, Copy)]
struct How<'a> {
    /// Stop soon after this is set.
    stop: Option<&'a AtomicBool>,
    /// Solve an LP by the interior-point method.
    interior_point: bool,
    /// A start for a MIP: a value per column.
    warm: Option<&'a [f64]>,
}

struct Run {
    cols: Vec<f64>,
    objective: f64,
    /// HiGHS's dual bound (for an LP, its optimum).
    bound: f64,
    optimal: bool,
}

/// Ticks of work (see [`super::budget`]) one simplex iteration inside a HiGHS run on a
/// model with `size` rows and columns counts. Measured on the reference machine: 175 to
/// 330 µs an iteration, from sub-MIPs of a few hundred rows and columns to the S
/// benchmark's MIP of 21 000.
fn ticks_per_iteration(size: usize) -> u64 {
    250 + size as u64 / 200
}

/// Ticks of one interior-point iteration: a factorisation of the whole model (S's LP:
/// 40 ms an iteration for 21 000 rows and columns, M's 59 ms for 37 000).
fn ticks_per_ipm_iteration(size: usize) -> u64 {
    2 * size as u64
}

/// Ticks of one check of a MIP's limits on a model with `size` rows and columns: a
/// root separation round or a node, each a pass over the model (which is also where the
/// root's analytic centre and central rounding, which do no simplex iterations, show).
fn ticks_per_check(size: usize) -> u64 {
    CHECK_TICKS_PER_ROW * size as u64
}

/// HiGHS's root node on these models ends about ten LPs after the solve started, an
/// LP being the interior-point solve of the relaxation (S: about 16 s against 1.4-2.0
/// s), and one of its steps, central rounding, checks neither the time limit nor the
/// stop flag; neither do the LPs HiGHS solves inside a MIP (its inner LP solver does
/// not get the callback).
pub(crate) const ROOT_NODE_LPS: u32 = 10;

/// Whether a whole-model MIP has time for its root node, judged by how long the LP
/// relaxation (`lp`) took, with `left` until the deadline.
pub(crate) fn root_node_has_time(lp: Duration, left: Duration) -> bool {
    lp.checked_mul(ROOT_NODE_LPS)
        .is_some_and(|root| left >= root)
}

/// An LP relaxation at least this long marks a model whose root-node steps, which
/// HiGHS does not interrupt, run for minutes (M over six weeks ran a minute past a
/// 306-s limit). Below it they take seconds at most, and the stages' last MIP pays
/// even when cut short: on S it gave the 5-s roster, and it keeps the rival beside it
/// searching (BENCHMARKS.md, *Planning periods of two to six weeks*).
const LONG_LP: Duration = Duration::from_secs(5);

/// Whether the stages' last step, HiGHS on the whole model, may start on the clock
/// with `left` to go, the LP relaxation having taken `lp`: after a long LP only with
/// time for its root node.
fn last_stage_may_start(lp: Duration, left: Duration) -> bool {
    lp < LONG_LP || root_node_has_time(lp, left)
}

/// Whether a MIP with `size` rows and columns may start within `budget`. HiGHS solves a
/// MIP's root LP without the interrupt callback (the LP solver it runs there has none), so
/// a work budget must cover that LP, about one simplex iteration per row and column on
/// these models; otherwise the MIP would run on past the work limit until its root LP
/// ends (seen: 13 units of work in a share of 0.6). A timed budget always may: HiGHS
/// hears its clock inside that LP.
pub(crate) fn root_lp_fits(budget: &Budget, size: usize) -> bool {
    budget
        .ticks_left()
        .is_none_or(|left| left >= ticks_per_iteration(size).saturating_mul(size as u64))
}

/// See [`ticks_per_check`].
const CHECK_TICKS_PER_ROW: u64 = 15;

/// Solve `model`, which has `size` rows and columns, within `budget`: its clock as
/// HiGHS's time limit; its work through the interrupt callback (with `stop`); the work
/// done is charged to it, setting up the model included.
pub(crate) fn solve_within(
    mut model: ::highs::Model,
    size: usize,
    budget: &Budget,
    stop: Option<&AtomicBool>,
) -> Result<::highs::SolvedModel, String> {
    set_option(
        &mut model,
        "time_limit",
        budget.seconds_to_hard_cap().max(0.2),
    )?;
    let when = Interrupt {
        stop,
        work: budget.ticks_left().map(|limit| WorkLimit {
            per_iteration: ticks_per_iteration(size),
            per_check: ticks_per_check(size),
            limit,
            checks: AtomicU64::new(0),
        }),
    };
    if when.stop.is_some() || when.work.is_some() {
        // SAFETY: `model` is a live HiGHS instance, and `when` lives until the end of
        // this function, which ends with the one solve this instance runs.
        unsafe { super::highs_ffi::interrupt_on(model.as_mut_ptr(), &when)? };
    }
    let solved = model.try_solve().map_err(|e| format!("{e:?}"));
    let mut ticks = size as u64;
    if let (Ok(solved), Some(work)) = (&solved, &when.work) {
        let count = |name: &std::ffi::CStr| {
            u64::try_from(solved.int_info_value(name).unwrap_or(0)).unwrap_or(0)
        };
        let simplex = count(c"simplex_iteration_count") + count(c"crossover_iteration_count");
        let ipm = count(c"ipm_iteration_count");
        ticks += work.ticks(simplex) + ipm * ticks_per_ipm_iteration(size);
    }
    budget.charge(ticks);
    // HiGHS stopped by its time limit ends a work-limited solve on the clock.
    budget.clock_ended();
    solved
}

/// Set a HiGHS option; a value HiGHS refuses is an error where the highs crate's
/// `set_option` would panic.
pub(super) fn set_option<V: ::highs::HighsOptionValue>(
    model: &mut ::highs::Model,
    name: &str,
    value: V,
) -> Result<(), String> {
    model
        .try_set_option(name, value)
        .map_err(|e| format!("HiGHS refused its option {name}: {e:?}"))
}

/// Solve `vars` (with their definitions changed by `shape`) under `cons`.
fn run(
    vars: &ProblemVariables,
    shape: &dyn Fn(usize, &good_lp::VariableDefinition) -> good_lp::VariableDefinition,
    obj: &Expression,
    cons: &[Constraint],
    opts: &SolveOptions,
    budget: &Budget,
    how: How<'_>,
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
    // The gap and the seed come from the caller, and HiGHS refuses values out of its
    // range: an error then, where `set_option` would panic.
    set_option(&mut model, "output_flag", opts.verbose)?;
    set_option(&mut model, "log_to_console", opts.verbose)?;
    set_option(&mut model, "mip_rel_gap", opts.mip_gap)?;
    set_option(&mut model, "threads", 1)?;
    set_option(&mut model, "random_seed", opts.seed)?;
    // More primal heuristics: with a time limit, incumbents matter more than cuts.
    set_option(&mut model, "mip_heuristic_effort", 0.3)?;
    if let Some(w) = how.warm {
        model
            .try_set_solution(Some(w), None, None, None)
            .map_err(|e| format!("{e:?}"))?;
    }
    if how.interior_point {
        // Barrier, then crossover to a vertex (RENS and rounding want one): on these
        // models several times faster than the dual simplex (L: 17 s against 57 s).
        set_option(&mut model, "solver", "ipm")?;
    }
    let size = vars.len() + cons.len();
    let solved = solve_within(model, size, budget, how.stop)?;
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
    /// HiGHS's dual bound when it stopped.
    pub bound: f64,
}

/// One MIP run of the whole model from its warm start, within `budget` or until
/// `stop` is set. For re-optimising a part of a roster whose current shifts are
/// already a good incumbent (HiGHS's improvement heuristics start from it at once),
/// and as the rival of the stages: on small models HiGHS's own search finds better
/// solutions than the stages once it has tens of seconds. `None` when HiGHS kept
/// nothing (no time).
pub(crate) fn from_warm_start(
    b: Builder,
    opts: &SolveOptions,
    budget: &Budget,
    stop: Option<&AtomicBool>,
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
        opts,
        budget,
        How {
            warm: Some(&warm),
            stop,
            ..How::default()
        },
    )?;
    Ok(run.map(|r| Improved {
        cols: r.cols,
        objective: r.objective,
        warm_objective,
        bound: r.bound,
    }))
}

/// Write the whole model of `b` (integrality and tightening rows included) to `path`.
pub(crate) fn write_model(b: &Builder, path: &str) -> Result<(), String> {
    let mut problem = b.vars.clone().minimise(b.obj.clone()).using(highs);
    for c in b.cons.iter().chain(&b.tightening) {
        problem.add_constraint(c.clone());
    }
    let mut model = problem.try_into_inner().map_err(|e| e.to_string())?;
    // SAFETY: `model` is a live HiGHS instance for the whole call.
    unsafe { super::highs_ffi::write_model(model.as_mut_ptr(), path) }
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

/// The LP relaxation's optimum: a valid lower bound of the MIP, and the guide of
/// RENS and of the rounded roster.
pub(crate) struct Relaxed {
    /// Value per column.
    pub cols: Vec<f64>,
    pub bound: f64,
}

/// Solve the LP relaxation of `b`: the interior-point method with crossover to a
/// vertex (RENS and rounding want one), several times faster than the dual simplex
/// on these models (L: 17 s against 57 s). `None` when it does not finish in time.
/// HiGHS's interior-point solver hears no work limit: the LP runs to its end, or to
/// the clock.
pub(crate) fn relax(
    b: &Builder,
    opts: &SolveOptions,
    budget: &Budget,
) -> Result<Option<Relaxed>, String> {
    let relaxed =
        |_: usize, d: &good_lp::VariableDefinition| variable().min(d.get_min()).max(d.get_max());
    let mut cons = b.cons.clone();
    cons.extend(b.tightening.iter().cloned());
    let how = How {
        interior_point: true,
        ..How::default()
    };
    let lp = run(&b.vars, &relaxed, &b.obj, &cons, opts, budget, how)?;
    Ok(lp.filter(|r| r.optimal).map(|r| Relaxed {
        cols: r.cols,
        bound: r.objective,
    }))
}

/// Whether the warm start of `b` is already within `mip_gap` of the LP bound: then
/// [`search`] returns it at once, without a MIP run.
pub(crate) fn warm_start_within_gap(b: &Builder, lp: Option<&Relaxed>, mip_gap: f64) -> bool {
    let bound = lp.map_or(f64::NEG_INFINITY, |r| r.bound);
    within_gap(objective_at(&b.vars, &b.obj, &b.warm), bound, mip_gap)
}

fn within_gap(objective: f64, bound: f64, mip_gap: f64) -> bool {
    relative_gap(objective, bound) <= mip_gap
}

/// The MIP stages after the LP relaxation `lp`, solved in `lp_time` (see the module
/// docs), from the warm start in `b`, within `budget`.
pub(crate) fn search(
    b: Builder,
    lp: Option<&Relaxed>,
    lp_time: Duration,
    opts: &SolveOptions,
    budget: &Budget,
) -> Result<Solved, String> {
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
    let lp_bound = lp.map_or(f64::NEG_INFINITY, |r| r.bound);
    let warm_objective = objective_at(&vars, &obj, &warm);
    // Solutions of the whole model, and solutions of the model without its
    // tightening rows (only ever candidates for the split, never the answer's gap).
    let mut found: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut loose_found: Vec<(Vec<f64>, f64)> = Vec::new();
    let close_enough = within_gap(warm_objective, lp_bound, opts.mip_gap);
    if let Some(lp) = lp.filter(|_| !close_enough) {
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
            opts,
            &budget.share(share, 0.0),
            How::default(),
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
                opts,
                &budget.share(0.5, 0.0),
                How::default(),
            )? {
                loose_found.push((r.cols, r.objective));
            }
        }
    }
    let mut bound = lp_bound;
    let best_so_far = found
        .first()
        .map_or(warm_objective, |(_, o)| o.min(warm_objective));
    let may_start_last_stage = || {
        budget.counts_work()
            || last_stage_may_start(
                lp_time,
                Duration::from_secs_f64(budget.left().clamp(0.0, 1e9)),
            )
    };
    if relative_gap(best_so_far, lp_bound) > opts.mip_gap
        && budget.left() > 0.2
        && may_start_last_stage()
    {
        let start = match found.first() {
            Some((c, o)) if *o < warm_objective => &c[..],
            _ => &warm[..],
        };
        if let Some(r) = run(
            &vars,
            &as_is,
            &obj,
            &cons,
            opts,
            budget,
            How {
                warm: Some(start),
                ..How::default()
            },
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
    Ok(Solved {
        candidates: found,
        objective,
        bound,
        gap,
    })
}

pub(crate) fn status_of(gap: f64, mip_gap: f64) -> SolverStatus {
    if gap <= 1e-6 {
        SolverStatus::Optimal
    } else if gap <= mip_gap {
        SolverStatus::GapLimit
    } else {
        SolverStatus::TimeLimit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

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
        assert_eq!(status_of(a.gap, 0.01), SolverStatus::TimeLimit);
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
        assert_eq!(status_of(a.gap, 0.0), SolverStatus::Optimal);
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
        assert_eq!(status_of(a.gap, 0.01), SolverStatus::GapLimit);
        assert_eq!(a.candidates, vec![(vec![1.0], 100.0)]);
        assert!(answer(vec![], vec![], (vec![1.0], 100.0), 50.0, 0.01).is_err());
    }

    /// A multi-dimensional knapsack that HiGHS cannot close in presolve, with the
    /// empty selection (objective 0) as its warm start.
    fn knapsack() -> Builder {
        let mut b = Builder::new();
        let mut rows = vec![Expression::default(); 4];
        let mut seed = 7u64;
        for _ in 0..60 {
            let x = b.var(variable().binary(), 0.0, 0.0);
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let value = 10.0 + (seed >> 40) as f64 % 90.0;
            b.obj.add_mul(-value, x);
            for row in rows.iter_mut() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                row.add_mul(5.0 + (seed >> 40) as f64 % 45.0, x);
            }
        }
        for row in rows {
            b.cons.push(row.leq(500.0));
        }
        b
    }

    #[test]
    fn an_option_highs_refuses_is_an_error_not_a_panic() {
        let opts = SolveOptions {
            mip_gap: -1.0,
            ..SolveOptions::default()
        };
        match from_warm_start(knapsack(), &opts, &far(), None) {
            Err(e) => assert!(e.contains("mip_rel_gap"), "{e}"),
            Ok(r) => panic!("solved with a negative gap: {:?}", r.map(|r| r.objective)),
        }
    }

    #[test]
    fn a_set_stop_flag_ends_the_whole_model_run_at_once() {
        let opts = SolveOptions::default();
        let solved = from_warm_start(knapsack(), &opts, &far(), Some(&AtomicBool::new(false)))
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no solution"));
        assert!(solved.objective < -100.0, "{}", solved.objective);
        // Stopped before it starts: HiGHS hands back the warm start, not a search result.
        let stopped = from_warm_start(knapsack(), &opts, &far(), Some(&AtomicBool::new(true)))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(stopped.is_none_or(|r| r.objective == 0.0));
    }

    /// Ten minutes on the clock: far more than the knapsack needs.
    fn far() -> Budget {
        Budget::timed(Instant::now() + std::time::Duration::from_secs(600))
    }

    /// The knapsack from its empty warm start, HiGHS stopped by a work limit of
    /// `units`: (objective, ticks charged).
    fn knapsack_within(units: f64) -> (f64, u64) {
        let hard = Instant::now() + std::time::Duration::from_secs(600);
        let budget = Budget::work(units, hard);
        let r = from_warm_start(knapsack(), &SolveOptions::default(), &budget, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!budget.cut_by_clock());
        let ticks = budget.ticks_spent().unwrap_or_default();
        (r.map_or(0.0, |r| r.objective), ticks)
    }

    #[test]
    fn a_whole_model_mip_starts_only_with_time_for_its_root() {
        let secs = Duration::from_secs_f64;
        // S's LP took 1.6 s: 45 s left hold the root node, the 13 s of a 20-s solve do not.
        assert!(root_node_has_time(secs(1.6), secs(45.0)));
        assert!(!root_node_has_time(secs(1.6), secs(13.0)));
        let root = secs(1.6) * ROOT_NODE_LPS;
        assert!(root_node_has_time(secs(1.6), root));
        assert!(!root_node_has_time(
            secs(1.6),
            root - Duration::from_millis(1)
        ));
        // A small model's LP of milliseconds lets it start.
        assert!(root_node_has_time(secs(0.005), secs(1.0)));
        // No time left, or an LP so long that the product overflows: no start.
        assert!(!root_node_has_time(secs(0.005), Duration::ZERO));
        assert!(!root_node_has_time(Duration::MAX, Duration::MAX));
        // The stages' last MIP: after a short LP it always may (S's 1.6 s, 2 s left); after a
        // long one only with its root node's time (a 60-s LP wants ten minutes).
        assert!(last_stage_may_start(secs(1.6), secs(2.0)));
        assert!(!last_stage_may_start(secs(60.0), secs(200.0)));
        assert!(last_stage_may_start(secs(60.0), secs(600.0)));
    }

    #[test]
    fn a_mip_starts_on_a_work_budget_only_if_its_root_lp_fits() {
        let units = |u: f64| Budget::work(u, Instant::now() + std::time::Duration::from_secs(600));
        // 21 000 rows and columns: 355 ticks an iteration, so about 7.5 units for the root LP.
        assert!(!root_lp_fits(&units(0.6), 21_000));
        assert!(root_lp_fits(&units(8.0), 21_000));
        assert!(root_lp_fits(&units(0.6), 300));
        // The clock stops HiGHS inside its root LP.
        assert!(root_lp_fits(&far(), 21_000));
    }

    #[test]
    fn a_work_limit_stops_highs_at_the_same_point_every_run() {
        let (unlimited, full_work) = knapsack_within(1e6);
        assert!(unlimited < -100.0, "{unlimited}");
        // A work limit of a tenth of what the whole search took stops it early.
        let tenth = full_work as f64 / 10.0 / super::super::budget::WORK_UNIT;
        let (stopped, stopped_work) = knapsack_within(tenth);
        assert!(stopped_work < full_work, "{stopped_work} of {full_work}");
        assert!(stopped >= unlimited);
        // And at the same solution, with the same work counted, run after run.
        for _ in 0..3 {
            assert_eq!(knapsack_within(tenth), (stopped, stopped_work));
        }
    }
}
