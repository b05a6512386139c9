//! Recruiting over HTTP: applying and its abuse defences, the applicant's private link, the pipeline's
//! rules, who may see what, and data retention. Emails are read from the outbox table here; the
//! end-to-end path through a real SMTP server is in `api_hiring.rs`.

mod common;

use chatroster::db::outbox::{self, Filter};
use chatroster::db::Page;
use common::{assert_problem, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const CONSENT: &str = "2026-11";

fn posting_body(status: &str) -> Value {
    json!({
        "title": "Swedish chat agent", "description": "Remote, part time, evenings.",
        "languages": ["sv"], "regions": ["SE", "PH"], "time_zones": ["Europe/Stockholm", "Asia/Manila"],
        "hours_per_week_min": 10, "hours_per_week_max": 30, "pay": "EUR 18 per hour",
        "hires_wanted": 2, "status": status
    })
}

fn application(name: &str, email: &str) -> Value {
    json!({
        "name": name, "email": email,
        "languages": [{"tag": "sv", "proficiency": 10}, {"tag": "en", "proficiency": 8}],
        "time_zone": "Europe/Stockholm", "country": "SE",
        "availability": [{"weekday": "mon", "start": "08:00", "end": "18:00"},
                         {"weekday": "sun", "start": "20:00", "end": "24:00"}],
        "hours_per_week": 25, "earliest_start": "2030-01-01", "is_student": true,
        "motivation": "I like helping people.", "consent": true, "consent_text_version": CONSENT
    })
}

async fn open_posting(app: &TestApp, m: &str) -> String {
    let r = app
        .post("/api/v1/postings", Some(m), posting_body("open"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    r.body["id"].as_str().unwrap().to_string()
}

/// The token of the newest confirmation email to `to`, read from the outbox.
fn confirm_token(app: &TestApp, to: &str) -> Option<String> {
    let mut conn = app.pool.get().unwrap();
    let filter = Filter {
        kind: Some("application_confirmation".into()),
        ..Filter::default()
    };
    let (rows, _) = outbox::list(
        &mut conn,
        &filter,
        Page {
            limit: 200,
            offset: 0,
        },
    )
    .unwrap();
    let row = rows.into_iter().find(|r| r.recipient == to)?;
    common::mail::link_token(&row.text_body, "/applications/confirm")
}

async fn apply(app: &TestApp, posting: &str, body: Value) -> common::Reply {
    app.post(
        &format!("/api/v1/postings/{posting}/applications"),
        None,
        body,
    )
    .await
}

/// Applies and confirms; returns the private key.
async fn applied_and_confirmed(app: &TestApp, posting: &str, name: &str, email: &str) -> String {
    let r = apply(app, posting, application(name, email)).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    let token = confirm_token(app, email).expect("confirmation email");
    let c = app
        .post(
            "/api/v1/applications/confirm",
            None,
            json!({"token": token}),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
    assert_eq!(c.body["application"]["state"], "email_confirmed");
    c.body["key"].as_str().unwrap().to_string()
}

async fn with_key(app: &TestApp, method: Method, path: &str, key: &str) -> common::Reply {
    let resp = app
        .client
        .request(method, app.url(path))
        .header("X-Application-Key", key)
        .send()
        .await
        .unwrap();
    common::reply(resp).await
}

async fn manager_list(app: &TestApp, m: &str, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/applications{query}"), Some(m))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

both_backends!(
    postings_are_public_only_when_open,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let open = open_posting(&app, &m).await;
        let draft = app
            .post("/api/v1/postings", Some(&m), posting_body("draft"))
            .await;
        let draft = draft.body["id"].as_str().unwrap().to_string();
        let public = app.get("/api/v1/postings", None).await;
        assert_eq!(public.body["total"], 1);
        assert_eq!(public.body["items"][0]["id"], json!(open));
        assert_eq!(
            app.get(&format!("/api/v1/postings/{draft}"), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.get("/api/v1/postings?status=all", Some(&m)).await.body["total"],
            2
        );
        assert_problem(
            &app.get("/api/v1/postings?status=all", None).await,
            StatusCode::FORBIDDEN,
            Some("status"),
        );
        // Closing a posting stops applications to it.
        let closed = app
            .put(
                &format!("/api/v1/postings/{open}"),
                Some(&m),
                posting_body("closed"),
            )
            .await;
        assert_eq!(closed.body["status"], "closed");
        assert_problem(
            &apply(&app, &open, application("A", "a@example.com")).await,
            StatusCode::NOT_FOUND,
            None,
        );
        assert_problem(
            &apply(&app, &draft, application("A", "a@example.com")).await,
            StatusCode::NOT_FOUND,
            None,
        );
        let mut bad = posting_body("paused");
        bad["languages"] = json!(["xx"]);
        bad["hires_wanted"] = json!(0);
        let r = app.post("/api/v1/postings", Some(&m), bad).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["languages[0]", "hires_wanted", "status"]);
        // A region listed twice (in any case) is named where it repeats.
        let mut twice = posting_body("open");
        twice["regions"] = json!(["SE", "PH", "se"]);
        let r = app.post("/api/v1/postings", Some(&m), twice).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("regions[2]"));
        assert_eq!(r.body["errors"][0]["message"], "SE is listed twice");
    }
);

both_backends!(
    every_invalid_field_is_explained,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        let bad = json!({
            "name": "", "email": "not-an-email",
            "languages": [{"tag": "xx", "proficiency": 11}],
            "time_zone": "Mars/Olympus", "country": "ZZ",
            "availability": [{"weekday": "someday", "start": "08:00", "end": "09:00"},
                             {"weekday": "mon", "start": "18:00", "end": "08:00"}],
            "hours_per_week": 0, "earliest_start": "2001-01-01",
            "motivation": "x".repeat(4001), "consent": false, "consent_text_version": "1999-01"
        });
        let r = apply(&app, &posting, bad).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
        let fields: Vec<String> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect();
        for f in [
            "availability[0].weekday",
            "name",
            "email",
            "languages[0].tag",
            "languages[0].proficiency",
            "time_zone",
            "country",
            "availability[0]",
            "hours_per_week",
            "earliest_start",
            "motivation",
            "consent",
            "consent_text_version",
        ] {
            assert!(
                fields.iter().any(|x| x == f),
                "{f} not explained in {fields:?}"
            );
        }
        // Counts are limited too.
        let mut many = application("A", "a@example.com");
        let tags = [
            "fi", "sv", "en", "de", "fr", "es", "it", "pt", "nl", "da", "nb",
        ];
        many["languages"] = Value::Array(
            tags.iter()
                .map(|t| json!({"tag": t, "proficiency": 8}))
                .collect(),
        );
        many["availability"] = json!((0..43)
            .map(|_| json!({"weekday": "mon", "start": "08:00", "end": "09:00"}))
            .collect::<Vec<_>>());
        let r = apply(&app, &posting, many).await;
        let fields: Vec<&str> = r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(&"languages") && fields.contains(&"availability"),
            "{fields:?}"
        );
        // A start date lies in the supported years: 9999 is a typo, not "some day".
        let mut far = application("A", "a@example.com");
        far["earliest_start"] = json!("9999-01-01");
        let r = apply(&app, &posting, far).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("earliest_start"));
        let detail = r.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("2000 to 2199"), "{detail}");
        // Unknown fields are refused by name; nothing was stored by any of this.
        let mut extra = application("A", "a@example.com");
        extra["salary_expectation"] = json!(1);
        assert_problem(
            &apply(&app, &posting, extra).await,
            StatusCode::BAD_REQUEST,
            Some("salary_expectation"),
        );
        assert_eq!(manager_list(&app, &m, "?state=applied").await["total"], 0);
    }
);

both_backends!(
    honeypot_submissions_look_accepted_but_store_nothing,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        let mut bot = application("Bot", "bot@example.com");
        bot["website"] = json!("http://spam.example");
        let r = apply(&app, &posting, bot).await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
        assert_eq!(manager_list(&app, &m, "?state=applied").await["total"], 0);
        assert!(confirm_token(&app, "bot@example.com").is_none());
    }
);

#[actix_web::test]
async fn rate_limits_per_ip_and_per_email() {
    for kind in [common::Kind::Sqlite, common::Kind::Postgres] {
        let Some(app) = common::spawn_with(kind, |c| {
            c.recruiting.max_applications_per_ip_per_hour = 4;
            c.recruiting.max_applications_per_email_per_day = 2;
        })
        .await
        else {
            continue;
        };
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        let same = application("Same", "same@example.com");
        assert_eq!(
            apply(&app, &posting, same.clone()).await.status,
            StatusCode::ACCEPTED
        );
        assert_eq!(
            apply(&app, &posting, same.clone()).await.status,
            StatusCode::ACCEPTED
        );
        assert_problem(
            &apply(&app, &posting, same).await,
            StatusCode::TOO_MANY_REQUESTS,
            None,
        );
        // The fourth attempt from this address is the last one allowed this hour.
        let other = application("Other", "other@example.com");
        assert_eq!(
            apply(&app, &posting, other.clone()).await.status,
            StatusCode::ACCEPTED
        );
        assert_problem(
            &apply(&app, &posting, other).await,
            StatusCode::TOO_MANY_REQUESTS,
            None,
        );
    }
}

both_backends!(
    applying_again_updates_once_confirmed,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        let key = applied_and_confirmed(&app, &posting, "Aino", "aino@example.com").await;
        let mut again = application("Aino Virtanen", "AINO@example.com");
        again["hours_per_week"] = json!(30);
        assert_eq!(
            apply(&app, &posting, again).await.status,
            StatusCode::ACCEPTED
        );
        // Nothing changes until the new link is used: a stranger cannot overwrite an application.
        let mine = with_key(&app, Method::GET, "/api/v1/applications/mine", &key).await;
        assert_eq!(mine.body["name"], "Aino");
        let token = confirm_token(&app, "aino@example.com").unwrap();
        let c = app
            .post(
                "/api/v1/applications/confirm",
                None,
                json!({"token": token}),
            )
            .await;
        assert_eq!(c.status, StatusCode::OK, "{:?}", c.body);
        assert_eq!(c.body["application"]["name"], "Aino Virtanen");
        assert_eq!(c.body["application"]["hours_per_week"], 30);
        assert_eq!(c.body["application"]["state"], "email_confirmed");
        // One application, and a used link does not work twice.
        assert_eq!(manager_list(&app, &m, "").await["total"], 1);
        assert_problem(
            &app.post(
                "/api/v1/applications/confirm",
                None,
                json!({"token": token}),
            )
            .await,
            StatusCode::NOT_FOUND,
            None,
        );
    }
);

both_backends!(authorization_matrix, |app: TestApp| async move {
    let m = app.manager_token().await;
    let (_, agent) = app.agent_with_token(&m, "agent@example.com").await;
    let posting = open_posting(&app, &m).await;
    let key_a = applied_and_confirmed(&app, &posting, "Anna", "anna@example.com").await;
    let key_b = applied_and_confirmed(&app, &posting, "Bo", "bo@example.com").await;
    let list = manager_list(&app, &m, "").await;
    assert_eq!(list["total"], 2, "managers see all");
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let manager_routes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/api/v1/applications".into(), None),
        (Method::GET, format!("/api/v1/applications/{id}"), None),
        (
            Method::POST,
            format!("/api/v1/applications/{id}/transitions"),
            Some(json!({"to": "screening"})),
        ),
        (
            Method::POST,
            "/api/v1/postings".into(),
            Some(posting_body("open")),
        ),
        (
            Method::PUT,
            format!("/api/v1/postings/{posting}"),
            Some(posting_body("closed")),
        ),
        (
            Method::GET,
            "/api/v1/hiring-needs?from=2026-03-02&to=2026-03-08".into(),
            None,
        ),
    ];
    for (method, path, body) in &manager_routes {
        let anon = app.call(method.clone(), path, None, body.clone()).await;
        assert_problem(&anon, StatusCode::UNAUTHORIZED, None);
        let as_agent = app
            .call(method.clone(), path, Some(&agent), body.clone())
            .await;
        assert_problem(&as_agent, StatusCode::FORBIDDEN, None);
    }
    assert_problem(
        &app.get("/api/v1/postings?status=draft", Some(&agent)).await,
        StatusCode::FORBIDDEN,
        Some("status"),
    );
    // Each private key shows its own application only.
    let a = with_key(&app, Method::GET, "/api/v1/applications/mine", &key_a).await;
    let b = with_key(&app, Method::GET, "/api/v1/applications/mine", &key_b).await;
    assert_eq!(
        (a.body["name"].as_str(), b.body["name"].as_str()),
        (Some("Anna"), Some("Bo"))
    );
    assert_eq!(a.body["history"][0]["to"], "email_confirmed");
    assert!(
        a.body["history"][0].get("note").is_none(),
        "managers' notes stay internal"
    );
    assert_problem(
        &with_key(&app, Method::GET, "/api/v1/applications/mine", "guess").await,
        StatusCode::NOT_FOUND,
        None,
    );
    assert_problem(
        &app.get("/api/v1/applications/mine", None).await,
        StatusCode::UNAUTHORIZED,
        None,
    );
    // A key is no bearer token.
    assert_problem(
        &app.get(&format!("/api/v1/applications/{id}"), Some(&key_a))
            .await,
        StatusCode::UNAUTHORIZED,
        None,
    );
});

both_backends!(
    pipeline_moves_are_legal_recorded_and_emailed,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        applied_and_confirmed(&app, &posting, "Anna", "anna@example.com").await;
        let id = manager_list(&app, &m, "").await["items"][0]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let path = format!("/api/v1/applications/{id}/transitions");
        assert_problem(
            &app.post(&path, Some(&m), json!({"to": "offer"})).await,
            StatusCode::CONFLICT,
            Some("to"),
        );
        assert_problem(
            &app.post(&path, Some(&m), json!({"to": "boss"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("to"),
        );
        for to in ["screening", "interview"] {
            let r = app
                .post(
                    &path,
                    Some(&m),
                    json!({"to": to, "note": format!("ok for {to}")}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
            assert_eq!(r.body["state"], to);
        }
        assert_problem(
            &app.post(&path, Some(&m), json!({"to": "offer"})).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("contract"),
        );
        let r = app
            .post(
                &path,
                Some(&m),
                json!({"to": "rejected", "note": "hired someone else"}),
            )
            .await;
        assert_eq!(r.body["state"], "rejected");
        assert_problem(
            &app.post(&path, Some(&m), json!({"to": "withdrawn"})).await,
            StatusCode::CONFLICT,
            Some("to"),
        );
        let one = app
            .get(&format!("/api/v1/applications/{id}"), Some(&m))
            .await;
        let history = one.body["history"].as_array().unwrap();
        let steps: Vec<(&str, &str)> = history
            .iter()
            .map(|e| (e["to"].as_str().unwrap(), e["actor"].as_str().unwrap()))
            .collect();
        assert_eq!(
            steps,
            [
                ("email_confirmed", "applicant"),
                ("screening", "manager"),
                ("interview", "manager"),
                ("rejected", "manager")
            ]
        );
        assert_eq!(history[3]["note"], "hired someone else");
        assert!(history[3]["actor_id"].is_string());
        // Interview and rejection concern the applicant; screening does not.
        let mut conn = app.pool.get().unwrap();
        let filter = Filter {
            kind: Some("application_status".into()),
            ..Filter::default()
        };
        let (rows, _) = outbox::list(
            &mut conn,
            &filter,
            Page {
                limit: 50,
                offset: 0,
            },
        )
        .unwrap();
        assert_eq!(rows.len(), 3, "confirmed, interview, rejected");
        assert!(rows.iter().any(|r| r.text_body.contains("interview")));
        assert!(rows.iter().any(|r| r.text_body.contains("not to continue")));
    }
);

both_backends!(
    withdrawal_erasure_and_retention,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let posting = open_posting(&app, &m).await;
        let key_w = applied_and_confirmed(&app, &posting, "Wilma", "wilma@example.com").await;
        let key_e = applied_and_confirmed(&app, &posting, "Erik", "erik@example.com").await;
        let key_k = applied_and_confirmed(&app, &posting, "Kim", "kim@example.com").await;
        let w = with_key(
            &app,
            Method::POST,
            "/api/v1/applications/mine/withdraw",
            &key_w,
        )
        .await;
        assert_eq!(w.body["state"], "withdrawn");
        // Withdrawing again: the request has no body, so the problem names no field.
        let again = with_key(
            &app,
            Method::POST,
            "/api/v1/applications/mine/withdraw",
            &key_w,
        )
        .await;
        assert_problem(&again, StatusCode::CONFLICT, None);
        assert!(again.body.get("field").is_none(), "{:?}", again.body);
        assert_eq!(again.body["detail"], "the application is already withdrawn");
        // Erasure on request: the key stops working, the record stays anonymised, its emails are gone.
        assert_eq!(
            with_key(&app, Method::DELETE, "/api/v1/applications/mine", &key_e)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        assert_problem(
            &with_key(&app, Method::GET, "/api/v1/applications/mine", &key_e).await,
            StatusCode::NOT_FOUND,
            None,
        );
        let all = manager_list(&app, &m, "").await;
        let erik = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["erased"] == true)
            .unwrap();
        assert_eq!(erik["name"], "erased");
        assert!(erik["email"].as_str().unwrap().ends_with("@invalid"));
        assert_eq!(erik["motivation"], "");
        let mut conn = app.pool.get().unwrap();
        let (rows, _) = outbox::list(
            &mut conn,
            &Filter::default(),
            Page {
                limit: 200,
                offset: 0,
            },
        )
        .unwrap();
        assert!(rows.iter().all(|r| r.recipient != "erik@example.com"));
        // Retention: withdrawn (and rejected) data goes once the period is over, and so does an
        // application whose email was never confirmed; open applications stay.
        drop(conn);
        let unconfirmed = apply(&app, &posting, application("Una", "una@example.com")).await;
        assert_eq!(unconfirmed.status, StatusCode::ACCEPTED);
        let mut conn = app.pool.get().unwrap();
        let now = chatroster::db::now();
        use chatroster::plan::recruiting::applicant::purge;
        assert_eq!(purge(&mut conn, now, 30).unwrap(), 0, "not due yet");
        assert_eq!(
            purge(&mut conn, now + chrono::Duration::days(31), 30).unwrap(),
            2
        );
        drop(conn);
        assert_problem(
            &with_key(&app, Method::GET, "/api/v1/applications/mine", &key_w).await,
            StatusCode::NOT_FOUND,
            None,
        );
        let kim = with_key(&app, Method::GET, "/api/v1/applications/mine", &key_k).await;
        assert_eq!(kim.body["name"], "Kim");
        let wilma = manager_list(&app, &m, "?state=withdrawn").await;
        assert_eq!(wilma["items"][0]["name"], "erased");
        let una = manager_list(&app, &m, "?state=applied").await;
        assert_eq!(una["items"][0]["name"], "erased");
    }
);

#[actix_web::test]
async fn the_purge_runs_as_a_daily_job() {
    for kind in [common::Kind::Sqlite, common::Kind::Postgres] {
        let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
            continue;
        };
        let m = app.manager_token().await;
        let started = std::time::Instant::now();
        loop {
            let done = app
                .get(
                    "/api/v1/jobs?kind=purge_applicants&status=succeeded",
                    Some(&m),
                )
                .await;
            if done.body["total"] == 1 {
                assert_eq!(done.body["items"][0]["result"]["erased"], 0);
                break;
            }
            assert!(started.elapsed().as_secs() < 30, "{:?}", done.body);
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // The run queued the next one, a day later.
        let next = app
            .get("/api/v1/jobs?kind=purge_applicants&status=queued", Some(&m))
            .await;
        assert_eq!(next.body["total"], 1, "{:?}", next.body);
    }
}
