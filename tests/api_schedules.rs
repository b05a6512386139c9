//! Schedules from stored data: requirements from the forecast, active agents, a background solve.

mod common;

use common::roster::seed;
use common::{assert_problem, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

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
        assert!(
            ("2026-03-01T23:00".."2026-03-08T23:00").contains(&start),
            "{s}"
        );
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
    // The week is the queue's: it starts at Monday 00:00 in Stockholm, 23:00 UTC on Sunday.
    assert_eq!(
        roster["queues"][0]["intervals"][0]["start_utc"],
        "2026-03-01T23:00:00Z"
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
