//! Validation and aggregation of history rows onto a dense UTC interval grid.
//!
//! Missing intervals stay in the grid as unobserved cells, so every later step can
//! treat "no data" explicitly instead of mistaking it for zero volume.

use std::collections::HashMap;

use super::season::{date_to_day, CellTime, SeasonMapper};
use super::types::{ForecastError, ForecastSpec, HistoryRow, SpecialEffect, HISTORY_YEARS};
use chrono::{DateTime, Datelike};

/// Label used for rows without a reason when other rows have one.
pub(crate) const UNCLASSIFIED: &str = "(unclassified)";

/// Bounds memory: the grid holds two `f64` per reason and interval.
const MAX_REASONS: usize = 64;

/// Handle-time accumulators of one cell: counts and total seconds.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AhtAcc {
    pub all_n: f64,
    pub all_t: f64,
    pub esc_n: f64,
    pub esc_t: f64,
    pub dir_n: f64,
    pub dir_t: f64,
}

/// Special days keyed by local day number.
pub(crate) type SpecialMap = HashMap<i64, SpecialEffect>;

/// Validates the special days and indexes them by local day.
pub(crate) fn special_map(spec: &ForecastSpec) -> Result<SpecialMap, ForecastError> {
    let mut map = SpecialMap::new();
    for s in &spec.special_days {
        if let SpecialEffect::Multiplier(m) = s.effect {
            if !m.is_finite() || !(0.0..=1000.0).contains(&m) {
                return Err(ForecastError::InvalidSpec(format!(
                    "special day {} has invalid multiplier {m}",
                    s.date
                )));
            }
        }
        map.insert(date_to_day(s.date), s.effect);
    }
    Ok(map)
}

/// History on a dense grid `[t0, t0 + n * step)`.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    pub t0: i64,
    pub step: i64,
    pub n: usize,
    pub cells: Vec<CellTime>,
    /// Cell has data and is not on a special day: usable for training and scoring.
    pub usable: Vec<bool>,
    /// Reason names; `["(all)"]`-like single bucket when `has_reasons` is false.
    pub reasons: Vec<String>,
    pub has_reasons: bool,
    /// `[reason][cell]`.
    pub offered: Vec<Vec<f64>>,
    pub handed: Vec<Vec<f64>>,
    pub total: Vec<f64>,
    pub human: Vec<f64>,
    pub aht: Vec<AhtAcc>,
    /// Some row carried separate escalation handle times.
    pub split_aht: bool,
    /// Local days: `(local day, first cell, end cell)`.
    pub days: Vec<(i64, usize, usize)>,
    /// Usable offered volume per local day.
    pub day_sum: Vec<f64>,
    /// Day is a regular fully usable day: one cell per time-of-day slot, in order.
    pub day_full: Vec<bool>,
}

fn invalid(row: &HistoryRow, reason: &str) -> ForecastError {
    ForecastError::InvalidRow {
        start: row.start,
        reason: reason.to_string(),
    }
}

fn validate_row(row: &HistoryRow, step: i64) -> Result<(), ForecastError> {
    if row.start.timestamp().rem_euclid(step) != 0 || row.start.timestamp_subsec_nanos() != 0 {
        return Err(ForecastError::Misaligned(row.start));
    }
    if !HISTORY_YEARS.contains(&row.start.year()) {
        return Err(invalid(row, &years_message()));
    }
    let resolved = u64::from(row.ai_resolved) + u64::from(row.handed_to_human);
    if resolved + u64::from(row.abandoned) > u64::from(row.offered) {
        return Err(invalid(
            row,
            "ai_resolved + handed + abandoned exceeds offered",
        ));
    }
    for v in [row.aht_seconds, row.escalation_aht_seconds]
        .into_iter()
        .flatten()
    {
        if !v.is_finite() || !(0.0..=86_400.0).contains(&v) {
            return Err(invalid(
                row,
                "handle time must be finite and in [0, 86400] s",
            ));
        }
    }
    if row.escalations.unwrap_or(0) > row.handed_to_human {
        return Err(invalid(row, "escalations exceed handed_to_human"));
    }
    Ok(())
}

/// Resolves the forecast origin (UTC seconds) and validates it.
fn resolve_origin(last_start: Option<i64>, spec: &ForecastSpec) -> Result<i64, ForecastError> {
    let step = spec.interval.seconds();
    let origin = match spec.origin {
        Some(o) => o.timestamp(),
        None => last_start.ok_or(ForecastError::EmptyHistory)? + step,
    };
    if origin.rem_euclid(step) != 0 {
        return Err(ForecastError::InvalidSpec(
            "origin is not aligned to the interval length".into(),
        ));
    }
    // The origin may follow the last supported year's history by a day.
    let year = DateTime::from_timestamp(origin, 0).map(|t| t.year());
    if !year.is_some_and(|y| (*HISTORY_YEARS.start()..=HISTORY_YEARS.end() + 1).contains(&y)) {
        return Err(ForecastError::InvalidSpec(format!(
            "origin must lie in the years {} to {}",
            HISTORY_YEARS.start(),
            HISTORY_YEARS.end() + 1
        )));
    }
    Ok(origin)
}

/// Why a row outside [`HISTORY_YEARS`] is refused.
fn years_message() -> String {
    format!(
        "interval starts must lie in the years {} to {} (UTC)",
        HISTORY_YEARS.start(),
        HISTORY_YEARS.end()
    )
}

impl Grid {
    /// Aggregates `history` rows before the origin (and within `max_history_weeks`).
    /// Returns the grid and the origin (UTC seconds); the grid ends at the origin.
    pub fn build(
        history: &[HistoryRow],
        spec: &ForecastSpec,
        specials: &SpecialMap,
    ) -> Result<(Grid, i64), ForecastError> {
        let step = spec.interval.seconds();
        // One pass for validation, extent and reasons: the rows are large and this is
        // memory-bound on two years of 15-minute data.
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        let mut names: Vec<&str> = Vec::new();
        let mut any_none = false;
        for row in history {
            validate_row(row, step)?;
            let ts = row.start.timestamp();
            first = first.min(ts);
            last = last.max(ts);
            match row.reason.as_deref() {
                Some(r) if !names.contains(&r) => names.push(r),
                Some(_) => {}
                None => any_none = true,
            }
        }
        let origin = resolve_origin((last != i64::MIN).then_some(last), spec)?;
        let window = spec.config.max_history_weeks.clamp(1, 520) as i64 * 7 * 86_400;
        let t0 = first.max(origin - window);
        if history.is_empty() || t0 >= origin {
            return Err(ForecastError::EmptyHistory);
        }
        if names.len() > MAX_REASONS {
            return Err(ForecastError::InvalidSpec(format!(
                "at most {MAX_REASONS} contact reasons are supported"
            )));
        }
        names.sort_unstable();
        let has_reasons = !names.is_empty();
        let mut reasons: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        if !has_reasons || any_none {
            reasons.push(UNCLASSIFIED.to_string());
        }
        let n = ((origin - t0) / step) as usize;
        let nr = reasons.len();
        let mut seen = vec![false; n * nr];
        let mut offered = vec![vec![0.0; n]; nr];
        let mut handed = vec![vec![0.0; n]; nr];
        let mut aht = vec![AhtAcc::default(); n];
        let mut split_aht = false;
        let mut used = 0usize;
        let unclassified = nr - 1;
        for row in history {
            let ts = row.start.timestamp();
            if ts >= origin || ts < t0 {
                continue;
            }
            let i = ((ts - t0) / step) as usize;
            let r = match row.reason.as_deref() {
                Some(name) => names
                    .iter()
                    .position(|x| *x == name)
                    .unwrap_or(unclassified),
                None => unclassified,
            };
            let k = r * n + i;
            if seen[k] {
                return Err(ForecastError::DuplicateRow(row.start));
            }
            seen[k] = true;
            used += 1;
            offered[r][i] = f64::from(row.offered);
            let h = f64::from(row.handed_to_human);
            handed[r][i] = h;
            if let (Some(a), true) = (row.aht_seconds, h > 0.0) {
                let acc = &mut aht[i];
                acc.all_n += h;
                acc.all_t += a * h;
                if let (Some(e), Some(ea)) = (row.escalations, row.escalation_aht_seconds) {
                    let e = f64::from(e);
                    let d = h - e;
                    // Direct AHT is what remains of the total time after escalations;
                    // negative remainders come from rounding in the source data.
                    let dt = (a * h - ea * e).max(0.0);
                    acc.esc_n += e;
                    acc.esc_t += ea * e;
                    acc.dir_n += d;
                    acc.dir_t += if d > 0.0 { dt } else { 0.0 };
                    split_aht = true;
                }
            }
        }
        if used == 0 {
            return Err(ForecastError::EmptyHistory);
        }
        let cells = SeasonMapper::new(spec.zone, spec.interval).map_range(t0, n);
        let mut usable = vec![false; n];
        for (i, u) in usable.iter_mut().enumerate() {
            let any = (0..nr).any(|r| seen[r * n + i]);
            *u = any && !specials.contains_key(&cells[i].local_day);
        }
        let total: Vec<f64> = (0..n)
            .map(|i| (0..nr).map(|r| offered[r][i]).sum())
            .collect();
        let human: Vec<f64> = (0..n)
            .map(|i| (0..nr).map(|r| handed[r][i]).sum())
            .collect();
        let spd = spec.interval.slots_per_day();
        let mut days = Vec::new();
        let mut start = 0;
        for i in 1..=n {
            if i == n || cells[i].local_day != cells[start].local_day {
                days.push((cells[start].local_day, start, i));
                start = i;
            }
        }
        let day_sum = days
            .iter()
            .map(|&(_, a, b)| (a..b).filter(|&i| usable[i]).map(|i| total[i]).sum())
            .collect();
        let day_full = days
            .iter()
            .map(|&(_, a, b)| {
                b - a == spd
                    && (cells[a].sow as usize).is_multiple_of(spd)
                    && cells[b - 1].sow as usize % spd == spd - 1
                    && usable[a..b].iter().all(|u| *u)
            })
            .collect();
        let grid = Grid {
            t0,
            step,
            n,
            cells,
            usable,
            reasons,
            has_reasons,
            offered,
            handed,
            total,
            human,
            aht,
            split_aht,
            days,
            day_sum,
            day_full,
        };
        Ok((grid, origin))
    }
}
