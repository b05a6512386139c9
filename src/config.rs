//! Configuration: defaults, then an optional TOML file, then environment variables (highest).
//!
//! The loaded [`Config`] is passed explicitly to whatever needs it; there is no global.

use serde::Deserialize;
use std::path::Path;

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain SMTP (a local relay or a test sink on loopback).
    None,
    /// Upgrade with STARTTLS (port 587).
    Starttls,
    /// Implicit TLS (port 465).
    Tls,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `From:` of every message, e.g. `Chat Roster <rosters@example.com>`.
    pub from: String,
    /// Outbox sender threads in this process (0: this instance does not send mail).
    pub senders: u32,
    /// SMTP sessions each sender runs in parallel.
    pub concurrency: usize,
    /// How long a claimed message stays reserved to one sender.
    pub lease_seconds: u64,
    /// SMTP command timeout.
    pub timeout_seconds: u64,
    /// First retry delay after a transient failure; doubles per attempt, capped at an hour.
    pub retry_base_seconds: u64,
    /// Outbox poll interval when there is nothing to send.
    pub poll_millis: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 2525,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "chatroster <no-reply@chatroster.localhost>".into(),
            senders: 1,
            concurrency: 8,
            lease_seconds: 300,
            timeout_seconds: 30,
            retry_base_seconds: 30,
            poll_millis: 500,
        }
    }
}

/// How shift swaps between agents are approved.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SwapsConfig {
    /// Approve a swap as soon as the taker passes every hard rule, without a manager.
    pub auto_approve: bool,
}

/// Recruiting: retention of closed applications, abuse limits and the consent text in force.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RecruitingConfig {
    /// Days after which a rejected or withdrawn applicant's personal data is erased.
    pub retention_days: u32,
    /// Applications accepted from one IP address per hour.
    pub max_applications_per_ip_per_hour: u32,
    /// Applications accepted for one email address per day.
    pub max_applications_per_email_per_day: u32,
    /// Version of the consent text the application form shows; applicants consent to exactly it.
    pub consent_text_version: String,
    /// How long an email confirmation link stays valid.
    pub confirm_ttl_hours: u32,
    /// How long a hired agent's invitation link stays valid.
    pub invitation_ttl_hours: u32,
}

impl Default for RecruitingConfig {
    fn default() -> Self {
        Self {
            retention_days: 180,
            max_applications_per_ip_per_hour: 20,
            max_applications_per_email_per_day: 5,
            consent_text_version: "2026-11".into(),
            confirm_ttl_hours: 72,
            invitation_ttl_hours: 168,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server listens on.
    pub bind: String,
    /// `sqlite://path/to/file.db` (default) or `postgres://user@host/db`.
    pub database_url: String,
    /// Public URL used in links inside emails.
    pub base_url: String,
    /// `tracing` filter, e.g. `info` or `chatroster=debug,actix_web=info`.
    pub log: String,
    /// Lifetime of a bearer token.
    pub token_ttl_hours: u32,
    /// Background job worker threads in this process (0 disables the worker).
    pub workers: u32,
    /// Searches one solve runs side by side (1 = the staged MIP alone; 2 adds HiGHS alone
    /// on the whole model on a second thread).
    pub solver_threads: usize,
    pub db_pool_size: u32,
    /// Largest accepted JSON body, bytes.
    pub max_json_bytes: usize,
    /// Largest history upload (CSV or JSON), bytes.
    pub max_upload_bytes: usize,
    pub smtp: SmtpConfig,
    pub swaps: SwapsConfig,
    /// How far back an agent's calendar feed reaches (everything ahead is always in it).
    pub calendar_feed_past_days: u32,
    pub recruiting: RecruitingConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://chatroster.db".into(),
            base_url: "http://127.0.0.1:8080".into(),
            log: "info".into(),
            token_ttl_hours: 12,
            workers: 2,
            solver_threads: 2,
            db_pool_size: 8,
            max_json_bytes: 256 * 1024,
            max_upload_bytes: 64 * 1024 * 1024,
            smtp: SmtpConfig::default(),
            swaps: SwapsConfig::default(),
            calendar_feed_past_days: 365,
            recruiting: RecruitingConfig::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid value for {name}: {message}")]
    Env { name: &'static str, message: String },
}

impl Config {
    /// The bare address of `From:` (the organizer of the calendars this service sends).
    pub fn from_address(&self) -> String {
        crate::email::message::parse_from(&self.smtp.from)
            .map(|m| m.email.to_string())
            .unwrap_or_default()
    }

    /// The domain of the `From:` address: the right-hand side of every Message-ID this service writes.
    pub fn mail_domain(&self) -> String {
        crate::email::message::parse_from(&self.smtp.from)
            .map(|m| crate::email::message::mail_domain(&m))
            .unwrap_or_else(|_| "chatroster.localhost".into())
    }

    /// Defaults, overlaid by `file` (if given) and by the variables `env` returns.
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|e| ConfigError::Parse {
                    path: path.display().to_string(),
                    message: e.to_string(),
                })?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        Ok(config)
    }

    /// Loads from the process environment, with the file named by `CHATROSTER_CONFIG` if set.
    pub fn from_process_env(file: Option<&Path>) -> Result<Self, ConfigError> {
        let from_env = std::env::var("CHATROSTER_CONFIG").ok();
        let file = file.or(from_env.as_deref().map(Path::new));
        Self::load(file, |name| std::env::var(name).ok())
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn num<T: std::str::FromStr>(name: &'static str, raw: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            raw.trim().parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                message: e.to_string(),
            })
        }
        if let Some(v) = env("CHATROSTER_BIND") {
            self.bind = v;
        }
        if let Some(v) = env("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("CHATROSTER_BASE_URL") {
            self.base_url = v.trim_end_matches('/').to_string();
        }
        if let Some(v) = env("CHATROSTER_LOG") {
            self.log = v;
        }
        if let Some(v) = env("CHATROSTER_TOKEN_TTL_HOURS") {
            self.token_ttl_hours = num("CHATROSTER_TOKEN_TTL_HOURS", v)?;
        }
        if let Some(v) = env("CHATROSTER_WORKERS") {
            self.workers = num("CHATROSTER_WORKERS", v)?;
        }
        if let Some(v) = env("CHATROSTER_SOLVER_THREADS") {
            self.solver_threads = num("CHATROSTER_SOLVER_THREADS", v)?;
        }
        if let Some(v) = env("CHATROSTER_DB_POOL_SIZE") {
            self.db_pool_size = num("CHATROSTER_DB_POOL_SIZE", v)?;
        }
        if let Some(v) = env("SMTP_HOST") {
            self.smtp.host = v;
        }
        if let Some(v) = env("SMTP_PORT") {
            self.smtp.port = num("SMTP_PORT", v)?;
        }
        if let Some(v) = env("SMTP_SECURITY") {
            self.smtp.security = match v.trim() {
                "none" => SmtpSecurity::None,
                "starttls" => SmtpSecurity::Starttls,
                "tls" => SmtpSecurity::Tls,
                other => {
                    return Err(ConfigError::Env {
                        name: "SMTP_SECURITY",
                        message: format!("'{other}' (expected none, starttls or tls)"),
                    })
                }
            };
        }
        if let Some(v) = env("SMTP_USERNAME") {
            self.smtp.username = Some(v);
        }
        if let Some(v) = env("SMTP_PASSWORD") {
            self.smtp.password = Some(v);
        }
        if let Some(v) = env("SMTP_FROM") {
            self.smtp.from = v;
        }
        if let Some(v) = env("SMTP_SENDERS") {
            self.smtp.senders = num("SMTP_SENDERS", v)?;
        }
        if let Some(v) = env("CHATROSTER_SWAPS_AUTO_APPROVE") {
            self.swaps.auto_approve = num("CHATROSTER_SWAPS_AUTO_APPROVE", v)?;
        }
        if let Some(v) = env("CHATROSTER_RETENTION_DAYS") {
            self.recruiting.retention_days = num("CHATROSTER_RETENTION_DAYS", v)?;
        }
        if self.token_ttl_hours == 0 {
            return Err(ConfigError::Env {
                name: "CHATROSTER_TOKEN_TTL_HOURS",
                message: "must be at least 1".into(),
            });
        }
        if !(1..=crate::domain::scheduler::MAX_SEARCHES).contains(&self.solver_threads) {
            return Err(ConfigError::Env {
                name: "CHATROSTER_SOLVER_THREADS",
                message: "must be 1 (the staged MIP alone) or 2 (HiGHS alone beside it)".into(),
            });
        }
        if self.db_pool_size == 0 {
            return Err(ConfigError::Env {
                name: "CHATROSTER_DB_POOL_SIZE",
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(
            &path,
            "bind = \"0.0.0.0:9000\"\nworkers = 4\n[smtp]\nport = 587\nsecurity = \"starttls\"\n",
        )
        .unwrap();
        let env: HashMap<&str, &str> = [
            ("CHATROSTER_WORKERS", "1"),
            ("CHATROSTER_SOLVER_THREADS", "1"),
            ("DATABASE_URL", "postgres://x/y"),
        ]
        .into();
        let c = Config::load(Some(&path), |k| env.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.workers, 1);
        assert_eq!(c.solver_threads, 1);
        assert_eq!(Config::default().solver_threads, 2);
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.smtp.port, 587);
        assert_eq!(c.smtp.security, SmtpSecurity::Starttls);
        assert_eq!(c.token_ttl_hours, 12);
        assert!(!c.swaps.auto_approve);
        std::fs::write(&path, "[swaps]\nauto_approve = true\n").unwrap();
        assert!(
            Config::load(Some(&path), |_| None)
                .unwrap()
                .swaps
                .auto_approve
        );
    }

    #[test]
    fn bad_values_are_named() {
        let err =
            Config::load(None, |k| (k == "SMTP_PORT").then(|| "abc".to_string())).unwrap_err();
        assert!(err.to_string().contains("SMTP_PORT"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "unknown_key = 1").unwrap();
        assert!(Config::load(Some(&path), |_| None).is_err());
        let err = Config::load(None, |k| {
            (k == "CHATROSTER_SOLVER_THREADS").then(|| "0".to_string())
        })
        .unwrap_err();
        assert!(
            err.to_string().contains("CHATROSTER_SOLVER_THREADS"),
            "{err}"
        );
    }
}
