//! IANA time zones. Instants are stored in UTC; a zone is kept beside every local-time rule.

use super::validation::ValidationErrors;
use chrono_tz::Tz;
use serde::Serialize;
use std::fmt;

/// A validated IANA zone name such as `Europe/Stockholm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct TimeZone(Tz);

impl TimeZone {
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        let raw = raw.trim();
        raw.parse::<Tz>().map(Self).map_err(|_| {
            ValidationErrors::single(
                "",
                format!("'{raw}' is not an IANA time zone (for example Europe/Stockholm)"),
            )
        })
    }

    pub fn tz(self) -> Tz {
        self.0
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl From<TimeZone> for String {
    fn from(zone: TimeZone) -> Self {
        zone.name().to_string()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iana_names() {
        assert_eq!(
            TimeZone::parse("Asia/Manila").unwrap().name(),
            "Asia/Manila"
        );
        assert_eq!(TimeZone::parse(" UTC ").unwrap().name(), "UTC");
    }

    #[test]
    fn rejects_abbreviations_and_offsets() {
        for bad in ["", "CEST", "+02:00", "Europe/Atlantis", "europe stockholm"] {
            assert!(TimeZone::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
