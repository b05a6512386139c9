//! The stateless scheduler over HTTP and the `solve` command.

mod common;

use common::{assert_problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// One Swedish queue for the week Stockholm springs forward (2026-03-29), wanting one agent 08:00-16:00
/// UTC every day, and three agents: two in Stockholm, one in Manila (seven to eight hours ahead).
fn problem() -> Value {
    let intervals = 7 * 48;
    let required: Vec<f64> = (0..intervals)
        .map(|i| {
            if (16..32).contains(&(i % 48)) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let availability = |start: &str, end: &str| -> Value {
        days.iter()
            .map(|d| json!({"weekday": d, "start": start, "end": end}))
            .collect()
    };
    let contract = json!({"max_hours_per_week": 40, "max_shifts_per_week": 5, "min_hours_per_week": 0,
        "min_rest_hours": 11, "max_consecutive_days": 5, "min_consecutive_days_off": 2});
    json!({
        "period": {"start": "2026-03-23T00:00:00Z", "weeks": 1, "interval_minutes": 30},
        "queues": [{"id": "sv-chat", "language": "sv", "zone": "Europe/Stockholm", "required": required, "floor": 0}],
        "agents": [
            {"id": "a1", "name": "Lina", "zone": "Europe/Stockholm", "languages": ["sv"],
             "availability": availability("07:00", "19:00"), "contract": contract},
            {"id": "a2", "name": "Oskar", "zone": "Europe/Stockholm", "languages": ["sv", "en"],
             "availability": availability("07:00", "19:00"), "contract": contract},
            {"id": "a3", "name": "Andrea", "zone": "Asia/Manila", "languages": ["sv"],
             "availability": availability("14:00", "23:30"), "contract": contract}
        ],
        "templates": [{"id": "8h", "length_minutes": 480, "start_step_minutes": 30,
            "breaks": [{"length_minutes": 30, "window_start_minutes": 180, "window_end_minutes": 300}]}]
    })
}

both_backends!(solve_returns_a_valid_roster, |app: TestApp| async move {
    let m = app.manager_token().await;
    let r = app
        .post("/api/v1/solve?time_limit_seconds=20", Some(&m), problem())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(
        r.body["violations"],
        json!([]),
        "the independent validator found broken rules"
    );
    let roster = &r.body["roster"];
    // Both searches by default: three agents' LP leaves HiGHS alone time for its root.
    assert_eq!(roster["searches"], 2, "{}", roster["searches"]);
    let shifts = roster["shifts"].as_array().unwrap();
    assert!(!shifts.is_empty());
    assert!(
        roster["kpis"]["coverage_pct"].as_f64().unwrap() > 90.0,
        "{}",
        roster["kpis"]
    );
    // Every agent works at most five shifts and shifts are reported in the agent's own zone.
    for agent in ["a1", "a2", "a3"] {
        let mine: Vec<&Value> = shifts.iter().filter(|s| s["agent_id"] == agent).collect();
        assert!(mine.len() <= 5, "{agent} has {} shifts", mine.len());
    }
    // Manila is UTC+8 all year; Stockholm switches from +01:00 to +02:00 on 2026-03-29.
    for s in shifts {
        let local = s["start_local"].as_str().unwrap();
        let after_change = s["start_utc"].as_str().unwrap() >= "2026-03-29T01:00:00Z";
        let expected = match (s["agent_id"].as_str().unwrap(), after_change) {
            ("a3", _) => "+08:00",
            (_, false) => "+01:00",
            (_, true) => "+02:00",
        };
        assert!(local.ends_with(expected), "{s}");
    }

    let mut broken = problem();
    broken["agents"][0]["zone"] = json!("Mars/Olympus");
    assert_problem(
        &app.post("/api/v1/solve", Some(&m), broken).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("agents[0].zone"),
    );
    // Values no week can hold, or outside the calendar a roster can be written in, are refused
    // by the path of the offending value.
    type Change = fn(&mut Value);
    let refusals: [(&str, Change); 8] = [
        ("agents[1].contract.max_consecutive_days", |p| {
            p["agents"][1]["contract"]["max_consecutive_days"] = json!(4_294_967_295u32)
        }),
        ("agents[0].contract.max_shifts_per_week", |p| {
            p["agents"][0]["contract"]["max_shifts_per_week"] = json!(4_294_967_295u32)
        }),
        ("agents[2].contract.min_rest_hours", |p| {
            p["agents"][2]["contract"]["min_rest_hours"] = json!(-1)
        }),
        ("queues[0].floor", |p| {
            p["queues"][0]["floor"] = json!(4_294_967_295u32)
        }),
        ("agents[0].languages", |p| {
            p["agents"][0]["languages"] = json!([])
        }),
        ("period.start", |p| {
            p["period"]["start"] = json!("9999-12-27T00:00:00Z")
        }),
        ("period.start", |p| {
            p["period"]["start"] = json!("0001-01-01T00:00:00Z")
        }),
        ("templates[0].breaks[0]", |p| {
            p["templates"][0]["breaks"][0]["window_end_minutes"] = json!(4_294_967_280u32)
        }),
    ];
    for (field, change) in refusals {
        let mut bad = problem();
        change(&mut bad);
        let r = app.post("/api/v1/solve", Some(&m), bad).await;
        assert_problem(&r, StatusCode::UNPROCESSABLE_ENTITY, Some(field));
    }
    assert_problem(
        &app.post("/api/v1/solve?time_limit_seconds=9999", Some(&m), problem())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some("time_limit_seconds"),
    );
    let (_, agent) = app.agent_with_token(&m, "agent@example.com").await;
    assert_problem(
        &app.post("/api/v1/solve", Some(&agent), problem()).await,
        StatusCode::FORBIDDEN,
        None,
    );
});

/// The roster of a solve without its solve time, which no two runs share.
fn without_solve_time(mut roster: Value) -> Value {
    roster["solve_seconds"] = json!(0.0);
    roster
}

/// Two queues that want fractions of agents and twelve agents in Stockholm, half of them bilingual:
/// too large for a solve to close its gap in a few work units, so a work-limited solve of it stops
/// on the work limit, not on the gap.
fn twelve_agents() -> Value {
    let required = |busy: std::ops::Range<usize>, peak: f64, off: f64| -> Vec<f64> {
        (0..7 * 48)
            .map(|i| if busy.contains(&(i % 48)) { peak } else { off })
            .collect()
    };
    let availability: Vec<Value> = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .map(|d| json!({"weekday": d, "start": "06:00", "end": "22:00"}))
        .collect();
    let agents: Vec<Value> = (0..12)
        .map(|k| {
            json!({"id": format!("a{k}"), "name": format!("Agent {k}"), "zone": "Europe/Stockholm",
                "languages": if k % 2 == 0 { json!(["en", "sv"]) } else { json!(["en"]) },
                "availability": availability,
                "contract": {"max_hours_per_week": 40, "max_shifts_per_week": 5, "min_hours_per_week": 0,
                    "min_rest_hours": 11, "max_consecutive_days": 6, "min_consecutive_days_off": 1}})
        })
        .collect();
    json!({
        "period": {"start": "2026-03-23T00:00:00Z", "weeks": 1, "interval_minutes": 30},
        "queues": [
            {"id": "en", "language": "en", "zone": "Europe/Stockholm", "required": required(16..40, 2.3, 0.4), "floor": 0},
            {"id": "sv", "language": "sv", "zone": "Europe/Stockholm", "required": required(18..36, 1.7, 0.0), "floor": 0}
        ],
        "agents": agents,
        "templates": [
            {"id": "8h", "length_minutes": 480, "start_step_minutes": 30,
                "breaks": [{"length_minutes": 30, "window_start_minutes": 180, "window_end_minutes": 300}]},
            {"id": "4h", "length_minutes": 240, "start_step_minutes": 30}
        ]
    })
}

both_backends!(
    solve_with_a_work_limit_gives_the_same_roster_again,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        // No gap to stop on: only the work limit ends the search.
        let url = "/api/v1/solve?time_limit_seconds=300&work_limit=4&mip_gap=0";
        let first = app.post(url, Some(&m), twelve_agents()).await;
        assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
        assert_eq!(first.body["violations"], json!([]));
        let roster = &first.body["roster"];
        assert_eq!(roster["status"], "work-limit", "{}", roster["status"]);
        // No second search races the clock, though the default allows two (see above).
        assert_eq!(roster["searches"], 1, "{}", roster["searches"]);
        let work = roster["work_units"].as_f64().unwrap();
        assert!((3.5..=4.4).contains(&work), "{work} units for a limit of 4");
        let again = app.post(url, Some(&m), twelve_agents()).await;
        assert_eq!(
            without_solve_time(again.body["roster"].clone()),
            without_solve_time(roster.clone())
        );
        // A clock-limited solve counts no work.
        let timed = app
            .post("/api/v1/solve?time_limit_seconds=20", Some(&m), problem())
            .await;
        assert!(timed.body["roster"].get("work_units").is_none());
        for bad in ["-1", "1e9", "NaN"] {
            let refused = app
                .post(
                    &format!("/api/v1/solve?work_limit={bad}"),
                    Some(&m),
                    problem(),
                )
                .await;
            assert_problem(
                &refused,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("work_limit"),
            );
        }
    }
);

both_backends!(
    solve_reports_the_service_level_its_agents_reach,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        // Four chats of five minutes per half hour while the queue wants its one agent: 2/3 Erlang.
        let mut with_load = problem();
        let chats: Vec<f64> = (0..7 * 48)
            .map(|i| {
                if (16..32).contains(&(i % 48)) {
                    4.0
                } else {
                    0.0
                }
            })
            .collect();
        with_load["queues"][0]["workload"] = json!({
            "arrivals": chats, "aht_seconds": vec![300.0; 7 * 48], "sl_threshold_seconds": 60
        });
        let r = app
            .post(
                "/api/v1/solve?time_limit_seconds=20",
                Some(&m),
                with_load.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let intervals = r.body["roster"]["queues"][0]["intervals"]
            .as_array()
            .unwrap();
        // One agent on 2/3 Erlang (Erlang C with one server: wait probability = load) answers
        // 1 - 2/3 * exp(-(1 - 2/3) * 60 / 300) = 37.6 % within a minute.
        let one_agent = 1.0 - 2.0 / 3.0 * (-(1.0 - 2.0 / 3.0) * 60.0 / 300.0_f64).exp();
        let mut seen_one = 0;
        for (i, iv) in intervals.iter().enumerate() {
            let sl = iv["expected_service_level"].as_f64().unwrap();
            let scheduled = iv["scheduled"].as_f64().unwrap();
            if chats[i] == 0.0 {
                assert_eq!(sl, 1.0, "no chats at {i}");
            } else if scheduled == 0.0 {
                assert_eq!(sl, 0.0, "nobody at {i}");
            } else if scheduled == 1.0 {
                assert!((sl - one_agent).abs() < 1e-3, "{sl} at {i}");
                seen_one += 1;
            }
        }
        assert!(seen_one > 0);

        // Without a workload there is nothing to judge the service level by.
        let bare = app
            .post("/api/v1/solve?time_limit_seconds=20", Some(&m), problem())
            .await;
        let bare_intervals = bare.body["roster"]["queues"][0]["intervals"]
            .as_array()
            .unwrap();
        assert!(bare_intervals
            .iter()
            .all(|iv| iv.get("expected_service_level").is_none()));

        with_load["queues"][0]["workload"]["arrivals"] = json!([1.0, 2.0]);
        let short = app.post("/api/v1/solve", Some(&m), with_load).await;
        assert_problem(
            &short,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("queues[0].workload.arrivals"),
        );
        assert!(
            short.body["detail"]
                .as_str()
                .unwrap()
                .contains("workload.arrivals must have 336 values"),
            "{:?}",
            short.body
        );

        // A magnitude no solver handles is refused by name, not passed on to fail inside HiGHS.
        let mut absurd = problem();
        absurd["queues"][0]["required"][20] = json!(1e300);
        let refused = app.post("/api/v1/solve", Some(&m), absurd).await;
        assert_problem(
            &refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("queues[0].required"),
        );
        let detail = refused.body["detail"].as_str().unwrap();
        assert!(
            detail.contains("required must be >= 0 and <= 100000"),
            "{detail}"
        );
    }
);

async fn spawn_with_one_search(kind: common::Kind) -> Option<TestApp> {
    common::spawn_with(kind, |c| c.solver_threads = 1).await
}

both_backends!(
    solve_honours_solver_threads,
    spawn = spawn_with_one_search,
    |app: TestApp| async move {
        let m = app.manager_token().await;
        let r = app
            .post("/api/v1/solve?time_limit_seconds=20", Some(&m), problem())
            .await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        assert_eq!(r.body["violations"], json!([]));
        assert_eq!(
            r.body["roster"]["searches"], 1,
            "{}",
            r.body["roster"]["searches"]
        );
    }
);

/// Runs `chatroster solve` on `problem()` with a time limit of 20 s and extra arguments.
fn run_solve_command(
    dir: &std::path::Path,
    extra: &[&str],
) -> (std::process::Output, Option<Value>) {
    let args: Vec<&str> = ["--time-limit", "20"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    run_solve_command_on(dir, &problem(), &args)
}

/// Runs `chatroster solve` on `problem` with `args` after its input and output.
fn run_solve_command_on(
    dir: &std::path::Path,
    problem: &Value,
    args: &[&str],
) -> (std::process::Output, Option<Value>) {
    let input = dir.join("problem.json");
    let output = dir.join("roster.json");
    let _ = std::fs::remove_file(&output);
    std::fs::write(&input, problem.to_string()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_chatroster"))
        .args(["solve", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(args)
        .env("CHATROSTER_LOG", "warn")
        .output()
        .unwrap();
    let roster = std::fs::read_to_string(&output)
        .ok()
        .map(|text| serde_json::from_str(&text).unwrap());
    (out, roster)
}

#[test]
fn solve_command_writes_the_roster() {
    let dir = tempfile::tempdir().unwrap();
    let (out, roster) = run_solve_command(dir.path(), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("0 hard-rule violations"), "{stdout}");
    let roster = roster.expect("roster file written");
    assert!(roster["shifts"].as_array().is_some_and(|s| !s.is_empty()));
    assert_eq!(roster["searches"], 2, "{}", roster["searches"]);

    // One search thread reaches the same proven optimum on an instance this small.
    let (out, single) = run_solve_command(dir.path(), &["--threads", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let single = single.expect("roster file written");
    assert_eq!(single["searches"], 1, "{}", single["searches"]);
    assert_eq!(single["objective"], roster["objective"]);
    assert!(
        single["gap"].as_f64().is_some_and(|g| g <= 0.01),
        "{single}"
    );

    // A work limit: the same roster run after run, with the work it counted.
    let (out, limited) = run_solve_command(dir.path(), &["--work-limit", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("work units"));
    let limited = limited.expect("roster file written");
    assert_eq!(limited["searches"], 1, "{}", limited["searches"]);
    let (_, again) = run_solve_command(dir.path(), &["--work-limit", "2"]);
    assert_eq!(
        without_solve_time(again.expect("roster file written")),
        without_solve_time(limited)
    );

    let (out, none) = run_solve_command(dir.path(), &["--threads", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--threads"));
    assert!(none.is_none(), "a rejected command writes no roster");
}

#[test]
fn solve_command_gives_a_minute_a_week_when_no_time_limit_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut two_weeks = problem();
    two_weeks["period"]["weeks"] = json!(2);
    let week = two_weeks["queues"][0]["required"]
        .as_array()
        .unwrap()
        .clone();
    two_weeks["queues"][0]["required"] = json!([week.clone(), week].concat());

    let (out, roster) = run_solve_command_on(dir.path(), &two_weeks, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("(limit: at most 120 s)"), "{stdout}");
    assert!(stdout.contains("0 hard-rule violations"), "{stdout}");
    let roster = roster.expect("roster file written");
    let last_end = roster["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["end_utc"].as_str())
        .max()
        .unwrap_or_default()
        .to_string();
    assert!(
        last_end.as_str() > "2026-03-30",
        "the roster covers the second week: {last_end}"
    );

    let (out, _) = run_solve_command_on(dir.path(), &problem(), &["--time-limit", "7"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(limit: at most 7 s)"));
}
