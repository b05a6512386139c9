//! The stateless Erlang calculator over HTTP.

mod common;

use common::{assert_problem, TestApp};
use reqwest::StatusCode;
use serde_json::json;

both_backends!(
    erlang_calculator_matches_references,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        // Call Centre Helper, "Erlang C formula - made simple": 100 calls per 30 minutes, AHT 180 s,
        // 80% answered within 20 s needs 14 agents; 13 agents give 79.6%, 14 give 88.8%.
        let base = json!({"arrivals": 100, "interval_minutes": 30, "aht_seconds": 180, "sl_threshold_seconds": 20});
        let mut find = base.clone();
        find["targets"] = json!({"service_level": 0.8, "max_occupancy": 1.0});
        let r = app.post("/api/v1/staffing/erlang", Some(&m), find).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["model"], "erlang_c");
        assert_eq!(r.body["agents"], 14);
        assert_eq!(r.body["requirement"]["required"], 14);
        assert!(
            (r.body["figures"]["service_level"].as_f64().unwrap() - 0.888).abs() < 0.001,
            "{:?}",
            r.body
        );
        assert!(r.body["service_level_definition"]
            .as_str()
            .unwrap()
            .contains("all arrivals"));

        let mut thirteen = base.clone();
        thirteen["agents"] = json!(13);
        let r = app
            .post("/api/v1/staffing/erlang", Some(&m), thirteen)
            .await;
        assert!(
            (r.body["figures"]["service_level"].as_f64().unwrap() - 0.796).abs() < 0.001,
            "{:?}",
            r.body
        );
        assert!((r.body["figures"]["offered_load_erlangs"].as_f64().unwrap() - 10.0).abs() < 1e-9);

        // Overloaded: 9 agents for 10 Erlangs is unstable under Erlang C — no NaN, ASA null.
        let mut overloaded = base.clone();
        overloaded["agents"] = json!(9);
        let r = app
            .post("/api/v1/staffing/erlang", Some(&m), overloaded)
            .await;
        assert_eq!(r.body["figures"]["stable"], false);
        assert_eq!(r.body["figures"]["service_level"], json!(0.0));
        assert!(r.body["figures"]["asa_seconds"].is_null());

        // Erlang A: impatient customers leave, so fewer agents meet the same target and abandonment shows.
        let mut patient = base.clone();
        patient["targets"] = json!({"service_level": 0.8, "max_occupancy": 1.0});
        patient["patience_seconds"] = json!(120);
        let r = app.post("/api/v1/staffing/erlang", Some(&m), patient).await;
        assert_eq!(r.body["model"], "erlang_a");
        assert!(r.body["agents"].as_u64().unwrap() <= 14);
        assert!(r.body["figures"]["p_abandon"].as_f64().unwrap() > 0.0);

        // Chat concurrency 2 at a slower per-chat AHT, shrinkage and a floor.
        let chat = json!({"arrivals": 100, "interval_minutes": 30, "aht_by_concurrency": [180, 240],
        "sl_threshold_seconds": 20, "targets": {"service_level": 0.8}, "shrinkage": 0.3, "floor_agents": 2});
        let r = app.post("/api/v1/staffing/erlang", Some(&m), chat).await;
        assert_eq!(r.body["concurrency"], 2);
        let required = r.body["requirement"]["required"].as_u64().unwrap();
        assert!(
            required < 14,
            "two chats at once need fewer agents: {:?}",
            r.body
        );
        assert_eq!(
            r.body["requirement"]["scheduled"].as_u64().unwrap(),
            (required as f64 / 0.7).ceil() as u64
        );

        // Zero arrivals: the floor alone.
        let quiet = json!({"arrivals": 0, "interval_minutes": 15, "aht_seconds": 300, "sl_threshold_seconds": 60,
        "targets": {"service_level": 0.8}, "floor_agents": 1});
        let r = app.post("/api/v1/staffing/erlang", Some(&m), quiet).await;
        assert_eq!(r.body["requirement"]["required_by_load"], 0);
        assert_eq!(r.body["requirement"]["floor_uplift"], 1);
    }
);

both_backends!(
    erlang_calculator_rejects_bad_input,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let base = json!({"arrivals": 100, "interval_minutes": 30, "aht_seconds": 180, "sl_threshold_seconds": 20});
        let mut neither = base.clone();
        assert_problem(
            &app.post("/api/v1/staffing/erlang", Some(&m), neither.clone())
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("agents"),
        );
        neither["agents"] = json!(10);
        neither["aht_seconds"] = json!(-5);
        assert_problem(
            &app.post("/api/v1/staffing/erlang", Some(&m), neither).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("aht_seconds"),
        );
        // Each error names the request's own field, whatever the staffing model calls it.
        let target = |t: serde_json::Value| {
            let mut body = base.clone();
            body["targets"] = t;
            body
        };
        let evaluate = |key: &str, value: serde_json::Value| {
            let mut body = base.clone();
            body["agents"] = json!(10);
            body[key] = value;
            body
        };
        let cases = [
            (
                target(json!({"service_level": 1.5})),
                "targets.service_level",
            ),
            (
                target(json!({"service_level": 0.8, "asa_seconds": -1})),
                "targets.asa_seconds",
            ),
            (
                target(json!({"service_level": 0.8, "max_occupancy": 0})),
                "targets.max_occupancy",
            ),
            (evaluate("patience_seconds", json!(0)), "patience_seconds"),
            (evaluate("agents", json!(200_001)), "agents"),
            (evaluate("arrivals", json!(1e308)), "arrivals"),
            (
                {
                    let mut body = target(json!({"service_level": 0.8}));
                    body["aht_seconds"] = serde_json::Value::Null;
                    body["aht_by_concurrency"] = json!([300, -1]);
                    body
                },
                "aht_by_concurrency",
            ),
            (
                {
                    let mut body = target(json!({"service_level": 0.8}));
                    body["floor_agents"] = json!(4_294_967_295u32);
                    body
                },
                "floor_agents",
            ),
        ];
        for (body, field) in cases {
            let r = app.post("/api/v1/staffing/erlang", Some(&m), body).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
        }
        let mut negative = base.clone();
        negative["arrivals"] = json!(-1);
        negative["agents"] = json!(3);
        assert_problem(
            &app.post("/api/v1/staffing/erlang", Some(&m), negative)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("arrivals"),
        );
        // A load beyond what staffing supports names the arrivals, not an empty field.
        let mut flood = base.clone();
        flood["arrivals"] = json!(1e9);
        flood["targets"] = json!({"service_level": 0.8});
        let r = app.post("/api/v1/staffing/erlang", Some(&m), flood).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("arrivals"));
        assert!(r.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("arrivals: offered load"));
        assert_problem(
            &app.post("/api/v1/staffing/erlang", None, base).await,
            StatusCode::UNAUTHORIZED,
            None,
        );
    }
);
