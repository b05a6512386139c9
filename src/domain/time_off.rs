//! Time off as an agent asks for it: whole local days (`2026-12-24` to `2026-12-26`, end day included)
//! or local date-times (`2026-12-24T08:00` to `2026-12-24T12:00`), in the agent's own zone.

use super::dates::check_date;
use super::local_time::{gap_around, to_utc, Span};
use super::validation::{text, ValidationErrors};
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
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
        return check_date(d).map(Point::Day);
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, format) {
            return check_date(t.date()).map(|_| Point::Moment(t));
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
    /// Validates `input` for an agent living in `zone`, asking at `now`: time off that has already
    /// ended is refused, since nothing can be planned around it any more.
    pub fn parse(
        input: &TimeOffInput,
        zone: Tz,
        now: DateTime<Utc>,
    ) -> Result<Self, ValidationErrors> {
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
                    (Some(s), Some(e)) if e > s && e <= now => errors.add(
                        "end",
                        "this time off has already ended; ask only for time off still to come",
                    ),
                    (Some(s), Some(e)) if e > s => span = Some(Span::new(s, e)),
                    // Both ends map to the same instant only inside a spring-forward gap.
                    (Some(_), Some(_)) => errors.add("start", skipped(zone, *a, *b)),
                    (None, _) => errors.add("start", missing(zone, *a)),
                    (_, None) => errors.add("end", missing(zone, *b)),
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

/// Why a local range that lies wholly inside a spring-forward gap is refused: its times never
/// happen that day.
fn skipped(zone: Tz, start: NaiveDateTime, end: NaiveDateTime) -> String {
    let range = format!(
        "{} to {}",
        start.format("%Y-%m-%dT%H:%M"),
        end.format("%H:%M")
    );
    match gap_around(zone, start) {
        Some((from, to)) => format!(
            "{range} does not exist in {}: the clocks move forward from {} to {} that day",
            zone.name(),
            from.format("%H:%M"),
            to.format("%H:%M")
        ),
        None => format!("{range} does not exist in {}", zone.name()),
    }
}

fn missing(zone: Tz, local: NaiveDateTime) -> String {
    format!(
        "{} does not exist in {}: the clocks skip it",
        local.format("%Y-%m-%dT%H:%M"),
        zone.name()
    )
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

    /// When the tests ask: before every request they make, unless they mean otherwise.
    fn now() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn whole_days_end_at_the_next_local_midnight_across_dst() {
        // 28-29 March 2026 in Stockholm: the clocks go forward on the 29th, so it is 47 hours.
        let spec = TimeOffSpec::parse(
            &input("2026-03-28", "2026-03-29"),
            chrono_tz::Europe::Stockholm,
            now(),
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
            now(),
        )
        .unwrap();
        assert_eq!(spec.span.start.to_rfc3339(), "2026-12-24T00:00:00+00:00");
        assert_eq!(spec.span.hours(), 4.5);
    }

    #[test]
    fn every_bad_field_is_named() {
        let zone = chrono_tz::UTC;
        let fields = |i: TimeOffInput| -> Vec<String> {
            TimeOffSpec::parse(&i, zone, now())
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

    #[test]
    fn dates_outside_the_supported_years_are_refused() {
        let zone = chrono_tz::Europe::Stockholm;
        for (start, end, field) in [
            ("-0001-01-01", "-0001-01-02", "start"),
            ("0000-01-01", "2026-01-02", "start"),
            ("0001-01-01", "0001-01-01", "start"),
            ("2026-12-31", "+10000-01-01", "end"),
            ("9999-12-31", "9999-12-31", "start"),
            ("+10000-01-01T08:00", "+10000-01-01T09:00", "start"),
            ("-262143-01-01", "2026-01-02", "start"),
        ] {
            let errors = TimeOffSpec::parse(&input(start, end), zone, now()).unwrap_err();
            assert_eq!(errors.0[0].field, field, "{start} to {end}: {errors}");
        }
        assert!(TimeOffSpec::parse(&input("2199-12-31", "2199-12-31"), zone, now()).is_ok());
    }

    #[test]
    fn time_off_that_has_ended_is_refused_and_running_time_off_is_not() {
        let zone = chrono_tz::UTC;
        let at: DateTime<Utc> = "2026-06-10T12:00:00Z".parse().unwrap();
        let ended = TimeOffSpec::parse(&input("2026-06-01", "2026-06-09"), zone, at).unwrap_err();
        assert_eq!(ended.0[0].field, "end");
        assert!(ended.0[0].message.contains("already ended"), "{ended}");
        assert!(TimeOffSpec::parse(&input("2026-06-01", "2026-06-10"), zone, at).is_ok());
    }

    #[test]
    fn a_range_the_clocks_skip_says_so() {
        let errors = TimeOffSpec::parse(
            &input("2026-03-29T02:30", "2026-03-29T03:00"),
            chrono_tz::Europe::Stockholm,
            now(),
        )
        .unwrap_err();
        assert_eq!(errors.0[0].field, "start");
        assert_eq!(
            errors.0[0].message,
            "2026-03-29T02:30 to 03:00 does not exist in Europe/Stockholm: \
             the clocks move forward from 02:00 to 03:00 that day"
        );
    }
}
