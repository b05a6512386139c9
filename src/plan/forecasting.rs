//! Forecasts and backtests of a stored queue: history and special days from the database, the model
//! from `domain::forecast`, dates in the queue's local calendar.

use super::PlanError;
use crate::db::{self, queues::QueueRecord, DbConnection};
use crate::domain::forecast::{
    backtest, first_interval_of, forecast, BacktestReport, BacktestSpec, DeflectionChange,
    Forecast, ForecastSpec, IntervalLength, ScenarioOverride, MAX_BACKTEST_HORIZON_WEEKS,
    MAX_BACKTEST_WEEKS,
};
use crate::domain::validation::ValidationErrors;
use chrono::{Days, NaiveDate};

/// Longest horizon the model supports, in days.
pub const MAX_HORIZON_DAYS: u32 = 84;

/// A manager's what-if on the AI deflection rate.
#[derive(Debug, Clone, Default)]
pub struct Scenario {
    /// Absolute deflection rate in [0, 1] ...
    pub deflection: Option<f64>,
    /// ... or a change in percentage points.
    pub deflection_points: Option<f64>,
    /// From this local date (default: the whole horizon).
    pub from: Option<NaiveDate>,
    /// For one contact reason (default: all).
    pub reason: Option<String>,
}

impl Scenario {
    pub fn overrides(
        &self,
        default_from: NaiveDate,
    ) -> Result<Vec<ScenarioOverride>, ValidationErrors> {
        let change = match (self.deflection, self.deflection_points) {
            (None, None) => return Ok(Vec::new()),
            (Some(_), Some(_)) => {
                return Err(ValidationErrors::single(
                    "deflection_points",
                    "give either deflection (a rate) or deflection_points (a change), not both",
                ))
            }
            (Some(rate), None) if rate.is_finite() && (0.0..=1.0).contains(&rate) => {
                DeflectionChange::Absolute(rate)
            }
            (Some(rate), None) => {
                return Err(ValidationErrors::single(
                    "deflection",
                    format!("must be a rate in [0, 1], got {rate}"),
                ))
            }
            (None, Some(p)) if p.is_finite() && (-100.0..=100.0).contains(&p) => {
                DeflectionChange::Points(p)
            }
            (None, Some(p)) => {
                return Err(ValidationErrors::single(
                    "deflection_points",
                    format!("must be between -100 and 100 points, got {p}"),
                ))
            }
        };
        Ok(vec![ScenarioOverride {
            from: self.from.unwrap_or(default_from),
            reason: self.reason.clone(),
            change,
        }])
    }
}

pub fn interval_length(queue: &QueueRecord) -> IntervalLength {
    if queue.spec.interval_minutes == 15 {
        IntervalLength::Min15
    } else {
        IntervalLength::Min30
    }
}

/// The first local date a forecast can cover: the day after the last stored interval.
pub fn first_forecast_day(
    conn: &mut DbConnection,
    queue: &QueueRecord,
) -> Result<Option<NaiveDate>, PlanError> {
    let last = db::history::last_interval(conn, &queue.id)?;
    Ok(last.map(|t| {
        let local = t
            .and_utc()
            .with_timezone(&queue.spec.time_zone.tz())
            .date_naive();
        local.succ_opt().unwrap_or(local)
    }))
}

/// Forecast for the local dates `from..=to` (defaults: the two weeks after the history).
pub fn queue_forecast(
    conn: &mut DbConnection,
    queue: &QueueRecord,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    scenario: &Scenario,
) -> Result<(NaiveDate, NaiveDate, Forecast), PlanError> {
    let origin_day = first_forecast_day(conn, queue)?.ok_or_else(|| {
        ValidationErrors::single("queue", "this queue has no history yet: upload some first")
    })?;
    let from = from.unwrap_or(origin_day);
    let to = match to {
        Some(to) => to,
        None => from
            .checked_add_days(Days::new(13))
            .ok_or_else(|| ValidationErrors::single("from", "is outside the supported calendar"))?,
    };
    let mut errors = ValidationErrors::new();
    if from < origin_day {
        errors.add(
            "from",
            format!("forecasts start after the stored history, on {origin_day}"),
        );
    }
    if to < from {
        errors.add("to", "must not be before from");
    }
    let horizon = (to - origin_day).num_days() + 1;
    if horizon > i64::from(MAX_HORIZON_DAYS) {
        errors.add(
            "to",
            format!(
                "at most {MAX_HORIZON_DAYS} days after the history ({origin_day}) can be forecast"
            ),
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let overrides = scenario.overrides(from)?;
    let history = db::history::load(conn, &queue.id, None)?;
    let special_days = db::history::special_days_for(conn, Some(&queue.id))?
        .iter()
        .map(|d| d.to_special_day())
        .collect();
    let zone = queue.spec.time_zone.tz();
    let interval = interval_length(queue);
    // History rarely ends at a local midnight (an export in UTC ends at UTC midnight): the forecast
    // starts at the first whole local day, so that `horizon` days reach `to` whatever the last row.
    let origin = first_interval_of(zone, interval, origin_day).ok_or_else(|| {
        ValidationErrors::single("history", "ends outside the supported calendar")
    })?;
    let mut spec = ForecastSpec::new(
        zone,
        interval,
        u32::try_from(horizon).unwrap_or(MAX_HORIZON_DAYS),
    );
    spec.origin = Some(origin);
    spec.special_days = special_days;
    spec.overrides = overrides;
    let mut result = forecast(&history, &spec)?;
    result.intervals.retain(|i| {
        let day = i.start.with_timezone(&zone).date_naive();
        day >= from && day <= to
    });
    Ok((from, to, result))
}

/// Rolling-origin backtest over the queue's stored history.
pub fn queue_backtest(
    conn: &mut DbConnection,
    queue: &QueueRecord,
    spec: &BacktestSpec,
) -> Result<BacktestReport, PlanError> {
    let mut errors = ValidationErrors::new();
    if !(1..=MAX_BACKTEST_HORIZON_WEEKS).contains(&spec.horizon_weeks) {
        errors.add(
            "horizon_weeks",
            format!(
                "must be between 1 and {MAX_BACKTEST_HORIZON_WEEKS}, got {}",
                spec.horizon_weeks
            ),
        );
    }
    let fewest = spec.horizon_weeks.clamp(1, MAX_BACKTEST_HORIZON_WEEKS);
    if !(fewest..=MAX_BACKTEST_WEEKS).contains(&spec.weeks) {
        errors.add(
            "weeks",
            format!(
                "must be between {fewest} (the horizon) and {MAX_BACKTEST_WEEKS}, got {}",
                spec.weeks
            ),
        );
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let history = db::history::load(conn, &queue.id, None)?;
    let mut fspec = ForecastSpec::new(queue.spec.time_zone.tz(), interval_length(queue), 7);
    fspec.special_days = db::history::special_days_for(conn, Some(&queue.id))?
        .iter()
        .map(|d| d.to_special_day())
        .collect();
    Ok(backtest(&history, &fspec, spec)?)
}

/// One line a manager can read: how much better than seasonal naive the model is.
pub fn backtest_summary(report: &BacktestReport) -> String {
    let v = &report.volume;
    let h = &report.human;
    format!(
        "volume WAPE {:.1}% vs seasonal naive {:.1}% ({:.0}% better), MASE {:.2} vs {:.2}; \
         human chats WAPE {:.1}% vs {:.1}% ({:.0}% better); {} origins, {} intervals scored",
        v.model.wape * 100.0,
        v.naive.wape * 100.0,
        v.wape_improvement * 100.0,
        v.model.mase,
        v.naive.mase,
        h.model.wape * 100.0,
        h.naive.wape * 100.0,
        h.wape_improvement * 100.0,
        report.origins,
        report.scored_intervals
    )
}
