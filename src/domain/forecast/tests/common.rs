#![allow(dead_code)]
use crate::domain::forecast::{HistoryRow, IntervalLength};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Local midnight of `date` in `zone`, as UTC.
pub fn local_midnight(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    let dt = date.and_hms_opt(0, 0, 0).expect("valid time");
    zone.from_local_datetime(&dt)
        .earliest()
        .expect("midnight exists")
        .with_timezone(&Utc)
}

/// History stepping in UTC from local midnight of `start` for `days` days; the volume of
/// each interval is `f(local wall-clock time)`; 30% of chats go to a human.
pub fn history(
    zone: Tz,
    interval: IntervalLength,
    start: NaiveDate,
    days: i64,
    f: impl Fn(NaiveDateTime) -> u32,
) -> Vec<HistoryRow> {
    let t0 = local_midnight(zone, start);
    let end = local_midnight(zone, start + chrono::Days::new(days as u64));
    let mut rows = Vec::new();
    let mut t = t0;
    while t < end {
        let local = t.with_timezone(&zone).naive_local();
        let offered = f(local);
        let handed = offered * 3 / 10;
        rows.push(HistoryRow {
            start: t,
            offered,
            ai_resolved: offered - handed,
            handed_to_human: handed,
            abandoned: 0,
            aht_seconds: Some(480.0),
            escalations: None,
            escalation_aht_seconds: None,
            reason: None,
        });
        t += chrono::Duration::seconds(interval.seconds());
    }
    rows
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}
