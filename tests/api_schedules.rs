//! Schedules from stored data: requirements from the forecast, active agents, a background solve.

mod common;

use chatroster::domain::scheduler::{validate, Problem, Roster};
use common::roster::seed;
use common::{assert_problem, queue_body, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

async fn spawn(kind: common::Kind) -> Option<TestApp> {
    common::spawn_with(kind, |c| c.workers = 1).await
}

async fn solve_from_stored_data(app: TestApp) {
    let m = app.manager_token().await;
    let queue = seed(&app, &m).await;
    let created = common::roster::create_week(&app, &m).await;
    assert_eq!(created["queue_ids"], json!([queue]));
    let id = created["id"].as_str().unwrap().to_string();
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
    // The job's and schedule's instants are UTC with their offset: started, then finished.
    let instant = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_default())
            .unwrap_or_else(|e| panic!("{v} is no RFC 3339 instant: {e}"))
    };
    assert!(instant(&schedule["job"]["started_at"]) <= instant(&schedule["job"]["finished_at"]));
    assert!(instant(&schedule["created_at"]) <= instant(&schedule["updated_at"]));
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
    // The default configuration runs HiGHS alone beside the staged MIP: a small week's LP
    // leaves it ample time for its root node.
    assert_eq!(roster["searches"], 2, "{}", roster["searches"]);
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
        (
            json!({"from": "2026-03-02", "weeks": 1, "work_limit": -3}),
            "work_limit",
        ),
        (
            json!({"from": "2026-03-02", "weeks": 1, "weights": {"over": -1}}),
            "weights.over",
        ),
        (
            json!({"from": "2026-03-02", "weeks": 1, "weights": {"under": [300, 200, 100]}}),
            "weights.under",
        ),
        // Periods no forecast covers are refused at once, not by a job that fails later: the
        // history ends on 2026-03-01, and forecasts reach 84 days from the day after.
        (json!({"from": "0001-01-01", "weeks": 1}), "from"),
        (json!({"from": "9999-12-27", "weeks": 1}), "from"),
        (json!({"from": "2026-02-02", "weeks": 1}), "from"),
        (json!({"from": "2026-05-18", "weeks": 2}), "from"),
    ] {
        assert_problem(
            &app.post("/api/v1/schedules", Some(&m), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(field),
        );
    }
    let empty = app
        .post(
            "/api/v1/queues",
            Some(&m),
            queue_body("New queue", "fi", "Europe/Helsinki"),
        )
        .await;
    let no_history = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 1, "queue_ids": [empty.body["id"]]}),
        )
        .await;
    assert_problem(
        &no_history,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("queue_ids"),
    );
    let detail = no_history.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("no history yet"), "{detail}");
    // The last week the forecasts reach is accepted.
    let last_week = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-05-18", "weeks": 1, "time_limit_seconds": 10, "queue_ids": [queue]}),
        )
        .await;
    assert_eq!(
        last_week.status,
        StatusCode::ACCEPTED,
        "{:?}",
        last_week.body
    );
    let last_week_id = last_week.body["id"].as_str().unwrap();
    let discarded = app
        .delete(&format!("/api/v1/schedules/{last_week_id}"), Some(&m))
        .await;
    assert_eq!(discarded.status, StatusCode::NO_CONTENT);
    // Without a time limit, a longer period gets more time: a minute a week.
    let three_weeks = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 3, "queue_ids": [queue]}),
        )
        .await;
    assert_eq!(
        three_weeks.status,
        StatusCode::ACCEPTED,
        "{:?}",
        three_weeks.body
    );
    assert_eq!(three_weeks.body["time_limit_seconds"], json!(180.0));
    let discarded = app
        .delete(
            &format!(
                "/api/v1/schedules/{}",
                three_weeks.body["id"].as_str().unwrap()
            ),
            Some(&m),
        )
        .await;
    assert_eq!(discarded.status, StatusCode::NO_CONTENT);
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

both_backends!(
    schedules_solve_from_stored_data,
    spawn = spawn,
    solve_from_stored_data
);

/// Shifts published before the period reach into it: agents who worked the six days up to the
/// period start (at most five in a row) get no shift on its first day, the stored problem carries
/// those shifts as history, and the roster passes the validator against it.
async fn published_shifts_before_the_period(app: TestApp) {
    let m = app.manager_token().await;
    let queue = seed(&app, &m).await;
    let agents = app.get("/api/v1/agents?limit=100", Some(&m)).await;
    let ids: Vec<String> = agents.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 4);
    // Tuesday 24 February to Sunday 1 March, 07-15 UTC: the same local dates in every zone.
    let dates = [
        "2026-02-24",
        "2026-02-25",
        "2026-02-26",
        "2026-02-27",
        "2026-02-28",
        "2026-03-01",
    ];
    let worked: Vec<_> = ids
        .iter()
        .flat_map(|a| {
            dates.iter().map(|d| {
                common::published_shift(
                    a,
                    &queue,
                    &format!("{d}T07:00:00Z"),
                    &format!("{d}T15:00:00Z"),
                )
            })
        })
        .collect();
    chatroster::db::shifts::insert_all(&mut app.pool.get().unwrap(), &worked).unwrap();

    let schedule = common::roster::solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let shifts = schedule["roster"]["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty());
    for s in shifts {
        let local = s["start_local"].as_str().unwrap();
        assert!(
            !local.starts_with("2026-03-02"),
            "seventh day in a row: {s}"
        );
    }
    let stored = chatroster::db::schedules::get(&mut app.pool.get().unwrap(), &id).unwrap();
    let problem: Problem = serde_json::from_str(stored.problem.as_deref().unwrap()).unwrap();
    let roster: Roster = serde_json::from_str(stored.roster.as_deref().unwrap()).unwrap();
    assert_eq!(problem.history.len(), 24);
    assert_eq!(validate(&problem, &roster), vec![]);
}

both_backends!(
    schedules_keep_rules_across_published_shifts,
    spawn = spawn,
    published_shifts_before_the_period
);

/// Preferences an agent stored reach the solver in the agent's own wall clock, the manager's
/// objective weights reach it too, and the roster counts the agent's shifts against preferences.
async fn stored_preferences_reach_the_solver(app: TestApp) {
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let agents = app.get("/api/v1/agents?q=a2@", Some(&m)).await;
    let id = agents.body["items"][0]["id"].as_str().unwrap().to_string();
    // Agent 2 lives in Manila (available 14:00-24:00 there) and would rather start at 15:00
    // and keep Wednesdays free.
    let wishes = json!({"preferred_start_times": ["15:00"], "start_weight": 3,
                        "preferred_days_off": ["wed"], "days_off_weight": 4});
    let put = app
        .put(
            &format!("/api/v1/agents/{id}/preferences"),
            Some(&m),
            wishes,
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);

    // The manager spreads unsocial shifts harder; omitted weights keep their defaults.
    let created = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 1, "time_limit_seconds": 10,
                   "weights": {"fairness": 2, "over": 4}, "work_limit": 2}),
        )
        .await;
    assert_eq!(created.status, StatusCode::ACCEPTED, "{:?}", created.body);
    assert_eq!(created.body["work_limit"], json!(2.0));
    assert_eq!(created.body["weights"]["fairness"], json!(2.0));
    assert_eq!(created.body["weights"]["paid_hour"], json!(1.0));
    let schedule_id = created.body["id"].as_str().unwrap().to_string();
    let schedule = common::roster::wait_solved(&app, &m, &schedule_id).await;
    // Solved on work done: the roster says how much it counted.
    assert!(schedule["roster"]["work_units"]
        .as_f64()
        .is_some_and(|w| w > 0.0));
    let stored =
        chatroster::db::schedules::get(&mut app.pool.get().unwrap(), &schedule_id).unwrap();
    let problem: Problem = serde_json::from_str(stored.problem.as_deref().unwrap()).unwrap();
    assert_eq!((problem.weights.fairness, problem.weights.over), (2.0, 4.0));
    assert_eq!(problem.weights.under, [100.0, 200.0, 400.0]);
    let agent = problem.agents.iter().find(|a| a.id == id).unwrap();
    let p = &agent.preferences;
    assert_eq!(
        p.preferred_start_times,
        vec![chrono::NaiveTime::MIN + chrono::Duration::hours(15)]
    );
    assert_eq!(p.preferred_days_off, vec![chrono::Weekday::Wed]);
    assert_eq!((p.start_weight, p.days_off_weight), (3.0, 4.0));

    let roster = &schedule["roster"];
    let theirs: Vec<&serde_json::Value> = roster["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["agent_id"] == json!(id))
        .collect();
    assert!(!theirs.is_empty(), "{roster}");
    let against = theirs
        .iter()
        .filter(|s| {
            let local: chrono::DateTime<chrono::FixedOffset> =
                s["start_local"].as_str().unwrap().parse().unwrap();
            local.time() != chrono::NaiveTime::MIN + chrono::Duration::hours(15)
                || chrono::Datelike::weekday(&local) == chrono::Weekday::Wed
        })
        .count();
    let kpis = roster["kpis"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_id"] == json!(id))
        .unwrap();
    assert_eq!(kpis["preference_violations"], json!(against), "{kpis}");
}

both_backends!(
    schedules_use_stored_preferences,
    spawn = spawn,
    stored_preferences_reach_the_solver
);

/// A solve the job queue abandoned (its worker died during the last attempt) shows as a failed
/// schedule with the reason, not as "solving" for good.
async fn abandoned_solve(app: TestApp) {
    use chatroster::db;
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let created = common::roster::create_week(&app, &m).await;
    let id = created["id"].as_str().unwrap();
    let job = created["job"]["id"].as_str().unwrap();
    let mut conn = app.pool.get().unwrap();
    let later = db::now() + chrono::Duration::minutes(1);
    let kinds = ["solve_schedule".to_string()];
    let claimed = db::backend::claim_job(&mut conn, "gone", &kinds, db::now(), later).unwrap();
    assert_eq!(claimed.as_deref(), Some(job));
    let why = "worker stopped during the last attempt";
    assert!(db::jobs::fail(&mut conn, job, "gone", why, None).unwrap());
    drop(conn);
    let s = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(s.body["status"], "failed", "{:?}", s.body);
    assert_eq!(s.body["error"], why);
}

both_backends!(abandoned_solves_fail_the_schedule, abandoned_solve);

/// A re-solve cancelled before a worker took it leaves the roster it was to replace in place,
/// usable as before: it can be re-solved again (and edited and published, which need it solved).
async fn cancelled_re_solve(app: TestApp) {
    use chatroster::db;
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let created = common::roster::create_week(&app, &m).await;
    let id = created["id"].as_str().unwrap();
    // The first solve's outcome, stored as its job would store it (no worker runs here).
    let roster = json!({"shifts": [], "note": "the roster before the re-solve"}).to_string();
    let mut conn = app.pool.get().unwrap();
    db::schedules::set_outcome(&mut conn, id, "solved", Some(&roster), None).unwrap();
    drop(conn);

    let queued = app
        .post(
            &format!("/api/v1/schedules/{id}/resolve"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{:?}", queued.body);
    let job = queued.body["id"].as_str().unwrap();
    let cancelled = app
        .post(&format!("/api/v1/jobs/{job}/cancel"), Some(&m), json!({}))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);

    let s = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(s.body["status"], "solved", "{:?}", s.body);
    assert_eq!(
        s.body["roster"]["note"], "the roster before the re-solve",
        "{:?}",
        s.body
    );
    let error = s.body["error"].as_str().unwrap_or_default();
    assert!(error.contains("cancelled"), "{error}");
    let listed = app.get("/api/v1/schedules", Some(&m)).await;
    assert_eq!(
        listed.body["items"][0]["status"], "solved",
        "{:?}",
        listed.body
    );
    let again = app
        .post(
            &format!("/api/v1/schedules/{id}/resolve"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{:?}", again.body);
}

both_backends!(a_cancelled_re_solve_keeps_the_roster, cancelled_re_solve);

/// A solve that fails in its job keeps a roster from before (solved, the failure in `error`);
/// a first solve that fails leaves the schedule failed.
async fn failed_solves(app: TestApp) {
    use chatroster::db;
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let first = common::roster::create_week(&app, &m).await;
    let again = common::roster::create_week(&app, &m).await;
    let (first, again) = (first["id"].as_str().unwrap(), again["id"].as_str().unwrap());
    let roster = json!({"shifts": [], "note": "kept"}).to_string();
    let mut conn = app.pool.get().unwrap();
    db::schedules::set_outcome(&mut conn, again, "solved", Some(&roster), None).unwrap();
    db::schedules::start_solving(&mut conn, again).unwrap();
    db::schedules::fail_solve(&mut conn, again, "the solver gave up").unwrap();
    db::schedules::start_solving(&mut conn, first).unwrap();
    db::schedules::fail_solve(&mut conn, first, "the solver gave up").unwrap();
    drop(conn);

    let kept = app
        .get(&format!("/api/v1/schedules/{again}"), Some(&m))
        .await;
    assert_eq!(kept.body["status"], "solved", "{:?}", kept.body);
    assert_eq!(kept.body["roster"]["note"], "kept", "{:?}", kept.body);
    let error = kept.body["error"].as_str().unwrap_or_default();
    assert!(error.contains("the solver gave up"), "{error}");
    let failed = app
        .get(&format!("/api/v1/schedules/{first}"), Some(&m))
        .await;
    assert_eq!(failed.body["status"], "failed", "{:?}", failed.body);
    assert_eq!(failed.body["error"], "the solver gave up");
}

both_backends!(a_failed_re_solve_keeps_the_roster, failed_solves);

async fn spawn_with_one_search(kind: common::Kind) -> Option<TestApp> {
    common::spawn_with(kind, |c| {
        c.workers = 1;
        c.solver_threads = 1;
    })
    .await
}

/// `solver_threads = 1` reaches the job's solve: the staged MIP runs alone.
async fn one_search_when_configured(app: TestApp) {
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = common::roster::solve_week(&app, &m).await;
    let roster = &schedule["roster"];
    assert_eq!(roster["searches"], 1, "{}", roster["searches"]);
    assert!(!roster["shifts"].as_array().unwrap().is_empty(), "{roster}");
}

both_backends!(
    schedule_solves_honour_solver_threads,
    spawn = spawn_with_one_search,
    one_search_when_configured
);
