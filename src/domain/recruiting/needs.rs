//! Hiring needs per language and UTC time band.
//!
//! Model: input is a UTC grid of intervals, each with the agents `required`
//! and the agents `capacity` already schedulable for one language. Intervals
//! are split at 6-hour UTC band boundaries (00-06, 06-12, 12-18, 18-24) and
//! summed per `(language, band)`:
//! - required / capacity agent-hours = agents * minutes / 60;
//! - gap agent-hours = sum of `max(required - capacity, 0) * minutes / 60`
//!   per interval, because surplus at 03:00 cannot serve a queue at 05:00;
//! - gap FTE = gap hours / (FTE weekly hours * weeks in the period);
//! - profile = gap hours per week per UTC weekday (Mon..Sun): the weekly
//!   availability a new hire (or hires) in that band would need to offer.
//!
//! Intervals are counted only if they start inside the period and are
//! clipped at its end.
//!
//! `daytime_offsets_minutes` lists UTC offsets (30-minute steps, -12:00 to
//! +14:00) for which the whole band falls inside local 08:00-20:00, i.e.
//! zones where recruiting for that band means recruiting for day shifts.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::fit::primary_subtag;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NeedInterval {
    pub language: String,
    pub start: DateTime<Utc>,
    pub minutes: u32,
    pub required: f64,
    pub capacity: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NeedsParams {
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub fte_hours_per_week: f64,
}

impl NeedsParams {
    /// FTE defaults to 40 h/week.
    pub fn new(period_start: DateTime<Utc>, period_end: DateTime<Utc>) -> Self {
        Self {
            period_start,
            period_end,
            fte_hours_per_week: 40.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandNeed {
    pub language: String,
    /// 0 = 00-06 UTC, 1 = 06-12, 2 = 12-18, 3 = 18-24.
    pub band: u8,
    pub required_hours: f64,
    pub capacity_hours: f64,
    pub gap_hours: f64,
    pub gap_fte: f64,
    /// Gap hours per week, Monday first (UTC weekdays).
    pub profile_hours_per_weekday: [f64; 7],
    pub daytime_offsets_minutes: Vec<i32>,
}

pub fn band_label(band: u8) -> String {
    let s = u32::from(band) * 6;
    format!("{:02}-{:02} UTC", s, s + 6)
}

pub fn daytime_offsets_minutes(band: u8) -> Vec<i32> {
    let start = i32::from(band) * 360;
    (-24..=28)
        .map(|k| k * 30)
        .filter(|o| (start + o).rem_euclid(1440) >= 480 && (start + o).rem_euclid(1440) <= 840)
        .collect()
}

fn finite_nonneg(x: f64) -> f64 {
    if x.is_finite() {
        x.max(0.0)
    } else {
        0.0
    }
}

/// Rows sorted by language then band; only `(language, band)` pairs that
/// appear in the input are returned. Intervals outside the period are ignored.
pub fn hiring_needs(intervals: &[NeedInterval], params: &NeedsParams) -> Vec<BandNeed> {
    let secs = (params.period_end - params.period_start)
        .num_seconds()
        .max(0) as f64;
    let weeks = secs / (7.0 * 86_400.0);
    let fte = finite_nonneg(params.fte_hours_per_week);
    let mut acc: BTreeMap<(String, u8), BandNeed> = BTreeMap::new();
    for iv in intervals {
        let lang = primary_subtag(&iv.language);
        if lang.is_empty() || iv.start < params.period_start || iv.start >= params.period_end {
            continue;
        }
        let req = finite_nonneg(iv.required);
        let cap = finite_nonneg(iv.capacity);
        let gap = (req - cap).max(0.0);
        let mut t = iv.start;
        // Clipped to the period: hours after it belong to another plan.
        let end = iv
            .start
            .checked_add_signed(Duration::minutes(i64::from(iv.minutes)))
            .unwrap_or(params.period_end)
            .min(params.period_end);
        while t < end {
            let band = (t.hour() / 6) as u8;
            let into_band =
                i64::from(t.hour() % 6) * 3600 + i64::from(t.minute()) * 60 + i64::from(t.second());
            let next = t
                .checked_add_signed(Duration::seconds(6 * 3600 - into_band))
                .unwrap_or(end)
                .min(end);
            let hours = (next - t).num_seconds() as f64 / 3600.0;
            let row = acc.entry((lang.clone(), band)).or_insert_with(|| BandNeed {
                language: lang.clone(),
                band,
                required_hours: 0.0,
                capacity_hours: 0.0,
                gap_hours: 0.0,
                gap_fte: 0.0,
                profile_hours_per_weekday: [0.0; 7],
                daytime_offsets_minutes: daytime_offsets_minutes(band),
            });
            row.required_hours += req * hours;
            row.capacity_hours += cap * hours;
            row.gap_hours += gap * hours;
            row.profile_hours_per_weekday[t.weekday().num_days_from_monday() as usize] +=
                gap * hours;
            t = next;
        }
    }
    acc.into_values()
        .map(|mut r| {
            let denom = fte * weeks;
            r.gap_fte = if denom > 0.0 {
                r.gap_hours / denom
            } else {
                0.0
            };
            if weeks > 0.0 {
                for h in r.profile_hours_per_weekday.iter_mut() {
                    *h /= weeks;
                }
            }
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, d, h, 0, 0)
            .single()
            .unwrap_or_default()
    }
    fn iv(lang: &str, d: u32, h: u32, minutes: u32, required: f64, capacity: f64) -> NeedInterval {
        NeedInterval {
            language: lang.into(),
            start: utc(d, h),
            minutes,
            required,
            capacity,
        }
    }
    fn week() -> NeedsParams {
        NeedsParams::new(utc(5, 0), utc(12, 0))
    }

    #[test]
    fn no_gap_is_zero() {
        let rows = hiring_needs(&[iv("fi", 6, 10, 60, 2.0, 3.0)], &week());
        assert!(rows.iter().all(|r| r.gap_hours == 0.0 && r.gap_fte == 0.0));
        assert!(hiring_needs(&[], &week()).is_empty());
    }

    #[test]
    fn night_gap_for_fi_lands_in_band_0() {
        // 02:00-04:00 UTC on Tue 2026-01-06, 1 agent short.
        let rows = hiring_needs(
            &[iv("fi", 6, 2, 120, 3.0, 2.0), iv("fi", 6, 14, 60, 1.0, 1.0)],
            &week(),
        );
        let night: Vec<_> = rows.iter().filter(|r| r.gap_hours > 0.0).collect();
        assert_eq!(night.len(), 1);
        assert_eq!(night[0].band, 0);
        assert!((night[0].gap_hours - 2.0).abs() < 1e-9);
        assert!((night[0].gap_fte - 0.05).abs() < 1e-9);
        assert!((night[0].profile_hours_per_weekday[1] - 2.0).abs() < 1e-9);
        // 00-06 UTC is daytime around UTC+8..+14 (e.g. Manila +8).
        assert!(night[0].daytime_offsets_minutes.contains(&480));
        assert!(!night[0].daytime_offsets_minutes.contains(&120));
    }

    #[test]
    fn gap_grows_with_required() {
        let a = hiring_needs(&[iv("fi", 6, 2, 60, 2.0, 1.0)], &week());
        let b = hiring_needs(&[iv("fi", 6, 2, 60, 4.0, 1.0)], &week());
        assert!(b[0].gap_hours > a[0].gap_hours);
        assert!(b[0].gap_fte > a[0].gap_fte);
    }

    #[test]
    fn interval_split_across_bands_and_surplus_not_netted() {
        // 05:00-07:00 UTC: one hour in band 0, one in band 1.
        let rows = hiring_needs(
            &[iv("sv", 6, 5, 120, 2.0, 1.0), iv("sv", 6, 8, 60, 0.0, 5.0)],
            &week(),
        );
        assert_eq!(rows.len(), 2);
        assert!((rows[0].gap_hours - 1.0).abs() < 1e-9);
        assert!((rows[1].gap_hours - 1.0).abs() < 1e-9);
        assert_eq!(band_label(3), "18-24 UTC");
    }

    #[test]
    fn extreme_times_do_not_panic() {
        let max = DateTime::<Utc>::MAX_UTC;
        let p = NeedsParams::new(max - Duration::minutes(90), max);
        let v = vec![NeedInterval {
            language: "fi".into(),
            start: max - Duration::minutes(60),
            minutes: u32::MAX,
            required: 1.0,
            capacity: 0.0,
        }];
        let rows = hiring_needs(&v, &p);
        assert!(rows.iter().all(|r| r.gap_hours <= 1.0 + 1e-9));
    }
}
