//! The MIP phase of a solve, between the polished greedy start and refinement:
//! 1. the LP relaxation (the bound), and the roster of its optimum rounded to whole
//!    shifts, split among agents, repaired and polished. It costs no solver time and
//!    on small instances beats every sub-MIP a short budget allows; when it is
//!    cheaper than the greedy start it becomes the warm start of the stages;
//! 2. the MIP stages of [`super::staged`], and beside them, on a second thread,
//!    HiGHS alone on the whole model from the greedy start (stopped when the stages
//!    end): on small models HiGHS's own search wins once it has tens of seconds, on
//!    large ones the stages do. Once the LP is solved, a rival that cannot finish its
//!    root node in the time left is stopped at once ([`RIVAL_MIN_LPS`]);
//! 3. every solution found is split among agents, repaired and polished, and the
//!    cheapest roster is kept.
//!
//! A run that stops on the gap never uses the rival's solution, so it does not
//! depend on how far the rival got: such runs stay reproducible.

use super::assemble::{assemble, Final};
use super::greedy::{self, Plan};
use super::grid::Inst;
use super::model::{self, Candidate};
use super::roster::SolverStatus;
use super::staged::{self, Improved, Relaxed, Solved};
use super::{disaggregate, local, ScheduleError, SolveOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A roster built from group counts.
pub(crate) struct Built {
    pub plan: Plan,
    pub fin: Final,
    /// Wanted shifts no member could take.
    pub dropped: u32,
    /// Members of the groups whose split stranded shifts or minimums.
    pub troubled: Vec<usize>,
}

/// What the MIP phase gave.
pub(crate) struct Outcome {
    /// Valid lower bound of the objective (`-inf` if none was proven).
    pub bound: f64,
    /// Best solution of the whole model, if the stages or the rival found one.
    pub model_objective: Option<f64>,
    pub status: SolverStatus,
    /// Cheapest roster built from the LP or the MIP's solutions.
    pub roster: Option<Built>,
}

impl Outcome {
    pub fn gap(&self) -> Option<f64> {
        self.model_objective
            .filter(|_| self.bound.is_finite())
            .map(|o| staged::relative_gap(o, self.bound))
    }
}

/// HiGHS's root node on these models ends about ten LPs after the solve started, an
/// LP being the main thread's interior-point solve of the relaxation (S: about 16 s
/// against 1.4-2.0 s), and one of its steps, central rounding, checks neither the
/// time limit nor the stop flag. A rival left less than this many LPs after the LP
/// would overrun the limit and find nothing, so it is stopped while it still listens
/// (in its own first LP, which the dual simplex solves more slowly).
const RIVAL_MIN_LPS: u32 = 10;

/// Whether the rival has time for its root node, judged by how long the LP took.
fn rival_has_time(lp: Duration, left: Duration) -> bool {
    lp.checked_mul(RIVAL_MIN_LPS)
        .is_some_and(|root| left >= root)
}

/// Run the MIP phase from the polished greedy roster `start`: the solver stops by
/// `mip_deadline`, building rosters from its solutions may take until `deadline`.
pub(crate) fn run(
    inst: &Inst,
    start: &(Plan, Final),
    opts: &SolveOptions,
    mip_deadline: Instant,
    deadline: Instant,
) -> Result<Outcome, ScheduleError> {
    let stop = AtomicBool::new(false);
    let (main, rival) = std::thread::scope(|s| {
        let rival = (opts.threads > 1).then(|| {
            s.spawn(|| {
                let (b, _) = model::build(inst, &inst.groups, &start.0, &start.1, None);
                staged::from_warm_start(b, opts, mip_deadline, Some(&stop))
            })
        });
        let stop_a_rival_short_of_time = |lp: Duration| {
            let left = mip_deadline.saturating_duration_since(Instant::now());
            if !rival_has_time(lp, left) {
                stop.store(true, Ordering::Relaxed);
            }
        };
        let main = staged_path(inst, start, opts, mip_deadline, stop_a_rival_short_of_time);
        stop.store(true, Ordering::Relaxed);
        // A rival that failed or panicked only means no rival solution.
        let rival = rival
            .and_then(|h| h.join().ok())
            .and_then(Result::ok)
            .flatten();
        (main, rival)
    });
    finish(inst, main?, rival, opts, deadline)
}

/// The main thread's share: LP, rounded roster, stages.
struct StagedPath {
    lp: Option<Relaxed>,
    rounded: Option<Built>,
    solved: Result<Solved, String>,
    ys: Vec<model::GroupCols>,
}

/// `after_lp` learns how long the LP relaxation took, as soon as it is solved.
fn staged_path(
    inst: &Inst,
    start: &(Plan, Final),
    opts: &SolveOptions,
    mip_deadline: Instant,
    after_lp: impl FnOnce(Duration),
) -> Result<StagedPath, ScheduleError> {
    let (mut b, ys) = model::build(inst, &inst.groups, &start.0, &start.1, None);
    let lp_start = Instant::now();
    let lp = staged::relax(&b, opts, mip_deadline).map_err(ScheduleError::Solver)?;
    after_lp(lp_start.elapsed());
    let mut rounded = None;
    if let Some(lp) = &lp {
        let cols: Vec<f64> = lp.cols.iter().map(|v| v.round()).collect();
        let candidate = model::decode(&cols, &ys, &inst.groups);
        // A third of the MIP's time at most: the stages still need theirs.
        let now = Instant::now();
        let until = now + mip_deadline.saturating_duration_since(now) / 3;
        let mut built = build_roster(inst, &candidate, until)?;
        // Rounded LP counts are no solution of the model: what the hand-out could not
        // place is no loss to report.
        built.dropped = 0;
        if built.fin.objective < start.1.objective - 1e-6 {
            // The stages start from the cheaper roster (same columns, better warm values).
            b = model::build(inst, &inst.groups, &built.plan, &built.fin, None).0;
        }
        rounded = Some(built);
    }
    let solved = staged::search(b, lp.as_ref(), opts, mip_deadline);
    Ok(StagedPath {
        lp,
        rounded,
        solved,
        ys,
    })
}

/// Split group counts among agents, repair and polish: a roster.
fn build_roster(
    inst: &Inst,
    candidate: &Candidate,
    deadline: Instant,
) -> Result<Built, ScheduleError> {
    let handed = disaggregate::disaggregate(inst, candidate, deadline);
    let plan = complete(inst, handed.plan)?;
    let plan = local::polish(inst, &plan, false, deadline);
    let fin = assemble(inst, &plan).map_err(ScheduleError::Solver)?;
    Ok(Built {
        plan,
        fin,
        dropped: handed.dropped,
        troubled: handed.troubled,
    })
}

/// Complete a plan handed out from group counts: add the shifts that still pay off
/// and meet contract minimums, judged against the assembled roster's own queue split
/// (the hand-out's one-shift-at-a-time allocation of multi-skill agents would show
/// shortfalls the roster does not have); kept only if the roster gets cheaper.
fn complete(inst: &Inst, handed: Plan) -> Result<Plan, ScheduleError> {
    let base = assemble(inst, &handed).map_err(ScheduleError::Solver)?;
    let mut plan = handed.clone();
    plan.cov = base.cov;
    greedy::improve(inst, &mut plan);
    greedy::fill_minimums(inst, &mut plan);
    let fin = assemble(inst, &plan).map_err(ScheduleError::Solver)?;
    Ok(if fin.objective < base.objective - 1e-6 {
        plan
    } else {
        handed
    })
}

/// Bound, best model objective and the solutions worth splitting, best first.
#[derive(Debug, PartialEq)]
struct Merged {
    bound: f64,
    model_objective: Option<f64>,
    candidates: Vec<Vec<f64>>,
    /// Why the stages found nothing, if they did not.
    error: Option<String>,
}

/// Merge the stages' answer with the rival's solution. Stages that stopped on the
/// gap are kept as they are, so the answer then does not depend on the rival.
fn merge(
    lp_bound: f64,
    solved: Result<Solved, String>,
    rival: Option<Improved>,
    mip_gap: f64,
) -> Merged {
    let mut m = Merged {
        bound: lp_bound,
        model_objective: None,
        candidates: Vec::new(),
        error: None,
    };
    let on_gap = match solved {
        Ok(s) => {
            m.bound = m.bound.max(s.bound);
            m.model_objective = Some(s.objective);
            m.candidates
                .extend(s.candidates.into_iter().map(|(cols, _)| cols));
            s.gap <= mip_gap
        }
        Err(e) => {
            m.error = Some(e);
            false
        }
    };
    if let Some(r) = rival.filter(|_| !on_gap) {
        m.bound = m.bound.max(r.bound);
        if m.model_objective.is_none_or(|o| r.objective < o - 1e-6) {
            m.model_objective = Some(r.objective);
            m.candidates.insert(0, r.cols);
        }
    }
    m
}

/// Bound, objective and status from both threads; rosters from their solutions.
fn finish(
    inst: &Inst,
    main: StagedPath,
    rival: Option<Improved>,
    opts: &SolveOptions,
    deadline: Instant,
) -> Result<Outcome, ScheduleError> {
    let StagedPath {
        lp,
        rounded,
        solved,
        ys,
    } = main;
    let lp_bound = lp.as_ref().map_or(f64::NEG_INFINITY, |l| l.bound);
    let m = merge(lp_bound, solved, rival, opts.mip_gap);
    if m.candidates.is_empty() && rounded.is_none() {
        let why = m.error.unwrap_or_else(|| "no MIP solution".into());
        return Err(ScheduleError::Solver(why));
    }
    let mut best = rounded;
    for (k, cols) in m.candidates.iter().enumerate() {
        // The first solution always gets built (unless the LP's roster stands in);
        // later ones only in time.
        if (k > 0 || best.is_some()) && Instant::now() >= deadline {
            break;
        }
        let built = build_roster(inst, &model::decode(cols, &ys, &inst.groups), deadline)?;
        if best
            .as_ref()
            .is_none_or(|b| built.fin.objective < b.fin.objective - 1e-6)
        {
            best = Some(built);
        }
    }
    let status = m
        .model_objective
        .filter(|_| m.bound.is_finite())
        .map_or(SolverStatus::TimeLimit, |o| {
            staged::status_of(staged::relative_gap(o, m.bound), opts.mip_gap)
        });
    Ok(Outcome {
        bound: m.bound,
        model_objective: m.model_objective,
        status,
        roster: best,
    })
}

#[cfg(test)]
mod tests {
    use super::super::grid;
    use super::super::testkit::*;
    use super::*;

    /// Two queues wanting one agent each on Monday 09-17: Ana speaks both languages,
    /// Bo only English, Cy only Swedish; each is available for exactly that shift.
    fn two_queues() -> super::super::Problem {
        let monday_9_17 = |i: usize| {
            let (d, h) = dh(i);
            if d == 0 && (9.0..17.0).contains(&h) {
                1.0
            } else {
                0.0
            }
        };
        let speaks =
            |id: &str, langs: &[&str]| agent(id, "UTC", langs, &WEEK[..1], hm(9, 0), hm(17, 0));
        problem(
            "2026-03-23T00:00:00Z",
            vec![
                queue("en", "en", 336, monday_9_17),
                queue("sv", "sv", 336, monday_9_17),
            ],
            vec![
                speaks("ana", &["en", "sv"]),
                speaks("bo", &["en"]),
                speaks("cy", &["sv"]),
            ],
            vec![template("8h", 8, 60)],
        )
    }

    #[test]
    fn the_repair_judges_a_hand_out_by_the_rosters_own_queue_split() {
        let p = two_queues();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        // Ana's shift is handed out first and counted for English, Bo's then over-covers
        // English, and Swedish looks empty to the hand-out.
        let mut handed = Plan::new(&inst);
        for a in [0, 1] {
            let g = &inst.groups[inst.group_of[a]];
            let o = (0..g.options.len())
                .find(|&o| handed.can_take(&inst, a, o))
                .unwrap_or_else(|| panic!("agent {a} has no shift"));
            handed.take(&inst, a, o);
        }
        // The roster gives Ana to Swedish: both queues covered, 16 paid hours, nothing missing.
        let roster = assemble(&inst, &handed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(roster.objective, 16.0);
        // Judged by the hand-out's allocation, Cy's shift would pay off; by the roster, it over-covers.
        let done = complete(&inst, handed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.picks.iter().map(Vec::len).sum::<usize>(), 2);
        let fin = assemble(&inst, &done).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fin.objective, 16.0);
    }

    #[test]
    fn the_rival_keeps_running_only_with_time_for_its_root() {
        let secs = Duration::from_secs_f64;
        // S's LP took 1.6 s: 45 s left hold the rival's root, the 13 s of a 20-s solve do not.
        assert!(rival_has_time(secs(1.6), secs(45.0)));
        assert!(!rival_has_time(secs(1.6), secs(13.0)));
        let root = secs(1.6) * RIVAL_MIN_LPS;
        assert!(rival_has_time(secs(1.6), root));
        assert!(!rival_has_time(secs(1.6), root - Duration::from_millis(1)));
        // A small model's LP of milliseconds leaves the rival running, as before.
        assert!(rival_has_time(secs(0.005), secs(1.0)));
        // No time left, or an LP so long that the product overflows: stopped.
        assert!(!rival_has_time(secs(0.005), Duration::ZERO));
        assert!(!rival_has_time(Duration::MAX, Duration::MAX));
    }

    #[test]
    fn the_staged_path_reports_the_lps_time_once() {
        let p = two_queues();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let plan = greedy::build(&inst);
        let fin = assemble(&inst, &plan).unwrap_or_else(|e| panic!("{e}"));
        let opts = SolveOptions::default();
        let mut reported = Vec::new();
        let t0 = Instant::now();
        let path = staged_path(
            &inst,
            &(plan, fin),
            &opts,
            t0 + Duration::from_secs(10),
            |lp| reported.push((lp, t0.elapsed())),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let total = t0.elapsed();
        assert!(path.lp.is_some(), "the LP of two shifts is solved");
        assert_eq!(reported.len(), 1, "reported once: {reported:?}");
        let (lp, at) = reported[0];
        // The LP's own time, within the call.
        assert!(lp > Duration::ZERO && lp <= at && at <= total);
    }

    fn stages(objective: f64, bound: f64, gap: f64) -> Result<Solved, String> {
        Ok(Solved {
            candidates: vec![(vec![1.0], objective)],
            objective,
            bound,
            gap,
        })
    }

    fn rival(objective: f64, bound: f64) -> Option<Improved> {
        Some(Improved {
            cols: vec![2.0],
            objective,
            warm_objective: objective,
            bound,
        })
    }

    #[test]
    fn stages_on_the_gap_ignore_the_rival() {
        let m = merge(90.0, stages(100.0, 99.5, 0.005), rival(99.6, 99.55), 0.01);
        assert_eq!(m.model_objective, Some(100.0));
        assert_eq!(m.bound, 99.5);
        assert_eq!(m.candidates, vec![vec![1.0]]);
    }

    #[test]
    fn a_better_rival_comes_first_and_its_bound_counts() {
        let m = merge(90.0, stages(120.0, 90.0, 0.25), rival(100.0, 95.0), 0.01);
        assert_eq!(m.model_objective, Some(100.0));
        assert_eq!(m.bound, 95.0);
        assert_eq!(m.candidates, vec![vec![2.0], vec![1.0]]);
        // A worse rival only lends its bound.
        let m = merge(90.0, stages(100.0, 90.0, 0.1), rival(120.0, 92.0), 0.01);
        assert_eq!((m.model_objective, m.bound), (Some(100.0), 92.0));
        assert_eq!(m.candidates, vec![vec![1.0]]);
    }

    #[test]
    fn the_rival_stands_in_when_the_stages_found_nothing() {
        let m = merge(
            f64::NEG_INFINITY,
            Err("none".into()),
            rival(100.0, 80.0),
            0.01,
        );
        assert_eq!((m.model_objective, m.bound), (Some(100.0), 80.0));
        assert_eq!(m.candidates, vec![vec![2.0]]);
        assert_eq!(m.error.as_deref(), Some("none"));
        let m = merge(70.0, Err("none".into()), None, 0.01);
        assert_eq!((m.model_objective, m.bound), (None, 70.0));
        assert!(m.candidates.is_empty());
    }
}
