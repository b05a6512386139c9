//! `/api/v1/schedules`: rosters for a planning period, solved in the background from the queues'
//! staffing requirements and the active agents.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::{self, schedules::ScheduleRow};
use crate::domain::scheduler::{
    default_time_limit_seconds, work_limit_range_text, Weights, WORK_LIMIT_RANGE,
};
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::parse_date;
use crate::jobs::JobView;
use crate::plan::scheduling::{self, SOLVE_SCHEDULE};
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(create_schedule)
        .service(list_schedules)
        .service(get_schedule)
        .service(discard_schedule);
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// First day of the period (`YYYY-MM-DD`); the period starts at 00:00 that day in the time
    /// zone of the first queue listed (of the first by name when `queue_ids` is omitted), and its
    /// weeks are that zone's calendar weeks.
    pub from: String,
    /// 1 to 6.
    pub weeks: u32,
    /// Queues to staff; omit for all.
    #[serde(default)]
    pub queue_ids: Option<Vec<String>>,
    /// Solver time limit in seconds (10 to 600; default 60 a week of the period).
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
    /// Stop the solve on work done rather than on the clock, in work units (0 to 100000; about a
    /// second of search each on the reference machine): solving the same schedule again gives the
    /// same roster, unless the time limit, still a hard cap, ends a solve first (its roster says so).
    /// Omit to stop on the time limit. Kept for every re-solve of the schedule.
    #[serde(default)]
    pub work_limit: Option<f64>,
    /// Objective weights (per agent-hour unless noted); omitted ones keep their documented
    /// defaults. Kept for every re-solve of the schedule.
    #[serde(default)]
    pub weights: Option<Weights>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    pub id: String,
    pub period_start: NaiveDate,
    pub weeks: i32,
    pub queue_ids: Vec<String>,
    /// `queued`, `solving`, `solved`, `failed` or `discarded`.
    pub status: String,
    pub error: Option<String>,
    /// The background solve: poll it for progress.
    pub job: Option<JobView>,
    /// The objective weights the schedule is solved with.
    pub weights: Weights,
    /// The solver time limit in seconds.
    pub time_limit_seconds: f64,
    /// The solver work limit in work units, if the schedule is solved on work done.
    pub work_limit: Option<f64>,
    /// The roster once solved (shifts in UTC and local time, coverage, KPIs, bound, gap, diagnostics).
    #[schema(value_type = Option<crate::domain::scheduler::Roster>)]
    pub roster: Option<serde_json::Value>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub updated_at: NaiveDateTime,
    /// The roster's revision (also the `ETag` of `GET /schedules/{id}`): edits sent with it as
    /// `If-Match` are refused if the roster changed since.
    pub revision: String,
}

fn view(row: ScheduleRow, job: Option<JobView>, with_roster: bool) -> ScheduleView {
    let weights = crate::plan::scheduling::schedule_weights(&row);
    // Lists read rows without settling them (see `db::schedules::get`): settle the view alike.
    let settled = db::schedules::settled(
        &row,
        job.as_ref()
            .map(|j| (j.status.as_str(), j.error.as_deref())),
    );
    let (status, error) = match settled {
        Some((status, error)) => (status, Some(error)),
        None => (row.status, row.error),
    };
    ScheduleView {
        weights,
        time_limit_seconds: row.time_limit_seconds,
        work_limit: row.work_limit,
        queue_ids: serde_json::from_str(&row.queue_ids).unwrap_or_default(),
        roster: if with_roster {
            row.roster
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
        } else {
            None
        },
        id: row.id,
        period_start: row.period_start,
        weeks: row.weeks,
        status,
        error,
        job,
        created_at: row.created_at,
        revision: crate::plan::editing::revision(row.updated_at),
        updated_at: row.updated_at,
    }
}

/// A schedule's solver work limit must lie in the solver's range.
pub(crate) fn check_work_limit(errors: &mut ValidationErrors, units: f64) {
    if !WORK_LIMIT_RANGE.contains(&units) {
        errors.add("work_limit", format!("must be {}", work_limit_range_text()));
    }
}

/// A schedule's solver time limit must be 10 to 600 seconds.
pub(crate) fn check_time_limit(errors: &mut ValidationErrors, seconds: f64) {
    if !(seconds.is_finite() && (10.0..=600.0).contains(&seconds)) {
        errors.add("time_limit_seconds", "must be between 10 and 600");
    }
}

/// Objective weights a schedule is given must pass the solver's own check (any failure is the
/// `weights` field's).
pub(crate) fn check_weights(errors: &mut ValidationErrors, weights: Option<&Weights>) {
    if let Some(Err(e)) = weights.map(Weights::check) {
        errors.add(e.field().unwrap_or("weights"), e.message());
    }
}

/// Creates a schedule and queues its solve; answers 202 with the job to poll.
#[utoipa::path(post, path = "/api/v1/schedules", tag = "scheduling", security(("bearer" = [])),
    request_body = ScheduleInput,
    responses((status = 202, body = ScheduleView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/schedules")]
pub async fn create_schedule(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<ScheduleInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let input = body.into_inner();
    let mut errors = ValidationErrors::new();
    let from = errors.collect("from", parse_date(&input.from));
    if !(1..=6).contains(&input.weeks) {
        errors.add("weeks", "must be between 1 and 6");
    }
    let time_limit = input
        .time_limit_seconds
        .unwrap_or_else(|| default_time_limit_seconds(input.weeks));
    check_time_limit(&mut errors, time_limit);
    if let Some(units) = input.work_limit {
        check_work_limit(&mut errors, units);
    }
    check_weights(&mut errors, input.weights.as_ref());
    if input
        .queue_ids
        .as_ref()
        .is_some_and(|q| q.is_empty() || q.len() > 200)
    {
        errors.add(
            "queue_ids",
            "give between 1 and 200 queues, or omit for all",
        );
    }
    let from = errors.finish(|| from)?;
    let created_by = auth.user.id.clone();
    let (row, job) = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            db::backend::begin_write(c)?;
            // A queue deleted while this runs must not end up in the schedule (see `delete_queue`).
            db::queues::hold(c, input.queue_ids.as_deref())?;
            let all = db::queues::all(c)?;
            let ids: Vec<String> = match input.queue_ids {
                Some(ids) => {
                    if let Some(unknown) = ids.iter().find(|id| !all.iter().any(|q| &q.id == *id)) {
                        return Err(ApiError::not_found(format!("no queue with id {unknown}"))
                            .with_field("queue_ids"));
                    }
                    ids
                }
                None => all.iter().map(|q| q.id.clone()).collect(),
            };
            if ids.is_empty() {
                return Err(ApiError::validation(ValidationErrors::single(
                    "queue_ids",
                    "there are no queues to staff",
                )));
            }
            let chosen: Vec<_> = all.into_iter().filter(|q| ids.contains(&q.id)).collect();
            scheduling::check_period(c, from, input.weeks, &chosen)?;
            let id = db::new_id();
            let job_id = db::jobs::insert(
                c,
                SOLVE_SCHEDULE,
                &serde_json::json!({ "schedule_id": id }).to_string(),
                2,
                Some(&created_by),
            )?;
            let t = db::now();
            let row = ScheduleRow {
                id,
                period_start: from,
                weeks: i32::try_from(input.weeks).unwrap_or(1),
                queue_ids: serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()),
                time_limit_seconds: time_limit,
                status: "queued".into(),
                job_id: job_id.clone(),
                roster: None,
                error: None,
                created_by: Some(created_by),
                created_at: t,
                updated_at: t,
                problem: None,
                edited_at: None,
                work_limit: input.work_limit,
                weights: input
                    .weights
                    .as_ref()
                    .and_then(|w| serde_json::to_string(w).ok()),
            };
            db::schedules::insert(c, &row)?;
            Ok((row, db::jobs::get(c, &job_id)?))
        })
    })
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/schedules/{}", row.id)))
        .json(view(row, Some(job.into()), false)))
}

/// Lists schedules, newest first (without their rosters).
#[utoipa::path(get, path = "/api/v1/schedules", tag = "scheduling", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Paged<ScheduleView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/schedules")]
pub async fn list_schedules(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let page = query.into_inner().page()?;
    let (rows, total) = run_db(&state, move |c| Ok(db::schedules::list(c, page)?)).await?;
    let items = rows.into_iter().map(|r| view(r, None, false)).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// One schedule with its solve job's progress and, once solved, the roster; its `ETag` is the
/// revision that roster edits name in `If-Match`.
#[utoipa::path(get, path = "/api/v1/schedules/{id}", tag = "scheduling", security(("bearer" = [])),
    responses((status = 200, body = ScheduleView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/schedules/{id}")]
pub async fn get_schedule(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let (row, job) = run_db(&state, move |c| {
        let row = db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        let job = db::jobs::get(c, &row.job_id).ok();
        Ok((row, job))
    })
    .await?;
    // The revision an edit's If-Match names (see `schedule_edits`).
    let view = view(row, job.map(JobView::from), true);
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::ETAG, view.revision.clone()))
        .json(view))
}

/// Discards a schedule (its roster is kept for reference but it can no longer be used).
#[utoipa::path(delete, path = "/api/v1/schedules/{id}", tag = "scheduling", security(("bearer" = [])),
    responses((status = 204, description = "discarded"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[delete("/schedules/{id}")]
pub async fn discard_schedule(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        let row = db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        db::jobs::cancel(c, &row.job_id)?;
        db::schedules::set_outcome(
            c,
            &id,
            "discarded",
            row.roster.as_deref(),
            row.error.as_deref(),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
