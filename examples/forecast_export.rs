//! Writes a few synthetic series (CSV) plus this crate's backtest metrics and timings,
//! for `bench/statsforecast_compare.py`.
//!
//! `cargo run --release --example forecast_export -- [out_dir] [n_series] [iana_zone]`

use std::fmt::Write as _;
use std::time::Instant;

use chatroster::domain::forecast::{
    backtest, forecast, generate, BacktestSpec, ForecastSpec, IntervalLength, SyntheticSpec,
};
use chrono::NaiveDate;
use chrono_tz::Tz;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "target/export".into());
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    let zone: Tz = args
        .get(3)
        .map(|z| z.parse::<Tz>())
        .transpose()?
        .unwrap_or(chrono_tz::Europe::Stockholm);
    std::fs::create_dir_all(&out)?;
    let start = NaiveDate::from_ymd_opt(2024, 11, 25).ok_or("bad date")?;
    let bt = BacktestSpec::default();
    let mut summary = String::from(
        "series,target,model_wape,model_mase,naive_wape,naive_mase,cov80,cov95,mase_scale,origins,backtest_s,forecast_s\n",
    );
    for seed in 0..n {
        let syn = generate(&SyntheticSpec::new(
            zone,
            IntervalLength::Min15,
            start,
            104,
            seed,
        ))?;
        let mut spec = ForecastSpec::new(zone, IntervalLength::Min15, 42);
        spec.special_days = syn.special_days.clone();
        let t = Instant::now();
        let fc = forecast(&syn.rows, &spec)?;
        let forecast_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let rep = backtest(&syn.rows, &spec, &bt)?;
        let backtest_s = t.elapsed().as_secs_f64();
        // Aggregate reasons per interval; mark special days so Python scores the same cells.
        let mut csv = String::from("ds,y,human,usable\n");
        let special: Vec<_> = syn.special_days.iter().map(|s| s.date).collect();
        for pair in syn.rows.chunks(2) {
            let ds = pair[0].start;
            let y: u32 = pair.iter().map(|r| r.offered).sum();
            let h: u32 = pair.iter().map(|r| r.handed_to_human).sum();
            let local = ds.with_timezone(&zone).date_naive();
            writeln!(
                csv,
                "{},{},{},{}",
                ds.format("%Y-%m-%dT%H:%M:%SZ"),
                y,
                h,
                u8::from(!special.contains(&local))
            )?;
        }
        std::fs::write(format!("{out}/series_{seed}.csv"), csv)?;
        for (target, c) in [("volume", rep.volume), ("human", rep.human)] {
            writeln!(
                summary,
                "{seed},{target},{:.5},{:.5},{:.5},{:.5},{:.4},{:.4},{:.5},{},{:.4},{:.4}",
                c.model.wape,
                c.model.mase,
                c.naive.wape,
                c.naive.mase,
                c.model.coverage80.unwrap_or(f64::NAN),
                c.model.coverage95.unwrap_or(f64::NAN),
                c.mase_scale,
                rep.origins,
                backtest_s,
                forecast_s
            )?;
        }
        println!(
            "series {seed}: {} forecast intervals; volume WAPE model {:.4} vs naive {:.4} ({:+.1}%), cov80 {:.3} cov95 {:.3}; human WAPE {:.4} vs {:.4}; forecast {:.1} ms, backtest {:.1} ms",
            fc.intervals.len(),
            rep.volume.model.wape,
            rep.volume.naive.wape,
            100.0 * rep.volume.wape_improvement,
            rep.volume.model.coverage80.unwrap_or(f64::NAN),
            rep.volume.model.coverage95.unwrap_or(f64::NAN),
            rep.human.model.wape,
            rep.human.naive.wape,
            forecast_s * 1e3,
            backtest_s * 1e3
        );
    }
    std::fs::write(format!("{out}/rust_summary.csv"), summary)?;
    Ok(())
}
