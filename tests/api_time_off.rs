//! Time off: requests in the agent's zone, manager decisions mailed through the outbox, and approved
//! time off as a hard rule of the solver.

mod common;

use chatroster::db;
use chrono::{DateTime, Datelike, Utc};
use common::{assert_problem, mail, published_shift as shift, queue_body, roster, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn requests_decisions_and_mail(app: TestApp, sink: chatroster::email::sink::SmtpSink) {
    let m = app.manager_token().await;
    let q = app
        .post(
            "/api/v1/queues",
            Some(&m),
            queue_body("Swedish", "sv", "Europe/Stockholm"),
        )
        .await;
    let queue = q.body["id"].as_str().unwrap().to_string();
    let (agent, token) = app.agent_with_token(&m, "ana@example.com").await;
    let (_, other) = app.agent_with_token(&m, "bo@example.com").await;
    // Next year's end of December and its new year, whenever the suite runs: an agent asks only
    // for time off still to come.
    let year = Utc::now().year() + 1;
    let dec = |day: &str| format!("{year}-12-{day}");
    let next = |month_day: &str| format!("{}-{month_day}", year + 1);
    // Ana lives in Manila; 28-29 December local is 27 Dec 16:00Z to 29 Dec 16:00Z.
    let overlapping = shift(&agent, &queue, &dec("28T06:00:00Z"), &dec("28T14:00:00Z"));
    let outside = shift(&agent, &queue, &dec("30T06:00:00Z"), &dec("30T14:00:00Z"));
    db::shifts::insert_all(
        &mut app.pool.get().unwrap(),
        &[overlapping.clone(), outside],
    )
    .unwrap();

    for (body, field) in [
        (
            json!({"start": "28.12.2026", "end": dec("29"), "reason": "x"}),
            "start",
        ),
        (
            json!({"start": dec("29"), "end": dec("28"), "reason": "x"}),
            "end",
        ),
        (
            json!({"start": dec("28"), "end": dec("29T10:00"), "reason": "x"}),
            "end",
        ),
        (
            json!({"start": dec("28"), "end": dec("29"), "reason": " "}),
            "reason",
        ),
        // Only the years 2000 to 2199 are planned in.
        (
            json!({"start": "-0001-01-01", "end": "-0001-01-02", "reason": "x"}),
            "start",
        ),
        (
            json!({"start": "9999-12-31", "end": "+10000-01-01", "reason": "x"}),
            "start",
        ),
        (
            json!({"start": dec("28"), "end": "+10000-01-01", "reason": "x"}),
            "end",
        ),
        (
            json!({"start": "+10000-01-01T08:00", "end": "+10000-01-01T09:00", "reason": "x"}),
            "start",
        ),
        (
            json!({"start": "0001-01-01", "end": "0001-01-01", "reason": "x"}),
            "start",
        ),
        // Time off that has already ended plans nothing.
        (
            json!({"start": format!("{}-03-02", year - 2), "end": format!("{}-03-04", year - 2),
                   "reason": "x"}),
            "end",
        ),
    ] {
        let r = app.post("/api/v1/me/time-off", Some(&token), body).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
    }
    // An hour the clocks skip: the last Sunday of March, 02:00-03:00 in Stockholm.
    let mut sven = common::agent_body("Sven", "sven@example.com");
    sven["time_zone"] = json!("Europe/Stockholm");
    let sven = app.post("/api/v1/agents", Some(&m), sven).await;
    let sven_id = sven.body["id"].as_str().unwrap();
    app.put(
        &format!("/api/v1/agents/{sven_id}/password"),
        Some(&m),
        json!({"password": common::PASSWORD}),
    )
    .await;
    let sven = app.login("sven@example.com", common::PASSWORD).await;
    let spring = (25..=31)
        .rev()
        .filter_map(|d| chrono::NaiveDate::from_ymd_opt(year, 3, d))
        .find(|d| d.weekday() == chrono::Weekday::Sun)
        .unwrap();
    let skipped = app
        .post(
            "/api/v1/me/time-off",
            Some(&sven),
            json!({"start": format!("{spring}T02:30"), "end": format!("{spring}T03:00"), "reason": "x"}),
        )
        .await;
    assert_problem(&skipped, StatusCode::UNPROCESSABLE_ENTITY, Some("start"));
    let detail = skipped.body["detail"].as_str().unwrap();
    assert!(
        detail.contains("the clocks move forward from 02:00 to 03:00"),
        "{detail}"
    );

    let no_reason = json!({"start": dec("28"), "end": dec("29")});
    assert_problem(
        &app.post("/api/v1/me/time-off", Some(&token), no_reason)
            .await,
        StatusCode::BAD_REQUEST,
        Some("reason"),
    );
    assert_problem(
        &app.post(
            "/api/v1/me/time-off",
            Some(&m),
            json!({"start": dec("28"), "end": dec("29"), "reason": "x"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        None,
    );

    let days = app
        .post(
            "/api/v1/me/time-off",
            Some(&token),
            json!({"start": dec("28"), "end": dec("29"), "reason": "Family visit"}),
        )
        .await;
    assert_eq!(days.status, StatusCode::CREATED, "{:?}", days.body);
    assert_eq!(days.body["start_utc"], json!(dec("27T16:00:00Z")));
    assert_eq!(days.body["end_utc"], json!(dec("29T16:00:00Z")));
    assert_eq!(days.body["time_zone"], "Asia/Manila");
    assert_eq!(days.body["status"], "pending");
    let days_id = days.body["id"].as_str().unwrap().to_string();
    let hours = app
        .post(
            "/api/v1/me/time-off",
            Some(&token),
            json!({"start": next("01-04T08:00"), "end": next("01-04T12:00"), "reason": "Dentist"}),
        )
        .await;
    assert_eq!(hours.status, StatusCode::CREATED, "{:?}", hours.body);
    let hours_id = hours.body["id"].as_str().unwrap().to_string();
    let third = app
        .post(
            "/api/v1/me/time-off",
            Some(&token),
            json!({"start": next("02-01"), "end": next("02-01"), "reason": "Moving"}),
        )
        .await;
    let third_id = third.body["id"].as_str().unwrap().to_string();

    // Only the owner cancels, and only while pending.
    assert_problem(
        &app.post(
            &format!("/api/v1/me/time-off/{third_id}/cancel"),
            Some(&other),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        None,
    );
    let cancelled = app
        .post(
            &format!("/api/v1/me/time-off/{third_id}/cancel"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(
        cancelled.body["status"], "cancelled",
        "{:?}",
        cancelled.body
    );
    assert_problem(
        &app.post(
            &format!("/api/v1/me/time-off/{third_id}/cancel"),
            Some(&token),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        None,
    );
    assert_eq!(
        app.get("/api/v1/me/time-off", Some(&other)).await.body["total"],
        0
    );
    let mine = app
        .get("/api/v1/me/time-off?status=pending", Some(&token))
        .await;
    assert_eq!(mine.body["total"], 2, "{:?}", mine.body);

    // Managers list and decide; agents may not.
    assert_problem(
        &app.get("/api/v1/time-off", Some(&token)).await,
        StatusCode::FORBIDDEN,
        None,
    );
    assert_problem(
        &app.post(
            &format!("/api/v1/time-off/{days_id}/approve"),
            Some(&token),
            json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        None,
    );
    assert_problem(
        &app.get("/api/v1/time-off?status=maybe", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        Some("status"),
    );
    let listed = app
        .get(
            &format!("/api/v1/time-off?status=pending&agent_id={agent}"),
            Some(&m),
        )
        .await;
    assert_eq!(listed.body["total"], 2, "{:?}", listed.body);

    let approved = app
        .post(
            &format!("/api/v1/time-off/{days_id}/approve"),
            Some(&m),
            json!({"note": "Enjoy"}),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.body);
    assert_eq!(approved.body["time_off"]["status"], "approved");
    let reported: Vec<&Value> = approved.body["overlapping_shifts"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(reported.len(), 1, "{:?}", approved.body);
    assert_eq!(reported[0]["id"], json!(overlapping.id));
    // The note is optional, and so is the body: a decided request is a conflict either way.
    for body in [Some(json!({})), None] {
        assert_problem(
            &app.call(
                reqwest::Method::POST,
                &format!("/api/v1/time-off/{days_id}/deny"),
                Some(&m),
                body,
            )
            .await,
            StatusCode::CONFLICT,
            None,
        );
    }
    let long_note = "x".repeat(501);
    let long = app
        .post(
            &format!("/api/v1/time-off/{hours_id}/deny"),
            Some(&m),
            json!({"note": long_note}),
        )
        .await;
    assert_problem(&long, StatusCode::UNPROCESSABLE_ENTITY, Some("note"));
    assert_eq!(long.body["detail"], "note: must be at most 500 characters");
    let denied = app
        .post(
            &format!("/api/v1/time-off/{hours_id}/deny"),
            Some(&m),
            json!({"note": "Launch week"}),
        )
        .await;
    assert_eq!(
        denied.body["time_off"]["status"], "denied",
        "{:?}",
        denied.body
    );
    assert_eq!(denied.body["overlapping_shifts"], json!([]));

    // Both decisions arrive by mail, in the agent's own terms.
    let mut mails = mail::wait_for(&sink, 2, 30);
    assert_eq!(mails.len(), 2, "{mails:?}");
    mails.sort_by(|a, b| a.subject.cmp(&b.subject));
    let (approved_mail, denied_mail) = (&mails[0], &mails[1]);
    assert_eq!(approved_mail.to, ["ana@example.com"]);
    assert!(
        approved_mail.subject.contains("approved"),
        "{}",
        approved_mail.subject
    );
    assert!(approved_mail
        .text
        .contains(&format!("{} to {} (Asia/Manila)", dec("28"), dec("29"))));
    assert!(approved_mail.text.contains("Enjoy"));
    assert!(approved_mail.html.contains("<strong>approved</strong>"));
    assert!(
        denied_mail.subject.contains("denied"),
        "{}",
        denied_mail.subject
    );
    assert!(denied_mail.text.contains("Launch week"));
}

#[actix_web::test]
async fn time_off_requests_decisions_and_mail_sqlite() {
    let sink = mail::sink();
    let app = mail::spawn_with_sink(common::Kind::Sqlite, sink.port(), |_| {})
        .await
        .unwrap();
    requests_decisions_and_mail(app, sink).await;
}

#[actix_web::test]
async fn time_off_requests_decisions_and_mail_postgres() {
    let sink = mail::sink();
    if let Some(app) = mail::spawn_with_sink(common::Kind::Postgres, sink.port(), |_| {}).await {
        requests_decisions_and_mail(app, sink).await;
    }
}

async fn agent_id(app: &TestApp, m: &str, email: &str) -> String {
    let r = app.get(&format!("/api/v1/agents?q={email}"), Some(m)).await;
    r.body["items"][0]["id"].as_str().unwrap().to_string()
}

/// A pending request of a Stockholm agent for the local days 2 to 4 March 2026, made in February.
fn pending_course(agent: &str) -> db::time_off::TimeOffRow {
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap();
    db::time_off::TimeOffRow {
        id: db::new_id(),
        agent_id: agent.into(),
        start_at: at("2026-03-01 23:00"),
        end_at: at("2026-03-04 23:00"),
        start_local: "2026-03-02".into(),
        end_local: "2026-03-04".into(),
        time_zone: "Europe/Stockholm".into(),
        reason: "Course".into(),
        status: "pending".into(),
        decision_note: None,
        decided_by: None,
        decided_at: None,
        created_at: at("2026-02-16 09:00"),
        updated_at: at("2026-02-16 09:00"),
    }
}

async fn solver_respects_approved_time_off(app: TestApp) {
    let m = app.manager_token().await;
    roster::seed(&app, &m).await;
    // Both Stockholm agents are off Monday to Wednesday of the planning week (local dates).
    let mut off = Vec::new();
    for email in &roster::AGENT_EMAILS[..2] {
        let id = agent_id(&app, &m, email).await;
        app.put(
            &format!("/api/v1/agents/{id}/password"),
            Some(&m),
            json!({"password": common::PASSWORD}),
        )
        .await;
        let token = app.login(email, common::PASSWORD).await;
        // The planning week lies in the past by now, and an agent asks only for time off still to
        // come: the request stands as it was made before that week, waiting for a decision.
        let days = json!({"start": "2026-03-02", "end": "2026-03-04", "reason": "Course"});
        let late = app.post("/api/v1/me/time-off", Some(&token), days).await;
        assert_problem(&late, StatusCode::UNPROCESSABLE_ENTITY, Some("end"));
        let request = pending_course(&id);
        db::time_off::insert(&mut app.pool.get().unwrap(), &request).unwrap();
        let approve = app
            .post(
                &format!("/api/v1/time-off/{}/approve", request.id),
                Some(&m),
                json!({}),
            )
            .await;
        assert_eq!(approve.status, StatusCode::OK, "{:?}", approve.body);
        off.push(id);
    }
    let schedule = roster::solve_week(&app, &m).await;
    let shifts = schedule["roster"]["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty());
    // 2 March 00:00 CET to 5 March 00:00 CET.
    let (from, to) = ("2026-03-01T23:00:00Z", "2026-03-04T23:00:00Z");
    let instant = |v: &Value| v.as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    let (from, to) = (instant(&json!(from)), instant(&json!(to)));
    for s in shifts {
        if off.contains(&s["agent_id"].as_str().unwrap().to_string()) {
            assert!(
                instant(&s["end_utc"]) <= from || instant(&s["start_utc"]) >= to,
                "shift in approved time off: {s}"
            );
        }
    }
    // The Stockholm agents still work later in the week: the rule cut only their days off.
    assert!(shifts
        .iter()
        .any(|s| off.contains(&s["agent_id"].as_str().unwrap().to_string())));
    open_shifts_cover_the_uncovered_hours(&app, &m, &schedule).await;
}

/// Posts open shifts for a schedule's shortfall: the solved roster (of the week of 2 March 2026) moved
/// whole weeks ahead so that it lies in the future, short by one agent for five hours on its first day
/// and by two for one of those hours.
async fn open_shifts_cover_the_uncovered_hours(app: &TestApp, m: &str, schedule: &Value) {
    use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
    let id = schedule["id"].as_str().unwrap();
    let mut roster = schedule["roster"].clone();
    let first_monday = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let ahead = (Utc::now().date_naive() - first_monday).num_weeks() + 2;
    let weeks = chrono::Duration::weeks(ahead);
    let monday = first_monday + weeks;
    for q in roster["queues"].as_array_mut().unwrap() {
        for (n, i) in q["intervals"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            let start: DateTime<Utc> = i["start_utc"].as_str().unwrap().parse().unwrap();
            i["start_utc"] = json!((start + weeks).to_rfc3339());
            i["shortfall"] = json!(match n {
                22 | 23 => 2.2,
                20..=29 => 1.0,
                _ => 0.6,
            });
        }
    }
    let mut conn = app.pool.get().unwrap();
    diesel::update(db::schema::schedules::table.find(id))
        .set(db::schema::schedules::roster.eq(roster.to_string()))
        .execute(&mut conn)
        .unwrap();
    let path = format!("/api/v1/schedules/{id}/open-shifts");
    assert_problem(
        &app.post(&path, Some(m), json!({"shift_hours": 13})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("shift_hours"),
    );
    let r = app
        .post(&path, Some(m), json!({"shift_hours": 4, "mode": "ranked"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let items = r.body["items"].as_array().unwrap();
    let spans: Vec<(String, String)> = items
        .iter()
        .map(|s| {
            assert_eq!(s["mode"], "ranked");
            let t = |k: &str| {
                let at: DateTime<Utc> = s[k].as_str().unwrap().parse().unwrap();
                at.format("%Y-%m-%d %H:%M").to_string()
            };
            (t("start_utc"), t("end_utc"))
        })
        .collect();
    // The week starts at Monday 00:00 in Stockholm, 23:00 UTC on Sunday: intervals 20-29 are
    // 09:00-14:00 UTC on the moved Monday, and 22-23 are 10:00-11:00.
    let span = |a: &str, b: &str| (format!("{monday} {a}"), format!("{monday} {b}"));
    assert_eq!(
        spans,
        [
            span("09:00", "13:00"),
            span("10:00", "11:00"),
            span("13:00", "14:00")
        ]
    );
    assert_eq!(
        app.get("/api/v1/open-shifts?limit=200", Some(m)).await.body["total"],
        json!(items.len())
    );
}

#[actix_web::test]
async fn solver_respects_approved_time_off_sqlite() {
    let app = common::spawn_with(common::Kind::Sqlite, |c| c.workers = 1)
        .await
        .unwrap();
    solver_respects_approved_time_off(app).await;
}

#[actix_web::test]
async fn solver_respects_approved_time_off_postgres() {
    if let Some(app) = common::spawn_with(common::Kind::Postgres, |c| c.workers = 1).await {
        solver_respects_approved_time_off(app).await;
    }
}
