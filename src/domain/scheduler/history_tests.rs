//! Shifts worked before the period: rest, days in a row and days off together
//! reach across the period start; nothing else does.

use super::testkit::*;
use super::*;

const MON: &str = "2026-03-23T00:00:00Z";

/// One queue wanting `need[d]` agents 06-14 UTC on day `d` of the week, and
/// `count` agents available 06-22 UTC every day with one 8-h template.
fn early_week(count: usize, need: [f64; 7]) -> Problem {
    let q = queue("en", "en", 336, |i| {
        let (d, h) = dh(i);
        if (6.0..14.0).contains(&h) {
            need[d]
        } else {
            0.0
        }
    });
    let agents = (0..count)
        .map(|k| agent(&format!("a{k}"), "UTC", &["en"], &WEEK, hm(6, 0), hm(22, 0)))
        .collect();
    let mut p = problem(MON, vec![q], agents, vec![template("8h", 8, 60)]);
    p.weights.fairness = 0.0;
    p
}

fn prior(agent: &str, start: &str, hours: i64) -> PriorShift {
    PriorShift {
        agent_id: agent.into(),
        start: t(start),
        end: t(start) + chrono::Duration::hours(hours),
    }
}

/// Local dates (UTC agents) of the shifts `agent` works.
fn dates(r: &Roster, agent: &str) -> Vec<String> {
    r.shifts
        .iter()
        .filter(|s| s.agent_id == agent)
        .map(|s| s.start_utc.date_naive().to_string())
        .collect()
}

/// The roster is optimal in the model, and the model's bound is the roster's
/// objective: the model's own rows hold the rule, not only the hand-out checks.
fn assert_proven(r: &Roster) {
    assert_eq!(r.status, SolverStatus::Optimal);
    let bound = r.bound.unwrap_or(f64::NEG_INFINITY);
    assert!(
        (bound - r.objective).abs() < 1e-6,
        "bound {bound} vs {}",
        r.objective
    );
}

#[test]
fn rest_after_a_shift_before_the_period_holds() {
    let mut p = early_week(1, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    let free = solve_ok(&p);
    assert_eq!(free.shifts[0].start_utc, t("2026-03-23T06:00:00Z"));
    // Sunday 14-22 worked: 11 h of rest end Monday 09:00.
    p.history = vec![prior("a0", "2026-03-22T14:00:00Z", 8)];
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].start_utc, t("2026-03-23T09:00:00Z"));
    // 3 h short (100), 3 h over (5), 8 h paid.
    assert_eq!(r.objective, 323.0);
    assert_proven(&r);
    // The validator checks the same rule on its own: the free roster breaks it.
    let v = validate(&p, &free);
    assert!(v.iter().any(|x| x.rule == "min_rest"), "{v:?}");
}

#[test]
fn days_in_a_row_count_the_days_before_the_period() {
    // Wednesday to Sunday worked before; at most five days in a row.
    let mut p = early_week(1, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    p.agents[0].contract.max_consecutive_days = 5;
    p.history = (18..=22)
        .map(|d| prior("a0", &format!("2026-03-{d}T06:00:00Z"), 8))
        .collect();
    let r = solve_ok(&p);
    assert_eq!(dates(&r, "a0"), vec!["2026-03-24"]);
    assert_proven(&r);
    let free = solve_ok(&early_week(1, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
    assert_eq!(dates(&free, "a0"), vec!["2026-03-23", "2026-03-24"]);
    let v = validate(&p, &free);
    assert!(v.iter().any(|x| x.rule == "max_consecutive_days"), "{v:?}");
}

#[test]
fn days_off_together_count_the_days_before_the_period() {
    // Saturday worked, Sunday off; two days off together: Monday must stay off too.
    let mut p = early_week(1, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    p.agents[0].contract.min_consecutive_days_off = 2;
    p.history = vec![prior("a0", "2026-03-21T06:00:00Z", 8)];
    let r = solve_ok(&p);
    assert_eq!(dates(&r, "a0"), vec!["2026-03-24"]);
    assert_proven(&r);
    // The history does not count toward the period's weeks: its hours and its
    // weekend are not the period's.
    assert_eq!(r.kpis.agents[0].hours_per_week, vec![8.0]);
    let free = solve_ok(&early_week(1, [1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]));
    let v = validate(&p, &free);
    assert!(v.iter().any(|x| x.rule == "min_days_off"), "{v:?}");
}

#[test]
fn only_the_agent_with_the_history_is_held_back() {
    // Two agents who are otherwise identical: the one who worked late on Sunday
    // cannot open on Monday, the other one can.
    let mut p = early_week(2, [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    p.history = vec![prior("a0", "2026-03-22T14:00:00Z", 8)];
    let r = solve_ok(&p);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].agent_id, "a1");
    assert_eq!(r.shifts[0].start_utc, t("2026-03-23T06:00:00Z"));
    assert_eq!(r.objective, 8.0);
}

#[test]
fn history_must_start_before_the_period_and_name_a_known_agent() {
    let mut p = early_week(1, [1.0; 7]);
    p.history = vec![prior("a0", MON, 8)];
    assert!(matches!(
        solve(&p, &SolveOptions::default()),
        Err(ScheduleError::Invalid { .. })
    ));
    p.history = vec![prior("nobody", "2026-03-22T06:00:00Z", 8)];
    assert!(matches!(
        solve(&p, &SolveOptions::default()),
        Err(ScheduleError::Invalid { .. })
    ));
}

#[test]
fn a_prior_shift_keeps_its_local_day_for_zones_behind_the_period() {
    // The period starts Monday 00:00 UTC, Sunday 17:00 in Los Angeles: the agent's
    // Sunday is partly inside the period. Having worked Sunday 05-09 local, the agent
    // gets no second shift starting that Sunday, however long the rest since.
    let q = queue("en", "en", 336, |i| if i < 14 { 1.0 } else { 0.0 });
    let a = agent(
        "a0",
        "America/Los_Angeles",
        &["en"],
        &WEEK,
        hm(0, 0),
        hm(0, 0),
    );
    let mut p = problem(MON, vec![q], vec![a], vec![template("4h", 4, 60)]);
    p.weights.fairness = 0.0;
    let free = solve_ok(&p);
    assert!(!free.shifts.is_empty());
    p.history = vec![prior("a0", "2026-03-22T12:00:00Z", 4)];
    let r = solve_ok(&p);
    assert!(
        r.shifts
            .iter()
            .all(|s| s.start_local.date_naive().to_string() != "2026-03-22"),
        "{:?}",
        r.shifts
    );
    let v = validate(&p, &free);
    assert!(v.iter().any(|x| x.rule == "one_shift_per_day"), "{v:?}");
}
