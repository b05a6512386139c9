//! From a posting to a hired, schedulable agent through the API and real email, with applicants
//! ranked by how much of the roster's shortfall they would cover; and hiring needs that follow the AI
//! deflection scenario.

mod common;

use common::mail::{link_token, spawn_with_sink, wait_for};
use common::roster::{seed, solve_week};
use common::{assert_problem, TestApp};
use diesel::RunQueryDsl;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn posting() -> Value {
    json!({
        "title": "Swedish chat agent", "description": "Remote, weekdays.", "languages": ["sv"],
        "hours_per_week_min": 20, "hours_per_week_max": 40, "pay": "SEK 190 per hour",
        "hires_wanted": 1, "status": "open"
    })
}

fn applicant(name: &str, email: &str, language: &str, zone: &str, days: &[&str]) -> Value {
    let windows: Vec<Value> = days
        .iter()
        .map(|d| json!({"weekday": d, "start": "08:00", "end": "18:00"}))
        .collect();
    json!({
        "name": name, "email": email, "languages": [{"tag": language, "proficiency": 10}],
        "time_zone": zone, "country": "SE", "availability": windows, "hours_per_week": 35,
        "earliest_start": chrono::Utc::now().date_naive().to_string(), "is_student": false,
        "motivation": "", "consent": true, "consent_text_version": "2026-11"
    })
}

/// Leaves one seeded agent active, so the roster is short.
fn thin_out_workforce(app: &TestApp) {
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query("UPDATE agents SET status = 'inactive' WHERE email <> 'a2@example.com'")
        .execute(&mut conn)
        .unwrap();
}

fn mail_to<'a>(mails: &'a [common::mail::Mail], to: &str, subject: &str) -> &'a common::mail::Mail {
    mails
        .iter()
        .find(|m| m.to.iter().any(|t| t == to) && m.subject.contains(subject))
        .unwrap_or_else(|| panic!("no '{subject}' mail to {to} in {mails:#?}"))
}

async fn from_posting_to_scheduled_agent(kind: common::Kind) {
    let sink = common::mail::sink();
    let Some(app) = spawn_with_sink(kind, sink.port(), |_| {}).await else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    thin_out_workforce(&app);
    let p = app.post("/api/v1/postings", Some(&m), posting()).await;
    let posting_id = p.body["id"].as_str().unwrap().to_string();

    // Two applicants: a Swedish speaker free in the queue's hours, and a Finnish speaker.
    let sv = applicant(
        "Sara",
        "sara@example.com",
        "sv",
        "Europe/Stockholm",
        &["mon", "tue", "wed", "thu", "fri"],
    );
    let fi = applicant(
        "Aino",
        "aino@example.com",
        "fi",
        "Europe/Helsinki",
        &["sat", "sun"],
    );
    for body in [sv, fi] {
        let r = app
            .post(
                &format!("/api/v1/postings/{posting_id}/applications"),
                None,
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    }
    let mails = wait_for(&sink, 2, 30);
    let mut keys = Vec::new();
    for to in ["sara@example.com", "aino@example.com"] {
        let confirm = mail_to(&mails, to, "Confirm your application");
        let token = link_token(&confirm.text, "/applications/confirm").expect("confirm link");
        assert!(confirm.html.contains("/applications/confirm?token="));
        let c = app
            .post(
                "/api/v1/applications/confirm",
                None,
                json!({"token": token}),
            )
            .await;
        assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
        keys.push(c.body["key"].as_str().unwrap().to_string());
    }
    let mails = wait_for(&sink, 4, 30);
    let confirmed = mail_to(&mails, "sara@example.com", "Your application");
    assert!(confirmed
        .text
        .contains(&format!("/applications/status?key={}", keys[0])));

    // The roster is short of Swedish agents in Sara's hours: she ranks first by fit.
    let first = solve_week(&app, &m).await;
    assert!(
        first["roster"]["kpis"]["total_shortfall_agent_hours"]
            .as_f64()
            .unwrap()
            > 0.0
    );
    let ranked = app.get("/api/v1/applications?sort=fit", Some(&m)).await;
    assert_eq!(ranked.status, StatusCode::OK, "{:?}", ranked.body);
    let items = ranked.body["items"].as_array().unwrap();
    assert_eq!(items[0]["name"], "Sara");
    assert!(
        items[0]["fit"]["score"].as_f64().unwrap() > 0.0,
        "{:?}",
        items[0]["fit"]
    );
    assert_eq!(items[1]["fit"]["score"].as_f64().unwrap(), 0.0);
    let by_language = app
        .get(
            "/api/v1/applications?language=fi&available_on=sun&available_at=09:00",
            Some(&m),
        )
        .await;
    assert_eq!(by_language.body["total"], 1);
    assert_eq!(by_language.body["items"][0]["name"], "Aino");

    // Through the pipeline to the hire.
    let id = items[0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/applications/{id}/transitions");
    let contract = json!({"min_hours_per_week": 0, "max_hours_per_week": 35, "max_shifts_per_week": 5,
                          "min_rest_hours": 11, "max_consecutive_days": 5});
    for (to, extra) in [
        ("screening", json!(null)),
        ("interview", json!(null)),
        ("offer", contract),
        ("hired", json!(null)),
    ] {
        let mut body = json!({"to": to, "note": format!("{to} by the manager")});
        if !extra.is_null() {
            body["contract"] = extra;
        }
        let r = app.post(&path, Some(&m), body).await;
        assert_eq!(r.status, StatusCode::OK, "{to}: {:?}", r.body);
    }
    let hired = app
        .get(&format!("/api/v1/applications/{id}"), Some(&m))
        .await;
    assert_eq!(hired.body["state"], "hired");
    let agent_id = hired.body["agent_id"].as_str().unwrap().to_string();
    let agent = app
        .get(&format!("/api/v1/agents/{agent_id}"), Some(&m))
        .await;
    assert_eq!(agent.body["email"], "sara@example.com");
    assert_eq!(
        agent.body["languages"],
        json!([{"language": "sv", "proficiency": "native"}])
    );
    assert_eq!(agent.body["contract"]["max_hours_per_week"], 35.0);
    assert_eq!(
        agent.body["availability"]["weekly"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Interview and offer emails, then the invitation whose link signs the new agent in.
    let mails = wait_for(&sink, 7, 30);
    let sara: Vec<&common::mail::Mail> = mails
        .iter()
        .filter(|m| m.to.iter().any(|t| t == "sara@example.com"))
        .collect();
    assert!(sara
        .iter()
        .any(|m| m.text.contains("invite you to an interview")));
    assert!(sara.iter().any(|m| m.text.contains("make you an offer")));
    let invitation = mail_to(&mails, "sara@example.com", "Welcome aboard");
    let token = link_token(&invitation.text, "/sign-in").expect("invitation link");
    let signed_in = app
        .post(
            "/api/v1/auth/sign-in-links/redeem",
            None,
            json!({"token": token}),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{:?}", signed_in.body);
    let agent_token = signed_in.body["token"].as_str().unwrap().to_string();
    assert_problem(
        &app.get("/api/v1/applications", Some(&agent_token)).await,
        StatusCode::FORBIDDEN,
        None,
    );

    // The applicant's private link shows the outcome.
    let mine = app
        .client
        .get(app.url("/api/v1/applications/mine"))
        .header("X-Application-Key", &keys[0])
        .send()
        .await
        .unwrap();
    assert_eq!(common::reply(mine).await.body["state"], "hired");

    // The new agent is in the next solve.
    let second = solve_week(&app, &m).await;
    let shifts = second["roster"]["shifts"].as_array().unwrap();
    assert!(
        shifts.iter().any(|s| s["agent_id"] == json!(agent_id)),
        "new agent has no shifts"
    );
    assert!(
        second["roster"]["kpis"]["total_shortfall_agent_hours"]
            .as_f64()
            .unwrap()
            < first["roster"]["kpis"]["total_shortfall_agent_hours"]
                .as_f64()
                .unwrap()
    );
}

#[actix_web::test]
async fn from_posting_to_scheduled_agent_sqlite() {
    from_posting_to_scheduled_agent(common::Kind::Sqlite).await;
}

#[actix_web::test]
async fn from_posting_to_scheduled_agent_postgres() {
    from_posting_to_scheduled_agent(common::Kind::Postgres).await;
}

fn gap(body: &Value) -> (f64, f64) {
    let bands = body["bands"].as_array().unwrap();
    let required = bands
        .iter()
        .map(|b| b["required_hours"].as_f64().unwrap())
        .sum();
    let gap = bands.iter().map(|b| b["gap_hours"].as_f64().unwrap()).sum();
    (required, gap)
}

both_backends!(
    hiring_needs_follow_the_deflection_scenario,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        seed(&app, &m).await;
        thin_out_workforce(&app);
        let range = "from=2026-03-02&to=2026-03-08";
        let planned = app
            .get(
                &format!("/api/v1/hiring-needs?{range}&deflection=0.8"),
                Some(&m),
            )
            .await;
        assert_eq!(planned.status, StatusCode::OK, "{:?}", planned.body);
        let worse = app
            .get(
                &format!("/api/v1/hiring-needs?{range}&deflection=0.3"),
                Some(&m),
            )
            .await;
        let (req_planned, gap_planned) = gap(&planned.body);
        let (req_worse, gap_worse) = gap(&worse.body);
        assert!(req_worse > req_planned, "{req_worse} <= {req_planned}");
        assert!(gap_worse > gap_planned, "{gap_worse} <= {gap_planned}");
        assert!(
            worse.body["total_gap_fte"].as_f64().unwrap()
                > planned.body["total_gap_fte"].as_f64().unwrap()
        );
        let band = worse.body["bands"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["gap_hours"].as_f64().unwrap() > 0.0)
            .unwrap();
        assert_eq!(band["language"], "sv");
        let profile: f64 = band["profile_hours_per_weekday"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_f64().unwrap())
            .sum();
        assert!(
            (profile - band["gap_hours"].as_f64().unwrap()).abs() < 1e-6,
            "one week: the profile sums to the gap"
        );
        assert!(!band["daytime_offsets_minutes"]
            .as_array()
            .unwrap()
            .is_empty());
        // The one active agent is capacity in the bands it covers.
        assert!(worse.body["bands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["capacity_hours"].as_f64().unwrap() > 0.0));
        assert_problem(
            &app.get("/api/v1/hiring-needs?from=2026-03-02", Some(&m))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("to"),
        );
        assert_problem(
            &app.get(
                &format!("/api/v1/hiring-needs?{range}&deflection=2"),
                Some(&m),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("deflection"),
        );
    }
);

both_backends!(
    one_queue_beyond_staffing_leaves_the_others_needs,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        seed(&app, &m).await;
        let q = app
            .post(
                "/api/v1/queues",
                Some(&m),
                common::queue_body("English chat", "en", "Europe/London"),
            )
            .await;
        let id = q.body["id"].as_str().unwrap().to_string();

        // Such counts are refused at upload...
        let csv = "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds\n\
                   2026-01-26T00:00:00Z,4294967295,0,4294967295,0,300\n";
        let r = app
            .client
            .post(app.url(&format!("/api/v1/queues/{id}/history")))
            .bearer_auth(&m)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap();
        let r = common::reply(r).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("offered"));
        assert!(r.body["detail"].as_str().unwrap().contains("line 2:"));

        // ...but an older release stored them, as large as its column holds: five weeks of them.
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 26)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let rows: Vec<_> = (0..35 * 48)
            .map(|i| {
                let at = start + chrono::Duration::minutes(30 * i);
                common::history_db_row(&id, at, i32::MAX, i32::MAX)
            })
            .collect();
        common::store_history_unchecked(&app, &rows);

        let r = app
            .get(&format!("/api/v1/queues/{id}/requirements"), Some(&m))
            .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("history"));
        let detail = r.body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with("history: the forecast for 2026-03-02T")
                && detail.contains("exceeds the supported maximum"),
            "{detail}"
        );

        // The organisation's needs leave that queue out, say why, and still show the others.
        let needs = app
            .get(
                "/api/v1/hiring-needs?from=2026-03-02&to=2026-03-08",
                Some(&m),
            )
            .await;
        assert_eq!(needs.status, StatusCode::OK, "{:?}", needs.body);
        let problems = needs.body["queues_with_errors"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0]["queue_id"], json!(id));
        assert_eq!(problems[0]["field"], "history");
        assert!(problems[0]["detail"]
            .as_str()
            .unwrap()
            .contains("cannot be staffed"));
        let bands = needs.body["bands"].as_array().unwrap();
        assert!(bands
            .iter()
            .any(|b| b["language"] == "sv" && b["required_hours"].as_f64().unwrap() > 0.0));
        assert!(bands.iter().all(|b| b["language"] != "en"));
        // A scenario out of range is still the request's own error.
        assert_problem(
            &app.get(
                "/api/v1/hiring-needs?from=2026-03-02&to=2026-03-08&deflection_points=500",
                Some(&m),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("deflection_points"),
        );
    }
);
