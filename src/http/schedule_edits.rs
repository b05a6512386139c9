//! Editing a solved roster by hand: add, move or remove a shift, lock and unlock shifts, and re-solve
//! keeping the locks. Shifts are addressed by their position in the roster's `shifts` list.

use super::auth::Authenticated;
use super::problem::{missing, ApiError, Problem};
use super::{run_db, AppState};
use crate::db;
use crate::domain::scheduler::edit::Edit;
use crate::domain::validation::ValidationErrors;
use crate::jobs::JobView;
use crate::plan::editing::{edit_schedule, resolve_schedule, EditOutcome};
use actix_web::{delete, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;

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

async fn run_edit(
    state: &AppState,
    auth: &Authenticated,
    id: String,
    edit: Edit,
) -> Result<EditOutcome, ApiError> {
    auth.require_manager()?;
    run_db(state, move |c| {
        db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        Ok(edit_schedule(c, &id, &edit)?)
    })
    .await
}

/// Adds a shift; refused (422, each broken rule named) when it breaks the agent's hard rules.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/shifts", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = NewShift,
    responses((status = 201, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
#[post("/schedules/{id}/shifts")]
pub async fn add_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    body: web::Json<NewShift>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let edit = Edit::Add {
        agent_id: body.agent_id,
        start: parse_start(&body.start_utc)?,
        template_id: body.template_id,
    };
    let outcome = run_edit(&state, &auth, path.into_inner(), edit).await?;
    Ok(HttpResponse::Created().json(outcome))
}

/// Moves a shift (optionally onto another template), reporting the coverage change.
#[utoipa::path(put, path = "/api/v1/schedules/{id}/shifts/{index}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path)), request_body = MovedShift,
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
#[put("/schedules/{id}/shifts/{index}")]
pub async fn move_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<(String, u32)>,
    body: web::Json<MovedShift>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let body = body.into_inner();
    let edit = Edit::Move {
        index: index as usize,
        start: parse_start(&body.start_utc)?,
        template_id: body.template_id,
    };
    Ok(HttpResponse::Ok().json(run_edit(&state, &auth, id, edit).await?))
}

/// Removes a shift, reporting the coverage it costs.
#[utoipa::path(delete, path = "/api/v1/schedules/{id}/shifts/{index}", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path)),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/schedules/{id}/shifts/{index}")]
pub async fn remove_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Remove {
        index: index as usize,
    };
    Ok(HttpResponse::Ok().json(run_edit(&state, &auth, id, edit).await?))
}

/// Locks a shift: edits refuse it and a re-solve keeps it as it is.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/shifts/{index}/lock", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path)),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem)))]
#[post("/schedules/{id}/shifts/{index}/lock")]
pub async fn lock_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Lock {
        index: index as usize,
    };
    Ok(HttpResponse::Ok().json(run_edit(&state, &auth, id, edit).await?))
}

/// Unlocks a shift.
#[utoipa::path(delete, path = "/api/v1/schedules/{id}/shifts/{index}/lock", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path), ("index" = u32, Path)),
    responses((status = 200, body = EditOutcome), (status = 404, body = Problem)))]
#[delete("/schedules/{id}/shifts/{index}/lock")]
pub async fn unlock_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<(String, u32)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let edit = Edit::Unlock {
        index: index as usize,
    };
    Ok(HttpResponse::Ok().json(run_edit(&state, &auth, id, edit).await?))
}

/// Solves the schedule again from the current requirements and agents, keeping its locked shifts;
/// poll the returned job or the schedule.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/resolve", tag = "scheduling", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 202, body = JobView), (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/schedules/{id}/resolve")]
pub async fn resolve(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = path.into_inner();
    let user = auth.user.id.clone();
    let job = run_db(&state, move |c| {
        db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        let job_id = resolve_schedule(c, &id, Some(&user))?;
        Ok(db::jobs::get(c, &job_id)?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(JobView::from(job)))
}
