//! Prediction bounds calibrated on rolling-origin backtests.
//!
//! Before forecasting, the model is refitted at `calibration_origins` weekly origins inside
//! the history and asked to forecast the following `calibration_horizon_weeks` weeks. The
//! out-of-sample ratios `actual / forecast` are grouped by horizon week and by forecast
//! size (terciles: small night slots are relatively noisier than peaks), and the bounds of a
//! new forecast `f` are `f * q(2.5%) .. f * q(97.5%)` and `f * q(10%) .. f * q(90%)` of its
//! group. Groups with fewer than 50 samples fall back to all horizons of the same size
//! group. Special days and missing intervals are excluded from the samples.

use super::grid::{Grid, SpecialMap};
use super::types::{Bounds, ForecastError, ModelConfig};
use super::workload::FittedModel;

const PROBS: [f64; 4] = [0.025, 0.10, 0.90, 0.975];
/// Used only when no calibration sample exists (e.g. history of all-zero forecasts).
const FALLBACK: [f64; 4] = [0.5, 0.75, 1.3, 1.7];
const MIN_GROUP: usize = 50;

/// Out-of-sample forecast/actual pair.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sample {
    pub week: usize,
    pub forecast: f64,
    pub actual: f64,
}

/// Ratio quantiles per (horizon week, size tercile).
#[derive(Debug, Clone)]
pub(crate) struct Calibration {
    cuts: [f64; 2],
    by_week: Vec<[Option<[f64; 4]>; 3]>,
    pooled: [[f64; 4]; 3],
}

fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn quantiles(mut v: Vec<f64>) -> Option<[f64; 4]> {
    if v.is_empty() {
        return None;
    }
    // Nearest-rank quantiles via selection: calibration sets have tens of thousands of
    // samples and a full sort per forecast dominated the run time.
    let last = v.len() - 1;
    Some(PROBS.map(|p| {
        let k = ((p * last as f64).round() as usize).min(last);
        *v.select_nth_unstable_by(k, f64::total_cmp).1
    }))
}

impl Calibration {
    /// Builds the quantile tables from out-of-sample samples.
    pub fn from_samples(samples: &[Sample], weeks: usize) -> Self {
        let mut sizes: Vec<f64> = samples
            .iter()
            .filter(|s| s.forecast > 1e-9)
            .map(|s| s.forecast)
            .collect();
        sizes.sort_unstable_by(f64::total_cmp);
        let cuts = if sizes.is_empty() {
            [0.0, 0.0]
        } else {
            [quantile(&sizes, 1.0 / 3.0), quantile(&sizes, 2.0 / 3.0)]
        };
        let weeks = weeks.max(1);
        let mut groups: Vec<Vec<Vec<f64>>> = vec![vec![Vec::new(); 3]; weeks];
        for s in samples.iter().filter(|s| s.forecast > 1e-9) {
            let b = Self::bucket(cuts, s.forecast);
            groups[s.week.min(weeks - 1)][b].push(s.actual / s.forecast);
        }
        let mut pooled = [FALLBACK; 3];
        let all: Vec<f64> = groups.iter().flatten().flatten().copied().collect();
        let global = quantiles(all).unwrap_or(FALLBACK);
        for (b, p) in pooled.iter_mut().enumerate() {
            let v: Vec<f64> = groups.iter().flat_map(|g| g[b].iter().copied()).collect();
            *p = if v.len() >= MIN_GROUP {
                quantiles(v).unwrap_or(global)
            } else {
                global
            };
        }
        let by_week = groups
            .into_iter()
            .map(|g| {
                let mut out = [None; 3];
                for (b, v) in g.into_iter().enumerate() {
                    if v.len() >= MIN_GROUP {
                        out[b] = quantiles(v);
                    }
                }
                out
            })
            .collect();
        Calibration {
            cuts,
            by_week,
            pooled,
        }
    }

    fn bucket(cuts: [f64; 2], f: f64) -> usize {
        if f <= cuts[0] {
            0
        } else if f <= cuts[1] {
            1
        } else {
            2
        }
    }

    /// Bounds for a point forecast `f` at horizon week `week`.
    pub fn bounds(&self, week: usize, f: f64) -> Bounds {
        let b = Self::bucket(self.cuts, f);
        let w = week.min(self.by_week.len().saturating_sub(1));
        let q = self
            .by_week
            .get(w)
            .and_then(|g| g[b])
            .unwrap_or(self.pooled[b]);
        let f = f.max(0.0);
        Bounds {
            lo95: f * q[0].max(0.0),
            lo80: f * q[1].max(0.0),
            hi80: f * q[2].max(0.0),
            hi95: f * q[3].max(0.0),
        }
    }
}

/// Calibrated bounds for volume and human chats, fitted on grid cells `[0, end)`.
#[derive(Debug, Clone)]
pub(crate) struct Calibrations {
    pub volume: Calibration,
    pub human: Calibration,
    pub origins: usize,
}

/// Runs the internal rolling-origin backtest on `[0, end)` and builds the calibrations.
pub(crate) fn calibrate(
    grid: &Grid,
    end: usize,
    spd: usize,
    cfg: &ModelConfig,
    specials: &SpecialMap,
) -> Result<Calibrations, ForecastError> {
    let wk = 7 * spd;
    let total_weeks = end / wk;
    if total_weeks < 3 {
        return Err(ForecastError::InsufficientHistory {
            needed_weeks: 3,
            have_days: end / spd,
        });
    }
    let h = cfg.calibration_horizon_weeks.clamp(1, total_weeks - 2);
    let mut vol = Vec::new();
    let mut hum = Vec::new();
    let mut origins = 0;
    for k in 0..cfg.calibration_origins.max(1) {
        let Some(o) = end.checked_sub(h * wk + k * wk) else {
            break;
        };
        if o < 2 * wk {
            break;
        }
        let model = match FittedModel::fit(grid, o, spd, cfg) {
            Ok(m) => m,
            Err(ForecastError::InsufficientHistory { .. }) => break,
            Err(e) => return Err(e),
        };
        origins += 1;
        for i in o..(o + h * wk).min(end) {
            if !grid.usable[i] {
                continue;
            }
            let p = model.point(grid.cells[i], specials, &[]);
            let week = (i - o) / wk;
            vol.push(Sample {
                week,
                forecast: p.volume,
                actual: grid.total[i],
            });
            hum.push(Sample {
                week,
                forecast: p.human,
                actual: grid.human[i],
            });
        }
    }
    Ok(Calibrations {
        volume: Calibration::from_samples(&vol, h),
        human: Calibration::from_samples(&hum, h),
        origins,
    })
}
