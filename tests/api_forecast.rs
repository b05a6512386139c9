//! History upload, special days, forecasts, requirements and backtests over HTTP.

mod common;

use chatroster::domain::forecast::{generate, HistoryRow, IntervalLength, SyntheticSpec};
use chrono::{NaiveDate, SecondsFormat};
use common::{assert_problem, queue_body, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn history_csv(rows: &[HistoryRow]) -> String {
    let mut out = String::from("interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds,escalations,escalation_aht_seconds,reason\n");
    for r in rows {
        let opt = |v: Option<f64>| v.map(|x| format!("{x:.1}")).unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{}\n",
            r.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            r.offered,
            r.ai_resolved,
            r.handed_to_human,
            r.abandoned,
            opt(r.aht_seconds),
            r.escalations.map(|e| e.to_string()).unwrap_or_default(),
            opt(r.escalation_aht_seconds),
            r.reason.clone().unwrap_or_default()
        ));
    }
    out
}

fn synthetic(zone: chrono_tz::Tz, start: NaiveDate, weeks: usize) -> Vec<HistoryRow> {
    let spec = SyntheticSpec::new(zone, IntervalLength::Min30, start, weeks, 7);
    generate(&spec).expect("synthetic history").rows
}

async fn queue_with_history(
    app: &TestApp,
    m: &str,
    zone: &str,
    start: NaiveDate,
    weeks: usize,
) -> (String, usize) {
    let rows = synthetic(zone.parse().unwrap(), start, weeks);
    queue_with_rows(app, m, zone, &rows).await
}

/// A new queue in `zone`, always closed (no floor), with `rows` uploaded as CSV.
async fn queue_with_rows(
    app: &TestApp,
    m: &str,
    zone: &str,
    rows: &[HistoryRow],
) -> (String, usize) {
    let mut body = queue_body("History queue", "sv", zone);
    body["opening_hours"] = json!([]);
    let q = app.post("/api/v1/queues", Some(m), body).await;
    let id = q.body["id"].as_str().unwrap().to_string();
    let csv = history_csv(rows);
    let r = app
        .client
        .post(app.url(&format!("/api/v1/queues/{id}/history")))
        .bearer_auth(m)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    let r = common::reply(r).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["inserted"], rows.len());
    (id, rows.len())
}

async fn upload(
    app: &TestApp,
    m: &str,
    id: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> common::Reply {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/queues/{id}/history")))
        .bearer_auth(m)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    common::reply(r).await
}

both_backends!(
    upload_is_idempotent_and_forecast_follows,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let (id, n) = queue_with_history(&app, &m, "Europe/Stockholm", start, 8).await;

        // Uploading the same range again replaces it rather than adding to it.
        let rows = synthetic(chrono_tz::Europe::Stockholm, start, 8);
        let again = upload(&app, &m, &id, "text/csv", history_csv(&rows)).await;
        assert_eq!(again.body["replaced"], n);
        let listed = app
            .get(&format!("/api/v1/queues/{id}/history?limit=5"), Some(&m))
            .await;
        assert_eq!(listed.body["total"], n);
        assert_eq!(
            listed.body["items"][0]["local_start"],
            "2026-01-05T00:00:00+01:00"
        );

        let f = app
            .get(&format!("/api/v1/queues/{id}/forecast"), Some(&m))
            .await;
        assert_eq!(f.status, StatusCode::OK, "{:?}", f.body);
        assert_eq!(f.body["from"], "2026-03-02");
        assert_eq!(f.body["to"], "2026-03-15");
        let intervals = f.body["intervals"].as_array().unwrap();
        assert_eq!(intervals.len(), 14 * 48);
        assert_eq!(intervals[0]["local_start"], "2026-03-02T00:00:00+01:00");
        for i in intervals {
            let (v, lo, hi) = (
                i["volume"].as_f64().unwrap(),
                i["volume_bounds"]["lo80"].as_f64().unwrap(),
                i["volume_bounds"]["hi80"].as_f64().unwrap(),
            );
            assert!(
                lo <= v + 1e-9 && v <= hi + 1e-9,
                "bounds must bracket the forecast: {i}"
            );
            let d = i["deflection_rate"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&d));
        }

        // What-if: the more the AI resolves, the fewer chats and agents are left for humans.
        let human = |v: &Value| v["total_human_chats"].as_f64().unwrap();
        let high = app
            .get(
                &format!("/api/v1/queues/{id}/forecast?deflection=0.9"),
                Some(&m),
            )
            .await;
        let low = app
            .get(
                &format!("/api/v1/queues/{id}/forecast?deflection=0.5"),
                Some(&m),
            )
            .await;
        assert!(human(&high.body) < human(&f.body) && human(&f.body) < human(&low.body));
        let hours = |v: &Value| v["totals"]["scheduled_agent_hours"].as_f64().unwrap();
        let req_high = app
            .get(
                &format!("/api/v1/queues/{id}/requirements?deflection=0.9"),
                Some(&m),
            )
            .await;
        let req_low = app
            .get(
                &format!("/api/v1/queues/{id}/requirements?deflection=0.5"),
                Some(&m),
            )
            .await;
        assert_eq!(req_high.status, StatusCode::OK, "{:?}", req_high.body);
        assert!(hours(&req_high.body) < hours(&req_low.body));
        let points = app.get(&format!("/api/v1/queues/{id}/requirements?deflection_points=-10&deflection_from=2026-03-09"), Some(&m)).await;
        let base = app
            .get(&format!("/api/v1/queues/{id}/requirements"), Some(&m))
            .await;
        assert!(hours(&points.body) > hours(&base.body));
        let first_week: f64 = points.body["intervals"].as_array().unwrap()[..7 * 48]
            .iter()
            .map(|i| i["required"].as_f64().unwrap())
            .sum();
        let base_first_week: f64 = base.body["intervals"].as_array().unwrap()[..7 * 48]
            .iter()
            .map(|i| i["required"].as_f64().unwrap())
            .sum();
        assert_eq!(
            first_week, base_first_week,
            "the scenario starts on 2026-03-09, not before"
        );
        // The floor keeps a human on every open interval, and its cost is shown separately.
        for i in base.body["intervals"].as_array().unwrap() {
            assert!(i["required"].as_u64().unwrap() >= 1);
            assert!(i["scheduled"].as_u64().unwrap() >= i["required"].as_u64().unwrap());
        }
        let uplift_hours: f64 = base.body["intervals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["floor_uplift"].as_f64().unwrap() * 0.5)
            .sum();
        assert!(
            (base.body["totals"]["floor_agent_hours"].as_f64().unwrap() - uplift_hours).abs()
                < 1e-9
        );
        for i in base.body["intervals"].as_array().unwrap() {
            let (by_load, floor, required) = (
                i["required_by_load"].as_u64().unwrap(),
                i["floor"].as_u64().unwrap(),
                i["required"].as_u64().unwrap(),
            );
            assert_eq!(required, by_load.max(floor));
            assert_eq!(i["floor_uplift"].as_u64().unwrap(), required - by_load);
        }
        let stricter = app
            .get(
                &format!("/api/v1/queues/{id}/requirements?sl_target=0.95"),
                Some(&m),
            )
            .await;
        assert!(hours(&stricter.body) > hours(&base.body));

        let bt = app
            .post(
                &format!("/api/v1/queues/{id}/backtest"),
                Some(&m),
                json!({"weeks": 3, "horizon_weeks": 1}),
            )
            .await;
        assert_eq!(bt.status, StatusCode::OK, "{:?}", bt.body);
        let model = bt.body["report"]["volume"]["model"]["wape"]
            .as_f64()
            .unwrap();
        let naive = bt.body["report"]["volume"]["naive"]["wape"]
            .as_f64()
            .unwrap();
        assert!(
            model < naive,
            "the model must beat seasonal naive: {model} vs {naive}"
        );
        assert!(bt.body["summary"].as_str().unwrap().contains("better"));

        for bad in [
            "from=2026-02-01",
            "to=2026-01-01",
            "from=2026-03-02&to=2026-07-01",
            "deflection=1.5",
            "from=yesterday",
        ] {
            let r = app
                .get(&format!("/api/v1/queues/{id}/forecast?{bad}"), Some(&m))
                .await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, None);
        }
    }
);

both_backends!(bad_uploads_are_rejected_whole, |app: TestApp| async move {
    let m = app.manager_token().await;
    let q = app
        .post(
            "/api/v1/queues",
            Some(&m),
            queue_body("Q", "sv", "Europe/Stockholm"),
        )
        .await;
    let id = q.body["id"].as_str().unwrap().to_string();
    let header = "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds\n";
    let mut csv = header.to_string();
    for h in 0..10 {
        csv.push_str(&format!("2026-01-05T{h:02}:00:00Z,10,6,4,0,300\n"));
    }
    csv.push_str("2026-01-05T10:00:00Z,10,9,4,0,300\n");
    let r = upload(&app, &m, &id, "text/csv", csv).await;
    assert_problem(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("handed_to_human"),
    );
    assert!(
        r.body["detail"].as_str().unwrap().contains("line 12"),
        "{:?}",
        r.body
    );
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("nothing was written"));
    let gap = format!("{header}2026-03-29 02:00,1,0,1,0,300\n");
    let r = upload(&app, &m, &id, "text/csv", gap).await;
    assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("interval_start"));
    assert_eq!(
        app.get(&format!("/api/v1/queues/{id}/history"), Some(&m))
            .await
            .body["total"],
        0
    );

    let r = upload(&app, &m, &id, "text/plain", "x").await;
    assert_problem(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, None);
    let json_rows = json!({"rows": [{"interval_start": "2026-01-05 10:00", "offered": 5, "ai_resolved": 3,
        "handed_to_human": 2, "abandoned": 0, "aht_seconds": 420, "reason": "refund"}]});
    let r = upload(&app, &m, &id, "application/json", json_rows.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["first_interval"], "2026-01-05T09:00:00Z");
    let f = app
        .get(&format!("/api/v1/queues/{id}/forecast"), Some(&m))
        .await;
    assert_problem(&f, StatusCode::UNPROCESSABLE_ENTITY, Some("history"));
    let missing = app.get("/api/v1/queues/nope/forecast", Some(&m)).await;
    assert_problem(&missing, StatusCode::NOT_FOUND, None);
});

both_backends!(
    special_days_and_stateless_forecast,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let start = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap();
        let (id, _) = queue_with_history(&app, &m, "Australia/Sydney", start, 8).await;
        let closed = app.post("/api/v1/special-days", Some(&m), json!({"queue_id": id, "date": "2026-10-05", "kind": "closed", "label": "Labour Day"})).await;
        assert_eq!(closed.status, StatusCode::CREATED, "{:?}", closed.body);
        let bad = app
            .post(
                "/api/v1/special-days",
                Some(&m),
                json!({"date": "2026-10-05", "kind": "multiplier", "label": "x"}),
            )
            .await;
        assert_problem(&bad, StatusCode::UNPROCESSABLE_ENTITY, Some("multiplier"));
        // A second entry for the same queue and date would contradict the first.
        let twice = app
            .post(
                "/api/v1/special-days",
                Some(&m),
                json!({"queue_id": id, "date": "2026-10-05", "kind": "multiplier", "multiplier": 2, "label": "Campaign"}),
            )
            .await;
        assert_problem(&twice, StatusCode::CONFLICT, Some("date"));
        for (body, field, status) in [
            (
                json!({"date": "9999-12-31", "kind": "closed", "label": "x"}),
                "date",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({"queue_id": "nope", "date": "2026-10-06", "kind": "closed", "label": "x"}),
                "queue_id",
                StatusCode::NOT_FOUND,
            ),
        ] {
            let r = app.post("/api/v1/special-days", Some(&m), body).await;
            assert_problem(&r, status, Some(field));
        }
        let listed = app
            .get(&format!("/api/v1/special-days?queue_id={id}"), Some(&m))
            .await;
        assert_eq!(listed.body.as_array().unwrap().len(), 1);

        // Sydney springs forward on 2026-10-04: that local day has 23 hours, 46 half-hour intervals.
        let f = app
            .get(
                &format!("/api/v1/queues/{id}/forecast?from=2026-10-03&to=2026-10-05"),
                Some(&m),
            )
            .await;
        assert_eq!(f.status, StatusCode::OK, "{:?}", f.body);
        let per_day = |day: &str| {
            f.body["intervals"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["local_start"].as_str().unwrap().starts_with(day))
                .count()
        };
        assert_eq!(
            (
                per_day("2026-10-03"),
                per_day("2026-10-04"),
                per_day("2026-10-05")
            ),
            (48, 46, 48)
        );
        let labour_day: f64 = f.body["intervals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["local_start"].as_str().unwrap().starts_with("2026-10-05"))
            .map(|i| i["volume"].as_f64().unwrap())
            .sum();
        assert_eq!(labour_day, 0.0, "a closed day has no chats");
        let day_id = closed.body["id"].as_str().unwrap();
        assert_eq!(
            app.delete(&format!("/api/v1/special-days/{day_id}"), Some(&m))
                .await
                .status,
            StatusCode::NO_CONTENT
        );

        // The stateless forecast takes the series in the body and stores nothing.
        let rows = synthetic(
            chrono_tz::Europe::Stockholm,
            NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
            4,
        );
        let history: Vec<Value> = rows.iter().map(|r| json!({
        "interval_start": r.start.to_rfc3339(), "offered": r.offered, "ai_resolved": r.ai_resolved,
        "handed_to_human": r.handed_to_human, "abandoned": r.abandoned, "aht_seconds": r.aht_seconds,
        "reason": r.reason})).collect();
        let body = json!({"time_zone": "Europe/Stockholm", "interval_minutes": 30, "horizon_days": 7, "history": history});
        let r = app.post("/api/v1/forecast", Some(&m), body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["intervals"].as_array().unwrap().len(), 7 * 48);
        let mut bad = body;
        bad["time_zone"] = json!("Nowhere/Land");
        assert_problem(
            &app.post("/api/v1/forecast", Some(&m), bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("time_zone"),
        );

        let (_, agent) = app.agent_with_token(&m, "agent@example.com").await;
        assert_problem(
            &app.get(&format!("/api/v1/queues/{id}/forecast"), Some(&agent))
                .await,
            StatusCode::FORBIDDEN,
            None,
        );
        assert_problem(
            &app.get(&format!("/api/v1/queues/{id}/history"), Some(&agent))
                .await,
            StatusCode::FORBIDDEN,
            None,
        );
    }
);

#[actix_web::test]
async fn oversized_uploads_are_refused_and_write_nothing() {
    let app = common::spawn_with(common::Kind::Sqlite, |c| c.max_upload_bytes = 2_000)
        .await
        .unwrap();
    let m = app.manager_token().await;
    let q = app
        .post("/api/v1/queues", Some(&m), queue_body("Q", "sv", "UTC"))
        .await;
    let id = q.body["id"].as_str().unwrap().to_string();
    let mut csv =
        String::from("interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds\n");
    for i in 0..100 {
        csv.push_str(&format!(
            "2026-01-{:02}T{:02}:{:02}:00Z,10,6,4,0,300\n",
            5 + i / 48,
            i / 2 % 24,
            (i % 2) * 30
        ));
    }
    let r = upload(&app, &m, &id, "text/csv", csv).await;
    assert_problem(&r, StatusCode::PAYLOAD_TOO_LARGE, None);
    assert_eq!(
        app.get(&format!("/api/v1/queues/{id}/history"), Some(&m))
            .await
            .body["total"],
        0
    );
}

/// Intervals of a forecast or requirements reply per local date (`YYYY-MM-DD`).
fn per_local_day(body: &Value) -> std::collections::BTreeMap<String, usize> {
    let mut days = std::collections::BTreeMap::new();
    for i in body["intervals"].as_array().unwrap() {
        let day = i["local_start"].as_str().unwrap()[..10].to_string();
        *days.entry(day).or_insert(0) += 1;
    }
    days
}

both_backends!(
    every_requested_local_day_is_covered_when_history_ends_mid_day,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        // Five weeks exported in UTC: the last row is 2026-12-07 00:30 in Stockholm.
        let rows = synthetic(
            chrono_tz::UTC,
            NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            5,
        );
        let (id, _) = queue_with_rows(&app, &m, "Europe/Stockholm", &rows).await;
        for what in ["forecast", "requirements"] {
            let f = app
                .get(&format!("/api/v1/queues/{id}/{what}"), Some(&m))
                .await;
            assert_eq!(f.status, StatusCode::OK, "{what}: {:?}", f.body);
            assert_eq!(
                (f.body["from"].as_str(), f.body["to"].as_str()),
                (Some("2026-12-08"), Some("2026-12-21"))
            );
            let days = per_local_day(&f.body);
            assert_eq!(days.len(), 14, "{what}: {days:?}");
            assert!(days.values().all(|n| *n == 48), "{what}: {days:?}");
            let intervals = f.body["intervals"].as_array().unwrap();
            assert_eq!(intervals[0]["local_start"], "2026-12-08T00:00:00+01:00");
            assert_eq!(
                intervals[intervals.len() - 1]["local_start"],
                "2026-12-21T23:30:00+01:00"
            );

            let one = app
                .get(
                    &format!("/api/v1/queues/{id}/{what}?from=2026-12-10&to=2026-12-10"),
                    Some(&m),
                )
                .await;
            assert_eq!(one.status, StatusCode::OK, "{what}: {:?}", one.body);
            assert_eq!(
                per_local_day(&one.body),
                [("2026-12-10".to_string(), 48)].into()
            );
        }
        // The last day the horizon allows is there in full too.
        let last = app
            .get(
                &format!("/api/v1/queues/{id}/forecast?from=2027-03-01&to=2027-03-01"),
                Some(&m),
            )
            .await;
        assert_eq!(last.status, StatusCode::OK, "{:?}", last.body);
        assert_eq!(
            per_local_day(&last.body),
            [("2027-03-01".to_string(), 48)].into()
        );

        // Across DST: history ending mid-day before the 23-hour and the 25-hour day.
        let spring = synthetic(
            chrono_tz::UTC,
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            5,
        );
        let (spring_id, _) = queue_with_rows(&app, &m, "Europe/Stockholm", &spring).await;
        let fall = synthetic(
            chrono_tz::UTC,
            NaiveDate::from_ymd_opt(2026, 8, 17).unwrap(),
            5,
        );
        let (fall_id, _) = queue_with_rows(&app, &m, "Europe/Stockholm", &fall).await;
        for (queue, range, expected) in [
            (&spring_id, "from=2027-03-27&to=2027-03-29", [48, 46, 48]),
            (&fall_id, "from=2026-10-24&to=2026-10-26", [48, 50, 48]),
        ] {
            for what in ["forecast", "requirements"] {
                let r = app
                    .get(&format!("/api/v1/queues/{queue}/{what}?{range}"), Some(&m))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{what} {range}: {:?}", r.body);
                let counts: Vec<usize> = per_local_day(&r.body).into_values().collect();
                assert_eq!(counts, expected, "{what} {range}");
            }
        }
    }
);

const HEADER: &str = "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds\n";

fn history_total(body: &Value) -> u64 {
    body["total"].as_u64().unwrap()
}

both_backends!(
    rows_a_forecast_cannot_use_are_refused_and_stored_ones_can_be_deleted,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let (id, n) = queue_with_history(&app, &m, "Europe/Stockholm", start, 5).await;
        let listed = format!("/api/v1/queues/{id}/history?limit=1");

        for (row, field, says) in [
            (
                "9999-12-31 23:30,10,6,4,0,300",
                "interval_start",
                "2000 to 2199",
            ),
            (
                "1999-12-31T23:00:00Z,10,6,4,0,300",
                "interval_start",
                "2000 to 2199",
            ),
            (
                "2026-02-09T10:00:00Z,4294967295,0,4294967295,0,300",
                "offered",
                "300000",
            ),
            ("2026-02-09T10:00:00Z,300001,0,1,0,300", "offered", "300000"),
            (
                "2026-02-09T10:00:00Z,250000,0,250000,0,900",
                "aht_seconds",
                "Erlangs",
            ),
        ] {
            let r = upload(&app, &m, &id, "text/csv", format!("{HEADER}{row}\n")).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
            let detail = r.body["detail"].as_str().unwrap();
            assert!(
                detail.contains("line 2:") && detail.contains(says),
                "{row}: {detail}"
            );
            assert_eq!(r.body["errors"][0]["field"], field);
        }
        assert_eq!(
            history_total(&app.get(&listed, Some(&m)).await.body),
            n as u64
        );

        // A row stored before uploads refused such years: the forecast names the history, and
        // deleting the row (the open end reaches it) makes the queue usable again.
        let far = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap();
        common::store_history_unchecked(&app, &[common::history_db_row(&id, far, 10, 4)]);
        let forecast = format!("/api/v1/queues/{id}/forecast");
        assert_problem(
            &app.get(&forecast, Some(&m)).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("history"),
        );
        let gone = app
            .delete(
                &format!("/api/v1/queues/{id}/history?from=2200-01-01T00:00:00Z"),
                Some(&m),
            )
            .await;
        assert_eq!(gone.status, StatusCode::OK, "{:?}", gone.body);
        assert_eq!(gone.body["deleted"], 1);
        let f = app.get(&forecast, Some(&m)).await;
        assert_eq!(f.status, StatusCode::OK, "{:?}", f.body);
        assert_eq!(f.body["from"], "2026-02-09");

        // Backtest settings name themselves.
        let backtest = format!("/api/v1/queues/{id}/backtest");
        for (body, field) in [
            (json!({"weeks": 0, "horizon_weeks": 0}), "horizon_weeks"),
            (json!({"weeks": 100000, "horizon_weeks": 1}), "weeks"),
            (json!({"weeks": 100000}), "weeks"),
            (json!({"weeks": 2, "horizon_weeks": 3}), "weeks"),
            (json!({"weeks": 20, "horizon_weeks": 13}), "horizon_weeks"),
        ] {
            let r = app.post(&backtest, Some(&m), body.clone()).await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
            assert!(
                r.body["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|e| e["field"] != "history"),
                "{body}: {:?}",
                r.body
            );
        }
        let both = app
            .post(&backtest, Some(&m), json!({"weeks": 0, "horizon_weeks": 0}))
            .await;
        let fields: Vec<&str> = both.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, ["horizon_weeks", "weeks"]);

        // A range: the first local day, from its first UTC instant to the next day's (every reason).
        let range = "from=2026-01-04T23:00:00Z&to=2026-01-05T23:00:00Z";
        let in_day = history_total(
            &app.get(
                &format!("/api/v1/queues/{id}/history?{range}&limit=1"),
                Some(&m),
            )
            .await
            .body,
        );
        assert!(in_day >= 48);
        let day = app
            .delete(&format!("/api/v1/queues/{id}/history?{range}"), Some(&m))
            .await;
        assert_eq!(day.body["deleted"], in_day, "{:?}", day.body);
        let left = n as u64 - in_day;
        let first = app.get(&listed, Some(&m)).await;
        assert_eq!(history_total(&first.body), left);
        assert_eq!(
            first.body["items"][0]["local_start"],
            "2026-01-06T00:00:00+01:00"
        );

        for (query, field) in [
            ("from=yesterday", "from"),
            ("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"),
            ("from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z", "to"),
        ] {
            let r = app
                .delete(&format!("/api/v1/queues/{id}/history?{query}"), Some(&m))
                .await;
            assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
        }
        assert_problem(
            &app.delete("/api/v1/queues/nope/history", Some(&m)).await,
            StatusCode::NOT_FOUND,
            None,
        );
        let (_, agent) = app.agent_with_token(&m, "agent@example.com").await;
        assert_problem(
            &app.delete(&format!("/api/v1/queues/{id}/history"), Some(&agent))
                .await,
            StatusCode::FORBIDDEN,
            None,
        );
        assert_eq!(history_total(&app.get(&listed, Some(&m)).await.body), left);

        // Leaving out both ends deletes it all.
        let all = app
            .delete(&format!("/api/v1/queues/{id}/history"), Some(&m))
            .await;
        assert_eq!(all.body["deleted"], left);
        assert_eq!(history_total(&app.get(&listed, Some(&m)).await.body), 0);
    }
);

both_backends!(
    interval_length_is_fixed_while_history_exists,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let (id, _) = queue_with_history(&app, &m, "Europe/Stockholm", start, 5).await;
        let queue = format!("/api/v1/queues/{id}");
        let mut body = queue_body("History queue", "sv", "Europe/Stockholm");
        body["opening_hours"] = json!([]);
        let human = |v: &Value| v["total_human_chats"].as_f64().unwrap();
        let before = app.get(&format!("{queue}/forecast"), Some(&m)).await;

        body["interval_minutes"] = json!(15);
        let r = app.put(&queue, Some(&m), body.clone()).await;
        assert_problem(&r, StatusCode::CONFLICT, Some("interval_minutes"));
        assert!(
            r.body["detail"].as_str().unwrap().contains("30-minute"),
            "{:?}",
            r.body
        );
        assert_eq!(app.get(&queue, Some(&m)).await.body["interval_minutes"], 30);
        let after = app.get(&format!("{queue}/forecast"), Some(&m)).await;
        assert_eq!(after.body["intervals"].as_array().unwrap().len(), 14 * 48);
        assert_eq!(human(&after.body), human(&before.body));

        // Other settings still change.
        body["interval_minutes"] = json!(30);
        body["shrinkage"] = json!(0.25);
        let r = app.put(&queue, Some(&m), body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);

        // Without history the grid is free again.
        app.delete(&format!("{queue}/history"), Some(&m)).await;
        body["interval_minutes"] = json!(15);
        let r = app.put(&queue, Some(&m), body).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["interval_minutes"], 15);
    }
);

both_backends!(
    upload_errors_name_line_and_field,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let q = app
            .post("/api/v1/queues", Some(&m), queue_body("Q", "sv", "UTC"))
            .await;
        let id = q.body["id"].as_str().unwrap().to_string();
        let detail = |r: &common::Reply| r.body["detail"].as_str().unwrap().to_string();

        let short = upload(
            &app,
            &m,
            &id,
            "text/csv",
            format!("{HEADER}2026-01-05T08:00:00Z,1,0\n"),
        )
        .await;
        assert_problem(&short, StatusCode::UNPROCESSABLE_ENTITY, Some("body"));
        assert!(
            detail(&short).contains("line 2: body: expected 6 columns"),
            "{:?}",
            short.body
        );
        assert!(!detail(&short).contains(": :") && !detail(&short).contains("line 3"));

        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"2026-01-05T08:00:00Z,1,0,1,0,3\xff0\n");
        let utf8 = upload(&app, &m, &id, "text/csv", bytes).await;
        assert_problem(&utf8, StatusCode::UNPROCESSABLE_ENTITY, Some("aht_seconds"));
        assert!(detail(&utf8).contains("line 2:"), "{:?}", utf8.body);

        let no_column = upload(
            &app,
            &m,
            &id,
            "text/csv",
            "interval_start,offered,ai_resolved,handed_to_human\n".to_string(),
        )
        .await;
        assert_problem(
            &no_column,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("abandoned"),
        );
        assert!(
            detail(&no_column).contains("line 1:"),
            "{:?}",
            no_column.body
        );

        let row = json!({"interval_start": "2026-01-05T08:00:00Z", "offered": 5, "ai_resolved": 3,
        "handed_to_human": 2, "abandoned": 0});
        let mut missing = row.clone();
        missing["interval_start"] = json!("2026-01-05T08:30:00Z");
        missing.as_object_mut().unwrap().remove("ai_resolved");
        let r = upload(
            &app,
            &m,
            &id,
            "application/json",
            json!({"rows": [row, missing]}).to_string(),
        )
        .await;
        assert_problem(&r, StatusCode::BAD_REQUEST, Some("ai_resolved"));
        assert!(detail(&r).contains("row 2:"), "{:?}", r.body);

        let mut typed = row.clone();
        typed["offered"] = json!("five");
        let r = upload(
            &app,
            &m,
            &id,
            "application/json",
            json!({"rows": [typed]}).to_string(),
        )
        .await;
        assert_problem(&r, StatusCode::BAD_REQUEST, Some("offered"));
        assert!(detail(&r).contains("row 1:"), "{:?}", r.body);

        let mut invalid = row.clone();
        invalid["interval_start"] = json!("2026-01-05T08:30:00Z");
        invalid["abandoned"] = json!(9);
        let r = upload(
            &app,
            &m,
            &id,
            "application/json",
            json!({"rows": [row, invalid]}).to_string(),
        )
        .await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some("abandoned"));
        assert!(detail(&r).contains("row 2:"), "{:?}", r.body);

        let r = upload(
            &app,
            &m,
            &id,
            "application/json",
            "{\"rows\": [".to_string(),
        )
        .await;
        assert_problem(&r, StatusCode::BAD_REQUEST, Some("body"));
        assert_eq!(
            history_total(
                &app.get(&format!("/api/v1/queues/{id}/history"), Some(&m))
                    .await
                    .body
            ),
            0
        );
    }
);
