//! Requirement search over a multi-queue, multi-week forecast.
//! Run: `cargo bench --bench staffing`

use chatroster::domain::staffing::{requirement, IntervalInput};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

// Row coordinates are only written out by the compare example.
#[allow(dead_code)]
#[path = "workload/mod.rs"]
mod workload;

fn total_required(inputs: &[IntervalInput]) -> u64 {
    inputs
        .iter()
        .map(|i| requirement(i).map_or(0, |r| u64::from(r.required)))
        .sum()
}

fn bench(c: &mut Criterion) {
    // 35 queues x 10 days x 96 = 33,600 intervals (the ~32k of the target);
    // 35 queues x 42 days x 96 = 141,120 (six full weeks, every day).
    for days in [10, 42] {
        let inputs: Vec<IntervalInput> = workload::workload(days)
            .into_iter()
            .map(|r| r.input)
            .collect();
        let name = format!("erlang_c_requirements_{}_intervals", inputs.len());
        c.bench_function(&name, |b| b.iter(|| total_required(black_box(&inputs))));
    }
    // Erlang A (patience 120 s) on the 33,600-interval workload.
    let inputs: Vec<IntervalInput> = workload::workload(10)
        .into_iter()
        .map(|r| IntervalInput {
            mean_patience_seconds: Some(120.0),
            ..r.input
        })
        .collect();
    let name = format!("erlang_a_requirements_{}_intervals", inputs.len());
    c.bench_function(&name, |b| b.iter(|| total_required(black_box(&inputs))));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
