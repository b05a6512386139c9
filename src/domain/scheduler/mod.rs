//! Pure scheduler for chatroster: a [`Problem`] value in, a [`Roster`] value out.
//!
//! Pipeline (sorted iteration, BTreeMaps, each HiGHS run on one thread with a fixed
//! seed: deterministic when it stops on the gap, the rival thread's work unused, or
//! on a work limit, which every phase counts instead of the clock ([`budget`])):
//! 1. [`grid`]: UTC interval grid; availability, time off and unavailable days
//!    become per-agent interval masks; agents with identical zone, languages,
//!    availability, time off, contract, preferences and templates form groups.
//! 2. [`options`]: shift options per group, generated in the agent's local time
//!    (start grid, local day, DST) and kept only inside availability and opening
//!    hours. Shift length is real elapsed time across DST changes.
//! 3. [`greedy`]: a feasible roster respecting every hard rule exactly, polished
//!    by [`local`] search (single-agent moves); it is the warm start of the MIP
//!    and the fallback.
//! 4. [`pipeline`]: the group MIP of [`model`] (see its docs, with
//!    [`contract_rows`]) inside nine tenths of the time left: its LP relaxation (the
//!    bound) rounded to whole shifts by running sums ([`model::round_cumulative`])
//!    gives a roster at once, the stages of [`staged`]
//!    (RENS, full MIP with a relative gap) start from the cheaper of it and the
//!    greedy roster, and with two threads HiGHS alone on the whole model runs beside
//!    them when they will search (their start is not yet within the gap) and the
//!    time left holds its root node; every solution found is a candidate.
//! 5. [`disaggregate`]: each candidate's group counts are handed to members with
//!    every rule checked exactly (unsocial shifts to the fewest, then fewest
//!    hours), with [`split`]'s per-member MIP where that strands a shift; then a
//!    greedy repair adds shifts that still pay off and meets contract minimums
//!    (kept only if the assembled roster gets cheaper), and the local search
//!    polishes the result.
//! 6. [`assemble`]: break slots (the MIP's, or staggered against the requirement
//!    curve) and an LP split of working agents among their open queues; the
//!    returned objective is computed on this final roster. The best of the
//!    candidates' rosters and the greedy roster is kept.
//! 7. [`refine`]: while time is left, a few agents at a time are re-solved
//!    exactly against what everyone else covers (large-neighbourhood search):
//!    agents below a contract minimum they could reach, then, while the roster
//!    is above the requested gap of the bound, the groups the split left short
//!    and the agents who can reach the largest shortfalls; a last local search
//!    uses any time left.
//!
//! Contract minimum hours: if unreachable with the agent's availability,
//! templates and max shifts, the minimum is treated as unattainable (not
//! enforced) and reported as `MinHoursUnattainable`; otherwise it is enforced
//! with a dominant penalty and any miss is reported as `MinHoursNotMet`.
//! Floors are enforced with a dominant penalty; every miss is reported with its
//! cause. Days are the agent's local calendar day of the shift start; week `k`
//! is local days `7k..7k+7` counted from the period's first date in the period's
//! zone (clamped to the period). At most one shift starts per local day.
//! Shifts worked before the period ([`Problem::history`]) count for rest, days
//! in a row and days off together across the period start: no option starts
//! inside the rest after the last one, their local days enter the exact rule
//! checks and the model's day rows as constants, and their agents are never
//! grouped with others. Shifts held for other queues inside the period
//! ([`Problem::held`]) are fixed shifts that cover nothing: every contract row
//! and check counts them like pinned ones, and a limit they pass alone only
//! forbids going further.

mod assemble;
mod budget;
mod check;
mod contract_rows;
mod diagnose;
mod disaggregate;
pub mod edit;
#[cfg(test)]
mod edit_tests;
mod greedy;
mod grid;
mod highs_ffi;
mod local;
mod model;
mod options;
mod output;
mod patterns;
mod pipeline;
pub mod problem;
pub mod recompute;
mod refine;
pub mod roster;
mod rules;
mod service;
mod split;
mod staged;
pub mod validate;
mod validate_rules;

pub use problem::*;
pub use roster::*;
pub use validate::{validate, Violation};

use budget::Budget;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The most searches one solve runs side by side: the staged MIP, and HiGHS alone on the
/// whole model beside it. A larger [`SolveOptions::threads`] adds nothing.
pub const MAX_SEARCHES: usize = 2;

/// The relative MIP gaps a solve accepts.
pub const MIP_GAP_RANGE: std::ops::RangeInclusive<f64> = 0.0..=1.0;

/// The work limits a solve accepts, in work units (about a second of search each on
/// the reference machine; see [`SolveOptions::work_limit`]).
pub const WORK_LIMIT_RANGE: std::ops::RangeInclusive<f64> = 0.0..=100_000.0;

/// [`WORK_LIMIT_RANGE`] in words, for error messages.
pub fn work_limit_range_text() -> String {
    format!(
        "between {} and {} work units",
        WORK_LIMIT_RANGE.start(),
        WORK_LIMIT_RANGE.end()
    )
}

/// The time limit a solve of a `weeks`-long period gets when none is asked for: 60 s a
/// week. The model grows with the period and the solve time faster than that: on the
/// benchmark's 300-agent instance, one week solves in 3 s, two in 15 s, four in 47 s and
/// six in three minutes (BENCHMARKS.md, *Planning periods of two to six weeks*), where a
/// flat minute left a six-week period 4.6 % above its bound.
pub fn default_time_limit_seconds(weeks: u32) -> f64 {
    60.0 * f64::from(weeks.clamp(1, 6))
}

/// Solver settings; defaults: 60 s, no work limit, 1 % gap, seed 0, MIP on,
/// aggregation on, two threads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SolveOptions {
    /// Wall-clock limit. Without a work limit the solve stops on it, and a solve
    /// stopped by it can differ between runs; with one it is only a hard cap.
    pub time_limit_seconds: f64,
    /// Stop on work done instead of the clock, in work units (about a second of
    /// search each on the reference machine of BENCHMARKS.md): the same problem and
    /// options then give the same roster on any machine, unless the time limit cuts
    /// the solve short first (the roster says so). No rival search runs beside the
    /// stages then (`threads` has no effect).
    pub work_limit: Option<f64>,
    pub mip_gap: f64,
    pub seed: i32,
    pub use_mip: bool,
    pub aggregate: bool,
    pub verbose: bool,
    /// Searches run side by side (at most [`MAX_SEARCHES`] do work): with 2 or more,
    /// HiGHS alone on the whole model runs beside the staged MIP when the stages will
    /// search and the time left holds HiGHS's root node (see `pipeline`).
    pub threads: usize,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit_seconds: 60.0,
            work_limit: None,
            mip_gap: 0.01,
            seed: 0,
            use_mip: true,
            aggregate: true,
            verbose: false,
            threads: 2,
        }
    }
}

impl SolveOptions {
    /// How long a solve is expected to run at most, for progress reports: the time
    /// limit, or the work limit's units as seconds when fewer (a unit is about a
    /// second of search on the reference machine).
    pub fn expected_seconds(&self) -> f64 {
        let limit = self.time_limit_seconds.max(0.0);
        self.work_limit.map_or(limit, |w| w.clamp(0.0, limit))
    }

    /// The budget of a solve started at `start`: the work limit if any, the time limit
    /// always.
    fn budget_from(&self, start: Instant) -> Budget {
        let deadline = start + Duration::from_secs_f64(self.time_limit_seconds.clamp(0.0, 1e6));
        Budget::new(self.work_limit, deadline)
    }

    /// Values the solver cannot run with are an error naming the option.
    pub fn check(&self) -> Result<(), ScheduleError> {
        let invalid = |field: &str, what: String| problem::invalid(field, what);
        if !(self.time_limit_seconds.is_finite() && self.time_limit_seconds >= 0.0) {
            return invalid(
                "time_limit_seconds",
                "must be a number of seconds, 0 or more".into(),
            );
        }
        if self
            .work_limit
            .is_some_and(|w| !WORK_LIMIT_RANGE.contains(&w))
        {
            return invalid("work_limit", format!("must be {}", work_limit_range_text()));
        }
        if !MIP_GAP_RANGE.contains(&self.mip_gap) {
            return invalid("mip_gap", "must be between 0 and 1".into());
        }
        if self.seed < 0 {
            return invalid("seed", "must not be negative".into());
        }
        Ok(())
    }
}

/// Build a roster. Never panics on input; malformed input is an error,
/// contradictory rules become diagnostics.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, ScheduleError> {
    opts.check()?;
    let t0 = Instant::now();
    let budget = opts.budget_from(t0);
    let inst = grid::prepare(problem, opts.aggregate)?;
    let gplan = greedy::build(&inst);
    let gfin = assemble::assemble(&inst, &gplan).map_err(ScheduleError::Solver)?;
    let greedy_objective = gfin.objective;
    let mut best = (gplan, gfin);
    let mut diags = Vec::new();
    let mut meta = output::Meta {
        status: SolverStatus::GreedyFallback,
        model_objective: None,
        bound: None,
        gap: None,
        greedy_objective,
        solve_seconds: 0.0,
        searches: 0,
        work_units: None,
        diagnostics: Vec::new(),
    };
    let mut troubled = Vec::new();
    if opts.use_mip {
        // A better start for the MIP, and a better fallback if it finds nothing.
        polish_kept(&inst, &mut best, false, &budget.share(0.2, 0.0))?;
        // A tenth of what is left stays for splitting group shifts among members
        // and refining the roster (more when the MIP stops early on its gap).
        let mip_budget = budget.share(0.9, 0.0);
        match pipeline::run(&inst, &best, opts, &mip_budget, &budget) {
            Ok(mip) => {
                meta.searches = mip.searches;
                meta.model_objective = mip.model_objective;
                meta.bound = Some(mip.bound).filter(|b| b.is_finite());
                meta.gap = mip.gap();
                if let Some(built) = mip.roster {
                    if built.dropped > 0 {
                        diags.push(Diagnostic::DisaggregationDropped {
                            shifts: built.dropped,
                        });
                    }
                    if built.fin.objective <= best.1.objective + 1e-6 {
                        meta.status = mip.status;
                        troubled = built.troubled;
                        best = (built.plan, built.fin);
                    } else {
                        diags.push(Diagnostic::Info {
                            message:
                                "greedy roster beat the disaggregated MIP roster; greedy returned"
                                    .into(),
                        });
                    }
                }
            }
            Err(e) => diags.push(Diagnostic::Info {
                message: format!("MIP returned no solution ({e}); greedy roster returned"),
            }),
        }
        if let Some(bound) = meta.bound.filter(|_| !budget.over()) {
            let (refined, stats) = refine::refine(&inst, opts, best, bound, &troubled, &budget);
            best = refined;
            if stats.improved > 0 {
                diags.push(Diagnostic::Info {
                    message: format!(
                        "roster refined: {} of {} re-optimised groups of agents lowered the objective",
                        stats.improved, stats.steps
                    ),
                });
            }
        }
        let done = meta
            .bound
            .is_some_and(|b| staged::relative_gap(best.1.objective, b) <= opts.mip_gap);
        if !done && !budget.over() {
            polish_kept(&inst, &mut best, true, &budget)?;
        }
    }
    if !budget.cut_by_clock() {
        if budget.counts_work() && meta.status == SolverStatus::TimeLimit {
            meta.status = SolverStatus::WorkLimit;
        }
    } else {
        diags.push(Diagnostic::Info {
            message: "the time limit ended this solve before its work limit: the same input \
                      may give another roster; raise time_limit_seconds for a reproducible one"
                .into(),
        });
    }
    meta.work_units = budget.ticks_spent().map(|t| t as f64 / budget::WORK_UNIT);
    let (plan, fin) = best;
    let mut all = diagnose::contract_diagnostics(&inst, &plan);
    all.extend(diagnose::shortfall_diagnostics(
        &inst,
        &plan,
        &fin.cov,
        &|a, t| fin.shares[a].contains_key(&t),
    ));
    all.extend(diags);
    meta.diagnostics = all;
    meta.solve_seconds = t0.elapsed().as_secs_f64();
    Ok(output::build(&inst, &fin, meta))
}

/// Write the group MIP that [`solve`] starts from (its warm start is the polished
/// greedy roster) to `path` as an MPS file, for an outside solver on the very same
/// model (`bench/highs_mps.py` runs HiGHS alone on it).
pub fn export_model(
    problem: &Problem,
    opts: &SolveOptions,
    path: &str,
) -> Result<(), ScheduleError> {
    opts.check()?;
    let inst = grid::prepare(problem, opts.aggregate)?;
    let plan = greedy::build(&inst);
    let fin = assemble::assemble(&inst, &plan).map_err(ScheduleError::Solver)?;
    let mut start = (plan, fin);
    // The same share of the budget as `solve` gives this polish.
    let budget = opts.budget_from(Instant::now()).share(0.2, 0.0);
    polish_kept(&inst, &mut start, false, &budget)?;
    let (b, _) = model::build(&inst, &inst.groups, &start.0, &start.1, None);
    staged::write_model(&b, path).map_err(ScheduleError::Solver)
}

/// Polish `best` by local search; keep the result if its assembled roster is cheaper.
fn polish_kept(
    inst: &grid::Inst,
    best: &mut (greedy::Plan, assemble::Final),
    replan_days: bool,
    budget: &Budget,
) -> Result<(), ScheduleError> {
    let plan = local::polish(inst, &best.0, &best.1, replan_days, budget);
    let fin = assemble::assemble(inst, &plan).map_err(ScheduleError::Solver)?;
    if fin.objective < best.1.objective - 1e-6 {
        *best = (plan, fin);
    }
    Ok(())
}

#[cfg(test)]
mod held_tests;
#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod validate_tests;
