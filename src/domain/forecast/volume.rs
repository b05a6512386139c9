//! Volume model: multiplicative decomposition in local time.
//!
//! `volume(interval) = level(local day) * weekday factor * intraday shape(weekday, slot)`
//!
//! * **Intraday shape** per weekday: trimmed mean, over the last `profile_weeks` complete
//!   days of that weekday, of each slot's share of the day, lightly smoothed across
//!   neighbouring slots, renormalised to sum to 1. Shares (not counts) make it
//!   independent of the level; trimming makes it robust to spikes.
//! * **Weekday factors**: trimmed mean of `day total / week mean` over the same weeks.
//! * **Level and trend**: a damped-trend Holt filter on the deseasonalised daily totals of
//!   the whole history, with Huber-clipped innovations (robust Holt, Gelper et al. 2010),
//!   so a single unmarked outlier day moves the level by at most `alpha * 2.5 sigma`.
//!   Parameters are picked from a small grid by the one-week-ahead error, which is what
//!   the multi-week forecast actually depends on.
//!
//! Daily totals are coverage-corrected (`observed volume / sum of the shape over the
//! observed slots`), which handles missing intervals, partial days at the origin and
//! 23/25-hour days with the same formula. Why not double-seasonal Holt-Winters: with
//! 672 seasonal states updated once a week, it needs long histories to settle and a
//! single outlier stays in a seasonal state for a whole smoothing cycle, while the
//! decomposition keeps the noisy part (the shape) robust and the adaptive part (the
//! level) low-dimensional. Yearly seasonality is not modelled; use special days.

use super::grid::Grid;
use super::season::CellTime;
use super::types::{ForecastError, ModelConfig};

/// Local days of a grid prefix: `(local day, first cell, end cell)` and whether the
/// day is a precomputed full regular day.
pub(crate) fn day_spans(grid: &Grid, end: usize) -> Vec<((i64, usize, usize), bool)> {
    let k = grid.days.partition_point(|d| d.2 <= end);
    let mut spans: Vec<_> = grid.days[..k]
        .iter()
        .copied()
        .zip(grid.day_full[..k].iter().copied())
        .collect();
    if let Some(&(day, a, _)) = grid.days.get(k).filter(|d| d.1 < end) {
        spans.push(((day, a, end), false));
    }
    spans
}

/// Mean after dropping `trim` of the values from each end; `None` if empty.
pub(crate) fn trimmed_mean(values: &mut [f64], trim: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let k = ((values.len() as f64) * trim.clamp(0.0, 0.45)).floor() as usize;
    let kept = &values[k..values.len() - k];
    Some(kept.iter().sum::<f64>() / kept.len() as f64)
}

/// Fitted volume model.
#[derive(Debug, Clone)]
pub(crate) struct VolumeModel {
    spd: usize,
    shape: Vec<f64>,
    dow: [f64; 7],
    last_day: i64,
    level: f64,
    trend: f64,
    phi: f64,
}

impl VolumeModel {
    /// Fits on grid cells `[0, end)`.
    pub fn fit(
        grid: &Grid,
        end: usize,
        spd: usize,
        cfg: &ModelConfig,
    ) -> Result<Self, ForecastError> {
        let spans_full = day_spans(grid, end);
        let spans: Vec<(i64, usize, usize)> = spans_full.iter().map(|s| s.0).collect();
        let last_day = spans
            .last()
            .map(|s| s.0)
            .ok_or(ForecastError::EmptyHistory)?;
        let window_start = last_day - 7 * cfg.profile_weeks.max(1) as i64 + 1;
        let shape = fit_shape(grid, &spans, window_start, spd, cfg);
        let totals: Vec<Option<f64>> = spans_full
            .iter()
            .enumerate()
            .map(|(j, &((_, a, b), full))| {
                // A full regular day covers each slot once and the shape sums to 1 per day.
                if full {
                    return Some(grid.day_sum[j]);
                }
                let (mut x, mut cov) = (0.0, 0.0);
                for i in a..b {
                    if grid.usable[i] {
                        x += grid.total[i];
                        cov += shape[grid.cells[i].sow as usize];
                    }
                }
                (cov >= 0.5).then(|| x / cov)
            })
            .collect();
        let dow = fit_dow(&spans, &totals, window_start, cfg.trim_fraction);
        let series: Vec<Option<f64>> = spans
            .iter()
            .zip(&totals)
            .map(|(&(day, _, _), t)| {
                let f = dow[((day + 3).rem_euclid(7)) as usize];
                t.and_then(|t| (f > 1e-9).then(|| t / f))
            })
            .collect();
        let valid = series.iter().flatten().count();
        if valid < 7 {
            return Err(ForecastError::InsufficientHistory {
                needed_weeks: 3,
                have_days: valid,
            });
        }
        let (level, trend, phi) = fit_holt(&series);
        Ok(VolumeModel {
            spd,
            shape,
            dow,
            last_day,
            level,
            trend,
            phi,
        })
    }

    /// Deseasonalised daily level forecast for a local day after the training data.
    fn day_level(&self, day: i64) -> f64 {
        let h = (day - self.last_day).max(0) as i32;
        let damp = if (self.phi - 1.0).abs() < 1e-12 {
            f64::from(h)
        } else {
            self.phi * (1.0 - self.phi.powi(h)) / (1.0 - self.phi)
        };
        (self.level + self.trend * damp).max(0.0)
    }

    /// Point forecast for one interval (before special-day effects).
    pub fn predict(&self, cell: CellTime) -> f64 {
        let v = self.day_level(cell.local_day)
            * self.dow[cell.dow(self.spd)]
            * self.shape[cell.sow as usize];
        if v.is_finite() {
            v.max(0.0)
        } else {
            0.0
        }
    }
}

fn fit_shape(
    grid: &Grid,
    spans: &[(i64, usize, usize)],
    window_start: i64,
    spd: usize,
    cfg: &ModelConfig,
) -> Vec<f64> {
    let spw = 7 * spd;
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); spw];
    for &(day, a, b) in spans.iter().filter(|s| s.0 >= window_start) {
        let _ = day;
        let complete = (grid.cells[a].sow as usize).is_multiple_of(spd)
            && grid.cells[b - 1].sow as usize % spd == spd - 1
            && (a..b).all(|i| grid.usable[i]);
        let sum: f64 = grid.total[a..b].iter().sum();
        if !complete || sum <= 0.0 {
            continue;
        }
        for i in a..b {
            ratios[grid.cells[i].sow as usize].push(grid.total[i] / sum);
        }
    }
    let mut shape: Vec<Option<f64>> = ratios
        .iter_mut()
        .map(|v| trimmed_mean(v, cfg.trim_fraction))
        .collect();
    // A weekday with no complete day borrows the mean shape of the other weekdays.
    for slot in 0..spd {
        let known: Vec<f64> = (0..7).filter_map(|d| shape[d * spd + slot]).collect();
        let fill = if known.is_empty() {
            1.0 / spd as f64
        } else {
            known.iter().sum::<f64>() / known.len() as f64
        };
        for d in 0..7 {
            shape[d * spd + slot].get_or_insert(fill);
        }
    }
    let mut out: Vec<f64> = shape.into_iter().map(|v| v.unwrap_or(0.0)).collect();
    for d in 0..7 {
        let day = &mut out[d * spd..(d + 1) * spd];
        if cfg.smooth_shape && spd > 2 {
            let raw = day.to_vec();
            for s in 0..spd {
                let (l, r) = (s.saturating_sub(1), (s + 1).min(spd - 1));
                day[s] = (raw[l] + 2.0 * raw[s] + raw[r]) / 4.0;
            }
        }
        let sum: f64 = day.iter().sum();
        for v in day.iter_mut() {
            *v = if sum > 0.0 {
                *v / sum
            } else {
                1.0 / spd as f64
            };
        }
    }
    out
}

fn fit_dow(
    spans: &[(i64, usize, usize)],
    totals: &[Option<f64>],
    window_start: i64,
    trim: f64,
) -> [f64; 7] {
    let mut f = [1.0; 7];
    for _pass in 0..2 {
        let mut ratios: [Vec<f64>; 7] = Default::default();
        let mut week: Vec<(usize, f64)> = Vec::with_capacity(7);
        let mut flush = |week: &mut Vec<(usize, f64)>, f: &[f64; 7]| {
            if week.len() >= 5 {
                let adj: Vec<f64> = week
                    .iter()
                    .filter(|(d, _)| f[*d] > 1e-9)
                    .map(|(d, t)| t / f[*d])
                    .collect();
                let mean = adj.iter().sum::<f64>() / adj.len().max(1) as f64;
                if mean > 0.0 {
                    for &(d, t) in week.iter() {
                        ratios[d].push(t / mean);
                    }
                }
            }
            week.clear();
        };
        let mut current_week = i64::MIN;
        for (&(day, _, _), t) in spans.iter().zip(totals) {
            if day < window_start {
                continue;
            }
            let wk = (day + 3).div_euclid(7);
            if wk != current_week {
                flush(&mut week, &f);
                current_week = wk;
            }
            if let Some(t) = t {
                week.push((((day + 3).rem_euclid(7)) as usize, *t));
            }
        }
        flush(&mut week, &f);
        let mut next = [1.0; 7];
        for d in 0..7 {
            next[d] = trimmed_mean(&mut ratios[d], trim).unwrap_or(f[d]);
        }
        let mean = next.iter().sum::<f64>() / 7.0;
        if mean > 0.0 {
            f = next.map(|v| v / mean);
        }
    }
    f
}

/// Runs the robust damped Holt filter; returns final `(level, trend)` and the loss.
fn run_holt(series: &[Option<f64>], alpha: f64, beta: f64, phi: f64) -> (f64, f64, f64) {
    let mut first: Vec<f64> = series.iter().flatten().take(7).copied().collect();
    first.sort_unstable_by(f64::total_cmp);
    let mut l = first.get(first.len() / 2).copied().unwrap_or(0.0);
    let mut b = 0.0;
    let mut sigma = (0.05 * l.abs()).max(1e-6);
    const H: usize = 7;
    let damp_h: f64 = (1..=H as i32).map(|i| phi.powi(i)).sum();
    let mut ring = [f64::NAN; H];
    let mut loss = 0.0;
    for (t, y) in series.iter().enumerate() {
        let pred = l + phi * b;
        let slot = t % H;
        if let Some(y) = *y {
            let e = y - pred;
            let clip = 2.5 * sigma;
            let ec = e.clamp(-clip, clip);
            sigma = (0.95 * sigma * sigma + 0.05 * ec * ec)
                .sqrt()
                .max(1e-3 * l.abs() + 1e-9);
            if ring[slot].is_finite() && t >= 28 {
                loss += (y - ring[slot]).abs().min(4.0 * sigma);
            }
            let nl = pred + alpha * ec;
            b = phi * b + beta * (nl - l - phi * b);
            l = nl;
        } else {
            l = pred;
            b *= phi;
        }
        ring[slot] = l + damp_h * b;
    }
    (l, b, loss)
}

fn fit_holt(series: &[Option<f64>]) -> (f64, f64, f64) {
    let start = series.iter().position(|v| v.is_some()).unwrap_or(0);
    let series = &series[start..];
    let mut best = (f64::INFINITY, 0.0, 0.0, 0.98);
    for &alpha in &[0.03, 0.07, 0.15, 0.3, 0.5] {
        for &beta in &[0.0, 0.02, 0.1] {
            for &phi in &[0.9, 0.98] {
                let (l, b, loss) = run_holt(series, alpha, beta, phi);
                if loss < best.0 {
                    best = (loss, l, b, phi);
                }
            }
        }
    }
    (best.1, best.2, best.3)
}
