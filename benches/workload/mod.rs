//! Seeded synthetic workload shared by the criterion bench and the
//! `staffing_compare` example (included by `#[path]`, so both see exactly
//! the same inputs). A tiny LCG keeps it dependency-free and reproducible.

use chatroster::domain::staffing::{HandleTime, IntervalInput};

pub const QUEUES: usize = 35;
pub const INTERVALS_PER_DAY: usize = 96;

/// Knuth's MMIX LCG; the top 53 bits give a uniform in [0, 1).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed)
    }
    pub fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One row of the workload with its coordinates.
pub struct Row {
    pub queue: usize,
    pub day: usize,
    pub interval: usize,
    pub input: IntervalInput,
}

/// `QUEUES` queues x `days` days x 96 quarter-hours, Erlang C, concurrency 1.
/// Queues are open 07:00-22:00 with a two-peak intraday curve, weekends at
/// 60%, +-15% noise; peak loads 2..300 Erlangs, AHT 240..360 s, SL 80/20 or
/// 80% in 60 s, occupancy cap 0.85 or none, shrinkage 30%, floor 1.
pub fn workload(days: usize) -> Vec<Row> {
    let mut rng = Lcg::new(20_240_601);
    let mut rows = Vec::with_capacity(QUEUES * days * INTERVALS_PER_DAY);
    for queue in 0..QUEUES {
        let peak_load = 2.0 + 298.0 * rng.uniform() * rng.uniform();
        let aht = (240.0 + 120.0 * rng.uniform()).round();
        let threshold = if queue % 2 == 0 { 20.0 } else { 60.0 };
        let max_occupancy = if queue % 3 == 0 { 0.85 } else { 1.0 };
        for day in 0..days {
            let weekday_factor = if day % 7 >= 5 { 0.6 } else { 1.0 };
            for interval in 0..INTERVALS_PER_DAY {
                let open = (28..88).contains(&interval);
                let arrivals = if open {
                    let x = (interval - 28) as f64 / 60.0 * std::f64::consts::PI;
                    let shape = 0.35 + 0.65 * (x.sin() * 0.7 + (2.0 * x).sin().abs() * 0.3);
                    let noise = 0.85 + 0.3 * rng.uniform();
                    let load = peak_load * shape * weekday_factor * noise;
                    (load * 900.0 / aht).round()
                } else {
                    0.0
                };
                rows.push(Row {
                    queue,
                    day,
                    interval,
                    input: IntervalInput {
                        arrivals,
                        interval_seconds: 900.0,
                        handle_time: HandleTime::Single { aht_seconds: aht },
                        sl_threshold_seconds: threshold,
                        sl_target: 0.8,
                        asa_target_seconds: None,
                        max_occupancy,
                        mean_patience_seconds: None,
                        shrinkage: 0.3,
                        floor_agents: 1,
                        open,
                    },
                });
            }
        }
    }
    rows
}
