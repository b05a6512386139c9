//! Shifts held for other queues inside the period: every contract rule counts them,
//! no queue of the problem is covered by them, and a limit they pass on their own is
//! not the roster's breach.

use super::testkit::*;
use super::*;

const MON: &str = "2026-03-23T00:00:00Z";

/// One queue wanting `need[d]` agents 06-14 UTC on day `d` of the period, and one
/// agent available 06-22 UTC every day with one 8-h template.
fn one_agent(weeks: u32, need: &[f64]) -> Problem {
    let n = weeks as usize * 336;
    let need = need.to_vec();
    let q = queue("en", "en", n, move |i| {
        let (d, h) = dh(i);
        if (6.0..14.0).contains(&h) {
            need.get(d).copied().unwrap_or(0.0)
        } else {
            0.0
        }
    });
    let a = agent("a0", "UTC", &["en"], &WEEK, hm(6, 0), hm(22, 0));
    let mut p = problem(MON, vec![q], vec![a], vec![template("8h", 8, 60)]);
    p.period.weeks = weeks;
    p.weights.fairness = 0.0;
    p
}

fn held(start: &str, minutes: i64) -> HeldShift {
    HeldShift {
        agent_id: "a0".into(),
        start: t(start),
        end: t(start) + chrono::Duration::minutes(minutes),
    }
}

/// The rules `roster` breaks in `p`, as the independent validator names them.
fn broken(p: &Problem, roster: &Roster) -> Vec<String> {
    validate(p, roster).into_iter().map(|x| x.rule).collect()
}

#[test]
fn held_hours_and_shifts_count_toward_the_week() {
    let mut p = one_agent(1, &[1.0, 1.0, 1.0]);
    p.agents[0].contract.max_hours_per_week = 24.0;
    let free = solve_ok(&p);
    assert_eq!(free.shifts.len(), 3);
    // Thursday and Friday are held for another queue: one 8-h shift is all that is left.
    p.held = vec![
        held("2026-03-26T06:00:00Z", 8 * 60),
        held("2026-03-27T06:00:00Z", 8 * 60),
    ];
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.kpis.agents[0].hours_per_week, vec![8.0]);
    assert_eq!(r.kpis.agents[0].held_hours_per_week, vec![16.0]);
    // The validator counts them on its own: the roster made without them is 40 h.
    assert!(broken(&p, &free).contains(&"max_hours".to_string()));
    // The same through the shift count: three shifts a week at most.
    p.agents[0].contract.max_hours_per_week = 40.0;
    p.agents[0].contract.max_shifts_per_week = 3;
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert!(broken(&p, &free).contains(&"max_shifts".to_string()));
}

#[test]
fn a_held_shift_covers_nothing_and_is_not_in_the_roster() {
    let mut p = one_agent(1, &[1.0]);
    p.held = vec![held("2026-03-23T06:00:00Z", 8 * 60)];
    let r = solve_ok(&p);
    assert!(r.shifts.is_empty(), "{:?}", r.shifts);
    let monday = &r.queues[0].intervals[12..28];
    assert!(monday
        .iter()
        .all(|iv| iv.scheduled == 0.0 && iv.shortfall == 1.0));
}

#[test]
fn a_held_shift_keeps_its_day_and_its_rest() {
    // Monday evening is held: no second shift starts on Monday, and Tuesday's
    // early start would cut the 11 h of rest after it (22:00 + 11 h = 09:00).
    let mut p = one_agent(1, &[1.0, 1.0]);
    p.held = vec![held("2026-03-23T18:00:00Z", 4 * 60)];
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].start_utc, t("2026-03-24T09:00:00Z"));
    let free = solve_ok(&one_agent(1, &[1.0, 1.0]));
    let v = broken(&p, &free);
    assert!(v.contains(&"one_shift_per_day".to_string()), "{v:?}");
    assert!(v.contains(&"min_rest".to_string()), "{v:?}");
}

#[test]
fn held_days_count_for_days_in_a_row_and_weekends() {
    // Tuesday to Saturday held, at most five days in a row: Monday and Sunday stay off.
    let mut p = one_agent(1, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    p.agents[0].contract.max_consecutive_days = 5;
    p.agents[0].contract.max_shifts_per_week = 7;
    p.agents[0].contract.max_hours_per_week = 56.0;
    p.held = (24..=28)
        .map(|d| held(&format!("2026-03-{d}T16:00:00Z"), 4 * 60))
        .collect();
    let r = solve_ok(&p);
    assert!(r.shifts.is_empty(), "{:?}", r.shifts);
    // One weekend at most over two weeks: the first Saturday is held, so the
    // second Saturday's demand goes unmet.
    let mut need = vec![0.0; 14];
    need[12] = 1.0;
    let mut p = one_agent(2, &need);
    p.agents[0].contract.max_weekends = 1;
    let free = solve_ok(&p);
    assert_eq!(free.shifts.len(), 1);
    p.held = vec![held("2026-03-28T16:00:00Z", 4 * 60)];
    let r = solve_ok(&p);
    assert!(r.shifts.is_empty(), "{:?}", r.shifts);
    assert!(broken(&p, &free).contains(&"max_weekends".to_string()));
}

#[test]
fn a_limit_held_shifts_pass_alone_is_kept_but_not_blamed_on_the_roster() {
    // Three 10-h shifts held against a 24-h week: the roster cannot undo them, adds
    // nothing that week, and the next week is rostered as usual.
    let mut p = one_agent(2, &[1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    p.agents[0].contract.max_hours_per_week = 24.0;
    p.held = (24..=26)
        .map(|d| held(&format!("2026-03-{d}T10:00:00Z"), 10 * 60))
        .collect();
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].start_utc, t("2026-03-30T06:00:00Z"));
    assert_eq!(r.kpis.agents[0].held_hours_per_week, vec![30.0, 0.0]);
}

#[test]
fn a_held_shift_off_the_grid_counts_rounded_outward() {
    let mut p = one_agent(1, &[1.0]);
    p.held = vec![held("2026-03-25T10:15:00Z", 4 * 60)];
    let r = solve_ok(&p);
    assert_eq!(r.kpis.agents[0].held_hours_per_week, vec![4.5]);
}

#[test]
fn held_shifts_must_start_inside_the_period_and_name_a_known_agent() {
    let mut p = one_agent(1, &[1.0]);
    p.held = vec![held("2026-03-22T18:00:00Z", 60)];
    let e = solve(&p, &SolveOptions::default()).err();
    assert_eq!(e.as_ref().and_then(|e| e.field()), Some("held[0].start"));
    p.held = vec![held("2026-03-30T00:00:00Z", 60)];
    let e = solve(&p, &SolveOptions::default()).err();
    assert_eq!(e.as_ref().and_then(|e| e.field()), Some("held[0].start"));
    p.held = vec![held("2026-03-24T06:00:00Z", 25 * 60)];
    let e = solve(&p, &SolveOptions::default()).err();
    assert_eq!(e.as_ref().and_then(|e| e.field()), Some("held[0].end"));
    p.held = vec![HeldShift {
        agent_id: "nobody".into(),
        ..held("2026-03-24T06:00:00Z", 60)
    }];
    let e = solve(&p, &SolveOptions::default()).err();
    assert_eq!(e.as_ref().and_then(|e| e.field()), Some("held[0].agent_id"));
}
