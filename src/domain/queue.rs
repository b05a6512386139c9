//! A queue: one language on one channel, with the service promise managers staff it to.

use super::language::LanguageTag;
use super::validation::{in_range, text, ValidationErrors};
use super::weekly::{parse_weekly, WeeklyWindow, WindowDto};
use super::zone::TimeZone;
use serde::{Deserialize, Serialize};

/// Where customers reach the queue; chat allows concurrency, the others do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Chat,
    Messaging,
    Email,
    Voice,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Chat => "chat",
            Self::Messaging => "messaging",
            Self::Email => "email",
            Self::Voice => "voice",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        match raw.trim() {
            "chat" => Ok(Self::Chat),
            "messaging" => Ok(Self::Messaging),
            "email" => Ok(Self::Email),
            "voice" => Ok(Self::Voice),
            other => Err(ValidationErrors::single(
                "",
                format!("unknown channel '{other}' (expected chat, messaging, email or voice)"),
            )),
        }
    }
}

/// The service-level promise: `target` of chats answered within `threshold_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ServiceLevel {
    /// Fraction in (0, 1], e.g. 0.8.
    pub target: f64,
    /// Answer-time threshold in seconds, e.g. 60.
    pub threshold_seconds: u32,
}

/// Queue settings as a client sends them (create and full update).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueInput {
    pub name: String,
    /// BCP 47 tag, e.g. `sv-SE`.
    pub language: String,
    /// `chat`, `messaging`, `email` or `voice`.
    pub channel: String,
    /// IANA zone whose wall clock opening hours and reports use.
    pub time_zone: String,
    /// Planning interval: 15 or 30.
    pub interval_minutes: u32,
    pub service_level: ServiceLevel,
    /// Occupancy cap in (0, 1], default 0.85.
    #[serde(default)]
    pub max_occupancy: Option<f64>,
    /// Chats one agent handles at once (1 to 6), default 1.
    #[serde(default)]
    pub chat_concurrency: Option<u32>,
    /// Share of paid time not available for chats (breaks, meetings, absence), in [0, 0.9].
    #[serde(default)]
    pub shrinkage: Option<f64>,
    /// Minimum humans whenever the queue is open ("always a human"), default 1.
    #[serde(default)]
    pub staffing_floor: Option<u32>,
    /// Mean customer patience in seconds for Erlang A; omit for Erlang C (nobody abandons).
    #[serde(default)]
    pub patience_seconds: Option<u32>,
    /// Weekly opening hours in the queue's zone; empty means open around the clock.
    #[serde(default)]
    pub opening_hours: Vec<WindowDto>,
}

/// A validated queue configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub name: String,
    pub language: LanguageTag,
    pub channel: Channel,
    pub time_zone: TimeZone,
    pub interval_minutes: u32,
    pub service_level: ServiceLevel,
    pub max_occupancy: f64,
    pub chat_concurrency: u32,
    pub shrinkage: f64,
    pub staffing_floor: u32,
    pub patience_seconds: Option<u32>,
    pub opening_hours: Vec<WeeklyWindow>,
}

impl QueueSpec {
    pub fn parse(input: &QueueInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.collect("name", text(&input.name, 120));
        let language = errors.collect("language", LanguageTag::parse(&input.language));
        let channel = errors.collect("channel", Channel::parse(&input.channel));
        let time_zone = errors.collect("time_zone", TimeZone::parse(&input.time_zone));
        let interval_minutes = match input.interval_minutes {
            15 | 30 => Some(input.interval_minutes),
            other => {
                errors.add("interval_minutes", format!("must be 15 or 30, got {other}"));
                None
            }
        };
        let sl = input.service_level;
        if !(sl.target > 0.0 && sl.target <= 1.0) {
            errors.add(
                "service_level.target",
                format!("must be in (0, 1], got {}", sl.target),
            );
        }
        errors.collect(
            "service_level.threshold_seconds",
            in_range(sl.threshold_seconds, 1, 3600),
        );
        let max_occupancy = input.max_occupancy.unwrap_or(0.85);
        if !(max_occupancy > 0.0 && max_occupancy <= 1.0) {
            errors.add(
                "max_occupancy",
                format!("must be in (0, 1], got {max_occupancy}"),
            );
        }
        let chat_concurrency = errors.collect(
            "chat_concurrency",
            in_range(input.chat_concurrency.unwrap_or(1), 1, 6),
        );
        let shrinkage = errors.collect(
            "shrinkage",
            in_range(input.shrinkage.unwrap_or(0.0), 0.0, 0.9),
        );
        let staffing_floor = errors.collect(
            "staffing_floor",
            in_range(input.staffing_floor.unwrap_or(1), 0, 100),
        );
        if let Some(p) = input.patience_seconds {
            errors.collect("patience_seconds", in_range(p, 1, 86_400));
        }
        if let Some(c) = channel {
            if c != Channel::Chat
                && c != Channel::Messaging
                && input.chat_concurrency.unwrap_or(1) > 1
            {
                errors.add(
                    "chat_concurrency",
                    "only chat and messaging queues handle several contacts at once",
                );
            }
        }
        let opening_hours = errors.collect("opening_hours", parse_weekly(&input.opening_hours, 28));
        errors.finish(|| {
            Some(Self {
                name: name?,
                language: language?,
                channel: channel?,
                time_zone: time_zone?,
                interval_minutes: interval_minutes?,
                service_level: sl,
                max_occupancy,
                chat_concurrency: chat_concurrency?,
                shrinkage: shrinkage?,
                staffing_floor: staffing_floor?,
                patience_seconds: input.patience_seconds,
                opening_hours: opening_hours?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn input() -> QueueInput {
        QueueInput {
            name: "Swedish chat".into(),
            language: "sv-SE".into(),
            channel: "chat".into(),
            time_zone: "Europe/Stockholm".into(),
            interval_minutes: 30,
            service_level: ServiceLevel {
                target: 0.8,
                threshold_seconds: 60,
            },
            max_occupancy: None,
            chat_concurrency: Some(2),
            shrinkage: Some(0.3),
            staffing_floor: None,
            patience_seconds: Some(180),
            opening_hours: vec![],
        }
    }

    #[test]
    fn valid_queue_gets_defaults() {
        let q = QueueSpec::parse(&input()).unwrap();
        assert_eq!(q.max_occupancy, 0.85);
        assert_eq!(q.staffing_floor, 1);
        assert_eq!(q.language.as_str(), "sv-SE");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = input();
        bad.language = "xx-QQ".into();
        bad.time_zone = "Mars/Olympus".into();
        bad.interval_minutes = 20;
        bad.service_level.target = 1.5;
        bad.shrinkage = Some(0.95);
        let err = QueueSpec::parse(&bad).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "language",
                "time_zone",
                "interval_minutes",
                "service_level.target",
                "shrinkage"
            ]
        );
    }

    #[test]
    fn concurrency_only_for_chat_like_channels() {
        let mut voice = input();
        voice.channel = "voice".into();
        assert!(QueueSpec::parse(&voice).is_err());
        voice.chat_concurrency = Some(1);
        assert!(QueueSpec::parse(&voice).is_ok());
    }
}

impl QueueSpec {
    /// Whether the queue is open at `instant` by its weekly opening hours on its own wall clock
    /// (no opening hours: always open).
    pub fn is_open_at(&self, instant: chrono::DateTime<chrono::Utc>) -> bool {
        use chrono::{Datelike, Timelike};
        if self.opening_hours.is_empty() {
            return true;
        }
        let local = instant.with_timezone(&self.time_zone.tz());
        let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(0);
        self.opening_hours
            .iter()
            .any(|w| w.weekday == local.weekday() && w.start <= minute && minute < w.end)
    }
}

#[cfg(test)]
mod opening_tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn opening_hours_follow_the_local_clock_across_dst() {
        let mut input = tests_support::input();
        input.opening_hours = vec![WindowDto {
            weekday: "sun".into(),
            start: "08:00".into(),
            end: "20:00".into(),
        }];
        let q = QueueSpec::parse(&input).unwrap();
        // 2026-03-29 is the spring-forward Sunday in Stockholm: 08:00 local is 06:00 UTC, not 07:00.
        assert!(q.is_open_at(chrono::Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap()));
        assert!(!q.is_open_at(chrono::Utc.with_ymd_and_hms(2026, 3, 29, 5, 30, 0).unwrap()));
        // A week earlier (winter time) 08:00 local is 07:00 UTC.
        assert!(!q.is_open_at(chrono::Utc.with_ymd_and_hms(2026, 3, 22, 6, 30, 0).unwrap()));
        assert!(q.is_open_at(chrono::Utc.with_ymd_and_hms(2026, 3, 22, 7, 0, 0).unwrap()));
    }
}

#[cfg(test)]
mod tests_support {
    pub(super) use super::tests::input;
}
