//! Publishing a week for 1,000 agents: how long the publish transaction takes (shifts reconciled,
//! 1,000 emails rendered with their calendars and written to the outbox), then how fast one outbox
//! sender delivers them to a local SMTP sink. SQLite always; PostgreSQL when a URL is given.
//! Run: `cargo run --release --example publish_bench -- [postgres://user@host/db]`

use chatroster::config::Config;
use chatroster::db::{self, schedules::ScheduleRow, DbPool};
use chatroster::domain::agent::{AgentInput, AgentSpec};
use chatroster::domain::queue::{QueueInput, QueueSpec};
use chatroster::email::sender::OutboxSender;
use chatroster::email::sink::{SinkOptions, SmtpSink};
use chatroster::plan::publishing::publish;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use std::time::Instant;

const AGENTS: usize = 1_000;
const ZONES: [&str; 8] = [
    "Europe/Stockholm",
    "Europe/London",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Asia/Manila",
    "Africa/Nairobi",
    "Australia/Sydney",
    "Europe/Helsinki",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("chatroster-publish-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut targets = vec![format!("sqlite://{}", dir.join("bench.db").display())];
    targets.extend(std::env::args().skip(1));
    for url in targets {
        run(&url)?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn run(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let backend = url.split("://").next().unwrap_or("?");
    let pool = DbPool::connect(url, 8)?;
    pool.migrate()?;
    let schedule_id = seed(&pool)?;
    let sink = SmtpSink::start("127.0.0.1:0", SinkOptions::default())?;
    let mut config = Config::default();
    config.smtp.port = sink.port();

    let started = Instant::now();
    let outcome = publish(&mut *pool.get()?, &schedule_id, None, &config)?;
    let publish_secs = started.elapsed().as_secs_f64();
    println!(
        "{backend}: publish {} agents, {} shifts -> outbox in {publish_secs:.2} s",
        outcome.agents_notified, outcome.shifts_added
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let sent = runtime.block_on(async {
        let sender = OutboxSender::new(pool.clone(), &config.smtp)?;
        let mut sent = 0;
        loop {
            match sender.run_once().await {
                Ok(0) => break Ok::<usize, chatroster::email::EmailError>(sent),
                Ok(n) => sent += n,
                Err(e) => break Err(e),
            }
        }
    })?;
    let send_secs = started.elapsed().as_secs_f64();
    let received = sink
        .wait_for(sent, std::time::Duration::from_secs(30))
        .len();
    println!(
        "{backend}: sent {sent} messages ({received} received, {:.1} MB) in {send_secs:.2} s = {:.0} msg/s \
         (concurrency {})",
        sink.messages().iter().map(|m| m.data.len()).sum::<usize>() as f64 / 1e6,
        sent as f64 / send_secs,
        config.smtp.concurrency
    );
    clean(&pool)?;
    Ok(())
}

/// Queues, 1,000 agents in eight zones and a solved one-week roster: five 8-hour shifts each, at 09:00
/// in the agent's own zone, with a lunch break.
fn seed(pool: &DbPool) -> Result<String, Box<dyn std::error::Error>> {
    let mut conn = pool.get()?;
    if db::agents::count(&mut conn)? > 0 {
        return Err("use an empty database: the bench deletes what it creates".into());
    }
    let queue: QueueInput = serde_json::from_value(json!({
        "name": "Swedish chat", "language": "sv-SE", "channel": "chat", "time_zone": "Europe/Stockholm",
        "interval_minutes": 30, "service_level": {"target": 0.8, "threshold_seconds": 60},
        "chat_concurrency": 2, "shrinkage": 0.3, "staffing_floor": 1,
        "opening_hours": [{"weekday": "mon", "start": "00:00", "end": "24:00"}]
    }))?;
    let queue = db::queues::insert(
        &mut conn,
        &QueueSpec::parse(&queue).map_err(|e| format!("{e:?}"))?,
    )?;
    let monday = NaiveDate::from_ymd_opt(2026, 3, 2).ok_or("date")?;
    let mut shifts: Vec<Value> = Vec::new();
    for i in 0..AGENTS {
        let zone_name = ZONES[i % ZONES.len()];
        let input: AgentInput = serde_json::from_value(json!({
            "name": format!("Agent {i}"), "email": format!("agent{i}@example.com"), "time_zone": zone_name,
            "languages": [{"language": "sv", "proficiency": "native"}],
            "contract": {"min_hours_per_week": 0, "max_hours_per_week": 40, "max_shifts_per_week": 5,
                         "min_rest_hours": 11, "max_consecutive_days": 5},
            "availability": {"weekly": []}
        }))?;
        let agent = db::agents::insert(
            &mut conn,
            &AgentSpec::parse(&input).map_err(|e| format!("{e:?}"))?,
        )?;
        let zone: chrono_tz::Tz = zone_name.parse().map_err(|_| "zone")?;
        for day in 0..5 {
            let date = monday + Duration::days(day);
            let start = zone
                .from_local_datetime(&date.and_hms_opt(9, 0, 0).ok_or("time")?)
                .earliest()
                .ok_or("local time")?;
            let end = start + Duration::hours(8);
            let lunch = start + Duration::hours(4);
            let intervals: Vec<Value> = (0..16)
                .map(|k| {
                    json!({"start_utc": (start + Duration::minutes(30 * k)).with_timezone(&Utc),
                           "serving": [{"queue_id": queue.id, "share": 1.0}]})
                })
                .collect();
            shifts.push(json!({
                "agent_id": agent.id, "zone": zone_name, "template_id": "8h", "pinned": false,
                "start_utc": start.with_timezone(&Utc), "end_utc": end.with_timezone(&Utc),
                "start_local": start.fixed_offset(), "end_local": end.fixed_offset(),
                "breaks": [{"start_utc": lunch.with_timezone(&Utc),
                            "end_utc": (lunch + Duration::minutes(30)).with_timezone(&Utc),
                            "start_local": lunch.fixed_offset(),
                            "end_local": (lunch + Duration::minutes(30)).fixed_offset()}],
                "intervals": intervals
            }));
        }
    }
    let roster = json!({
        "status": "optimal", "objective": 0.0, "model_objective": null, "bound": null, "gap": null,
        "roster_gap": null, "greedy_objective": 0.0, "solve_seconds": 0.0, "shifts": shifts,
        "queues": [], "diagnostics": [],
        "kpis": {"coverage_pct": 100.0, "intervals_understaffed": 0, "total_shortfall_agent_hours": 0.0,
                 "total_over_agent_hours": 0.0, "paid_hours": 40_000.0, "nights_spread": 0,
                 "weekends_spread": 0, "agents": []}
    });
    let id = db::new_id();
    db::schedules::insert(
        &mut conn,
        &ScheduleRow {
            id: id.clone(),
            period_start: monday,
            weeks: 1,
            queue_ids: json!([queue.id]).to_string(),
            time_limit_seconds: 60.0,
            status: "solved".into(),
            job_id: db::new_id(),
            roster: Some(roster.to_string()),
            error: None,
            created_by: None,
            created_at: db::now(),
            updated_at: db::now(),
            problem: None,
            edited_at: None,
            weights: None,
            work_limit: None,
        },
    )?;
    Ok(id)
}

/// Leaves the (empty) database as it was found.
fn clean(pool: &DbPool) -> Result<(), Box<dyn std::error::Error>> {
    use chatroster::db::schema::*;
    use diesel::prelude::*;
    let mut conn = pool.get()?;
    diesel::delete(outbox_messages::table).execute(&mut *conn)?;
    diesel::delete(shifts::table).execute(&mut *conn)?;
    diesel::delete(publications::table).execute(&mut *conn)?;
    diesel::delete(schedules::table).execute(&mut *conn)?;
    diesel::delete(agents::table).execute(&mut *conn)?;
    diesel::delete(queues::table).execute(&mut *conn)?;
    Ok(())
}
