//! The outbox under faults, against a real SMTP server on loopback: the server down while mail is
//! queued, a permanent rejection, and the sending process killed mid-batch.

mod common;

use chatroster::db::outbox::{enqueue_all, NewMessage};
use chatroster::db::DbPool;
use chatroster::email::sink::{SinkOptions, SmtpSink};
use common::mail::{reserve_port, spawn_with_sink, wait_for};
use common::{Kind, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

fn queue_mail(pool: &DbPool, recipients: &[String]) -> Vec<String> {
    let messages: Vec<NewMessage> = recipients
        .iter()
        .map(|to| NewMessage {
            kind: "schedule".into(),
            recipient: to.clone(),
            subject: format!("Shifts for {to}"),
            text_body: "Monday 09:00–17:00".into(),
            html_body: Some("<p>Monday 09:00–17:00</p>".into()),
            ..NewMessage::default()
        })
        .collect();
    let mut conn = pool.get().unwrap();
    enqueue_all(&mut conn, &messages, "chatroster.test").unwrap()
}

async fn outbox(app: &TestApp, m: &str, status: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/outbox?status={status}&limit=200"),
            Some(m),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

fn recipients(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("agent{i}@example.com")).collect()
}

async fn server_down_then_up(kind: Kind) {
    let reserved = reserve_port();
    let port = reserved.port();
    let Some(app) = spawn_with_sink(kind, port, |_| {}).await else {
        return;
    };
    let m = app.manager_token().await;
    queue_mail(&app.pool, &recipients(20));
    // Nothing listens: every message fails its first attempt and waits, with the error visible.
    wait_until("failed attempts", async || {
        let pending = outbox(&app, &m, "pending").await;
        pending["total"] == 20
            && pending["items"].as_array().unwrap().iter().all(|i| {
                i["attempts"].as_i64().unwrap_or(0) >= 1 && i["last_error"].as_str().is_some()
            })
    })
    .await;
    let sink = SmtpSink::start(
        &format!("127.0.0.1:{}", reserved.release()),
        SinkOptions::default(),
    )
    .unwrap();
    let mails = wait_for(&sink, 20, 60);
    wait_until("all sent", async || {
        outbox(&app, &m, "sent").await["total"] == 20
    })
    .await;
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let received = sink.messages();
    assert_eq!(received.len(), 20, "each message exactly once");
    let ids: BTreeSet<String> = mails.iter().map(|m| m.message_id.clone()).collect();
    assert_eq!(ids.len(), 20);
    let to: BTreeSet<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    assert_eq!(to, recipients(20).into_iter().collect());
}

#[actix_web::test]
async fn smtp_down_then_up_delivers_everything_once_sqlite() {
    server_down_then_up(Kind::Sqlite).await;
}

#[actix_web::test]
async fn smtp_down_then_up_delivers_everything_once_postgres() {
    server_down_then_up(Kind::Postgres).await;
}

async fn rejected_then_retried(kind: Kind) {
    let port = reserve_port().release();
    let rejecting = SmtpSink::start(
        &format!("127.0.0.1:{port}"),
        SinkOptions {
            reject_recipients_containing: Some("bounce".into()),
            ..SinkOptions::default()
        },
    )
    .unwrap();
    let Some(app) = spawn_with_sink(kind, port, |_| {}).await else {
        return;
    };
    let m = app.manager_token().await;
    let ids = queue_mail(
        &app.pool,
        &["bounce@example.com".into(), "ok@example.com".into()],
    );
    wait_until("one failed, one sent", async || {
        outbox(&app, &m, "failed").await["total"] == 1
            && outbox(&app, &m, "sent").await["total"] == 1
    })
    .await;
    // A permanent 5xx fails at once, and managers see why.
    let failed = outbox(&app, &m, "failed").await;
    let item = &failed["items"][0];
    assert_eq!(item["id"], json!(ids[0]));
    assert_eq!(item["attempts"], 1);
    assert!(
        item["last_error"].as_str().unwrap().contains("550"),
        "{item}"
    );
    assert_eq!(rejecting.messages().len(), 1);
    rejecting.stop();

    // The mailbox is fixed; a manager retries and the message goes out.
    let sink = SmtpSink::start(&format!("127.0.0.1:{port}"), SinkOptions::default()).unwrap();
    let retried = app
        .post(
            &format!("/api/v1/outbox/{}/retry", ids[0]),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(retried.status, StatusCode::ACCEPTED, "{:?}", retried.body);
    assert_eq!(retried.body["status"], "pending");
    let mails = wait_for(&sink, 1, 30);
    assert_eq!(mails[0].to, vec!["bounce@example.com".to_string()]);
    let sent = app
        .post(
            &format!("/api/v1/outbox/{}/retry", ids[1]),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(
        sent.status,
        StatusCode::CONFLICT,
        "only failed messages are retried"
    );
    let agent = app.agent_with_token(&m, "x@example.com").await.1;
    let r = app
        .post(
            &format!("/api/v1/outbox/{}/retry", ids[0]),
            Some(&agent),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn rejected_mail_is_visible_and_retryable_sqlite() {
    rejected_then_retried(Kind::Sqlite).await;
}

#[actix_web::test]
async fn rejected_mail_is_visible_and_retryable_postgres() {
    rejected_then_retried(Kind::Postgres).await;
}

/// Runs `chatroster serve` as its own process, sending to `smtp_port`.
fn serve(dir: &std::path::Path, database_url: &str, smtp_port: u16) -> std::process::Child {
    let config = dir.join("chatroster.toml");
    std::fs::write(
        &config,
        format!(
            "bind = \"127.0.0.1:0\"\ndatabase_url = \"{database_url}\"\nworkers = 0\nlog = \"warn\"\n\
             [smtp]\nport = {smtp_port}\nsenders = 1\nconcurrency = 4\nlease_seconds = 2\npoll_millis = 50\n"
        ),
    )
    .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_chatroster"))
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("chatroster serve")
}

fn killed_mid_batch(kind: Kind) {
    let Some((pool, _db, url)) = common::fresh_database(kind) else {
        return;
    };
    let total = 200;
    let ids = queue_mail(&pool, &recipients(total));
    let sink = SmtpSink::start(
        "127.0.0.1:0",
        SinkOptions {
            delay_per_message: Duration::from_millis(15),
            ..SinkOptions::default()
        },
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut first = serve(dir.path(), &url, sink.port());
    sink.wait_for(40, Duration::from_secs(60));
    first.kill().unwrap(); // SIGKILL: no shutdown, leases left behind mid-batch
    first.wait().unwrap();
    let before_restart = sink.messages().len();
    assert!(
        before_restart < total,
        "the kill came too late to test anything"
    );

    let mut second = serve(dir.path(), &url, sink.port());
    let started = Instant::now();
    let unique = loop {
        let ids: BTreeSet<String> = sink
            .messages()
            .iter()
            .filter_map(|m| m.header("Message-ID"))
            .collect();
        if ids.len() >= total || started.elapsed() > Duration::from_secs(90) {
            break ids;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    use chatroster::db::schema::outbox_messages as o;
    use diesel::prelude::*;
    let load = || -> Vec<(String, String, String)> {
        o::table
            .select((o::id, o::message_id, o::status))
            .load(&mut *pool.get().unwrap())
            .unwrap()
    };
    // The sender marks a row sent once the server has accepted its message, so the last rows
    // follow the last arrival by a moment: wait for them before the kill.
    let mut rows = load();
    while rows.iter().any(|r| r.2 != "sent") && started.elapsed() < Duration::from_secs(100) {
        std::thread::sleep(Duration::from_millis(100));
        rows = load();
    }
    second.kill().unwrap();
    second.wait().unwrap();

    // No message lost: every queued Message-ID arrived; a resend (only of what was in flight at the
    // kill) carries the same Message-ID, so the recipient's side can drop it.
    assert_eq!(unique.len(), total);
    assert!(rows.iter().all(|r| r.2 == "sent"), "all rows marked sent");
    let stored: BTreeSet<String> = rows.iter().map(|r| r.1.clone()).collect();
    assert_eq!(stored, unique);
    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for m in sink.messages() {
        *copies
            .entry(m.header("Message-ID").unwrap_or_default())
            .or_default() += 1;
    }
    let resent = copies.values().filter(|n| **n > 1).count();
    assert!(
        resent <= 16,
        "only the in-flight batch may be resent, got {resent}"
    );
    assert_eq!(rows.len(), ids.len());
}

#[test]
fn killed_sender_loses_no_message_sqlite() {
    killed_mid_batch(Kind::Sqlite);
}

#[test]
fn killed_sender_loses_no_message_postgres() {
    killed_mid_batch(Kind::Postgres);
}

/// Three senders (as on three instances) drain one outbox: every message goes out exactly once.
fn racing_senders(kind: Kind) {
    use chatroster::email::sender::OutboxSender;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let Some((pool, _db, _url)) = common::fresh_database(kind) else {
        return;
    };
    let total = 300;
    queue_mail(&pool, &recipients(total));
    let sink = SmtpSink::start("127.0.0.1:0", SinkOptions::default()).unwrap();
    let mut smtp = chatroster::config::Config::default().smtp;
    smtp.port = sink.port();
    smtp.poll_millis = 20;
    smtp.concurrency = 4;
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..3)
        .map(|_| OutboxSender::spawn(pool.clone(), &smtp, stop.clone()).unwrap())
        .collect();
    sink.wait_for(total, Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for s in senders {
        s.join().unwrap();
    }
    let ids: Vec<String> = sink
        .messages()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), total, "no message twice");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        total,
        "every message once"
    );
}

#[test]
fn racing_senders_send_each_message_once_sqlite() {
    racing_senders(Kind::Sqlite);
}

#[test]
fn racing_senders_send_each_message_once_postgres() {
    racing_senders(Kind::Postgres);
}
