//! Deflection (AI containment) model, per contact reason.
//!
//! The deflection rate of a reason is the share of its offered chats that never reach a
//! human (`1 - handed_to_human / offered`): AI resolutions and abandonments inside the
//! assistant both cost no agent time.
//!
//! `rate_r(interval) = clamp(a_r + b_r * days_ahead + offset_r(interval of week), 0, 1)`
//!
//! * `offset_r`: interval-of-week deviation from the reason's mean rate over the last
//!   `profile_weeks`, shrunk towards 0 when a slot has few chats (`n / (n + 30)`).
//! * `a_r + b_r * t`: volume-weighted least-squares line through the *daily* rates of the
//!   last `deflection_trend_weeks`, after removing each day's expected offsets so the
//!   weekday mix does not masquerade as trend.
//! * Reason mix: each reason's share of offered chats per interval of week over the
//!   profile weeks, shrunk towards its overall share (no trend in the mix).
//!
//! Human share of an interval = `sum_r mix_r * (1 - rate_r)`; the aggregate deflection
//! rate reported is `1 - human share`. Scenario overrides act on `rate_r` from a local
//! date on, before mixing.

use super::grid::Grid;
use super::season::CellTime;
use super::types::{DeflectionChange, ModelConfig};

/// A validated override: first local day, reason index (`None` = all), change.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Override {
    pub from_day: i64,
    pub reason: Option<usize>,
    pub change: DeflectionChange,
}

/// Fitted deflection model.
#[derive(Debug, Clone)]
pub(crate) struct DeflectionModel {
    mix: Vec<Vec<f64>>,
    offset: Vec<Vec<f64>>,
    intercept: Vec<f64>,
    slope: Vec<f64>,
    last_day: i64,
}

fn ratio_or(num: f64, den: f64, fallback: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        fallback
    }
}

impl DeflectionModel {
    /// Fits on grid cells `[0, end)` (`end > 0`).
    pub fn fit(grid: &Grid, end: usize, spd: usize, cfg: &ModelConfig) -> Self {
        let nr = grid.reasons.len();
        let spw = 7 * spd;
        let last_day = grid.cells[end - 1].local_day;
        let prof_start = last_day - 7 * cfg.profile_weeks.max(1) as i64 + 1;
        let trend_start = last_day - 7 * cfg.deflection_trend_weeks.max(1) as i64 + 1;
        let first =
            grid.cells[..end].partition_point(|c| c.local_day < prof_start.min(trend_start));

        let mut o_rw = vec![vec![0.0; spw]; nr];
        let mut h_rw = vec![vec![0.0; spw]; nr];
        for i in first..end {
            let c = grid.cells[i];
            if !grid.usable[i] || c.local_day < prof_start {
                continue;
            }
            for r in 0..nr {
                o_rw[r][c.sow as usize] += grid.offered[r][i];
                h_rw[r][c.sow as usize] += grid.handed[r][i];
            }
        }
        let o_r: Vec<f64> = o_rw.iter().map(|v| v.iter().sum()).collect();
        let h_r: Vec<f64> = h_rw.iter().map(|v| v.iter().sum()).collect();
        let o_all: f64 = o_r.iter().sum();
        let c_all = 1.0 - ratio_or(h_r.iter().sum(), o_all, 1.0);
        let mut mix = vec![vec![0.0; spw]; nr];
        let mut offset = vec![vec![0.0; spw]; nr];
        for r in 0..nr {
            let share = ratio_or(o_r[r], o_all, 1.0 / nr as f64);
            let c_r = 1.0 - ratio_or(h_r[r], o_r[r], 1.0 - c_all);
            for w in 0..spw {
                let o_w: f64 = (0..nr).map(|q| o_rw[q][w]).sum();
                mix[r][w] = (o_rw[r][w] + 10.0 * share) / (o_w + 10.0);
                let n = o_rw[r][w];
                if n > 0.0 {
                    let raw = (1.0 - h_rw[r][w] / n) - c_r;
                    offset[r][w] = raw * n / (n + 30.0);
                }
            }
        }

        // Daily offset-adjusted rates, regressed on day index per reason.
        let mut intercept = vec![c_all; nr];
        let mut slope = vec![0.0; nr];
        for r in 0..nr {
            let mut days: Vec<(f64, f64, f64)> = Vec::new(); // (x, rate, weight)
            let (mut cur, mut o, mut h, mut e) = (i64::MIN, 0.0, 0.0, 0.0);
            let mut push = |cur: i64, o: f64, h: f64, e: f64| {
                if cur != i64::MIN && o > 0.0 {
                    days.push(((cur - last_day) as f64, (1.0 - h / o) - e / o, o));
                }
            };
            for i in first..end {
                let c = grid.cells[i];
                if c.local_day < trend_start || !grid.usable[i] {
                    continue;
                }
                if c.local_day != cur {
                    push(cur, o, h, e);
                    (cur, o, h, e) = (c.local_day, 0.0, 0.0, 0.0);
                }
                let oi = grid.offered[r][i];
                o += oi;
                h += grid.handed[r][i];
                e += oi * offset[r][c.sow as usize];
            }
            push(cur, o, h, e);
            let (a, b) = weighted_line(&days, 1.0 - ratio_or(h_r[r], o_r[r], 1.0 - c_all));
            intercept[r] = a;
            slope[r] = b;
        }
        DeflectionModel {
            mix,
            offset,
            intercept,
            slope,
            last_day,
        }
    }

    /// Deflection rate of reason `r` for an interval, overrides applied.
    pub fn reason_rate(&self, r: usize, cell: CellTime, overrides: &[Override]) -> f64 {
        let t = (cell.local_day - self.last_day) as f64;
        let mut rate = (self.intercept[r] + self.slope[r] * t + self.offset[r][cell.sow as usize])
            .clamp(0.0, 1.0);
        for o in overrides {
            if cell.local_day >= o.from_day && o.reason.is_none_or(|q| q == r) {
                rate = match o.change {
                    DeflectionChange::Absolute(v) => v,
                    DeflectionChange::Points(p) => rate + p / 100.0,
                }
                .clamp(0.0, 1.0);
            }
        }
        if rate.is_finite() {
            rate
        } else {
            0.0
        }
    }

    /// Number of reason buckets.
    pub fn reasons(&self) -> usize {
        self.mix.len()
    }

    /// Forecast share of reason `r` in the offered chats of an interval.
    pub fn mix(&self, r: usize, cell: CellTime) -> f64 {
        self.mix[r][cell.sow as usize]
    }

    /// Share of offered chats reaching a human, in `[0, 1]`.
    pub fn human_share(&self, cell: CellTime, overrides: &[Override]) -> f64 {
        let share: f64 = (0..self.mix.len())
            .map(|r| self.mix[r][cell.sow as usize] * (1.0 - self.reason_rate(r, cell, overrides)))
            .sum();
        share.clamp(0.0, 1.0)
    }
}

/// Weighted least-squares line `y = a + b x`; flat at the weighted mean (or `fallback`)
/// when the x-spread is degenerate.
fn weighted_line(points: &[(f64, f64, f64)], fallback: f64) -> (f64, f64) {
    let sw: f64 = points.iter().map(|p| p.2).sum();
    if sw <= 0.0 {
        return (fallback, 0.0);
    }
    let mx = points.iter().map(|p| p.0 * p.2).sum::<f64>() / sw;
    let my = points.iter().map(|p| p.1 * p.2).sum::<f64>() / sw;
    let sxx: f64 = points.iter().map(|p| p.2 * (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| p.2 * (p.0 - mx) * (p.1 - my)).sum();
    if points.len() < 7 || sxx <= 1e-9 {
        return (my, 0.0);
    }
    let b = sxy / sxx;
    (my - b * mx, b)
}
