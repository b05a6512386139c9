//! Times the history upload path (CSV parse + validation + replace in one transaction) for two years
//! of 15-minute rows of one queue, on SQLite and, when given a URL, PostgreSQL.
//! Run: `cargo run --release --example upload_bench -- [postgres://user@host/db]`

use chatroster::db::{self, DbPool};
use chatroster::domain::forecast::{generate, IntervalLength, SyntheticSpec};
use chatroster::domain::history::parse_csv;
use chatroster::domain::queue::{QueueInput, QueueSpec, ServiceLevel};
use chrono::{NaiveDate, SecondsFormat};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let zone = chrono_tz::Europe::Stockholm;
    let mut spec = SyntheticSpec::new(
        zone,
        IntervalLength::Min15,
        NaiveDate::from_ymd_opt(2024, 11, 25).ok_or("date")?,
        104,
        1,
    );
    spec.base_daily_volume = 3000.0;
    // One reason per interval: the "about 70,000 rows" for two years of 15-minute data.
    let mut rows = generate(&spec)?.rows;
    rows.retain(|r| r.reason.as_deref() == Some("billing"));
    let mut csv =
        String::from("interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds\n");
    for r in &rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{}\n",
            r.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            r.offered,
            r.ai_resolved,
            r.handed_to_human,
            r.abandoned,
            r.aht_seconds.map(|a| format!("{a:.1}")).unwrap_or_default()
        ));
    }
    println!("rows={} csv_bytes={}", rows.len(), csv.len());
    let dir = std::env::temp_dir().join(format!("chatroster-upload-bench-{}", std::process::id()));
    let mut targets = vec![format!("sqlite://{}", dir.join("bench.db").display())];
    targets.extend(std::env::args().skip(1));
    for url in targets {
        let pool = DbPool::connect(&url, 2)?;
        pool.migrate()?;
        let mut conn = pool.get()?;
        let queue = db::queues::insert(
            &mut conn,
            &QueueSpec::parse(&demo_queue()).map_err(|e| e.to_string())?,
        )?;
        for round in 1..=3 {
            let t = Instant::now();
            let parsed = parse_csv(csv.as_bytes(), zone, 15).map_err(|e| e.to_string())?;
            let parse_s = t.elapsed().as_secs_f64();
            let summary = db::history::replace_range(&mut conn, &queue.id, &parsed)?;
            let total_s = t.elapsed().as_secs_f64();
            println!(
                "{:<10} round {round}: parse {:.3} s, parse+write {:.3} s = {:.0} rows/s (replaced {})",
                if url.starts_with("postgres") { "postgresql" } else { "sqlite" },
                parse_s,
                total_s,
                parsed.len() as f64 / total_s,
                summary.replaced
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

fn demo_queue() -> QueueInput {
    QueueInput {
        name: "Upload bench".into(),
        language: "sv".into(),
        channel: "chat".into(),
        time_zone: "Europe/Stockholm".into(),
        interval_minutes: 15,
        service_level: ServiceLevel {
            target: 0.8,
            threshold_seconds: 60,
        },
        max_occupancy: None,
        chat_concurrency: None,
        shrinkage: None,
        staffing_floor: None,
        patience_seconds: None,
        opening_hours: vec![],
    }
}
