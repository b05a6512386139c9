//! Agents over HTTP: CRUD, availability, shift preferences, unique emails, bad input, and who may
//! see what.

mod common;

use common::{agent_body, assert_problem, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;

both_backends!(create_read_update_delete, |app: TestApp| async move {
    let m = app.manager_token().await;
    let created = app
        .post(
            "/api/v1/agents",
            Some(&m),
            agent_body("Lina Berg", "Lina@Example.com"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["email"], "lina@example.com");
    assert_eq!(created.body["status"], "active");
    assert_eq!(created.body["availability"]["weekly_hours"], json!(16.0));
    assert_eq!(created.body["availability"]["time_zone"], "Asia/Manila");
    assert_eq!(
        created.body["availability"]["exceptions"][0]["date"],
        "2026-12-24"
    );
    assert_eq!(created.body["contract"]["min_consecutive_days_off"], 2);
    let id = created.body["id"].as_str().unwrap().to_string();

    let mut changed = agent_body("Lina Berg", "lina.berg@example.com");
    changed["status"] = json!("inactive");
    changed["languages"] = json!([{"language": "fi", "proficiency": "native"}]);
    let updated = app
        .put(&format!("/api/v1/agents/{id}"), Some(&m), changed)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(
        updated.body["languages"],
        json!([{"language": "fi", "proficiency": "native"}])
    );
    assert_eq!(updated.body["status"], "inactive");

    let inactive = app.get("/api/v1/agents?status=inactive", Some(&m)).await;
    assert_eq!(inactive.body["total"], 1);
    let finnish = app.get("/api/v1/agents?language=fi", Some(&m)).await;
    assert_eq!(finnish.body["total"], 1);
    let swedish = app.get("/api/v1/agents?language=sv", Some(&m)).await;
    assert_eq!(swedish.body["total"], 0);
    let by_name = app.get("/api/v1/agents?q=BERG", Some(&m)).await;
    assert_eq!(by_name.body["total"], 1);
    // LIKE's wildcards in the search text match themselves only.
    let other = app
        .post(
            "/api/v1/agents",
            Some(&m),
            agent_body("John Doe", "john_doe@example.com"),
        )
        .await;
    assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);
    for (q, total) in [("john_doe", 1), ("_", 1), ("%", 0), ("john%doe", 0)] {
        let found = app.get(&format!("/api/v1/agents?q={q}"), Some(&m)).await;
        assert_eq!(found.body["total"], total, "q={q}: {:?}", found.body);
    }
    assert_problem(
        &app.get("/api/v1/agents?status=bogus", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        Some("status"),
    );
    assert_problem(
        &app.get("/api/v1/queues?channel=fax", Some(&m)).await,
        StatusCode::BAD_REQUEST,
        Some("channel"),
    );

    assert_eq!(
        app.delete(&format!("/api/v1/agents/{id}"), Some(&m))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_problem(
        &app.get(&format!("/api/v1/agents/{id}"), Some(&m)).await,
        StatusCode::NOT_FOUND,
        None,
    );
});

both_backends!(emails_are_unique, |app: TestApp| async move {
    let m = app.manager_token().await;
    assert_eq!(
        app.post(
            "/api/v1/agents",
            Some(&m),
            agent_body("A", "same@example.com")
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let dup = app
        .post(
            "/api/v1/agents",
            Some(&m),
            agent_body("B", "SAME@example.com"),
        )
        .await;
    assert_problem(&dup, StatusCode::CONFLICT, Some("email"));
    let list = app.get("/api/v1/agents", Some(&m)).await;
    assert_eq!(list.body["total"], 1);
});

both_backends!(
    bad_agents_are_rejected_with_the_field,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let cases: Vec<(&str, serde_json::Value, &str)> = vec![
            ("email", json!("not-an-email"), "email"),
            ("time_zone", json!("Moon/Base"), "time_zone"),
            (
                "languages",
                json!([{"language": "zz", "proficiency": "native"}]),
                "languages[0].language",
            ),
            ("languages", json!([]), "languages"),
            (
                "contract",
                json!({"min_hours_per_week": 30, "max_hours_per_week": 20, "max_shifts_per_week": 5,
                             "min_rest_hours": 11, "max_consecutive_days": 5}),
                "contract.min_hours_per_week",
            ),
            (
                "contract",
                json!({"min_hours_per_week": 0, "max_hours_per_week": 30, "max_shifts_per_week": 5,
                       "min_rest_hours": 11, "max_consecutive_days": 4_294_967_295u32,
                       "min_consecutive_days_off": 1}),
                "contract.max_consecutive_days",
            ),
            (
                "contract",
                json!({"min_hours_per_week": 0, "max_hours_per_week": 30, "max_shifts_per_week": 5,
                       "min_rest_hours": 11, "max_consecutive_days": 1,
                       "min_consecutive_days_off": 4_294_967_295u32}),
                "contract.min_consecutive_days_off",
            ),
            (
                "availability",
                json!({"weekly": [{"weekday": "mon", "start": "08:00", "end": "12:00"},
                                            {"weekday": "mon", "start": "10:00", "end": "14:00"}]}),
                "availability.weekly[1]",
            ),
        ];
        for (key, value, field) in cases {
            let mut body = agent_body("Bad", "bad@example.com");
            body[key] = value;
            let r = app.post("/api/v1/agents", Some(&m), body).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
        }
        assert_eq!(app.get("/api/v1/agents", Some(&m)).await.body["total"], 0);
    }
);

both_backends!(
    agents_manage_only_their_own_availability,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let (me, my_token) = app.agent_with_token(&m, "me@example.com").await;
        let (other, _) = app.agent_with_token(&m, "other@example.com").await;

        let own = app
            .get(&format!("/api/v1/agents/{me}"), Some(&my_token))
            .await;
        assert_eq!(own.status, StatusCode::OK);
        let new_availability = json!({"weekly": [{"weekday": "sat", "start": "09:00", "end": "17:00"}],
                                  "exceptions": [{"date": "2026-12-31", "start": "09:00", "end": "12:00"}]});
        let put = app
            .put(
                &format!("/api/v1/agents/{me}/availability"),
                Some(&my_token),
                new_availability.clone(),
            )
            .await;
        assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
        assert_eq!(put.body["weekly_hours"], json!(8.0));
        let read = app
            .get(
                &format!("/api/v1/agents/{me}/availability"),
                Some(&my_token),
            )
            .await;
        assert_eq!(read.body["weekly"], new_availability["weekly"]);

        let bad = json!({"weekly": [{"weekday": "sat", "start": "17:00", "end": "09:00"}]});
        let r = app
            .put(
                &format!("/api/v1/agents/{me}/availability"),
                Some(&my_token),
                bad,
            )
            .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("weekly[0].end"));
        // Dated exceptions lie in the years the service plans (2000 to 2199).
        for date in ["0001-01-01", "9999-12-31"] {
            let far = json!({"weekly": [], "exceptions": [{"date": date}]});
            let r = app
                .put(
                    &format!("/api/v1/agents/{me}/availability"),
                    Some(&my_token),
                    far,
                )
                .await;
            assert_problem(
                &r,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("exceptions[0].date"),
            );
        }

        // Another agent's record, availability and the agent list are off limits.
        for (method, path) in [
            (Method::GET, format!("/api/v1/agents/{other}")),
            (Method::GET, format!("/api/v1/agents/{other}/availability")),
            (Method::PUT, format!("/api/v1/agents/{other}/availability")),
            (Method::GET, "/api/v1/agents".to_string()),
            (Method::POST, "/api/v1/agents".to_string()),
            (Method::PUT, format!("/api/v1/agents/{me}")),
            (Method::DELETE, format!("/api/v1/agents/{me}")),
            (Method::PUT, format!("/api/v1/agents/{me}/password")),
        ] {
            let body = match method {
                Method::PUT if path.ends_with("availability") => Some(new_availability.clone()),
                Method::PUT if path.ends_with("password") => {
                    Some(json!({"password": "x".repeat(12)}))
                }
                Method::PUT | Method::POST => Some(agent_body("X", "x@example.com")),
                _ => None,
            };
            let r = app.call(method.clone(), &path, Some(&my_token), body).await;
            assert_problem(&r, StatusCode::FORBIDDEN, None);
        }
        let untouched = app.get(&format!("/api/v1/agents/{other}"), Some(&m)).await;
        assert_eq!(untouched.body["availability"]["weekly_hours"], json!(16.0));

        // The manager can change anyone's availability; an agent's changed password signs it in.
        let r = app
            .put(
                &format!("/api/v1/agents/{other}/availability"),
                Some(&m),
                new_availability,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
);

both_backends!(
    agents_state_their_own_shift_preferences,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let (me, my_token) = app.agent_with_token(&m, "me@example.com").await;
        let (other, _) = app.agent_with_token(&m, "other@example.com").await;
        let path = format!("/api/v1/agents/{me}/preferences");

        let none = app.get(&path, Some(&my_token)).await;
        assert_eq!(none.status, StatusCode::OK);
        assert_eq!(none.body["preferred_start_times"], json!([]));

        let wishes = json!({"preferred_start_times": ["14:00", "09:30", "14:00"], "start_weight": 2,
                            "preferred_days_off": ["sun", "sat"], "days_off_weight": 5});
        let put = app.put(&path, Some(&my_token), wishes).await;
        assert_eq!(put.status, StatusCode::OK, "{:?}", put.body);
        // Sorted, duplicates dropped; read back the same way, and shown with the agent.
        assert_eq!(put.body["preferred_start_times"], json!(["09:30", "14:00"]));
        assert_eq!(put.body["preferred_days_off"], json!(["sat", "sun"]));
        assert_eq!(app.get(&path, Some(&my_token)).await.body, put.body);
        let record = app.get(&format!("/api/v1/agents/{me}"), Some(&m)).await;
        assert_eq!(record.body["preferences"], put.body);
        // A manager replacing the agent without `preferences` keeps them; with them, sets them.
        let mut contract_change = agent_body("Test Agent", "me@example.com");
        contract_change["contract"]["max_hours_per_week"] = json!(20);
        let replaced = app
            .put(
                &format!("/api/v1/agents/{me}"),
                Some(&m),
                contract_change.clone(),
            )
            .await;
        assert_eq!(replaced.status, StatusCode::OK, "{:?}", replaced.body);
        assert_eq!(replaced.body["preferences"], put.body);
        contract_change["preferences"] = json!({});
        let cleared = app
            .put(&format!("/api/v1/agents/{me}"), Some(&m), contract_change)
            .await;
        assert_eq!(cleared.body["preferences"]["preferred_days_off"], json!([]));

        for (body, field) in [
            (
                json!({"preferred_start_times": ["9am"]}),
                "preferred_start_times[0]",
            ),
            (json!({"start_weight": 1000}), "start_weight"),
            (
                json!({"preferred_days_on": ["sat"], "preferred_days_off": ["sat"]}),
                "preferred_days_off[0]",
            ),
        ] {
            let r = app.put(&path, Some(&my_token), body).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
        }
        let unknown = app
            .put(&path, Some(&my_token), json!({"start_wieght": 1}))
            .await;
        assert_problem(&unknown, StatusCode::BAD_REQUEST, Some("start_wieght"));

        // Someone else's wishes are off limits to an agent; a manager may set anyone's.
        let theirs = format!("/api/v1/agents/{other}/preferences");
        assert_problem(
            &app.get(&theirs, Some(&my_token)).await,
            StatusCode::FORBIDDEN,
            None,
        );
        let body = json!({"preferred_days_on": ["mon"], "days_on_weight": 1});
        assert_problem(
            &app.put(&theirs, Some(&my_token), body.clone()).await,
            StatusCode::FORBIDDEN,
            None,
        );
        let set = app.put(&theirs, Some(&m), body).await;
        assert_eq!(set.body["preferred_days_on"], json!(["mon"]));
        assert_problem(
            &app.get("/api/v1/agents/nobody/preferences", Some(&m)).await,
            StatusCode::NOT_FOUND,
            None,
        );
    }
);

both_backends!(
    agents_with_published_shifts_are_kept,
    |app: TestApp| async move {
        use chatroster::db;
        let m = app.manager_token().await;
        let q = app
            .post(
                "/api/v1/queues",
                Some(&m),
                common::queue_body("Swedish", "sv", "Europe/Stockholm"),
            )
            .await;
        let queue = q.body["id"].as_str().unwrap().to_string();
        let mut ids = Vec::new();
        for email in [
            "worked@example.com",
            "rostered@example.com",
            "new@example.com",
        ] {
            let r = app
                .post("/api/v1/agents", Some(&m), agent_body("Lina Berg", email))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
            ids.push(r.body["id"].as_str().unwrap().to_string());
        }
        let [worked, rostered, newcomer] = [&ids[0], &ids[1], &ids[2]];
        // A shift worked in the past (payroll) and one published for the future.
        let past = common::published_shift(
            worked,
            &queue,
            "2026-01-05T06:00:00Z",
            "2026-01-05T14:00:00Z",
        );
        let future = common::published_shift(
            rostered,
            &queue,
            "2199-01-05T06:00:00Z",
            "2199-01-05T14:00:00Z",
        );
        let mut conn = app.pool.get().unwrap();
        db::shifts::insert_all(&mut conn, &[past.clone(), future.clone()]).unwrap();
        drop(conn);

        for (agent, shift) in [(worked, &past), (rostered, &future)] {
            let path = format!("/api/v1/agents/{agent}");
            let r = app.delete(&path, Some(&m)).await;
            assert_problem(&r, StatusCode::CONFLICT, None);
            let detail = r.body["detail"].as_str().unwrap();
            assert!(detail.contains("inactive"), "{detail}");
            assert_eq!(app.get(&path, Some(&m)).await.status, StatusCode::OK);
            let kept = db::shifts::get(&mut app.pool.get().unwrap(), &shift.id).unwrap();
            assert_eq!(kept.agent_id.as_deref(), Some(agent.as_str()));
            assert!(kept.is_active());
        }
        // Set inactive, as the refusal says, the agent stays with the shift.
        let mut body = agent_body("Lina Berg", "rostered@example.com");
        body["status"] = json!("inactive");
        let r = app
            .put(&format!("/api/v1/agents/{rostered}"), Some(&m), body)
            .await;
        assert_eq!(r.body["status"], "inactive", "{:?}", r.body);
        assert!(db::shifts::get(&mut app.pool.get().unwrap(), &future.id)
            .unwrap()
            .is_active());

        // An agent who holds no shift can still be deleted.
        let path = format!("/api/v1/agents/{newcomer}");
        assert_eq!(
            app.delete(&path, Some(&m)).await.status,
            StatusCode::NO_CONTENT
        );
        assert_problem(&app.get(&path, Some(&m)).await, StatusCode::NOT_FOUND, None);
    }
);
