//! 35 queues x 2 years of 15-minute history -> 6 weeks ahead.
//!
//! `cargo bench --bench forecast`

use chatroster::domain::forecast::{
    forecast, generate, ForecastSpec, HistoryRow, IntervalLength, SyntheticSpec,
};
use chrono::NaiveDate;
use chrono_tz::Tz;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const ZONES: [Tz; 5] = [
    chrono_tz::Europe::Stockholm,
    chrono_tz::Europe::London,
    chrono_tz::America::New_York,
    chrono_tz::America::Sao_Paulo,
    chrono_tz::Australia::Sydney,
];

fn queues() -> Vec<(Vec<HistoryRow>, ForecastSpec)> {
    let start = NaiveDate::from_ymd_opt(2024, 11, 25).unwrap_or_default();
    (0..35u64)
        .filter_map(|q| {
            let zone = ZONES[q as usize % ZONES.len()];
            let mut syn = SyntheticSpec::new(zone, IntervalLength::Min15, start, 104, q);
            syn.base_daily_volume = 500.0 + 400.0 * q as f64;
            let h = generate(&syn).ok()?;
            let mut spec = ForecastSpec::new(zone, IntervalLength::Min15, 42);
            spec.special_days = h.special_days;
            Some((h.rows, spec))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let queues = queues();
    assert_eq!(queues.len(), 35);
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("35_queues_2y_15min_6w", |b| {
        b.iter(|| {
            for (rows, spec) in &queues {
                black_box(forecast(black_box(rows), spec).ok());
            }
        })
    });
    let (rows, spec) = &queues[0];
    group.bench_function("1_queue_2y_15min_6w", |b| {
        b.iter(|| black_box(forecast(black_box(rows), spec).ok()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
