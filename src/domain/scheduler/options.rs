//! Shift options: every (local date, template, local start on the template grid)
//! whose whole elapsed-time span lies inside the agent's availability, inside the
//! period, and where at least one queue the agent is qualified for is open in
//! every interval. Generated once per group of identical agents.
//!
//! Breaks: a template with one break rule (the usual meal break) gives its options
//! a [`BreakSpan`], and the MIP chooses the break slot with integer variables, so
//! the model's coverage is the roster's. With several rules per template, each
//! break is "smeared" over its window in the MIP (an interval of the window works
//! `1 - len/window` of an agent) and the slots are placed afterwards against the
//! requirement curve. `cov` is always the smeared expectation (the greedy's view).

use super::grid::{resolve, Inst};
use super::rules::{AgentState, Placed};
use chrono::{Duration, NaiveTime, Timelike, Weekday};

/// Kinds of shift whose load per agent the fairness cost spreads: nights, weekends
/// and shifts that go against the agent's own preferences.
pub(crate) const UNSOCIAL_KINDS: usize = 3;

#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub template: usize,
    pub start_t: usize,
    pub len_t: usize,
    pub day: i64,
    pub week: usize,
    pub weekday: Weekday,
    /// Any part of the shift between 00:00 and 06:00 local.
    pub night: bool,
    pub pref_cost: f64,
    /// Expected working fraction for each interval of the shift.
    pub cov: Vec<f64>,
    /// Where the single break may start, for an exact break choice in the MIP.
    pub brk: Option<BreakSpan>,
}

/// Possible slots of an option's only break, in grid units from the shift start:
/// the break starts at one of `first..=last` and lasts `len` intervals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BreakSpan {
    pub first: usize,
    pub last: usize,
    pub len: usize,
}

impl BreakSpan {
    fn of(tpl: &super::problem::ShiftTemplate, step: i64, len_t: usize) -> Option<BreakSpan> {
        let [b] = tpl.breaks.as_slice() else {
            return None;
        };
        let st = step as u32;
        let aligned = [
            b.length_minutes,
            b.window_start_minutes,
            b.window_end_minutes,
        ]
        .iter()
        .all(|m| m % st == 0);
        let (ws, we, len) = (
            (b.window_start_minutes / st) as usize,
            (b.window_end_minutes / st) as usize,
            (b.length_minutes / st) as usize,
        );
        (aligned && len > 0 && ws + len <= we && we <= len_t).then_some(BreakSpan {
            first: ws,
            last: we - len,
            len,
        })
    }
}

impl Opt {
    /// Is this a night shift, a weekend shift, a shift against the agent's
    /// preferences? The fairness cost spreads each kind over the agents.
    pub fn unsocial(&self) -> [bool; UNSOCIAL_KINDS] {
        [
            self.night,
            super::grid::is_weekend(self.weekday),
            self.pref_cost > 0.0,
        ]
    }

    pub fn placed(&self) -> Placed {
        Placed {
            start_t: self.start_t,
            len_t: self.len_t,
            day: self.day,
            week: self.week,
            weekday: self.weekday,
        }
    }
}

pub(crate) fn generate(inst: &Inst, ai: usize) -> Vec<Opt> {
    let p = inst.p;
    let a = &p.agents[ai];
    let ctx = &inst.agents[ai];
    let tz = ctx.tz;
    let step = inst.step;
    let start = p.period.start;
    let end = inst.time(inst.n);
    let pref = &a.preferences;
    let mut pinned_state = AgentState::new(inst.weeks, &[]);
    let rest = (a.contract.min_rest_hours * 60.0).ceil() as i64;
    for s in inst.fixed().filter(|s| s.agent == ai) {
        pinned_state.add(s.placed(), step);
    }
    // Each interval: does the agent serve some open queue there?
    let servable: Vec<bool> = (0..inst.n)
        .map(|t| ctx.avail[t] && ctx.quals.iter().any(|&q| inst.open[q][t]))
        .collect();
    let mut out = Vec::new();
    let mut d = start.with_timezone(&tz).date_naive() - Duration::days(1);
    let last = end.with_timezone(&tz).date_naive();
    while d <= last {
        for &ti in &ctx.templates {
            let tpl = &p.templates[ti];
            let first = tpl
                .earliest_start
                .map_or(0, |t| t.num_seconds_from_midnight() / 60);
            let lastm = tpl
                .latest_start
                .map_or(24 * 60 - 1, |t| t.num_seconds_from_midnight() / 60);
            let len_t = (tpl.length_minutes as i64 / step) as usize;
            let mut m = first;
            while m <= lastm && m < 24 * 60 {
                let lt = NaiveTime::from_num_seconds_from_midnight_opt(m * 60, 0);
                m += tpl.start_step_minutes.max(1);
                let Some(lt) = lt else { continue };
                let Some(s) = resolve(&tz, d.and_time(lt)) else {
                    continue;
                };
                let Some(st) = inst.index_of(s) else { continue };
                if st + len_t > inst.n || !servable[st..st + len_t].iter().all(|&b| b) {
                    continue;
                }
                let (day, week, weekday) = inst.local_day(&tz, s);
                let placed = Placed {
                    start_t: st,
                    len_t,
                    day,
                    week,
                    weekday,
                };
                // One shift per local day holds against prior shifts too.
                if !pinned_state.pair_ok(&a.contract, step, &placed)
                    || ctx.prior_end.is_some_and(|e| st as i64 * step - e < rest)
                    || ctx.prior_days.contains(&day)
                {
                    continue;
                }
                let sm = i64::from(lt.hour() * 60 + lt.minute());
                let night = super::grid::is_night(sm, len_t as i64 * step);
                let mut cov = vec![1.0; len_t];
                for b in &tpl.breaks {
                    let (ws, we) = (
                        (b.window_start_minutes as i64 / step) as usize,
                        (b.window_end_minutes as i64 / step) as usize,
                    );
                    let frac = f64::from(b.length_minutes)
                        / f64::from((b.window_end_minutes - b.window_start_minutes).max(1));
                    for c in cov.iter_mut().take(we.min(len_t)).skip(ws) {
                        *c -= frac;
                    }
                }
                out.push(Opt {
                    template: ti,
                    start_t: st,
                    len_t,
                    day,
                    week,
                    weekday,
                    night,
                    pref_cost: pref.cost(lt, weekday) * p.weights.preference,
                    cov,
                    brk: BreakSpan::of(tpl, step, len_t),
                });
            }
        }
        d += Duration::days(1);
    }
    out.sort_by_key(|x| (x.start_t, x.len_t, x.template));
    out.dedup_by(|x, y| x.start_t == y.start_t && x.len_t == y.len_t && x.template == y.template);
    out
}

/// Per week: can the contract minimum be reached at all with this agent's
/// options (longest option per local day, best `max_shifts` days)? If not, the
/// minimum is treated as unattainable: not enforced, reported in diagnostics.
pub(crate) fn min_attainable(inst: &Inst, ai: usize) -> Vec<bool> {
    let c = &inst.p.agents[ai].contract;
    let g = &inst.groups[inst.group_of[ai]];
    let pinned_h: Vec<f64> = (0..inst.weeks)
        .map(|w| {
            inst.fixed()
                .filter(|s| s.agent == ai && s.week == w)
                .map(|s| inst.hours(s.len_t))
                .sum()
        })
        .collect();
    (0..inst.weeks)
        .map(|w| {
            let mut best: Vec<f64> = g
                .by_day
                .values()
                .filter_map(|os| {
                    os.iter()
                        .filter(|&&o| g.options[o].week == w)
                        .map(|&o| inst.hours(g.options[o].len_t))
                        .reduce(f64::max)
                })
                .collect();
            best.sort_by(|a, b| b.total_cmp(a));
            let reach: f64 = best
                .iter()
                .take(c.max_shifts_per_week as usize)
                .sum::<f64>()
                + pinned_h[w];
            c.min_hours_per_week <= 0.0
                || reach.min(c.max_hours_per_week) + 1e-9 >= c.min_hours_per_week
        })
        .collect()
}
