//! What an agent would rather work: start times, days on and days off, in the agent's own wall
//! clock, each with a weight. They are wishes, never hard rules: the scheduler pays a shift's
//! weights when it goes against them and spreads such shifts over the agents.

use super::validation::ValidationErrors;
use super::weekly::{format_clock, parse_clock, parse_weekday, weekday_code, MINUTES_PER_DAY};
use chrono::Weekday;
use serde::{Deserialize, Serialize};

/// The largest weight a preference may carry: a shift against it then costs as much as 100 paid
/// hours, well above any choice between shifts and well below a missed floor.
pub const MAX_WEIGHT: f64 = 100.0;

/// Shift preferences as an agent (or a manager) sets them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftPreferencesDto {
    /// Local start times (`HH:MM`) the agent would rather start at; empty = no wish.
    #[serde(default)]
    pub preferred_start_times: Vec<String>,
    /// Cost of a shift starting at any other time (0 to 100).
    #[serde(default)]
    pub start_weight: f64,
    /// Weekdays (`mon`..`sun`) the agent would rather work on; empty = no wish.
    #[serde(default)]
    pub preferred_days_on: Vec<String>,
    /// Cost of a shift on any other weekday (0 to 100).
    #[serde(default)]
    pub days_on_weight: f64,
    /// Weekdays the agent would rather have off.
    #[serde(default)]
    pub preferred_days_off: Vec<String>,
    /// Cost of a shift on one of those weekdays (0 to 100).
    #[serde(default)]
    pub days_off_weight: f64,
}

/// Validated shift preferences: start times in minutes after local midnight, sorted and unique;
/// weekdays unique, no day both on and off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShiftPreferences {
    pub start_minutes: Vec<u16>,
    pub start_weight: f64,
    pub days_on: Vec<Weekday>,
    pub days_on_weight: f64,
    pub days_off: Vec<Weekday>,
    pub days_off_weight: f64,
}

fn weight(value: f64) -> Result<f64, ValidationErrors> {
    if value.is_finite() && (0.0..=MAX_WEIGHT).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationErrors::single(
            "",
            format!("must be a number from 0 to {MAX_WEIGHT}"),
        ))
    }
}

fn start_time(raw: &str) -> Result<u16, ValidationErrors> {
    let minutes = parse_clock(raw)?;
    if minutes >= MINUTES_PER_DAY {
        return Err(ValidationErrors::single(
            "",
            "a shift starts at 23:59 at the latest",
        ));
    }
    Ok(minutes)
}

fn days(errors: &mut ValidationErrors, field: &str, raw: &[String]) -> Vec<Weekday> {
    let mut out: Vec<Weekday> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(d) = errors.collect(&format!("{field}[{i}]"), parse_weekday(r)) {
            if !out.contains(&d) {
                out.push(d);
            }
        }
    }
    out.sort_by_key(|d| d.num_days_from_monday());
    out
}

impl ShiftPreferences {
    pub fn parse(dto: &ShiftPreferencesDto) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if dto.preferred_start_times.len() > usize::from(MINUTES_PER_DAY / 15) {
            errors.add("preferred_start_times", "at most 96 start times");
            return Err(errors);
        }
        let mut start_minutes = Vec::with_capacity(dto.preferred_start_times.len());
        for (i, raw) in dto.preferred_start_times.iter().enumerate() {
            if let Some(m) = errors.collect(&format!("preferred_start_times[{i}]"), start_time(raw))
            {
                start_minutes.push(m);
            }
        }
        start_minutes.sort_unstable();
        start_minutes.dedup();
        let days_on = days(&mut errors, "preferred_days_on", &dto.preferred_days_on);
        let days_off = days(&mut errors, "preferred_days_off", &dto.preferred_days_off);
        for (i, raw) in dto.preferred_days_off.iter().enumerate() {
            if parse_weekday(raw).is_ok_and(|d| days_on.contains(&d)) {
                errors.add(
                    format!("preferred_days_off[{i}]"),
                    format!("'{raw}' is also a preferred day on"),
                );
            }
        }
        let start_weight = errors.collect("start_weight", weight(dto.start_weight));
        let days_on_weight = errors.collect("days_on_weight", weight(dto.days_on_weight));
        let days_off_weight = errors.collect("days_off_weight", weight(dto.days_off_weight));
        errors.finish(|| {
            Some(Self {
                start_minutes,
                start_weight: start_weight?,
                days_on,
                days_on_weight: days_on_weight?,
                days_off,
                days_off_weight: days_off_weight?,
            })
        })
    }

    pub fn to_dto(&self) -> ShiftPreferencesDto {
        let codes = |days: &[Weekday]| days.iter().map(|&d| weekday_code(d).to_string()).collect();
        ShiftPreferencesDto {
            preferred_start_times: self
                .start_minutes
                .iter()
                .map(|&m| format_clock(m))
                .collect(),
            start_weight: self.start_weight,
            preferred_days_on: codes(&self.days_on),
            days_on_weight: self.days_on_weight,
            preferred_days_off: codes(&self.days_off),
            days_off_weight: self.days_off_weight,
        }
    }

    /// Start times as stored: minutes after midnight, comma-separated (`540,600`).
    pub fn start_minutes_text(&self) -> String {
        let all: Vec<String> = self.start_minutes.iter().map(u16::to_string).collect();
        all.join(",")
    }

    /// Weekdays as stored: codes, comma-separated (`sat,sun`).
    pub fn days_text(days: &[Weekday]) -> String {
        let all: Vec<&str> = days.iter().map(|&d| weekday_code(d)).collect();
        all.join(",")
    }

    /// Reads stored columns back. They were validated on the way in; anything unreadable (a
    /// hand-edited row) is left out rather than failing every read of the agent.
    pub fn from_stored(
        start_minutes: &str,
        start_weight: f64,
        (days_on, days_on_weight): (&str, f64),
        (days_off, days_off_weight): (&str, f64),
    ) -> Self {
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect()
        };
        let mut start: Vec<u16> = split(start_minutes)
            .iter()
            .filter_map(|t| t.parse().ok())
            .filter(|&m| m < MINUTES_PER_DAY)
            .collect();
        start.sort_unstable();
        start.dedup();
        let weekdays = |s: &str| -> Vec<Weekday> {
            split(s)
                .iter()
                .filter_map(|t| parse_weekday(t).ok())
                .collect()
        };
        let clean = |w: f64| weight(w).unwrap_or(0.0);
        Self {
            start_minutes: start,
            start_weight: clean(start_weight),
            days_on: weekdays(days_on),
            days_on_weight: clean(days_on_weight),
            days_off: weekdays(days_off),
            days_off_weight: clean(days_off_weight),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dto() -> ShiftPreferencesDto {
        ShiftPreferencesDto {
            preferred_start_times: vec!["10:00".into(), "08:30".into(), "10:00".into()],
            start_weight: 2.0,
            preferred_days_on: vec!["tue".into(), "mon".into()],
            days_on_weight: 1.0,
            preferred_days_off: vec!["sun".into()],
            days_off_weight: 5.0,
        }
    }

    #[test]
    fn preferences_parse_sorted_and_unique() {
        let p = ShiftPreferences::parse(&dto()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.start_minutes, vec![510, 600]);
        assert_eq!(p.days_on, vec![Weekday::Mon, Weekday::Tue]);
        assert_eq!(p.to_dto().preferred_start_times, vec!["08:30", "10:00"]);
        assert_eq!(p.to_dto().preferred_days_off, vec!["sun"]);
    }

    #[test]
    fn stored_columns_read_back_to_the_same_preferences() {
        let p = ShiftPreferences::parse(&dto()).unwrap_or_else(|e| panic!("{e}"));
        let back = ShiftPreferences::from_stored(
            &p.start_minutes_text(),
            p.start_weight,
            (&ShiftPreferences::days_text(&p.days_on), p.days_on_weight),
            (&ShiftPreferences::days_text(&p.days_off), p.days_off_weight),
        );
        assert_eq!(back, p);
        assert_eq!(
            ShiftPreferences::from_stored("", 0.0, ("", 0.0), ("", 0.0)),
            ShiftPreferences::default()
        );
    }

    #[test]
    fn bad_times_days_and_weights_are_named() {
        let bad = ShiftPreferencesDto {
            preferred_start_times: vec!["09:00".into(), "24:00".into(), "9am".into()],
            start_weight: f64::NAN,
            preferred_days_on: vec!["mon".into(), "someday".into()],
            days_on_weight: -1.0,
            preferred_days_off: vec!["mon".into()],
            days_off_weight: 101.0,
        };
        let err = ShiftPreferences::parse(&bad).unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "preferred_start_times[1]",
                "preferred_start_times[2]",
                "preferred_days_on[1]",
                "preferred_days_off[0]",
                "start_weight",
                "days_on_weight",
                "days_off_weight",
            ]
        );
        assert!(err.0[3].message.contains("also a preferred day on"));
        let too_many = ShiftPreferencesDto {
            preferred_start_times: (0..97).map(|m| format_clock(m * 10)).collect(),
            ..Default::default()
        };
        let err = ShiftPreferences::parse(&too_many).unwrap_err();
        assert_eq!(err.0[0].field, "preferred_start_times");
    }
}
