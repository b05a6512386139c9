//! Editing a solved roster by hand through the API: every edit validated against the hard rules and
//! reported with its coverage change; locked shifts survive a re-solve.

mod common;

use common::roster::{seed, solve_week, wait_solved};
use common::{assert_problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn spawn(kind: common::Kind) -> Option<TestApp> {
    common::spawn_with(kind, |c| c.workers = 1).await
}

fn shifted(t: &str, hours: i64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(t).unwrap();
    (t + chrono::Duration::hours(hours)).to_rfc3339()
}

async fn edit_lock_and_resolve(app: TestApp) {
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let shifts = schedule["roster"]["shifts"].as_array().unwrap().clone();
    assert!(shifts.len() >= 3, "{shifts:?}");
    let base = format!("/api/v1/schedules/{id}/shifts");

    // A move into the agent's night is refused, naming the broken rule; nothing changes.
    let night = app
        .put(
            &format!("{base}/1"),
            Some(&m),
            json!({"start_utc": shifted(shifts[1]["start_utc"].as_str().unwrap(), -12)}),
        )
        .await;
    assert_problem(&night, StatusCode::UNPROCESSABLE_ENTITY, None);
    let fields: Vec<&str> = night.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.iter().all(|f| f.starts_with("rules.")), "{fields:?}");
    let unchanged = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(unchanged.body["roster"]["shifts"][1], shifts[1]);

    // Lock the first shift: it cannot be removed, and a re-solve keeps it.
    let locked = app
        .post(&format!("{base}/0/lock"), Some(&m), json!({}))
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{:?}", locked.body);
    assert_eq!(locked.body["locked_shifts"], 1);
    // Locking it again changes nothing, not even the revision others edit against.
    let again = app
        .post(&format!("{base}/0/lock"), Some(&m), json!({}))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{:?}", again.body);
    assert_eq!(again.body["revision"], locked.body["revision"]);
    assert_eq!(again.body["locked_shifts"], 1);
    let etag = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(etag.body["revision"], locked.body["revision"]);
    assert_problem(
        &app.delete(&format!("{base}/0"), Some(&m)).await,
        StatusCode::CONFLICT,
        Some("index"),
    );

    // Removing another agent's last shift of the week (a mid-week one could leave a single day off,
    // which the two-days-off rule refuses) reports what coverage it costs.
    let last = (1..shifts.len())
        .rev()
        .find(|&i| {
            let a = &shifts[i]["agent_id"];
            *a != shifts[0]["agent_id"]
                && shifts.iter().filter(|s| s["agent_id"] == *a).all(|s| {
                    s["start_utc"].as_str().unwrap() <= shifts[i]["start_utc"].as_str().unwrap()
                })
        })
        .expect("another agent with shifts");
    let removed = app.delete(&format!("{base}/{last}"), Some(&m)).await;
    assert_eq!(removed.status, StatusCode::OK, "{:?}", removed.body);
    let cov = &removed.body["coverage"];
    assert_eq!(removed.body["shifts"], json!(shifts.len() - 1));
    assert!(
        cov["shortfall_agent_hours_after"].as_f64().unwrap()
            >= cov["shortfall_agent_hours_before"].as_f64().unwrap()
    );
    assert!(!cov["intervals"].as_array().unwrap().is_empty());
    let after = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(
        after.body["roster"]["kpis"]["coverage_pct"],
        cov["coverage_pct_after"]
    );
    // The stored roster's objective is the edited roster's, as the answer said.
    assert_eq!(after.body["roster"]["objective"], cov["objective_after"]);
    // Every half-hour the removal left short is named as understaffed, with a cause.
    let diagnostics = after.body["roster"]["diagnostics"].as_array().unwrap();
    let named = |queue: &Value, at: &str| {
        diagnostics.iter().any(|d| {
            d["kind"] == "understaffed"
                && d["queue_id"] == *queue
                && d["start_utc"].as_str().unwrap() <= at
                && at < d["end_utc"].as_str().unwrap()
                && d["reason"].is_string()
        })
    };
    let left_short: Vec<&Value> = cov["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|iv| iv["scheduled_after"].as_f64() < iv["required"].as_f64())
        .collect();
    assert!(!left_short.is_empty(), "{cov}");
    for iv in left_short {
        let at = iv["start_utc"].as_str().unwrap();
        assert!(named(&iv["queue_id"], at), "{iv} in {diagnostics:?}");
    }
    // The queue's floor of one agent: every half-hour it no longer meets is a warning.
    let floor_lost: Vec<&Value> = cov["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|iv| {
            iv["scheduled_before"].as_f64() >= Some(1.0)
                && iv["scheduled_after"].as_f64() < Some(1.0)
        })
        .collect();
    assert!(
        !floor_lost.is_empty(),
        "the removed shift held the floor somewhere: {cov}"
    );
    let warnings = removed.body["warnings"].as_array().unwrap();
    for iv in &floor_lost {
        assert!(
            warnings.iter().any(|w| w["rule"] == "floor"
                && w["queue_id"] == iv["queue_id"]
                && w["at"] == iv["start_utc"]),
            "{iv} not in {warnings:?}"
        );
    }
    assert_eq!(warnings.len(), floor_lost.len(), "{warnings:?}");
    assert_ne!(cov["objective_after"], cov["objective_before"]);
    assert_problem(
        &app.delete(&format!("{base}/99"), Some(&m)).await,
        StatusCode::NOT_FOUND,
        Some("index"),
    );
    assert_problem(
        &app.post(
            &base,
            Some(&m),
            json!({"agent_id": "nobody", "start_utc": "2026-03-03T08:00:00Z", "template_id": "8h"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("agent_id"),
    );

    let job = app
        .post(
            &format!("/api/v1/schedules/{id}/resolve"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{:?}", job.body);
    let resolved = wait_solved(&app, &m, &id).await;
    let kept: Vec<&Value> = resolved["roster"]["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["pinned"] == true)
        .collect();
    assert_eq!(kept.len(), 1, "the locked shift is kept");
    assert_eq!(kept[0]["agent_id"], shifts[0]["agent_id"]);
    assert_eq!(kept[0]["start_utc"], shifts[0]["start_utc"]);

    resolve_with_other_settings(&app, &m, &id).await;

    let (_, agent) = app.agent_with_token(&m, "someone@example.com").await;
    assert_problem(
        &app.delete(&format!("{base}/1"), Some(&agent)).await,
        StatusCode::FORBIDDEN,
        None,
    );
}

/// A re-solve may try other objective weights or another time limit on the same schedule; bad
/// settings are refused before anything changes, and the settings stay for later re-solves.
async fn resolve_with_other_settings(app: &TestApp, m: &str, id: &str) {
    let path = format!("/api/v1/schedules/{id}/resolve");
    let before = app.get(&format!("/api/v1/schedules/{id}"), Some(m)).await;
    assert_eq!(before.body["weights"]["fairness"], json!(1.0));
    let limit = before.body["time_limit_seconds"].as_f64().unwrap();
    assert!((10.0..=600.0).contains(&limit), "{limit}");

    for (body, field) in [
        (json!({"weights": {"over": -1}}), "weights.over"),
        (
            json!({"weights": {"under": [100, 50, 400]}}),
            "weights.under",
        ),
        (json!({"time_limit_seconds": 5}), "time_limit_seconds"),
        (json!({"work_limit": -1}), "work_limit"),
        (json!({"work_limit": 1e9}), "work_limit"),
    ] {
        let r = app.post(&path, Some(m), body).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
    }
    let unknown = app
        .post(&path, Some(m), json!({"weights": {}, "tries": 3}))
        .await;
    assert_problem(&unknown, StatusCode::BAD_REQUEST, Some("tries"));
    let as_text = app
        .client
        .post(app.url(&path))
        .bearer_auth(m)
        .header("content-type", "text/plain")
        .body(r#"{"time_limit_seconds": 20}"#)
        .send()
        .await
        .unwrap();
    assert_problem(
        &common::reply(as_text).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        None,
    );

    let job = app
        .post(
            &path,
            Some(m),
            json!({"weights": {"fairness": 3, "over": 6}, "time_limit_seconds": 20, "work_limit": 3}),
        )
        .await;
    assert_eq!(job.status, StatusCode::ACCEPTED, "{:?}", job.body);
    // A second re-solve while the first is queued is refused, and its settings are not kept.
    let busy = app
        .post(&path, Some(m), json!({"weights": {"fairness": 9}}))
        .await;
    assert_problem(&busy, StatusCode::CONFLICT, None);
    assert_eq!(
        busy.body["detail"], "only a solved or failed schedule can be re-solved",
        "a state conflict reads as such, not as a duplicate key"
    );
    let solved = wait_solved(app, m, id).await;
    assert_eq!(solved["weights"]["fairness"], json!(3.0));
    assert_eq!(solved["weights"]["over"], json!(6.0));
    assert_eq!(
        solved["weights"]["paid_hour"],
        json!(1.0),
        "omitted: default"
    );
    assert_eq!(solved["time_limit_seconds"], json!(20.0));
    assert_eq!(solved["work_limit"], json!(3.0));
    assert!(solved["roster"]["work_units"]
        .as_f64()
        .is_some_and(|w| w > 0.0));
    let stored = chatroster::db::schedules::get(&mut app.pool.get().unwrap(), id).unwrap();
    let problem: chatroster::domain::scheduler::Problem =
        serde_json::from_str(stored.problem.as_deref().unwrap()).unwrap();
    assert_eq!((problem.weights.fairness, problem.weights.over), (3.0, 6.0));

    // A re-solve with no body at all keeps the settings, and still keeps the locked shift.
    let plain = app
        .client
        .post(app.url(&path))
        .bearer_auth(m)
        .send()
        .await
        .unwrap();
    let plain = common::reply(plain).await;
    assert_eq!(plain.status, StatusCode::ACCEPTED, "{:?}", plain.body);
    let again = wait_solved(app, m, id).await;
    assert_eq!(again["weights"]["fairness"], json!(3.0));
    assert_eq!(again["time_limit_seconds"], json!(20.0));
    assert_eq!(again["work_limit"], json!(3.0));
    // Nothing changed but the solve itself: with a work limit, the very same roster.
    let roster_of = |s: &serde_json::Value| {
        let mut r = s["roster"].clone();
        r["solve_seconds"] = json!(0.0);
        r
    };
    assert_eq!(roster_of(&again), roster_of(&solved));
    let pinned = again["roster"]["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["pinned"] == true)
        .count();
    assert_eq!(pinned, 1);

    // `null` goes back to stopping on the time limit.
    let timed = app.post(&path, Some(m), json!({"work_limit": null})).await;
    assert_eq!(timed.status, StatusCode::ACCEPTED, "{:?}", timed.body);
    let timed = wait_solved(app, m, id).await;
    assert_eq!(timed["work_limit"], json!(null));
    assert!(timed["roster"].get("work_units").is_none());
    assert_eq!(timed["weights"]["fairness"], json!(3.0));
}

both_backends!(
    edits_are_validated_and_locks_survive_a_re_solve,
    spawn = spawn,
    edit_lock_and_resolve
);

/// Two managers with the same roster open: the second one's edit by index is refused once the first
/// one changed the roster, instead of landing on whatever shift now has that index.
async fn stale_edits_are_refused(app: TestApp) {
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap();
    let count = schedule["roster"]["shifts"].as_array().unwrap().len();
    let url = app.url(&format!("/api/v1/schedules/{id}"));
    let etag = |r: &reqwest::Response| r.headers()["etag"].to_str().unwrap().to_string();
    let seen = etag(&app.client.get(&url).bearer_auth(&m).send().await.unwrap());

    let first = app
        .client
        .post(format!("{url}/shifts/0/lock"))
        .bearer_auth(&m)
        .header("If-Match", &seen)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let after_first = etag(&first);
    assert_ne!(after_first, seen);
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["revision"], after_first.as_str());

    let stale = app
        .client
        .delete(format!("{url}/shifts/1"))
        .bearer_auth(&m)
        .header("If-Match", &seen)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        stale.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let problem: Value = stale.json().await.unwrap();
    assert_eq!(problem["field"], "If-Match");
    let now = app.client.get(&url).bearer_auth(&m).send().await.unwrap();
    assert_eq!(etag(&now), after_first);
    let now: Value = now.json().await.unwrap();
    assert_eq!(now["revision"], after_first.as_str());
    assert_eq!(now["roster"]["shifts"].as_array().unwrap().len(), count);

    let again = app
        .client
        .delete(format!("{url}/shifts/0/lock"))
        .bearer_auth(&m)
        .header("If-Match", &after_first)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_ne!(etag(&again), after_first);
}

both_backends!(
    edits_refuse_a_stale_revision,
    spawn = spawn,
    stale_edits_are_refused
);

both_backends!(
    a_shift_index_that_does_not_parse_is_named,
    |app: TestApp| async move {
        use reqwest::Method;
        let m = app.manager_token().await;
        let cases = [
            (Method::PUT, "/api/v1/schedules/s1/shifts/-1", "-1"),
            (Method::DELETE, "/api/v1/schedules/s1/shifts/abc", "abc"),
            (
                Method::POST,
                "/api/v1/schedules/s1/shifts/4294967296/lock",
                "4294967296",
            ),
            // The schedule id may hold the same text: the index is still the one named.
            (
                Method::DELETE,
                "/api/v1/schedules/abc/shifts/abc/lock",
                "abc",
            ),
        ];
        for (method, path, value) in cases {
            let r = app.call(method, path, Some(&m), Some(json!({}))).await;
            assert_problem(&r, StatusCode::NOT_FOUND, Some("index"));
            assert_eq!(
                r.body["detail"],
                format!(
                    "the path parameter index must be a whole number from 0 to 4294967295, \
                     not '{value}'"
                ),
                "{path}"
            );
        }
    }
);
