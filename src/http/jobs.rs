//! `/api/v1/jobs`: status and progress of background work, for managers to poll.

use super::auth::Authenticated;
use super::pagination::{PageQuery, Paged};
use super::problem::{check_one_of, missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db;
use crate::jobs::JobView;
use crate::plan::recruiting::retention::PURGE_APPLICANTS;
use crate::plan::scheduling::SOLVE_SCHEDULE;
use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_jobs).service(get_job).service(cancel_job);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobListQuery {
    /// `solve_schedule` or `purge_applicants`.
    pub kind: Option<String>,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

const STATUSES: [&str; 5] = ["queued", "running", "succeeded", "failed", "cancelled"];

/// The kinds of job this service runs (the handlers of `startup::job_handlers`).
const KINDS: [&str; 2] = [SOLVE_SCHEDULE, PURGE_APPLICANTS];

/// Lists jobs, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", security(("bearer" = [])), params(JobListQuery),
    responses((status = 200, body = Paged<JobView>), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
#[get("/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<JobListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    check_one_of("status", q.status.as_deref(), &STATUSES)?;
    check_one_of("kind", q.kind.as_deref(), &KINDS)?;
    let (rows, total) = run_db(&state, move |c| {
        Ok(db::jobs::list(
            c,
            q.kind.as_deref(),
            q.status.as_deref(),
            page,
        )?)
    })
    .await?;
    let items = rows.into_iter().map(JobView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// One job with its progress and, when finished, its result or error.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let row = run_db(&state, move |c| {
        db::jobs::get(c, &id).map_err(missing("job", &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(JobView::from(row)))
}

/// Cancels a job that has not started yet; 409 once it runs or has finished.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/cancel", tag = "jobs", security(("bearer" = [])),
    responses((status = 200, body = JobView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/jobs/{id}/cancel")]
pub async fn cancel_job(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let row = run_db(&state, move |c| {
        let job = db::jobs::get(c, &id).map_err(missing("job", &id))?;
        if !db::jobs::cancel(c, &id)? {
            return Err(ApiError::conflict(format!(
                "job is {} and can no longer be cancelled",
                job.status
            )));
        }
        Ok(db::jobs::get(c, &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(JobView::from(row)))
}
