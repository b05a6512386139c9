//! Pure scheduler for chatroster: a [`Problem`] value in, a [`Roster`] value out.
//!
//! Pipeline (all deterministic: sorted iteration, BTreeMaps, HiGHS with one
//! thread and a fixed seed):
//! 1. [`grid`]: UTC interval grid; availability, time off and unavailable days
//!    become per-agent interval masks; agents with identical zone, languages,
//!    availability, time off, contract, preferences and templates form groups.
//! 2. [`options`]: shift options per group, generated in the agent's local time
//!    (start grid, local day, DST) and kept only inside availability and opening
//!    hours. Shift length is real elapsed time across DST changes.
//! 3. [`greedy`]: a feasible roster respecting every hard rule exactly; it is the
//!    warm start of the MIP and the fallback.
//! 4. [`model`]: the group MIP (see its docs), solved by HiGHS with a time limit
//!    and relative gap; group counts are handed to members by a deterministic
//!    rule-checked disaggregation (fewest hours, nights, weekends first), then a
//!    greedy repair adds shifts that still pay off.
//! 5. [`assemble`]: exact break placement staggered against the requirement
//!    curve and an LP split of working agents among their open queues; the
//!    returned objective is computed on this final roster. The better of the MIP
//!    roster and the greedy roster is returned.
//!
//! Contract minimum hours: if unreachable with the agent's availability,
//! templates and max shifts, the minimum is treated as unattainable (not
//! enforced) and reported as `MinHoursUnattainable`; otherwise it is enforced
//! with a dominant penalty and any miss is reported as `MinHoursNotMet`.
//! Floors are enforced with a dominant penalty; every miss is reported with its
//! cause. Days are the agent's local calendar day of the shift start; week `k`
//! is local days `7k..7k+7` counted from the period's first UTC date (clamped to
//! the period). At most one shift starts per local day. Work history before the
//! period is not considered.

mod assemble;
mod diagnose;
pub mod edit;
#[cfg(test)]
mod edit_tests;
mod greedy;
mod grid;
mod model;
mod options;
mod output;
pub mod problem;
pub mod recompute;
pub mod roster;
mod rules;
pub mod validate;
mod validate_rules;

pub use problem::*;
pub use roster::*;
pub use validate::{validate, Violation};

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Solver settings; defaults: 60 s, 1 % gap, seed 0, MIP on, aggregation on.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct SolveOptions {
    pub time_limit_seconds: f64,
    pub mip_gap: f64,
    pub seed: i32,
    pub use_mip: bool,
    pub aggregate: bool,
    pub verbose: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit_seconds: 60.0,
            mip_gap: 0.01,
            seed: 0,
            use_mip: true,
            aggregate: true,
            verbose: false,
        }
    }
}

/// Hand the MIP's group counts to members, checking every rule exactly.
fn disaggregate(inst: &grid::Inst, y: &[Vec<u32>]) -> (greedy::Plan, u32) {
    let mut plan = greedy::Plan::new(inst);
    let mut dropped = 0;
    for (gi, g) in inst.groups.iter().enumerate() {
        let mut wanted: Vec<usize> = Vec::new();
        for (o, &k) in y[gi].iter().enumerate() {
            wanted.extend(std::iter::repeat_n(o, k as usize));
        }
        wanted.sort_by_key(|&o| (g.options[o].start_t, o));
        let mut nights = vec![0u32; inst.agents.len()];
        for o in wanted {
            let opt = &g.options[o];
            let fair = inst.p.weights.fairness > 0.0;
            let weekend = matches!(opt.weekday, chrono::Weekday::Sat | chrono::Weekday::Sun);
            let key = |&a: &usize| {
                let st = &plan.states[a];
                if !fair {
                    return (0, 0, 0, a);
                }
                let wends = st
                    .shifts
                    .iter()
                    .filter(|x| matches!(x.weekday, chrono::Weekday::Sat | chrono::Weekday::Sun))
                    .count();
                (
                    st.week_minutes.get(opt.week).copied().unwrap_or(0),
                    if opt.night { nights[a] as usize } else { 0 },
                    if weekend { wends } else { 0 },
                    a,
                )
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
                    plan.take(inst, a, alt);
                    if g.options[alt].night {
                        nights[a] += 1;
                    }
                    placed = true;
                    break;
                }
            }
            if !placed {
                dropped += 1;
            }
        }
    }
    (plan, dropped)
}

/// Build a roster. Never panics on input; malformed input is an error,
/// contradictory rules become diagnostics.
pub fn solve(problem: &Problem, opts: &SolveOptions) -> Result<Roster, ScheduleError> {
    let t0 = Instant::now();
    let deadline = t0 + Duration::from_secs_f64(opts.time_limit_seconds.clamp(0.0, 1e6));
    let inst = grid::prepare(problem, opts.aggregate)?;
    let gplan = greedy::build(&inst);
    let gfin = assemble::assemble(&inst, &gplan).map_err(ScheduleError::Solver)?;
    let mut diags = Vec::new();
    let mut meta = (output::Meta {
        status: SolverStatus::GreedyFallback,
        model_objective: None,
        bound: None,
        gap: None,
        greedy_objective: gfin.objective,
        solve_seconds: 0.0,
        diagnostics: Vec::new(),
    },);
    let mut best = (gplan, gfin);
    if opts.use_mip {
        match model::solve(&inst, &best.0, opts, deadline) {
            Ok(mip) => {
                meta.0.model_objective = Some(mip.objective);
                meta.0.bound = Some(mip.bound);
                meta.0.gap = Some(mip.gap);
                let (mut plan, dropped) = disaggregate(&inst, &mip.y);
                if dropped > 0 {
                    diags.push(Diagnostic::DisaggregationDropped { shifts: dropped });
                }
                greedy::improve(&inst, &mut plan);
                greedy::fill_minimums(&inst, &mut plan);
                let fin = assemble::assemble(&inst, &plan).map_err(ScheduleError::Solver)?;
                if fin.objective <= best.1.objective + 1e-6 {
                    meta.0.status = mip.status;
                    best = (plan, fin);
                } else {
                    diags.push(Diagnostic::Info {
                        message: "greedy roster beat the disaggregated MIP roster; greedy returned"
                            .into(),
                    });
                }
            }
            Err(e) => diags.push(Diagnostic::Info {
                message: format!("MIP returned no solution ({e}); greedy roster returned"),
            }),
        }
    }
    let (plan, fin) = best;
    let mut all = diagnose::contract_diagnostics(&inst, &plan);
    all.extend(diagnose::shortfall_diagnostics(&inst, &plan, &fin));
    all.extend(diags);
    meta.0.diagnostics = all;
    meta.0.solve_seconds = t0.elapsed().as_secs_f64();
    Ok(output::build(&inst, &fin, meta.0))
}

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_prop;
