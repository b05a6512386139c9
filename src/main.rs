//! The `chatroster` command line: serve the API, run migrations, create manager accounts.

use anyhow::{bail, Context};
use chatroster::auth::password;
use chatroster::config::Config;
use chatroster::db::{self, DbPool};
use chatroster::domain::email::EmailAddress;
use chatroster::startup::Application;
use chatroster::{demo, telemetry};
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "chatroster",
    version,
    about = "Staff the humans behind an AI chat assistant"
)]
struct Cli {
    /// TOML config file (also CHATROSTER_CONFIG); environment variables override it.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API and the background workers (migrations are applied first).
    Serve {
        /// Seed a demo organisation into an empty database and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Backtest the forecast of a queue against seasonal naive (WAPE, MASE, interval coverage).
    Backtest {
        /// Queue id or name.
        #[arg(long)]
        queue: String,
        /// Evaluate over the last N weeks of history.
        #[arg(long, default_value_t = 12)]
        weeks: usize,
        /// Horizon of each rolling origin, in weeks.
        #[arg(long, default_value_t = 6)]
        horizon_weeks: usize,
    },
    /// Create a manager account; the password is read from a prompt, or from stdin with --password-stdin.
    CreateManager {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_process_env(cli.config.as_deref())?;
    telemetry::init(&config.log);
    match cli.command {
        Command::Serve { demo } => serve(config, demo),
        Command::Migrate => {
            let pool = connect(&config)?;
            let n = pool.migrate()?;
            tracing::info!(applied = n, "migrations up to date");
            Ok(())
        }
        Command::Backtest {
            queue,
            weeks,
            horizon_weeks,
        } => backtest(&config, &queue, weeks, horizon_weeks),
        Command::CreateManager {
            email,
            password_stdin,
        } => create_manager(&config, &email, password_stdin),
    }
}

fn connect(config: &Config) -> anyhow::Result<DbPool> {
    DbPool::connect(&config.database_url, config.db_pool_size)
        .with_context(|| format!("cannot open database {}", redact(&config.database_url)))
}

/// Hides a password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    actix_web::rt::System::new().block_on(serve_async(config, with_demo))
}

async fn serve_async(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let pool = connect(&config)?;
    let applied = pool.migrate()?;
    tracing::info!(database = %redact(&config.database_url), applied, "database ready");
    if with_demo {
        match demo::seed(&pool)? {
            Some(creds) => {
                if creds.seeded {
                    tracing::info!(
                        "seeded the demo organisation (6 queues, 40 agents in 8 time zones)"
                    );
                }
                println!(
                    "\n  Demo manager: {} / {}",
                    creds.manager_email, creds.manager_password
                );
                println!(
                    "  Demo agent:   {} / {}",
                    creds.agent_email, creds.agent_password
                );
                println!("  (passwords are new on every `serve --demo` start)\n");
            }
            None => tracing::warn!(
                "database is not empty and has no demo manager; demo data not seeded"
            ),
        }
    }
    let host = match config.bind.rsplit_once(':') {
        Some(("0.0.0.0", _)) | None => "127.0.0.1".to_string(),
        Some((host, _)) => host.to_string(),
    };
    let app = Application::build(config, pool)?;
    let base = format!("http://{host}:{}", app.port());
    println!("  Listening on {base}");
    println!("  API:      {base}/api/v1   (sign in: POST {base}/api/v1/auth/login)");
    println!("  OpenAPI:  {base}/api/v1/openapi.json");
    println!("  Health:   {base}/healthz  {base}/readyz\n");
    app.run_until_stopped().await?;
    tracing::info!("stopped");
    Ok(())
}

fn backtest(
    config: &Config,
    queue: &str,
    weeks: usize,
    horizon_weeks: usize,
) -> anyhow::Result<()> {
    use chatroster::domain::forecast::BacktestSpec;
    use chatroster::plan::forecasting::{backtest_summary, queue_backtest};
    let pool = connect(config)?;
    pool.migrate()?;
    let mut conn = pool.get()?;
    let record = db::queues::all(&mut conn)?
        .into_iter()
        .find(|q| q.id == queue || q.spec.name.eq_ignore_ascii_case(queue))
        .ok_or_else(|| anyhow::anyhow!("no queue with id or name '{queue}'"))?;
    let spec = BacktestSpec {
        weeks,
        horizon_weeks,
        step_days: 7,
    };
    let report = queue_backtest(&mut conn, &record, &spec).map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "{} ({}): {}",
        record.spec.name,
        record.id,
        backtest_summary(&report)
    );
    println!(
        "{:<12} {:>8} {:>8} {:>10} {:>10}",
        "series", "WAPE", "MASE", "cover 80%", "cover 95%"
    );
    for (name, c) in [("volume", &report.volume), ("human chats", &report.human)] {
        for (method, m) in [("model", &c.model), ("naive", &c.naive)] {
            let cover =
                |v: Option<f64>| v.map_or("-".to_string(), |x| format!("{:.1}%", x * 100.0));
            println!(
                "{:<12} {:>7.1}% {:>8.2} {:>10} {:>10}   {method}",
                name,
                m.wape * 100.0,
                m.mase,
                cover(m.coverage80),
                cover(m.coverage95)
            );
        }
    }
    Ok(())
}

fn create_manager(config: &Config, email: &str, password_stdin: bool) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let secret = if password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Repeat password: ")?;
        if first != again {
            bail!("the passwords do not match");
        }
        first
    };
    let hash = password::hash(&secret)?;
    let pool = connect(config)?;
    pool.migrate()?;
    let mut conn = pool.get()?;
    let user = db::users::insert_manager(&mut conn, &email, &hash).map_err(|e| match e {
        db::DbError::Conflict(_) => anyhow::anyhow!("{email} already has an account"),
        other => other.into(),
    })?;
    println!("created manager {} ({})", user.email, user.id);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
