//! Forecast of customer chats left for human agents after an AI assistant deflects
//! most of them.
//!
//! Pipeline (per queue):
//! 1. `season`: every UTC interval is labelled with its *local* weekday and time-of-day
//!    slot in the queue's IANA zone. Time advances in UTC, so DST days have 92 / 100
//!    quarter-hours and the seasonal profile stays pinned to local wall-clock time.
//! 2. `grid`: rows are validated and summed per interval and contact reason on a dense
//!    grid; missing intervals and special days are marked unusable rather than zero.
//! 3. `volume`: multiplicative decomposition `level x weekday factor x intraday shape`,
//!    robust profiles over recent weeks plus a robust damped-trend Holt filter on daily
//!    totals. Special days are excluded from training and applied to the forecast.
//! 4. `deflection`: containment rate per reason (interval-of-week offsets plus a linear
//!    trend, clamped to `[0, 1]`), a reason-mix profile and manager scenario overrides.
//! 5. `workload`: human chats = volume x (1 - deflection) summed over reasons, AHT
//!    profile (escalation vs direct when the data allow), Erlangs.
//! 6. `intervals`: 80% / 95% bounds from empirical quantiles of out-of-sample errors of
//!    an internal rolling-origin backtest; [`backtest()`] scores the model against a
//!    seasonal-naive baseline.
//!
//! Assumptions: interval starts are multiples of the interval length since the Unix
//! epoch; a queue has at least 3 weeks of history (2 years recommended); no yearly
//! seasonality is modelled (mark holidays and campaigns as special days).

pub mod backtest;
mod deflection;
mod grid;
mod intervals;
mod season;
pub mod synthetic;
pub mod types;
mod volume;
mod workload;

pub use self::backtest::{
    backtest, BacktestReport, BacktestSpec, Comparison, SeriesMetrics, MAX_BACKTEST_HORIZON_WEEKS,
    MAX_BACKTEST_WEEKS,
};
pub use self::synthetic::{generate, SyntheticHistory, SyntheticSpec};
pub use self::types::*;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use self::deflection::Override;
use self::grid::{special_map, Grid, SpecialMap};
use self::intervals::{calibrate, Calibrations};
use self::season::{date_to_day, CellTime, SeasonMapper};
use self::workload::FittedModel;

/// Maximum horizon: 12 weeks.
pub const MAX_HORIZON_DAYS: u32 = 84;

/// The first interval of the local day `day` in `zone`: its midnight, or the first interval start
/// after it where the clocks skip midnight or the zone's offset is off the interval grid (as in
/// Asia/Kathmandu). A forecast whose origin is here covers whole local days, however the history
/// ends.
pub fn first_interval_of(
    zone: Tz,
    interval: IntervalLength,
    day: NaiveDate,
) -> Option<DateTime<Utc>> {
    let mapper = SeasonMapper::new(zone, interval);
    let step = interval.seconds();
    let target = date_to_day(day);
    let utc_midnight = day.and_time(NaiveTime::MIN).and_utc().timestamp();
    // Every zone's offset lies within 15 hours of UTC.
    let margin = 15 * 3600;
    let mut ts = (utc_midnight - margin).div_euclid(step) * step;
    while ts <= utc_midnight + margin {
        if mapper.label(ts, mapper.offset_secs(ts)).local_day >= target {
            return DateTime::from_timestamp(ts, 0);
        }
        ts += step;
    }
    None
}

/// Forecasts the queue described by `spec` from its `history`.
///
/// History rows at or after the origin are ignored. Errors on invalid rows or spec and on
/// less than 3 weeks of usable history; never panics on input.
pub fn forecast(history: &[HistoryRow], spec: &ForecastSpec) -> Result<Forecast, ForecastError> {
    validate_spec(spec)?;
    let specials = special_map(spec)?;
    let (grid, origin) = Grid::build(history, spec, &specials)?;
    let overrides = resolve_overrides(spec, &grid)?;
    let spd = spec.interval.slots_per_day();
    let prepared = Prepared::fit(&grid, grid.n, spd, &spec.config, &specials)?;
    let mapper = SeasonMapper::new(spec.zone, spec.interval);
    let n = mapper.horizon_len(origin, spec.horizon_days);
    let step = spec.interval.seconds();
    let defl = &prepared.model.deflection;
    let mut per_reason = vec![(0.0, 0.0); defl.reasons()];
    let intervals = mapper
        .map_range(origin, n)
        .into_iter()
        .enumerate()
        .map(|(j, cell)| {
            let ts = origin + j as i64 * step;
            let out = prepared.interval(ts, j / (7 * spd), cell, step, &specials, &overrides);
            for (r, acc) in per_reason.iter_mut().enumerate() {
                let v = out.volume * defl.mix(r, cell);
                acc.0 += v;
                acc.1 += v * (1.0 - defl.reason_rate(r, cell, &overrides));
            }
            out
        })
        .collect();
    let by_reason = if grid.has_reasons {
        grid.reasons
            .iter()
            .zip(per_reason)
            .map(|(reason, (volume, human))| ReasonForecast {
                reason: reason.clone(),
                volume,
                human_chats: human,
                deflection_rate: if volume > 0.0 {
                    1.0 - human / volume
                } else {
                    0.0
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Forecast {
        reasons: if grid.has_reasons {
            grid.reasons.clone()
        } else {
            Vec::new()
        },
        calibration_origins: prepared.cal.origins,
        intervals,
        by_reason,
    })
}

/// A fitted model with its calibrated bounds.
pub(crate) struct Prepared {
    pub model: FittedModel,
    pub cal: Calibrations,
}

impl Prepared {
    /// Fits the model and its calibration on grid cells `[0, end)`.
    pub fn fit(
        grid: &Grid,
        end: usize,
        spd: usize,
        cfg: &ModelConfig,
        specials: &SpecialMap,
    ) -> Result<Self, ForecastError> {
        let cal = calibrate(grid, end, spd, cfg, specials)?;
        let model = FittedModel::fit(grid, end, spd, cfg)?;
        Ok(Prepared { model, cal })
    }

    /// One output interval.
    pub fn interval(
        &self,
        ts: i64,
        week: usize,
        cell: CellTime,
        step: i64,
        specials: &SpecialMap,
        overrides: &[Override],
    ) -> ForecastInterval {
        let p = self.model.point(cell, specials, overrides);
        ForecastInterval {
            start: DateTime::from_timestamp(ts, 0).unwrap_or_default(),
            volume: p.volume,
            deflection_rate: p.deflection,
            human_chats: p.human,
            aht_seconds: p.aht,
            workload_erlangs: p.human * p.aht / step as f64,
            volume_bounds: self.cal.volume.bounds(week, p.volume),
            human_bounds: self.cal.human.bounds(week, p.human),
        }
    }
}

fn spec_err<T>(msg: &str) -> Result<T, ForecastError> {
    Err(ForecastError::InvalidSpec(msg.to_string()))
}

pub(crate) fn validate_spec(spec: &ForecastSpec) -> Result<(), ForecastError> {
    let c = &spec.config;
    if !(1..=MAX_HORIZON_DAYS).contains(&spec.horizon_days) {
        return spec_err("horizon_days must be in 1..=84");
    }
    if !(1..=52).contains(&c.profile_weeks) || !(1..=104).contains(&c.deflection_trend_weeks) {
        return spec_err("profile_weeks must be in 1..=52 and deflection_trend_weeks in 1..=104");
    }
    if !(c.trim_fraction.is_finite() && (0.0..=0.45).contains(&c.trim_fraction)) {
        return spec_err("trim_fraction must be in [0, 0.45]");
    }
    if !(1..=52).contains(&c.calibration_origins)
        || !(1..=12).contains(&c.calibration_horizon_weeks)
    {
        return spec_err(
            "calibration_origins must be in 1..=52 and calibration_horizon_weeks in 1..=12",
        );
    }
    if !(c.default_aht_seconds.is_finite() && c.default_aht_seconds > 0.0) {
        return spec_err("default_aht_seconds must be positive");
    }
    if !(1..=520).contains(&c.max_history_weeks) {
        return spec_err("max_history_weeks must be in 1..=520");
    }
    for o in &spec.overrides {
        let ok = match o.change {
            DeflectionChange::Absolute(v) => v.is_finite() && (0.0..=1.0).contains(&v),
            DeflectionChange::Points(p) => p.is_finite() && (-100.0..=100.0).contains(&p),
        };
        if !ok {
            return spec_err("override must be an absolute rate in [0,1] or points in [-100,100]");
        }
    }
    Ok(())
}

fn resolve_overrides(spec: &ForecastSpec, grid: &Grid) -> Result<Vec<Override>, ForecastError> {
    spec.overrides
        .iter()
        .map(|o| {
            let reason = match &o.reason {
                None => None,
                Some(name) => {
                    Some(grid.reasons.iter().position(|r| r == name).ok_or_else(|| {
                        ForecastError::InvalidSpec(format!("override for unknown reason {name:?}"))
                    })?)
                }
            };
            Ok(Override {
                from_day: date_to_day(o.from),
                reason,
                change: o.change,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
