//! Weekly windows in local wall-clock time (opening hours, agent availability) and dated exceptions.
//!
//! Windows are stored in the owner's zone, never converted to UTC, because "Mondays 08:00-16:00" must
//! stay 08:00-16:00 on both sides of a DST change. A window that crosses midnight is written as two
//! windows (`22:00-24:00` and `00:00-06:00` the next day); `24:00` is allowed as an end.

use super::validation::ValidationErrors;
use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub const MINUTES_PER_DAY: u16 = 24 * 60;

/// Parses `HH:MM` (00:00 to 24:00) into minutes after local midnight.
pub fn parse_clock(raw: &str) -> Result<u16, ValidationErrors> {
    let bad =
        || ValidationErrors::single("", format!("'{raw}' is not a time of day in HH:MM form"));
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let h: u16 = h.parse().map_err(|_| bad())?;
    let m: u16 = m.parse().map_err(|_| bad())?;
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Formats minutes after midnight as `HH:MM`.
pub fn format_clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses a `YYYY-MM-DD` calendar date.
pub fn parse_date(raw: &str) -> Result<NaiveDate, ValidationErrors> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        ValidationErrors::single("", format!("'{raw}' is not a date in YYYY-MM-DD form"))
    })
}

/// Parses `mon`..`sun` (or full English names).
pub fn parse_weekday(raw: &str) -> Result<Weekday, ValidationErrors> {
    raw.trim().parse::<Weekday>().map_err(|_| {
        ValidationErrors::single("", format!("'{raw}' is not a weekday (mon, tue, ..., sun)"))
    })
}

pub fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// One recurring weekly window in local time, `start < end`, minutes after midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyWindow {
    pub weekday: Weekday,
    pub start: u16,
    pub end: u16,
}

/// The JSON shape of a weekly window: `{"weekday": "mon", "start": "08:00", "end": "16:00"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WindowDto {
    /// `mon` .. `sun`.
    pub weekday: String,
    /// Local start, `HH:MM`.
    pub start: String,
    /// Local end, `HH:MM`, after start (`24:00` for midnight).
    pub end: String,
}

impl WeeklyWindow {
    pub fn parse(dto: &WindowDto) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let weekday = errors.collect("weekday", parse_weekday(&dto.weekday));
        let start = errors.collect("start", parse_clock(&dto.start));
        let end = errors.collect("end", parse_clock(&dto.end));
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                errors.add(
                    "end",
                    format!(
                        "end {} must be after start {} (split a window that crosses midnight in two)",
                        dto.end, dto.start
                    ),
                );
            }
        }
        errors.finish(|| {
            Some(Self {
                weekday: weekday?,
                start: start?,
                end: end?,
            })
        })
    }

    pub fn to_dto(self) -> WindowDto {
        WindowDto {
            weekday: weekday_code(self.weekday).to_string(),
            start: format_clock(self.start),
            end: format_clock(self.end),
        }
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.end - self.start)
    }

    fn overlaps(self, other: Self) -> bool {
        self.weekday == other.weekday && self.start < other.end && other.start < self.end
    }
}

/// Parses a list of windows, rejecting overlaps (which would double-count hours), sorted by day and time.
pub fn parse_weekly(dtos: &[WindowDto], max: usize) -> Result<Vec<WeeklyWindow>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if dtos.len() > max {
        errors.add(
            "",
            format!("at most {max} windows are allowed, got {}", dtos.len()),
        );
        return Err(errors);
    }
    let mut windows: Vec<(usize, WeeklyWindow)> = Vec::with_capacity(dtos.len());
    for (i, dto) in dtos.iter().enumerate() {
        if let Some(w) = errors.collect(&format!("[{i}]"), WeeklyWindow::parse(dto)) {
            if let Some((j, _)) = windows.iter().find(|(_, other)| other.overlaps(w)) {
                errors.add(
                    format!("[{i}]"),
                    format!(
                        "{} {}-{} overlaps window [{j}] on the same day",
                        dto.weekday, dto.start, dto.end
                    ),
                );
            }
            windows.push((i, w));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut sorted: Vec<WeeklyWindow> = windows.into_iter().map(|(_, w)| w).collect();
    sorted.sort_by_key(|w| (w.weekday.num_days_from_monday(), w.start));
    Ok(sorted)
}

/// A dated change to the weekly pattern, in the owner's local time: unavailable (time off, exam) or
/// extra availability. No times means the whole day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedException {
    pub date: NaiveDate,
    pub start: Option<u16>,
    pub end: Option<u16>,
    pub available: bool,
    pub note: Option<String>,
}

/// The JSON shape of a dated exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExceptionDto {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Local start `HH:MM`; omit with `end` for the whole day.
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub end: Option<String>,
    /// `false` (default): not available then; `true`: available in addition to the weekly pattern.
    #[serde(default)]
    pub available: bool,
    #[serde(default)]
    pub note: Option<String>,
}

impl DatedException {
    pub fn parse(dto: &ExceptionDto) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let date = match NaiveDate::parse_from_str(dto.date.trim(), "%Y-%m-%d") {
            Ok(d) => errors.collect("date", super::dates::check_date(d)),
            Err(_) => {
                errors.add(
                    "date",
                    format!("'{}' is not a date in YYYY-MM-DD form", dto.date),
                );
                None
            }
        };
        let start = match &dto.start {
            Some(s) => errors.collect("start", parse_clock(s)),
            None => None,
        };
        let end = match &dto.end {
            Some(e) => errors.collect("end", parse_clock(e)),
            None => None,
        };
        match (&dto.start, &dto.end, start, end) {
            (Some(_), None, _, _) | (None, Some(_), _, _) => errors.add(
                "end",
                "give both start and end, or neither for the whole day",
            ),
            (_, _, Some(s), Some(e)) if e <= s => errors.add("end", "end must be after start"),
            _ => {}
        }
        let note = match &dto.note {
            Some(n) if !n.trim().is_empty() => {
                errors.collect("note", super::validation::text(n, 500))
            }
            _ => None,
        };
        errors.finish(|| {
            Some(Self {
                date: date?,
                start,
                end,
                available: dto.available,
                note,
            })
        })
    }

    pub fn to_dto(&self) -> ExceptionDto {
        ExceptionDto {
            date: self.date.format("%Y-%m-%d").to_string(),
            start: self.start.map(format_clock),
            end: self.end.map(format_clock),
            available: self.available,
            note: self.note.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(day: &str, s: &str, e: &str) -> WindowDto {
        WindowDto {
            weekday: day.into(),
            start: s.into(),
            end: e.into(),
        }
    }

    #[test]
    fn clock_parsing_bounds() {
        assert_eq!(parse_clock("00:00").unwrap(), 0);
        assert_eq!(parse_clock("24:00").unwrap(), 1440);
        assert_eq!(parse_clock("07:30").unwrap(), 450);
        for bad in ["24:30", "7:30", "07:60", "ab:cd", "", "0730"] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn overlapping_windows_are_rejected_with_their_index() {
        let err = parse_weekly(
            &[w("mon", "08:00", "12:00"), w("mon", "11:00", "15:00")],
            10,
        )
        .unwrap_err();
        assert_eq!(err.0[0].field, "[1]");
        assert!(err.0[0].message.contains("overlaps"));
    }

    #[test]
    fn touching_windows_and_other_days_are_fine_and_sorted() {
        let windows = parse_weekly(
            &[
                w("tue", "08:00", "12:00"),
                w("mon", "12:00", "16:00"),
                w("mon", "08:00", "12:00"),
            ],
            10,
        )
        .unwrap();
        assert_eq!(windows[0].start, 480);
        assert_eq!(windows[0].weekday, Weekday::Mon);
        assert_eq!(windows[2].weekday, Weekday::Tue);
    }

    #[test]
    fn end_before_start_and_bad_day_are_reported_per_field() {
        let err = parse_weekly(&[w("funday", "16:00", "08:00")], 10).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["[0].weekday", "[0].end"]);
    }

    #[test]
    fn exceptions_need_both_times_or_none() {
        let mut dto = ExceptionDto {
            date: "2026-12-24".into(),
            start: Some("08:00".into()),
            end: None,
            available: false,
            note: None,
        };
        assert!(DatedException::parse(&dto).is_err());
        dto.start = None;
        let whole_day = DatedException::parse(&dto).unwrap();
        assert_eq!(whole_day.start, None);
        dto.date = "2026-02-30".into();
        assert!(DatedException::parse(&dto).is_err());
    }

    #[test]
    fn exception_dates_lie_in_the_supported_years() {
        for date in ["0001-01-01", "9999-12-31", "1999-12-31", "2201-01-01"] {
            let dto = ExceptionDto {
                date: date.into(),
                start: None,
                end: None,
                available: false,
                note: None,
            };
            let errors = DatedException::parse(&dto).unwrap_err();
            assert_eq!(errors.0[0].field, "date", "{date}");
        }
    }
}
