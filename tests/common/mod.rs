//! Test harness: the real app on a random loopback port, over a fresh database per test — an SQLite
//! file in a temp dir, or a new database on the PostgreSQL server named by `TEST_DATABASE_URL`.
#![allow(dead_code)]

pub mod mail;
pub mod roster;

use chatroster::auth::password;
use chatroster::config::Config;
use chatroster::db::{self, shifts::ShiftRow, DbPool};
use chatroster::domain::email::EmailAddress;
use chatroster::startup::Application;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

pub const MANAGER_EMAIL: &str = "boss@example.com";
pub const PASSWORD: &str = "a-long-test-password";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that exists for one test and is removed after it.
pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut conn);
            }
        }
    }
}

/// A fresh, migrated database of `kind`; `None` when PostgreSQL is not configured (local runs).
/// When `TEST_DATABASE_URL` is set (CI) and the server is unreachable, this panics: a failure, not a skip.
pub fn fresh_database(kind: Kind) -> Option<(DbPool, TestDb, String)> {
    match kind {
        Kind::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}", dir.path().join("test.db").display());
            let pool = DbPool::connect(&url, 4).expect("sqlite pool");
            pool.migrate().expect("sqlite migrations");
            Some((pool, TestDb::Sqlite(dir), url))
        }
        Kind::Postgres => {
            let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
                eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant skipped");
                return None;
            };
            let name = format!("chatroster_test_{}", uuid_simple());
            let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}")
            });
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut admin)
                .expect("create test database");
            let url = loopback_without_tls(&replace_db_name(&admin_url, &name));
            let pool = DbPool::connect(&url, 4).expect("postgres pool");
            pool.migrate().expect("postgres migrations");
            Some((pool, TestDb::Postgres { admin_url, name }, url))
        }
    }
}

fn uuid_simple() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The test's pool talks to the server without TLS unless the URL asks for a mode. The app's
/// server threads can hold the pool's last connections while the test process exits, and closing
/// a TLS connection then calls into OpenSSL after its exit-time cleanup: an intermittent SIGSEGV
/// after the test has passed (diesel-rs/diesel#3441, rust-openssl#1133). Closing a plain socket
/// touches no OpenSSL state.
fn loopback_without_tls(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let prefix = match base.rfind('/') {
        Some(i) if i > base.find("://").map(|s| s + 2).unwrap_or(0) => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: DbPool,
    pub database_url: String,
    pub kind: Kind,
    threads: Option<(Arc<AtomicBool>, Vec<JoinHandle<()>>)>,
    _db: TestDb,
}

impl Drop for TestApp {
    /// Stops the app's workers and senders before the database goes: a thread still in the database
    /// client while the process exits can crash it.
    fn drop(&mut self) {
        if let Some((stop, handles)) = self.threads.take() {
            stop.store(true, Ordering::Relaxed);
            for h in handles {
                let _ = h.join();
            }
        }
    }
}

/// Starts the app (no background workers: job tests run their own) on a fresh database.
pub async fn spawn(kind: Kind) -> Option<TestApp> {
    spawn_with(kind, |_| {}).await
}

pub async fn spawn_with(kind: Kind, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
    chatroster::telemetry::init("warn");
    let (pool, db, database_url) = fresh_database(kind)?;
    let mut config = Config {
        bind: "127.0.0.1:0".into(),
        database_url: database_url.clone(),
        workers: 0,
        max_json_bytes: 64 * 1024,
        ..Config::default()
    };
    // No mail leaves a test unless it points the app at its own SMTP sink (see `mail::spawn_with_sink`).
    config.smtp.senders = 0;
    tweak(&mut config);
    let mut app = Application::build(config, pool.clone()).expect("app starts");
    let threads = Some(app.detach_workers());
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_web::rt::spawn(app.run_until_stopped());
    Some(TestApp {
        base,
        client: reqwest::Client::new(),
        pool,
        database_url,
        kind,
        threads,
        _db: db,
    })
}

/// A response as a test looks at it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        reply(resp).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Reply {
        self.call(Method::DELETE, path, token, None).await
    }

    /// Creates a manager account directly in the database and signs it in.
    pub async fn manager_token(&self) -> String {
        let mut conn = self.pool.get().expect("connection");
        let email = EmailAddress::parse(MANAGER_EMAIL).expect("email");
        db::users::insert_manager(&mut conn, &email, &password::hash(PASSWORD).expect("hash"))
            .expect("manager");
        drop(conn);
        self.login(MANAGER_EMAIL, PASSWORD).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": email, "password": password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login failed: {:?}", r.body);
        r.body["token"].as_str().expect("token").to_string()
    }

    /// Creates an agent through the API, gives it a password and signs it in: (agent id, token).
    pub async fn agent_with_token(&self, manager: &str, email: &str) -> (String, String) {
        let r = self
            .post(
                "/api/v1/agents",
                Some(manager),
                agent_body("Test Agent", email),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let id = r.body["id"].as_str().expect("id").to_string();
        let p = self
            .put(
                &format!("/api/v1/agents/{id}/password"),
                Some(manager),
                json!({"password": PASSWORD}),
            )
            .await;
        assert_eq!(p.status, StatusCode::NO_CONTENT, "{:?}", p.body);
        let token = self.login(email, PASSWORD).await;
        (id, token)
    }
}

pub async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = resp.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Reply {
        status,
        content_type,
        body,
    }
}

pub fn queue_body(name: &str, language: &str, zone: &str) -> Value {
    json!({
        "name": name,
        "language": language,
        "channel": "chat",
        "time_zone": zone,
        "interval_minutes": 30,
        "service_level": {"target": 0.8, "threshold_seconds": 60},
        "chat_concurrency": 2,
        "shrinkage": 0.3,
        "staffing_floor": 1,
        "opening_hours": [{"weekday": "mon", "start": "08:00", "end": "20:00"}]
    })
}

pub fn agent_body(name: &str, email: &str) -> Value {
    json!({
        "name": name,
        "email": email,
        "time_zone": "Asia/Manila",
        "languages": [{"language": "sv", "proficiency": "c1"}, {"language": "en", "proficiency": "native"}],
        "contract": {
            "min_hours_per_week": 10, "max_hours_per_week": 30, "max_shifts_per_week": 5,
            "min_rest_hours": 11, "max_consecutive_days": 5
        },
        "availability": {
            "weekly": [{"weekday": "mon", "start": "14:00", "end": "22:00"},
                       {"weekday": "tue", "start": "14:00", "end": "22:00"}],
            "exceptions": [{"date": "2026-12-24"}]
        }
    })
}

/// Asserts an RFC 9457 problem response with `status`, naming `field` when given.
pub fn assert_problem(r: &Reply, status: StatusCode, field: Option<&str>) {
    assert_eq!(r.status, status, "unexpected reply: {:?}", r.body);
    assert_eq!(
        r.content_type, "application/problem+json",
        "body: {:?}",
        r.body
    );
    assert_eq!(r.body["status"], json!(status.as_u16()));
    assert!(
        r.body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "no detail: {:?}",
        r.body
    );
    if let Some(f) = field {
        assert_eq!(r.body["field"], json!(f), "wrong field in {:?}", r.body);
    }
}

/// Asserts the 400 for a filter value the parameter `field` does not take: the problem names the
/// parameter and its detail lists every value it does take.
pub fn assert_unknown_value(r: &Reply, field: &str, allowed: &[&str]) {
    assert_problem(r, StatusCode::BAD_REQUEST, Some(field));
    let detail = r.body["detail"].as_str().unwrap_or_default();
    for value in allowed {
        assert!(detail.contains(value), "'{value}' not listed in {detail:?}");
    }
}

/// Generates a `sqlite` and a `postgres` test from one async body taking a [`TestApp`].
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        both_backends!($name, spawn = common::spawn, $body);
    };
    ($name:ident, spawn = $spawn:path, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[actix_web::test]
            async fn sqlite() {
                let app = $spawn(common::Kind::Sqlite).await.expect("sqlite app");
                ($body)(app).await;
            }

            #[actix_web::test]
            async fn postgres() {
                let Some(app) = $spawn(common::Kind::Postgres).await else {
                    return;
                };
                ($body)(app).await;
            }
        }
    };
}

/// An RFC 3339 instant as the naive UTC timestamp the database stores.
pub fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
}

/// An active published shift of `agent` on `queue`, as a publication would store it.
pub fn published_shift(agent: &str, queue: &str, start: &str, end: &str) -> ShiftRow {
    ShiftRow {
        id: db::new_id(),
        agent_id: Some(agent.into()),
        queue_id: queue.into(),
        start_at: at(start),
        end_at: at(end),
        breaks: "[]".into(),
        sequence: 0,
        status: "active".into(),
        schedule_id: None,
        publication_id: None,
        created_at: db::now(),
        updated_at: db::now(),
        handed_over_from: None,
        queue_ids: db::shifts::queue_ids_json(&[queue.to_string()]),
    }
}

/// One history row of `queue` as the database stores it: `offered` chats, `handed` of them to
/// humans at 300 s each, the rest resolved by the AI.
pub fn history_db_row(
    queue: &str,
    start: chrono::NaiveDateTime,
    offered: i32,
    handed: i32,
) -> db::history::HistoryDbRow {
    db::history::HistoryDbRow {
        queue_id: queue.into(),
        interval_start: start,
        reason: String::new(),
        offered,
        ai_resolved: offered - handed,
        handed_to_human: handed,
        abandoned: 0,
        aht_seconds: Some(300.0),
        escalations: None,
        escalation_aht_seconds: None,
    }
}

/// Writes history rows straight to the database, past the upload's checks: what an older release
/// may have stored.
pub fn store_history_unchecked(app: &TestApp, rows: &[db::history::HistoryDbRow]) {
    let mut conn = app.pool.get().expect("connection");
    db::backend::insert_history(&mut conn, rows).expect("history rows stored");
}
