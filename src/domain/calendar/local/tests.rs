use super::super::testutil::{shift, utc};
use super::*;

fn agent(zone: Tz) -> AgentInfo {
    AgentInfo {
        name: "Ana".into(),
        email: "ana@example.com".into(),
        zone,
    }
}

#[test]
fn manila_agent_sees_local_times() {
    let mut s = shift("m1", utc(2026, 11, 2, 0, 0), utc(2026, 11, 2, 8, 0));
    s.breaks = vec![(utc(2026, 11, 2, 4, 0), utc(2026, 11, 2, 4, 30))];
    let rows = render_rows(&agent(chrono_tz::Asia::Manila), &[s]);
    let r = &rows[0];
    assert_eq!(r.weekday, "Monday");
    assert_eq!(r.date, "2026-11-02");
    assert_eq!(
        (r.start_time.as_str(), r.end_time.as_str()),
        ("08:00", "16:00")
    );
    assert_eq!(r.zone_abbr, "PST");
    assert_eq!(r.duration_hours, 8.0);
    assert_eq!(
        r.breaks,
        vec![BreakRow {
            start: "12:00".into(),
            end: "12:30".into()
        }]
    );
    assert!(!r.crosses_midnight && !r.crosses_dst_change);
    assert!(r.note.is_empty());
}

#[test]
fn stockholm_fall_back_night_is_flagged() {
    // 22:00 CEST Saturday to 06:00 CET Sunday: nine hours of work.
    let s = shift("dst", utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 5, 0));
    let rows = render_rows(
        &agent(chrono_tz::Europe::Stockholm),
        std::slice::from_ref(&s),
    );
    let r = &rows[0];
    assert_eq!(r.weekday, "Saturday");
    assert_eq!(r.date, "2026-10-24");
    assert_eq!(r.start_time, "22:00");
    assert_eq!(r.end_time, "06:00");
    assert_eq!(r.end_date, "2026-10-25");
    assert_eq!(
        (r.zone_abbr.as_str(), r.end_zone_abbr.as_str()),
        ("CEST", "CET")
    );
    assert!(r.crosses_dst_change);
    assert!(r.crosses_midnight);
    assert_eq!(r.duration_hours, 9.0);
    assert!(r.note.contains("Clocks go back"), "{}", r.note);
    assert!(r.note.contains("9 hours"), "{}", r.note);
    assert_eq!(total_hours(&[s]), 9.0);
}

#[test]
fn night_shift_crosses_midnight_without_dst() {
    let s = shift("n", utc(2026, 11, 9, 21, 0), utc(2026, 11, 10, 5, 0));
    let rows = render_rows(&agent(chrono_tz::Europe::Stockholm), &[s]);
    let r = &rows[0];
    assert_eq!(
        (r.weekday.as_str(), r.date.as_str()),
        ("Monday", "2026-11-09")
    );
    assert_eq!(
        (r.start_time.as_str(), r.end_time.as_str()),
        ("22:00", "06:00")
    );
    assert!(r.crosses_midnight);
    assert!(!r.crosses_dst_change);
    assert!(r.note.contains("Tuesday 2026-11-10"), "{}", r.note);
}

#[test]
fn rows_are_sorted_and_totals_skip_cancelled() {
    let a = shift("a", utc(2026, 11, 3, 8, 0), utc(2026, 11, 3, 15, 30));
    let b = shift("b", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    let mut c = shift("c", utc(2026, 11, 4, 8, 0), utc(2026, 11, 4, 16, 0));
    c.cancelled = true;
    let shifts = [a, b, c];
    let ids: Vec<_> = render_rows(&agent(chrono_tz::UTC), &shifts)
        .into_iter()
        .map(|r| r.shift_id)
        .collect();
    assert_eq!(ids, ["b", "a", "c"]);
    assert_eq!(total_hours(&shifts), 15.5);
    assert_eq!(format_hours(15.5), "15.5");
    assert_eq!(format_hours(8.0), "8");
    assert_eq!(format_hours(7.25), "7.25");
    assert_eq!(format_hours(10.0), "10");
    assert_eq!(total_hours(&[]), 0.0);
    assert!(total_hours(&[]).is_sign_positive(), "no \"-0.0\" in JSON");
    assert_eq!(format_hours(total_hours(&[])), "0");
}

#[test]
fn local_days_start_at_local_midnight_even_inside_a_dst_gap() {
    use chrono::{NaiveDate, TimeZone};
    let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap_or_default();
    assert_eq!(
        super::day_start_utc(chrono_tz::Europe::Stockholm, day),
        chrono::Utc.with_ymd_and_hms(2026, 3, 28, 23, 0, 0).unwrap()
    );
    // São Paulo skipped 00:00-01:00 on 2018-11-04: the day began at 01:00 local (03:00 UTC).
    let gap = NaiveDate::from_ymd_opt(2018, 11, 4).unwrap_or_default();
    assert_eq!(
        super::day_start_utc(chrono_tz::America::Sao_Paulo, gap),
        chrono::Utc.with_ymd_and_hms(2018, 11, 4, 3, 0, 0).unwrap()
    );
}
