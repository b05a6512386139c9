//! Instants are stored as naive UTC (`TIMESTAMP` columns); in JSON they go out as RFC 3339 with a
//! `Z`, so that no client reads them as its own local time. Use with
//! `#[serde(serialize_with = "crate::utc_json::utc")]` (or `utc_opt` for an `Option`).

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

fn rfc3339(t: &NaiveDateTime) -> String {
    t.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// `2026-12-07T08:30:00Z`, with as many fraction digits as the instant has.
pub fn utc<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(t))
}

/// [`utc`] for an optional instant; `None` is `null`.
pub fn utc_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => utc(t, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use serde::Serialize;

    #[derive(Serialize)]
    struct View {
        #[serde(serialize_with = "super::utc")]
        at: chrono::NaiveDateTime,
        #[serde(serialize_with = "super::utc_opt")]
        done: Option<chrono::NaiveDateTime>,
        #[serde(serialize_with = "super::utc_opt")]
        never: Option<chrono::NaiveDateTime>,
    }

    #[test]
    fn instants_carry_their_utc_offset() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let view = View {
            at: day.and_hms_micro_opt(8, 30, 0, 641_842).unwrap_or_default(),
            done: day.and_hms_opt(9, 0, 0),
            never: None,
        };
        let json = serde_json::to_value(&view).unwrap_or_default();
        assert_eq!(json["at"], "2026-12-07T08:30:00.641842Z");
        assert_eq!(json["done"], "2026-12-07T09:00:00Z");
        assert!(json["never"].is_null());
        // What a client does with it: the same instant, in UTC.
        let parsed = chrono::DateTime::parse_from_rfc3339("2026-12-07T08:30:00.641842Z")
            .map(|t| t.naive_utc());
        assert_eq!(parsed.ok(), Some(view.at));
    }
}
