//! Open shifts from a roster's uncovered hours, and the order in which claimants are awarded one.

use super::dates::check_instant;
use super::local_time::Span;
use super::validation::ValidationErrors;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// Open shifts start and end on a quarter hour: queues plan in 15- or 30-minute intervals and every
/// zone's offset is a whole number of quarter hours, so the times are round in every agent's clock.
pub const GRID_MINUTES: i64 = 15;
/// The shortest open shift a manager posts by hand: an hour, the shortest piece length a schedule's
/// uncovered hours are cut into.
pub const MIN_MINUTES: i64 = 60;
/// The longest open shift.
pub const MAX_HOURS: i64 = 12;

/// Checks the times of an open shift posted by hand at `now`: in the supported years, on the
/// quarter-hour grid, an hour to twelve hours long, and starting in the future.
pub fn check_span(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Span, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let on_grid = |t: DateTime<Utc>| {
        t.timestamp().rem_euclid(GRID_MINUTES * 60) == 0 && t.timestamp_subsec_nanos() == 0
    };
    for (field, t) in [("start_utc", start), ("end_utc", end)] {
        if errors.collect(field, check_instant(t)).is_some() && !on_grid(t) {
            errors.add(
                field,
                "must fall on a quarter hour (:00, :15, :30 or :45, no seconds)",
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if end <= start {
        errors.add("end_utc", "must be after start_utc");
    } else if end - start < Duration::minutes(MIN_MINUTES) {
        errors.add("end_utc", "an open shift lasts at least an hour");
    } else if end - start > Duration::hours(MAX_HOURS) {
        errors.add(
            "end_utc",
            format!("an open shift lasts at most {MAX_HOURS} hours"),
        );
    }
    if start <= now {
        errors.add("start_utc", "must be in the future");
    }
    errors.finish(|| Some(Span::new(start, end)))
}

/// Cuts the uncovered hours of one queue into shifts: for each level `k` of missing agents, every
/// contiguous run of intervals short by at least `k` becomes pieces of `piece_minutes` (the last piece
/// keeps what is left). `intervals` are `(start, shortfall)` on a grid of `interval_minutes`, by start.
pub fn uncovered_pieces(
    intervals: &[(DateTime<Utc>, f64)],
    interval_minutes: u32,
    piece_minutes: u32,
) -> Vec<Span> {
    let step = Duration::minutes(i64::from(interval_minutes.max(1)));
    let piece = Duration::minutes(i64::from(piece_minutes.max(interval_minutes).max(1)));
    let deepest = intervals
        .iter()
        .map(|(_, s)| (s + 1e-6).floor().max(0.0) as u32)
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for level in 1..=deepest {
        let short = |s: f64| s + 1e-6 >= f64::from(level);
        let mut run: Option<(DateTime<Utc>, DateTime<Utc>)> = None;
        let mut runs = Vec::new();
        for &(start, shortfall) in intervals {
            let end = start + step;
            run = match (run, short(shortfall)) {
                (Some((a, b)), true) if b == start => Some((a, end)),
                (Some(r), true) => {
                    runs.push(r);
                    Some((start, end))
                }
                (None, true) => Some((start, end)),
                (Some(r), false) => {
                    runs.push(r);
                    None
                }
                (None, false) => None,
            };
        }
        runs.extend(run);
        for (a, b) in runs {
            let mut s = a;
            while s < b {
                let e = (s + piece).min(b);
                out.push(Span::new(s, e));
                s = e;
            }
        }
    }
    out.sort();
    out
}

/// A claim on an open shift, as ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimant {
    pub claim_id: String,
    /// Hours the claimant already works in the shift's week.
    pub week_hours: f64,
    pub claimed_at: NaiveDateTime,
}

/// Claims best first: fewest hours already scheduled that week, then the earliest claim.
pub fn rank(mut claims: Vec<Claimant>) -> Vec<Claimant> {
    claims.sort_by(|a, b| {
        a.week_hours
            .total_cmp(&b.week_hours)
            .then(a.claimed_at.cmp(&b.claimed_at))
            .then(a.claim_id.cmp(&b.claim_id))
    });
    claims
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posted_open_shifts_are_whole_quarter_hours_of_one_to_twelve_hours() {
        let now = t("2026-12-07T10:00:00Z");
        let fields = |a: &str, b: &str| -> Vec<String> {
            check_span(t(a), t(b), now)
                .err()
                .map(|e| e.0.into_iter().map(|f| f.field).collect())
                .unwrap_or_default()
        };
        assert!(fields("2026-12-19T08:00:00Z", "2026-12-19T16:00:00Z").is_empty());
        assert!(fields("2026-12-19T08:15:00Z", "2026-12-19T09:15:00Z").is_empty());
        assert_eq!(
            fields("2026-12-19T08:07:13Z", "2026-12-19T08:08:00Z"),
            ["start_utc", "end_utc"]
        );
        assert_eq!(
            fields("2026-12-19T08:00:00Z", "2026-12-19T08:45:00Z"),
            ["end_utc"]
        );
        assert_eq!(
            fields("2026-12-19T08:00:00Z", "2026-12-19T20:15:00Z"),
            ["end_utc"]
        );
        assert_eq!(
            fields("2026-12-19T08:00:00Z", "2026-12-19T08:00:00Z"),
            ["end_utc"]
        );
        assert_eq!(
            fields("2026-12-07T09:00:00Z", "2026-12-07T12:00:00Z"),
            ["start_utc"]
        );
        assert_eq!(
            fields("9999-12-31T12:00:00Z", "9999-12-31T20:00:00Z"),
            ["start_utc", "end_utc"]
        );
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn runs_are_cut_per_level_into_shift_length_pieces() {
        // 08:00-14:00 in 30-minute steps; short by 1 from 08:00 to 13:00, by 2 from 09:00 to 10:00.
        let intervals: Vec<(DateTime<Utc>, f64)> = (0..12)
            .map(|i| {
                let start = t("2026-03-02T08:00:00Z") + Duration::minutes(30 * i);
                let short = match i {
                    2 | 3 => 2.0,
                    0..=9 => 1.3,
                    _ => 0.4,
                };
                (start, short)
            })
            .collect();
        let pieces = uncovered_pieces(&intervals, 30, 240);
        let shown: Vec<(String, String)> = pieces
            .iter()
            .map(|p| {
                (
                    p.start.format("%H:%M").to_string(),
                    p.end.format("%H:%M").to_string(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("08:00".to_string(), "12:00".to_string()),
                ("09:00".to_string(), "10:00".to_string()),
                ("12:00".to_string(), "13:00".to_string()),
            ]
        );
        assert!(uncovered_pieces(&[], 30, 240).is_empty());
    }

    #[test]
    fn fewest_hours_then_earliest_claim_wins() {
        let at = |m: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_opt(9, m, 0)
                .unwrap()
        };
        let c = |id: &str, h: f64, m: u32| Claimant {
            claim_id: id.into(),
            week_hours: h,
            claimed_at: at(m),
        };
        let ranked = rank(vec![c("a", 30.0, 1), c("b", 8.0, 5), c("c", 8.0, 2)]);
        let ids: Vec<&str> = ranked.iter().map(|c| c.claim_id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
    }
}
