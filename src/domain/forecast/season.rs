//! DST-correct mapping of UTC interval starts to local seasonal slots.
//!
//! The season index of an interval is `(local weekday, local time-of-day slot)` in the
//! queue's zone. Time always advances in UTC (so a 23-hour day simply has fewer
//! intervals and the repeated hour of a 25-hour day maps to the same slots twice);
//! only the *label* of an interval is local.

use chrono::{DateTime, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use super::types::IntervalLength;

/// Local labels of one UTC interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CellTime {
    /// Local calendar day, as days since 1970-01-01.
    pub local_day: i64,
    /// Interval-of-week slot: `weekday (Mon = 0) * slots_per_day + time-of-day slot`.
    pub sow: u32,
}

impl CellTime {
    /// Local weekday, Monday = 0.
    pub fn dow(self, spd: usize) -> usize {
        self.sow as usize / spd
    }
}

/// Days since 1970-01-01 of a local date.
pub(crate) fn date_to_day(date: NaiveDate) -> i64 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    (date - epoch).num_days()
}

/// Maps UTC timestamps to local slots for one zone and interval length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SeasonMapper {
    tz: Tz,
    step: i64,
    spd: usize,
}

impl SeasonMapper {
    pub fn new(tz: Tz, interval: IntervalLength) -> Self {
        SeasonMapper {
            tz,
            step: interval.seconds(),
            spd: interval.slots_per_day(),
        }
    }

    /// UTC offset (seconds) in force at `ts`.
    pub fn offset_secs(&self, ts: i64) -> i64 {
        DateTime::from_timestamp(ts, 0)
            .map(|dt| {
                i64::from(
                    self.tz
                        .offset_from_utc_datetime(&dt.naive_utc())
                        .fix()
                        .local_minus_utc(),
                )
            })
            .unwrap_or(0)
    }

    /// Local labels of `ts` given its UTC offset.
    pub fn label(&self, ts: i64, offset: i64) -> CellTime {
        let local = ts + offset;
        let local_day = local.div_euclid(86_400);
        let slot = (local.rem_euclid(86_400) / self.step) as usize;
        let dow = (local_day + 3).rem_euclid(7) as usize;
        CellTime {
            local_day,
            sow: (dow * self.spd + slot.min(self.spd - 1)) as u32,
        }
    }

    /// Labels of the `n` intervals starting at `t0` and stepping by the interval in UTC.
    ///
    /// Zone look-ups are the expensive part, so the offset is looked up at both ends of each
    /// UTC day and only looked up per interval on the (rare) days where it changes.
    pub fn map_range(&self, t0: i64, n: usize) -> Vec<CellTime> {
        let mut out = Vec::with_capacity(n);
        let chunk = self.spd;
        let mut i = 0;
        while i < n {
            let end = (i + chunk).min(n);
            let ts_a = t0 + i as i64 * self.step;
            let ts_b = t0 + (end - 1) as i64 * self.step;
            let off_a = self.offset_secs(ts_a);
            let off_b = self.offset_secs(ts_b);
            for j in i..end {
                let ts = t0 + j as i64 * self.step;
                let off = if off_a == off_b {
                    off_a
                } else {
                    self.offset_secs(ts)
                };
                out.push(self.label(ts, off));
            }
            i = end;
        }
        out
    }

    /// Number of UTC steps from `origin` until the local date reaches
    /// `local date of origin + days`.
    pub fn horizon_len(&self, origin: i64, days: u32) -> usize {
        let start_day = self.label(origin, self.offset_secs(origin)).local_day;
        let target = start_day + i64::from(days);
        // Upper bound: the local day can be at most a few hours longer than 24 h.
        let max_cells = (days as usize + 1) * (self.spd + self.spd / 4) + 8;
        let labels = self.map_range(origin, max_cells);
        labels
            .iter()
            .position(|c| c.local_day >= target)
            .unwrap_or(labels.len())
    }

    /// Same local wall-clock time 7 days earlier, as a UTC timestamp
    /// (`None` if that local time did not exist; earliest instant if it was repeated).
    pub fn same_local_time_last_week(&self, ts: i64) -> Option<i64> {
        let dt = DateTime::from_timestamp(ts, 0)?;
        let local = dt.with_timezone(&self.tz).naive_local() - chrono::Duration::days(7);
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .map(|d| d.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Europe::Stockholm;

    #[test]
    fn dst_days_have_92_and_100_intervals() {
        let m = SeasonMapper::new(Stockholm, IntervalLength::Min15);
        let spring = Stockholm
            .with_ymd_and_hms(2026, 3, 29, 0, 0, 0)
            .single()
            .map(|d| d.timestamp());
        let fall = Stockholm
            .with_ymd_and_hms(2026, 10, 25, 0, 0, 0)
            .single()
            .map(|d| d.timestamp());
        assert_eq!(spring.map(|t| m.horizon_len(t, 1)), Some(92));
        assert_eq!(fall.map(|t| m.horizon_len(t, 1)), Some(100));
    }

    #[test]
    fn map_range_matches_per_interval_lookup() {
        let m = SeasonMapper::new(Stockholm, IntervalLength::Min15);
        let t0 = 1_774_000_000 - 1_774_000_000 % 900;
        let fast = m.map_range(t0, 96 * 40);
        for (j, c) in fast.iter().enumerate() {
            let ts = t0 + j as i64 * 900;
            assert_eq!(*c, m.label(ts, m.offset_secs(ts)));
        }
    }
}
