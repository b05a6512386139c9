//! The MIP phase of a solve, between the polished greedy start and refinement:
//! 1. the LP relaxation (the bound), and the roster of its optimum rounded to whole
//!    shifts by running sums ([`model::round_cumulative`]), split among agents,
//!    repaired and polished. It costs no solver time and
//!    on small instances beats every sub-MIP a short budget allows; when it is
//!    cheaper than the greedy start it becomes the warm start of the stages;
//! 2. the MIP stages of [`super::staged`], and beside them, on a second thread,
//!    HiGHS alone on the whole model from the greedy start (stopped when the stages
//!    end): on small models HiGHS's own search wins once it has tens of seconds, on
//!    large ones the stages do. This rival starts just before the stages, and only if
//!    they will search (the warm start is not yet within the gap: a run that stops on
//!    the gap never uses the rival) and the time left holds its root node
//!    ([`staged::ROOT_NODE_LPS`]): HiGHS hears the stop flag only after a MIP's first LP
//!    (its inner LP solver has no callback) and between the root node's long steps,
//!    so a rival started earlier on a large model held up the answer;
//! 3. every solution found is split among agents, repaired and polished, and the
//!    cheapest roster is kept.
//!
//! A run that stops on the gap never uses the rival's solution, so it does not
//! depend on how far the rival got: such runs stay reproducible. A work-limited
//! solve runs no rival: how far it gets before the stages end depends on the clock.

use super::assemble::{assemble, Final};
use super::budget::Budget;
use super::greedy::{self, Plan};
use super::grid::Inst;
use super::model::{self, Candidate};
use super::roster::SolverStatus;
use super::staged::{self, Improved, Relaxed, Solved};
use super::{disaggregate, ScheduleError, SolveOptions};
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
    /// HiGHS searches started: 1 (the stages) or 2 (the rival beside them).
    pub searches: u32,
}

impl Outcome {
    pub fn gap(&self) -> Option<f64> {
        self.model_objective
            .filter(|_| self.bound.is_finite())
            .map(|o| staged::relative_gap(o, self.bound))
    }
}

/// Whether a rival should start beside the stages about to run, with `left` until
/// the MIP's deadline: a rival without time for its root node would overrun the limit,
/// or hold up the answer, and find nothing ([`staged::root_node_has_time`]).
fn rival_wanted(threads: usize, next: BeforeStages, left: Duration) -> bool {
    threads > 1 && next.searching && staged::root_node_has_time(next.lp, left)
}

/// What the stages are about to do, as `staged_path` tells its caller.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BeforeStages {
    /// How long the LP relaxation took.
    lp: Duration,
    /// Whether the stages will run a MIP (their warm start is not within the gap).
    searching: bool,
}

/// Run the MIP phase from the polished greedy roster `start`: the solver stops
/// within `mip_budget`, building rosters from its solutions may use all of `budget`.
pub(crate) fn run(
    inst: &Inst,
    start: &(Plan, Final),
    opts: &SolveOptions,
    mip_budget: &Budget,
    budget: &Budget,
) -> Result<Outcome, ScheduleError> {
    let stop = AtomicBool::new(false);
    let (main, rival, searches) = std::thread::scope(|s| {
        let stop = &stop;
        let mut rival = None;
        let start_a_rival_with_time = |next: BeforeStages| {
            let left = Duration::from_secs_f64(mip_budget.left().min(1e6));
            if !mip_budget.counts_work() && rival_wanted(opts.threads, next, left) {
                rival = Some(s.spawn(move || {
                    let (b, _) = model::build(inst, &inst.groups, &start.0, &start.1, None);
                    staged::from_warm_start(b, opts, mip_budget, Some(stop))
                }));
            }
        };
        let main = staged_path(inst, start, opts, mip_budget, start_a_rival_with_time);
        stop.store(true, Ordering::Relaxed);
        let searches = 1 + u32::from(rival.is_some());
        // A rival that failed or panicked only means no rival solution.
        let rival = rival
            .and_then(|h| h.join().ok())
            .and_then(Result::ok)
            .flatten();
        (main, rival, searches)
    });
    finish(inst, main?, rival, searches, opts, budget)
}

/// The main thread's share: LP, rounded roster, stages.
struct StagedPath {
    lp: Option<Relaxed>,
    rounded: Option<Built>,
    solved: Result<Solved, String>,
    ys: Vec<model::GroupCols>,
}

/// `before_stages` learns, just before the stages start, how long the LP relaxation
/// took and whether the stages will search.
fn staged_path(
    inst: &Inst,
    start: &(Plan, Final),
    opts: &SolveOptions,
    mip_budget: &Budget,
    before_stages: impl FnOnce(BeforeStages),
) -> Result<StagedPath, ScheduleError> {
    let (mut b, ys) = model::build(inst, &inst.groups, &start.0, &start.1, None);
    let lp_start = Instant::now();
    let lp = staged::relax(&b, opts, mip_budget).map_err(ScheduleError::Solver)?;
    let lp_time = lp_start.elapsed();
    let mut rounded = None;
    if let Some(lp) = &lp {
        let candidate = model::round_cumulative(&lp.cols, &ys, &inst.groups);
        // A third of the MIP's budget at most: the stages still need theirs.
        let mut built = build_roster(inst, &candidate, &mip_budget.share(1.0 / 3.0, 0.0))?;
        // Rounded LP counts are no solution of the model: what the hand-out could not
        // place is no loss to report.
        built.dropped = 0;
        if built.fin.objective < start.1.objective - 1e-6 {
            // The stages start from the cheaper roster (same columns, better warm values).
            b = model::build(inst, &inst.groups, &built.plan, &built.fin, None).0;
        }
        rounded = Some(built);
    }
    before_stages(BeforeStages {
        lp: lp_time,
        searching: !staged::warm_start_within_gap(&b, lp.as_ref(), opts.mip_gap),
    });
    let solved = staged::search(b, lp.as_ref(), lp_time, opts, mip_budget);
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
    budget: &Budget,
) -> Result<Built, ScheduleError> {
    let handed = disaggregate::disaggregate(inst, candidate, budget);
    let mut built = complete(inst, handed.plan)?;
    // Kept only if cheaper: a hand-out can already be at the model's optimum.
    super::polish_kept(inst, &mut built, false, budget)?;
    let (plan, fin) = built;
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
/// Returns the plan with its assembled roster.
fn complete(inst: &Inst, handed: Plan) -> Result<(Plan, Final), ScheduleError> {
    let base = assemble(inst, &handed).map_err(ScheduleError::Solver)?;
    let mut plan = handed.clone();
    plan.cov = base.cov.clone();
    greedy::improve(inst, &mut plan);
    greedy::fill_minimums(inst, &mut plan);
    let fin = assemble(inst, &plan).map_err(ScheduleError::Solver)?;
    Ok(if fin.objective < base.objective - 1e-6 {
        (plan, fin)
    } else {
        (handed, base)
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
    searches: u32,
    opts: &SolveOptions,
    budget: &Budget,
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
        if (k > 0 || best.is_some()) && budget.over() {
            break;
        }
        let built = build_roster(inst, &model::decode(cols, &ys, &inst.groups), budget)?;
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
        searches,
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

    /// The greedy roster of `inst`, as `run` gets its start.
    fn greedy_start(inst: &Inst) -> (Plan, Final) {
        let plan = greedy::build(inst);
        let fin = assemble(inst, &plan).unwrap_or_else(|e| panic!("{e}"));
        (plan, fin)
    }

    /// A hand-out giving each of `agents`, in turn, their first shift option still open.
    fn first_shifts_of(inst: &Inst, agents: &[usize]) -> Plan {
        let mut handed = Plan::new(inst);
        for &a in agents {
            let g = &inst.groups[inst.group_of[a]];
            let o = (0..g.options.len())
                .find(|&o| handed.can_take(inst, a, o))
                .unwrap_or_else(|| panic!("agent {a} has no shift"));
            handed.take(inst, a, o);
        }
        handed
    }

    #[test]
    fn the_repair_judges_a_hand_out_by_the_rosters_own_queue_split() {
        let p = two_queues();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        // Ana's shift is handed out first and counted for English, Bo's then over-covers
        // English, and Swedish looks empty to the hand-out.
        let handed = first_shifts_of(&inst, &[0, 1]);
        // The roster gives Ana to Swedish: both queues covered, 16 paid hours, nothing missing.
        let roster = assemble(&inst, &handed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(roster.objective, 16.0);
        // Judged by the hand-out's allocation, Cy's shift would pay off; by the roster, it over-covers.
        let (done, fin) = complete(&inst, handed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.picks.iter().map(Vec::len).sum::<usize>(), 2);
        assert_eq!(fin.objective, 16.0);
        let again = assemble(&inst, &done).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            again.objective, fin.objective,
            "the roster returned is the plan's"
        );
    }

    /// Judged by the hand-out's own allocation, the repair adds a useless shift beside a needed
    /// one; the two together still beat the hand-out, so keeping only a cheaper roster would not
    /// catch it. Judging by the roster's split adds the needed shift alone.
    #[test]
    fn the_repair_adds_only_what_the_rosters_own_split_misses() {
        let mut p = two_queues();
        // English also wants one agent Tuesday 09-17, which only Di can work.
        for (i, r) in p.queues[0].required.iter_mut().enumerate() {
            let (d, h) = dh(i);
            if d == 1 && (9.0..17.0).contains(&h) {
                *r = 1.0;
            }
        }
        p.agents.push(agent(
            "di",
            "UTC",
            &["en"],
            &WEEK[1..2],
            hm(9, 0),
            hm(17, 0),
        ));
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let handed = first_shifts_of(&inst, &[0, 1]);
        // Tuesday's eight hours are missing: 100 per agent-hour.
        let base = assemble(&inst, &handed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(base.objective, 16.0 + 800.0);
        let (done, fin) = complete(&inst, handed).unwrap_or_else(|e| panic!("{e}"));
        // Di's Tuesday shift only: Cy's Monday shift would over-cover Swedish.
        let working: Vec<usize> = (0..4).filter(|&a| !done.picks[a].is_empty()).collect();
        assert_eq!(working, vec![0, 1, 3]);
        assert_eq!(fin.objective, 24.0);
    }

    #[test]
    fn the_rival_starts_only_beside_a_search_with_time_for_its_root() {
        let secs = Duration::from_secs_f64;
        let searching = BeforeStages {
            lp: secs(1.6),
            searching: true,
        };
        assert!(rival_wanted(2, searching, secs(45.0)));
        assert!(rival_wanted(8, searching, secs(45.0)));
        assert!(
            !rival_wanted(1, searching, secs(45.0)),
            "one thread asked for"
        );
        assert!(
            !rival_wanted(2, searching, secs(13.0)),
            "no time for its root"
        );
        let done = BeforeStages {
            searching: false,
            ..searching
        };
        assert!(
            !rival_wanted(2, done, secs(45.0)),
            "the stages stop on the gap"
        );
    }

    /// One Swedish queue wanting one agent 08-16 UTC every day; two agents in Stockholm
    /// (07-19) and one in Manila (14:00-23:30), eight-hour shifts with a 30-min meal
    /// break in hours 3-5. The LP places fractions of breaks, so its rounding is not
    /// within the gap and the stages search.
    fn meal_breaks() -> super::super::Problem {
        let mut eight = template("8h", 8, 30);
        eight.breaks = vec![super::super::BreakRule {
            length_minutes: 30,
            window_start_minutes: 180,
            window_end_minutes: 300,
        }];
        let days = &WEEK[..];
        let in_stockholm = |id| agent(id, "Europe/Stockholm", &["sv"], days, hm(7, 0), hm(19, 0));
        problem(
            "2026-03-23T00:00:00Z",
            vec![queue("sv", "sv", 336, |i| {
                if (16..32).contains(&(i % 48)) {
                    1.0
                } else {
                    0.0
                }
            })],
            vec![
                in_stockholm("lina"),
                in_stockholm("oskar"),
                agent(
                    "andrea",
                    "Asia/Manila",
                    &["sv"],
                    days,
                    hm(14, 0),
                    hm(23, 30),
                ),
            ],
            vec![eight],
        )
    }

    #[test]
    fn the_rival_starts_when_asked_for_and_given_time() {
        // `None`: a work limit.
        let outcome = |p: &super::super::Problem, threads: usize, budget: Option<Duration>| {
            let inst = grid::prepare(p, true).unwrap_or_else(|e| panic!("{e}"));
            let opts = SolveOptions {
                threads,
                ..SolveOptions::default()
            };
            let budget = match budget {
                Some(seconds) => Budget::timed(Instant::now() + seconds),
                None => Budget::work(5.0, Instant::now() + Duration::from_secs(60)),
            };
            let out = run(&inst, &greedy_start(&inst), &opts, &budget, &budget)
                .unwrap_or_else(|e| panic!("{e}"));
            let objective = out.roster.as_ref().map(|b| b.fin.objective);
            (out.searches, objective)
        };
        let budget = Some(Duration::from_secs(5));
        // The rounded LP is optimal here, so the stages stop on the gap: no rival.
        assert_eq!(outcome(&two_queues(), 2, budget).0, 1);
        // Here the stages search, with a rival when more than one thread is asked for.
        let p = meal_breaks();
        let (alone, best) = outcome(&p, 1, budget);
        assert_eq!(alone, 1);
        assert!(best.is_some(), "a roster");
        for threads in [2, 8] {
            assert_eq!(
                outcome(&p, threads, budget),
                (2, best),
                "threads = {threads}"
            );
        }
        // With the MIP's time already spent, no root node fits: no rival.
        assert_eq!(outcome(&p, 2, Some(Duration::ZERO)).0, 1);
        // A work-limited solve never races a rival against the clock.
        assert_eq!(outcome(&p, 2, None).0, 1);
    }

    #[test]
    fn the_staged_path_reports_the_lps_time_once() {
        let p = two_queues();
        let inst = grid::prepare(&p, true).unwrap_or_else(|e| panic!("{e}"));
        let opts = SolveOptions::default();
        let mut reported = Vec::new();
        let t0 = Instant::now();
        let path = staged_path(
            &inst,
            &greedy_start(&inst),
            &opts,
            &Budget::timed(t0 + Duration::from_secs(10)),
            |next| reported.push((next, t0.elapsed())),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let total = t0.elapsed();
        assert!(path.lp.is_some(), "the LP of two shifts is solved");
        assert_eq!(reported.len(), 1, "reported once: {reported:?}");
        let (next, at) = reported[0];
        // The LP's own time, within the call.
        assert!(next.lp > Duration::ZERO && next.lp <= at && at <= total);
        // The rounded LP covers both queues exactly: nothing left for the stages.
        assert!(!next.searching);
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
