//! The worker loop: claim, run the handler for the job's kind, record the outcome.

use crate::db::{self, backend, DbError, DbPool};
use chrono::{Duration as ChronoDuration, NaiveDateTime};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Why a handler gave up on a job.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (a network or SMTP hiccup); retried with backoff up to the job's limit.
    #[error("{0}")]
    Retryable(String),
    /// Retrying cannot help (bad payload, infeasible input).
    #[error("{0}")]
    Permanent(String),
    /// The lease was taken over by another worker; the outcome is discarded.
    #[error("lease lost")]
    LeaseLost,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What a running handler can do to its job.
pub struct JobContext<'a> {
    pool: &'a DbPool,
    pub job_id: String,
    pub attempt: i32,
    worker_id: &'a str,
    lease: Duration,
}

impl JobContext<'_> {
    /// Reports progress (0..=1) and renews the lease. Fails with [`JobError::LeaseLost`] when another
    /// worker has taken the job over, so the handler stops instead of doing the work twice.
    pub fn progress(&self, fraction: f64, message: &str) -> Result<(), JobError> {
        let mut conn = self.pool.get()?;
        let still_ours = db::jobs::heartbeat(
            &mut conn,
            &self.job_id,
            self.worker_id,
            fraction.clamp(0.0, 1.0),
            Some(message),
            lease_until(self.lease),
        )?;
        if still_ours {
            Ok(())
        } else {
            Err(JobError::LeaseLost)
        }
    }

    pub fn pool(&self) -> &DbPool {
        self.pool
    }
}

/// Runs jobs of one kind. Handlers must be idempotent per job: after a crash a job runs again.
pub trait JobHandler: Send + Sync {
    fn run(
        &self,
        ctx: &JobContext<'_>,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, JobError>;
}

impl<F> JobHandler for F
where
    F: Fn(&JobContext<'_>, &serde_json::Value) -> Result<serde_json::Value, JobError> + Send + Sync,
{
    fn run(
        &self,
        ctx: &JobContext<'_>,
        payload: &serde_json::Value,
    ) -> Result<serde_json::Value, JobError> {
        self(ctx, payload)
    }
}

/// Tuning of a worker; the defaults suit solves of a few minutes and email batches.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    pub poll_interval: Duration,
    pub lease: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            lease: Duration::from_secs(60),
            base_backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(600),
        }
    }
}

/// A job worker identified by a unique id; several may run in one process or across instances.
pub struct Worker {
    pool: DbPool,
    id: String,
    handlers: BTreeMap<String, Arc<dyn JobHandler>>,
    settings: WorkerSettings,
}

fn lease_until(lease: Duration) -> NaiveDateTime {
    db::now() + ChronoDuration::from_std(lease).unwrap_or(ChronoDuration::seconds(60))
}

/// Delay before attempt `attempt + 1`: base * 2^(attempt-1), capped.
pub fn backoff(settings: &WorkerSettings, attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    settings
        .base_backoff
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(settings.max_backoff)
}

impl Worker {
    pub fn new(pool: DbPool, settings: WorkerSettings) -> Self {
        Self {
            pool,
            id: format!("worker-{}", uuid::Uuid::new_v4()),
            handlers: BTreeMap::new(),
            settings,
        }
    }

    pub fn register(mut self, kind: &str, handler: Arc<dyn JobHandler>) -> Self {
        self.handlers.insert(kind.to_string(), handler);
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and runs at most one job; `Ok(true)` when one was run.
    pub fn run_once(&self) -> Result<bool, DbError> {
        let kinds: Vec<String> = self.handlers.keys().cloned().collect();
        if kinds.is_empty() {
            return Ok(false);
        }
        let claimed = {
            let mut conn = self.pool.get()?;
            backend::claim_job(
                &mut conn,
                &self.id,
                &kinds,
                db::now(),
                lease_until(self.settings.lease),
            )?
        };
        let Some(job_id) = claimed else {
            return Ok(false);
        };
        let job = {
            let mut conn = self.pool.get()?;
            db::jobs::get(&mut conn, &job_id)?
        };
        let span =
            tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
        let _entered = span.enter();
        if job.attempts > job.max_attempts {
            // Claimed again after its lease expired on the last allowed attempt: the worker died on it.
            let mut conn = self.pool.get()?;
            db::jobs::fail(
                &mut conn,
                &job.id,
                &self.id,
                "worker stopped during the last attempt",
                None,
            )?;
            tracing::warn!("job abandoned after {} attempts", job.max_attempts);
            return Ok(true);
        }
        let outcome = match (
            self.handlers.get(&job.kind),
            serde_json::from_str::<serde_json::Value>(&job.payload),
        ) {
            (Some(handler), Ok(payload)) => {
                let ctx = JobContext {
                    pool: &self.pool,
                    job_id: job.id.clone(),
                    attempt: job.attempts,
                    worker_id: &self.id,
                    lease: self.settings.lease,
                };
                handler.run(&ctx, &payload)
            }
            (None, _) => Err(JobError::Permanent(format!(
                "no handler for kind {}",
                job.kind
            ))),
            (_, Err(e)) => Err(JobError::Permanent(format!("payload is not JSON: {e}"))),
        };
        let mut conn = self.pool.get()?;
        match outcome {
            Ok(result) => {
                if !db::jobs::succeed(&mut conn, &job.id, &self.id, &result.to_string())? {
                    tracing::warn!("job finished after its lease was lost; result discarded");
                }
            }
            Err(JobError::LeaseLost) => tracing::warn!("lease lost; another worker owns the job"),
            Err(JobError::Retryable(msg)) if job.attempts < job.max_attempts => {
                let delay = backoff(&self.settings, job.attempts);
                let at = db::now()
                    + ChronoDuration::from_std(delay).unwrap_or(ChronoDuration::seconds(5));
                tracing::warn!(error = %msg, retry_in = ?delay, "job failed; will retry");
                db::jobs::fail(&mut conn, &job.id, &self.id, &msg, Some(at))?;
            }
            Err(e) => {
                tracing::error!(error = %e, "job failed");
                db::jobs::fail(&mut conn, &job.id, &self.id, &e.to_string(), None)?;
            }
        }
        Ok(true)
    }

    /// Runs until `shutdown` is set, draining available jobs between polls. Database errors are logged
    /// and retried after a poll interval, so a database restart does not kill the worker.
    pub fn run(&self, shutdown: &AtomicBool) {
        tracing::info!(worker = %self.id, kinds = ?self.handlers.keys().collect::<Vec<_>>(), "worker started");
        while !shutdown.load(Ordering::Relaxed) {
            match self.run_once() {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, "worker could not claim a job"),
            }
            sleep_unless(shutdown, self.settings.poll_interval);
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    /// Starts the loop on its own thread.
    pub fn spawn(self, shutdown: Arc<AtomicBool>) -> std::io::Result<JoinHandle<()>> {
        std::thread::Builder::new()
            .name(self.id.clone())
            .spawn(move || self.run(&shutdown))
    }
}

fn sleep_unless(shutdown: &AtomicBool, total: Duration) {
    let step = Duration::from_millis(50);
    let mut slept = Duration::ZERO;
    while slept < total && !shutdown.load(Ordering::Relaxed) {
        std::thread::sleep(step);
        slept += step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let s = WorkerSettings::default();
        assert_eq!(backoff(&s, 1), Duration::from_secs(5));
        assert_eq!(backoff(&s, 2), Duration::from_secs(10));
        assert_eq!(backoff(&s, 4), Duration::from_secs(40));
        assert_eq!(backoff(&s, 30), Duration::from_secs(600));
    }
}
