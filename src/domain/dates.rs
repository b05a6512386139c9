//! The calendar the service accepts: local dates and instants in the years 2000 to 2199.
//!
//! Instants are stored as UTC `TIMESTAMP`s. SQLite keeps those as text and compares them as text,
//! which orders them right only for four-digit years (`-0001` sorts before `0001`, `+10000` before
//! `9999`), and every response writes them as RFC 3339, which has four-digit years too. A local date
//! also becomes an instant up to a day either side of it. No plan reaches outside these years, so
//! every date or instant a client sends is checked against them here, and refused naming its field,
//! before anything is stored.

use super::validation::ValidationErrors;
use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2199;
/// The supported years, for checks that report their own field and wording.
pub const YEARS: std::ops::RangeInclusive<i32> = FIRST_YEAR..=LAST_YEAR;

fn within(year: i32) -> Result<(), ValidationErrors> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(ValidationErrors::single(
            "",
            format!("must lie in the years {FIRST_YEAR} to {LAST_YEAR}"),
        ))
    }
}

/// `date` if it lies in the supported years.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, ValidationErrors> {
    within(date.year()).map(|()| date)
}

/// `at` if it lies in the supported years.
pub fn check_instant(at: DateTime<Utc>) -> Result<DateTime<Utc>, ValidationErrors> {
    within(at.year()).map(|()| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_holds_its_bounds_and_nothing_beyond() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert!(check_date(day(2000, 1, 1)).is_ok());
        assert!(check_date(day(2199, 12, 31)).is_ok());
        assert!(check_date(day(2200, 1, 1)).is_err());
        for y in [-1, 0, 1, 1999, 2201, 9999, 10_000] {
            assert!(check_date(day(y, 6, 1)).is_err(), "{y}");
        }
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap_or_default();
        assert!(check_instant(at("2026-12-19T08:00:00Z")).is_ok());
        assert!(check_instant(at("9999-12-31T12:00:00Z")).is_err());
        assert!(check_instant(at("1999-12-31T23:59:59Z")).is_err());
    }
}
