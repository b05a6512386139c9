//! Local wall-clock times in an IANA zone turned into UTC instants, and availability in UTC.
//!
//! A local time inside a spring-forward gap moves to the end of the gap (the first instant that exists),
//! and an ambiguous fall-back time takes its first occurrence, so a local range is never dropped.

use super::agent::Availability;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// A half-open UTC range `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Span {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    pub fn hours(&self) -> f64 {
        (self.end - self.start).num_minutes() as f64 / 60.0
    }
}

/// The UTC instant of the local date-time `local` in `zone`.
pub fn to_utc(zone: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    (0..=120)
        .step_by(15)
        .find_map(|shift| {
            let candidate = local.checked_add_signed(chrono::Duration::minutes(shift))?;
            zone.from_local_datetime(&candidate).earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// The local times a spring-forward gap skips, `[first skipped, first after)`, when `local` is one of
/// them; `None` when `local` exists in `zone`.
pub fn gap_around(zone: Tz, local: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
    if zone.from_local_datetime(&local).earliest().is_some() {
        return None;
    }
    let after = to_utc(zone, local)?;
    let before = after - chrono::Duration::seconds(1);
    let offset = |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc()).fix();
    let naive = after.naive_utc();
    Some((naive + offset(before), naive + offset(after)))
}

/// The UTC instant `minutes` after local midnight of `date` (1440 is the next midnight).
pub fn local_instant(zone: Tz, date: NaiveDate, minutes: u16) -> Option<DateTime<Utc>> {
    let midnight = date.and_time(NaiveTime::MIN);
    to_utc(
        zone,
        midnight.checked_add_signed(chrono::Duration::minutes(i64::from(minutes)))?,
    )
}

/// Local minute ranges an agent is available on `date`: the weekly windows of that weekday plus extra
/// availability, less partial unavailability; nothing on a whole day off.
fn day_ranges(availability: &Availability, date: NaiveDate) -> Vec<(u16, u16)> {
    let dated: Vec<_> = availability
        .exceptions
        .iter()
        .filter(|e| e.date == date)
        .collect();
    if dated
        .iter()
        .any(|e| !e.available && (e.start.is_none() || e.end.is_none()))
    {
        return Vec::new();
    }
    use chrono::Datelike;
    let mut ranges: Vec<(u16, u16)> = availability
        .weekly
        .iter()
        .filter(|w| w.weekday == date.weekday())
        .map(|w| (w.start, w.end))
        .collect();
    for e in dated.iter().filter(|e| e.available) {
        ranges.push((e.start.unwrap_or(0), e.end.unwrap_or(1440)));
    }
    for e in dated.iter().filter(|e| !e.available) {
        let (Some(cut_start), Some(cut_end)) = (e.start, e.end) else {
            continue;
        };
        ranges = ranges
            .into_iter()
            .flat_map(|(s, t)| {
                let mut kept = Vec::new();
                if s < cut_start {
                    kept.push((s, t.min(cut_start)));
                }
                if t > cut_end {
                    kept.push((s.max(cut_end), t));
                }
                kept
            })
            .collect();
    }
    ranges
}

/// Merged UTC spans the agent is available in, for local dates `first..=last`.
pub fn available_spans(
    availability: &Availability,
    zone: Tz,
    first: NaiveDate,
    last: NaiveDate,
) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut date = first;
    while date <= last {
        for (s, t) in day_ranges(availability, date) {
            if let (Some(start), Some(end)) =
                (local_instant(zone, date, s), local_instant(zone, date, t))
            {
                if end > start {
                    spans.push(Span::new(start, end));
                }
            }
        }
        match date.checked_add_days(Days::new(1)) {
            Some(next) => date = next,
            None => break,
        }
    }
    spans.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// Whether `availability` (in `zone`) covers all of `shift`.
pub fn covers(availability: &Availability, zone: Tz, shift: Span) -> bool {
    let first = shift.start.with_timezone(&zone).date_naive();
    let last = shift.end.with_timezone(&zone).date_naive();
    let first = first.checked_sub_days(Days::new(1)).unwrap_or(first);
    available_spans(availability, zone, first, last)
        .iter()
        .any(|a| a.start <= shift.start && shift.end <= a.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::agent::AvailabilityInput;
    use crate::domain::weekly::{ExceptionDto, WindowDto};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn availability(windows: &[(&str, &str, &str)], exceptions: Vec<ExceptionDto>) -> Availability {
        Availability::parse(&AvailabilityInput {
            weekly: windows
                .iter()
                .map(|(d, s, e)| WindowDto {
                    weekday: d.to_string(),
                    start: s.to_string(),
                    end: e.to_string(),
                })
                .collect(),
            exceptions,
        })
        .unwrap()
    }

    #[test]
    fn windows_across_midnight_join_and_follow_dst() {
        let a = availability(
            &[("sat", "22:00", "24:00"), ("sun", "00:00", "06:00")],
            vec![],
        );
        let zone = chrono_tz::Europe::Stockholm;
        // The night the clocks go forward (29 March 2026): 22:00 CET to 06:00 CEST is 21:00Z-04:00Z.
        let night = Span::new(t("2026-03-28T21:00:00Z"), t("2026-03-29T04:00:00Z"));
        assert!(covers(&a, zone, night));
        let too_late = Span::new(t("2026-03-28T21:00:00Z"), t("2026-03-29T04:30:00Z"));
        assert!(!covers(&a, zone, too_late));
    }

    #[test]
    fn dated_exceptions_remove_and_add_time() {
        let off = ExceptionDto {
            date: "2026-03-02".into(),
            start: Some("12:00".into()),
            end: Some("13:00".into()),
            available: false,
            note: None,
        };
        let extra = ExceptionDto {
            date: "2026-03-07".into(),
            start: None,
            end: None,
            available: true,
            note: None,
        };
        let a = availability(&[("mon", "08:00", "16:00")], vec![off, extra]);
        let zone = chrono_tz::Asia::Manila;
        // Monday 08:00-12:00 Manila is 00:00Z-04:00Z; the lunch hour is gone.
        assert!(covers(
            &a,
            zone,
            Span::new(t("2026-03-02T00:00:00Z"), t("2026-03-02T04:00:00Z"))
        ));
        assert!(!covers(
            &a,
            zone,
            Span::new(t("2026-03-02T03:00:00Z"), t("2026-03-02T05:00:00Z"))
        ));
        assert!(covers(
            &a,
            zone,
            Span::new(t("2026-03-07T01:00:00Z"), t("2026-03-07T09:00:00Z"))
        ));
        assert!(!covers(
            &a,
            zone,
            Span::new(t("2026-03-09T03:00:00Z"), t("2026-03-09T09:00:00Z"))
        ));
    }

    #[test]
    fn a_gap_is_named_by_the_local_times_it_skips() {
        let zone = chrono_tz::Europe::Stockholm;
        let day = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let at = |h, m| day.and_hms_opt(h, m, 0).unwrap();
        assert_eq!(gap_around(zone, at(2, 30)), Some((at(2, 0), at(3, 0))));
        assert_eq!(gap_around(zone, at(3, 0)), None);
        assert_eq!(gap_around(zone, at(1, 59)), None);
    }

    #[test]
    fn gap_times_move_to_the_end_of_the_gap() {
        let zone = chrono_tz::America::New_York;
        let date = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(
            local_instant(zone, date, 150).unwrap(),
            t("2026-03-08T07:00:00Z")
        );
    }
}
