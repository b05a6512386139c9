//! Swaps: an agent offers one of its own future shifts (`/me/shifts/{id}/offer`), other qualified agents
//! see it without anything about its holder (`/shift-offers`) and ask to take it; a manager approves
//! unless `swaps.auto_approve` lets the policy do it. The hand-over bumps the shift's sequence and
//! emails both agents through the outbox.

use super::auth::Authenticated;
use super::pagination::{PageQuery, Paged};
use super::problem::{check_one_of, missing, ApiError, Problem};
use super::query::ApiQuery;
use super::time_off::{decision_note, own_agent, DecisionInput};
use super::{run_db, AppState};
use crate::auth::Role;
use crate::db::queues::QueueCache;
use crate::db::shift_requests::{self as requests, OfferRow, LIVE_OFFER};
use crate::db::shifts::ShiftRow;
use crate::db::{self, DbConnection};
use crate::domain::assignment::Violation;
use crate::domain::validation::ValidationErrors;
use crate::email::agent_notices::{self as notices, local_range, ShiftChange};
use crate::plan::assignment::{ensure_active, recipient, violations};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(offer_shift)
        .service(withdraw_offer)
        .service(list_offers)
        .service(take_offer)
        .service(approve_offer)
        .service(reject_offer);
}

/// An offered shift. Agents never see who holds or takes it; managers do.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    pub id: String,
    pub shift_id: String,
    pub queue_id: String,
    pub queue_name: String,
    /// Primary language the queue is served in.
    pub language: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// `offered`, `requested`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offered_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taker_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision_note: Option<String>,
}

fn view(
    c: &mut DbConnection,
    queues: &mut QueueCache,
    offer: OfferRow,
    shift: &ShiftRow,
    show_people: bool,
) -> Result<OfferView, ApiError> {
    let queue = queues.get(c, &shift.queue_id)?;
    Ok(OfferView {
        id: offer.id,
        shift_id: shift.id.clone(),
        queue_id: shift.queue_id.clone(),
        queue_name: queue.spec.name.clone(),
        language: queue.spec.language.primary().to_string(),
        start_utc: shift.start_utc(),
        end_utc: shift.end_utc(),
        status: offer.status,
        offered_by: show_people.then_some(offer.offered_by),
        taker_id: offer.taker_id.filter(|_| show_people),
        decision_note: offer.decision_note,
    })
}

/// Broken hard rules as a 422 naming each rule.
pub(crate) fn rule_errors(broken: Vec<Violation>) -> ApiError {
    let mut errors = ValidationErrors::new();
    for v in broken {
        errors.add(format!("shift.{}", v.rule), v.message);
    }
    ApiError::validation(errors)
}

/// Offers one of the caller's own future active shifts to other agents (agents only).
#[utoipa::path(post, path = "/api/v1/me/shifts/{id}/offer", tag = "self-service", security(("bearer" = [])),
    responses((status = 201, body = OfferView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/me/shifts/{id}/offer")]
pub async fn offer_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let id = id.into_inner();
    let offer = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let shift = db::shifts::get(c, &id).map_err(missing("shift", &id))?;
            if shift.agent_id.as_deref() != Some(agent_id.as_str()) {
                return Err(ApiError::not_found(format!("no shift with id {id}")));
            }
            if !shift.is_active() || shift.start_at <= db::now() {
                return Err(ApiError::conflict(
                    "only a future active shift can be offered",
                ));
            }
            if requests::live_offer_for_shift(c, &id)?.is_some() {
                return Err(ApiError::conflict("this shift is already offered"));
            }
            let offer = requests::insert_offer(c, &id, &agent_id)?;
            view(c, &mut QueueCache::default(), offer, &shift, false)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(offer))
}

/// Withdraws the caller's live offer of a shift (agents only).
#[utoipa::path(delete, path = "/api/v1/me/shifts/{id}/offer", tag = "self-service", security(("bearer" = [])),
    responses((status = 204, description = "withdrawn"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
#[delete("/me/shifts/{id}/offer")]
pub async fn withdraw_offer(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        let offer = requests::live_offer_for_shift(c, &id)?
            .filter(|o| o.offered_by == agent_id)
            .ok_or_else(|| ApiError::not_found(format!("no live offer of your shift {id}")))?;
        if !requests::move_offer(c, &offer.id, &LIVE_OFFER, "withdrawn", None)? {
            return Err(ApiError::conflict("the offer was decided meanwhile"));
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OfferQuery {
    /// `offered` or `requested` (default: both); agents see offered shifts only.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Future offered shifts. Agents see others' offers in languages they serve; managers see offered and
/// requested ones with the agents involved.
#[utoipa::path(get, path = "/api/v1/shift-offers", tag = "self-service", security(("bearer" = [])),
    params(OfferQuery),
    responses((status = 200, body = Paged<OfferView>), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem)))]
#[get("/shift-offers")]
pub async fn list_offers(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<OfferQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let manager = auth.user.role == Role::Manager;
    let status = q.status.as_deref().filter(|s| !s.is_empty());
    check_one_of("status", status, &LIVE_OFFER)?;
    let statuses: Vec<&'static str> = match (manager, status) {
        (true, None) => LIVE_OFFER.to_vec(),
        (true, Some("requested")) => vec!["requested"],
        (false, Some("requested")) => {
            return Err(ApiError::forbidden(
                "requested swaps are between the agents involved and their manager; \
                 agents list the shifts on offer (status=offered)",
            )
            .with_field("status"))
        }
        _ => vec!["offered"],
    };
    let viewer = auth.user.agent_id.clone();
    let paged = run_db(&state, move |c| {
        let mut queues = QueueCache::default();
        let Some(agent_id) = viewer.filter(|_| !manager) else {
            let (rows, total) = requests::offers_with_shifts(c, &statuses, db::now(), page)?;
            let items = rows
                .into_iter()
                .map(|(o, s)| view(c, &mut queues, o, &s, true))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Paged::new(items, total, page));
        };
        // Qualification filters in memory: an agent's view is a short list of open offers.
        let agent = db::agents::get(c, &agent_id)?;
        let everything = db::Page {
            limit: 10_000,
            offset: 0,
        };
        let (rows, _) = requests::offers_with_shifts(c, &statuses, db::now(), everything)?;
        let mut items = Vec::new();
        for (o, s) in rows {
            if o.offered_by == agent_id {
                continue;
            }
            let v = view(c, &mut queues, o, &s, false)?;
            if agent.spec.speaks(&v.language) {
                items.push(v);
            }
        }
        Ok(Paged::slice(items, page))
    })
    .await?;
    Ok(HttpResponse::Ok().json(paged))
}

/// Hands the offered shift to its taker and emails both agents, inside the caller's transaction.
fn complete_swap(
    c: &mut DbConnection,
    offer: &OfferRow,
    note: Option<&str>,
    decided_by: &str,
    mail_domain: &str,
) -> Result<(), ApiError> {
    let taker_id = offer
        .taker_id
        .clone()
        .ok_or_else(|| ApiError::conflict("nobody has asked to take this shift"))?;
    let shift = db::shifts::get(c, &offer.shift_id)?;
    let taker = db::agents::get(c, &taker_id).map_err(missing("agent", &taker_id))?;
    ensure_active(&taker)?;
    let queue = db::queues::get(c, &shift.queue_id)?;
    let broken = violations(c, &taker, &shift, queue.spec.language.primary())?;
    if !broken.is_empty() {
        return Err(rule_errors(broken));
    }
    if !requests::decide_offer(c, &offer.id, "approved", note, decided_by)? {
        return Err(ApiError::conflict(
            "the offer is no longer waiting for a decision",
        ));
    }
    if !requests::hand_over(c, &shift.id, Some(&offer.offered_by), &taker_id)? {
        return Err(ApiError::conflict(
            "the shift changed since it was offered; it was not handed over",
        ));
    }
    let giver = db::agents::get(c, &offer.offered_by)?;
    for (agent, subject, headline) in [
        (
            &giver,
            "Your shift was taken over",
            "A colleague has taken over the shift you offered. It is no longer yours:",
        ),
        (
            &taker,
            "You took over a shift",
            "The shift you asked for is now yours:",
        ),
    ] {
        let to = recipient(agent);
        let v = ShiftChange {
            agent_name: agent.spec.name.clone(),
            headline: headline.into(),
            when: local_range(to.zone, shift.start_utc(), shift.end_utc()),
            zone: to.zone.name().into(),
            queue: queue.spec.name.clone(),
            note: note.unwrap_or_default().to_string(),
        };
        let message = notices::shift_change(&to, subject, &v).map_err(|e| {
            tracing::error!(error = %e, "cannot render the shift-change notice");
            ApiError::internal()
        })?;
        db::outbox::enqueue(c, &message, mail_domain)?;
    }
    Ok(())
}

/// Asks to take an offered shift (agents only). The caller must pass every hard rule; with
/// `swaps.auto_approve` the shift is handed over at once, otherwise a manager decides.
#[utoipa::path(post, path = "/api/v1/shift-offers/{id}/take", tag = "self-service", security(("bearer" = [])),
    responses((status = 200, body = OfferView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/shift-offers/{id}/take")]
pub async fn take_offer(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let id = id.into_inner();
    let auto = state.config.swaps.auto_approve;
    let domain = state.config.mail_domain();
    let out = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let offer = requests::get_offer(c, &id).map_err(missing("shift offer", &id))?;
            if offer.offered_by == agent_id {
                return Err(ApiError::conflict("you cannot take your own shift"));
            }
            if offer.status != "offered" {
                return Err(ApiError::conflict("this shift is no longer on offer"));
            }
            let shift = db::shifts::get(c, &offer.shift_id)?;
            if !shift.is_active() || shift.start_at <= db::now() {
                return Err(ApiError::conflict("the shift has started or was cancelled"));
            }
            let taker = db::agents::get(c, &agent_id).map_err(missing("agent", &agent_id))?;
            ensure_active(&taker)?;
            let queue = db::queues::get(c, &shift.queue_id)?;
            let broken = violations(c, &taker, &shift, queue.spec.language.primary())?;
            if !broken.is_empty() {
                return Err(rule_errors(broken));
            }
            if !requests::move_offer(c, &id, &["offered"], "requested", Some(&agent_id))? {
                return Err(ApiError::conflict(
                    "someone else asked for this shift first",
                ));
            }
            if auto {
                let offer = requests::get_offer(c, &id)?;
                complete_swap(c, &offer, None, "policy", &domain)?;
            }
            let offer = requests::get_offer(c, &id)?;
            view(c, &mut QueueCache::default(), offer, &shift, false)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Approves a requested swap (managers only): the taker is checked again, gets the shift, and both
/// agents are emailed.
#[utoipa::path(post, path = "/api/v1/shift-offers/{id}/approve", tag = "self-service", security(("bearer" = [])),
    request_body(content = Option<DecisionInput>, description = "optional", content_type = "application/json"),
    responses((status = 200, body = OfferView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
#[post("/shift-offers/{id}/approve")]
pub async fn approve_offer(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let note = decision_note(&req, payload, &state).await?;
    let manager = auth.user.id.clone();
    let domain = state.config.mail_domain();
    let id = id.into_inner();
    let out = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let offer = requests::get_offer(c, &id).map_err(missing("shift offer", &id))?;
            if offer.status != "requested" {
                return Err(ApiError::conflict(format!(
                    "only a requested swap can be approved; this one is {}",
                    offer.status
                )));
            }
            complete_swap(c, &offer, note.as_deref(), &manager, &domain)?;
            let shift = db::shifts::get(c, &offer.shift_id)?;
            let offer = requests::get_offer(c, &id)?;
            view(c, &mut QueueCache::default(), offer, &shift, true)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Rejects a requested swap (managers only); the holder keeps the shift.
#[utoipa::path(post, path = "/api/v1/shift-offers/{id}/reject", tag = "self-service", security(("bearer" = [])),
    request_body(content = Option<DecisionInput>, description = "optional", content_type = "application/json"),
    responses((status = 200, body = OfferView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
#[post("/shift-offers/{id}/reject")]
pub async fn reject_offer(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let note = decision_note(&req, payload, &state).await?;
    let manager = auth.user.id.clone();
    let id = id.into_inner();
    let out = run_db(&state, move |c| {
        let offer = requests::get_offer(c, &id).map_err(missing("shift offer", &id))?;
        if !requests::decide_offer(c, &id, "rejected", note.as_deref(), &manager)? {
            return Err(ApiError::conflict(format!(
                "only a requested swap can be rejected; this one is {}",
                offer.status
            )));
        }
        let shift = db::shifts::get(c, &offer.shift_id)?;
        let offer = requests::get_offer(c, &id)?;
        view(c, &mut QueueCache::default(), offer, &shift, true)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
