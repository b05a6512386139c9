//! The prepared instance: UTC interval grid, per-agent availability masks in
//! grid units, qualified queues, and groups of identical agents.
//!
//! Local time rules: a local wall-clock time that does not exist (spring-forward
//! gap) is moved forward by one hour for availability windows and skipped as a
//! shift start; an ambiguous one (fall-back) resolves to the earlier instant.

use super::options::{self, Opt};
use super::problem::{parse_zone, Problem, ScheduleError};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use std::collections::BTreeMap;

/// Resolve a local wall-clock time; `None` only for a DST gap.
pub(crate) fn resolve(tz: &Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Some(a.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

pub(crate) fn resolve_or_later(tz: &Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    resolve(tz, naive).or_else(|| resolve(tz, naive + Duration::hours(1)))
}

pub(crate) fn is_weekend(w: Weekday) -> bool {
    matches!(w, Weekday::Sat | Weekday::Sun)
}

/// A night shift: it starts before 06:00 local or runs past local midnight.
pub(crate) fn is_night(start_minute_of_day: i64, length_minutes: i64) -> bool {
    start_minute_of_day < 360 || start_minute_of_day + length_minutes > 24 * 60
}

/// How far back prior shifts count, in days: further than any contract's days in a
/// row or days off together reach (a week at most) plus a margin.
const PRIOR_DAYS: i64 = 14;

pub(crate) struct AgentCtx {
    pub tz: Tz,
    /// Queue indices whose language the agent speaks.
    pub quals: Vec<usize>,
    /// Interval is inside availability and outside time off / unavailable days.
    pub avail: Vec<bool>,
    pub templates: Vec<usize>,
    /// Per week: contract minimum is attainable (enforced) or not (reported).
    pub min_attainable: Vec<bool>,
    /// Local days (before the period: negative) of the agent's prior shifts, sorted.
    pub prior_days: Vec<i64>,
    /// Minutes from the period start at which the last prior shift ends.
    pub prior_end: Option<i64>,
}

pub(crate) struct Pinned {
    pub agent: usize,
    pub start_t: usize,
    pub len_t: usize,
    pub day: i64,
    pub week: usize,
    pub weekday: Weekday,
    pub breaks: Vec<(usize, usize)>,
}

impl Pinned {
    /// The shift as the rule checks see it.
    pub fn placed(&self) -> super::rules::Placed {
        super::rules::Placed {
            start_t: self.start_t,
            len_t: self.len_t,
            day: self.day,
            week: self.week,
            weekday: self.weekday,
        }
    }
}

pub(crate) struct Group {
    pub members: Vec<usize>,
    pub options: Vec<Opt>,
    pub by_day: BTreeMap<i64, Vec<usize>>,
}

pub(crate) struct Inst<'a> {
    pub p: &'a Problem,
    pub n: usize,
    pub step: i64,
    pub weeks: usize,
    pub first_date: NaiveDate,
    pub open: Vec<Vec<bool>>,
    pub agents: Vec<AgentCtx>,
    pub groups: Vec<Group>,
    pub group_of: Vec<usize>,
    pub pinned: Vec<Pinned>,
    /// [`Problem::held`] on the grid, rounded outward (its end may pass `n`): counted for the
    /// contract rules, never for coverage nor in the roster.
    pub held: Vec<Pinned>,
}

impl Inst<'_> {
    pub fn time(&self, t: usize) -> DateTime<Utc> {
        self.p.period.start + Duration::minutes(t as i64 * self.step)
    }
    pub fn hours(&self, len_t: usize) -> f64 {
        len_t as f64 * self.step as f64 / 60.0
    }
    /// Grid index of a UTC instant, if on the grid inside the period.
    pub fn index_of(&self, t: DateTime<Utc>) -> Option<usize> {
        let m = (t - self.p.period.start).num_minutes();
        (m >= 0 && m % self.step == 0 && ((m / self.step) as usize) <= self.n)
            .then_some((m / self.step) as usize)
    }
    /// Every shift fixed before the solve that the contract rules count: pinned and held.
    pub fn fixed(&self) -> impl Iterator<Item = &Pinned> {
        self.pinned.iter().chain(&self.held)
    }
    /// (day index, week, weekday) of the agent-local date of instant `t`.
    pub fn local_day(&self, tz: &Tz, t: DateTime<Utc>) -> (i64, usize, Weekday) {
        let d = t.with_timezone(tz).date_naive();
        let day = (d - self.first_date).num_days();
        let week = day.div_euclid(7).clamp(0, self.weeks as i64 - 1) as usize;
        (day, week, d.weekday())
    }
}

fn mask(p: &Problem, tz: &Tz, ai: usize, n: usize, step: i64) -> Vec<bool> {
    let a = &p.agents[ai];
    let start = p.period.start;
    let end = start + Duration::minutes(n as i64 * step);
    let idx =
        |t: DateTime<Utc>| ((t - start).num_minutes().clamp(0, n as i64 * step) / step) as usize;
    let idx_up = |t: DateTime<Utc>| {
        let m = (t - start).num_minutes().clamp(0, n as i64 * step);
        ((m + step - 1) / step) as usize
    };
    let mut m = vec![false; n];
    let d0 = start.with_timezone(tz).date_naive() - Duration::days(1);
    let d1 = end.with_timezone(tz).date_naive();
    let mut d = d0;
    while d <= d1 {
        for w in a.availability.iter().filter(|w| w.weekday == d.weekday()) {
            let end_date = if w.end <= w.start {
                d + Duration::days(1)
            } else {
                d
            };
            let (Some(s), Some(e)) = (
                resolve_or_later(tz, d.and_time(w.start)),
                resolve_or_later(tz, end_date.and_time(w.end)),
            ) else {
                continue;
            };
            // Only whole intervals inside the window are available.
            for v in m.iter_mut().take(idx(e)).skip(idx_up(s)) {
                *v = true;
            }
        }
        d += Duration::days(1);
    }
    for r in &a.time_off {
        for v in m.iter_mut().take(idx_up(r.end)).skip(idx(r.start)) {
            *v = false;
        }
    }
    if !a.unavailable_dates.is_empty() {
        for (t, v) in m.iter_mut().enumerate() {
            let s = start + Duration::minutes(t as i64 * step);
            let e = s + Duration::minutes(step - 1);
            let ds = [
                s.with_timezone(tz).date_naive(),
                e.with_timezone(tz).date_naive(),
            ];
            if ds.iter().any(|d| a.unavailable_dates.contains(d)) {
                *v = false;
            }
        }
    }
    m
}

/// Prepare the instance. `aggregate` merges agents with identical zone,
/// languages, availability, time off, contract, preferences and templates.
pub(crate) fn prepare(p: &Problem, aggregate: bool) -> Result<Inst<'_>, ScheduleError> {
    p.check()?;
    let n = p.interval_count();
    let step = i64::from(p.period.interval_minutes);
    let weeks = p.period.weeks as usize;
    let open: Vec<Vec<bool>> = p
        .queues
        .iter()
        .map(|q| q.open.clone().unwrap_or_else(|| vec![true; n]))
        .collect();
    let mut agents = Vec::with_capacity(p.agents.len());
    for (ai, a) in p.agents.iter().enumerate() {
        let tz = parse_zone(&format!("agents[{ai}].zone"), &a.id, &a.zone)?;
        let quals = (0..p.queues.len())
            .filter(|&q| a.languages.contains(&p.queues[q].language))
            .collect();
        let templates = (0..p.templates.len())
            .filter(|&t| {
                a.templates
                    .as_ref()
                    .is_none_or(|ts| ts.contains(&p.templates[t].id))
            })
            .collect();
        let avail = mask(p, &tz, ai, n, step);
        agents.push(AgentCtx {
            tz,
            quals,
            avail,
            templates,
            min_attainable: vec![true; weeks],
            prior_days: Vec::new(),
            prior_end: None,
        });
    }
    let mut inst = Inst {
        p,
        n,
        step,
        weeks,
        first_date: p.period.first_date(),
        open,
        agents,
        groups: Vec::new(),
        group_of: vec![0; p.agents.len()],
        pinned: Vec::new(),
        held: Vec::new(),
    };
    for s in &p.pinned {
        let Some(ai) = p.agents.iter().position(|a| a.id == s.agent_id) else {
            continue;
        };
        let (Some(st), Some(en)) = (inst.index_of(s.start), inst.index_of(s.end)) else {
            continue;
        };
        let (day, week, weekday) = inst.local_day(&inst.agents[ai].tz, s.start);
        let breaks = s
            .breaks
            .iter()
            .filter_map(|b| Some((inst.index_of(b.start)?, inst.index_of(b.end)?)))
            .collect();
        inst.pinned.push(Pinned {
            agent: ai,
            start_t: st,
            len_t: en.saturating_sub(st),
            day,
            week,
            weekday,
            breaks,
        });
    }
    for s in &p.held {
        let Some(ai) = p.agents.iter().position(|a| a.id == s.agent_id) else {
            continue;
        };
        let (from, to) = s.on_grid(&p.period);
        let start_t = ((from - p.period.start).num_minutes().max(0) / step) as usize;
        let (day, week, weekday) = inst.local_day(&inst.agents[ai].tz, s.start);
        inst.held.push(Pinned {
            agent: ai,
            start_t,
            len_t: ((to - from).num_minutes() / step) as usize,
            day,
            week,
            weekday,
            breaks: Vec::new(),
        });
    }
    for s in &p.history {
        let Some(ai) = p.agents.iter().position(|a| a.id == s.agent_id) else {
            continue;
        };
        let (day, _, _) = inst.local_day(&inst.agents[ai].tz, s.start);
        // Older days cannot reach a rule inside the period.
        if day < -PRIOR_DAYS {
            continue;
        }
        let ctx = &mut inst.agents[ai];
        ctx.prior_days.push(day);
        let end = (s.end - p.period.start).num_minutes();
        ctx.prior_end = Some(ctx.prior_end.map_or(end, |e| e.max(end)));
    }
    for ctx in &mut inst.agents {
        ctx.prior_days.sort_unstable();
        ctx.prior_days.dedup();
    }
    let mut keys: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (ai, a) in p.agents.iter().enumerate() {
        // Members of a group must be interchangeable: fixed or prior shifts make them differ.
        let pinned = inst.fixed().any(|x| x.agent == ai) || !inst.agents[ai].prior_days.is_empty();
        let key = if aggregate && !pinned {
            let mut langs = a.languages.clone();
            langs.sort();
            let mut av = a.availability.clone();
            av.sort_by_key(|w| (w.weekday.num_days_from_monday(), w.start, w.end));
            let mut un = a.unavailable_dates.clone();
            un.sort();
            let mut to = a.time_off.clone();
            to.sort();
            let body = (
                &a.zone,
                langs,
                av,
                un,
                to,
                &a.contract,
                &a.preferences,
                &a.templates,
            );
            serde_json::to_string(&body).map_err(|e| ScheduleError::Solver(e.to_string()))?
        } else {
            format!("~{ai:08}")
        };
        keys.entry(key).or_default().push(ai);
    }
    let mut groups: Vec<Vec<usize>> = keys.into_values().collect();
    groups.sort_by_key(|g| g[0]);
    for (gi, members) in groups.into_iter().enumerate() {
        for &m in &members {
            inst.group_of[m] = gi;
        }
        let options = options::generate(&inst, members[0]);
        let mut by_day: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (oi, o) in options.iter().enumerate() {
            by_day.entry(o.day).or_default().push(oi);
        }
        inst.groups.push(Group {
            members,
            options,
            by_day,
        });
    }
    for ai in 0..p.agents.len() {
        inst.agents[ai].min_attainable = options::min_attainable(&inst, ai);
    }
    Ok(inst)
}
