//! `/api/v1/agents`: the remote workforce. Managers manage everyone; an agent may read its own record
//! and change its own availability, and sees nothing of other agents.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{check_one_of, missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::auth::password;
use crate::db::agents::{AgentFilter, AgentRecord};
use crate::db::{self};
use crate::domain::agent::{
    AgentInput, AgentSpec, Availability, AvailabilityInput, Contract, LanguageSkillDto,
};
use crate::domain::shift_preferences::{ShiftPreferences, ShiftPreferencesDto};
use crate::domain::validation::ValidationErrors;
use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_agents)
        .service(create_agent)
        .service(get_agent)
        .service(update_agent)
        .service(delete_agent)
        .service(get_availability)
        .service(put_availability)
        .service(get_preferences)
        .service(put_preferences)
        .service(set_agent_password);
}

/// Weekly windows and dated exceptions, in the agent's local time.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AvailabilityView {
    pub time_zone: String,
    pub weekly: Vec<crate::domain::weekly::WindowDto>,
    pub exceptions: Vec<crate::domain::weekly::ExceptionDto>,
    /// Hours per week in the weekly pattern.
    pub weekly_hours: f64,
}

impl AvailabilityView {
    fn new(time_zone: &str, a: &Availability) -> Self {
        Self {
            time_zone: time_zone.to_string(),
            weekly: a.weekly.iter().map(|w| w.to_dto()).collect(),
            exceptions: a.exceptions.iter().map(|e| e.to_dto()).collect(),
            weekly_hours: a.weekly_hours(),
        }
    }
}

/// An agent as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub status: String,
    pub languages: Vec<LanguageSkillDto>,
    pub contract: Contract,
    pub availability: AvailabilityView,
    /// Start times and days the agent would rather work, in its own local time.
    pub preferences: ShiftPreferencesDto,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<AgentRecord> for AgentView {
    fn from(r: AgentRecord) -> Self {
        let s = r.spec;
        Self {
            availability: AvailabilityView::new(s.time_zone.name(), &s.availability),
            preferences: s.preferences.to_dto(),
            id: r.id,
            name: s.name,
            email: s.email.to_string(),
            time_zone: s.time_zone.name().into(),
            status: s.status.as_str().into(),
            languages: s
                .languages
                .iter()
                .map(|l| LanguageSkillDto {
                    language: l.language.to_string(),
                    proficiency: l.proficiency.as_str().into(),
                })
                .collect(),
            contract: s.contract,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgentListQuery {
    /// `active` or `inactive`.
    pub status: Option<String>,
    /// Language tag or primary language (`pt` matches `pt-BR`).
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// Case-insensitive part of the name or email.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists agents (managers only), filterable by status, language, zone and text.
#[utoipa::path(get, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])),
    params(AgentListQuery),
    responses((status = 200, body = Paged<AgentView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/agents")]
pub async fn list_agents(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<AgentListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    if q.q.as_ref().is_some_and(|s| s.len() > 100) {
        return Err(ApiError::bad_request("q must be at most 100 characters").with_field("q"));
    }
    let status = q.status.filter(|s| !s.is_empty());
    check_one_of("status", status.as_deref(), &["active", "inactive"])?;
    let filter = AgentFilter {
        status,
        language: q.language.filter(|s| !s.is_empty()),
        time_zone: q.time_zone.filter(|s| !s.is_empty()),
        search: q.q.filter(|s| !s.trim().is_empty()),
    };
    let (records, total) = run_db(&state, move |c| Ok(db::agents::list(c, &filter, page)?)).await?;
    let items = records.into_iter().map(AgentView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// Creates an agent (and its sign-in account, without a password yet).
#[utoipa::path(post, path = "/api/v1/agents", tag = "agents", security(("bearer" = [])),
    request_body = AgentInput,
    responses((status = 201, body = AgentView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/agents")]
pub async fn create_agent(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<AgentInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let spec = AgentSpec::parse(&body)?;
    let record = run_db(&state, move |c| Ok(db::agents::insert(c, &spec)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/agents/{}", record.id)))
        .json(AgentView::from(record)))
}

/// The agent `id` when the caller is a manager or that agent.
async fn readable_agent(
    state: &web::Data<AppState>,
    auth: &Authenticated,
    id: String,
) -> Result<AgentRecord, ApiError> {
    auth.require_self_or_manager(&id)?;
    run_db(state, move |c| {
        db::agents::get(c, &id).map_err(missing("agent", &id))
    })
    .await
}

/// One agent: managers, or the agent itself.
#[utoipa::path(get, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    responses((status = 200, body = AgentView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/agents/{id}")]
pub async fn get_agent(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = readable_agent(&state, &auth, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AgentView::from(record)))
}

/// Replaces an agent (managers only). Without `preferences` in the body the agent's stored
/// preferences are kept, so editing a contract does not erase what the agent asked for.
#[utoipa::path(put, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    request_body = AgentInput,
    responses((status = 200, body = AgentView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/agents/{id}")]
pub async fn update_agent(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<AgentInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let mut spec = AgentSpec::parse(&body)?;
    let keep_preferences = body.preferences.is_none();
    let id = id.into_inner();
    let record = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let stored = db::agents::get(c, &id).map_err(missing("agent", &id))?;
            if keep_preferences {
                spec.preferences = stored.spec.preferences;
            }
            db::agents::update(c, &id, &spec).map_err(missing("agent", &id))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(AgentView::from(record)))
}

/// Deletes an agent and its sign-in account (managers only); refused while the agent holds an active
/// published shift (set the agent inactive instead).
#[utoipa::path(delete, path = "/api/v1/agents/{id}", tag = "agents", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem, description = "the agent holds published shifts, worked or to come")))]
#[delete("/agents/{id}")]
pub async fn delete_agent(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        db::agents::delete(c, &id).map_err(missing("agent", &id))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An agent's availability in its own local time: managers, or the agent itself.
#[utoipa::path(get, path = "/api/v1/agents/{id}/availability", tag = "agents", security(("bearer" = [])),
    responses((status = 200, body = AvailabilityView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/agents/{id}/availability")]
pub async fn get_availability(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = readable_agent(&state, &auth, id.into_inner()).await?;
    let view = AvailabilityView::new(record.spec.time_zone.name(), &record.spec.availability);
    Ok(HttpResponse::Ok().json(view))
}

/// Availability after a change, with the published shifts it no longer covers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AvailabilityChangeView {
    #[serde(flatten)]
    pub availability: AvailabilityView,
    /// Published future shifts outside the new availability; they stay as published and are
    /// flagged to managers.
    pub conflicts: Vec<super::availability_conflicts::ConflictView>,
}

/// Replaces an agent's weekly availability and dated exceptions: managers, or the agent itself.
/// The change applies to future schedules at once; published future shifts it no longer covers are
/// recorded as conflicts for managers and listed in the response.
#[utoipa::path(put, path = "/api/v1/agents/{id}/availability", tag = "agents", security(("bearer" = [])),
    request_body = AvailabilityInput,
    responses((status = 200, body = AvailabilityChangeView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/agents/{id}/availability")]
pub async fn put_availability(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<AvailabilityInput>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    auth.require_self_or_manager(&id)?;
    let availability = Availability::parse(&body)?;
    let (record, conflicts) = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let agent = db::agents::get(c, &id).map_err(missing("agent", &id))?;
            db::agents::write_availability(c, &id, &availability)?;
            let uncovered =
                crate::plan::assignment::uncovered_future_shifts(c, &agent, &availability)?;
            let shift_ids: Vec<String> = uncovered.into_iter().map(|s| s.id).collect();
            let rows = db::availability_conflicts::record(c, &id, &shift_ids)?;
            let conflicts = super::availability_conflicts::views(c, rows)?;
            Ok((db::agents::get(c, &id)?, conflicts))
        })
    })
    .await?;
    let availability =
        AvailabilityView::new(record.spec.time_zone.name(), &record.spec.availability);
    Ok(HttpResponse::Ok().json(AvailabilityChangeView {
        availability,
        conflicts,
    }))
}

/// An agent's shift preferences (local start times, days on and off, each with a weight): managers,
/// or the agent itself.
#[utoipa::path(get, path = "/api/v1/agents/{id}/preferences", tag = "agents", security(("bearer" = [])),
    responses((status = 200, body = ShiftPreferencesDto), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/agents/{id}/preferences")]
pub async fn get_preferences(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let record = readable_agent(&state, &auth, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(record.spec.preferences.to_dto()))
}

/// Replaces an agent's shift preferences: managers, or the agent itself. Schedules solved from
/// then on price a shift against them with its weights and spread such shifts over the agents;
/// published shifts stay as they are.
#[utoipa::path(put, path = "/api/v1/agents/{id}/preferences", tag = "agents", security(("bearer" = [])),
    request_body = ShiftPreferencesDto,
    responses((status = 200, body = ShiftPreferencesDto), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/agents/{id}/preferences")]
pub async fn put_preferences(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<ShiftPreferencesDto>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    auth.require_self_or_manager(&id)?;
    let preferences = ShiftPreferences::parse(&body)?;
    let record = run_db(&state, move |c| {
        db::agents::write_preferences(c, &id, &preferences).map_err(missing("agent", &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(record.spec.preferences.to_dto()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// 10 to 256 characters.
    pub password: String,
}

/// Sets an agent's sign-in password (managers only) and signs the agent out everywhere.
#[utoipa::path(put, path = "/api/v1/agents/{id}/password", tag = "agents", security(("bearer" = [])),
    request_body = SetPassword,
    responses((status = 204, description = "password set"), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/agents/{id}/password")]
pub async fn set_agent_password(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<SetPassword>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let hash = password::hash(&body.password)
        .map_err(|e| ApiError::validation(ValidationErrors::single("password", e.to_string())))?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        let user = db::users::user_for_agent(c, &id).map_err(missing("agent", &id))?;
        db::users::set_password(c, &user.id, &hash)?;
        db::users::revoke_all(c, &user.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
