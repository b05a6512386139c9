//! Publishing schedules and following their emails: `POST /schedules/{id}/publish`,
//! `GET /schedules/{id}/deliveries`, and the managers' outbox (`GET /outbox`, `POST /outbox/{id}/retry`).

use super::auth::Authenticated;
use super::pagination::{PageQuery, Paged};
use super::problem::{check_one_of, missing, ApiError, Problem};
use super::query::ApiQuery;
use super::schedule_edits::IfMatch;
use super::{run_db, AppState};
use crate::db::{self, outbox::OutboxRow};
use crate::plan::editing::hold_revision;
use crate::plan::publishing::{publish, PublishOutcome};
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(publish_schedule)
        .service(deliveries)
        .service(list_outbox)
        .service(retry_message);
}

/// Publishes a solved schedule: its shifts become the agents' published shifts and every agent whose
/// shifts changed gets an email (written to the outbox in the same transaction, sent in the background).
/// With `If-Match: <revision>` (the schedule's `ETag`), only the roster at that revision is published.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/publish", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path), ("If-Match" = Option<String>, Header,
        description = "The schedule's ETag: publishing is refused with 412 if the roster changed since")),
    responses((status = 201, body = PublishOutcome), (status = 404, body = Problem),
              (status = 409, body = Problem,
               description = "the schedule is not solved, or its roster overlaps published shifts it would keep"),
              (status = 412, body = Problem,
               description = "the roster changed since the revision named in If-Match; nothing was published")))]
#[post("/schedules/{id}/publish")]
pub async fn publish_schedule(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = path.into_inner();
    let config = state.config.clone();
    let user = auth.user.id.clone();
    let outcome = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            db::backend::begin_write(c)?;
            let schedule = db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
            let if_match = if_match.0.as_deref();
            hold_revision(c, &id, schedule.updated_at, if_match, "publish again")?;
            Ok(publish(c, &id, Some(&user), &config)?)
        })
    })
    .await?;
    tracing::info!(
        schedule = %outcome.schedule_id,
        notified = outcome.agents_notified,
        "schedule published"
    );
    Ok(HttpResponse::Created().json(outcome))
}

/// One outbox message as managers see it (without the bodies).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: String,
    pub message_id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub publication_id: Option<String>,
    pub agent_id: Option<String>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc_opt")]
    pub sent_at: Option<NaiveDateTime>,
}

impl From<OutboxRow> for MessageView {
    fn from(r: OutboxRow) -> Self {
        Self {
            id: r.id,
            message_id: r.message_id,
            kind: r.kind,
            recipient: r.recipient,
            subject: r.subject,
            status: r.status,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            publication_id: r.publication_id,
            agent_id: r.agent_id,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicationView {
    pub id: String,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub published_at: NaiveDateTime,
    pub published_by: Option<String>,
    pub agents_notified: i32,
}

/// The latest email of the schedule's publications to one agent.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgentDelivery {
    pub agent_id: String,
    pub agent_name: Option<String>,
    pub message: MessageView,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DeliveryCounts {
    pub pending: usize,
    pub sending: usize,
    pub sent: usize,
    pub failed: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryReport {
    pub schedule_id: String,
    /// Newest first.
    pub publications: Vec<PublicationView>,
    /// Counts over `agents`: poll until `pending` and `sending` are 0.
    pub counts: DeliveryCounts,
    pub agents: Vec<AgentDelivery>,
}

/// Delivery status per agent of a schedule's emails (the latest message to each agent).
#[utoipa::path(get, path = "/api/v1/schedules/{id}/deliveries", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = DeliveryReport), (status = 404, body = Problem)))]
#[get("/schedules/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    use crate::db::schema::{agents, publications};
    auth.require_manager()?;
    let id = path.into_inner();
    let report = run_db(&state, move |c| {
        db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
        let pubs: Vec<(String, NaiveDateTime, Option<String>, i32)> = publications::table
            .filter(publications::schedule_id.eq(&id))
            .order((publications::published_at.desc(), publications::id))
            .select((
                publications::id,
                publications::published_at,
                publications::published_by,
                publications::agents_notified,
            ))
            .load(c)?;
        let ids: Vec<String> = pubs.iter().map(|p| p.0.clone()).collect();
        let mut latest: BTreeMap<String, OutboxRow> = BTreeMap::new();
        for row in db::outbox::for_publications(c, &ids)? {
            if let Some(agent) = row.agent_id.clone() {
                latest.insert(agent, row);
            }
        }
        let names: BTreeMap<String, String> = agents::table
            .filter(agents::id.eq_any(latest.keys().cloned().collect::<Vec<_>>()))
            .select((agents::id, agents::name))
            .load::<(String, String)>(c)?
            .into_iter()
            .collect();
        let mut counts = DeliveryCounts::default();
        let agents = latest
            .into_iter()
            .map(|(agent_id, row)| {
                match row.status.as_str() {
                    "pending" => counts.pending += 1,
                    "sending" => counts.sending += 1,
                    "sent" => counts.sent += 1,
                    _ => counts.failed += 1,
                }
                AgentDelivery {
                    agent_name: names.get(&agent_id).cloned(),
                    agent_id,
                    message: row.into(),
                }
            })
            .collect();
        Ok(DeliveryReport {
            schedule_id: id,
            publications: pubs
                .into_iter()
                .map(
                    |(id, published_at, published_by, agents_notified)| PublicationView {
                        id,
                        published_at,
                        published_by,
                        agents_notified,
                    },
                )
                .collect(),
            counts,
            agents,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: Option<String>,
    /// `schedule`, `shift_change`, `time_off_decision`, `sign_in`, `invitation`,
    /// `application_confirmation` or `application_status`.
    pub kind: Option<String>,
    pub publication_id: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

const STATUSES: [&str; 4] = ["pending", "sending", "sent", "failed"];

/// Lists outgoing emails, newest first: failed ones show the SMTP error.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "publishing", security(("bearer" = [])), params(OutboxQuery),
    responses((status = 200, body = Paged<MessageView>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    check_one_of("status", q.status.as_deref(), &STATUSES)?;
    check_one_of("kind", q.kind.as_deref(), &db::outbox::KINDS)?;
    let filter = db::outbox::Filter {
        status: q.status,
        kind: q.kind,
        publication_id: q.publication_id,
    };
    let (rows, total) = run_db(&state, move |c| Ok(db::outbox::list(c, &filter, page)?)).await?;
    let items = rows.into_iter().map(MessageView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// Sends a failed message again, with a fresh set of attempts.
#[utoipa::path(post, path = "/api/v1/outbox/{id}/retry", tag = "publishing", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 202, body = MessageView), (status = 404, body = Problem),
              (status = 409, body = Problem, description = "the message has not failed")))]
#[post("/outbox/{id}/retry")]
pub async fn retry_message(
    state: web::Data<AppState>,
    auth: Authenticated,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = path.into_inner();
    let row = run_db(&state, move |c| {
        let current = db::outbox::get(c, &id).map_err(missing("message", &id))?;
        if !db::outbox::retry_failed(c, &id)? {
            return Err(ApiError::conflict(format!(
                "the message is {}; only failed messages can be retried",
                current.status
            )));
        }
        Ok(db::outbox::get(c, &id)?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(MessageView::from(row)))
}
