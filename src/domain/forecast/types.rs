//! Public input/output types and the error type of the forecast module.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::ops::RangeInclusive;
use thiserror::Error;

/// Length of one forecast / history interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IntervalLength {
    /// 15-minute intervals (96 per regular day).
    Min15,
    /// 30-minute intervals (48 per regular day).
    Min30,
}

impl IntervalLength {
    /// Interval length in seconds.
    pub fn seconds(self) -> i64 {
        match self {
            IntervalLength::Min15 => 900,
            IntervalLength::Min30 => 1800,
        }
    }

    /// Number of time-of-day slots in a regular (24-hour) local day.
    pub fn slots_per_day(self) -> usize {
        (86_400 / self.seconds()) as usize
    }

    /// Number of interval-of-week slots.
    pub fn slots_per_week(self) -> usize {
        7 * self.slots_per_day()
    }
}

/// The UTC years history rows may fall in. A forecast starts at most a day after its history and
/// reaches at most 12 weeks further, so every instant it computes stays far from chrono's limits.
pub const HISTORY_YEARS: RangeInclusive<i32> = crate::domain::dates::YEARS;

/// One history row: one queue interval, optionally split by contact reason.
///
/// Several rows may share an interval start when they carry different
/// `reason`s; the volume model sums them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    /// Interval start (UTC); must be a multiple of the interval length since the Unix epoch.
    pub start: DateTime<Utc>,
    /// Chats offered (entering the AI assistant).
    pub offered: u32,
    /// Chats the AI resolved on its own.
    pub ai_resolved: u32,
    /// Chats handed to a human (escalations + direct "talk to a human" requests).
    pub handed_to_human: u32,
    /// Chats abandoned before reaching a human.
    pub abandoned: u32,
    /// Average handle time (seconds) of the human-handled chats of this row, if known.
    pub aht_seconds: Option<f64>,
    /// How many of `handed_to_human` were escalations (the AI tried first), if known.
    pub escalations: Option<u32>,
    /// Average handle time (seconds) of the escalated chats, if known.
    pub escalation_aht_seconds: Option<f64>,
    /// Contact reason / intent, if classified.
    pub reason: Option<String>,
}

/// What happens on a special (holiday, campaign, outage) local day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum SpecialEffect {
    /// Volume is scaled by this factor (e.g. 0.3 for a holiday, 1.5 for a campaign).
    Multiplier(f64),
    /// The queue is closed: zero volume.
    Closed,
}

/// A special local day. Excluded from training, applied to the forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpecialDay {
    /// Local calendar date in the queue's zone.
    pub date: NaiveDate,
    /// Effect on forecast volume.
    pub effect: SpecialEffect,
}

/// How a scenario override changes the AI deflection rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum DeflectionChange {
    /// Replace the forecast rate by this absolute rate in `[0, 1]`.
    Absolute(f64),
    /// Add this many percentage points (e.g. `5.0` = +0.05), result clamped to `[0, 1]`.
    Points(f64),
}

/// A manager's scenario override on the deflection rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioOverride {
    /// First local date the override applies to (inclusive).
    pub from: NaiveDate,
    /// Contact reason it applies to; `None` = all reasons.
    pub reason: Option<String>,
    /// The change.
    pub change: DeflectionChange,
}

/// Model tuning knobs. `Default` is what the tests and benchmarks use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelConfig {
    /// Recent weeks used for the interval-of-week profiles (volume shape, deflection, AHT, mix).
    pub profile_weeks: usize,
    /// Recent weeks used for the linear deflection trend.
    pub deflection_trend_weeks: usize,
    /// Fraction trimmed from each side when averaging profile ratios.
    pub trim_fraction: f64,
    /// Smooth the intraday shape with a `[1, 2, 1]` kernel (reduces noise on 15-minute data).
    pub smooth_shape: bool,
    /// Rolling-origin forecasts used to calibrate prediction bounds.
    pub calibration_origins: usize,
    /// Horizon (weeks) of the calibration forecasts.
    pub calibration_horizon_weeks: usize,
    /// Handle time used when the history carries none.
    pub default_aht_seconds: f64,
    /// History older than this many weeks before the origin is ignored.
    pub max_history_weeks: usize,
}

impl Default for ModelConfig {
    fn default() -> Self {
        ModelConfig {
            profile_weeks: 10,
            deflection_trend_weeks: 12,
            trim_fraction: 0.2,
            smooth_shape: true,
            calibration_origins: 6,
            calibration_horizon_weeks: 6,
            default_aht_seconds: 600.0,
            max_history_weeks: 110,
        }
    }
}

/// What to forecast.
/// Not serde-serialisable because `chrono_tz::Tz` is not (without its `serde` feature).
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastSpec {
    /// Queue time zone (IANA).
    pub zone: Tz,
    /// Interval length.
    pub interval: IntervalLength,
    /// Forecast origin (first forecast interval start). `None` = right after the last history row.
    /// History at or after the origin is ignored.
    pub origin: Option<DateTime<Utc>>,
    /// Horizon in local days (1..=84). The forecast ends at the local midnight that starts
    /// day `origin local date + horizon_days`.
    pub horizon_days: u32,
    /// Holidays, campaigns, outages (history and future).
    pub special_days: Vec<SpecialDay>,
    /// Deflection scenario overrides.
    pub overrides: Vec<ScenarioOverride>,
    /// Model knobs.
    pub config: ModelConfig,
}

impl ForecastSpec {
    /// A spec with defaults: origin after history, no special days, no overrides.
    pub fn new(zone: Tz, interval: IntervalLength, horizon_days: u32) -> Self {
        ForecastSpec {
            zone,
            interval,
            origin: None,
            horizon_days,
            special_days: Vec::new(),
            overrides: Vec::new(),
            config: ModelConfig::default(),
        }
    }
}

/// 80% and 95% prediction bounds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Bounds {
    /// Lower 95% bound (2.5% quantile).
    pub lo95: f64,
    /// Lower 80% bound (10% quantile).
    pub lo80: f64,
    /// Upper 80% bound (90% quantile).
    pub hi80: f64,
    /// Upper 95% bound (97.5% quantile).
    pub hi95: f64,
}

/// Forecast of one interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastInterval {
    /// Interval start (UTC).
    pub start: DateTime<Utc>,
    /// Chats offered.
    pub volume: f64,
    /// Share of offered chats that never reach a human, in `[0, 1]`.
    pub deflection_rate: f64,
    /// Chats reaching a human.
    pub human_chats: f64,
    /// Expected average handle time of the human chats (seconds).
    pub aht_seconds: f64,
    /// Workload in Erlangs = human chats * AHT / interval seconds.
    pub workload_erlangs: f64,
    /// Bounds on `volume`.
    pub volume_bounds: Bounds,
    /// Bounds on `human_chats`.
    pub human_bounds: Bounds,
}

/// Horizon totals of one contact reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReasonForecast {
    /// Contact reason.
    pub reason: String,
    /// Forecast offered chats over the horizon.
    pub volume: f64,
    /// Forecast chats reaching a human over the horizon.
    pub human_chats: f64,
    /// Volume-weighted deflection rate over the horizon.
    pub deflection_rate: f64,
}

/// A complete forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Contact reasons seen in the history (empty if none were classified).
    pub reasons: Vec<String>,
    /// Number of rolling-origin forecasts the bounds were calibrated on.
    pub calibration_origins: usize,
    /// The intervals, in time order.
    pub intervals: Vec<ForecastInterval>,
    /// Reason mix and deflection over the horizon (empty if no reasons were classified).
    pub by_reason: Vec<ReasonForecast>,
}

/// Errors. Every invalid input is reported, never panicked on.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ForecastError {
    /// No history rows before the origin.
    #[error("history is empty (no rows before the forecast origin)")]
    EmptyHistory,
    /// A row start is not on an interval boundary.
    #[error("row starting {0} is not aligned to the interval length")]
    Misaligned(DateTime<Utc>),
    /// A row has inconsistent or non-finite values.
    #[error("invalid row starting {start}: {reason}")]
    InvalidRow {
        /// Row start.
        start: DateTime<Utc>,
        /// What is wrong.
        reason: String,
    },
    /// Two rows with the same start and reason.
    #[error("duplicate row for {0} (same start and reason)")]
    DuplicateRow(DateTime<Utc>),
    /// The spec is invalid.
    #[error("invalid spec: {0}")]
    InvalidSpec(String),
    /// Too little usable history.
    #[error("insufficient history: need at least {needed_weeks} weeks, have {have_days} days")]
    InsufficientHistory {
        /// Weeks needed.
        needed_weeks: usize,
        /// Days available.
        have_days: usize,
    },
}
