//! Per-shift and per-agent rule checks of the independent validator.

use super::problem::{Agent, Problem};
use super::roster::ShiftOut;
use super::validate::{Worked, V};
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
    Weekday,
};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet};

fn to_utc(tz: &Tz, n: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&n) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => match tz.from_local_datetime(&(n + Duration::hours(1))) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
            LocalResult::None => None,
        },
    }
}

/// Is every minute of [s, e) inside the agent's windows, free of time off and
/// of unavailable local dates?
pub(super) fn available(a: &Agent, tz: &Tz, s: DateTime<Utc>, e: DateTime<Utc>) -> bool {
    if a.time_off.iter().any(|r| r.start < e && s < r.end) {
        return false;
    }
    let mut ranges: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let first = s.with_timezone(tz).date_naive() - Duration::days(2);
    for k in 0..5 {
        let d = first + Duration::days(k);
        for w in a.availability.iter().filter(|w| w.weekday == d.weekday()) {
            let ed = if w.end <= w.start {
                d + Duration::days(1)
            } else {
                d
            };
            if let (Some(x), Some(y)) = (
                to_utc(tz, d.and_time(w.start)),
                to_utc(tz, ed.and_time(w.end)),
            ) {
                ranges.push((x, y));
            }
        }
    }
    ranges.sort();
    let mut reach = s;
    for (x, y) in ranges {
        if x <= reach && y > reach {
            reach = y;
        }
    }
    if reach < e {
        return false;
    }
    let mut t = s;
    while t < e {
        if a.unavailable_dates
            .contains(&t.with_timezone(tz).date_naive())
        {
            return false;
        }
        t += Duration::minutes(15);
    }
    !a.unavailable_dates
        .contains(&(e - Duration::minutes(1)).with_timezone(tz).date_naive())
}

pub(super) fn check_template(p: &Problem, a: &Agent, tz: &Tz, s: &ShiftOut, v: &mut V) {
    let sid = Some(s.agent_id.as_str());
    let Some(tpl) = p
        .templates
        .iter()
        .find(|t| Some(&t.id) == s.template_id.as_ref())
    else {
        v.push(
            "template",
            sid,
            None,
            Some(s.start_utc),
            "unknown template".into(),
        );
        return;
    };
    if a.templates.as_ref().is_some_and(|ts| !ts.contains(&tpl.id)) {
        v.push(
            "template",
            sid,
            None,
            Some(s.start_utc),
            "template not allowed for agent".into(),
        );
    }
    if (s.end_utc - s.start_utc).num_minutes() != i64::from(tpl.length_minutes) {
        v.push(
            "length",
            sid,
            None,
            Some(s.start_utc),
            "shift length differs from template".into(),
        );
    }
    let local = s.start_utc.with_timezone(tz);
    let m = local.hour() * 60 + local.minute();
    let e = tpl.earliest_start.map_or(0, |t| t.hour() * 60 + t.minute());
    let l = tpl
        .latest_start
        .map_or(24 * 60, |t| t.hour() * 60 + t.minute());
    if m < e || m > l || !(m - e).is_multiple_of(tpl.start_step_minutes.max(1)) {
        v.push(
            "start_grid",
            sid,
            None,
            Some(s.start_utc),
            format!("local start {m} min not on the template grid"),
        );
    }
    let mut used = vec![false; s.breaks.len()];
    for rule in &tpl.breaks {
        let found = s.breaks.iter().enumerate().position(|(i, b)| {
            let off = (b.start_utc - s.start_utc).num_minutes();
            let len = (b.end_utc - b.start_utc).num_minutes();
            !used[i]
                && len == i64::from(rule.length_minutes)
                && off >= i64::from(rule.window_start_minutes)
                && off + len <= i64::from(rule.window_end_minutes)
        });
        match found {
            Some(i) => used[i] = true,
            None => v.push(
                "breaks",
                sid,
                None,
                Some(s.start_utc),
                "break missing or outside its window".into(),
            ),
        }
    }
    if used.iter().any(|u| !u) {
        v.push("breaks", sid, None, Some(s.start_utc), "extra break".into());
    }
    let mut bs: Vec<_> = s.breaks.iter().map(|b| (b.start_utc, b.end_utc)).collect();
    bs.sort();
    if bs.windows(2).any(|w| w[0].1 > w[1].0) {
        v.push(
            "breaks",
            sid,
            None,
            Some(s.start_utc),
            "overlapping breaks".into(),
        );
    }
}

pub(super) fn check_contract(
    a: &Agent,
    ws: &[Worked],
    first: NaiveDate,
    weeks: i64,
    reported: &BTreeSet<(&str, u32)>,
    v: &mut V,
) {
    let c = &a.contract;
    let id = Some(a.id.as_str());
    let week = |d: NaiveDate| ((d - first).num_days().div_euclid(7)).clamp(0, weeks - 1) as usize;
    let mut hours = vec![0.0; weeks as usize];
    let mut count = vec![0u32; weeks as usize];
    // What held shifts alone reach: a limit they already pass is broken only if the roster
    // goes further (the roster cannot undo another plan's shifts).
    let mut held_hours = vec![0.0; weeks as usize];
    let mut held_count = vec![0u32; weeks as usize];
    for w in ws.iter().filter(|w| !w.prior) {
        let h = (w.end - w.start).num_minutes() as f64 / 60.0;
        hours[week(w.date)] += h;
        count[week(w.date)] += 1;
        if w.held {
            held_hours[week(w.date)] += h;
            held_count[week(w.date)] += 1;
        }
    }
    let held_days: BTreeSet<NaiveDate> = ws.iter().filter(|w| w.held).map(|w| w.date).collect();
    let rostered: BTreeSet<NaiveDate> = ws
        .iter()
        .filter(|w| !w.held && !w.prior)
        .map(|w| w.date)
        .collect();
    for pair in ws.windows(2) {
        let (x, y) = (&pair[0], &pair[1]);
        if x.pinned && y.pinned {
            continue;
        }
        if y.start < x.end {
            v.push(
                "overlap",
                id,
                None,
                Some(y.start),
                "overlapping shifts".into(),
            );
        } else if ((y.start - x.end).num_minutes() as f64) < c.min_rest_hours * 60.0 - 1e-9 {
            v.push(
                "min_rest",
                id,
                None,
                Some(y.start),
                "rest between shifts below contract".into(),
            );
        }
    }
    // The scheduler's day is the agent's local date of the shift start: two shifts
    // may not start on one local date (a split shift is not a template).
    let mut starts: BTreeMap<NaiveDate, (u32, bool)> = BTreeMap::new();
    for w in ws {
        let e = starts.entry(w.date).or_insert((0, true));
        e.0 += 1;
        e.1 &= w.pinned;
    }
    for (d, (n, only_pinned)) in starts {
        if n > 1 && !only_pinned {
            v.push(
                "one_shift_per_day",
                id,
                None,
                None,
                format!("{n} shifts start on local date {d}"),
            );
        }
    }
    let all_pinned = ws.iter().all(|w| w.pinned);
    // Rules across the period start are reported on the period's own days only.
    let in_period: BTreeSet<NaiveDate> = ws.iter().filter(|w| !w.prior).map(|w| w.date).collect();
    for k in 0..weeks as usize {
        if hours[k] > c.max_hours_per_week.max(held_hours[k]) + 1e-9 && !all_pinned {
            v.push(
                "max_hours",
                id,
                None,
                None,
                format!("week {k}: {} h > {}", hours[k], c.max_hours_per_week),
            );
        }
        if count[k] > c.max_shifts_per_week.max(held_count[k]) && !all_pinned {
            v.push(
                "max_shifts",
                id,
                None,
                None,
                format!("week {k}: {} shifts", count[k]),
            );
        }
        if hours[k] + 1e-9 < c.min_hours_per_week && !reported.contains(&(a.id.as_str(), k as u32))
        {
            v.push(
                "min_hours",
                id,
                None,
                None,
                format!(
                    "week {k}: {} h < {} and not reported",
                    hours[k], c.min_hours_per_week
                ),
            );
        }
    }
    if all_pinned {
        return;
    }
    let days: BTreeSet<NaiveDate> = ws.iter().map(|w| w.date).collect();
    let mut run = 0;
    let mut run_rostered = false;
    let mut prev: Option<NaiveDate> = None;
    for &d in &days {
        match prev {
            Some(p) if (d - p).num_days() == 1 => run += 1,
            Some(p) => {
                let off = (d - p).num_days() - 1;
                let by_roster = rostered.contains(&d) || rostered.contains(&p);
                if off < i64::from(c.min_consecutive_days_off)
                    && in_period.contains(&d)
                    && by_roster
                {
                    v.push(
                        "min_days_off",
                        id,
                        None,
                        None,
                        format!("only {off} day(s) off before {d}"),
                    );
                }
                run = 1;
                run_rostered = false;
            }
            None => run = 1,
        }
        run_rostered |= rostered.contains(&d);
        if run > c.max_consecutive_days && in_period.contains(&d) && run_rostered {
            v.push(
                "max_consecutive_days",
                id,
                None,
                None,
                format!("{run} consecutive days up to {d}"),
            );
        }
        prev = Some(d);
    }
    let weekends = weekends_of(&in_period);
    let held_weekends = weekends_of(&held_days).len() as u32;
    if weekends.len() as u32 > c.max_weekends.max(held_weekends) {
        v.push(
            "max_weekends",
            id,
            None,
            None,
            format!("{} weekends worked", weekends.len()),
        );
    }
}

/// The Saturdays of the weekends some of `days` fall on.
fn weekends_of(days: &BTreeSet<NaiveDate>) -> BTreeSet<NaiveDate> {
    days.iter()
        .filter_map(|d| match d.weekday() {
            Weekday::Sat => Some(*d),
            Weekday::Sun => Some(*d - Duration::days(1)),
            _ => None,
        })
        .collect()
}
