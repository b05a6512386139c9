use super::*;
use crate::domain::agent::AvailabilityInput;
use crate::domain::weekly::WindowDto;
use chrono::{DateTime, Utc};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn span(a: &str, b: &str) -> Span {
    Span::new(t(a), t(b))
}

fn every_day(start: &str, end: &str) -> Availability {
    let weekly = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .map(|d| WindowDto {
            weekday: d.to_string(),
            start: start.into(),
            end: end.into(),
        })
        .collect();
    Availability::parse(&AvailabilityInput {
        weekly,
        exceptions: vec![],
    })
    .unwrap()
}

fn contract() -> Contract {
    Contract {
        min_hours_per_week: 0.0,
        max_hours_per_week: 40.0,
        max_shifts_per_week: 5,
        min_rest_hours: 11.0,
        max_consecutive_days: 5,
        min_consecutive_days_off: 2,
        max_weekends_per_period: None,
    }
}

fn candidate<'a>(zone: Tz, availability: &'a Availability, c: &'a Contract) -> Candidate<'a> {
    Candidate {
        zone,
        languages: vec!["sv".into(), "en".into()],
        availability,
        contract: c,
        time_off: vec![],
        shifts: vec![],
    }
}

fn sv(span: Span) -> Proposed {
    Proposed {
        span,
        language: "sv".into(),
    }
}

fn rules(v: &[Violation]) -> Vec<&'static str> {
    v.iter().map(|v| v.rule).collect()
}

#[test]
fn a_free_qualified_agent_may_take_the_shift() {
    let a = every_day("08:00", "18:00");
    let c = contract();
    let cand = candidate(chrono_tz::Europe::Stockholm, &a, &c);
    // Monday 2 March 2026, 09:00-17:00 CET.
    let s = sv(span("2026-03-02T08:00:00Z", "2026-03-02T16:00:00Z"));
    assert!(check(&cand, &s).is_empty());
}

#[test]
fn language_time_off_and_overlap_are_reported() {
    let a = every_day("08:00", "18:00");
    let c = contract();
    let mut cand = candidate(chrono_tz::Europe::Stockholm, &a, &c);
    cand.time_off = vec![span("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")];
    cand.shifts = vec![span("2026-03-02T12:00:00Z", "2026-03-02T16:00:00Z")];
    let s = Proposed {
        span: span("2026-03-02T08:00:00Z", "2026-03-02T16:00:00Z"),
        language: "de".into(),
    };
    assert_eq!(
        rules(&check(&cand, &s)),
        ["language", "time_off", "overlap"]
    );
}

#[test]
fn rest_hours_weekly_limits_and_consecutive_days() {
    let a = every_day("00:00", "24:00");
    let c = contract();
    let mut cand = candidate(chrono_tz::Europe::Stockholm, &a, &c);
    // Ends 22:00 CET on Sunday 1 March; a 07:00 start Monday leaves only 9 hours.
    cand.shifts = vec![span("2026-03-01T13:00:00Z", "2026-03-01T21:00:00Z")];
    let s = sv(span("2026-03-02T06:00:00Z", "2026-03-02T14:00:00Z"));
    assert_eq!(rules(&check(&cand, &s)), ["rest"]);

    // Five 8-hour shifts Monday to Friday; a sixth on Saturday breaks count and consecutive days.
    cand.shifts = (2..=6)
        .map(|d| {
            span(
                &format!("2026-03-0{d}T08:00:00Z"),
                &format!("2026-03-0{d}T16:00:00Z"),
            )
        })
        .collect();
    let s = sv(span("2026-03-07T08:00:00Z", "2026-03-07T16:00:00Z"));
    assert_eq!(
        rules(&check(&cand, &s)),
        ["max_hours", "max_shifts", "consecutive_days"]
    );
    // The next Monday starts a new week after a free Sunday.
    let s = sv(span("2026-03-09T08:00:00Z", "2026-03-09T16:00:00Z"));
    assert!(check(&cand, &s).is_empty());
}

#[test]
fn availability_follows_the_agents_wall_clock_across_dst() {
    // 08:00-16:00 in Stockholm is 07:00-15:00Z in winter and 06:00-14:00Z from 29 March 2026.
    let a = every_day("08:00", "16:00");
    let c = contract();
    let cand = candidate(chrono_tz::Europe::Stockholm, &a, &c);
    let winter = sv(span("2026-03-27T07:00:00Z", "2026-03-27T15:00:00Z"));
    assert!(check(&cand, &winter).is_empty());
    let summer_at_winter_times = sv(span("2026-03-30T07:00:00Z", "2026-03-30T15:00:00Z"));
    assert_eq!(
        rules(&check(&cand, &summer_at_winter_times)),
        ["availability"]
    );
    let summer = sv(span("2026-03-30T06:00:00Z", "2026-03-30T14:00:00Z"));
    assert!(check(&cand, &summer).is_empty());
}

#[test]
fn a_far_away_zone_counts_its_own_days_and_weeks() {
    // Auckland (UTC+13 in March): a Sunday 20:00Z shift is Monday morning there.
    let a = every_day("06:00", "18:00");
    let mut c = contract();
    c.max_shifts_per_week = 1;
    let mut cand = candidate(chrono_tz::Pacific::Auckland, &a, &c);
    let monday_morning = sv(span("2026-03-01T19:00:00Z", "2026-03-02T03:00:00Z"));
    assert!(check(&cand, &monday_morning).is_empty());
    // A shift on Saturday UTC is Sunday in Auckland: the previous local week, so no weekly clash.
    cand.shifts = vec![span("2026-02-28T19:00:00Z", "2026-03-01T03:00:00Z")];
    assert!(check(&cand, &monday_morning).is_empty());
    // Tuesday local is the same week: one shift a week is the limit.
    let tuesday = sv(span("2026-03-02T19:00:00Z", "2026-03-03T03:00:00Z"));
    cand.shifts = vec![monday_morning.span];
    assert_eq!(rules(&check(&cand, &tuesday)), ["max_shifts"]);
}
