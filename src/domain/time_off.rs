//! Time off as an agent asks for it: whole local days (`2026-12-24` to `2026-12-26`, end day included)
//! or local date-times (`2026-12-24T08:00` to `2026-12-24T12:00`), in the agent's own zone.

use super::local_time::{to_utc, Span};
use super::validation::{text, ValidationErrors};
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use serde::Deserialize;

/// Longest request accepted, days.
pub const MAX_DAYS: i64 = 366;

/// A time-off request as sent.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    /// Local start: `YYYY-MM-DD` (whole days) or `YYYY-MM-DDTHH:MM`.
    pub start: String,
    /// Local end in the same form: the last day off (included), or the moment work may resume.
    pub end: String,
    /// Why, up to 500 characters.
    pub reason: String,
}

/// A validated request: the local range as entered (normalised) and its UTC instants.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOffSpec {
    pub start_local: String,
    pub end_local: String,
    pub span: Span,
    pub reason: String,
}

enum Point {
    Day(NaiveDate),
    Moment(NaiveDateTime),
}

fn parse_point(raw: &str) -> Result<Point, ValidationErrors> {
    let raw = raw.trim();
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(Point::Day(d));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return Ok(Point::Moment(t));
        }
    }
    Err(ValidationErrors::single(
        "",
        format!(
            "'{raw}' is neither a local date (YYYY-MM-DD) nor a local date-time (YYYY-MM-DDTHH:MM)"
        ),
    ))
}

impl TimeOffSpec {
    /// Validates `input` for an agent living in `zone`.
    pub fn parse(input: &TimeOffInput, zone: Tz) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let start = errors.collect("start", parse_point(&input.start));
        let end = errors.collect("end", parse_point(&input.end));
        let reason = errors.collect("reason", text(&input.reason, 500));
        let range = match (start, end) {
            (Some(Point::Day(a)), Some(Point::Day(b))) => {
                if b < a {
                    errors.add("end", "the last day off is before the first");
                    None
                } else {
                    b.checked_add_days(Days::new(1)).map(|after| {
                        (
                            a.and_time(NaiveTime::MIN),
                            after.and_time(NaiveTime::MIN),
                            a.format("%Y-%m-%d").to_string(),
                            b.format("%Y-%m-%d").to_string(),
                        )
                    })
                }
            }
            (Some(Point::Moment(a)), Some(Point::Moment(b))) => {
                if b <= a {
                    errors.add("end", "end must be after start");
                    None
                } else {
                    Some((
                        a,
                        b,
                        a.format("%Y-%m-%dT%H:%M").to_string(),
                        b.format("%Y-%m-%dT%H:%M").to_string(),
                    ))
                }
            }
            (Some(_), Some(_)) => {
                errors.add(
                    "end",
                    "give start and end in the same form: both dates or both date-times",
                );
                None
            }
            _ => None,
        };
        let mut span = None;
        if let Some((a, b, _, _)) = &range {
            if (*b - *a).num_days() > MAX_DAYS {
                errors.add(
                    "end",
                    format!("time off is limited to {MAX_DAYS} days per request"),
                );
            } else {
                match (to_utc(zone, *a), to_utc(zone, *b)) {
                    (Some(s), Some(e)) if e > s => span = Some(Span::new(s, e)),
                    _ => errors.add("start", "the dates are outside the supported calendar"),
                }
            }
        }
        errors.finish(|| {
            let (_, _, start_local, end_local) = range?;
            Some(Self {
                start_local,
                end_local,
                span: span?,
                reason: reason?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(start: &str, end: &str) -> TimeOffInput {
        TimeOffInput {
            start: start.into(),
            end: end.into(),
            reason: "family".into(),
        }
    }

    #[test]
    fn whole_days_end_at_the_next_local_midnight_across_dst() {
        // 28-29 March 2026 in Stockholm: the clocks go forward on the 29th, so it is 47 hours.
        let spec = TimeOffSpec::parse(
            &input("2026-03-28", "2026-03-29"),
            chrono_tz::Europe::Stockholm,
        )
        .unwrap();
        assert_eq!(spec.span.start.to_rfc3339(), "2026-03-27T23:00:00+00:00");
        assert_eq!(spec.span.end.to_rfc3339(), "2026-03-29T22:00:00+00:00");
        assert_eq!(spec.end_local, "2026-03-29");
    }

    #[test]
    fn date_times_are_local_to_the_agent() {
        let spec = TimeOffSpec::parse(
            &input("2026-12-24T08:00", "2026-12-24T12:30"),
            chrono_tz::Asia::Manila,
        )
        .unwrap();
        assert_eq!(spec.span.start.to_rfc3339(), "2026-12-24T00:00:00+00:00");
        assert_eq!(spec.span.hours(), 4.5);
    }

    #[test]
    fn every_bad_field_is_named() {
        let zone = chrono_tz::UTC;
        let fields = |i: TimeOffInput| -> Vec<String> {
            TimeOffSpec::parse(&i, zone)
                .unwrap_err()
                .0
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields(input("24.12.2026", "2026-12-25")), ["start"]);
        assert_eq!(fields(input("2026-12-25", "2026-12-24")), ["end"]);
        assert_eq!(fields(input("2026-12-24", "2026-12-24T10:00")), ["end"]);
        assert_eq!(fields(input("2026-01-01", "2027-06-01")), ["end"]);
        let mut no_reason = input("2026-12-24", "2026-12-24");
        no_reason.reason = "  ".into();
        assert_eq!(fields(no_reason), ["reason"]);
    }
}
