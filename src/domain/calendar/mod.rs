//! Shift calendars and schedule emails for remote chat agents.
//!
//! * [`ics`] writes RFC 5545 iCalendar files (one VEVENT per shift).
//! * [`local`] turns UTC shifts into rows in the agent's own time zone.
//! * [`diff`] compares two schedules by shift id.
//! * [`email`] renders the schedule email (HTML + plain text) with askama.
//!
//! All instants are stored in UTC; local time is only ever derived for
//! display, so a zone change of the agent never corrupts stored data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod diff;
pub mod email;
pub mod ics;
pub mod local;
pub mod reconcile;

/// One scheduled shift. `id` must stay stable across reschedules: it is
/// both the diff key and the iCalendar UID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shift {
    pub id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub queue_name: String,
    pub language: String,
    pub breaks: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// iCalendar SEQUENCE; bump it on every change the agent should see.
    pub sequence: u32,
    pub cancelled: bool,
}

/// The agent a schedule is rendered for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub name: String,
    pub email: String,
    /// Serialised as its IANA name, e.g. "Europe/Stockholm".
    #[serde(with = "tz_name")]
    pub zone: chrono_tz::Tz,
}

// chrono-tz's own serde support sits behind a feature the main crate does
// not enable, so the zone is (de)serialised by name here.
mod tz_name {
    use serde::{de::Error as _, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(tz: &chrono_tz::Tz, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(tz.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<chrono_tz::Tz, D::Error> {
        let name = String::deserialize(d)?;
        name.parse()
            .map_err(|_| D::Error::custom(format!("unknown time zone {name:?}")))
    }
}

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("template rendering failed: {0}")]
    Render(#[from] askama::Error),
    /// Only http(s) links are put in emails (no `javascript:` and the like).
    #[error("agent view URL must be http(s): {0:?}")]
    InvalidUrl(String),
}

#[cfg(test)]
mod testutil {
    use super::Shift;
    use chrono::{DateTime, TimeZone, Utc};

    pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap_or_default()
    }

    pub fn shift(id: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Shift {
        Shift {
            id: id.to_string(),
            start,
            end,
            queue_name: "Billing".to_string(),
            language: "en".to_string(),
            breaks: Vec::new(),
            sequence: 0,
            cancelled: false,
        }
    }
}
