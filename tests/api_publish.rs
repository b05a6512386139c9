//! Publishing a solved roster: emails arrive at a real SMTP server on loopback with both parts, local
//! times in each agent's zone and a calendar that parses back to the right UTC instants; re-publishing
//! mails only the agents whose shifts changed; agents read their shifts and calendar feed.

mod common;

use chrono::{DateTime, FixedOffset, Utc};
use common::mail::{link_token, sink, spawn_with_sink, wait_for, Mail};
use common::roster::{seed, solve_week};
use common::{assert_problem, Kind, TestApp, PASSWORD};
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// VEVENTs of an iCalendar text as (UID, DTSTART, SEQUENCE, STATUS), through an iCalendar parser.
fn events(ics: &str) -> Vec<(String, String, String, String)> {
    let reader = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let mut out = Vec::new();
    for cal in reader {
        let cal = cal.expect("valid iCalendar");
        for ev in cal.events {
            let prop = |name: &str| {
                ev.properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_default()
            };
            out.push((
                prop("UID"),
                prop("DTSTART"),
                prop("SEQUENCE"),
                prop("STATUS"),
            ));
        }
    }
    out
}

fn ical_utc(t: &str) -> String {
    let dt: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(t).expect("rfc3339");
    dt.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ").to_string()
}

/// Roster shifts grouped by agent id.
fn shifts_by_agent(roster: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut map: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for s in roster["shifts"].as_array().expect("shifts") {
        map.entry(s["agent_id"].as_str().unwrap().to_string())
            .or_default()
            .push(s.clone());
    }
    map
}

async fn agent_ids_by_email(app: &TestApp, m: &str) -> BTreeMap<String, String> {
    let r = app.get("/api/v1/agents?limit=200", Some(m)).await;
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["email"].as_str().unwrap().to_string(),
                a["id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn wait_delivered(app: &TestApp, m: &str, schedule: &str, expected: usize) -> Value {
    let started = Instant::now();
    loop {
        let r = app
            .get(&format!("/api/v1/schedules/{schedule}/deliveries"), Some(m))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        if r.body["counts"]["sent"].as_u64() == Some(expected as u64) {
            return r.body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "not delivered: {:?}",
            r.body
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn publish_and_deliver(kind: Kind) {
    let smtp = sink();
    // The roster is in March 2026; the feed must reach back that far whenever the test runs.
    let Some(app) =
        spawn_with_sink(kind, smtp.port(), |c| c.calendar_feed_past_days = 36_500).await
    else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let by_agent = shifts_by_agent(&schedule["roster"]);
    let ids = agent_ids_by_email(&app, &m).await;
    assert!(!by_agent.is_empty());

    let published = publish(&app, &m, &id).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{:?}",
        published.body
    );
    assert_eq!(published.body["agents_notified"], json!(by_agent.len()));
    let mails = wait_for(&smtp, by_agent.len(), 60);
    assert_eq!(mails.len(), by_agent.len());

    let report = wait_delivered(&app, &m, &id, by_agent.len()).await;
    assert_eq!(report["counts"]["failed"], 0);
    let message_ids: BTreeSet<String> = report["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["message"]["message_id"].as_str().unwrap().to_string())
        .collect();

    for (email, agent_id) in &ids {
        let Some(shifts) = by_agent.get(agent_id) else {
            continue;
        };
        let mail: &Mail = mails
            .iter()
            .find(|m| m.to == vec![email.clone()])
            .unwrap_or_else(|| panic!("no email to {email}"));
        assert!(
            message_ids.contains(&format!("<{}>", mail.message_id)),
            "{}",
            mail.message_id
        );
        // The week is Monday 2 to Sunday 8 March in the queue's zone (Stockholm), though it
        // starts at 23:00 UTC on 1 March.
        assert_eq!(mail.subject, "Your shifts for 2 Mar – 8 Mar 2026");
        assert!(
            mail.text
                .contains("Here are your shifts for 2 Mar – 8 Mar 2026."),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("<strong>2 Mar – 8 Mar 2026</strong>"));
        let zone = shifts[0]["zone"].as_str().unwrap();
        assert!(
            mail.text.contains(zone),
            "zone {zone} not named:\n{}",
            mail.text
        );
        for s in shifts {
            // "2026-03-02, 09:00–17:00" as the agent reads it, in their own zone.
            let local: DateTime<FixedOffset> =
                DateTime::parse_from_rfc3339(s["start_local"].as_str().unwrap()).unwrap();
            let when = format!("{}, {}", local.format("%Y-%m-%d"), local.format("%H:%M"));
            assert!(mail.text.contains(&when), "{when} missing:\n{}", mail.text);
            assert!(mail.html.contains(&local.format("%H:%M").to_string()));
        }
        let ics = mail.attachment("shifts.ics").expect("calendar attached");
        let evs = events(ics);
        assert_eq!(evs.len(), shifts.len());
        let starts: BTreeSet<String> = evs.iter().map(|e| e.1.clone()).collect();
        let expected: BTreeSet<String> = shifts
            .iter()
            .map(|s| ical_utc(s["start_utc"].as_str().unwrap()))
            .collect();
        assert_eq!(
            starts, expected,
            "calendar instants are the roster's UTC starts"
        );
        assert!(evs.iter().all(|e| e.2 == "0"));
    }

    // The agent reads the same shifts through the API, in their own zone.
    let (email, agent_id) = ids
        .iter()
        .find(|(_, id)| by_agent.contains_key(*id))
        .unwrap();
    let p = app
        .put(
            &format!("/api/v1/agents/{agent_id}/password"),
            Some(&m),
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(p.status, StatusCode::NO_CONTENT);
    let agent = app.login(email, PASSWORD).await;
    let mine = app
        .get(
            "/api/v1/me/shifts?from=2026-03-01&to=2026-03-09",
            Some(&agent),
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{:?}", mine.body);
    let expected = &by_agent[agent_id];
    assert_eq!(
        mine.body["shifts"].as_array().unwrap().len(),
        expected.len()
    );
    assert_eq!(mine.body["zone"], expected[0]["zone"]);
    let first_local: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339(expected[0]["start_local"].as_str().unwrap()).unwrap();
    assert_eq!(
        mine.body["shifts"][0]["local"]["start_time"],
        json!(first_local.format("%H:%M").to_string())
    );
    assert_problem(
        &app.get(
            "/api/v1/me/shifts?from=2026-03-09&to=2026-03-01",
            Some(&agent),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("to"),
    );
    // Only the years the service plans in (2000 to 2199), up to the last day chrono knows.
    for (query, field) in [
        ("from=%2B262142-12-31", "from"),
        ("from=2026-03-01&to=%2B262142-12-31", "to"),
        ("from=-0001-01-01&to=-0001-01-02", "from"),
    ] {
        assert_problem(
            &app.get(&format!("/api/v1/me/shifts?{query}"), Some(&agent))
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(field),
        );
    }
    assert_problem(
        &app.get("/api/v1/me/shifts", Some(&m)).await,
        StatusCode::FORBIDDEN,
        None,
    );
    // Agents see neither deliveries nor the outbox.
    assert_problem(
        &app.get(&format!("/api/v1/schedules/{id}/deliveries"), Some(&agent))
            .await,
        StatusCode::FORBIDDEN,
        None,
    );
    assert_problem(
        &app.get("/api/v1/outbox", Some(&agent)).await,
        StatusCode::FORBIDDEN,
        None,
    );

    // Personal calendar feed: works with its secret, stops after regenerating or revoking.
    let feed = app
        .post("/api/v1/me/calendar-feed", Some(&agent), json!({}))
        .await;
    assert_eq!(feed.status, StatusCode::CREATED);
    let url = feed.body["url"].as_str().unwrap().to_string();
    let path = &url[url.find("/ical/").unwrap()..];
    let ics = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(ics.status(), StatusCode::OK);
    assert!(ics.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    assert_eq!(events(&ics.text().await.unwrap()).len(), expected.len());
    let again = app
        .post("/api/v1/me/calendar-feed", Some(&agent), json!({}))
        .await;
    assert_ne!(again.body["url"], feed.body["url"]);
    assert_eq!(app.get(path, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.delete("/api/v1/me/calendar-feed", Some(&agent))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let new_url = again.body["url"].as_str().unwrap();
    let new_path = &new_url[new_url.find("/ical/").unwrap()..];
    assert_eq!(app.get(new_path, None).await.status, StatusCode::NOT_FOUND);

    // Publishing the same roster again changes nothing and mails nobody.
    let again = app
        .post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(again.body["agents_notified"], 0);
    assert_eq!(again.body["agents_unchanged"], json!(by_agent.len()));
}

#[actix_web::test]
async fn published_roster_reaches_every_agent_sqlite() {
    publish_and_deliver(Kind::Sqlite).await;
}

#[actix_web::test]
async fn published_roster_reaches_every_agent_postgres() {
    publish_and_deliver(Kind::Postgres).await;
}

/// Moves one agent's first shift by an hour and drops another agent's last shift in the stored
/// roster, as an edit would.
fn edit_roster(app: &TestApp, schedule: &str, moved: &str, dropped: &str) {
    use chatroster::db::schema::schedules;
    let mut conn = app.pool.get().unwrap();
    let text: Option<String> = schedules::table
        .find(schedule)
        .select(schedules::roster)
        .first(&mut *conn)
        .unwrap();
    let mut roster: Value = serde_json::from_str(&text.unwrap()).unwrap();
    let shifts = roster["shifts"].as_array_mut().unwrap();
    let shift_hour = |v: &Value, key: &str| {
        let t: DateTime<FixedOffset> =
            DateTime::parse_from_rfc3339(v[key].as_str().unwrap()).unwrap();
        json!((t + chrono::Duration::hours(1)).to_rfc3339())
    };
    let first = shifts.iter().position(|s| s["agent_id"] == moved).unwrap();
    for key in ["start_utc", "end_utc", "start_local", "end_local"] {
        shifts[first][key] = shift_hour(&shifts[first], key);
    }
    shifts[first]["breaks"] = json!([]);
    let last = shifts
        .iter()
        .rposition(|s| s["agent_id"] == dropped)
        .unwrap();
    shifts.remove(last);
    diesel::update(schedules::table.find(schedule))
        .set(schedules::roster.eq(roster.to_string()))
        .execute(&mut *conn)
        .unwrap();
}

async fn republish_mails_only_changes(kind: Kind) {
    let smtp = sink();
    let Some(app) = spawn_with_sink(kind, smtp.port(), |_| {}).await else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let by_agent = shifts_by_agent(&schedule["roster"]);
    assert!(
        by_agent.len() >= 2,
        "two agents with shifts needed: {by_agent:?}"
    );
    let mut agents = by_agent.keys();
    let (moved, dropped) = (
        agents.next().unwrap().clone(),
        agents.next().unwrap().clone(),
    );
    let first = app
        .post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    wait_for(&smtp, by_agent.len(), 60);

    edit_roster(&app, &id, &moved, &dropped);
    let second = app
        .post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.body);
    assert_eq!(second.body["agents_notified"], 2, "{:?}", second.body);
    assert_eq!(second.body["shifts_changed"], 1);
    assert_eq!(second.body["shifts_cancelled"], 1);
    let all = wait_for(&smtp, by_agent.len() + 2, 60);
    assert_eq!(
        all.len(),
        by_agent.len() + 2,
        "only the two changed agents get mail"
    );
    let updates = &all[by_agent.len()..];
    let ids = agent_ids_by_email(&app, &m).await;
    let email_of = |agent: &str| ids.iter().find(|(_, id)| *id == agent).unwrap().0.clone();

    let moved_mail = updates
        .iter()
        .find(|u| u.to == vec![email_of(&moved)])
        .unwrap();
    assert!(moved_mail.subject.contains("(updated)"));
    assert!(moved_mail.text.contains("Moved:"), "{}", moved_mail.text);
    let evs = events(moved_mail.attachment("shifts.ics").unwrap());
    assert!(
        evs.iter().any(|e| e.2 == "1"),
        "the moved shift's SEQUENCE is bumped: {evs:?}"
    );

    let dropped_mail = updates
        .iter()
        .find(|u| u.to == vec![email_of(&dropped)])
        .unwrap();
    assert!(
        dropped_mail.text.contains("Removed:"),
        "{}",
        dropped_mail.text
    );
    let cancel = dropped_mail
        .attachment("cancelled.ics")
        .expect("a CANCEL calendar");
    assert!(cancel.contains("METHOD:CANCEL"));
    let cancelled = events(cancel);
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].3, "CANCELLED");
    assert_eq!(cancelled[0].2, "1");
    // The cancelled event has the UID the agent's calendar already holds from the first email.
    let first_mail = all[..by_agent.len()]
        .iter()
        .find(|u| u.to == vec![email_of(&dropped)])
        .unwrap();
    let original: BTreeSet<String> = events(first_mail.attachment("shifts.ics").unwrap())
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert!(original.contains(&cancelled[0].0));
    wait_delivered(&app, &m, &id, by_agent.len()).await;
}

#[actix_web::test]
async fn republishing_mails_only_changed_agents_sqlite() {
    republish_mails_only_changes(Kind::Sqlite).await;
}

#[actix_web::test]
async fn republishing_mails_only_changed_agents_postgres() {
    republish_mails_only_changes(Kind::Postgres).await;
}

async fn sign_in_by_link(kind: Kind) {
    let smtp = sink();
    let Some(app) = spawn_with_sink(kind, smtp.port(), |c| {
        c.base_url = "https://roster.example.com".into();
    })
    .await
    else {
        return;
    };
    let m = app.manager_token().await;
    let r = app
        .post(
            "/api/v1/agents",
            Some(&m),
            common::agent_body("Lina", "lina@example.com"),
        )
        .await;
    let agent_id = r.body["id"].as_str().unwrap().to_string();
    // Unknown addresses get the same answer and no mail.
    for email in ["LINA@example.com", "nobody@example.com"] {
        let r = app
            .post("/api/v1/auth/sign-in-links", None, json!({"email": email}))
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED);
    }
    let mails = wait_for(&smtp, 1, 20);
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        smtp.messages().len(),
        1,
        "one mail, to the known address only"
    );
    assert_eq!(mails[0].to, vec!["lina@example.com".to_string()]);
    let token = link_token(&mails[0].text, "https://roster.example.com/sign-in").expect("link");
    let signed_in = app
        .post(
            "/api/v1/auth/sign-in-links/redeem",
            None,
            json!({"token": token}),
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK, "{:?}", signed_in.body);
    assert_eq!(signed_in.body["user"]["agent_id"], json!(agent_id));
    let bearer = signed_in.body["token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/me", Some(bearer)).await.status,
        StatusCode::OK
    );
    // A link works once.
    assert_problem(
        &app.post(
            "/api/v1/auth/sign-in-links/redeem",
            None,
            json!({"token": token}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        Some("token"),
    );
    assert_problem(
        &app.post(
            "/api/v1/auth/sign-in-links/redeem",
            None,
            json!({"token": "forged"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        Some("token"),
    );
}

#[actix_web::test]
async fn agents_sign_in_with_emailed_links_sqlite() {
    sign_in_by_link(Kind::Sqlite).await;
}

#[actix_web::test]
async fn agents_sign_in_with_emailed_links_postgres() {
    sign_in_by_link(Kind::Postgres).await;
}

#[actix_web::test]
async fn publishing_needs_a_solved_schedule() {
    let app = common::spawn(Kind::Sqlite).await.unwrap();
    let m = app.manager_token().await;
    assert_problem(
        &app.post("/api/v1/schedules/nope/publish", Some(&m), json!({}))
            .await,
        StatusCode::NOT_FOUND,
        None,
    );
    seed(&app, &m).await;
    // Without workers the schedule stays queued.
    let r = app
        .post(
            "/api/v1/schedules",
            Some(&m),
            json!({"from": "2026-03-02", "weeks": 1}),
        )
        .await;
    let id = r.body["id"].as_str().unwrap();
    assert_problem(
        &app.post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        None,
    );
}

/// A publication sent with `If-Match` publishes only the roster at that revision: after an edit,
/// the revision the manager loaded is stale and publishing it is refused, publishing nothing.
async fn publishing_honours_if_match(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let seen = schedule["revision"].as_str().unwrap().to_string();
    let publish_at = |revision: String| {
        let request = app
            .client
            .post(app.url(&format!("/api/v1/schedules/{id}/publish")))
            .bearer_auth(&m)
            .header("If-Match", revision)
            .json(&json!({}));
        async move { common::reply(request.send().await.unwrap()).await }
    };

    // Someone else edits the roster after the manager loaded it.
    let locked = app
        .post(
            &format!("/api/v1/schedules/{id}/shifts/0/lock"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{:?}", locked.body);
    let current = locked.body["revision"].as_str().unwrap().to_string();
    assert_ne!(current, seen);

    let stale = publish_at(seen.clone()).await;
    assert_problem(&stale, StatusCode::PRECONDITION_FAILED, Some("If-Match"));
    assert!(
        stale.body["detail"].as_str().unwrap().contains(&seen),
        "{:?}",
        stale.body
    );
    let none = held_between(&app, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z");
    assert!(none.is_empty(), "nothing published: {none:?}");
    let outbox = app.get("/api/v1/outbox", Some(&m)).await;
    assert_eq!(outbox.body["total"], 0, "nobody mailed: {:?}", outbox.body);

    let published = publish_at(current).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{:?}",
        published.body
    );
    assert!(published.body["agents_notified"].as_u64().unwrap() > 0);
    let roster = app.get(&format!("/api/v1/schedules/{id}"), Some(&m)).await;
    assert_eq!(
        held_between(&app, "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z").len(),
        roster.body["roster"]["shifts"].as_array().unwrap().len()
    );
}

#[actix_web::test]
async fn publishing_honours_if_match_sqlite() {
    publishing_honours_if_match(Kind::Sqlite).await;
}

#[actix_web::test]
async fn publishing_honours_if_match_postgres() {
    publishing_honours_if_match(Kind::Postgres).await;
}

async fn handed_over_shifts_survive_republishing(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let first = app
        .post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    // An approved swap: the shift goes from its roster holder to another agent.
    use chatroster::db::schema::shifts as s;
    let mut conn = app.pool.get().unwrap();
    let (shift_id, holder): (String, Option<String>) = s::table
        .select((s::id, s::agent_id))
        .order(s::start_at)
        .first(&mut *conn)
        .unwrap();
    let holder = holder.unwrap();
    let ids = agent_ids_by_email(&app, &m).await;
    let taker = ids.values().find(|a| **a != holder).unwrap().clone();
    assert!(
        chatroster::db::shift_requests::hand_over(&mut conn, &shift_id, Some(&holder), &taker)
            .unwrap()
    );
    drop(conn);

    let again = app
        .post(
            &format!("/api/v1/schedules/{id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
    assert_eq!(again.body["agents_notified"], 0, "{:?}", again.body);
    assert_eq!(again.body["shifts_cancelled"], 0);
    let mut conn = app.pool.get().unwrap();
    let (agent, status, sequence): (Option<String>, String, i32) = s::table
        .find(&shift_id)
        .select((s::agent_id, s::status, s::sequence))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(agent.as_deref(), Some(taker.as_str()), "the swap stands");
    assert_eq!((status.as_str(), sequence), ("active", 1));
    let (start, end): (chrono::NaiveDateTime, chrono::NaiveDateTime) = s::table
        .find(&shift_id)
        .select((s::start_at, s::end_at))
        .first(&mut *conn)
        .unwrap();
    drop(conn);

    // A re-solve keeps the swapped shift as its taker's fixed shift, covering the queue, and
    // does not give that time back to the agent who gave it away.
    let resolved = resolve(&app, &m, &id).await;
    let shifts = resolved["roster"]["shifts"].as_array().unwrap();
    let at = |t: chrono::NaiveDateTime| {
        json!(t
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    let kept = shifts
        .iter()
        .find(|x| x["agent_id"] == json!(taker) && x["start_utc"] == at(start))
        .unwrap_or_else(|| panic!("the taker's shift is not among {} shifts", shifts.len()));
    assert_eq!(kept["end_utc"], at(end));
    assert_eq!(kept["pinned"], json!(true));
    assert!(kept["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|iv| !iv["serving"].as_array().unwrap().is_empty()));
    assert!(!shifts
        .iter()
        .any(|x| x["agent_id"] == json!(holder) && x["start_utc"] == at(start)));
    let third = publish(&app, &m, &id).await;
    assert_eq!(third.status, StatusCode::CREATED, "{:?}", third.body);
    let mut conn = app.pool.get().unwrap();
    let (agent, status): (Option<String>, String) = s::table
        .find(&shift_id)
        .select((s::agent_id, s::status))
        .first(&mut *conn)
        .unwrap();
    assert_eq!(
        (agent.as_deref(), status.as_str()),
        (Some(taker.as_str()), "active")
    );
}

/// Between solve and publication an agent is set inactive and another gets time off approved over
/// a rostered shift: publishing is refused naming both, and publishes once a re-solve saw them.
async fn publishing_refuses_a_roster_that_no_longer_fits(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
        return;
    };
    let m = app.manager_token().await;
    seed(&app, &m).await;
    let schedule = solve_week(&app, &m).await;
    let id = schedule["id"].as_str().unwrap().to_string();
    let shifts = schedule["roster"]["shifts"].as_array().unwrap().clone();
    let leaver = shifts[0]["agent_id"].as_str().unwrap().to_string();
    let resting = shifts
        .iter()
        .find(|s| s["agent_id"] != json!(leaver))
        .unwrap()
        .clone();
    let agent = app.get(&format!("/api/v1/agents/{leaver}"), Some(&m)).await;
    let a = &agent.body;
    let body = json!({"name": a["name"], "email": a["email"], "time_zone": a["time_zone"],
        "languages": a["languages"], "contract": a["contract"], "status": "inactive",
        "availability": {"weekly": a["availability"]["weekly"]}});
    let r = app
        .put(&format!("/api/v1/agents/{leaver}"), Some(&m), body)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let at = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap()
            .naive_utc()
    };
    let now = chatroster::db::now();
    chatroster::db::time_off::insert(
        &mut app.pool.get().unwrap(),
        &chatroster::db::time_off::TimeOffRow {
            id: chatroster::db::new_id(),
            agent_id: resting["agent_id"].as_str().unwrap().to_string(),
            start_at: at(&resting["start_utc"]),
            end_at: at(&resting["end_utc"]),
            start_local: String::new(),
            end_local: String::new(),
            time_zone: "UTC".into(),
            reason: "sick".into(),
            status: "approved".into(),
            decision_note: None,
            decided_by: None,
            decided_at: Some(now),
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();

    let refused = publish(&app, &m, &id).await;
    assert_problem(&refused, StatusCode::CONFLICT, Some("shifts[0]"));
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(
        detail.contains(&format!("agent {leaver} is no longer active")),
        "{detail}"
    );
    assert!(detail.contains("approved time off"), "{detail}");
    let outbox = app.get("/api/v1/outbox", Some(&m)).await;
    assert_eq!(outbox.body["total"], 0, "nothing was published");

    let resolved = resolve(&app, &m, &id).await;
    assert!(!resolved["roster"]["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["agent_id"] == json!(leaver)));
    let published = publish(&app, &m, &id).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{:?}",
        published.body
    );
}

#[actix_web::test]
async fn publishing_refuses_a_roster_that_no_longer_fits_sqlite() {
    publishing_refuses_a_roster_that_no_longer_fits(Kind::Sqlite).await;
}

#[actix_web::test]
async fn publishing_refuses_a_roster_that_no_longer_fits_postgres() {
    publishing_refuses_a_roster_that_no_longer_fits(Kind::Postgres).await;
}

#[actix_web::test]
async fn handed_over_shifts_survive_republishing_sqlite() {
    handed_over_shifts_survive_republishing(Kind::Sqlite).await;
}

#[actix_web::test]
async fn handed_over_shifts_survive_republishing_postgres() {
    handed_over_shifts_survive_republishing(Kind::Postgres).await;
}

/// An agent in Stockholm who speaks `languages`, available Monday to Saturday 07:00-19:00.
fn stockholm_agent(name: &str, email: &str, languages: &[&str]) -> Value {
    let windows: Vec<Value> = ["mon", "tue", "wed", "thu", "fri", "sat"]
        .iter()
        .map(|d| json!({"weekday": d, "start": "07:00", "end": "19:00"}))
        .collect();
    let languages: Vec<Value> = languages
        .iter()
        .map(|l| json!({"language": l, "proficiency": "native"}))
        .collect();
    json!({"name": name, "email": email, "time_zone": "Europe/Stockholm", "languages": languages,
        "contract": {"min_hours_per_week": 0, "max_hours_per_week": 40, "max_shifts_per_week": 5,
                     "min_rest_hours": 11, "max_consecutive_days": 5},
        "availability": {"weekly": windows}})
}

async fn publish(app: &TestApp, m: &str, id: &str) -> common::Reply {
    let path = format!("/api/v1/schedules/{id}/publish");
    app.post(&path, Some(m), json!({})).await
}

/// Re-solves schedule `id` and waits for the new roster.
async fn resolve(app: &TestApp, m: &str, id: &str) -> Value {
    let path = format!("/api/v1/schedules/{id}/resolve");
    let r = app.post(&path, Some(m), json!({})).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    common::roster::wait_solved(app, m, id).await
}

async fn solve_schedule(app: &TestApp, m: &str, body: Value) -> Value {
    let r = app.post("/api/v1/schedules", Some(m), body).await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{:?}", r.body);
    common::roster::wait_solved(app, m, r.body["id"].as_str().unwrap()).await
}

/// A published shift as the database holds it: (id, agent, queues served, status, sequence).
type Held = (String, String, Vec<String>, String, i32);

fn held_between(app: &TestApp, from: &str, to: &str) -> Vec<Held> {
    use chatroster::db::schema::shifts as s;
    let at = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .unwrap()
            .with_timezone(&Utc)
            .naive_utc()
    };
    let mut conn = app.pool.get().unwrap();
    let rows: Vec<(String, Option<String>, String, String, i32)> = s::table
        .filter(s::start_at.ge(at(from)))
        .filter(s::start_at.lt(at(to)))
        .filter(s::agent_id.is_not_null())
        .select((s::id, s::agent_id, s::queue_ids, s::status, s::sequence))
        .load(&mut *conn)
        .unwrap();
    rows.into_iter()
        .map(|(id, agent, queues, status, sequence)| {
            let queues: Vec<String> = serde_json::from_str(&queues).unwrap();
            (id, agent.unwrap(), queues, status, sequence)
        })
        .collect()
}

async fn publication_recipients(app: &TestApp, m: &str, publication: &str) -> BTreeSet<String> {
    let r = app
        .get(
            &format!("/api/v1/outbox?publication_id={publication}&limit=200"),
            Some(m),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["recipient"].as_str().unwrap().to_string())
        .collect()
}

/// Two schedules whose periods share a Monday: one for the English and Swedish queues, published
/// first, then one for the Swedish queue alone. Publishing the second replaces only shifts that
/// serve nothing but Swedish; English shifts stay, and their agents get no mail.
async fn publishing_one_queue_keeps_the_others(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
        return;
    };
    let m = app.manager_token().await;
    let swedish = seed(&app, &m).await;
    let english = common::roster::add_queue(&app, &m, "English chat", "en-GB").await;
    for (name, email, languages) in [
        ("English 0", "en0@example.com", &["en"][..]),
        ("English 1", "en1@example.com", &["en"][..]),
        ("Both", "both@example.com", &["sv", "en"][..]),
    ] {
        let r = app
            .post(
                "/api/v1/agents",
                Some(&m),
                stockholm_agent(name, email, languages),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let ids = agent_ids_by_email(&app, &m).await;

    // The week of Monday 9 March for both queues, published.
    let both = solve_schedule(
        &app,
        &m,
        json!({"from": "2026-03-09", "weeks": 1, "queue_ids": [&english, &swedish],
               "time_limit_seconds": 10}),
    )
    .await;
    let both_id = both["id"].as_str().unwrap().to_string();
    let first = app
        .post(
            &format!("/api/v1/schedules/{both_id}/publish"),
            Some(&m),
            json!({}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    // Monday 9 March in Stockholm, where the two periods meet.
    let (monday, tuesday) = ("2026-03-08T23:00:00Z", "2026-03-09T23:00:00Z");
    let before = held_between(&app, monday, tuesday);
    let (swedish_only, serving_english): (Vec<Held>, Vec<Held>) = before
        .into_iter()
        .partition(|h| h.2.iter().all(|q| *q == swedish));
    assert!(
        !serving_english.is_empty(),
        "the first roster has English shifts on the shared Monday"
    );

    // The Swedish week from Tuesday 3 March ends with that Monday.
    let sv_week = solve_schedule(
        &app,
        &m,
        json!({"from": "2026-03-03", "weeks": 1, "queue_ids": [&swedish], "time_limit_seconds": 10}),
    )
    .await;
    let sv_id = sv_week["id"].as_str().unwrap().to_string();
    let roster = sv_week["roster"]["shifts"].as_array().unwrap();
    assert!(!roster.is_empty());
    let instant = |v: &Value| v.as_str().unwrap().parse::<DateTime<Utc>>().unwrap();
    // The solve left the English shifts it will not replace free: nobody is rostered over them.
    use chatroster::db::schema::shifts as s;
    for (id, agent, ..) in &serving_english {
        let mut conn = app.pool.get().unwrap();
        let (start, end): (chrono::NaiveDateTime, chrono::NaiveDateTime) = s::table
            .find(id)
            .select((s::start_at, s::end_at))
            .first(&mut *conn)
            .unwrap();
        for shift in roster.iter().filter(|x| x["agent_id"] == json!(agent)) {
            assert!(
                instant(&shift["end_utc"]) <= start.and_utc()
                    || instant(&shift["start_utc"]) >= end.and_utc(),
                "{shift} overlaps the kept shift {id}"
            );
        }
    }

    // A shift of another queue published for a rostered agent after the solve: publishing the
    // roster over it is refused, naming the roster's shift and the published one, and changes nothing.
    let (index, taken) = roster
        .iter()
        .enumerate()
        .find(|(_, x)| instant(&x["start_utc"]) < instant(&json!(monday)))
        .expect("a Swedish shift before the shared Monday");
    let mut other = common::published_shift(
        taken["agent_id"].as_str().unwrap(),
        &english,
        taken["start_utc"].as_str().unwrap(),
        taken["end_utc"].as_str().unwrap(),
    );
    other.schedule_id = Some(both_id.clone());
    chatroster::db::shifts::insert_all(&mut app.pool.get().unwrap(), &[other.clone()]).unwrap();
    let path = format!("/api/v1/schedules/{sv_id}/publish");
    let refused = app.post(&path, Some(&m), json!({})).await;
    assert_problem(
        &refused,
        StatusCode::CONFLICT,
        Some(&format!("shifts[{index}]")),
    );
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains(&other.id), "{detail}");
    assert!(detail.contains("English chat"), "{detail}");
    let outbox = app.get("/api/v1/outbox?limit=200", Some(&m)).await;
    assert_eq!(outbox.body["total"], json!(first.body["agents_notified"]));
    diesel::update(s::table.find(&other.id))
        .set(s::status.eq("cancelled"))
        .execute(&mut *app.pool.get().unwrap())
        .unwrap();

    let second = app.post(&path, Some(&m), json!({})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.body);
    let after = held_between(&app, monday, tuesday);
    for kept in &serving_english {
        assert!(after.contains(kept), "{kept:?} changed: {after:?}");
    }
    // Only Swedish-only shifts of the first roster were cancelled.
    let cancelled: Vec<&Held> = after
        .iter()
        .filter(|h| h.3 == "cancelled" && h.1 != other.agent_id.clone().unwrap())
        .collect();
    assert!(cancelled
        .iter()
        .all(|h| swedish_only.iter().any(|s| s.0 == h.0)));
    // Agents who speak no Swedish hear nothing of the Swedish week.
    let publication = second.body["publication_id"].as_str().unwrap();
    let mailed = publication_recipients(&app, &m, publication).await;
    assert_eq!(
        mailed.len() as u64,
        second.body["agents_notified"].as_u64().unwrap()
    );
    for email in ["en0@example.com", "en1@example.com"] {
        assert!(!mailed.contains(email), "{email} was mailed: {mailed:?}");
        assert!(ids.contains_key(email));
    }
}

/// An agent who speaks English and Swedish, published for the English week: the Swedish schedule
/// of that week counts those hours toward the agent's 16-h week, so both plans together keep it.
async fn a_second_queue_counts_the_hours_held_for_the_first(kind: Kind) {
    let Some(app) = common::spawn_with(kind, |c| c.workers = 1).await else {
        return;
    };
    let m = app.manager_token().await;
    let swedish = seed(&app, &m).await;
    let english = common::roster::add_queue(&app, &m, "English chat", "en-GB").await;
    let mut both = stockholm_agent("Both", "both@example.com", &["sv", "en"]);
    both["contract"]["max_hours_per_week"] = json!(16);
    let r = app.post("/api/v1/agents", Some(&m), both).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let both_id = r.body["id"].as_str().unwrap().to_string();

    let week = |queue: &str| {
        json!({"from": "2026-03-09", "weeks": 1, "queue_ids": [queue],
                                    "time_limit_seconds": 10})
    };
    let en = solve_schedule(&app, &m, week(&english)).await;
    let en_id = en["id"].as_str().unwrap();
    let published = publish(&app, &m, en_id).await;
    assert_eq!(
        published.status,
        StatusCode::CREATED,
        "{:?}",
        published.body
    );
    // The week in Stockholm: Monday 9 to Monday 16 March.
    let held = held_between(&app, "2026-03-08T23:00:00Z", "2026-03-15T23:00:00Z");
    let english_hours: f64 = held
        .iter()
        .filter(|h| h.1 == both_id && h.3 == "active")
        .map(|h| {
            use chatroster::db::schema::shifts as s;
            let (start, end): (chrono::NaiveDateTime, chrono::NaiveDateTime) = s::table
                .find(&h.0)
                .select((s::start_at, s::end_at))
                .first(&mut *app.pool.get().unwrap())
                .unwrap();
            (end - start).num_minutes() as f64 / 60.0
        })
        .sum();
    assert!(
        english_hours > 0.0,
        "the only English speaker works English"
    );

    let sv = solve_schedule(&app, &m, week(&swedish)).await;
    let kpis = sv["roster"]["kpis"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agent_id"] == json!(both_id))
        .unwrap()
        .clone();
    assert_eq!(kpis["held_hours_per_week"], json!([english_hours]));
    let swedish_hours = kpis["hours_per_week"][0].as_f64().unwrap();
    assert!(
        english_hours + swedish_hours <= 16.0,
        "{english_hours} h English + {swedish_hours} h Swedish"
    );
    // A shift of the English plan published after the solve, on the Saturday of the Swedish
    // agent with the most shifts: beside it the roster breaks that agent's contract (a sixth
    // shift, a sixth day in a row), so publishing is refused until a re-solve counts it.
    let sv_id = sv["id"].as_str().unwrap();
    let busiest = sv["roster"]["kpis"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|a| a["shifts"].as_u64().unwrap())
        .unwrap()
        .clone();
    assert_eq!(busiest["shifts"], json!(5), "{busiest}");
    let mut late = common::published_shift(
        busiest["agent_id"].as_str().unwrap(),
        &english,
        "2026-03-14T09:00:00Z",
        "2026-03-14T13:00:00Z",
    );
    late.schedule_id = Some(en_id.to_string());
    chatroster::db::shifts::insert_all(&mut app.pool.get().unwrap(), &[late]).unwrap();
    let refused = publish(&app, &m, sv_id).await;
    assert_problem(&refused, StatusCode::CONFLICT, None);
    let detail = refused.body["detail"].as_str().unwrap();
    assert!(detail.contains("max_shifts"), "{detail}");
    assert!(
        detail.contains(busiest["agent_id"].as_str().unwrap()),
        "{detail}"
    );
    // Re-solved beside it, the week publishes.
    resolve(&app, &m, sv_id).await;
    let second = publish(&app, &m, sv_id).await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.body);
}

#[actix_web::test]
async fn a_second_queue_counts_the_hours_held_for_the_first_sqlite() {
    a_second_queue_counts_the_hours_held_for_the_first(Kind::Sqlite).await;
}

#[actix_web::test]
async fn a_second_queue_counts_the_hours_held_for_the_first_postgres() {
    a_second_queue_counts_the_hours_held_for_the_first(Kind::Postgres).await;
}

#[actix_web::test]
async fn publishing_one_queue_keeps_the_others_sqlite() {
    publishing_one_queue_keeps_the_others(Kind::Sqlite).await;
}

#[actix_web::test]
async fn publishing_one_queue_keeps_the_others_postgres() {
    publishing_one_queue_keeps_the_others(Kind::Postgres).await;
}

both_backends!(outbox_refuses_an_unknown_kind, |app: TestApp| async move {
    let m = app.manager_token().await;
    app.agent_with_token(&m, "lina@example.com").await;
    let link = app
        .post(
            "/api/v1/auth/sign-in-links",
            None,
            json!({"email": "lina@example.com"}),
        )
        .await;
    assert_eq!(link.status, StatusCode::ACCEPTED);
    let by_kind = |k: &str| format!("/api/v1/outbox?kind={k}");
    assert_eq!(
        app.get(&by_kind("sign_in"), Some(&m)).await.body["total"],
        1
    );
    assert_eq!(
        app.get(&by_kind("schedule"), Some(&m)).await.body["total"],
        0
    );
    // A misspelt kind is named, not answered with an empty list.
    common::assert_unknown_value(
        &app.get(&by_kind("sign-in"), Some(&m)).await,
        "kind",
        &chatroster::db::outbox::KINDS,
    );
});
