use super::common::{date, history, local_midnight};
use crate::domain::forecast::{forecast, ForecastSpec, IntervalLength};
use chrono::{NaiveDate, Timelike};
use chrono_tz::{Australia::Sydney, Europe::Stockholm, Tz};

/// Forecasts across `dst_day` from a history peaking at 12:00 local; returns
/// (intervals on that local day, UTC hour of the peak).
fn peak_on(zone: Tz, origin: NaiveDate, dst_day: NaiveDate) -> (usize, u32, u32) {
    let rows = history(
        zone,
        IntervalLength::Min15,
        origin - chrono::Days::new(8 * 7),
        8 * 7,
        |t| {
            let base = 10 + (t.hour() * 2);
            if t.hour() == 12 && t.minute() == 0 {
                base + 200
            } else {
                base
            }
        },
    );
    let mut spec = ForecastSpec::new(zone, IntervalLength::Min15, 14);
    spec.origin = Some(local_midnight(zone, origin));
    let fc = forecast(&rows, &spec).expect("forecast");
    let day: Vec<_> = fc
        .intervals
        .iter()
        .filter(|i| i.start.with_timezone(&zone).date_naive() == dst_day)
        .collect();
    let peak = day
        .iter()
        .max_by(|a, b| a.volume.total_cmp(&b.volume))
        .expect("non-empty day");
    let local = peak.start.with_timezone(&zone);
    assert_eq!(
        (local.hour(), local.minute()),
        (12, 0),
        "peak at 12:00 local"
    );
    (day.len(), peak.start.hour(), peak.start.minute())
}

#[test]
fn stockholm_spring_forward_keeps_noon_peak() {
    // 2026-03-29: 02:00 CET -> 03:00 CEST.
    let (n, h, m) = peak_on(Stockholm, date(2026, 3, 23), date(2026, 3, 29));
    assert_eq!(n, 92);
    assert_eq!((h, m), (10, 0), "12:00 CEST is 10:00 UTC");
    let (n, h, _) = peak_on(Stockholm, date(2026, 3, 23), date(2026, 3, 28));
    assert_eq!((n, h), (96, 11), "12:00 CET is 11:00 UTC");
}

#[test]
fn stockholm_fall_back_keeps_noon_peak() {
    // 2026-10-25: 03:00 CEST -> 02:00 CET.
    let (n, h, _) = peak_on(Stockholm, date(2026, 10, 19), date(2026, 10, 25));
    assert_eq!((n, h), (100, 11));
    let (n, h, _) = peak_on(Stockholm, date(2026, 10, 19), date(2026, 10, 24));
    assert_eq!((n, h), (96, 10));
}

#[test]
fn sydney_transitions_keep_noon_peak() {
    // 2026-04-05: 03:00 AEDT -> 02:00 AEST (25 h); 2026-10-04: 02:00 AEST -> 03:00 AEDT (23 h).
    let (n, h, _) = peak_on(Sydney, date(2026, 3, 30), date(2026, 4, 5));
    assert_eq!((n, h), (100, 2), "12:00 AEST is 02:00 UTC");
    let (n, h, _) = peak_on(Sydney, date(2026, 9, 28), date(2026, 10, 4));
    assert_eq!((n, h), (92, 1), "12:00 AEDT is 01:00 UTC");
}

#[test]
fn utc_instants_step_by_interval_and_30_min_days_count() {
    let rows = history(
        Stockholm,
        IntervalLength::Min30,
        date(2026, 2, 2),
        49,
        |t| 5 + t.hour(),
    );
    let mut spec = ForecastSpec::new(Stockholm, IntervalLength::Min30, 14);
    spec.origin = Some(local_midnight(Stockholm, date(2026, 3, 23)));
    let fc = forecast(&rows, &spec).expect("forecast");
    for w in fc.intervals.windows(2) {
        assert_eq!((w[1].start - w[0].start).num_seconds(), 1800);
    }
    // 14 local days, one of them 23 hours long.
    assert_eq!(fc.intervals.len(), 14 * 48 - 2);
}

#[test]
fn first_interval_of_a_day_is_its_first_grid_instant() {
    use crate::domain::forecast::first_interval_of;
    let at =
        |zone: Tz, interval, day| first_interval_of(zone, interval, day).map(|t| t.to_rfc3339());
    assert_eq!(
        at(Stockholm, IntervalLength::Min30, date(2026, 12, 8)).as_deref(),
        Some("2026-12-07T23:00:00+00:00")
    );
    assert_eq!(
        at(Sydney, IntervalLength::Min15, date(2026, 10, 4)).as_deref(),
        Some("2026-10-03T14:00:00+00:00")
    );
    // Kathmandu is UTC+05:45: its days start at 00:15 on a half-hour grid.
    assert_eq!(
        at(
            chrono_tz::Asia::Kathmandu,
            IntervalLength::Min30,
            date(2026, 12, 8)
        )
        .as_deref(),
        Some("2026-12-07T18:30:00+00:00")
    );
    // Chile springs forward at midnight: 2026-09-06 starts at 01:00 local (UTC-3).
    assert_eq!(
        at(
            chrono_tz::America::Santiago,
            IntervalLength::Min30,
            date(2026, 9, 6)
        )
        .as_deref(),
        Some("2026-09-06T04:00:00+00:00")
    );
}
