//! Small builders for tests (compiled only under `cfg(test)`).

use super::*;
use chrono::{DateTime, NaiveTime, Utc, Weekday};

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_default()
}
pub fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
}
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub fn queue(id: &str, lang: &str, n: usize, req: impl Fn(usize) -> f64) -> Queue {
    Queue {
        id: id.into(),
        language: lang.into(),
        zone: "Europe/Stockholm".into(),
        required: (0..n).map(req).collect(),
        open: None,
        floor: 0,
        workload: None,
    }
}

pub fn contract(min: f64, max: f64, shifts: u32) -> Contract {
    Contract {
        min_hours_per_week: min,
        max_hours_per_week: max,
        max_shifts_per_week: shifts,
        min_rest_hours: 11.0,
        max_consecutive_days: 6,
        min_consecutive_days_off: 1,
        max_weekends: 6,
    }
}

pub fn agent(
    id: &str,
    zone: &str,
    langs: &[&str],
    days: &[Weekday],
    from: NaiveTime,
    to: NaiveTime,
) -> Agent {
    Agent {
        id: id.into(),
        name: format!("Agent {id}"),
        zone: zone.into(),
        languages: langs.iter().map(|s| s.to_string()).collect(),
        availability: days
            .iter()
            .map(|&d| AvailabilityWindow {
                weekday: d,
                start: from,
                end: to,
            })
            .collect(),
        unavailable_dates: vec![],
        time_off: vec![],
        contract: contract(0.0, 40.0, 5),
        preferences: Preferences::default(),
        templates: None,
    }
}

pub fn template(id: &str, hours: u32, step: u32) -> ShiftTemplate {
    ShiftTemplate {
        id: id.into(),
        length_minutes: hours * 60,
        start_step_minutes: step,
        earliest_start: None,
        latest_start: None,
        breaks: vec![],
    }
}

pub fn problem(
    start: &str,
    queues: Vec<Queue>,
    agents: Vec<Agent>,
    templates: Vec<ShiftTemplate>,
) -> Problem {
    Problem {
        period: Period {
            start: t(start),
            weeks: 1,
            interval_minutes: 30,
            zone: None,
        },
        queues,
        agents,
        templates,
        pinned: vec![],
        history: vec![],
        held: vec![],
        weights: Weights::default(),
    }
}

/// Interval index -> (weekday index 0=Mon.., UTC hour as f64) for a Monday start.
pub fn dh(i: usize) -> (usize, f64) {
    (i / 48, (i % 48) as f64 / 2.0)
}

/// Solve, run the independent validator, and fail on any violation.
pub fn solve_ok(p: &Problem) -> Roster {
    solve_with(
        p,
        &SolveOptions {
            time_limit_seconds: 20.0,
            mip_gap: 0.0,
            ..Default::default()
        },
    )
}

/// [`solve_with`]; the roster without its solve time (which no two runs share), and as JSON.
pub fn roster_json(p: &Problem, opts: &SolveOptions) -> (Roster, String) {
    let mut r = solve_with(p, opts);
    r.solve_seconds = 0.0;
    let json = serde_json::to_string(&r).unwrap_or_else(|e| panic!("{e}"));
    (r, json)
}

pub fn solve_with(p: &Problem, opts: &SolveOptions) -> Roster {
    let r = match solve(p, opts) {
        Ok(r) => r,
        Err(e) => panic!("solve failed: {e}"),
    };
    let v = validate(p, &r);
    assert!(v.is_empty(), "violations: {v:#?}");
    // What a manager reads must hold together: the roster is never worse than the solver's own
    // greedy fallback, no roster lies below the bound, and the objective is what the shifts cost
    // when priced anew from them alone (as after a hand edit).
    assert!(
        r.objective <= r.greedy_objective + 1e-6 * r.greedy_objective.abs().max(1.0),
        "roster {} costs more than the greedy start {}",
        r.objective,
        r.greedy_objective
    );
    if let Some(b) = r.bound {
        assert!(
            b <= r.objective + 1e-6 * r.objective.abs().max(1.0),
            "bound {b} above roster {}",
            r.objective
        );
    }
    let mut again = r.clone();
    super::recompute::recompute(p, &mut again);
    assert!(
        (again.objective - r.objective).abs() <= 1e-6 * r.objective.abs().max(1.0),
        "objective {} priced anew from the shifts is {}",
        r.objective,
        again.objective
    );
    r
}
