//! Shifts as an agent reads them in their own time zone.
//!
//! Durations are elapsed time between the UTC instants, so a night shift
//! over a DST fall-back is one hour longer than its wall-clock times
//! suggest; the row's note says so.

use super::{AgentInfo, Shift};
use chrono::{DateTime, Offset, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A break in local wall-clock time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreakRow {
    /// "HH:MM"
    pub start: String,
    /// "HH:MM"
    pub end: String,
}

/// One shift as displayed to the agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftRow {
    pub shift_id: String,
    /// English weekday name of the local start, e.g. "Monday".
    pub weekday: String,
    /// Local start date, "YYYY-MM-DD".
    pub date: String,
    /// Local start time, "HH:MM".
    pub start_time: String,
    /// Local end time, "HH:MM".
    pub end_time: String,
    /// Local end date, "YYYY-MM-DD".
    pub end_date: String,
    /// Zone abbreviation at the start, e.g. "CEST".
    pub zone_abbr: String,
    /// Zone abbreviation at the end; differs from `zone_abbr` across DST.
    pub end_zone_abbr: String,
    /// Elapsed hours between start and end (breaks not deducted).
    pub duration_hours: f64,
    pub queue_name: String,
    pub language: String,
    pub breaks: Vec<BreakRow>,
    pub crosses_midnight: bool,
    pub crosses_dst_change: bool,
    /// Human explanation of the flags, empty when there is nothing to say.
    pub note: String,
    pub cancelled: bool,
}

/// The first instant of local day `date` in `zone`. Where midnight falls in a DST gap (it did in
/// São Paulo), the day starts when the clocks resume.
pub fn day_start_utc(zone: Tz, date: chrono::NaiveDate) -> DateTime<Utc> {
    use chrono::TimeZone as _;
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    (0..=180)
        .find_map(|minutes| {
            zone.from_local_datetime(&(midnight + chrono::Duration::minutes(minutes)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// Rows for `shifts` in `agent.zone`, ordered by start time.
pub fn render_rows(agent: &AgentInfo, shifts: &[Shift]) -> Vec<ShiftRow> {
    let mut sorted: Vec<&Shift> = shifts.iter().collect();
    sorted.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    sorted.into_iter().map(|s| row(agent.zone, s)).collect()
}

fn row(zone: Tz, shift: &Shift) -> ShiftRow {
    let start = shift.start.with_timezone(&zone);
    let end = shift.end.with_timezone(&zone);
    let crosses_midnight = end.date_naive() > start.date_naive();
    let start_offset = start.offset().fix();
    let end_offset = end.offset().fix();
    let crosses_dst_change = start_offset != end_offset;
    let duration_hours = hours_between(shift.start, shift.end);

    let mut notes = Vec::new();
    if crosses_midnight {
        notes.push(format!(
            "Ends the next day ({}).",
            end.format("%A %Y-%m-%d")
        ));
    }
    if crosses_dst_change {
        let delta = end_offset.local_minus_utc() - start_offset.local_minus_utc();
        let way = if delta < 0 {
            "Clocks go back"
        } else {
            "Clocks go forward"
        };
        notes.push(format!(
            "{way} during this shift ({} to {}); it lasts {} hours.",
            start.format("%Z"),
            end.format("%Z"),
            format_hours(duration_hours)
        ));
    }

    ShiftRow {
        shift_id: shift.id.clone(),
        weekday: start.format("%A").to_string(),
        date: start.format("%Y-%m-%d").to_string(),
        start_time: start.format("%H:%M").to_string(),
        end_time: end.format("%H:%M").to_string(),
        end_date: end.format("%Y-%m-%d").to_string(),
        zone_abbr: start.format("%Z").to_string(),
        end_zone_abbr: end.format("%Z").to_string(),
        duration_hours,
        queue_name: shift.queue_name.clone(),
        language: shift.language.clone(),
        breaks: shift
            .breaks
            .iter()
            .map(|(s, e)| BreakRow {
                start: s.with_timezone(&zone).format("%H:%M").to_string(),
                end: e.with_timezone(&zone).format("%H:%M").to_string(),
            })
            .collect(),
        crosses_midnight,
        crosses_dst_change,
        note: notes.join(" "),
        cancelled: shift.cancelled,
    }
}

/// Paid hours of the non-cancelled shifts: elapsed time from start to end,
/// with breaks *not* deducted (breaks are paid in chatroster's model).
/// A shift whose end precedes its start counts as zero.
pub fn total_hours(shifts: &[Shift]) -> f64 {
    shifts
        .iter()
        .filter(|s| !s.cancelled)
        .map(|s| hours_between(s.start, s.end))
        .sum::<f64>()
        // An empty float sum is -0.0, which would read "-0.0" in JSON.
        + 0.0
}

fn hours_between(start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
    // Whole seconds keep the sum exact enough; negative spans are bad data.
    let secs = (end - start).num_seconds().max(0);
    secs as f64 / 3600.0
}

/// Formats hours for people: "8", "7.5", "8.25".
pub fn format_hours(hours: f64) -> String {
    // `+ 0.0` turns an empty sum's -0.0 into 0.0 so it never prints "-0".
    let rounded = (hours * 100.0).round() / 100.0 + 0.0;
    let text = format!("{rounded:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests;
