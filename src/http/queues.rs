//! `/api/v1/queues`: the language/channel queues managers staff. Reading is open to every signed-in
//! user (agents see which queues exist); writing is for managers.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{check_one_of, missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::queues::{QueueFilter, QueueRecord};
use crate::db::{self};
use crate::domain::queue::{QueueInput, QueueSpec, ServiceLevel};
use crate::domain::weekly::WindowDto;
use actix_web::{delete, get, post, put, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_queues)
        .service(create_queue)
        .service(get_queue)
        .service(update_queue)
        .service(delete_queue);
}

/// A queue as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueView {
    pub id: String,
    pub name: String,
    pub language: String,
    pub channel: String,
    pub time_zone: String,
    pub interval_minutes: u32,
    pub service_level: ServiceLevel,
    pub max_occupancy: f64,
    pub chat_concurrency: u32,
    pub shrinkage: f64,
    pub staffing_floor: u32,
    pub patience_seconds: Option<u32>,
    pub opening_hours: Vec<WindowDto>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<QueueRecord> for QueueView {
    fn from(r: QueueRecord) -> Self {
        let s = r.spec;
        Self {
            id: r.id,
            name: s.name,
            language: s.language.to_string(),
            channel: s.channel.as_str().into(),
            time_zone: s.time_zone.name().into(),
            interval_minutes: s.interval_minutes,
            service_level: s.service_level,
            max_occupancy: s.max_occupancy,
            chat_concurrency: s.chat_concurrency,
            shrinkage: s.shrinkage,
            staffing_floor: s.staffing_floor,
            patience_seconds: s.patience_seconds,
            opening_hours: s.opening_hours.iter().map(|w| w.to_dto()).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueListQuery {
    /// Language tag or primary language (`pt` matches `pt-BR`).
    pub language: Option<String>,
    pub channel: Option<String>,
    pub time_zone: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists queues, filterable by language, channel and zone.
#[utoipa::path(get, path = "/api/v1/queues", tag = "queues", security(("bearer" = [])),
    params(QueueListQuery),
    responses((status = 200, body = Paged<QueueView>), (status = 401, body = Problem)))]
#[get("/queues")]
pub async fn list_queues(
    state: web::Data<AppState>,
    _auth: Authenticated,
    query: ApiQuery<QueueListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let channel = q.channel.filter(|s| !s.is_empty());
    check_one_of(
        "channel",
        channel.as_deref(),
        &["chat", "messaging", "email", "voice"],
    )?;
    let filter = QueueFilter {
        language: q.language.filter(|s| !s.is_empty()),
        channel,
        time_zone: q.time_zone.filter(|s| !s.is_empty()),
    };
    let (records, total) = run_db(&state, move |c| Ok(db::queues::list(c, &filter, page)?)).await?;
    let items = records.into_iter().map(QueueView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// Creates a queue.
#[utoipa::path(post, path = "/api/v1/queues", tag = "queues", security(("bearer" = [])),
    request_body = QueueInput,
    responses((status = 201, body = QueueView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
#[post("/queues")]
pub async fn create_queue(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<QueueInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let spec = QueueSpec::parse(&body)?;
    let record = run_db(&state, move |c| Ok(db::queues::insert(c, &spec)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/queues/{}", record.id)))
        .json(QueueView::from(record)))
}

/// One queue.
#[utoipa::path(get, path = "/api/v1/queues/{id}", tag = "queues", security(("bearer" = [])),
    responses((status = 200, body = QueueView), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("/queues/{id}")]
pub async fn get_queue(
    state: web::Data<AppState>,
    _auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let record = run_db(&state, move |c| {
        db::queues::get(c, &id).map_err(missing("queue", &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(QueueView::from(record)))
}

/// Replaces a queue's settings. The interval length cannot change while the queue has history: each
/// stored row counts the chats of one interval of the old length.
#[utoipa::path(put, path = "/api/v1/queues/{id}", tag = "queues", security(("bearer" = [])),
    request_body = QueueInput,
    responses((status = 200, body = QueueView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[put("/queues/{id}")]
pub async fn update_queue(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<QueueInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let spec = QueueSpec::parse(&body)?;
    let id = id.into_inner();
    let record = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            let current = db::queues::get(c, &id).map_err(missing("queue", &id))?;
            let (old, new) = (current.spec.interval_minutes, spec.interval_minutes);
            if old != new && db::history::has_history(c, &id)? {
                return Err(interval_in_use(&id, old, new));
            }
            db::queues::update(c, &id, &spec).map_err(missing("queue", &id))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(QueueView::from(record)))
}

/// Refuses to change a queue's interval length from `old` to `new` minutes over stored history.
fn interval_in_use(id: &str, old: u32, new: u32) -> ApiError {
    ApiError::conflict(format!(
        "the queue's history counts chats per {old}-minute interval, and a forecast on a \
         {new}-minute grid would read each row as one {new}-minute interval; delete the history \
         (DELETE /api/v1/queues/{id}/history) and upload it again in {new}-minute rows, or create \
         a new queue"
    ))
    .with_field("interval_minutes")
}

/// Deletes a queue with its history and special days.
///
/// A queue that a schedule still plans is kept (409 naming the schedules): re-solving or publishing
/// that schedule needs it. Discard those schedules first.
#[utoipa::path(delete, path = "/api/v1/queues/{id}", tag = "queues", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem),
              (status = 409, body = Problem, description = "schedules that are not discarded plan the queue")))]
#[delete("/queues/{id}")]
pub async fn delete_queue(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            db::backend::begin_write(c)?;
            db::queues::hold(c, Some(std::slice::from_ref(&id)))?;
            db::queues::get(c, &id).map_err(missing("queue", &id))?;
            let schedules = db::schedules::using_queue(c, &id)?;
            if !schedules.is_empty() {
                return Err(queue_in_use(&schedules));
            }
            db::queues::delete(c, &id).map_err(missing("queue", &id))
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Refuses to delete a queue that `schedules` (ids) still plan.
fn queue_in_use(schedules: &[String]) -> ApiError {
    const SHOWN: usize = 10;
    let mut listed = schedules
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if schedules.len() > SHOWN {
        listed.push_str(&format!(" and {} more", schedules.len() - SHOWN));
    }
    ApiError::conflict(format!(
        "schedules that are not discarded plan this queue, and re-solving or publishing them needs \
         it: {listed}; discard them (DELETE /api/v1/schedules/{{id}}) before deleting the queue"
    ))
}
