//! The daily `purge_applicants` job: erases rejected and withdrawn applicants after the retention
//! period, then queues its next run a day later (one queued run at a time).

use super::applicant::purge;
use crate::db::{self, DbPool, DbResult};
use crate::jobs::worker::{JobContext, JobError, JobHandler};
use chrono::Duration;

/// The job kind.
pub const PURGE_APPLICANTS: &str = "purge_applicants";

/// Queues a purge now unless one is already waiting (called when workers start).
pub fn ensure_scheduled(pool: &DbPool) -> DbResult<()> {
    let mut conn = pool.get()?;
    if db::jobs::count_queued(&mut conn, PURGE_APPLICANTS)? == 0 {
        db::jobs::insert_delayed(&mut conn, PURGE_APPLICANTS, "{}", 3, db::now())?;
    }
    Ok(())
}

/// Runs the purge with the configured retention.
pub struct PurgeApplicantsHandler {
    pub retention_days: u32,
}

impl JobHandler for PurgeApplicantsHandler {
    fn run(
        &self,
        ctx: &JobContext<'_>,
        _payload: &serde_json::Value,
    ) -> Result<serde_json::Value, JobError> {
        let mut conn = ctx.pool().get()?;
        let now = db::now();
        let erased = purge(&mut conn, now, self.retention_days)
            .map_err(|e| JobError::Retryable(e.to_string()))?;
        if db::jobs::count_queued(&mut conn, PURGE_APPLICANTS)? == 0 {
            db::jobs::insert_delayed(
                &mut conn,
                PURGE_APPLICANTS,
                "{}",
                3,
                now + Duration::days(1),
            )?;
        }
        Ok(serde_json::json!({ "erased": erased }))
    }
}
