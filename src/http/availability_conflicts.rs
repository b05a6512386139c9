//! `/api/v1/availability-conflicts`: published shifts an agent's changed availability no longer
//! covers. The shift stays as published; a manager reassigns it or agrees with the agent, then
//! resolves the conflict.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::time_off::{parse_note, ShiftBrief};
use super::{run_db, AppState};
use crate::db::availability_conflicts::ConflictRow;
use crate::db::{self, DbConnection, DbResult};
use crate::domain::validation::ValidationErrors;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_conflicts).service(resolve_conflict);
}

/// A conflict between changed availability and a published shift.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ConflictView {
    pub id: String,
    pub agent_id: String,
    pub shift: ShiftBrief,
    /// `open` or `resolved`.
    pub status: String,
    pub resolution_note: Option<String>,
    #[serde(serialize_with = "crate::utc_json::utc_opt")]
    pub resolved_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
}

/// Views of conflict rows with their shifts.
pub(crate) fn views(
    conn: &mut DbConnection,
    rows: Vec<ConflictRow>,
) -> DbResult<Vec<ConflictView>> {
    rows.into_iter()
        .map(|r| {
            let shift = db::shifts::get(conn, &r.shift_id)?;
            Ok(ConflictView {
                shift: ShiftBrief::from(&shift),
                id: r.id,
                agent_id: r.agent_id,
                status: r.status,
                resolution_note: r.resolution_note,
                resolved_at: r.resolved_at,
                created_at: r.created_at,
            })
        })
        .collect()
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConflictQuery {
    /// `open` (default), `resolved` or `all`.
    pub status: Option<String>,
    pub agent_id: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Conflicts oldest first, open ones unless asked otherwise (managers only).
#[utoipa::path(get, path = "/api/v1/availability-conflicts", tag = "self-service", security(("bearer" = [])),
    params(ConflictQuery),
    responses((status = 200, body = Paged<ConflictView>), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
#[get("/availability-conflicts")]
pub async fn list_conflicts(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<ConflictQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let status = match q.status.as_deref().unwrap_or("open") {
        "all" => None,
        s @ ("open" | "resolved") => Some(s.to_string()),
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown status '{other}' (expected open, resolved or all)"
            ))
            .with_field("status"))
        }
    };
    let agent = q.agent_id.filter(|a| !a.is_empty());
    let (items, total) = run_db(&state, move |c| {
        let (rows, total) =
            db::availability_conflicts::list(c, status.as_deref(), agent.as_deref(), page)?;
        Ok((views(c, rows)?, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Paged::<ConflictView>::new(items, total, page)))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// How it was settled, up to 500 characters.
    pub note: String,
}

/// Resolves an open conflict with a note (managers only).
#[utoipa::path(post, path = "/api/v1/availability-conflicts/{id}/resolve", tag = "self-service",
    security(("bearer" = [])), request_body = ResolveInput,
    responses((status = 200, body = ConflictView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/availability-conflicts/{id}/resolve")]
pub async fn resolve_conflict(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<ResolveInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let note = parse_note(Some(&body.note))?
        .ok_or_else(|| ValidationErrors::single("note", "say how the conflict was resolved"))?;
    let id = id.into_inner();
    let manager = auth.user.id.clone();
    let view = run_db(&state, move |c| {
        let row = db::availability_conflicts::get(c, &id).map_err(missing("conflict", &id))?;
        if !db::availability_conflicts::resolve(c, &id, &note, &manager)? {
            return Err(ApiError::conflict(format!(
                "the conflict is already {}",
                row.status
            )));
        }
        let row = db::availability_conflicts::get(c, &id)?;
        Ok(views(c, vec![row])?.pop())
    })
    .await?
    .ok_or_else(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(view))
}
