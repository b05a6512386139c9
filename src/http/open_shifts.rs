//! Open shifts: shifts nobody holds yet, posted by managers (one at a time or from a solved schedule's
//! uncovered hours) and claimed by qualified agents. `first_come` hands the shift to the first valid
//! claim at once; `ranked` collects claims until a manager awards the shift to the best one.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::swaps::rule_errors;
use super::time_off::own_agent;
use super::{run_db, AppState};
use crate::auth::Role;
use crate::db::queues::QueueCache;
use crate::db::shift_requests::{self as requests, OpenShiftRow};
use crate::db::shifts::ShiftRow;
use crate::db::{self, DbConnection};
use crate::domain::local_time::Span;
use crate::domain::open_shifts::{check_span, rank, uncovered_pieces, Claimant};
use crate::domain::scheduler::Roster;
use crate::domain::validation::ValidationErrors;
use crate::email::agent_notices::{self as notices, local_range, ShiftChange};
use crate::plan::assignment::{ensure_active, recipient, violations, week_hours};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(post_open_shift)
        .service(open_shifts_from_schedule)
        .service(list_open_shifts)
        .service(claim_open_shift)
        .service(award_open_shift);
}

/// An open shift; agents never see who claimed or filled it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpenShiftView {
    pub id: String,
    pub queue_id: String,
    pub queue_name: String,
    pub language: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// `first_come` or `ranked`.
    pub mode: String,
    /// `open` or `filled`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filled_by: Option<String>,
}

fn view(
    c: &mut DbConnection,
    queues: &mut QueueCache,
    open: OpenShiftRow,
    shift: &ShiftRow,
    show_people: bool,
) -> Result<OpenShiftView, ApiError> {
    let queue = queues.get(c, &shift.queue_id)?;
    Ok(OpenShiftView {
        id: shift.id.clone(),
        queue_id: shift.queue_id.clone(),
        queue_name: queue.spec.name.clone(),
        language: queue.spec.language.primary().to_string(),
        start_utc: shift.start_utc(),
        end_utc: shift.end_utc(),
        mode: open.mode,
        status: open.status,
        filled_by: open.filled_by.filter(|_| show_people),
    })
}

fn parse_mode(mode: Option<&str>) -> Result<&'static str, ValidationErrors> {
    match mode.unwrap_or("first_come") {
        "first_come" => Ok("first_come"),
        "ranked" => Ok("ranked"),
        other => Err(ValidationErrors::single(
            "mode",
            format!("unknown mode '{other}' (expected first_come or ranked)"),
        )),
    }
}

fn open_row(queue_id: &str, span: Span, schedule_id: Option<&str>) -> ShiftRow {
    let t = db::now();
    ShiftRow {
        id: db::new_id(),
        agent_id: None,
        queue_id: queue_id.into(),
        start_at: span.start.naive_utc(),
        end_at: span.end.naive_utc(),
        breaks: "[]".into(),
        sequence: 0,
        status: "active".into(),
        schedule_id: schedule_id.map(str::to_string),
        publication_id: None,
        created_at: t,
        updated_at: t,
        handed_over_from: None,
        queue_ids: db::shifts::queue_ids_json(&[queue_id.to_string()]),
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenShiftInput {
    pub queue_id: String,
    /// In the future, on a quarter hour (`08:15:00Z`).
    pub start_utc: DateTime<Utc>,
    /// On a quarter hour, one to 12 hours after the start.
    pub end_utc: DateTime<Utc>,
    /// `first_come` (default) or `ranked`.
    #[serde(default)]
    pub mode: Option<String>,
}

/// Posts one open shift on a queue (managers only).
#[utoipa::path(post, path = "/api/v1/open-shifts", tag = "self-service", security(("bearer" = [])),
    request_body = OpenShiftInput,
    responses((status = 201, body = OpenShiftView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/open-shifts")]
pub async fn post_open_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<OpenShiftInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let input = body.into_inner();
    let mut errors = ValidationErrors::new();
    let span = errors.collect("", check_span(input.start_utc, input.end_utc, Utc::now()));
    let mode = errors.collect("", parse_mode(input.mode.as_deref()));
    let (span, mode) = errors.finish(|| Some((span?, mode?)))?;
    let manager = auth.user.id.clone();
    let out = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            db::queues::get(c, &input.queue_id)
                .map_err(|e| missing("queue", &input.queue_id)(e).with_field("queue_id"))?;
            let row = open_row(&input.queue_id, span, None);
            let mut opened = requests::insert_open(c, std::slice::from_ref(&row), mode, &manager)?;
            let open = opened.pop().ok_or_else(ApiError::internal)?;
            view(c, &mut QueueCache::default(), open, &row, true)
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/open-shifts/{}", out.id)))
        .json(out))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromScheduleInput {
    /// `first_come` (default) or `ranked`.
    #[serde(default)]
    pub mode: Option<String>,
    /// Length of each piece, 1 to 12 hours (default 8); the end of a run keeps what is left.
    #[serde(default)]
    pub shift_hours: Option<u32>,
}

/// The open shifts posted from a schedule.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OpenShiftList {
    pub items: Vec<OpenShiftView>,
}

/// Posts open shifts for a solved schedule's uncovered future hours (managers only): per queue, every
/// contiguous run of intervals short of at least one agent, cut into shift-length pieces.
#[utoipa::path(post, path = "/api/v1/schedules/{id}/open-shifts", tag = "self-service", security(("bearer" = [])),
    request_body = FromScheduleInput,
    responses((status = 201, body = OpenShiftList), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/schedules/{id}/open-shifts")]
pub async fn open_shifts_from_schedule(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<FromScheduleInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let input = body.into_inner();
    let mut errors = ValidationErrors::new();
    let mode = errors.collect("", parse_mode(input.mode.as_deref()));
    let hours = input.shift_hours.unwrap_or(8);
    if !(1..=12).contains(&hours) {
        errors.add(
            "shift_hours",
            format!("must be between 1 and 12, got {hours}"),
        );
    }
    let mode = errors.finish(|| mode)?;
    let manager = auth.user.id.clone();
    let id = id.into_inner();
    let items = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let schedule = db::schedules::get(c, &id).map_err(missing("schedule", &id))?;
            let roster: Roster = match (schedule.status.as_str(), &schedule.roster) {
                ("solved", Some(json)) => serde_json::from_str(json).map_err(|e| {
                    tracing::error!(error = %e, schedule = %id, "stored roster is unreadable");
                    ApiError::internal()
                })?,
                (status, _) => {
                    return Err(ApiError::conflict(format!(
                        "the schedule is {status}; only a solved schedule has uncovered hours"
                    )))
                }
            };
            let now = Utc::now();
            let mut rows = Vec::new();
            for q in &roster.queues {
                let intervals: Vec<(DateTime<Utc>, f64)> = q
                    .intervals
                    .iter()
                    .map(|i| (i.start_utc, i.shortfall))
                    .collect();
                let step = match intervals.as_slice() {
                    [a, b, ..] => (b.0 - a.0).num_minutes().clamp(1, 60) as u32,
                    _ => 30,
                };
                for piece in uncovered_pieces(&intervals, step, hours * 60) {
                    if piece.start > now {
                        rows.push(open_row(&q.queue_id, piece, Some(&id)));
                    }
                }
            }
            let opened = requests::insert_open(c, &rows, mode, &manager)?;
            let mut queues = QueueCache::default();
            opened
                .into_iter()
                .zip(&rows)
                .map(|(o, s)| view(c, &mut queues, o, s, true))
                .collect::<Result<Vec<_>, _>>()
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(OpenShiftList { items }))
}

/// Future unfilled open shifts by start: agents see those in languages they serve, managers all.
#[utoipa::path(get, path = "/api/v1/open-shifts", tag = "self-service", security(("bearer" = [])),
    params(PageQuery),
    responses((status = 200, body = Paged<OpenShiftView>), (status = 400, body = Problem), (status = 401, body = Problem)))]
#[get("/open-shifts")]
pub async fn list_open_shifts(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.into_inner().page()?;
    let manager = auth.user.role == Role::Manager;
    let viewer = auth.user.agent_id.clone();
    let paged = run_db(&state, move |c| {
        let mut queues = QueueCache::default();
        let Some(agent_id) = viewer.filter(|_| !manager) else {
            let (rows, total) = requests::list_open(c, db::now(), page)?;
            let items = rows
                .into_iter()
                .map(|(o, s)| view(c, &mut queues, o, &s, true))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(Paged::new(items, total, page));
        };
        let agent = db::agents::get(c, &agent_id)?;
        let everything = db::Page {
            limit: 10_000,
            offset: 0,
        };
        let (rows, _) = requests::list_open(c, db::now(), everything)?;
        let mut items = Vec::new();
        for (o, s) in rows {
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

/// Gives an open shift to `agent_id` and emails it, inside the caller's transaction; `false` when the
/// shift was filled by someone else first.
fn fill(
    c: &mut DbConnection,
    shift: &ShiftRow,
    agent: &crate::db::agents::AgentRecord,
    mail_domain: &str,
) -> Result<bool, ApiError> {
    if !requests::fill(c, &shift.id, &agent.id)? {
        return Ok(false);
    }
    if !requests::hand_over(c, &shift.id, None, &agent.id)? {
        return Err(ApiError::conflict(
            "the shift was cancelled or given out meanwhile",
        ));
    }
    let queue = db::queues::get(c, &shift.queue_id)?;
    let to = recipient(agent);
    let v = ShiftChange {
        agent_name: agent.spec.name.clone(),
        headline: "The open shift you claimed is now yours:".into(),
        when: local_range(to.zone, shift.start_utc(), shift.end_utc()),
        zone: to.zone.name().into(),
        queue: queue.spec.name,
        note: String::new(),
    };
    let message = notices::shift_change(&to, "You got an open shift", &v).map_err(|e| {
        tracing::error!(error = %e, "cannot render the open-shift notice");
        ApiError::internal()
    })?;
    db::outbox::enqueue(c, &message, mail_domain)?;
    Ok(true)
}

/// What a claim led to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    pub claim_id: String,
    pub shift_id: String,
    /// `won` (first come: the shift is yours) or `pending` (ranked: wait for the award).
    pub status: String,
}

/// Claims an open shift (agents only), checked against every hard rule.
#[utoipa::path(post, path = "/api/v1/open-shifts/{id}/claim", tag = "self-service", security(("bearer" = [])),
    responses((status = 200, body = ClaimView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/open-shifts/{id}/claim")]
pub async fn claim_open_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let id = id.into_inner();
    let domain = state.config.mail_domain();
    let out = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let (open, shift) = requests::get_open(c, &id).map_err(missing("open shift", &id))?;
            if open.status != "open" || shift.start_at <= db::now() || !shift.is_active() {
                return Err(ApiError::conflict("this shift is no longer open"));
            }
            let agent = db::agents::get(c, &agent_id).map_err(missing("agent", &agent_id))?;
            ensure_active(&agent)?;
            let queue = db::queues::get(c, &shift.queue_id)?;
            let broken = violations(c, &agent, &shift, queue.spec.language.primary())?;
            if !broken.is_empty() {
                return Err(rule_errors(broken));
            }
            if open.mode == "ranked" {
                let claim =
                    requests::insert_claim(c, &id, &agent_id, "pending").map_err(|e| match e {
                        db::DbError::Duplicate(_) => {
                            ApiError::conflict("you have already claimed this shift")
                        }
                        other => other.into(),
                    })?;
                return Ok(ClaimView {
                    claim_id: claim.id,
                    shift_id: id,
                    status: claim.status,
                });
            }
            if !fill(c, &shift, &agent, &domain)? {
                return Err(ApiError::conflict("someone else claimed this shift first"));
            }
            let claim = requests::insert_claim(c, &id, &agent_id, "won")?;
            Ok(ClaimView {
                claim_id: claim.id,
                shift_id: id,
                status: claim.status,
            })
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// Awards a ranked open shift to the best claimant who still passes every hard rule: fewest hours
/// already scheduled that week, then the earliest claim (managers only).
#[utoipa::path(post, path = "/api/v1/open-shifts/{id}/award", tag = "self-service", security(("bearer" = [])),
    responses((status = 200, body = OpenShiftView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem)))]
#[post("/open-shifts/{id}/award")]
pub async fn award_open_shift(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let domain = state.config.mail_domain();
    let out = run_db(&state, move |c| {
        c.transaction::<_, ApiError, _>(|c| {
            crate::db::backend::begin_write(c)?;
            let (open, shift) = requests::get_open(c, &id).map_err(missing("open shift", &id))?;
            if open.mode != "ranked" {
                return Err(ApiError::conflict(
                    "first-come open shifts go to the first valid claim; there is nothing to award",
                ));
            }
            if open.status != "open" {
                return Err(ApiError::conflict("this shift is already filled"));
            }
            let queue = db::queues::get(c, &shift.queue_id)?;
            let claims = requests::pending_claims(c, &id)?;
            let mut ranked = Vec::with_capacity(claims.len());
            let mut claimants = Vec::with_capacity(claims.len());
            for claim in &claims {
                let agent = db::agents::get(c, &claim.agent_id)?;
                ranked.push(Claimant {
                    claim_id: claim.id.clone(),
                    week_hours: week_hours(c, &agent, &shift)?,
                    claimed_at: claim.created_at,
                });
                claimants.push((claim.id.clone(), agent));
            }
            for best in rank(ranked) {
                let Some((claim_id, agent)) = claimants.iter().find(|(id, _)| *id == best.claim_id)
                else {
                    continue;
                };
                if ensure_active(agent).is_err()
                    || !violations(c, agent, &shift, queue.spec.language.primary())?.is_empty()
                {
                    continue;
                }
                if !fill(c, &shift, agent, &domain)? {
                    return Err(ApiError::conflict("this shift is already filled"));
                }
                requests::settle_claims(c, &id, claim_id)?;
                let (open, shift) = requests::get_open(c, &id)?;
                return view(c, &mut QueueCache::default(), open, &shift, true);
            }
            Err(ApiError::conflict(
                "no pending claim passes the hard rules any more; the shift stays open",
            ))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
