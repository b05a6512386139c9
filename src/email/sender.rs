//! The outbox sender: claims due messages in small batches (row locks on PostgreSQL, so several
//! instances can send at once without sending a message twice), sends them over SMTP with lettre, and
//! records each outcome as soon as it is known.
//!
//! Delivery is at-least-once: a sender that dies after the SMTP server accepted a message but before
//! the row was marked sent leaves an expired lease, and the message goes out again, with the same
//! Message-ID, so mail clients and servers that deduplicate on it show it once. Transient failures
//! (connection refused, 4xx) retry with exponential backoff up to the row's `max_attempts`; a permanent
//! 5xx or an unusable address fails the message at once. Failed messages wait for a manager's retry.

use super::message::{build, mail_domain, parse_from};
use super::EmailError;
use crate::config::{SmtpConfig, SmtpSecurity};
use crate::db::outbox::OutboxRow;
use crate::db::{self, backend, outbox, DbPool};
use chrono::NaiveDateTime;
use futures_util::stream::{self, StreamExt};
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How a sender paces itself.
#[derive(Debug, Clone)]
pub struct SenderSettings {
    /// Messages sent in parallel (one SMTP session each).
    pub concurrency: usize,
    /// How long a claimed message stays reserved; must exceed the SMTP timeout by a wide margin.
    pub lease: Duration,
    /// Sleep between polls when the outbox is empty.
    pub idle_poll: Duration,
    /// First retry delay; doubles with each failed attempt.
    pub retry_base: Duration,
    /// Upper bound of the retry delay.
    pub retry_cap: Duration,
    /// SMTP command timeout.
    pub smtp_timeout: Duration,
}

impl SenderSettings {
    pub fn from_config(smtp: &SmtpConfig) -> Self {
        Self {
            concurrency: smtp.concurrency.max(1),
            lease: Duration::from_secs(smtp.lease_seconds.max(1)),
            idle_poll: Duration::from_millis(smtp.poll_millis.max(10)),
            retry_base: Duration::from_secs(smtp.retry_base_seconds.max(1)),
            retry_cap: Duration::from_secs(3_600),
            smtp_timeout: Duration::from_secs(smtp.timeout_seconds.max(1)),
        }
    }
}

/// Sends outbox messages for one process.
pub struct OutboxSender {
    pool: DbPool,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    id: String,
    settings: SenderSettings,
}

/// Delay before attempt `attempts + 1`: base × 2^(attempts−1), capped.
pub fn backoff(attempts: i32, base: Duration, cap: Duration) -> Duration {
    let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
    base.saturating_mul(2u32.saturating_pow(exponent)).min(cap)
}

fn transport(
    smtp: &SmtpConfig,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, EmailError> {
    let tls = |host: &str| {
        TlsParameters::new(host.to_string())
            .map_err(|e| EmailError::Config(format!("TLS for {host}: {e}")))
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
        .port(smtp.port)
        .timeout(Some(timeout));
    builder = match smtp.security {
        SmtpSecurity::None => builder.tls(Tls::None),
        SmtpSecurity::Starttls => builder.tls(Tls::Required(tls(&smtp.host)?)),
        SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls(&smtp.host)?)),
    };
    if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(builder.build())
}

enum Outcome {
    Sent,
    Retry(String),
    Fail(String),
}

impl OutboxSender {
    /// A sender; call it inside a Tokio runtime (the SMTP connection pool is spawned on it).
    pub fn new(pool: DbPool, smtp: &SmtpConfig) -> Result<Self, EmailError> {
        let settings = SenderSettings::from_config(smtp);
        Ok(Self {
            transport: transport(smtp, settings.smtp_timeout)?,
            from: parse_from(&smtp.from)?,
            pool,
            id: format!("mail-{}", db::new_id()),
            settings,
        })
    }

    /// The domain used in Message-IDs of messages this configuration writes.
    pub fn mail_domain(&self) -> String {
        mail_domain(&self.from)
    }

    /// Starts a sender on its own thread and runtime, running until `shutdown` is set (the batch in
    /// flight is finished first). The configuration is checked before the thread starts.
    pub fn spawn(
        pool: DbPool,
        smtp: &SmtpConfig,
        shutdown: Arc<AtomicBool>,
    ) -> Result<JoinHandle<()>, EmailError> {
        parse_from(&smtp.from)?;
        let io = |e: std::io::Error| EmailError::Config(format!("cannot start the sender: {e}"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(io)?;
        let smtp = smtp.clone();
        std::thread::Builder::new()
            .name("outbox-sender".into())
            .spawn(move || {
                runtime.block_on(async move {
                    // The transport's connection pool lives on this thread's runtime.
                    let sender = match OutboxSender::new(pool, &smtp) {
                        Ok(sender) => sender,
                        Err(e) => {
                            tracing::error!("outbox sender not started: {e}");
                            return;
                        }
                    };
                    while !shutdown.load(Ordering::Relaxed) {
                        match sender.run_once().await {
                            Ok(0) => tokio::time::sleep(sender.settings.idle_poll).await,
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(sender = %sender.id, "outbox sender: {e}");
                                tokio::time::sleep(sender.settings.idle_poll * 10).await;
                            }
                        }
                    }
                })
            })
            .map_err(io)
    }

    /// Claims one batch, sends it, records the outcomes; returns how many messages it handled.
    pub async fn run_once(&self) -> Result<usize, EmailError> {
        let rows = self.claim().await?;
        let handled = rows.len();
        stream::iter(rows)
            .for_each_concurrent(self.settings.concurrency, |row| async move {
                let id = row.id.clone();
                if let Err(e) = self.deliver(row).await {
                    tracing::warn!(message = %id, "outbox: cannot record delivery: {e}");
                }
            })
            .await;
        Ok(handled)
    }

    /// Claims a batch and reads its rows.
    async fn claim(&self) -> Result<Vec<OutboxRow>, EmailError> {
        let pool = self.pool.clone();
        let sender = self.id.clone();
        let limit = (self.settings.concurrency * 4) as i64;
        let lease = lease_until(self.settings.lease);
        blocking(move || {
            let mut conn = pool.get()?;
            let ids = backend::claim_outbox(&mut conn, &sender, limit, db::now(), lease)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            outbox::get_many(&mut conn, &ids)
        })
        .await
    }

    async fn deliver(&self, row: OutboxRow) -> Result<(), EmailError> {
        let id = row.id.as_str();
        let outcome = match build(&row, &self.from) {
            Err(e) => Outcome::Fail(e.to_string()),
            Ok(message) => match self.transport.send(message).await {
                Ok(_) => Outcome::Sent,
                Err(e) if e.is_permanent() => Outcome::Fail(e.to_string()),
                Err(e) if row.attempts >= row.max_attempts => Outcome::Fail(e.to_string()),
                Err(e) => Outcome::Retry(e.to_string()),
            },
        };
        let pool = self.pool.clone();
        let sender = self.id.clone();
        let row_id = id.to_string();
        let retry_at = |attempts| {
            let delay = backoff(attempts, self.settings.retry_base, self.settings.retry_cap);
            db::now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::hours(1))
        };
        let kept = match outcome {
            Outcome::Sent => {
                blocking(move || outbox::mark_sent(&mut *pool.get()?, &row_id, &sender)).await?
            }
            Outcome::Retry(error) => {
                tracing::info!(message = %id, attempt = row.attempts, "send failed, will retry: {error}");
                let at = retry_at(row.attempts);
                blocking(move || {
                    outbox::mark_attempt_failed(
                        &mut *pool.get()?,
                        &row_id,
                        &sender,
                        &error,
                        Some(at),
                    )
                })
                .await?
            }
            Outcome::Fail(error) => {
                tracing::warn!(message = %id, "send failed for good: {error}");
                blocking(move || {
                    outbox::mark_attempt_failed(&mut *pool.get()?, &row_id, &sender, &error, None)
                })
                .await?
            }
        };
        if !kept {
            tracing::warn!(message = %id, "outbox lease expired while sending; another sender owns it now");
        }
        Ok(())
    }
}

fn lease_until(lease: Duration) -> NaiveDateTime {
    db::now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::minutes(5))
}

async fn blocking<T, F>(work: F) -> Result<T, EmailError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, db::DbError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| EmailError::Config(format!("database task failed: {e}")))?
        .map_err(EmailError::from)
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(30);
        let cap = Duration::from_secs(3_600);
        assert_eq!(backoff(1, base, cap), Duration::from_secs(30));
        assert_eq!(backoff(2, base, cap), Duration::from_secs(60));
        assert_eq!(backoff(4, base, cap), Duration::from_secs(240));
        assert_eq!(backoff(30, base, cap), cap);
        assert_eq!(backoff(0, base, cap), Duration::from_secs(30));
    }
}
