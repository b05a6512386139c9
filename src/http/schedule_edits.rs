//! Editing a solved roster by hand: add, move or remove a shift, lock and unlock shifts, and re-solve
//! keeping the locks. Shifts are addressed by their position in the roster's `shifts` list; an edit
//! sent with `If-Match: <revision>` (the schedule's `ETag`) applies only if nobody changed the roster
//! since, so that an index can never point at another shift than the one the client saw.

use super::auth::Authenticated;
use super::body::{optional_json, ApiJson};
use super::problem::{missing, ApiError, Problem};
use super::schedules::{check_time_limit, check_weights, check_work_limit};
use super::{run_db, AppState};
use crate::db;
use crate::domain::scheduler::edit::Edit;
use crate::domain::scheduler::Weights;
use crate::domain::validation::ValidationErrors;
use crate::jobs::JobView;
use crate::plan::editing::{edit_schedule, resolve_schedule, EditOutcome, SolveSettings};
use actix_web::http::header::{ETAG, IF_MATCH};
use actix_web::http::StatusCode;
use actix_web::{delete, dev::Payload, post, put, web, FromRequest, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::future::{ready, Ready};

/// The request's `If-Match` header, if any.
pub struct IfMatch(pub(crate) Option<String>);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match req.headers().get(IF_MATCH).map(|v| v.to_str()) {
            None => Ok(IfMatch(None)),
            Some(Ok(v)) => Ok(IfMatch(Some(v.to_string()))),
            Some(Err(_)) => {
                Err(ApiError::bad_request("If-Match must be ASCII").with_field("If-Match"))
            }
        })
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(add_shift)
        .service(move_shift)
        .service(remove_shift)
        .service(lock_shift)
        .service(unlock_shift)
        .service(resolve);
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    pub agent_id: String,
    /// Start, RFC 3339; on the period's interval grid and the template's local start grid.
    pub start_utc: String,
    /// A template of the problem (`8h`, `6h`, `4h` by default); length and breaks follow it.
    pub template_id: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovedShift {
    pub start_utc: String,
    /// Another template for the shift; default: keep its template.
    #[serde(default)]
    pub template_id: Option<String>,
}

fn parse_start(raw: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            ApiError::validation(ValidationErrors::single(
                "start_utc",
                format!("'{raw}' is not an RFC 3339 instant"),
            ))
        })
}

/// Runs `edit` and answers `status` with the outcome and the roster's new revision as `ETag`.
async fn run_edit(
    state: &AppState,
    auth: &Authenticated,
    id: String,
    edit: Edit,
    if_match: IfMatch,
    status: StatusCode,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let outcome = run_db(state, move |c| {
        db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        Ok(edit_schedule(c, &id, &edit, if_match.0.as_deref())?)
    })
    .await?;
    Ok(HttpResponse::build(status)
        .insert_header((ETAG, outcome.revision.clone()))
        .json(outcome))
}

/// Adds a shift; refused (422, each broken rule named) when it breaks the agent's hard rules.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/shifts", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: the edit is refused with 412 if the roster changed since")), request_body = NewShift,
    responses((status = 201, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
#[post("/schedules/{id}/shifts")]
pub async fn add_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    if_match: IfMatch,
    path: web::Path<String>,
    body: ApiJson<NewShift>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let edit = Edit::Add {
        agent_id: body.agent_id,
        start: parse_start(&body.start_utc)?,
        template_id: body.template_id,
    };
    run_edit(
        &state,
        &auth,
        path.into_inner(),
        edit,
        if_match,
        StatusCode::CREATED,
    )
    .await
}

/// Moves a shift (optionally onto another template), reporting the coverage change.
#[utoipa::path(put, path = "/api/v1/schedules/{id}/shifts/{index}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: the edit is refused with 412 if the roster changed since")), request_body = MovedShift,
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem)))]
#[put("/schedules/{id}/shifts/{index}")]
pub async fn move_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    if_match: IfMatch,
    path: web::Path<(String, u32)>,
    body: ApiJson<MovedShift>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let body = body.into_inner();
    let edit = Edit::Move {
        index: index as usize,
        start: parse_start(&body.start_utc)?,
        template_id: body.template_id,
    };
    run_edit(&state, &auth, id, edit, if_match, StatusCode::OK).await
}

/// Removes a shift, reporting the coverage it costs.
#[utoipa::path(delete, path = "/api/v1/schedules/{id}/shifts/{index}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: the edit is refused with 412 if the roster changed since")),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem)))]
#[delete("/schedules/{id}/shifts/{index}")]
pub async fn remove_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    if_match: IfMatch,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Remove {
        index: index as usize,
    };
    run_edit(&state, &auth, id, edit, if_match, StatusCode::OK).await
}

/// Locks a shift: edits refuse it and a re-solve keeps it as it is.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/shifts/{index}/lock", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: the edit is refused with 412 if the roster changed since")),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[post("/schedules/{id}/shifts/{index}/lock")]
pub async fn lock_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    if_match: IfMatch,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Lock {
        index: index as usize,
    };
    run_edit(&state, &auth, id, edit, if_match, StatusCode::OK).await
}

/// Unlocks a shift.
#[utoipa::path(delete, path = "/api/v1/schedules/{id}/shifts/{index}/lock", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: the edit is refused with 412 if the roster changed since")),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 412, body = Problem)))]
#[delete("/schedules/{id}/shifts/{index}/lock")]
pub async fn unlock_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    if_match: IfMatch,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Unlock {
        index: index as usize,
    };
    run_edit(&state, &auth, id, edit, if_match, StatusCode::OK).await
}

/// How a re-solve should run; the body may be left out, and omitted fields keep the schedule's.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveScheduleInput {
    /// Objective weights for this and every later solve of the schedule (weights omitted inside
    /// take their documented defaults, as on creation).
    #[serde(default)]
    pub weights: Option<Weights>,
    /// Solver time limit in seconds (10 to 600) for this and every later solve.
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
    /// Solver work limit in work units (0 to 100000) for this and every later solve, which then
    /// stops on work done and gives the same roster for the same input; `null` goes back to
    /// stopping on the time limit.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub work_limit: Option<Option<f64>>,
}

/// A field that is present, even as `null`, is `Some`: an absent one stays `None` (its default).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

/// Solves the schedule again from the current requirements and agents, keeping its locked shifts;
/// poll the returned job or the schedule. A body may give other objective weights or another time
/// limit, to try a trade-off on the same period without losing the locks.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/resolve", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Option<ResolveScheduleInput>, description = "optional", content_type = "application/json"),
    responses((status = 202, body = JobView), (status = 400, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
#[post("/schedules/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let input: ResolveScheduleInput =
        optional_json(&req, payload, state.config.max_json_bytes).await?;
    let mut errors = ValidationErrors::new();
    if let Some(seconds) = input.time_limit_seconds {
        check_time_limit(&mut errors, seconds);
    }
    if let Some(Some(units)) = input.work_limit {
        check_work_limit(&mut errors, units);
    }
    check_weights(&mut errors, input.weights.as_ref());
    errors.finish(|| Some(()))?;
    let changes = SolveSettings {
        weights: input.weights,
        time_limit_seconds: input.time_limit_seconds,
        work_limit: input.work_limit,
    };
    let id = path.into_inner();
    let user = auth.user.id.clone();
    let job = run_db(&state, move |c| {
        db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        let job_id = resolve_schedule(c, &id, Some(&user), &changes)?;
        Ok(db::jobs::get(c, &job_id)?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(JobView::from(job)))
}
