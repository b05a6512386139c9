//! Queues over HTTP: CRUD, paging and filters, and every kind of bad input rejected whole.

mod common;

use common::{assert_problem, queue_body, TestApp};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(create_read_update_delete, |app: TestApp| async move {
    let m = app.manager_token().await;
    let created = app
        .post(
            "/api/v1/queues",
            Some(&m),
            queue_body("Swedish chat", "SV-se", "Europe/Stockholm"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["language"], "sv-SE");
    assert_eq!(created.body["max_occupancy"], json!(0.85));
    assert_eq!(created.body["opening_hours"][0]["start"], "08:00");
    let id = created.body["id"].as_str().unwrap().to_string();

    let fetched = app.get(&format!("/api/v1/queues/{id}"), Some(&m)).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(fetched.body["name"], "Swedish chat");

    let mut changed = queue_body("Swedish chat (night)", "sv-SE", "Europe/Stockholm");
    changed["interval_minutes"] = json!(15);
    let updated = app
        .put(&format!("/api/v1/queues/{id}"), Some(&m), changed)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.body["interval_minutes"], 15);
    assert_eq!(updated.body["created_at"], created.body["created_at"]);
    // Instants carry their UTC offset, so no client reads them as its own local time.
    let created_at = created.body["created_at"].as_str().unwrap_or_default();
    assert!(created_at.ends_with('Z'), "{created_at}");
    let age = chrono::Utc::now()
        .signed_duration_since(chrono::DateTime::parse_from_rfc3339(created_at).unwrap());
    assert!(
        age >= chrono::Duration::zero() && age < chrono::Duration::minutes(5),
        "{created_at}"
    );

    assert_eq!(
        app.delete(&format!("/api/v1/queues/{id}"), Some(&m))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let gone = app.get(&format!("/api/v1/queues/{id}"), Some(&m)).await;
    assert_problem(&gone, StatusCode::NOT_FOUND, None);
    assert_problem(
        &app.delete(&format!("/api/v1/queues/{id}"), Some(&m)).await,
        StatusCode::NOT_FOUND,
        None,
    );
});

both_backends!(list_is_paged_and_filtered, |app: TestApp| async move {
    let m = app.manager_token().await;
    for (name, lang, zone) in [
        ("English", "en-GB", "Europe/London"),
        ("Portuguese", "pt-BR", "America/Sao_Paulo"),
        ("Portuguese EU", "pt-PT", "Europe/Lisbon"),
        ("Finnish", "fi", "Europe/Helsinki"),
    ] {
        let r = app
            .post("/api/v1/queues", Some(&m), queue_body(name, lang, zone))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let page = app.get("/api/v1/queues?limit=2&offset=1", Some(&m)).await;
    assert_eq!(page.body["total"], 4);
    let names: Vec<&str> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Finnish", "Portuguese"]);

    let pt = app.get("/api/v1/queues?language=pt", Some(&m)).await;
    assert_eq!(pt.body["total"], 2);
    let zone = app
        .get("/api/v1/queues?time_zone=Europe/London", Some(&m))
        .await;
    assert_eq!(zone.body["items"][0]["name"], "English");

    assert_problem(
        &app.get("/api/v1/queues?limit=0", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        Some("limit"),
    );
    assert_problem(
        &app.get("/api/v1/queues?limit=abc", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        None,
    );
});

both_backends!(
    bad_input_is_rejected_and_nothing_written,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let cases = [
            ("time_zone", json!("Europe/Atlantis")),
            ("language", json!("xx-QQ")),
            ("language", json!("not a tag")),
            ("interval_minutes", json!(20)),
            ("channel", json!("fax")),
            ("shrinkage", json!(0.95)),
        ];
        for (field, value) in cases {
            let mut body = queue_body("Bad", "en", "UTC");
            body[field] = value;
            let r = app.post("/api/v1/queues", Some(&m), body).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
        }
        let mut overlapping = queue_body("Bad", "en", "UTC");
        overlapping["opening_hours"] = json!([
            {"weekday": "mon", "start": "08:00", "end": "12:00"},
            {"weekday": "mon", "start": "11:00", "end": "13:00"}
        ]);
        let r = app.post("/api/v1/queues", Some(&m), overlapping).await;
        assert_problem(
            &r,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("opening_hours[1]"),
        );

        let mut many = queue_body("Bad", "en", "Mars/Base");
        many["service_level"] = json!({"target": 2.0, "threshold_seconds": 0});
        let r = app.post("/api/v1/queues", Some(&m), many).await;
        assert_eq!(
            r.body["errors"].as_array().unwrap().len(),
            3,
            "{:?}",
            r.body
        );

        // Malformed JSON, a missing field, an unknown field, the wrong content type, an oversized body.
        let raw = app
            .client
            .post(app.url("/api/v1/queues"))
            .bearer_auth(&m)
            .header("content-type", "application/json")
            .body("{\"name\": ")
            .send()
            .await
            .unwrap();
        assert_problem(&common::reply(raw).await, StatusCode::BAD_REQUEST, None);
        let mut missing = queue_body("Bad", "en", "UTC");
        missing.as_object_mut().unwrap().remove("time_zone");
        assert_problem(
            &app.post("/api/v1/queues", Some(&m), missing).await,
            StatusCode::BAD_REQUEST,
            Some("time_zone"),
        );
        let mut unknown = queue_body("Bad", "en", "UTC");
        unknown["colour"] = json!("red");
        assert_problem(
            &app.post("/api/v1/queues", Some(&m), unknown).await,
            StatusCode::BAD_REQUEST,
            Some("colour"),
        );
        // A value of the wrong type is named by its path in the body, nested ones included.
        let mut float = queue_body("Bad", "en", "UTC");
        float["interval_minutes"] = json!(30.5);
        assert_problem(
            &app.post("/api/v1/queues", Some(&m), float).await,
            StatusCode::BAD_REQUEST,
            Some("interval_minutes"),
        );
        let mut nested = queue_body("Bad", "en", "UTC");
        nested["opening_hours"] = json!([{"weekday": "mon", "start": 8, "end": "18:00"}]);
        assert_problem(
            &app.post("/api/v1/queues", Some(&m), nested).await,
            StatusCode::BAD_REQUEST,
            Some("opening_hours[0].start"),
        );
        // So is a query parameter that does not parse.
        assert_problem(
            &app.get("/api/v1/queues?limit=abc", Some(&m)).await,
            StatusCode::BAD_REQUEST,
            Some("limit"),
        );
        let text = app
            .client
            .post(app.url("/api/v1/queues"))
            .bearer_auth(&m)
            .header("content-type", "text/plain")
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_problem(
            &common::reply(text).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        );
        let mut huge = queue_body("Bad", "en", "UTC");
        huge["name"] = json!("x".repeat(100 * 1024));
        assert_problem(
            &app.post("/api/v1/queues", Some(&m), huge).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
        );

        let list = app.get("/api/v1/queues", Some(&m)).await;
        assert_eq!(list.body["total"], 0, "a rejected request wrote something");
    }
);

both_backends!(unknown_routes_are_problems, |app: TestApp| async move {
    let r = app.get("/api/v1/nothing-here", None).await;
    assert_problem(&r, StatusCode::NOT_FOUND, None);
});

both_backends!(
    a_queue_a_schedule_plans_is_kept_until_the_schedule_is_discarded,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let swedish = common::roster::seed(&app, &m).await;
        let finnish = common::roster::add_queue(&app, &m, "Finnish chat", "fi").await;
        // Without workers the schedule stays queued: it still needs its queue to be solved.
        let schedule = app
            .post(
                "/api/v1/schedules",
                Some(&m),
                json!({"from": "2026-03-02", "weeks": 1, "queue_ids": [swedish]}),
            )
            .await;
        assert_eq!(schedule.status, StatusCode::ACCEPTED, "{:?}", schedule.body);
        let schedule = schedule.body["id"].as_str().unwrap().to_string();

        let refused = app
            .delete(&format!("/api/v1/queues/{swedish}"), Some(&m))
            .await;
        assert_problem(&refused, StatusCode::CONFLICT, None);
        let detail = refused.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(&schedule), "{detail}");
        assert_eq!(
            app.get(&format!("/api/v1/queues/{swedish}"), Some(&m))
                .await
                .status,
            StatusCode::OK
        );
        // A queue no schedule plans goes at once.
        assert_eq!(
            app.delete(&format!("/api/v1/queues/{finnish}"), Some(&m))
                .await
                .status,
            StatusCode::NO_CONTENT
        );

        let discarded = app
            .delete(&format!("/api/v1/schedules/{schedule}"), Some(&m))
            .await;
        assert_eq!(discarded.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.delete(&format!("/api/v1/queues/{swedish}"), Some(&m))
                .await
                .status,
            StatusCode::NO_CONTENT
        );
    }
);
