//! Tests for `fit`: the Manila/Helsinki scenario, non-speakers, DST, cap.

use super::fit::*;
use chrono::{DateTime, TimeZone, Utc, Weekday};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .unwrap_or_default()
}
fn every_night(start: u16, end: u16) -> Vec<AvailabilityWindow> {
    let mut d = Weekday::Mon;
    let mut v = Vec::new();
    for _ in 0..7 {
        v.push(AvailabilityWindow {
            weekday: d,
            start_minute: start,
            end_minute: end,
        });
        d = d.succ();
    }
    v
}
fn manila_fi() -> ApplicantProfile {
    ApplicantProfile {
        languages: vec!["fi-FI".into(), "en".into()],
        zone: chrono_tz::Asia::Manila,
        availability: every_night(22 * 60, 6 * 60),
        hours_per_week: 20.0,
    }
}
fn sf(lang: &str, start: DateTime<Utc>, minutes: u32, short: f64) -> Shortfall {
    Shortfall {
        language: lang.into(),
        start,
        minutes,
        agents_short: short,
    }
}

#[test]
fn manila_finn_covers_sunday_night_helsinki() {
    // Sun 2026-01-11 23:00 Helsinki (UTC+2) = 21:00 UTC = Mon 05:00 Manila.
    let s = vec![sf("fi", utc(2026, 1, 11, 21, 0), 60, 2.0)];
    let r = fit_score(
        &manila_fi(),
        &s,
        utc(2026, 1, 5, 0, 0),
        utc(2026, 1, 12, 0, 0),
    );
    assert!((r.score - 1.0).abs() < 1e-9);
    assert!((r.by_language["fi"] - 1.0).abs() < 1e-9);
    // 22:00 UTC = 06:00 Manila: outside the window.
    let s = vec![sf("fi", utc(2026, 1, 11, 22, 0), 60, 1.0)];
    let r = fit_score(
        &manila_fi(),
        &s,
        utc(2026, 1, 5, 0, 0),
        utc(2026, 1, 12, 0, 0),
    );
    assert_eq!(r.score, 0.0);
}

#[test]
fn non_speaker_scores_zero() {
    let mut a = manila_fi();
    a.languages = vec!["sv".into()];
    let s = vec![sf("fi", utc(2026, 1, 11, 21, 0), 60, 2.0)];
    let r = fit_score(&a, &s, utc(2026, 1, 5, 0, 0), utc(2026, 1, 12, 0, 0));
    assert_eq!(r.score, 0.0);
    assert!(r.by_language.is_empty());
    // Zero, not negative zero: clients see "0.0", not "-0.0".
    assert!(r.score.is_sign_positive() && r.uncapped.is_sign_positive());
}

#[test]
fn dst_week_in_applicant_zone() {
    // Helsinki-based applicant available 08:00-09:00 local. EU DST starts
    // 2026-03-29: 06:00 UTC is 08:00 local before, 09:00 local after.
    let a = ApplicantProfile {
        languages: vec!["fi".into()],
        zone: chrono_tz::Europe::Helsinki,
        availability: every_night(8 * 60, 9 * 60),
        hours_per_week: 40.0,
    };
    let p = (utc(2026, 3, 23, 0, 0), utc(2026, 4, 6, 0, 0));
    let before = vec![sf("fi", utc(2026, 3, 27, 6, 0), 60, 1.0)];
    assert_eq!(fit_score(&a, &before, p.0, p.1).score, 1.0);
    let after = vec![sf("fi", utc(2026, 3, 30, 6, 0), 60, 1.0)];
    assert_eq!(fit_score(&a, &after, p.0, p.1).score, 0.0);
    let after_ok = vec![sf("fi", utc(2026, 3, 30, 5, 0), 60, 1.0)];
    assert_eq!(fit_score(&a, &after_ok, p.0, p.1).score, 1.0);
}

#[test]
fn fractional_short_and_cap() {
    let mut a = manila_fi();
    a.hours_per_week = 1.0;
    let s = vec![
        sf("fi", utc(2026, 1, 11, 20, 30), 30, 0.5),
        sf("FI", utc(2026, 1, 11, 18, 0), 120, 3.0),
    ];
    let r = fit_score(&a, &s, utc(2026, 1, 5, 0, 0), utc(2026, 1, 12, 0, 0));
    assert!((r.uncapped - 2.25).abs() < 1e-9);
    assert!((r.cap - 1.0).abs() < 1e-9);
    assert!((r.score - 1.0).abs() < 1e-9);
}

#[test]
fn partial_overlap_does_not_count() {
    // 21:30-22:30 UTC = 05:30-06:30 Manila: crosses window end.
    let s = vec![sf("fi", utc(2026, 1, 11, 21, 30), 60, 1.0)];
    let r = fit_score(
        &manila_fi(),
        &s,
        utc(2026, 1, 5, 0, 0),
        utc(2026, 1, 12, 0, 0),
    );
    assert_eq!(r.score, 0.0);
}

#[test]
fn extreme_times_do_not_panic() {
    let a = manila_fi();
    let max = DateTime::<Utc>::MAX_UTC;
    assert!(!interval_available(a.zone, &a.availability, max, 60));
    let min = DateTime::<Utc>::MIN_UTC;
    let s = vec![sf("fi", min, u32::MAX, 1.0), sf("fi", max, 60, 1.0)];
    assert_eq!(fit_score(&a, &s, min, max).score, 0.0);
}
