//! Handle time and the combined point forecast (volume -> human chats -> Erlangs).
//!
//! **Handle time.** Escalated chats (the AI tried, then handed over) arrive with context
//! already gathered but are usually harder, so their AHT differs from direct
//! "talk to a human" chats. When rows carry `escalations` and `escalation_aht_seconds`,
//! the direct AHT of a row is recovered from the total handle time,
//! `(aht * handed - escalation_aht * escalations) / (handed - escalations)`, and three
//! interval-of-week profiles are estimated over the last `profile_weeks`: escalation AHT,
//! direct AHT and the escalation share of human chats. The forecast AHT is their mix.
//! When the history has only one AHT, a single handle-time-weighted interval-of-week
//! profile is used. Each slot is shrunk towards the window mean with a prior weight of
//! 30 chats, so sparse night slots do not produce wild AHTs. Handle time has no trend.

use super::deflection::{DeflectionModel, Override};
use super::grid::{Grid, SpecialMap};
use super::season::CellTime;
use super::types::{ForecastError, ModelConfig, SpecialEffect};
use super::volume::VolumeModel;

const PRIOR_CHATS: f64 = 30.0;

fn shrunk(n: f64, t: f64, prior_mean: f64) -> f64 {
    (t + PRIOR_CHATS * prior_mean) / (n + PRIOR_CHATS)
}

/// Interval-of-week handle-time profile.
#[derive(Debug, Clone)]
pub(crate) struct AhtModel {
    aht: Vec<f64>,
}

impl AhtModel {
    /// Fits on grid cells `[0, end)` (`end > 0`).
    pub fn fit(grid: &Grid, end: usize, spd: usize, cfg: &ModelConfig) -> Self {
        let spw = 7 * spd;
        let last_day = grid.cells[end - 1].local_day;
        let start_day = last_day - 7 * cfg.profile_weeks.max(1) as i64 + 1;
        let first = grid.cells[..end].partition_point(|c| c.local_day < start_day);
        let mut acc = vec![super::grid::AhtAcc::default(); spw];
        let mut tot = super::grid::AhtAcc::default();
        for i in first..end {
            if !grid.usable[i] {
                continue;
            }
            let a = grid.aht[i];
            for x in [&mut acc[grid.cells[i].sow as usize], &mut tot] {
                x.all_n += a.all_n;
                x.all_t += a.all_t;
                x.esc_n += a.esc_n;
                x.esc_t += a.esc_t;
                x.dir_n += a.dir_n;
                x.dir_t += a.dir_t;
            }
        }
        let default = if cfg.default_aht_seconds.is_finite() && cfg.default_aht_seconds > 0.0 {
            cfg.default_aht_seconds
        } else {
            600.0
        };
        let mean = |n: f64, t: f64| if n > 0.0 { t / n } else { default };
        let split = grid.split_aht && tot.esc_n + tot.dir_n > 0.0;
        let aht = acc
            .iter()
            .map(|a| {
                if split {
                    let esc = shrunk(a.esc_n, a.esc_t, mean(tot.esc_n, tot.esc_t));
                    let dir = shrunk(a.dir_n, a.dir_t, mean(tot.dir_n, tot.dir_t));
                    let share_all = tot.esc_n / (tot.esc_n + tot.dir_n);
                    let share =
                        (a.esc_n + PRIOR_CHATS * share_all) / (a.esc_n + a.dir_n + PRIOR_CHATS);
                    share * esc + (1.0 - share) * dir
                } else {
                    shrunk(a.all_n, a.all_t, mean(tot.all_n, tot.all_t))
                }
            })
            .collect();
        AhtModel { aht }
    }

    /// Expected AHT (seconds) for an interval.
    pub fn predict(&self, cell: CellTime) -> f64 {
        self.aht[cell.sow as usize]
    }
}

/// Point forecast of one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Point {
    pub volume: f64,
    pub human: f64,
    pub deflection: f64,
    pub aht: f64,
}

/// Volume, deflection and handle-time models fitted on the same history prefix.
#[derive(Debug, Clone)]
pub(crate) struct FittedModel {
    volume: VolumeModel,
    pub deflection: DeflectionModel,
    aht: AhtModel,
}

impl FittedModel {
    /// Fits all parts on grid cells `[0, end)`.
    pub fn fit(
        grid: &Grid,
        end: usize,
        spd: usize,
        cfg: &ModelConfig,
    ) -> Result<Self, ForecastError> {
        let volume = VolumeModel::fit(grid, end, spd, cfg)?;
        Ok(FittedModel {
            volume,
            deflection: DeflectionModel::fit(grid, end, spd, cfg),
            aht: AhtModel::fit(grid, end, spd, cfg),
        })
    }

    /// Point forecast with special-day effects and overrides applied.
    pub fn point(&self, cell: CellTime, specials: &SpecialMap, overrides: &[Override]) -> Point {
        let factor = match specials.get(&cell.local_day) {
            Some(SpecialEffect::Closed) => 0.0,
            Some(SpecialEffect::Multiplier(m)) => *m,
            None => 1.0,
        };
        let volume = self.volume.predict(cell) * factor;
        let share = self.deflection.human_share(cell, overrides);
        Point {
            volume,
            human: volume * share,
            deflection: 1.0 - share,
            aht: self.aht.predict(cell),
        }
    }
}
