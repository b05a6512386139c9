//! Writes the bench workload and our requirements to a CSV for
//! `bench/pyworkforce_erlangc.py`, and times the Rust side.
//! Run: `cargo run --release --example staffing_compare -- [days] [out.csv]`

use std::io::Write;
use std::time::Instant;

use chatroster::domain::staffing::{requirement, HandleTime, Requirement};

#[path = "../benches/workload/mod.rs"]
mod workload;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let days: usize = args.next().map_or(Ok(10), |d| d.parse())?;
    let path = args
        .next()
        .unwrap_or_else(|| "target/staffing_compare.csv".to_string());
    let rows = workload::workload(days);

    // Best of 5: the machine is shared, and the minimum is the least noisy.
    let mut best = f64::INFINITY;
    let mut results: Vec<Result<Requirement, _>> = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        results = rows.iter().map(|r| requirement(&r.input)).collect();
        best = best.min(start.elapsed().as_secs_f64());
    }

    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        out,
        "queue,day,interval,arrivals,interval_seconds,aht_seconds,sl_threshold_seconds,sl_target,\
         max_occupancy,shrinkage,floor,open,required_by_load,scheduled_by_load,required,scheduled,\
         sl,p_wait,occupancy"
    )?;
    let (mut agents, mut errors) = (0u64, 0usize);
    for (row, res) in rows.iter().zip(&results) {
        let i = &row.input;
        let aht = match i.handle_time {
            HandleTime::Single { aht_seconds } => aht_seconds,
            HandleTime::Concurrent { .. } => f64::NAN,
        };
        let r = match res {
            Ok(r) => r,
            Err(e) => {
                errors += 1;
                eprintln!("row {}/{}/{}: {e}", row.queue, row.day, row.interval);
                continue;
            }
        };
        agents += u64::from(r.required);
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{:.10},{:.10},{:.10}",
            row.queue,
            row.day,
            row.interval,
            i.arrivals,
            i.interval_seconds,
            aht,
            i.sl_threshold_seconds,
            i.sl_target,
            i.max_occupancy,
            i.shrinkage,
            i.floor_agents,
            u8::from(i.open),
            r.required_by_load,
            r.scheduled_by_load,
            r.required,
            r.scheduled,
            r.figures.sl_of_all_arrivals,
            r.figures.p_wait,
            r.figures.occupancy
        )?;
    }
    out.flush()?;
    println!(
        "rows={} errors={errors} total_required_agents={agents} rust_best_of_5_ms={:.3} csv={path}",
        rows.len(),
        best * 1e3
    );
    Ok(())
}
