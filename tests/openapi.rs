//! The OpenAPI document describes exactly the routes the server answers.

mod common;

use common::TestApp;
use reqwest::{Method, StatusCode};
use std::collections::BTreeSet;

/// Every route of the API; adding a route without documenting it (or the reverse) fails here.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/password"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/queues"),
    ("post", "/api/v1/queues"),
    ("get", "/api/v1/queues/{id}"),
    ("put", "/api/v1/queues/{id}"),
    ("delete", "/api/v1/queues/{id}"),
    ("get", "/api/v1/agents"),
    ("post", "/api/v1/agents"),
    ("get", "/api/v1/agents/{id}"),
    ("put", "/api/v1/agents/{id}"),
    ("delete", "/api/v1/agents/{id}"),
    ("get", "/api/v1/agents/{id}/availability"),
    ("put", "/api/v1/agents/{id}/availability"),
    ("get", "/api/v1/agents/{id}/preferences"),
    ("put", "/api/v1/agents/{id}/preferences"),
    ("put", "/api/v1/agents/{id}/password"),
    ("get", "/api/v1/jobs"),
    ("get", "/api/v1/jobs/{id}"),
    ("post", "/api/v1/jobs/{id}/cancel"),
    ("post", "/api/v1/staffing/erlang"),
    ("post", "/api/v1/queues/{id}/history"),
    ("get", "/api/v1/queues/{id}/history"),
    ("delete", "/api/v1/queues/{id}/history"),
    ("post", "/api/v1/special-days"),
    ("get", "/api/v1/special-days"),
    ("delete", "/api/v1/special-days/{id}"),
    ("get", "/api/v1/queues/{id}/forecast"),
    ("get", "/api/v1/queues/{id}/requirements"),
    ("post", "/api/v1/queues/{id}/backtest"),
    ("post", "/api/v1/forecast"),
    ("post", "/api/v1/solve"),
    ("post", "/api/v1/schedules"),
    ("get", "/api/v1/schedules"),
    ("get", "/api/v1/schedules/{id}"),
    ("delete", "/api/v1/schedules/{id}"),
    ("post", "/api/v1/schedules/{id}/shifts"),
    ("put", "/api/v1/schedules/{id}/shifts/{index}"),
    ("delete", "/api/v1/schedules/{id}/shifts/{index}"),
    ("post", "/api/v1/schedules/{id}/shifts/{index}/lock"),
    ("delete", "/api/v1/schedules/{id}/shifts/{index}/lock"),
    ("post", "/api/v1/schedules/{id}/resolve"),
    ("post", "/api/v1/schedules/{id}/publish"),
    ("get", "/api/v1/schedules/{id}/deliveries"),
    ("get", "/api/v1/outbox"),
    ("post", "/api/v1/outbox/{id}/retry"),
    ("get", "/api/v1/me/shifts"),
    ("post", "/api/v1/me/calendar-feed"),
    ("delete", "/api/v1/me/calendar-feed"),
    ("get", "/ical/{secret}.ics"),
    ("post", "/api/v1/auth/sign-in-links"),
    ("post", "/api/v1/auth/sign-in-links/redeem"),
    ("post", "/api/v1/me/time-off"),
    ("get", "/api/v1/me/time-off"),
    ("post", "/api/v1/me/time-off/{id}/cancel"),
    ("get", "/api/v1/time-off"),
    ("post", "/api/v1/time-off/{id}/approve"),
    ("post", "/api/v1/time-off/{id}/deny"),
    ("get", "/api/v1/availability-conflicts"),
    ("post", "/api/v1/availability-conflicts/{id}/resolve"),
    ("post", "/api/v1/me/shifts/{id}/offer"),
    ("delete", "/api/v1/me/shifts/{id}/offer"),
    ("get", "/api/v1/shift-offers"),
    ("post", "/api/v1/shift-offers/{id}/take"),
    ("post", "/api/v1/shift-offers/{id}/approve"),
    ("post", "/api/v1/shift-offers/{id}/reject"),
    ("post", "/api/v1/open-shifts"),
    ("post", "/api/v1/schedules/{id}/open-shifts"),
    ("get", "/api/v1/open-shifts"),
    ("post", "/api/v1/open-shifts/{id}/claim"),
    ("post", "/api/v1/open-shifts/{id}/award"),
    ("get", "/api/v1/postings"),
    ("post", "/api/v1/postings"),
    ("get", "/api/v1/postings/{id}"),
    ("put", "/api/v1/postings/{id}"),
    ("post", "/api/v1/postings/{id}/applications"),
    ("post", "/api/v1/applications/confirm"),
    ("get", "/api/v1/applications/mine"),
    ("post", "/api/v1/applications/mine/withdraw"),
    ("delete", "/api/v1/applications/mine"),
    ("get", "/api/v1/applications"),
    ("get", "/api/v1/applications/{id}"),
    ("post", "/api/v1/applications/{id}/transitions"),
    ("get", "/api/v1/hiring-needs"),
];

both_backends!(document_matches_the_routes, |app: TestApp| async move {
    let doc = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                documented.insert((method.clone(), path.clone()));
            }
        }
    }
    let expected: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, expected);
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
    // Every error response is declared as the problem documents the server sends.
    let mut errors = 0;
    for (path, item) in doc.body["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                if status.starts_with('4') || status.starts_with('5') {
                    if let Some(content) = response["content"].as_object() {
                        errors += 1;
                        assert!(
                            content.contains_key("application/problem+json")
                                && !content.contains_key("application/json"),
                            "{method} {path} {status}: {content:?}"
                        );
                    }
                }
            }
        }
    }
    assert!(errors > 200, "{errors} error responses documented");
    // The scheduler's problem and roster are documented schemas, not opaque objects.
    let schemas = &doc.body["components"]["schemas"];
    for name in [
        "SchedulingProblem",
        "SchedulingAgent",
        "SchedulingPriorShift",
        "Roster",
        "RosterShiftOut",
    ] {
        assert!(
            schemas[name]["properties"].is_object(),
            "{name} is not documented"
        );
    }
    let edit = &doc.body["paths"]["/api/v1/schedules/{id}/shifts/{index}"]["delete"];
    assert!(
        edit["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "If-Match" && p["in"] == "header"),
        "{edit}"
    );
    assert!(edit["responses"]["412"].is_object());
    assert_eq!(
        schemas["SchedulingProblem"]["properties"]["history"]["items"]["$ref"],
        "#/components/schemas/SchedulingPriorShift"
    );
    assert_eq!(
        doc.body["paths"]["/api/v1/solve"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/SchedulingProblem"
    );
    // A re-solve documents its optional settings.
    let resolve = &doc.body["paths"]["/api/v1/schedules/{id}/resolve"]["post"]["requestBody"];
    assert_ne!(resolve["required"], true, "{resolve}");
    assert!(
        resolve
            .to_string()
            .contains("#/components/schemas/ResolveScheduleInput"),
        "{resolve}"
    );
    assert!(
        schemas["ResolveScheduleInput"]["properties"]["weights"].is_object(),
        "{}",
        schemas["ResolveScheduleInput"]
    );

    // Each documented route exists on the server: it never answers with the router's own 404.
    for (method, path) in &expected {
        let concrete = path
            .replace("{id}", "00000000-0000-0000-0000-000000000000")
            .replace("{index}", "0");
        let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let r = app.call(m, &concrete, None, None).await;
        let detail = r.body["detail"].as_str().unwrap_or("");
        assert!(
            !detail.starts_with("no route"),
            "{method} {path} is documented but not served"
        );
    }
});
