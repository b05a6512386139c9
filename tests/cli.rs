//! The binary as a user runs it: `migrate`, `create-manager`, and `serve --demo` end to end.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn binary() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chatroster"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("CHATROSTER_CONFIG")
        .env("CHATROSTER_LOG", "warn");
    cmd
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn migrate_and_create_manager_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let status = binary()
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .status()
        .unwrap();
    assert!(status.success());

    let mut child = binary()
        .args([
            "create-manager",
            "--email",
            "Chief@Example.com",
            "--password-stdin",
        ])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a-long-cli-password\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("created manager chief@example.com"));

    // A short password and a duplicate account are refused with a message, not a panic.
    for (email, password, expected) in [
        ("other@example.com", "short", "between 10 and 256"),
        (
            "chief@example.com",
            "another-long-password",
            "already has an account",
        ),
    ] {
        let mut child = binary()
            .args(["create-manager", "--email", email, "--password-stdin"])
            .env("DATABASE_URL", &url)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{password}\n").as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "stderr: {err}");
    }
}

#[actix_web::test]
async fn serve_demo_seeds_and_prints_working_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let child = binary()
        .args(["serve", "--demo"])
        .env("DATABASE_URL", &url)
        .env("CHATROSTER_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut manager, mut port) = (None, None);
    let start = Instant::now();
    while manager.is_none() || port.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "serve --demo did not start"
        );
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            continue;
        };
        if let Some(rest) = line.trim().strip_prefix("Demo manager: ") {
            let (email, password) = rest.split_once(" / ").unwrap();
            manager = Some((email.to_string(), password.to_string()));
        }
        if let Some(rest) = line.trim().strip_prefix("Listening on http://127.0.0.1:") {
            port = Some(rest.trim().to_string());
        }
    }
    let (email, password) = manager.unwrap();
    let base = format!("http://127.0.0.1:{}", port.unwrap());
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("demo manager signs in");
    let agents: serde_json::Value = client
        .get(format!("{base}/api/v1/agents?limit=200"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(agents["total"], 40);
    let zones: std::collections::BTreeSet<&str> = agents["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["time_zone"].as_str().unwrap())
        .collect();
    assert!(zones.len() >= 6, "{zones:?}");
    let queues: serde_json::Value = client
        .get(format!("{base}/api/v1/queues"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queues["total"], 6);
    let ready = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    // The demo queues come with history: requirements work end to end, and the more the AI
    // resolves, the fewer agent-hours are needed.
    let swedish = queues["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["language"] == "sv-SE")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let hours = |deflection: &str| {
        let url = format!("{base}/api/v1/queues/{swedish}/requirements?deflection={deflection}");
        let client = client.clone();
        let token = token.to_string();
        async move {
            let r: serde_json::Value = client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["totals"]["scheduled_agent_hours"]
                .as_f64()
                .unwrap_or_else(|| panic!("{r}"))
        }
    };
    let (more_ai, less_ai) = (hours("0.85").await, hours("0.6").await);
    assert!(more_ai < less_ai, "{more_ai} vs {less_ai}");
    let backtest: serde_json::Value = client
        .post(format!("{base}/api/v1/queues/{swedish}/backtest"))
        .bearer_auth(token)
        .json(&serde_json::json!({"weeks": 4, "horizon_weeks": 2}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        backtest["report"]["volume"]["wape_improvement"]
            .as_f64()
            .unwrap()
            > 0.0,
        "{backtest}"
    );
}
