//! Rolling-origin backtest against a seasonal-naive baseline.
//!
//! Origins are placed every `step_days` over the last `weeks` weeks of history so that
//! each forecast's whole `horizon_weeks` lies inside the history. At each origin the full
//! pipeline (including the nested calibration of the bounds, using only data before the
//! origin) is refitted, so the reported coverage is honestly out of sample.
//!
//! The baseline repeats the last observed week before the origin at the same *local*
//! wall-clock time. Scored intervals: actual usable (observed, not a special day) and the
//! naive value available, so both methods are scored on exactly the same intervals.
//! MASE divides by the in-sample MAE of the one-week seasonal naive on the data before
//! the first origin.

use serde::{Deserialize, Serialize};

use super::grid::{special_map, Grid};
use super::season::SeasonMapper;
use super::types::{ForecastError, ForecastSpec, HistoryRow};
use super::{validate_spec, Prepared};

/// Longest evaluation period of a backtest, in weeks.
pub const MAX_BACKTEST_WEEKS: usize = 104;
/// Longest horizon of a backtest's origins, in weeks.
pub const MAX_BACKTEST_HORIZON_WEEKS: usize = 12;

/// Backtest settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestSpec {
    /// Evaluation period: the last `weeks` weeks of history.
    pub weeks: usize,
    /// Forecast horizon of each origin, in weeks (1..=12, at most `weeks`).
    pub horizon_weeks: usize,
    /// Days between origins.
    pub step_days: usize,
}

impl Default for BacktestSpec {
    fn default() -> Self {
        BacktestSpec {
            weeks: 12,
            horizon_weeks: 6,
            step_days: 7,
        }
    }
}

/// Accuracy of one method on one series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesMetrics {
    /// Weighted absolute percentage error: `sum |a - f| / sum a`.
    pub wape: f64,
    /// Mean absolute scaled error (scale: in-sample weekly seasonal-naive MAE).
    pub mase: f64,
    /// Share of actuals inside the 80% bounds (model only).
    pub coverage80: Option<f64>,
    /// Share of actuals inside the 95% bounds (model only).
    pub coverage95: Option<f64>,
}

/// Model versus seasonal naive on one series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The model.
    pub model: SeriesMetrics,
    /// Seasonal naive (same local interval, last observed week).
    pub naive: SeriesMetrics,
    /// Relative WAPE improvement `1 - model WAPE / naive WAPE` (0.2 = 20% lower error).
    pub wape_improvement: f64,
    /// MASE denominator: in-sample one-week seasonal-naive MAE.
    pub mase_scale: f64,
}

/// Backtest result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestReport {
    /// Number of forecast origins.
    pub origins: usize,
    /// Number of scored intervals (over all origins).
    pub scored_intervals: usize,
    /// Offered volume.
    pub volume: Comparison,
    /// Chats reaching a human.
    pub human: Comparison,
}

#[derive(Default)]
struct Acc {
    abs_model: f64,
    abs_naive: f64,
    actual: f64,
    in80: usize,
    in95: usize,
    n: usize,
}

impl Acc {
    fn add(&mut self, a: f64, f: f64, naive: f64, b: super::types::Bounds) {
        self.abs_model += (a - f).abs();
        self.abs_naive += (a - naive).abs();
        self.actual += a;
        self.in80 += usize::from(a >= b.lo80 - 1e-9 && a <= b.hi80 + 1e-9);
        self.in95 += usize::from(a >= b.lo95 - 1e-9 && a <= b.hi95 + 1e-9);
        self.n += 1;
    }

    fn finish(&self, scale: f64) -> Comparison {
        let n = self.n.max(1) as f64;
        let wape = |e: f64| {
            if self.actual > 0.0 {
                e / self.actual
            } else {
                f64::NAN
            }
        };
        let mase = |e: f64| if scale > 0.0 { e / n / scale } else { f64::NAN };
        let model = SeriesMetrics {
            wape: wape(self.abs_model),
            mase: mase(self.abs_model),
            coverage80: Some(self.in80 as f64 / n),
            coverage95: Some(self.in95 as f64 / n),
        };
        let naive = SeriesMetrics {
            wape: wape(self.abs_naive),
            mase: mase(self.abs_naive),
            coverage80: None,
            coverage95: None,
        };
        Comparison {
            model,
            naive,
            wape_improvement: 1.0 - model.wape / naive.wape,
            mase_scale: scale,
        }
    }
}

/// Runs the rolling-origin backtest. `spec.origin` (or the end of history) ends the
/// evaluation period; overrides in `spec` are ignored, special days are honoured.
pub fn backtest(
    history: &[HistoryRow],
    spec: &ForecastSpec,
    bt: &BacktestSpec,
) -> Result<BacktestReport, ForecastError> {
    validate_spec(spec)?;
    if !(1..=MAX_BACKTEST_HORIZON_WEEKS).contains(&bt.horizon_weeks)
        || !(bt.horizon_weeks..=MAX_BACKTEST_WEEKS).contains(&bt.weeks)
    {
        return Err(ForecastError::InvalidSpec(format!(
            "backtest needs 1 <= horizon_weeks <= {MAX_BACKTEST_HORIZON_WEEKS} and \
             horizon_weeks <= weeks <= {MAX_BACKTEST_WEEKS}"
        )));
    }
    if !(1..=364).contains(&bt.step_days) {
        return Err(ForecastError::InvalidSpec(
            "step_days must be in 1..=364".into(),
        ));
    }
    let specials = special_map(spec)?;
    let (grid, _) = Grid::build(history, spec, &specials)?;
    let spd = spec.interval.slots_per_day();
    let wk = 7 * spd;
    let horizon = bt.horizon_weeks * wk;
    let first_origin = grid
        .n
        .checked_sub(bt.weeks * wk)
        .filter(|o| *o >= 3 * wk)
        .ok_or(ForecastError::InsufficientHistory {
            needed_weeks: bt.weeks + 3,
            have_days: grid.n / spd,
        })?;
    let mapper = SeasonMapper::new(spec.zone, spec.interval);
    // Grid index of the same local time one week earlier.
    let week_ago: Vec<Option<usize>> = (0..grid.n)
        .map(|i| {
            let ts = grid.t0 + i as i64 * grid.step;
            let prev = mapper.same_local_time_last_week(ts)?;
            let j = (prev - grid.t0).div_euclid(grid.step);
            usize::try_from(j).ok().filter(|j| *j < i)
        })
        .collect();
    let scale = |series: &[f64]| {
        let (mut s, mut n) = (0.0, 0usize);
        for i in 0..first_origin {
            if let Some(j) = week_ago[i].filter(|j| grid.usable[i] && grid.usable[*j]) {
                s += (series[i] - series[j]).abs();
                n += 1;
            }
        }
        if n > 0 {
            s / n as f64
        } else {
            f64::NAN
        }
    };
    let (scale_vol, scale_hum) = (scale(&grid.total), scale(&grid.human));
    let (mut vol, mut hum) = (Acc::default(), Acc::default());
    let mut origins = 0;
    let mut o = first_origin;
    while o + horizon <= grid.n {
        let prepared = Prepared::fit(&grid, o, spd, &spec.config, &specials)?;
        origins += 1;
        for i in o..o + horizon {
            // Walk back whole local weeks until the naive source is known at the origin.
            let mut src = week_ago[i];
            while let Some(j) = src.filter(|j| *j >= o) {
                src = week_ago[j];
            }
            let Some(j) = src.filter(|j| grid.usable[*j]) else {
                continue;
            };
            if !grid.usable[i] {
                continue;
            }
            let ts = grid.t0 + i as i64 * grid.step;
            let f = prepared.interval(ts, (i - o) / wk, grid.cells[i], grid.step, &specials, &[]);
            vol.add(grid.total[i], f.volume, grid.total[j], f.volume_bounds);
            hum.add(grid.human[i], f.human_chats, grid.human[j], f.human_bounds);
        }
        o += bt.step_days * spd;
    }
    Ok(BacktestReport {
        origins,
        scored_intervals: vol.n,
        volume: vol.finish(scale_vol),
        human: hum.finish(scale_hum),
    })
}
