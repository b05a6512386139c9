//! Applicant fit against upcoming staffing shortfalls.
//!
//! Model: a shortfall interval counts for an applicant when they speak its
//! language (primary subtag, case-insensitive) and the whole interval lies
//! inside their weekly availability, evaluated in their own IANA zone on the
//! actual dates (so DST shifts are honoured). Each counted interval adds
//! `min(agents_short, 1) * minutes / 60` hours: one person fills at most one
//! seat. Only shortfalls starting inside `[period_start, period_end)` count.
//!
//! Cap: the total is capped at `hours_per_week * weeks`, where `weeks` is the
//! fractional period length in days / 7 (pro rata, so a 3.5-day period caps at
//! half the weekly hours). Known over-count: simultaneous shortfalls in two
//! languages are both credited; the cap bounds the damage.
//!
//! Windows: `end_minute <= start_minute` means the window runs past local
//! midnight into the next weekday (22:00-06:00 is `1320..360`).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shortfall {
    pub language: String,
    pub start: DateTime<Utc>,
    pub minutes: u32,
    pub agents_short: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailabilityWindow {
    pub weekday: Weekday,
    pub start_minute: u16,
    pub end_minute: u16,
}

/// Not serde-derived: `Tz` needs chrono-tz's `serde` feature, which is not
/// enabled; callers map from their own DTOs.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicantProfile {
    pub languages: Vec<String>,
    pub zone: Tz,
    pub availability: Vec<AvailabilityWindow>,
    pub hours_per_week: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitScore {
    /// Capped total hours.
    pub score: f64,
    /// Total before the cap.
    pub uncapped: f64,
    /// `hours_per_week * weeks`.
    pub cap: f64,
    /// Uncapped hours per language (primary subtag, lowercase).
    pub by_language: BTreeMap<String, f64>,
}

pub fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Non-wrapping `(weekday, start, end)` segments; wrapping windows split at
/// midnight so lookup is a plain range test.
fn segments(windows: &[AvailabilityWindow]) -> Vec<(Weekday, u32, u32)> {
    let mut out = Vec::new();
    for w in windows {
        let s = u32::from(w.start_minute).min(1440);
        let e = u32::from(w.end_minute).min(1440);
        if e > s {
            out.push((w.weekday, s, e));
        } else if e < s {
            out.push((w.weekday, s, 1440));
            out.push((w.weekday.succ(), 0, e));
        }
    }
    out
}

/// Walks the interval window by window; re-checking after each hop means a
/// DST jump inside a window is evaluated against the clock actually in force.
pub fn interval_available(
    zone: Tz,
    windows: &[AvailabilityWindow],
    start: DateTime<Utc>,
    minutes: u32,
) -> bool {
    let segs = segments(windows);
    // Past the end of representable time nobody is available.
    let Some(end) = start.checked_add_signed(Duration::minutes(i64::from(minutes))) else {
        return false;
    };
    let mut t = start;
    while t < end {
        let local = t.with_timezone(&zone);
        let m = local.hour() * 60 + local.minute();
        let day = local.weekday();
        let hit = segs
            .iter()
            .filter(|(d, s, e)| *d == day && *s <= m && m < *e)
            .map(|(_, _, e)| *e)
            .max();
        match hit {
            Some(e) => {
                // Subtract seconds so a non-minute-aligned start cannot overshoot.
                let step = i64::from(e - m) * 60 - i64::from(local.second());
                match t.checked_add_signed(Duration::seconds(step.max(1))) {
                    Some(n) => t = n,
                    None => return false,
                }
            }
            None => return false,
        }
    }
    true
}

pub fn fit_score(
    applicant: &ApplicantProfile,
    shortfalls: &[Shortfall],
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
) -> FitScore {
    let langs: Vec<String> = applicant
        .languages
        .iter()
        .map(|l| primary_subtag(l))
        .collect();
    let mut by_language: BTreeMap<String, f64> = BTreeMap::new();
    for s in shortfalls {
        if s.start < period_start || s.start >= period_end || s.minutes == 0 {
            continue;
        }
        let lang = primary_subtag(&s.language);
        if lang.is_empty() || !langs.contains(&lang) {
            continue;
        }
        let short = if s.agents_short.is_finite() {
            s.agents_short.clamp(0.0, 1.0)
        } else {
            0.0
        };
        if short <= 0.0
            || !interval_available(applicant.zone, &applicant.availability, s.start, s.minutes)
        {
            continue;
        }
        *by_language.entry(lang).or_insert(0.0) += short * f64::from(s.minutes) / 60.0;
    }
    // An empty float sum is -0.0, which would read "-0.0" in JSON.
    let uncapped: f64 = by_language.values().sum::<f64>() + 0.0;
    let secs = (period_end - period_start).num_seconds().max(0) as f64;
    let weeks = secs / (7.0 * 86_400.0);
    let hpw = if applicant.hours_per_week.is_finite() {
        applicant.hours_per_week.max(0.0)
    } else {
        0.0
    };
    let cap = hpw * weeks;
    FitScore {
        score: uncapped.min(cap),
        uncapped,
        cap,
        by_language,
    }
}
