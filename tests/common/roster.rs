//! A small organisation with history, agents in four zones, and a solved schedule, for tests that
//! need a roster (publishing, time off, hiring).

use super::{queue_body, TestApp};
use chatroster::domain::forecast::{generate, IntervalLength, SyntheticSpec};
use chrono::{NaiveDate, SecondsFormat};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Emails of the seeded agents, in creation order (zones: Stockholm, Stockholm, Manila, São Paulo).
pub const AGENT_EMAILS: [&str; 4] = [
    "a0@example.com",
    "a1@example.com",
    "a2@example.com",
    "a3@example.com",
];

/// A Swedish queue open on weekdays 08-18 Stockholm time with eight weeks of history, and four
/// Swedish-speaking agents in Stockholm, Manila and São Paulo. Returns the queue id.
pub async fn seed(app: &TestApp, m: &str) -> String {
    let id = add_queue(app, m, "Swedish chat", "sv-SE").await;
    for (i, zone) in [
        "Europe/Stockholm",
        "Europe/Stockholm",
        "Asia/Manila",
        "America/Sao_Paulo",
    ]
    .iter()
    .enumerate()
    {
        let (start, end) = match *zone {
            "Asia/Manila" => ("14:00", "24:00"),
            "America/Sao_Paulo" => ("04:00", "14:00"),
            _ => ("07:00", "19:00"),
        };
        let windows: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat"]
            .iter()
            .map(|d| json!({"weekday": d, "start": start, "end": end}))
            .collect();
        let agent = json!({"name": format!("Agent {i}"), "email": format!("a{i}@example.com"), "time_zone": zone,
            "languages": [{"language": "sv", "proficiency": "native"}],
            "contract": {"min_hours_per_week": 0, "max_hours_per_week": 40, "max_shifts_per_week": 5,
                         "min_rest_hours": 11, "max_consecutive_days": 5},
            "availability": {"weekly": windows}});
        assert_eq!(
            app.post("/api/v1/agents", Some(m), agent).await.status,
            StatusCode::CREATED
        );
    }
    id
}

/// A queue in Stockholm open on weekdays 08-18 with eight weeks of history up to 2026-03-02, so
/// that schedules from then on have requirements. Returns its id.
pub async fn add_queue(app: &TestApp, m: &str, name: &str, language: &str) -> String {
    let mut body = queue_body(name, language, "Europe/Stockholm");
    body["opening_hours"] = json!([{"weekday": "mon", "start": "08:00", "end": "18:00"},
        {"weekday": "tue", "start": "08:00", "end": "18:00"}, {"weekday": "wed", "start": "08:00", "end": "18:00"},
        {"weekday": "thu", "start": "08:00", "end": "18:00"}, {"weekday": "fri", "start": "08:00", "end": "18:00"}]);
    body["shrinkage"] = json!(0.0);
    let q = app.post("/api/v1/queues", Some(m), body).await;
    assert_eq!(q.status, StatusCode::CREATED, "{:?}", q.body);
    let id = q.body["id"].as_str().unwrap().to_string();
    let mut spec = SyntheticSpec::new(
        chrono_tz::Europe::Stockholm,
        IntervalLength::Min30,
        NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        8,
        3,
    );
    spec.base_daily_volume = 150.0;
    let mut csv = String::from(
        "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds,reason\n",
    );
    for r in generate(&spec).unwrap().rows {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            r.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            r.offered,
            r.ai_resolved,
            r.handed_to_human,
            r.abandoned,
            r.aht_seconds.map(|a| format!("{a:.0}")).unwrap_or_default(),
            r.reason.unwrap_or_default()
        ));
    }
    let r = app
        .client
        .post(app.url(&format!("/api/v1/queues/{id}/history")))
        .bearer_auth(m)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    id
}

/// Creates a one-week schedule from 2026-03-02 (its solve queued); returns the 202's JSON.
pub async fn create_week(app: &TestApp, m: &str) -> Value {
    let r = app
        .post(
            "/api/v1/schedules",
            Some(m),
            json!({"from": "2026-03-02", "weeks": 1, "time_limit_seconds": 10}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    r.body
}

/// Creates a one-week schedule from 2026-03-02 and waits until it is solved; returns its JSON.
pub async fn solve_week(app: &TestApp, m: &str) -> Value {
    let created = create_week(app, m).await;
    let id = created["id"].as_str().unwrap().to_string();
    wait_solved(app, m, &id).await
}

/// Polls a schedule until it is solved (panics if it fails or takes over three minutes).
pub async fn wait_solved(app: &TestApp, m: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let s = app.get(&format!("/api/v1/schedules/{id}"), Some(m)).await;
        match s.body["status"].as_str() {
            Some("solved") => return s.body,
            Some("failed") => panic!("solve failed: {:?}", s.body),
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "solve did not finish: {:?}",
            s.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    }
}
