//! Schedules from stored data: requirements from the forecast, active agents, a background solve.

mod common;

use chatroster::domain::forecast::{generate, IntervalLength, SyntheticSpec};
use chrono::{NaiveDate, SecondsFormat};
use common::{assert_problem, queue_body, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn seed(app: &TestApp, m: &str) -> String {
    let mut body = queue_body("Swedish chat", "sv-SE", "Europe/Stockholm");
    body["opening_hours"] = json!([{"weekday": "mon", "start": "08:00", "end": "18:00"},
        {"weekday": "tue", "start": "08:00", "end": "18:00"}, {"weekday": "wed", "start": "08:00", "end": "18:00"},
        {"weekday": "thu", "start": "08:00", "end": "18:00"}, {"weekday": "fri", "start": "08:00", "end": "18:00"}]);
    body["shrinkage"] = json!(0.0);
    let q = app.post("/api/v1/queues", Some(m), body).await;
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

async fn spawn(kind: common::Kind) -> Option<TestApp> {
    common::spawn_with(kind, |c| c.workers = 1).await
}

async fn solve_from_stored_data(app: TestApp) {
    let m = app.manager_token().await;
    let queue = seed(&app, &m).await;
    let r = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 1, "time_limit_seconds": 10}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    assert_eq!(r.body["queue_ids"], json!([queue]));
    let id = r.body["id"].as_str().unwrap().to_string();
    let started = Instant::now();
    let schedule = loop {
        let s = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
        match s.body["status"].as_str() {
            Some("solved") => break s.body,
            Some("failed") => panic!("solve failed: {:?}", s.body),
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_secs(180),
            "solve did not finish: {:?}",
            s.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(schedule["job"]["status"], "succeeded");
    let roster = &schedule["roster"];
    let shifts = roster["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty(), "{roster}");
    // Shifts are within the period and reported in each agent's own zone.
    for s in shifts {
        let start = s["start_utc"].as_str().unwrap_or("");
        assert!(("2026-03-02".."2026-03-09").contains(&start), "{s}");
        let offset = match s["zone"].as_str().unwrap_or("") {
            "Asia/Manila" => "+08:00",
            "America/Sao_Paulo" => "-03:00",
            _ => "+01:00",
        };
        assert!(s["start_local"].as_str().unwrap().ends_with(offset), "{s}");
    }
    assert!(roster["kpis"]["coverage_pct"].as_f64().unwrap() > 0.0);
    assert_eq!(
        roster["queues"][0]["intervals"].as_array().unwrap().len(),
        7 * 48
    );

    let listed = app.get("/api/v1/schedules", Some(&m)).await;
    assert_eq!(listed.body["total"], 1);
    assert!(
        listed.body["items"][0]["roster"].is_null(),
        "lists leave rosters out"
    );
    assert_eq!(
        app.delete(&format!("/api/v1/schedules/{id}"), Some(&m))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/api/v1/schedules/{id}"), Some(&m))
            .await
            .body["status"],
        "discarded"
    );

    for (body, field) in [
        (json!({"from": "2026-03-02", "weeks": 9}), "weeks"),
        (json!({"from": "someday", "weeks": 1}), "from"),
        (
            json!({"from": "2026-03-02", "weeks": 1, "time_limit_seconds": 1}),
            "time_limit_seconds",
        ),
    ] {
        assert_problem(
            &app.post("/api/v1/schedules", Some(&m), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(field),
        );
    }
    let unknown = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 1, "queue_ids": ["nope"]}),
        )
        .await;
    assert_problem(&unknown, StatusCode::NOT_FOUND, Some("queue_ids"));
    let (_, agent) = app.agent_with_token(&m, "someone@example.com").await;
    assert_problem(
        &app.get("/api/v1/schedules", Some(&agent)).await,
        StatusCode::FORBIDDEN,
        None,
    );
}

#[actix_web::test]
async fn schedules_solve_from_stored_data_sqlite() {
    solve_from_stored_data(spawn(common::Kind::Sqlite).await.unwrap()).await;
}

#[actix_web::test]
async fn schedules_solve_from_stored_data_postgres() {
    if let Some(app) = spawn(common::Kind::Postgres).await {
        solve_from_stored_data(app).await;
    }
}
