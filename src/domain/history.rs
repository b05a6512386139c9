//! Parsing uploaded contact history (CSV or JSON rows) into forecast input, all or nothing.
//!
//! An interval start is either an RFC 3339 instant with an offset, or a local wall-clock time in the
//! queue's zone. Local times are resolved with the zone's rules: a time inside the spring-forward gap
//! does not exist and is rejected; a time in the repeated fall-back hour is ambiguous, and its first
//! appearance (per reason) is the earlier instant, the second the later one, which is how exports in
//! local time list the 25-hour day.

use super::forecast::{HistoryRow, ModelConfig, HISTORY_YEARS};
use super::staffing::MAX_LOAD_ERLANGS;
use chrono::{DateTime, Datelike, LocalResult, NaiveDateTime, TimeZone as _, Timelike, Utc};
use chrono_tz::Tz;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;

/// Most rows one upload may carry (two years of 15-minute rows for several reasons).
pub const MAX_ROWS: usize = 1_000_000;

/// The columns of an upload, required ones first.
const COLUMNS: [&str; 9] = [
    "interval_start",
    "offered",
    "ai_resolved",
    "handed_to_human",
    "abandoned",
    "aht_seconds",
    "escalations",
    "escalation_aht_seconds",
    "reason",
];
const REQUIRED_COLUMNS: usize = 5;

/// Most chats one row may count for an interval of `interval_minutes`: that many chats at the
/// forecast's default handle time are the largest workload staffing can turn into agents, so a
/// larger count is a broken export rather than a busy interval.
pub fn max_chats_per_interval(interval_minutes: u32) -> u32 {
    let seconds = f64::from(interval_minutes) * 60.0;
    let chats = MAX_LOAD_ERLANGS * seconds / ModelConfig::default().default_aht_seconds;
    // Saturating: the bound is far below u32::MAX for every interval a queue may have.
    chats.floor() as u32
}

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

/// Where in an upload a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A CSV line, 1-based: the header is line 1.
    Line(u64),
    /// A JSON row, 1-based.
    Row(u64),
    /// The upload as a whole.
    Upload,
}

/// The first problem of an upload: where it is, the field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct RowError {
    pub at: Position,
    /// The column when the problem is in one; `body` (or `rows`) when it is the upload's shape.
    pub field: String,
    pub message: String,
    /// The upload could not be read as its format (JSON syntax or a value of the wrong type), as
    /// opposed to a readable row whose values are invalid.
    pub unreadable: bool,
}

impl RowError {
    /// The message with its position, e.g. `line 3: expected 5 columns as in the header, found 4`.
    pub fn located_message(&self) -> String {
        match self.at {
            Position::Line(n) => format!("line {n}: {}", self.message),
            Position::Row(n) => format!("row {n}: {}", self.message),
            Position::Upload => self.message.clone(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Position::Line(n) => write!(f, "line {n}: {}: {}", self.field, self.message),
            Position::Row(n) => write!(f, "row {n}: {}: {}", self.field, self.message),
            Position::Upload => write!(f, "{}: {}", self.field, self.message),
        }
    }
}

fn row_error(at: Position, field: &str, message: impl Into<String>) -> RowError {
    RowError {
        at,
        field: field.into(),
        message: message.into(),
        unreadable: false,
    }
}

/// Validates rows for one queue, remembering what it saw to resolve ambiguity and catch duplicates.
pub struct HistoryParser {
    zone: Tz,
    interval_minutes: u32,
    max_chats: u32,
    seen: HashSet<(String, DateTime<Utc>)>,
    seen_local: HashSet<(String, NaiveDateTime)>,
}

impl HistoryParser {
    pub fn new(zone: Tz, interval_minutes: u32) -> Self {
        Self {
            zone,
            interval_minutes,
            max_chats: max_chats_per_interval(interval_minutes),
            seen: HashSet::new(),
            seen_local: HashSet::new(),
        }
    }

    fn instant(
        &mut self,
        at: Position,
        raw: &str,
        reason: &str,
    ) -> Result<DateTime<Utc>, RowError> {
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
                at,
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
                at,
                "interval_start",
                format!(
                    "{raw} does not exist in {} (the clocks skip it)",
                    self.zone.name()
                ),
            )),
        }
    }

    /// Parses one row; `at` is what errors report.
    pub fn parse(&mut self, at: Position, input: &HistoryInput) -> Result<HistoryRow, RowError> {
        let reason = match input.reason.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if r.chars().count() > 64 => {
                return Err(row_error(at, "reason", "must be at most 64 characters"))
            }
            Some(r) => Some(r.to_string()),
        };
        let reason_key = reason.clone().unwrap_or_default();
        let start = self.instant(at, &input.interval_start, &reason_key)?;
        if !HISTORY_YEARS.contains(&start.year()) {
            return Err(row_error(
                at,
                "interval_start",
                format!(
                    "{} is outside the supported years {} to {} (UTC)",
                    input.interval_start.trim(),
                    HISTORY_YEARS.start(),
                    HISTORY_YEARS.end()
                ),
            ));
        }
        let step = i64::from(self.interval_minutes) * 60;
        if start.timestamp().rem_euclid(step) != 0 || start.nanosecond() != 0 {
            return Err(row_error(
                at,
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
                at,
                "interval_start",
                "the same interval and reason appear twice in this upload",
            ));
        }
        let (max, minutes) = (self.max_chats, self.interval_minutes);
        let count = |field: &str, v: i64| {
            u32::try_from(v).ok().filter(|c| *c <= max).ok_or_else(|| {
                row_error(
                    at,
                    field,
                    format!(
                        "must be a whole number from 0 to {max} (chats in one {minutes}-minute \
                         interval), got {v}"
                    ),
                )
            })
        };
        let offered = count("offered", input.offered)?;
        let ai_resolved = count("ai_resolved", input.ai_resolved)?;
        let handed_to_human = count("handed_to_human", input.handed_to_human)?;
        let abandoned = count("abandoned", input.abandoned)?;
        if u64::from(ai_resolved) + u64::from(handed_to_human) > u64::from(offered) {
            return Err(row_error(at, "handed_to_human", format!(
                "ai_resolved ({ai_resolved}) + handed_to_human ({handed_to_human}) exceeds offered ({offered})")));
        }
        if abandoned > offered {
            return Err(row_error(
                at,
                "abandoned",
                format!("abandoned ({abandoned}) exceeds offered ({offered})"),
            ));
        }
        let seconds = |field: &str, v: Option<f64>| match v {
            Some(s) if !(s.is_finite() && (0.0..=86_400.0).contains(&s)) => Err(row_error(
                at,
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
                at,
                "escalations",
                "cannot exceed handed_to_human",
            ));
        }
        // A long handle time turns even a plausible count into more work than staffing supports.
        let interval_seconds = f64::from(minutes) * 60.0;
        for (field, chats, aht) in [
            ("aht_seconds", Some(handed_to_human), aht_seconds),
            (
                "escalation_aht_seconds",
                escalations,
                escalation_aht_seconds,
            ),
        ] {
            if let (Some(chats), Some(aht)) = (chats, aht) {
                let load = f64::from(chats) * aht / interval_seconds;
                if load > MAX_LOAD_ERLANGS {
                    return Err(row_error(
                        at,
                        field,
                        format!(
                            "{chats} chats of {aht} s in one {minutes}-minute interval are {load:.0} \
                             Erlangs of work, more than the {MAX_LOAD_ERLANGS} staffing supports"
                        ),
                    ));
                }
            }
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

fn too_many_rows(at: Position, field: &str) -> RowError {
    row_error(
        at,
        field,
        format!("an upload may hold at most {MAX_ROWS} rows; split it by date"),
    )
}

/// Checks the header line: every column known, every required column there, none twice.
fn check_header(headers: &csv::StringRecord) -> Result<(), RowError> {
    let header = Position::Line(1);
    if headers.iter().all(str::is_empty) {
        return Err(row_error(
            header,
            "body",
            format!(
                "the first line must name the columns ({})",
                COLUMNS[..REQUIRED_COLUMNS].join(", ")
            ),
        ));
    }
    let mut seen = HashSet::new();
    for name in headers.iter() {
        if name.is_empty() {
            return Err(row_error(
                header,
                "body",
                "every column of the header needs a name",
            ));
        }
        if !COLUMNS.contains(&name) {
            return Err(row_error(
                header,
                name,
                format!(
                    "unknown column '{name}' (the columns are {})",
                    COLUMNS.join(", ")
                ),
            ));
        }
        if !seen.insert(name) {
            return Err(row_error(
                header,
                name,
                "the column appears twice in the header",
            ));
        }
    }
    match COLUMNS[..REQUIRED_COLUMNS]
        .iter()
        .find(|c| !seen.contains(**c))
    {
        Some(missing) => Err(row_error(
            header,
            missing,
            format!("the header has no {missing} column"),
        )),
        None => Ok(()),
    }
}

/// A CSV reader's error at `line`, naming the column when the reader knows it.
fn csv_error(e: &csv::Error, headers: &csv::StringRecord, line: u64) -> RowError {
    let line = e.position().map_or(line, |p| p.line());
    let column = |i: usize| headers.get(i).filter(|h| !h.is_empty()).unwrap_or("body");
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => row_error(
            Position::Line(line),
            "body",
            format!("expected {expected_len} columns as in the header, found {len}"),
        ),
        csv::ErrorKind::Utf8 { err, .. } => row_error(
            Position::Line(line),
            column(err.field()),
            "is not valid UTF-8 text",
        ),
        csv::ErrorKind::Io(io) => row_error(
            Position::Upload,
            "body",
            format!("could not read the upload: {io}"),
        ),
        _ => row_error(Position::Line(line), "body", e.to_string()),
    }
}

/// Gives CRLF line ends as LF. The CSV reader counts a line when it reads an LF, and reads the LF of a
/// CRLF only as the next record begins, after noting where that record starts: every line of a CRLF
/// file would be reported as the one before it.
struct LfLineEnds<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: std::io::Read> LfLineEnds<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; 8192].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for LfLineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            // A CR is given out only once the byte after it is known.
            while self.end - self.start < 2 && !self.eof {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
                match self.inner.read(&mut self.buf[self.end..])? {
                    0 => self.eof = true,
                    n => self.end += n,
                }
            }
            let mut written = 0;
            while written < out.len() && self.start < self.end {
                let byte = self.buf[self.start];
                if byte == b'\r' {
                    match self
                        .buf
                        .get(self.start + 1)
                        .filter(|_| self.start + 1 < self.end)
                    {
                        Some(b'\n') => {
                            self.start += 1;
                            continue;
                        }
                        None if !self.eof => break,
                        _ => {}
                    }
                }
                out[written] = byte;
                written += 1;
                self.start += 1;
            }
            if written > 0 || out.is_empty() || (self.eof && self.start == self.end) {
                return Ok(written);
            }
        }
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
        .from_reader(LfLineEnds::new(input));
    let mut parser = HistoryParser::new(zone, interval_minutes);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&e, &csv::StringRecord::new(), 1))?
        .clone();
    check_header(&headers)?;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let next_line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(&e, &headers, next_line)),
        }
        let line = record.position().map_or(next_line, |p| p.line());
        let at = Position::Line(line);
        if rows.len() >= MAX_ROWS {
            return Err(too_many_rows(at, "body"));
        }
        let input: HistoryInput = record.deserialize(Some(&headers)).map_err(|e| {
            let (field, message) = csv_value_error(&e, &headers, &record);
            row_error(at, &field, message)
        })?;
        rows.push(parser.parse(at, &input)?);
    }
    Ok(rows)
}

/// The column and the reason of a value the row's type cannot hold.
fn csv_value_error(
    e: &csv::Error,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
) -> (String, String) {
    let csv::ErrorKind::Deserialize { err, .. } = e.kind() else {
        return ("body".into(), e.to_string());
    };
    let index = err.field().and_then(|i| usize::try_from(i).ok());
    let field = index
        .and_then(|i| headers.get(i))
        .map(str::to_string)
        .or_else(|| crate::domain::validation::named_field(&err.kind().to_string()))
        .unwrap_or_else(|| "body".into());
    let message = match index.and_then(|i| record.get(i)) {
        Some(raw) => format!("cannot read '{raw}': {}", err.kind()),
        None => err.kind().to_string(),
    };
    (field, message)
}

/// Parses JSON rows; errors count rows from 1.
pub fn parse_rows(
    inputs: &[HistoryInput],
    zone: Tz,
    interval_minutes: u32,
) -> Result<Vec<HistoryRow>, RowError> {
    if inputs.len() > MAX_ROWS {
        return Err(too_many_rows(Position::Upload, "rows"));
    }
    let mut parser = HistoryParser::new(zone, interval_minutes);
    inputs
        .iter()
        .enumerate()
        .map(|(i, input)| parser.parse(Position::Row(i as u64 + 1), input))
        .collect()
}

/// Parses a JSON upload `{"rows": [...]}` as it is read, validating each row as it arrives so that
/// no more than one row is held unparsed; the first bad row rejects the whole upload.
pub fn parse_json<R: std::io::Read>(
    input: R,
    zone: Tz,
    interval_minutes: u32,
) -> Result<Vec<HistoryRow>, RowError> {
    let mut state = JsonUpload {
        parser: HistoryParser::new(zone, interval_minutes),
        rows: Vec::new(),
        current: 0,
        invalid: None,
    };
    let mut json = serde_json::Deserializer::from_reader(std::io::BufReader::new(input));
    let mut track = serde_path_to_error::Track::new();
    let read = UploadSeed(&mut state)
        .deserialize(serde_path_to_error::Deserializer::new(
            &mut json, &mut track,
        ))
        .and_then(|()| json.end());
    match (read, state.invalid) {
        (_, Some(invalid)) => Err(invalid),
        (Ok(()), None) => Ok(state.rows),
        (Err(e), None) => Err(json_error(&e, &track.path(), state.current)),
    }
}

/// What JSON could not be read, placed at its row and field when it is inside one.
fn json_error(e: &serde_json::Error, path: &serde_path_to_error::Path, row: u64) -> RowError {
    use serde_json::error::Category;
    let unreadable = |at, field: &str, message: String| RowError {
        unreadable: true,
        ..row_error(at, field, message)
    };
    if e.classify() != Category::Data {
        return unreadable(Position::Upload, "body", format!("malformed JSON: {e}"));
    }
    // serde's own message, without the position in the text that the row number replaces.
    let full = e.to_string();
    let message = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(m, _)| m)
        .to_string();
    let in_rows = path
        .iter()
        .any(|s| matches!(s, serde_path_to_error::Segment::Map { key } if key == "rows"));
    let key = path.iter().skip(1).find_map(|s| match s {
        serde_path_to_error::Segment::Map { key } if !key.is_empty() => Some(key.clone()),
        _ => None,
    });
    let named = crate::domain::validation::named_field(&message);
    match (in_rows, row) {
        (true, 1..) => {
            let field = key.or(named).unwrap_or_else(|| "rows".into());
            unreadable(Position::Row(row), &field, message)
        }
        (true, 0) => unreadable(Position::Upload, "rows", message),
        (false, _) => {
            let field = named.unwrap_or_else(|| "body".into());
            unreadable(Position::Upload, &field, message)
        }
    }
}

struct JsonUpload {
    parser: HistoryParser,
    rows: Vec<HistoryRow>,
    /// The 1-based row being read, 0 before the first.
    current: u64,
    /// The first row that was read but is invalid; reading stops there.
    invalid: Option<RowError>,
}

struct UploadSeed<'a>(&'a mut JsonUpload);

impl<'de> DeserializeSeed<'de> for UploadSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UploadSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(r#"an object {"rows": [...]}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut had_rows = false;
        while let Some(key) = map.next_key::<String>()? {
            if key != "rows" {
                return Err(de::Error::unknown_field(&key, &["rows"]));
            }
            if had_rows {
                return Err(de::Error::duplicate_field("rows"));
            }
            had_rows = true;
            map.next_value_seed(RowsSeed(&mut *self.0))?;
        }
        if had_rows {
            Ok(())
        } else {
            Err(de::Error::missing_field("rows"))
        }
    }
}

struct RowsSeed<'a>(&'a mut JsonUpload);

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of history rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.0;
        loop {
            state.current += 1;
            let Some(input) = seq.next_element::<HistoryInput>()? else {
                return Ok(());
            };
            let at = Position::Row(state.current);
            let parsed = if state.rows.len() >= MAX_ROWS {
                Err(too_many_rows(at, "rows"))
            } else {
                state.parser.parse(at, &input)
            };
            match parsed {
                Ok(row) => state.rows.push(row),
                Err(e) => {
                    state.invalid = Some(e);
                    // Stops reading; the recorded row error is what the caller reports.
                    return Err(de::Error::custom("invalid row"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
