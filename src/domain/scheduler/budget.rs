//! How far a solve may go: until a deadline on the clock, or until a given amount of
//! work is done.
//!
//! A solve stopped by the clock can differ from run to run: how far HiGHS, the local
//! search and the refinement get before the deadline depends on the machine and on
//! what else it is doing. A work budget counts what the search phases do instead
//! (the LP iterations and limit checks of every HiGHS run, weighted by model size, and
//! the steps of the local search), and every phase stops, and shares out what is left,
//! by that count, so the same problem, options and work limit give the same roster on
//! any machine.
//! The wall clock stays a hard cap; a work-limited solve it cuts short says so, for
//! its roster may then differ between runs.
//!
//! A [`WORK_UNIT`] is set to about one second of this work on the reference machine
//! of BENCHMARKS.md (2 cores); it is a measure of effort, not of time.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Ticks of counted work in one work unit (about a second of search on the reference
/// machine).
pub(crate) const WORK_UNIT: f64 = 1.0e6;

/// Work counted so far by one solve, shared by all its budgets.
#[derive(Debug, Default)]
struct Meter {
    spent: AtomicU64,
    /// Set once the wall clock ended a phase of a work-limited solve.
    cut_by_clock: AtomicBool,
}

/// A phase's limit: a deadline, or a tick count of the solve's meter, and always the
/// wall-clock cap.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    /// The deadline of a timed budget; the hard cap of a work budget.
    hard: Instant,
    work: Option<Work>,
}

#[derive(Debug, Clone)]
struct Work {
    meter: Arc<Meter>,
    /// The meter reading at which this budget is spent.
    until: u64,
}

impl Budget {
    /// Until `deadline` on the clock.
    pub fn timed(deadline: Instant) -> Self {
        Budget {
            hard: deadline,
            work: None,
        }
    }

    /// `work_limit` work units if given (never past `hard`), otherwise until `hard`.
    pub fn new(work_limit: Option<f64>, hard: Instant) -> Self {
        match work_limit {
            Some(units) => Budget::work(units, hard),
            None => Budget::timed(hard),
        }
    }

    /// `units` work units, and never past `hard`.
    pub fn work(units: f64, hard: Instant) -> Self {
        Budget {
            hard,
            work: Some(Work {
                meter: Arc::new(Meter::default()),
                until: (units.max(0.0) * WORK_UNIT).min(u64::MAX as f64 / 2.0) as u64,
            }),
        }
    }

    /// Whether this budget counts work rather than time.
    pub fn counts_work(&self) -> bool {
        self.work.is_some()
    }

    /// Whether the budget is spent. A work budget also ends at its hard cap, and
    /// remembers that the clock, not the work, ended it.
    pub fn over(&self) -> bool {
        match &self.work {
            None => Instant::now() >= self.hard,
            Some(w) => w.meter.spent.load(Ordering::Relaxed) >= w.until || self.clock_ended(),
        }
    }

    /// Whether the hard cap has passed; for a work budget, remembered as a cut.
    pub fn clock_ended(&self) -> bool {
        let ended = Instant::now() >= self.hard;
        if let (true, Some(w)) = (ended, &self.work) {
            w.meter.cut_by_clock.store(true, Ordering::Relaxed);
        }
        ended
    }

    /// Count `ticks` of work done (nothing for a timed budget).
    pub fn charge(&self, ticks: u64) {
        if let Some(w) = &self.work {
            w.meter.spent.fetch_add(ticks, Ordering::Relaxed);
        }
    }

    /// What is left: seconds for a timed budget, work units for a work budget.
    pub fn left(&self) -> f64 {
        match self.ticks_left() {
            None => self.seconds_to_hard_cap(),
            Some(ticks) => ticks as f64 / WORK_UNIT,
        }
    }

    /// Ticks left of a work budget.
    pub fn ticks_left(&self) -> Option<u64> {
        self.work.as_ref().map(|w| {
            w.until
                .saturating_sub(w.meter.spent.load(Ordering::Relaxed))
        })
    }

    /// Ticks counted so far by the whole solve, for a work budget.
    pub fn ticks_spent(&self) -> Option<u64> {
        self.work
            .as_ref()
            .map(|w| w.meter.spent.load(Ordering::Relaxed))
    }

    /// A sub-budget of `fraction` of what is left, but at least `at_least` (seconds
    /// or work units, as [`Budget::left`]) and never beyond this budget.
    pub fn share(&self, fraction: f64, at_least: f64) -> Budget {
        let left = self.left();
        let wanted = (left * fraction).max(at_least).min(left).max(0.0);
        match &self.work {
            None => Budget::timed(
                self.hard
                    .min(Instant::now() + Duration::from_secs_f64(wanted.min(1e6))),
            ),
            Some(w) => {
                let spent = w.meter.spent.load(Ordering::Relaxed);
                Budget {
                    hard: self.hard,
                    work: Some(Work {
                        meter: Arc::clone(&w.meter),
                        until: w.until.min(spent + (wanted * WORK_UNIT) as u64),
                    }),
                }
            }
        }
    }

    /// The time limit to give HiGHS: the deadline of a timed budget, the hard cap of a
    /// work budget (whose work limit HiGHS hears through its interrupt callback).
    pub fn seconds_to_hard_cap(&self) -> f64 {
        self.hard
            .saturating_duration_since(Instant::now())
            .as_secs_f64()
    }

    /// Whether the clock ended a phase of this work-limited solve.
    pub fn cut_by_clock(&self) -> bool {
        self.work
            .as_ref()
            .is_some_and(|w| w.meter.cut_by_clock.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(600)
    }

    #[test]
    fn a_work_budget_ends_on_work_and_its_shares_draw_on_one_meter() {
        let whole = Budget::work(2.0, far());
        assert!(whole.counts_work() && !whole.over());
        assert_eq!(whole.left(), 2.0);
        let quarter = whole.share(0.25, 0.0);
        assert_eq!(quarter.left(), 0.5);
        quarter.charge(400_000);
        // Work in a share is work of the whole.
        assert_eq!(whole.left(), 1.6);
        assert!(!quarter.over());
        quarter.charge(100_000);
        assert!(quarter.over() && !whole.over());
        assert_eq!(whole.ticks_spent(), Some(500_000));
        // A share's minimum never reaches beyond the budget it is drawn from.
        assert_eq!(quarter.share(0.1, 5.0).left(), 0.0);
        assert_eq!(whole.share(0.1, 0.5).left(), 0.5);
        assert_eq!(whole.share(0.1, 5.0).left(), 1.5);
        whole.charge(2_000_000);
        assert!(whole.over() && whole.left() == 0.0);
        assert!(!whole.cut_by_clock(), "the work, not the clock, ended it");
    }

    #[test]
    fn the_clock_caps_a_work_budget_and_says_so() {
        let cut = Budget::work(1e9, Instant::now());
        assert!(cut.over());
        assert!(cut.cut_by_clock());
        assert_eq!(cut.seconds_to_hard_cap(), 0.0);
        // A share sees the cut too.
        let share = Budget::work(1e9, Instant::now()).share(0.5, 0.0);
        assert!(share.over() && share.cut_by_clock());
    }

    #[test]
    fn a_timed_budget_counts_no_work() {
        let timed = Budget::timed(far());
        timed.charge(u64::MAX);
        assert!(!timed.over() && !timed.counts_work());
        assert_eq!(timed.ticks_left(), None);
        assert!(timed.left() > 599.0);
        let tenth = timed.share(0.1, 0.0);
        assert!((59.0..=60.0).contains(&tenth.left()));
        assert!(Budget::timed(Instant::now()).over());
        assert!(!Budget::timed(Instant::now()).cut_by_clock());
    }
}
