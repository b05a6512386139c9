//! The `chatroster` command line: serve the API, run migrations, create manager accounts.

use anyhow::{bail, Context};
use chatroster::auth::password;
use chatroster::config::Config;
use chatroster::db::{self, DbPool};
use chatroster::domain::email::EmailAddress;
use chatroster::domain::scheduler::MAX_SEARCHES;
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
    /// Solve a scheduling problem (JSON) into a roster (JSON), showing progress.
    Solve {
        #[arg(long)]
        input: PathBuf,
        #[arg(long)]
        output: PathBuf,
        /// Wall-clock limit in seconds; the best roster found by then is written. Default: 60 a
        /// week of the problem's period.
        #[arg(long)]
        time_limit: Option<f64>,
        /// Relative MIP gap at which to stop.
        #[arg(long, default_value_t = 0.01)]
        mip_gap: f64,
        /// Stop on work done rather than the clock, in work units (about a second of search each
        /// on the reference machine): the same input then gives the same roster on any machine,
        /// unless --time-limit, still a hard cap, ends the solve first (the roster says so).
        #[arg(long)]
        work_limit: Option<f64>,
        /// Searches side by side (1 = the staged MIP alone; 2 adds HiGHS alone on the whole model).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=MAX_SEARCHES as i64))]
        threads: u16,
    },
    /// Run a local SMTP server that accepts every message (a mail catcher for the demo and for trials):
    /// prints one line per message and, with --dir, stores each as an .eml file.
    SmtpSink {
        #[arg(long, default_value = "127.0.0.1:2525")]
        bind: String,
        #[arg(long)]
        dir: Option<PathBuf>,
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
        Command::Solve {
            input,
            output,
            time_limit,
            mip_gap,
            work_limit,
            threads,
        } => solve(
            &input,
            &output,
            time_limit,
            chatroster::domain::scheduler::SolveOptions {
                mip_gap,
                work_limit,
                threads: usize::from(threads),
                ..Default::default()
            },
        ),
        Command::CreateManager {
            email,
            password_stdin,
        } => create_manager(&config, &email, password_stdin),
        Command::SmtpSink { bind, dir } => smtp_sink(&bind, dir),
    }
}

fn smtp_sink(bind: &str, dir: Option<PathBuf>) -> anyhow::Result<()> {
    use chatroster::email::sink::{SinkOptions, SmtpSink};
    let sink = SmtpSink::start(
        bind,
        SinkOptions {
            directory: dir,
            verbose: true,
            ..SinkOptions::default()
        },
    )
    .with_context(|| format!("cannot listen on {bind}"))?;
    println!("accepting mail on {} (Ctrl-C stops)", sink.addr());
    loop {
        std::thread::park();
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

/// `time_limit`: seconds, or `None` for the default of the problem's period.
fn solve(
    input: &std::path::Path,
    output: &std::path::Path,
    time_limit: Option<f64>,
    mut options: chatroster::domain::scheduler::SolveOptions,
) -> anyhow::Result<()> {
    use chatroster::domain::scheduler::{self, Problem};
    use indicatif::{ProgressBar, ProgressStyle};
    // The solver accepts a limit of 0 (the greedy roster alone); a command asked to solve
    // wants time for the MIP.
    if time_limit.is_some_and(|t| t.is_nan() || t <= 0.0) {
        bail!("--time-limit must be positive");
    }
    let text = std::fs::read_to_string(input)
        .with_context(|| format!("cannot read {}", input.display()))?;
    let problem: Problem = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid problem", input.display()))?;
    problem
        .check()
        .map_err(|e| anyhow::anyhow!("{}: {e}", input.display()))?;
    let time_limit =
        time_limit.unwrap_or_else(|| scheduler::default_time_limit_seconds(problem.period.weeks));
    options.time_limit_seconds = time_limit;
    options.check()?;
    let bar = ProgressBar::new((options.expected_seconds() * 10.0) as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} solving {msg} [{bar:30}] {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let limit = match options.work_limit {
        Some(units) => format!("{units} work units, at most {time_limit} s"),
        None => format!("at most {time_limit} s"),
    };
    bar.set_message(format!(
        "{} agents, {} queues, {limit}",
        problem.agents.len(),
        problem.queues.len()
    ));
    let worker = std::thread::spawn(move || {
        let roster = scheduler::solve(&problem, &options);
        (problem, roster)
    });
    while !worker.is_finished() {
        std::thread::sleep(std::time::Duration::from_millis(100));
        bar.inc(1);
    }
    let (problem, roster) = worker
        .join()
        .map_err(|_| anyhow::anyhow!("the solver thread panicked"))?;
    let roster = roster.map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let violations = scheduler::validate(&problem, &roster);
    std::fs::write(output, serde_json::to_string_pretty(&roster)?)
        .with_context(|| format!("cannot write {}", output.display()))?;
    let work = roster
        .work_units
        .map_or(String::new(), |w| format!(", {w:.2} work units"));
    println!(
        "{:?}: objective {:.1}, bound {}, gap {}, coverage {:.1}%, {} shifts, {} diagnostics, {} hard-rule violations{work} (limit: {limit}) -> {}",
        roster.status,
        roster.objective,
        roster.bound.map_or("-".into(), |b| format!("{b:.1}")),
        roster.roster_gap.map_or("-".into(), |g| format!("{:.2}%", g * 100.0)),
        roster.kpis.coverage_pct,
        roster.shifts.len(),
        roster.diagnostics.len(),
        violations.len(),
        output.display()
    );
    if !violations.is_empty() {
        bail!("the roster breaks hard rules: {violations:?}");
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
        db::DbError::Duplicate(_) => anyhow::anyhow!("{email} already has an account"),
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
