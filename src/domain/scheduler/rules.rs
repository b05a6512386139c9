//! Exact per-agent hard-rule checks used by the greedy builder, the
//! disaggregation of group solutions and the diagnosis. (The validator has its
//! own, independent implementation.)

use super::problem::Contract;
use chrono::Weekday;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Placed {
    pub start_t: usize,
    pub len_t: usize,
    pub day: i64,
    pub week: usize,
    pub weekday: Weekday,
}

impl Placed {
    fn end_t(&self) -> usize {
        self.start_t + self.len_t
    }
    fn weekend_id(&self) -> Option<i64> {
        match self.weekday {
            Weekday::Sat => Some(self.day),
            Weekday::Sun => Some(self.day - 1),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct AgentState {
    pub shifts: Vec<Placed>,
    /// Days worked before the period (sorted): they count for days in a row and days off.
    pub prior_days: Vec<i64>,
    pub week_minutes: Vec<i64>,
    pub week_shifts: Vec<u32>,
}

impl AgentState {
    pub fn new(weeks: usize, prior_days: &[i64]) -> Self {
        AgentState {
            shifts: Vec::new(),
            prior_days: prior_days.to_vec(),
            week_minutes: vec![0; weeks],
            week_shifts: vec![0; weeks],
        }
    }

    /// Overlap, one shift per local day, and minimum rest against every shift.
    pub fn pair_ok(&self, c: &Contract, step: i64, s: &Placed) -> bool {
        let rest = (c.min_rest_hours * 60.0).ceil() as i64;
        self.shifts.iter().all(|e| {
            if e.day == s.day {
                return false;
            }
            let gap = if e.start_t < s.start_t {
                s.start_t as i64 - e.end_t() as i64
            } else {
                e.start_t as i64 - s.end_t() as i64
            };
            gap * step >= rest
        })
    }

    pub fn can_add(&self, c: &Contract, step: i64, s: &Placed) -> bool {
        if !self.pair_ok(c, step, s) {
            return false;
        }
        let w = s.week.min(self.week_minutes.len().saturating_sub(1));
        let minutes = self.week_minutes.get(w).copied().unwrap_or(0) + (s.len_t as i64) * step;
        if minutes as f64 > c.max_hours_per_week * 60.0 + 1e-6 {
            return false;
        }
        if self.week_shifts.get(w).copied().unwrap_or(0) + 1 > c.max_shifts_per_week {
            return false;
        }
        let days = self.worked_days();
        let mut run = 1;
        let mut d = s.day - 1;
        while days.contains(&d) {
            run += 1;
            d -= 1;
        }
        d = s.day + 1;
        while days.contains(&d) {
            run += 1;
            d += 1;
        }
        if run > c.max_consecutive_days as i64 {
            return false;
        }
        let min_off = i64::from(c.min_consecutive_days_off);
        let prev = days.range(..s.day).next_back();
        let next = days.range(s.day + 1..).next();
        for gap in [prev.map(|p| s.day - p - 1), next.map(|x| x - s.day - 1)]
            .into_iter()
            .flatten()
        {
            if !days_off_fit(gap, min_off) {
                return false;
            }
        }
        if let Some(wid) = s.weekend_id() {
            let ws: BTreeSet<i64> = self.shifts.iter().filter_map(|x| x.weekend_id()).collect();
            if !ws.contains(&wid) && ws.len() as u32 >= c.max_weekends {
                return false;
            }
        }
        true
    }

    pub fn add(&mut self, s: Placed, step: i64) {
        let w = s.week.min(self.week_minutes.len().saturating_sub(1));
        if let Some(m) = self.week_minutes.get_mut(w) {
            *m += s.len_t as i64 * step;
        }
        if let Some(m) = self.week_shifts.get_mut(w) {
            *m += 1;
        }
        let pos = self.shifts.partition_point(|x| x.start_t < s.start_t);
        self.shifts.insert(pos, s);
    }

    /// Whether every run of days off between two worked days is long enough
    /// (removing a shift can make one too short; adding one is checked by [`Self::can_add`]).
    pub fn days_off_ok(&self, min_off: i64) -> bool {
        let days: Vec<i64> = self.worked_days().into_iter().collect();
        days.windows(2)
            .all(|w| days_off_fit(w[1] - w[0] - 1, min_off))
    }

    /// Days with a shift, prior days included.
    fn worked_days(&self) -> BTreeSet<i64> {
        self.shifts
            .iter()
            .map(|x| x.day)
            .chain(self.prior_days.iter().copied())
            .collect()
    }

    pub fn week_hours(&self, w: usize) -> f64 {
        self.week_minutes.get(w).copied().unwrap_or(0) as f64 / 60.0
    }
}

/// Whether `gap` days off between two worked days respect a contract asking for
/// at least `min_off` days off together (no gap at all is fine too).
pub(crate) fn days_off_fit(gap: i64, min_off: i64) -> bool {
    gap < 1 || gap >= min_off
}
