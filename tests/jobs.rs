//! The job queue on both backends: racing workers run each job exactly once, dead workers' leases
//! expire, failures retry with backoff, and clients see progress over HTTP.

mod common;

use chatroster::db;
use chatroster::jobs::worker::{JobContext, JobError, JobHandler, Worker, WorkerSettings};
use chatroster::jobs::{self};
use common::{Kind, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn fast() -> WorkerSettings {
    WorkerSettings {
        poll_interval: Duration::from_millis(20),
        lease: Duration::from_secs(30),
        base_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(200),
    }
}

/// Counts how often each job id ran.
fn counting(runs: Arc<Mutex<BTreeMap<String, u32>>>) -> Arc<dyn JobHandler> {
    Arc::new(
        move |ctx: &JobContext<'_>, payload: &Value| -> Result<Value, JobError> {
            ctx.progress(0.5, "halfway")?;
            std::thread::sleep(Duration::from_millis(2));
            *runs.lock().unwrap().entry(ctx.job_id.clone()).or_default() += 1;
            Ok(json!({ "echo": payload["n"] }))
        },
    )
}

fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn status_of(pool: &db::DbPool, id: &str) -> db::jobs::JobRow {
    db::jobs::get(&mut pool.get().unwrap(), id).unwrap()
}

fn race(kind: Kind) {
    let Some((pool, _db, _url)) = common::fresh_database(kind) else {
        return;
    };
    let ids: Vec<String> = (0..60)
        .map(|n| jobs::enqueue(&pool, "count", &json!({ "n": n }), 3, None).unwrap())
        .collect();
    let runs = Arc::new(Mutex::new(BTreeMap::new()));
    let shutdown = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            Worker::new(pool.clone(), fast())
                .register("count", counting(runs.clone()))
                .spawn(shutdown.clone())
                .unwrap()
        })
        .collect();
    wait_until("all jobs to finish", || {
        ids.iter()
            .all(|id| status_of(&pool, id).status == "succeeded")
    });
    shutdown.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    let runs = runs.lock().unwrap();
    assert_eq!(runs.len(), ids.len());
    assert!(
        runs.values().all(|&n| n == 1),
        "some job ran twice: {runs:?}"
    );
    let first = status_of(&pool, &ids[0]);
    assert_eq!(first.attempts, 1);
    assert_eq!(first.result.as_deref(), Some("{\"echo\":0}"));
    assert_eq!(first.progress, 1.0);
}

#[test]
fn two_workers_run_each_job_once_sqlite() {
    race(Kind::Sqlite);
}

#[test]
fn two_workers_run_each_job_once_postgres() {
    race(Kind::Postgres);
}

fn expired_lease(kind: Kind) {
    let Some((pool, _db, _url)) = common::fresh_database(kind) else {
        return;
    };
    let id = jobs::enqueue(&pool, "count", &json!({ "n": 1 }), 3, None).unwrap();
    // A worker claims the job and dies without finishing: its lease is 0 s, so it expires at once.
    {
        let mut conn = pool.get().unwrap();
        let now = db::now();
        let claimed =
            db::backend::claim_job(&mut conn, "dead-worker", &["count".to_string()], now, now)
                .unwrap();
        assert_eq!(claimed.as_deref(), Some(id.as_str()));
        let again =
            db::backend::claim_job(&mut conn, "other", &["count".to_string()], now, now).unwrap();
        assert_eq!(
            again, None,
            "a leased job must not be claimed twice at the same instant"
        );
    }
    std::thread::sleep(Duration::from_millis(20));
    let runs = Arc::new(Mutex::new(BTreeMap::new()));
    let worker = Worker::new(pool.clone(), fast()).register("count", counting(runs.clone()));
    assert!(worker.run_once().unwrap());
    let row = status_of(&pool, &id);
    assert_eq!(row.status, "succeeded");
    assert_eq!(row.attempts, 2);
    // The dead worker cannot overwrite the outcome when it comes back.
    let mut conn = pool.get().unwrap();
    assert!(!db::jobs::succeed(&mut conn, &id, "dead-worker", "{}").unwrap());
    assert!(!db::jobs::heartbeat(&mut conn, &id, "dead-worker", 0.9, None, db::now()).unwrap());
}

#[test]
fn expired_leases_are_taken_over_sqlite() {
    expired_lease(Kind::Sqlite);
}

#[test]
fn expired_leases_are_taken_over_postgres() {
    expired_lease(Kind::Postgres);
}

fn retries(kind: Kind) {
    let Some((pool, _db, _url)) = common::fresh_database(kind) else {
        return;
    };
    let flaky_id = jobs::enqueue(&pool, "flaky", &json!({}), 5, None).unwrap();
    let broken_id = jobs::enqueue(&pool, "broken", &json!({}), 3, None).unwrap();
    let permanent_id = jobs::enqueue(&pool, "permanent", &json!({}), 3, None).unwrap();
    let calls = Arc::new(Mutex::new(0u32));
    let c = calls.clone();
    let flaky = Arc::new(
        move |_: &JobContext<'_>, _: &Value| -> Result<Value, JobError> {
            let mut n = c.lock().unwrap();
            *n += 1;
            if *n < 3 {
                Err(JobError::Retryable(format!("smtp down ({n})")))
            } else {
                Ok(json!("sent"))
            }
        },
    );
    let broken = Arc::new(|_: &JobContext<'_>, _: &Value| -> Result<Value, JobError> {
        Err(JobError::Retryable("still down".into()))
    });
    let permanent = Arc::new(|_: &JobContext<'_>, _: &Value| -> Result<Value, JobError> {
        Err(JobError::Permanent("bad payload".into()))
    });
    let worker = Worker::new(pool.clone(), fast())
        .register("flaky", flaky)
        .register("broken", broken)
        .register("permanent", permanent);
    let shutdown = Arc::new(AtomicBool::new(false));
    let handle = worker.spawn(shutdown.clone()).unwrap();
    wait_until("retries to settle", || {
        status_of(&pool, &flaky_id).status == "succeeded"
            && status_of(&pool, &broken_id).status == "failed"
    });
    shutdown.store(true, Ordering::Relaxed);
    handle.join().unwrap();
    assert_eq!(status_of(&pool, &flaky_id).attempts, 3);
    let broken = status_of(&pool, &broken_id);
    assert_eq!(broken.attempts, 3);
    assert_eq!(broken.error.as_deref(), Some("still down"));
    let permanent = status_of(&pool, &permanent_id);
    assert_eq!(
        (permanent.status.as_str(), permanent.attempts),
        ("failed", 1)
    );
}

#[test]
fn failures_retry_with_backoff_then_fail_sqlite() {
    retries(Kind::Sqlite);
}

#[test]
fn failures_retry_with_backoff_then_fail_postgres() {
    retries(Kind::Postgres);
}

both_backends!(progress_and_cancel_over_http, |app: TestApp| async move {
    let m = app.manager_token().await;
    let running = jobs::enqueue(&app.pool, "slow", &json!({}), 1, None).unwrap();
    let queued = jobs::enqueue(&app.pool, "never-run", &json!({}), 1, None).unwrap();
    let gate = Arc::new(AtomicBool::new(false));
    let g = gate.clone();
    let slow = Arc::new(
        move |ctx: &JobContext<'_>, _: &Value| -> Result<Value, JobError> {
            ctx.progress(0.25, "solving week 1 of 4")?;
            while !g.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(json!({"done": true}))
        },
    );
    let shutdown = Arc::new(AtomicBool::new(false));
    let handle = Worker::new(app.pool.clone(), fast())
        .register("slow", slow)
        .spawn(shutdown.clone())
        .unwrap();
    let pool = app.pool.clone();
    let id = running.clone();
    actix_web::web::block(move || wait_until("progress", || status_of(&pool, &id).progress > 0.2))
        .await
        .unwrap();

    let r = app.get(&format!("/api/v1/jobs/{running}"), Some(&m)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["status"], "running");
    assert_eq!(r.body["progress"], json!(0.25));
    assert_eq!(r.body["progress_message"], "solving week 1 of 4");
    let conflict = app
        .post(
            &format!("/api/v1/jobs/{running}/cancel"),
            Some(&m),
            json!({}),
        )
        .await;
    common::assert_problem(&conflict, StatusCode::CONFLICT, None);
    let cancelled = app
        .post(
            &format!("/api/v1/jobs/{queued}/cancel"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");

    gate.store(true, Ordering::Relaxed);
    let pool = app.pool.clone();
    let id = running.clone();
    actix_web::web::block(move || {
        wait_until("finish", || status_of(&pool, &id).status == "succeeded")
    })
    .await
    .unwrap();
    let done = app.get(&format!("/api/v1/jobs/{running}"), Some(&m)).await;
    assert_eq!(done.body["result"], json!({"done": true}));
    let listed = app.get("/api/v1/jobs?status=succeeded", Some(&m)).await;
    assert_eq!(listed.body["total"], 1);
    common::assert_problem(
        &app.get("/api/v1/jobs?status=bogus", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        Some("status"),
    );
    shutdown.store(true, Ordering::Relaxed);
    handle.join().unwrap();
});

both_backends!(an_unknown_kind_is_refused, |app: TestApp| async move {
    let m = app.manager_token().await;
    let config = chatroster::config::Config::default();
    // Every kind the service runs is a filter value; anything else is a 400 naming `kind`.
    for (kind, _) in chatroster::startup::job_handlers(&app.pool, &config) {
        let r = app
            .get(&format!("/api/v1/jobs?kind={kind}"), Some(&m))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{kind}: {:?}", r.body);
    }
    common::assert_unknown_value(
        &app.get("/api/v1/jobs?kind=solve", Some(&m)).await,
        "kind",
        &["solve_schedule", "purge_applicants"],
    );
});
