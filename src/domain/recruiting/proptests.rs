//! Property tests: no panics on arbitrary input and basic invariants.

use chrono::{DateTime, Duration, TimeZone, Utc, Weekday};
use proptest::prelude::*;

use super::application::{validate_application, ApplicationInput, LanguageInput, WindowInput};
use super::fit::{fit_score, ApplicantProfile, AvailabilityWindow, Shortfall};
use super::needs::{hiring_needs, NeedInterval, NeedsParams};
use super::pipeline::{transition, Actor, ApplicationState};
use super::retention::purge_due;

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 23, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

fn weekday(i: u8) -> Weekday {
    match i % 7 {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

proptest! {
    #[test]
    fn validation_never_panics(
        name in ".{0,130}", email in ".{0,40}", tag in ".{0,8}", prof in any::<u8>(),
        tz in ".{0,20}", country in ".{0,4}", start in ".{0,6}", end in ".{0,6}",
        hours in any::<u32>(), date in ".{0,12}", honeypot in ".{0,2}",
    ) {
        let input = ApplicationInput {
            name, email, time_zone: tz, country, hours_per_week: hours, earliest_start: date,
            languages: vec![LanguageInput { tag, proficiency: prof }],
            availability: vec![WindowInput { weekday: Weekday::Mon, start, end }],
            consent: true, consent_text_version: "v1".into(), honeypot,
            ..ApplicationInput::default()
        };
        if let Ok(v) = validate_application(&input, base()) {
            prop_assert_eq!(v.email.to_lowercase(), v.email);
        }
    }

    #[test]
    fn fit_within_cap(
        windows in proptest::collection::vec((0u8..7, any::<u16>(), any::<u16>()), 0..10),
        shorts in proptest::collection::vec((0i64..20_000, 0u32..600, -2.0f64..5.0), 0..20),
        hpw in -5.0f64..80.0,
    ) {
        let a = ApplicantProfile {
            languages: vec!["fi".into()],
            zone: chrono_tz::Europe::Helsinki,
            availability: windows.iter().map(|(d, s, e)| AvailabilityWindow {
                weekday: weekday(*d), start_minute: *s, end_minute: *e }).collect(),
            hours_per_week: hpw,
        };
        let s: Vec<Shortfall> = shorts.iter().map(|(m, len, n)| Shortfall {
            language: "fi".into(), start: base() + Duration::minutes(*m), minutes: *len, agents_short: *n,
        }).collect();
        let r = fit_score(&a, &s, base(), base() + Duration::days(14));
        prop_assert!(r.score >= 0.0 && r.score <= r.cap + 1e-9 && r.score <= r.uncapped + 1e-9);
    }

    #[test]
    fn needs_gap_bounded_by_required(
        ivs in proptest::collection::vec((0i64..10_000, 0u32..2000, -1.0f64..9.0, -1.0f64..9.0), 0..20),
    ) {
        let v: Vec<NeedInterval> = ivs.iter().map(|(m, len, r, c)| NeedInterval {
            language: "fi".into(), start: base() + Duration::minutes(*m), minutes: *len, required: *r, capacity: *c,
        }).collect();
        for row in hiring_needs(&v, &NeedsParams::new(base(), base() + Duration::days(7))) {
            prop_assert!(row.gap_hours >= 0.0 && row.gap_hours <= row.required_hours + 1e-9);
            let p: f64 = row.profile_hours_per_weekday.iter().sum();
            prop_assert!((p - row.gap_hours).abs() < 1e-6);
        }
    }

    #[test]
    fn pipeline_and_retention_invariants(c in 0usize..8, t in 0usize..8, who in 0u8..3, days in any::<u32>()) {
        let (c, t) = (ApplicationState::ALL[c], ApplicationState::ALL[t]);
        let actor = match who { 0 => Actor::Applicant, 1 => Actor::System, _ => Actor::Manager("m".into()) };
        if let Ok(tr) = transition(c, t, actor, base(), None) {
            prop_assert!(!c.is_final() && tr.from != tr.to);
        }
        if purge_due(c, base(), base() + Duration::days(400), days) {
            prop_assert!(matches!(c, ApplicationState::Rejected | ApplicationState::Withdrawn));
        }
    }
}
