//! Seeded synthetic chat history for demos, tests and benchmarks.
//!
//! Generated in local wall-clock time (so DST behaves like a real queue): two weekday
//! peaks (late morning, mid afternoon) plus an evening bump, a flatter weekend shape,
//! weekday factors, compound yearly growth, ~4% day-level noise and Poisson interval
//! noise. The deflection rate rises linearly (default 65% -> 75%); two contact reasons
//! have different containment (`order_status` +7 pts, `billing` -10.5 pts, mix 60/40 so
//! the blend follows the nominal rate). Human chats split into escalations (55%) and
//! direct requests with different AHTs. A low-volume holiday (x0.3) falls roughly every
//! half year and is returned as a special day. Same seed, same output.

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::Tz;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::season::{date_to_day, SeasonMapper};
use super::types::{ForecastError, HistoryRow, IntervalLength, SpecialDay, SpecialEffect};

/// Generator settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticSpec {
    /// Queue zone.
    pub zone: Tz,
    /// Interval length.
    pub interval: IntervalLength,
    /// First local date of the history.
    pub start: NaiveDate,
    /// Length of the history in weeks (1..=110).
    pub weeks: usize,
    /// RNG seed.
    pub seed: u64,
    /// Average offered chats per day at the start.
    pub base_daily_volume: f64,
    /// Compound yearly volume growth (0.15 = +15% per year).
    pub annual_growth: f64,
    /// Deflection rate at the start and at the end of the history.
    pub deflection: (f64, f64),
}

impl SyntheticSpec {
    /// Defaults: 3000 chats/day, +15%/year, deflection 65% -> 75%.
    pub fn new(
        zone: Tz,
        interval: IntervalLength,
        start: NaiveDate,
        weeks: usize,
        seed: u64,
    ) -> Self {
        SyntheticSpec {
            zone,
            interval,
            start,
            weeks,
            seed,
            base_daily_volume: 3000.0,
            annual_growth: 0.15,
            deflection: (0.65, 0.75),
        }
    }
}

/// Generated history plus the holidays it contains.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticHistory {
    /// Rows, one per interval and reason, in time order.
    pub rows: Vec<HistoryRow>,
    /// Holidays injected into the history.
    pub special_days: Vec<SpecialDay>,
}

const REASONS: [(&str, f64, f64, f64); 2] = [
    // (name, share of volume, containment offset, extra AHT seconds)
    ("billing", 0.4, -0.105, 60.0),
    ("order_status", 0.6, 0.07, 0.0),
];
const DOW: [f64; 7] = [1.15, 1.1, 1.05, 1.0, 0.95, 0.45, 0.4];

fn gauss(x: f64, mu: f64, sd: f64) -> f64 {
    (-0.5 * ((x - mu) / sd).powi(2)).exp()
}

fn intraday(hour: f64, weekend: bool) -> f64 {
    if weekend {
        0.08 + gauss(hour, 13.0, 3.0) + 0.4 * gauss(hour, 20.0, 1.5)
    } else {
        0.05 + gauss(hour, 10.5, 1.5) + 0.85 * gauss(hour, 14.5, 1.7) + 0.4 * gauss(hour, 20.5, 1.3)
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.gen::<f64>().max(1e-300);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> u32 {
    if lambda <= 0.0 {
        return 0;
    }
    if lambda < 30.0 {
        let limit = (-lambda).exp();
        let (mut k, mut p) = (0u32, 1.0);
        loop {
            p *= rng.gen::<f64>();
            if p < limit {
                return k;
            }
            k += 1;
        }
    }
    (lambda + lambda.sqrt() * normal(rng)).round().max(0.0) as u32
}

fn binomial(rng: &mut ChaCha8Rng, n: u32, p: f64) -> u32 {
    let p = p.clamp(0.0, 1.0);
    if n < 30 {
        return (0..n).filter(|_| rng.gen::<f64>() < p).count() as u32;
    }
    let n_f = f64::from(n);
    let x = n_f * p + (n_f * p * (1.0 - p)).sqrt() * normal(rng);
    x.round().clamp(0.0, n_f) as u32
}

/// Generates a reproducible history.
pub fn generate(spec: &SyntheticSpec) -> Result<SyntheticHistory, ForecastError> {
    let bad = |m: &str| Err(ForecastError::InvalidSpec(m.to_string()));
    if !(1..=110).contains(&spec.weeks) {
        return bad("synthetic weeks must be in 1..=110");
    }
    let (d0, d1) = spec.deflection;
    if ![d0, d1]
        .iter()
        .all(|d| d.is_finite() && (0.12..=0.88).contains(d))
    {
        return bad("synthetic deflection rates must be in [0.12, 0.88]");
    }
    let volume_ok =
        spec.base_daily_volume.is_finite() && (0.0..=1e7).contains(&spec.base_daily_volume);
    let growth_ok =
        spec.annual_growth.is_finite() && spec.annual_growth > -0.9 && spec.annual_growth < 10.0;
    if !(volume_ok && growth_ok) {
        return bad("synthetic volume or growth out of range");
    }
    let start = spec
        .start
        .and_hms_opt(0, 0, 0)
        .and_then(|dt| spec.zone.from_local_datetime(&dt).earliest())
        .map(|dt| dt.timestamp())
        .ok_or_else(|| ForecastError::InvalidSpec("start date has no local midnight".into()))?;
    let step = spec.interval.seconds();
    let spd = spec.interval.slots_per_day();
    let first_day = date_to_day(spec.start);
    let days = spec.weeks as i64 * 7;
    let n = (days as usize + 2) * (spd + spd / 4);
    let mapper = SeasonMapper::new(spec.zone, spec.interval);
    let cells = mapper.map_range(start, n);
    let holiday_days: Vec<i64> = (0..days)
        .filter(|d| d % 182 == 80)
        .map(|d| first_day + d)
        .collect();
    let mut shapes = vec![0.0; 2 * spd];
    for (k, weekend) in [false, true].into_iter().enumerate() {
        let raw: Vec<f64> = (0..spd)
            .map(|s| intraday((s as f64 + 0.5) * 24.0 / spd as f64, weekend))
            .collect();
        let sum: f64 = raw.iter().sum();
        for s in 0..spd {
            shapes[k * spd + s] = raw[s] / sum;
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let mut rows = Vec::with_capacity(n * REASONS.len());
    let mut day_noise = (i64::MIN, 1.0);
    for (j, cell) in cells.iter().enumerate() {
        let d = cell.local_day - first_day;
        if d >= days {
            break;
        }
        if cell.local_day != day_noise.0 {
            day_noise = (cell.local_day, (0.04 * normal(&mut rng)).exp());
        }
        let dow = cell.dow(spd);
        let slot = cell.sow as usize % spd;
        let years = d as f64 / 365.0;
        let holiday = if holiday_days.contains(&cell.local_day) {
            0.3
        } else {
            1.0
        };
        let level = spec.base_daily_volume * (1.0 + spec.annual_growth).powf(years);
        let shape = shapes[usize::from(dow >= 5) * spd + slot];
        let lambda = level * DOW[dow] * shape * day_noise.1 * holiday;
        let offered = poisson(&mut rng, lambda);
        let frac = d as f64 / days as f64;
        let base_defl = d0 + (d1 - d0) * frac;
        let night = if !(7..22).contains(&(slot * 24 / spd)) {
            0.03
        } else {
            0.0
        };
        let evening = if slot * 24 / spd >= 18 { 60.0 } else { 0.0 };
        let ts = start + j as i64 * step;
        let Some(when) = DateTime::from_timestamp(ts, 0) else {
            return bad("timestamp out of range");
        };
        let billing = binomial(&mut rng, offered, REASONS[0].1);
        for (r, &(name, _, c_off, aht_off)) in REASONS.iter().enumerate() {
            let n_r = if r == 0 { billing } else { offered - billing };
            let contained = binomial(&mut rng, n_r, base_defl + c_off + night);
            let abandoned = binomial(&mut rng, contained, 0.08);
            let handed = n_r - contained;
            let esc = binomial(&mut rng, handed, 0.55);
            let (aht, esc_aht) = if handed > 0 {
                let noise =
                    |rng: &mut ChaCha8Rng, k: u32| 150.0 * normal(rng) / f64::from(k.max(1)).sqrt();
                let e = 560.0 + aht_off + evening + noise(&mut rng, esc);
                let di = 420.0 + aht_off + evening + noise(&mut rng, handed - esc);
                let all = (e * f64::from(esc) + di * f64::from(handed - esc)) / f64::from(handed);
                (Some(all.max(1.0)), Some(e.max(1.0)))
            } else {
                (None, None)
            };
            rows.push(HistoryRow {
                start: when,
                offered: n_r,
                ai_resolved: contained - abandoned,
                handed_to_human: handed,
                abandoned,
                aht_seconds: aht,
                escalations: Some(esc),
                escalation_aht_seconds: esc_aht,
                reason: Some(name.to_string()),
            });
        }
    }
    let special_days = holiday_days
        .iter()
        .filter_map(|d| {
            let date = NaiveDate::from_ymd_opt(1970, 1, 1)?
                .checked_add_days(chrono::Days::new(u64::try_from(*d).ok()?))?;
            Some(SpecialDay {
                date,
                effect: SpecialEffect::Multiplier(0.3),
            })
        })
        .collect();
    Ok(SyntheticHistory { rows, special_days })
}
