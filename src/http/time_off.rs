//! Time off: agents ask for it (`/me/time-off`), managers approve or deny it (`/time-off`). The agent is
//! emailed either way, through the outbox in the decision's transaction.

use super::auth::Authenticated;
use super::body::{optional_json, ApiJson};
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::shifts::ShiftRow;
use crate::db::time_off::{Filter, TimeOffRow};
use crate::db::{self, DbConnection};
use crate::domain::time_off::{TimeOffInput, TimeOffSpec};
use crate::domain::validation::{text, ValidationErrors};
use crate::email::agent_notices::{self as notices, TimeOffDecision};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(request_time_off)
        .service(my_time_off)
        .service(cancel_time_off)
        .service(list_time_off)
        .service(approve_time_off)
        .service(deny_time_off);
}

/// The caller's own agent id; managers have none.
pub(crate) fn own_agent(auth: &Authenticated) -> Result<String, ApiError> {
    auth.user
        .agent_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("only agents have their own shifts and requests"))
}

/// A time-off request as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TimeOffView {
    pub id: String,
    pub agent_id: String,
    /// Local start and end as entered, in `time_zone`.
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub reason: String,
    /// `pending`, `approved`, `denied` or `cancelled`.
    pub status: String,
    pub decision_note: Option<String>,
    #[serde(serialize_with = "crate::utc_json::utc_opt")]
    pub decided_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
}

impl From<TimeOffRow> for TimeOffView {
    fn from(r: TimeOffRow) -> Self {
        Self {
            start_utc: r.start_at.and_utc(),
            end_utc: r.end_at.and_utc(),
            id: r.id,
            agent_id: r.agent_id,
            start_local: r.start_local,
            end_local: r.end_local,
            time_zone: r.time_zone,
            reason: r.reason,
            status: r.status,
            decision_note: r.decision_note,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}

/// A published shift as managers see it in a report.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShiftBrief {
    pub id: String,
    pub agent_id: Option<String>,
    pub queue_id: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
}

impl From<&ShiftRow> for ShiftBrief {
    fn from(s: &ShiftRow) -> Self {
        Self {
            id: s.id.clone(),
            agent_id: s.agent_id.clone(),
            queue_id: s.queue_id.clone(),
            start_utc: s.start_utc(),
            end_utc: s.end_utc(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimeOffQuery {
    /// `pending`, `approved`, `denied` or `cancelled`.
    pub status: Option<String>,
    /// Managers only: one agent's requests.
    pub agent_id: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

fn check_status(status: Option<String>) -> Result<Option<String>, ApiError> {
    match status.filter(|s| !s.is_empty()) {
        Some(s) if !["pending", "approved", "denied", "cancelled"].contains(&s.as_str()) => {
            Err(ApiError::bad_request(format!(
                "unknown status '{s}' (expected pending, approved, denied or cancelled)"
            ))
            .with_field("status"))
        }
        other => Ok(other),
    }
}

/// Asks for time off in the caller's own zone (agents only).
#[utoipa::path(post, path = "/api/v1/me/time-off", tag = "self-service", security(("bearer" = [])),
    request_body = TimeOffInput,
    responses((status = 201, body = TimeOffView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
#[post("/me/time-off")]
pub async fn request_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<TimeOffInput>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let input = body.into_inner();
    let row = run_db(&state, move |c| {
        let agent = db::agents::get(c, &agent_id).map_err(missing("agent", &agent_id))?;
        let zone = agent.spec.time_zone;
        let spec = TimeOffSpec::parse(&input, zone.tz(), Utc::now())?;
        let t = db::now();
        let row = TimeOffRow {
            id: db::new_id(),
            agent_id,
            start_at: spec.span.start.naive_utc(),
            end_at: spec.span.end.naive_utc(),
            start_local: spec.start_local,
            end_local: spec.end_local,
            time_zone: zone.name().into(),
            reason: spec.reason,
            status: "pending".into(),
            decision_note: None,
            decided_by: None,
            decided_at: None,
            created_at: t,
            updated_at: t,
        };
        db::time_off::insert(c, &row)?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/me/time-off/{}", row.id)))
        .json(TimeOffView::from(row)))
}

async fn list(state: &AppState, filter: Filter, page: PageQuery) -> Result<HttpResponse, ApiError> {
    let page = page.page()?;
    let (rows, total) = run_db(state, move |c| Ok(db::time_off::list(c, &filter, page)?)).await?;
    let items = rows.into_iter().map(TimeOffView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::<TimeOffView>::new(items, total, page)))
}

/// The caller's own time-off requests by start (agents only).
#[utoipa::path(get, path = "/api/v1/me/time-off", tag = "self-service", security(("bearer" = [])),
    params(TimeOffQuery),
    responses((status = 200, body = Paged<TimeOffView>), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
#[get("/me/time-off")]
pub async fn my_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<TimeOffQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let filter = Filter {
        agent_id: Some(own_agent(&auth)?),
        status: check_status(q.status)?,
    };
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    list(&state, filter, page).await
}

/// Cancels one of the caller's pending requests (agents only).
#[utoipa::path(post, path = "/api/v1/me/time-off/{id}/cancel", tag = "self-service", security(("bearer" = [])),
    responses((status = 200, body = TimeOffView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/me/time-off/{id}/cancel")]
pub async fn cancel_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let id = id.into_inner();
    let row = run_db(&state, move |c| {
        let row = db::time_off::get(c, &id).map_err(missing("time-off request", &id))?;
        if row.agent_id != agent_id {
            return Err(ApiError::not_found(format!(
                "no time-off request with id {id}"
            )));
        }
        if !db::time_off::transition(c, &id, "pending", "cancelled", None, None)? {
            return Err(ApiError::conflict(format!(
                "only a pending request can be cancelled; this one is {}",
                row.status
            )));
        }
        Ok(db::time_off::get(c, &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(TimeOffView::from(row)))
}

/// Every agent's time-off requests by start, filterable by status and agent (managers only).
#[utoipa::path(get, path = "/api/v1/time-off", tag = "self-service", security(("bearer" = [])),
    params(TimeOffQuery),
    responses((status = 200, body = Paged<TimeOffView>), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
#[get("/time-off")]
pub async fn list_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<TimeOffQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let filter = Filter {
        agent_id: q.agent_id.filter(|a| !a.is_empty()),
        status: check_status(q.status)?,
    };
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    list(&state, filter, page).await
}

/// A manager's note on a decision.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// Up to 500 characters, shown to the agent.
    #[serde(default)]
    pub note: Option<String>,
}

/// Validates an optional note of up to 500 characters.
pub(crate) fn parse_note(note: Option<&str>) -> Result<Option<String>, ValidationErrors> {
    match note {
        Some(n) if !n.trim().is_empty() => {
            let mut errors = ValidationErrors::new();
            let note = errors.collect("note", text(n, 500));
            errors.finish(|| note.map(Some))
        }
        _ => Ok(None),
    }
}

/// The note of a manager's decision. The body is optional: no body means no note, as `{}` does.
pub(crate) async fn decision_note(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<Option<String>, ApiError> {
    let input: DecisionInput = optional_json(req, payload, state.config.max_json_bytes).await?;
    Ok(parse_note(input.note.as_deref())?)
}

/// The outcome of a decision: the request, and for an approval the agent's published active shifts
/// it overlaps (which a manager must reassign).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub time_off: TimeOffView,
    pub overlapping_shifts: Vec<ShiftBrief>,
}

fn decide(
    c: &mut DbConnection,
    mail_domain: &str,
    id: &str,
    approve: bool,
    note: Option<String>,
    manager: &str,
) -> Result<DecisionView, ApiError> {
    c.transaction::<_, ApiError, _>(|c| {
        crate::db::backend::begin_write(c)?;
        let row = db::time_off::get(c, id).map_err(missing("time-off request", id))?;
        let to = if approve { "approved" } else { "denied" };
        if !db::time_off::transition(c, id, "pending", to, note.as_deref(), Some(manager))? {
            return Err(ApiError::conflict(format!(
                "only a pending request can be decided; this one is {}",
                row.status
            )));
        }
        let agent = db::agents::get(c, &row.agent_id).map_err(missing("agent", &row.agent_id))?;
        let view = TimeOffDecision {
            agent_name: agent.spec.name.clone(),
            approved: approve,
            decision: to,
            start: row.start_local.clone(),
            end: row.end_local.clone(),
            zone: row.time_zone.clone(),
            reason: row.reason.clone(),
            note: note.clone().unwrap_or_default(),
        };
        let message =
            notices::time_off_decision(&crate::plan::assignment::recipient(&agent), &view)
                .map_err(|e| {
                    tracing::error!(error = %e, "cannot render the time-off decision");
                    ApiError::internal()
                })?;
        db::outbox::enqueue(c, &message, mail_domain)?;
        let overlapping = if approve {
            db::shifts::for_agent(c, &row.agent_id, row.start_at, row.end_at)?
                .iter()
                .filter(|s| s.is_active())
                .map(ShiftBrief::from)
                .collect()
        } else {
            Vec::new()
        };
        Ok(DecisionView {
            time_off: db::time_off::get(c, id)?.into(),
            overlapping_shifts: overlapping,
        })
    })
}

async fn decide_request(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: String,
    (req, payload): (HttpRequest, web::Payload),
    approve: bool,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let note = decision_note(&req, payload, &state).await?;
    let manager = auth.user.id.clone();
    let domain = state.config.mail_domain();
    let view = run_db(&state, move |c| {
        decide(c, &domain, &id, approve, note, &manager)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Approves a pending request (managers only). The scheduler never places a shift in approved time
/// off; already published shifts it overlaps are listed for reassignment.
#[utoipa::path(post, path = "/api/v1/time-off/{id}/approve", tag = "self-service", security(("bearer" = [])),
    request_body(content = Option<DecisionInput>, description = "optional", content_type = "application/json"),
    responses((status = 200, body = DecisionView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
#[post("/time-off/{id}/approve")]
pub async fn approve_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    decide_request(state, auth, id.into_inner(), (req, payload), true).await
}

/// Denies a pending request with an optional note (managers only).
#[utoipa::path(post, path = "/api/v1/time-off/{id}/deny", tag = "self-service", security(("bearer" = [])),
    request_body(content = Option<DecisionInput>, description = "optional", content_type = "application/json"),
    responses((status = 200, body = DecisionView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
#[post("/time-off/{id}/deny")]
pub async fn deny_time_off(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    decide_request(state, auth, id.into_inner(), (req, payload), false).await
}
