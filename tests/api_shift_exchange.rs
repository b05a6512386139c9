//! Shifts changing hands: swaps between agents, open shifts claimed first-come or ranked, and
//! availability changes that conflict with published shifts.

mod common;

use chatroster::db;
use chatroster::db::outbox::Filter;
use common::{agent_body, assert_problem, queue_body, TestApp};
use reqwest::StatusCode;
use serde_json::json;

/// The Monday of the week after next (UTC): shifts that can still change hands
/// must lie in the future, whenever the suite runs.
fn test_monday() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    today + chrono::Duration::days(14 - i64::from(today.weekday().num_days_from_monday()))
}

/// 06:00-14:00 UTC (14:00-22:00 in Manila) on the test Monday plus `days`.
fn day_shift(days: i64) -> (&'static str, &'static str) {
    static SHIFTS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    let all = SHIFTS.get_or_init(|| {
        (0..2)
            .map(|k| {
                let d = test_monday() + chrono::Duration::days(k);
                (format!("{d}T06:00:00Z"), format!("{d}T14:00:00Z"))
            })
            .collect()
    });
    let (start, end) = &all[days as usize];
    (start, end)
}

fn mon() -> (&'static str, &'static str) {
    day_shift(0)
}

fn tue() -> (&'static str, &'static str) {
    day_shift(1)
}

struct Org {
    m: String,
    queue: String,
    ana: (String, String),
    bo: (String, String),
    /// Speaks only German.
    carl: (String, String),
}

/// A Swedish queue; Ana and Bo (Manila, Swedish, Mondays and Tuesdays 14-22 local) and Carl (German).
async fn org(app: &TestApp) -> Org {
    let m = app.manager_token().await;
    let q = app
        .post(
            "/api/v1/queues",
            Some(&m),
            queue_body("Swedish", "sv", "Europe/Stockholm"),
        )
        .await;
    let queue = q.body["id"].as_str().unwrap().to_string();
    let ana = app.agent_with_token(&m, "ana@example.com").await;
    let bo = app.agent_with_token(&m, "bo@example.com").await;
    let mut body = agent_body("Carl", "carl@example.com");
    body["languages"] = json!([{"language": "de", "proficiency": "native"}]);
    let r = app.post("/api/v1/agents", Some(&m), body).await;
    let carl_id = r.body["id"].as_str().unwrap().to_string();
    app.put(
        &format!("/api/v1/agents/{carl_id}/password"),
        Some(&m),
        json!({"password": common::PASSWORD}),
    )
    .await;
    let carl = (
        carl_id,
        app.login("carl@example.com", common::PASSWORD).await,
    );
    Org {
        m,
        queue,
        ana,
        bo,
        carl,
    }
}

fn give(app: &TestApp, agent: &str, queue: &str, (start, end): (&str, &str)) -> String {
    let row = common::published_shift(agent, queue, start, end);
    db::shifts::insert_all(&mut app.pool.get().unwrap(), std::slice::from_ref(&row)).unwrap();
    row.id
}

fn shift(app: &TestApp, id: &str) -> db::shifts::ShiftRow {
    db::shifts::get(&mut app.pool.get().unwrap(), id).unwrap()
}

fn mails_to(app: &TestApp, kind: &str) -> Vec<String> {
    let filter = Filter {
        kind: Some(kind.into()),
        ..Filter::default()
    };
    let page = db::Page {
        limit: 100,
        offset: 0,
    };
    let (rows, _) = db::outbox::list(&mut app.pool.get().unwrap(), &filter, page).unwrap();
    let mut to: Vec<String> = rows.into_iter().map(|r| r.recipient).collect();
    to.sort();
    to
}

both_backends!(
    swaps_need_a_manager_and_hide_the_holder,
    |app: TestApp| async move {
        let o = org(&app).await;
        let (ana, ana_t) = &o.ana;
        let (bo, bo_t) = &o.bo;
        let mon = give(&app, ana, &o.queue, mon());
        let tue = give(&app, ana, &o.queue, tue());

        let offered = app
            .post(
                &format!("/api/v1/me/shifts/{mon}/offer"),
                Some(ana_t),
                json!({}),
            )
            .await;
        assert_eq!(offered.status, StatusCode::CREATED, "{:?}", offered.body);
        let offer = offered.body["id"].as_str().unwrap().to_string();
        let again = app
            .post(
                &format!("/api/v1/me/shifts/{mon}/offer"),
                Some(ana_t),
                json!({}),
            )
            .await;
        assert_problem(&again, StatusCode::CONFLICT, None);
        let not_hers = app
            .post(
                &format!("/api/v1/me/shifts/{mon}/offer"),
                Some(bo_t),
                json!({}),
            )
            .await;
        assert_problem(&not_hers, StatusCode::NOT_FOUND, None);
        let manager = app
            .post(
                &format!("/api/v1/me/shifts/{mon}/offer"),
                Some(&o.m),
                json!({}),
            )
            .await;
        assert_problem(&manager, StatusCode::FORBIDDEN, None);

        // Bo sees the offer, but nothing about Ana; Ana does not see her own; Carl does not speak Swedish.
        let seen = app.get("/api/v1/shift-offers", Some(bo_t)).await;
        assert_eq!(seen.body["total"], 1, "{:?}", seen.body);
        let text = seen.body.to_string();
        assert!(
            !text.contains(ana.as_str()) && !text.contains("ana@example.com"),
            "{text}"
        );
        assert!(seen.body["items"][0].get("offered_by").is_none());
        assert_eq!(seen.body["items"][0]["language"], "sv");
        assert_eq!(
            app.get("/api/v1/shift-offers", Some(ana_t)).await.body["total"],
            0
        );
        assert_eq!(
            app.get("/api/v1/shift-offers", Some(&o.carl.1)).await.body["total"],
            0
        );
        let carl_take = app
            .post(
                &format!("/api/v1/shift-offers/{offer}/take"),
                Some(&o.carl.1),
                json!({}),
            )
            .await;
        assert_problem(
            &carl_take,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("shift.language"),
        );
        let own_take = app
            .post(
                &format!("/api/v1/shift-offers/{offer}/take"),
                Some(ana_t),
                json!({}),
            )
            .await;
        assert_problem(&own_take, StatusCode::CONFLICT, None);

        let taken = app
            .post(
                &format!("/api/v1/shift-offers/{offer}/take"),
                Some(bo_t),
                json!({}),
            )
            .await;
        assert_eq!(taken.status, StatusCode::OK, "{:?}", taken.body);
        assert_eq!(taken.body["status"], "requested");
        assert_eq!(shift(&app, &mon).agent_id.as_deref(), Some(ana.as_str()));
        let pending = app
            .get("/api/v1/shift-offers?status=requested", Some(&o.m))
            .await;
        assert_eq!(pending.body["items"][0]["offered_by"], json!(ana));
        assert_eq!(pending.body["items"][0]["taker_id"], json!(bo));
        assert_problem(
            &app.post(
                &format!("/api/v1/shift-offers/{offer}/approve"),
                Some(bo_t),
                json!({}),
            )
            .await,
            StatusCode::FORBIDDEN,
            None,
        );
        let approved = app
            .post(
                &format!("/api/v1/shift-offers/{offer}/approve"),
                Some(&o.m),
                json!({"note": "Thanks both"}),
            )
            .await;
        assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.body);
        assert_eq!(approved.body["status"], "approved");
        let moved = shift(&app, &mon);
        assert_eq!(moved.agent_id.as_deref(), Some(bo.as_str()));
        assert_eq!(moved.sequence, 1);
        assert_eq!(
            mails_to(&app, "shift_change"),
            ["ana@example.com", "bo@example.com"]
        );

        // A rejected swap leaves the shift with its holder; a withdrawn offer cannot be taken.
        let second = app
            .post(
                &format!("/api/v1/me/shifts/{tue}/offer"),
                Some(ana_t),
                json!({}),
            )
            .await;
        let second = second.body["id"].as_str().unwrap().to_string();
        app.post(
            &format!("/api/v1/shift-offers/{second}/take"),
            Some(bo_t),
            json!({}),
        )
        .await;
        let rejected = app
            .post(
                &format!("/api/v1/shift-offers/{second}/reject"),
                Some(&o.m),
                json!({"note": "Bo needs rest"}),
            )
            .await;
        assert_eq!(rejected.body["status"], "rejected", "{:?}", rejected.body);
        // The note is optional, and so is the body: a decided swap is a conflict either way.
        assert_problem(
            &app.call(
                reqwest::Method::POST,
                &format!("/api/v1/shift-offers/{second}/reject"),
                Some(&o.m),
                None,
            )
            .await,
            StatusCode::CONFLICT,
            None,
        );
        assert_eq!(shift(&app, &tue).agent_id.as_deref(), Some(ana.as_str()));
        let third = app
            .post(
                &format!("/api/v1/me/shifts/{tue}/offer"),
                Some(ana_t),
                json!({}),
            )
            .await;
        assert_eq!(third.status, StatusCode::CREATED);
        let third = third.body["id"].as_str().unwrap().to_string();
        let withdraw = app
            .delete(&format!("/api/v1/me/shifts/{tue}/offer"), Some(ana_t))
            .await;
        assert_eq!(withdraw.status, StatusCode::NO_CONTENT);
        assert_problem(
            &app.delete(&format!("/api/v1/me/shifts/{tue}/offer"), Some(ana_t))
                .await,
            StatusCode::NOT_FOUND,
            None,
        );
        assert_problem(
            &app.post(
                &format!("/api/v1/shift-offers/{third}/take"),
                Some(bo_t),
                json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            None,
        );
        // Approved time off is a hard rule for takers too.
        let leave = app
            .post(
                "/api/v1/me/time-off",
                Some(bo_t),
                json!({"start": &day_shift(1).0[..10], "end": &day_shift(1).0[..10], "reason": "Exam"}),
            )
            .await;
        let leave = leave.body["id"].as_str().unwrap().to_string();
        let ok = app
            .call(
                reqwest::Method::POST,
                &format!("/api/v1/time-off/{leave}/approve"),
                Some(&o.m),
                None,
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{:?}", ok.body);
        let fourth = app
            .post(
                &format!("/api/v1/me/shifts/{tue}/offer"),
                Some(ana_t),
                json!({}),
            )
            .await;
        let fourth = fourth.body["id"].as_str().unwrap().to_string();
        assert_problem(
            &app.post(
                &format!("/api/v1/shift-offers/{fourth}/take"),
                Some(bo_t),
                json!({}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("shift.time_off"),
        );
    }
);

mod auto_approved_swaps {
    use super::*;

    async fn run(app: TestApp) {
        let o = org(&app).await;
        let mon = give(&app, &o.ana.0, &o.queue, mon());
        let offered = app
            .post(
                &format!("/api/v1/me/shifts/{mon}/offer"),
                Some(&o.ana.1),
                json!({}),
            )
            .await;
        let offer = offered.body["id"].as_str().unwrap().to_string();
        let taken = app
            .post(
                &format!("/api/v1/shift-offers/{offer}/take"),
                Some(&o.bo.1),
                json!({}),
            )
            .await;
        assert_eq!(taken.body["status"], "approved", "{:?}", taken.body);
        assert_eq!(shift(&app, &mon).agent_id.as_deref(), Some(o.bo.0.as_str()));
        assert_eq!(mails_to(&app, "shift_change").len(), 2);
    }

    #[actix_web::test]
    async fn sqlite() {
        run(
            common::spawn_with(common::Kind::Sqlite, |c| c.swaps.auto_approve = true)
                .await
                .unwrap(),
        )
        .await;
    }

    #[actix_web::test]
    async fn postgres() {
        if let Some(app) =
            common::spawn_with(common::Kind::Postgres, |c| c.swaps.auto_approve = true).await
        {
            run(app).await;
        }
    }
}

both_backends!(
    availability_changes_flag_published_shifts,
    |app: TestApp| async move {
        let o = org(&app).await;
        let (ana, ana_t) = &o.ana;
        let mon = give(&app, ana, &o.queue, mon());
        let tue = give(&app, ana, &o.queue, tue());
        give(
            &app,
            ana,
            &o.queue,
            ("2026-11-03T06:00:00Z", "2026-11-03T14:00:00Z"),
        );
        let mondays_only =
            json!({"weekly": [{"weekday": "mon", "start": "14:00", "end": "22:00"}]});
        let path = format!("/api/v1/agents/{ana}/availability");
        let r = app.put(&path, Some(ana_t), mondays_only.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["weekly_hours"], json!(8.0));
        let conflicts = r.body["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{:?}", r.body);
        assert_eq!(conflicts[0]["shift"]["id"], json!(tue));
        // Repeating the change does not record the same conflict twice.
        let again = app.put(&path, Some(ana_t), mondays_only).await;
        assert_eq!(again.body["conflicts"][0]["id"], conflicts[0]["id"]);
        let tue_row = shift(&app, &tue);
        assert_eq!(
            (tue_row.agent_id.as_deref(), tue_row.sequence),
            (Some(ana.as_str()), 0)
        );
        assert_eq!(shift(&app, &mon).sequence, 0);

        assert_problem(
            &app.get("/api/v1/availability-conflicts", Some(ana_t)).await,
            StatusCode::FORBIDDEN,
            None,
        );
        let open = app.get("/api/v1/availability-conflicts", Some(&o.m)).await;
        assert_eq!(open.body["total"], 1, "{:?}", open.body);
        let id = open.body["items"][0]["id"].as_str().unwrap().to_string();
        let resolve = format!("/api/v1/availability-conflicts/{id}/resolve");
        assert_problem(
            &app.post(&resolve, Some(&o.m), json!({"note": ""})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("note"),
        );
        let long = app
            .post(&resolve, Some(&o.m), json!({"note": "x".repeat(501)}))
            .await;
        assert_problem(&long, StatusCode::UNPROCESSABLE_ENTITY, Some("note"));
        assert_eq!(long.body["detail"], "note: must be at most 500 characters");
        let done = app
            .post(&resolve, Some(&o.m), json!({"note": "Bo covers Tuesday"}))
            .await;
        assert_eq!(done.body["status"], "resolved", "{:?}", done.body);
        assert_problem(
            &app.post(&resolve, Some(&o.m), json!({"note": "again"}))
                .await,
            StatusCode::CONFLICT,
            None,
        );
        assert_eq!(
            app.get("/api/v1/availability-conflicts", Some(&o.m))
                .await
                .body["total"],
            0
        );
        assert_eq!(
            app.get("/api/v1/availability-conflicts?status=all", Some(&o.m))
                .await
                .body["total"],
            1
        );
    }
);

/// POSTs an empty body to `path` as `token`'s holder.
async fn act(app: &TestApp, token: &str, path: &str) -> common::Reply {
    app.post(path, Some(token), json!({})).await
}

/// A 409 that says the agent is inactive.
fn assert_inactive(r: &common::Reply) {
    assert_problem(r, StatusCode::CONFLICT, None);
    let detail = r.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("is inactive"), "{detail}");
}

both_backends!(
    inactive_agents_take_no_more_shifts,
    |app: TestApp| async move {
        let app = &app;
        let o = org(app).await;
        let (ana, ana_t) = &o.ana;
        let (bo, bo_t) = &o.bo;
        let ana_mon = give(app, ana, &o.queue, mon());
        let ana_tue = give(app, ana, &o.queue, tue());
        // A week later: Bo's own shift, and two open shifts.
        let week_later = |(start, end): (&str, &str)| {
            let later = |t: &str| {
                let t = chrono::DateTime::parse_from_rfc3339(t).unwrap();
                (t + chrono::Duration::days(7)).to_rfc3339()
            };
            (later(start), later(end))
        };
        let (own_start, own_end) = week_later(mon());
        let own = give(app, bo, &o.queue, (&own_start, &own_end));
        let (open_start, open_end) = week_later(tue());
        let post = |mode: &str| json!({"queue_id": o.queue, "start_utc": open_start, "end_utc": open_end, "mode": mode});
        let open = |mode: &str| {
            let (body, m) = (post(mode), &o.m);
            async move {
                let r = app.post("/api/v1/open-shifts", Some(m), body).await;
                assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
                r.body["id"].as_str().unwrap().to_string()
            }
        };
        let offer = |shift: String| async move {
            let r = act(app, ana_t, &format!("/api/v1/me/shifts/{shift}/offer")).await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            r.body["id"].as_str().unwrap().to_string()
        };
        let ranked = open("ranked").await;

        // While active, Bo asks for Ana's Monday and claims the ranked open shift.
        let monday = offer(ana_mon.clone()).await;
        let taken = act(app, bo_t, &format!("/api/v1/shift-offers/{monday}/take")).await;
        assert_eq!(taken.body["status"], "requested", "{:?}", taken.body);
        let claim = act(app, bo_t, &format!("/api/v1/open-shifts/{ranked}/claim")).await;
        assert_eq!(claim.body["status"], "pending", "{:?}", claim.body);

        // Bo leaves: the manager sets him inactive.
        let mut body = agent_body("Test Agent", "bo@example.com");
        body["status"] = json!("inactive");
        let r = app
            .put(&format!("/api/v1/agents/{bo}"), Some(&o.m), body)
            .await;
        assert_eq!(r.body["status"], "inactive", "{:?}", r.body);

        // He still signs in and sees his own shifts...
        let bo_t = &app.login("bo@example.com", common::PASSWORD).await;
        let day = &own_start[..10];
        let path = format!("/api/v1/me/shifts?from={day}&to={day}");
        let mine = app.get(&path, Some(bo_t)).await;
        assert_eq!(mine.status, StatusCode::OK, "{:?}", mine.body);
        assert_eq!(mine.body["shifts"][0]["id"], json!(own), "{:?}", mine.body);

        // ...but the manager can neither hand him Ana's Monday,
        let approve = format!("/api/v1/shift-offers/{monday}/approve");
        assert_inactive(&act(app, &o.m, &approve).await);
        let kept = shift(app, &ana_mon).agent_id;
        assert_eq!(kept.as_deref(), Some(ana.as_str()));
        // nor award him the ranked open shift,
        let award = format!("/api/v1/open-shifts/{ranked}/award");
        assert_problem(&act(app, &o.m, &award).await, StatusCode::CONFLICT, None);
        assert_eq!(shift(app, &ranked).agent_id, None);
        // and he can neither take an offered shift nor claim an open one.
        let tuesday = offer(ana_tue.clone()).await;
        let take = format!("/api/v1/shift-offers/{tuesday}/take");
        assert_inactive(&act(app, bo_t, &take).await);
        let offered = app
            .get("/api/v1/shift-offers?status=offered", Some(&o.m))
            .await;
        assert_eq!(
            offered.body["total"], 1,
            "still on offer: {:?}",
            offered.body
        );
        let first = open("first_come").await;
        let claim = format!("/api/v1/open-shifts/{first}/claim");
        assert_inactive(&act(app, bo_t, &claim).await);
        assert_eq!(shift(app, &first).agent_id, None);
        assert!(mails_to(app, "shift_change").is_empty());
    }
);

both_backends!(
    open_shifts_first_come_and_ranked,
    |app: TestApp| async move {
        let o = org(&app).await;
        let post = |start: &str, end: &str, mode: &str| json!({"queue_id": o.queue, "start_utc": start, "end_utc": end, "mode": mode});
        let monday = |time: &str| format!("{}T{time}Z", &mon().0[..10]);
        for (body, status, field) in [
            (
                post(mon().1, mon().0, "first_come"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "end_utc",
            ),
            (
                post("9999-12-31T12:00:00Z", "9999-12-31T20:00:00Z", "first_come"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "start_utc",
            ),
            // 47 seconds, off the quarter hours every shift starts and ends on.
            (
                post(&monday("08:07:13"), &monday("08:08:00"), "first_come"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "start_utc",
            ),
            (
                post(&monday("08:00:00"), &monday("08:45:00"), "first_come"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "end_utc",
            ),
            (
                post("2026-01-05T06:00:00Z", "2026-01-05T14:00:00Z", "first_come"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "start_utc",
            ),
            (
                post(mon().0, mon().1, "lottery"),
                StatusCode::UNPROCESSABLE_ENTITY,
                "mode",
            ),
            (
                json!({"queue_id": "nope", "start_utc": mon().0, "end_utc": mon().1}),
                StatusCode::NOT_FOUND,
                "queue_id",
            ),
        ] {
            assert_problem(
                &app.post("/api/v1/open-shifts", Some(&o.m), body).await,
                status,
                Some(field),
            );
        }
        assert_problem(
            &app.post(
                "/api/v1/open-shifts",
                Some(&o.ana.1),
                post(mon().0, mon().1, "first_come"),
            )
            .await,
            StatusCode::FORBIDDEN,
            None,
        );
        let first = app
            .post(
                "/api/v1/open-shifts",
                Some(&o.m),
                post(mon().0, mon().1, "first_come"),
            )
            .await;
        assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
        let first = first.body["id"].as_str().unwrap().to_string();
        assert_eq!(
            app.get("/api/v1/open-shifts", Some(&o.bo.1)).await.body["total"],
            1
        );
        assert_eq!(
            app.get("/api/v1/open-shifts", Some(&o.carl.1)).await.body["total"],
            0
        );
        let carl = app
            .post(
                &format!("/api/v1/open-shifts/{first}/claim"),
                Some(&o.carl.1),
                json!({}),
            )
            .await;
        assert_problem(
            &carl,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("shift.language"),
        );

        // Two claims at once: exactly one wins.
        let claim = format!("/api/v1/open-shifts/{first}/claim");
        let (a, b) = tokio::join!(
            app.post(&claim, Some(&o.ana.1), json!({})),
            app.post(&claim, Some(&o.bo.1), json!({}))
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "{a:?} {b:?}"
        );
        let (winner, loser) = if a.status == StatusCode::OK {
            (&o.ana, &o.bo)
        } else {
            (&o.bo, &o.ana)
        };
        let filled = shift(&app, &first);
        assert_eq!(filled.agent_id.as_deref(), Some(winner.0.as_str()));
        assert_eq!(filled.sequence, 1);
        assert_eq!(mails_to(&app, "shift_change").len(), 1);
        assert_problem(
            &app.post(
                &format!("/api/v1/open-shifts/{first}/award"),
                Some(&o.m),
                json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            None,
        );

        // Ranked: both claim; the one with fewer hours that week gets it.
        let ranked = app
            .post(
                "/api/v1/open-shifts",
                Some(&o.m),
                post(tue().0, tue().1, "ranked"),
            )
            .await;
        let ranked = ranked.body["id"].as_str().unwrap().to_string();
        let claim = format!("/api/v1/open-shifts/{ranked}/claim");
        for who in [winner, loser] {
            let r = app.post(&claim, Some(&who.1), json!({})).await;
            assert_eq!(r.body["status"], "pending", "{:?}", r.body);
        }
        assert_problem(
            &app.post(&claim, Some(&loser.1), json!({})).await,
            StatusCode::CONFLICT,
            None,
        );
        assert_eq!(shift(&app, &ranked).agent_id, None);
        let awarded = app
            .post(
                &format!("/api/v1/open-shifts/{ranked}/award"),
                Some(&o.m),
                json!({}),
            )
            .await;
        assert_eq!(awarded.status, StatusCode::OK, "{:?}", awarded.body);
        assert_eq!(awarded.body["filled_by"], json!(loser.0));
        assert_eq!(
            shift(&app, &ranked).agent_id.as_deref(),
            Some(loser.0.as_str())
        );
        assert_problem(
            &app.post(
                &format!("/api/v1/open-shifts/{ranked}/award"),
                Some(&o.m),
                json!({}),
            )
            .await,
            StatusCode::CONFLICT,
            None,
        );
        assert_eq!(
            app.get("/api/v1/open-shifts", Some(&o.m)).await.body["total"],
            0
        );
    }
);

both_backends!(offer_listing_checks_its_status, |app: TestApp| async move {
    let o = org(&app).await;
    let (_, bo_t) = &o.bo;
    for token in [bo_t, &o.m] {
        common::assert_unknown_value(
            &app.get("/api/v1/shift-offers?status=open", Some(token))
                .await,
            "status",
            &["offered", "requested"],
        );
    }
    let offered = app
        .get("/api/v1/shift-offers?status=offered", Some(bo_t))
        .await;
    assert_eq!(offered.status, StatusCode::OK, "{:?}", offered.body);
    // Requested swaps are the manager's to see, not a filter an agent can use.
    assert_problem(
        &app.get("/api/v1/shift-offers?status=requested", Some(bo_t))
            .await,
        StatusCode::FORBIDDEN,
        Some("status"),
    );
});
