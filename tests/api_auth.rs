//! Sign-in, tokens and the authorization matrix: anonymous, agent, other agent and manager on every
//! endpoint of the foundation.

mod common;

use common::{assert_problem, queue_body, TestApp, MANAGER_EMAIL, PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

both_backends!(login_logout_and_token_checks, |app: TestApp| async move {
    let token = app.manager_token().await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["role"], "manager");
    assert_eq!(me.body["email"], MANAGER_EMAIL);

    let wrong = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": MANAGER_EMAIL, "password": "wrong-password"}),
        )
        .await;
    assert_problem(&wrong, StatusCode::UNAUTHORIZED, None);
    let unknown = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        unknown.body["detail"], wrong.body["detail"],
        "responses must not reveal which emails exist"
    );
    let too_long = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": MANAGER_EMAIL, "password": "x".repeat(1025)}),
        )
        .await;
    assert_problem(&too_long, StatusCode::UNAUTHORIZED, None);
    assert_eq!(too_long.body["detail"], wrong.body["detail"]);

    // Case and whitespace in the email do not matter at sign-in.
    let again = app.login(" BOSS@example.com ", PASSWORD).await;
    assert_ne!(again, token);

    assert_eq!(
        app.post("/api/v1/auth/logout", Some(&token), json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_problem(
        &app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        None,
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&again)).await.status,
        StatusCode::OK,
        "other sessions stay valid"
    );

    for bad in [
        "Bearer",
        "Bearer nonsense",
        "Basic Ym9zczpwdw==",
        &format!("Bearer {}", "a".repeat(500)),
    ] {
        let r = app
            .client
            .get(app.url("/api/v1/me"))
            .header("authorization", bad)
            .send()
            .await
            .unwrap();
        let reply = common::reply(r).await;
        assert_problem(&reply, StatusCode::UNAUTHORIZED, None);
    }
});

both_backends!(
    password_change_revokes_sessions,
    |app: TestApp| async move {
        let token = app.manager_token().await;
        let other = app.login(MANAGER_EMAIL, PASSWORD).await;
        let wrong = app.post("/api/v1/auth/password", Some(&token),
        json!({"current_password": "not-it-at-all", "new_password": "another-long-password"})).await;
        assert_problem(&wrong, StatusCode::FORBIDDEN, Some("current_password"));
        let short = app
            .post(
                "/api/v1/auth/password",
                Some(&token),
                json!({"current_password": PASSWORD, "new_password": "short"}),
            )
            .await;
        assert_problem(
            &short,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("new_password"),
        );
        let ok = app
            .post(
                "/api/v1/auth/password",
                Some(&token),
                json!({"current_password": PASSWORD, "new_password": "another-long-password"}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::NO_CONTENT);
        assert_eq!(
            app.get("/api/v1/me", Some(&other)).await.status,
            StatusCode::UNAUTHORIZED
        );
        app.login(MANAGER_EMAIL, "another-long-password").await;
    }
);

both_backends!(expired_tokens_are_refused, |app: TestApp| async move {
    use diesel::RunQueryDsl;
    let token = app.manager_token().await;
    let mut conn = app.pool.get().unwrap();
    diesel::sql_query("UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00'")
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    assert_problem(
        &app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        None,
    );
});

// Who may do what, per endpoint: anonymous, the agent (on its own or another record), the manager.
both_backends!(authorization_matrix, |app: TestApp| async move {
    let m = app.manager_token().await;
    let (me, agent) = app.agent_with_token(&m, "me@example.com").await;
    let (other, _) = app.agent_with_token(&m, "other@example.com").await;
    let queue = app
        .post("/api/v1/queues", Some(&m), queue_body("Q", "en", "UTC"))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let availability = json!({"weekly": [{"weekday": "mon", "start": "08:00", "end": "12:00"}]});
    let agent_json = common::agent_body("Z", "z@example.com");
    let queue_json = queue_body("Q2", "en", "UTC");
    use StatusCode as S;
    // Per case: expected status for anonymous, the agent itself, and the manager.
    let cases: Vec<(Method, String, Option<Value>, S, S, S)> = vec![
        (
            Method::GET,
            "/api/v1/queues".into(),
            None,
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::GET,
            format!("/api/v1/queues/{queue}"),
            None,
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::POST,
            "/api/v1/queues".into(),
            Some(queue_json.clone()),
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::CREATED,
        ),
        (
            Method::PUT,
            format!("/api/v1/queues/{queue}"),
            Some(queue_json),
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::OK,
        ),
        (
            Method::GET,
            "/api/v1/agents".into(),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::OK,
        ),
        (
            Method::POST,
            "/api/v1/agents".into(),
            Some(agent_json),
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::CREATED,
        ),
        (
            Method::GET,
            format!("/api/v1/agents/{me}"),
            None,
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::GET,
            format!("/api/v1/agents/{other}"),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::OK,
        ),
        (
            Method::GET,
            format!("/api/v1/agents/{me}/availability"),
            None,
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::PUT,
            format!("/api/v1/agents/{me}/availability"),
            Some(availability.clone()),
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::PUT,
            format!("/api/v1/agents/{other}/availability"),
            Some(availability),
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::OK,
        ),
        (
            Method::PUT,
            format!("/api/v1/agents/{other}/password"),
            Some(json!({"password": "new-long-password"})),
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::NO_CONTENT,
        ),
        (
            Method::GET,
            "/api/v1/jobs".into(),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::OK,
        ),
        (
            Method::GET,
            "/api/v1/jobs/does-not-exist".into(),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/jobs/does-not-exist/cancel".into(),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/me".into(),
            None,
            S::UNAUTHORIZED,
            S::OK,
            S::OK,
        ),
        (
            Method::DELETE,
            format!("/api/v1/queues/{queue}"),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::NO_CONTENT,
        ),
        (
            Method::DELETE,
            format!("/api/v1/agents/{other}"),
            None,
            S::UNAUTHORIZED,
            S::FORBIDDEN,
            S::NO_CONTENT,
        ),
    ];
    for (method, path, body, anonymous, as_agent, as_manager) in cases {
        for (who, token, expected) in [
            ("anonymous", None, anonymous),
            ("agent", Some(agent.as_str()), as_agent),
            ("manager", Some(m.as_str()), as_manager),
        ] {
            let r = app.call(method.clone(), &path, token, body.clone()).await;
            assert_eq!(r.status, expected, "{who} {method} {path}: {:?}", r.body);
            if !expected.is_success() {
                assert_eq!(
                    r.content_type, "application/problem+json",
                    "{who} {method} {path}"
                );
            }
        }
    }
    // Signing out and changing a password need a token too.
    for path in ["/api/v1/auth/logout", "/api/v1/auth/password"] {
        let r = app
            .post(
                path,
                None,
                json!({"current_password": "x", "new_password": "y"}),
            )
            .await;
        assert_problem(&r, StatusCode::UNAUTHORIZED, None);
    }
    // Public endpoints answer without a token.
    for path in ["/healthz", "/readyz", "/api/v1/openapi.json"] {
        assert_eq!(app.get(path, None).await.status, StatusCode::OK, "{path}");
    }
});
