//! Parsing uploaded contact history (CSV or JSON rows) into forecast input, all or nothing.
//!
//! An interval start is either an RFC 3339 instant with an offset, or a local wall-clock time in the
//! queue's zone. Local times are resolved with the zone's rules: a time inside the spring-forward gap
//! does not exist and is rejected; a time in the repeated fall-back hour is ambiguous, and its first
//! appearance (per reason) is the earlier instant, the second the later one, which is how exports in
//! local time list the 25-hour day.

use super::forecast::HistoryRow;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone as _, Timelike, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::HashSet;

/// Most rows one upload may carry (two years of 15-minute rows for several reasons).
pub const MAX_ROWS: usize = 1_000_000;

/// One row as uploaded (CSV header names are the field names).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryInput {
    /// RFC 3339 with offset (`2026-03-29T01:30:00Z`) or local time in the queue's zone (`2026-03-29 03:30`).
    pub interval_start: String,
    pub offered: i64,
    pub ai_resolved: i64,
    /// Escalations plus direct "talk to a human" requests.
    pub handed_to_human: i64,
    pub abandoned: i64,
    /// Average handle time of the human-handled chats, seconds.
    #[serde(default)]
    pub aht_seconds: Option<f64>,
    /// How many of `handed_to_human` the AI tried first.
    #[serde(default)]
    pub escalations: Option<i64>,
    #[serde(default)]
    pub escalation_aht_seconds: Option<f64>,
    /// Contact reason (intent), e.g. `refund`.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The first bad row of an upload: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {message}")]
pub struct RowError {
    /// 1-based line (CSV, header is line 1) or row (JSON) number.
    pub line: u64,
    pub field: String,
    pub message: String,
}

fn row_error(line: u64, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.into(),
        message: message.into(),
    }
}

/// Validates rows for one queue, remembering what it saw to resolve ambiguity and catch duplicates.
pub struct HistoryParser {
    zone: Tz,
    interval_minutes: u32,
    seen: HashSet<(String, DateTime<Utc>)>,
    seen_local: HashSet<(String, NaiveDateTime)>,
}

impl HistoryParser {
    pub fn new(zone: Tz, interval_minutes: u32) -> Self {
        Self {
            zone,
            interval_minutes,
            seen: HashSet::new(),
            seen_local: HashSet::new(),
        }
    }

    fn instant(&mut self, line: u64, raw: &str, reason: &str) -> Result<DateTime<Utc>, RowError> {
        let raw = raw.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
            return Ok(t.with_timezone(&Utc));
        }
        let local = [
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(raw, f).ok())
        .ok_or_else(|| {
            row_error(
                line,
                "interval_start",
                format!(
                    "'{raw}' is neither RFC 3339 with an offset nor a local 'YYYY-MM-DD HH:MM'"
                ),
            )
        })?;
        match self.zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
            LocalResult::Ambiguous(early, late) => {
                let first_time = self.seen_local.insert((reason.to_string(), local));
                Ok(if first_time { early } else { late }.with_timezone(&Utc))
            }
            LocalResult::None => Err(row_error(
                line,
                "interval_start",
                format!(
                    "{raw} does not exist in {} (the clocks skip it)",
                    self.zone.name()
                ),
            )),
        }
    }

    /// Parses one row; `line` is what errors report.
    pub fn parse(&mut self, line: u64, input: &HistoryInput) -> Result<HistoryRow, RowError> {
        let reason = match input.reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if r.chars().count() > 64 => {
                return Err(row_error(line, "reason", "must be at most 64 characters"))
            }
            Some(r) => Some(r.to_string()),
        };
        let reason_key = reason.clone().unwrap_or_default();
        let start = self.instant(line, &input.interval_start, &reason_key)?;
        let step = i64::from(self.interval_minutes) * 60;
        if start.timestamp().rem_euclid(step) != 0 || start.nanosecond() != 0 {
            return Err(row_error(
                line,
                "interval_start",
                format!(
                    "{} is not on the queue's {}-minute grid",
                    input.interval_start.trim(),
                    self.interval_minutes
                ),
            ));
        }
        if !self.seen.insert((reason_key, start)) {
            return Err(row_error(
                line,
                "interval_start",
                "the same interval and reason appear twice in this upload",
            ));
        }
        let count = |field: &str, v: i64| {
            u32::try_from(v).map_err(|_| {
                row_error(
                    line,
                    field,
                    format!("must be a whole number from 0 to {}, got {v}", u32::MAX),
                )
            })
        };
        let offered = count("offered", input.offered)?;
        let ai_resolved = count("ai_resolved", input.ai_resolved)?;
        let handed_to_human = count("handed_to_human", input.handed_to_human)?;
        let abandoned = count("abandoned", input.abandoned)?;
        if u64::from(ai_resolved) + u64::from(handed_to_human) > u64::from(offered) {
            return Err(row_error(line, "handed_to_human", format!(
                "ai_resolved ({ai_resolved}) + handed_to_human ({handed_to_human}) exceeds offered ({offered})")));
        }
        if abandoned > offered {
            return Err(row_error(
                line,
                "abandoned",
                format!("abandoned ({abandoned}) exceeds offered ({offered})"),
            ));
        }
        let seconds = |field: &str, v: Option<f64>| match v {
            Some(s) if !(s.is_finite() && (0.0..=86_400.0).contains(&s)) => Err(row_error(
                line,
                field,
                format!("must be between 0 and 86400 seconds, got {s}"),
            )),
            other => Ok(other),
        };
        let aht_seconds = seconds("aht_seconds", input.aht_seconds)?;
        let escalation_aht_seconds =
            seconds("escalation_aht_seconds", input.escalation_aht_seconds)?;
        let escalations = input
            .escalations
            .map(|e| count("escalations", e))
            .transpose()?;
        if escalations.is_some_and(|e| e > handed_to_human) {
            return Err(row_error(
                line,
                "escalations",
                "cannot exceed handed_to_human",
            ));
        }
        Ok(HistoryRow {
            start,
            offered,
            ai_resolved,
            handed_to_human,
            abandoned,
            aht_seconds,
            escalations,
            escalation_aht_seconds,
            reason,
        })
    }
}

/// Parses a CSV upload with a header row as it is read; the first bad line rejects the whole upload.
pub fn parse_csv<R: std::io::Read>(
    input: R,
    zone: Tz,
    interval_minutes: u32,
) -> Result<Vec<HistoryRow>, RowError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input);
    let mut parser = HistoryParser::new(zone, interval_minutes);
    let headers = reader
        .headers()
        .map_err(|e| row_error(1, "header", e.to_string()))?
        .clone();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(row_error(line, "", e.to_string())),
        }
        let line = record.position().map_or(line, |p| p.line());
        if rows.len() >= MAX_ROWS {
            return Err(row_error(
                line,
                "",
                format!("an upload may hold at most {MAX_ROWS} rows"),
            ));
        }
        let input: HistoryInput = record
            .deserialize(Some(&headers))
            .map_err(|e| row_error(line, &csv_field(&e, &headers), csv_message(&e)))?;
        rows.push(parser.parse(line, &input)?);
    }
    Ok(rows)
}

/// Parses JSON rows; errors count rows from 1.
pub fn parse_rows(
    inputs: &[HistoryInput],
    zone: Tz,
    interval_minutes: u32,
) -> Result<Vec<HistoryRow>, RowError> {
    if inputs.len() > MAX_ROWS {
        return Err(row_error(
            0,
            "rows",
            format!("an upload may hold at most {MAX_ROWS} rows"),
        ));
    }
    let mut parser = HistoryParser::new(zone, interval_minutes);
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| parser.parse(i as u64 + 1, input))
        .collect()
}

fn csv_field(e: &csv::Error, headers: &csv::StringRecord) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err
            .field()
            .and_then(|i| headers.get(usize::try_from(i).ok()?))
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds,reason\n";

    #[test]
    fn parses_rfc3339_and_local_times() {
        let csv = format!(
            "{HEADER}2026-01-05T08:00:00Z,10,7,3,0,300,refund\n2026-01-05 09:30,12,8,4,1,,\n"
        );
        let rows = parse_csv(csv.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap();
        assert_eq!(rows[0].start.to_rfc3339(), "2026-01-05T08:00:00+00:00");
        assert_eq!(rows[0].reason.as_deref(), Some("refund"));
        // 09:30 in Stockholm in January is 08:30 UTC.
        assert_eq!(rows[1].start.to_rfc3339(), "2026-01-05T08:30:00+00:00");
        assert_eq!(rows[1].aht_seconds, None);
    }

    #[test]
    fn fall_back_hour_resolves_in_order_and_gap_is_rejected() {
        let csv = format!("{HEADER}2026-10-25 02:00,1,0,1,0,300,\n2026-10-25 02:00,1,0,1,0,300,\n");
        let rows = parse_csv(csv.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap();
        assert_eq!(rows[0].start.to_rfc3339(), "2026-10-25T00:00:00+00:00");
        assert_eq!(rows[1].start.to_rfc3339(), "2026-10-25T01:00:00+00:00");
        let gap = format!("{HEADER}2026-03-29 02:30,1,0,1,0,300,\n");
        let err = parse_csv(gap.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap_err();
        assert_eq!((err.line, err.field.as_str()), (2, "interval_start"));
        assert!(err.message.contains("does not exist"));
    }

    #[test]
    fn bad_rows_name_line_and_field() {
        let cases = [
            ("2026-01-05T08:10:00Z,1,0,1,0,300,", "interval_start"),
            ("2026-01-05T08:00:00Z,-1,0,1,0,300,", "offered"),
            ("2026-01-05T08:00:00Z,5,4,3,0,300,", "handed_to_human"),
            ("2026-01-05T08:00:00Z,abc,0,1,0,300,", "offered"),
            ("2026-01-05T08:00:00Z,5,1,1,0,-3,", "aht_seconds"),
            ("yesterday,5,1,1,0,300,", "interval_start"),
        ];
        for (row, field) in cases {
            let csv = format!("{HEADER}2026-01-05T07:30:00Z,1,0,1,0,300,\n{row}\n");
            let err = parse_csv(csv.as_bytes(), chrono_tz::UTC, 30).unwrap_err();
            assert_eq!(err.line, 3, "{row}");
            assert_eq!(err.field, field, "{row}: {err}");
        }
    }

    #[test]
    fn duplicates_and_missing_columns_are_rejected() {
        let dup = format!(
            "{HEADER}2026-01-05T08:00:00Z,1,0,1,0,300,\n2026-01-05T08:00:00Z,1,0,1,0,300,\n"
        );
        assert!(parse_csv(dup.as_bytes(), chrono_tz::UTC, 30)
            .unwrap_err()
            .message
            .contains("twice"));
        let missing = "interval_start,offered\n2026-01-05T08:00:00Z,1\n";
        assert!(parse_csv(missing.as_bytes(), chrono_tz::UTC, 30).is_err());
    }
}
