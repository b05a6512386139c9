//! The validator itself: a clean roster passes, and a roster tampered to break one
//! hard rule is caught with that rule's name.

use super::testkit::*;
use super::*;
use chrono::{Datelike, Duration, Weekday};
use chrono_tz::Tz;

const MON: &str = "2026-03-23T00:00:00Z";

/// One UTC agent available around the clock on weekdays, one 4-h template, a queue that
/// wants one agent 09-13 every weekday: the optimum is one 09-13 shift a day.
fn setup() -> (Problem, Roster) {
    let n = 336;
    let q = queue("en", "en", n, |i| {
        let (d, h) = dh(i);
        if d < 5 && (9.0..13.0).contains(&h) {
            1.0
        } else {
            0.0
        }
    });
    let a = agent("a1", "UTC", &["en"], &WEEK[..5], hm(0, 0), hm(0, 0));
    let p = problem(MON, vec![q], vec![a], vec![template("4h", 4, 60)]);
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 5);
    (p, r)
}

/// A copy of `s` moved by `by`, with every derived time moved along.
fn moved(s: &ShiftOut, by: Duration) -> ShiftOut {
    let tz: Tz = s.zone.parse().unwrap_or(Tz::UTC);
    let mut m = s.clone();
    m.start_utc += by;
    m.end_utc += by;
    m.start_local = m.start_utc.with_timezone(&tz).fixed_offset();
    m.end_local = m.end_utc.with_timezone(&tz).fixed_offset();
    for iv in &mut m.intervals {
        iv.start_utc += by;
    }
    m
}

fn rules(p: &Problem, r: &Roster) -> Vec<String> {
    validate(p, r).into_iter().map(|v| v.rule).collect()
}

fn has(found: &[String], rule: &str) -> bool {
    found.iter().any(|r| r == rule)
}

#[test]
fn clean_roster_passes() {
    let (p, r) = setup();
    assert!(rules(&p, &r).is_empty());
}

#[test]
fn two_shifts_starting_on_one_local_day_are_caught() {
    let (p, mut r) = setup();
    // Monday 00:00-04:00 and 15:00-19:00: 11 h apart, so only the one-shift-a-day rule breaks.
    let monday = r.shifts[0].clone();
    assert_eq!(monday.start_utc, t("2026-03-23T09:00:00Z"));
    r.shifts[0] = moved(&monday, Duration::hours(-9));
    r.shifts.push(moved(&monday, Duration::hours(6)));
    let found = rules(&p, &r);
    assert!(has(&found, "one_shift_per_day"), "{found:?}");
    assert!(!has(&found, "min_rest"), "{found:?}");
}

#[test]
fn local_day_is_the_agents_not_utcs() {
    // For an agent in Sydney (UTC+11 in March) 14:00 UTC Monday is 01:00 Tuesday, so a
    // 00:00-04:00 UTC Monday shift and a 14:00-18:00 UTC Monday shift start on different local days.
    let (mut p, mut r) = setup();
    p.agents[0].zone = "Australia/Sydney".into();
    p.agents[0].availability = WEEK
        .iter()
        .map(|&d| AvailabilityWindow {
            weekday: d,
            start: hm(0, 0),
            end: hm(0, 0),
        })
        .collect();
    let monday = r.shifts[0].clone();
    let mut first = moved(&monday, Duration::hours(-9));
    let mut second = moved(&monday, Duration::hours(5));
    for s in [&mut first, &mut second] {
        s.zone = "Australia/Sydney".into();
        let tz: Tz = chrono_tz::Australia::Sydney;
        s.start_local = s.start_utc.with_timezone(&tz).fixed_offset();
        s.end_local = s.end_utc.with_timezone(&tz).fixed_offset();
    }
    r.shifts = vec![first, second];
    let found = rules(&p, &r);
    assert!(!has(&found, "one_shift_per_day"), "{found:?}");
}

#[test]
fn two_pinned_shifts_on_one_day_are_the_managers_call() {
    let (mut p, mut r) = setup();
    let monday = r.shifts[0].clone();
    let mut a = moved(&monday, Duration::hours(-9));
    let mut b = moved(&monday, Duration::hours(6));
    for s in [&mut a, &mut b] {
        s.pinned = true;
        p.pinned.push(PinnedShift {
            agent_id: s.agent_id.clone(),
            start: s.start_utc,
            end: s.end_utc,
            breaks: vec![],
        });
    }
    r.shifts = vec![a, b];
    let found = rules(&p, &r);
    assert!(!has(&found, "one_shift_per_day"), "{found:?}");
}

#[test]
fn short_rest_is_caught() {
    let (p, mut r) = setup();
    // Tuesday's shift moved to Monday 23:00: 10 h after Monday's ends.
    r.shifts[1] = moved(&r.shifts[1].clone(), Duration::hours(-10));
    let found = rules(&p, &r);
    assert!(has(&found, "min_rest"), "{found:?}");
}

#[test]
fn shift_outside_availability_is_caught() {
    let (p, mut r) = setup();
    // Saturday is not in the agent's availability.
    r.shifts[4] = moved(&r.shifts[4].clone(), Duration::days(1));
    assert_eq!(r.shifts[4].start_utc.weekday(), Weekday::Sat);
    let found = rules(&p, &r);
    assert!(has(&found, "availability"), "{found:?}");
}

#[test]
fn too_many_shifts_in_a_week_are_caught() {
    let (mut p, r) = setup();
    p.agents[0].contract.max_shifts_per_week = 4;
    let found = rules(&p, &r);
    assert!(has(&found, "max_shifts"), "{found:?}");
}
