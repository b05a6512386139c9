//! `/api/v1/applications`: the managers' hiring pipeline. Filters by posting, state, language, zone and
//! availability; sorts by fit against the latest roster's shortfalls; moves applications through the
//! pipeline, the last move hiring the applicant as an agent. Agents see nothing of it.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::recruiting::applications::{self as apps, ApplicationRow, EventRow, Filter};
use crate::domain::agent::Contract;
use crate::domain::recruiting::fit::{primary_subtag, FitScore};
use crate::domain::recruiting::pipeline::ApplicationState;
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::{format_clock, parse_clock, parse_weekday, weekday_code};
use crate::plan::recruiting::fit::{latest_shortfalls, score};
use crate::plan::recruiting::pipeline::{move_application, Move};
use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Routes that must be registered after the applicant's `/applications/mine` ones.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_applications)
        .service(get_application)
        .service(move_application_route);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LanguageView {
    pub tag: String,
    /// Self-rated 1 to 10.
    pub proficiency: u8,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WindowView {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

/// One step of the pipeline.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub from: String,
    pub to: String,
    /// `manager`, `applicant` or `system`.
    pub actor: String,
    /// The manager's user id.
    pub actor_id: Option<String>,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub at: NaiveDateTime,
}

impl From<EventRow> for EventView {
    fn from(e: EventRow) -> Self {
        Self {
            from: e.from_state,
            to: e.to_state,
            actor: e.actor,
            actor_id: e.actor_id,
            note: e.note,
            at: e.at,
        }
    }
}

/// Short queue-hours of the latest roster an applicant would cover.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FitView {
    /// Hours covered, capped at the hours they want over the period.
    pub score: f64,
    pub uncapped: f64,
    pub cap: f64,
    pub by_language: BTreeMap<String, f64>,
    /// The schedule whose shortfalls were used.
    pub schedule_id: String,
}

/// An application as managers see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: String,
    pub posting_id: String,
    pub state: String,
    pub name: String,
    pub email: String,
    pub languages: Vec<LanguageView>,
    pub time_zone: String,
    pub country: String,
    pub availability: Vec<WindowView>,
    pub hours_per_week: i32,
    pub earliest_start: NaiveDate,
    pub is_student: bool,
    pub motivation: String,
    pub consent_text_version: String,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub consented_at: NaiveDateTime,
    /// The contract offered, once there is an offer.
    pub offer: Option<Contract>,
    /// The agent the hire created.
    pub agent_id: Option<String>,
    pub erased: bool,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub state_changed_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    /// Null when no schedule has been solved yet.
    pub fit: Option<FitView>,
    /// Only on the single-application read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<EventView>>,
}

pub(crate) fn languages(row: &ApplicationRow) -> Vec<LanguageView> {
    row.languages()
        .into_iter()
        .map(|(tag, proficiency)| LanguageView { tag, proficiency })
        .collect()
}

pub(crate) fn windows(row: &ApplicationRow) -> Vec<WindowView> {
    row.availability()
        .into_iter()
        .map(|w| WindowView {
            weekday: weekday_code(w.weekday).into(),
            start: format_clock(w.start_minute),
            end: format_clock(w.end_minute),
        })
        .collect()
}

fn view(row: ApplicationRow, fit: Option<(FitScore, String)>) -> ApplicationView {
    ApplicationView {
        languages: languages(&row),
        availability: windows(&row),
        offer: row
            .offer
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok()),
        fit: fit.map(|(f, schedule_id)| FitView {
            score: f.score,
            uncapped: f.uncapped,
            cap: f.cap,
            by_language: f.by_language,
            schedule_id,
        }),
        id: row.id,
        posting_id: row.posting_id,
        state: row.state,
        name: row.name,
        email: row.email,
        time_zone: row.time_zone,
        country: row.country,
        hours_per_week: row.hours_per_week,
        earliest_start: row.earliest_start,
        is_student: row.is_student,
        motivation: row.motivation,
        consent_text_version: row.consent_text_version,
        consented_at: row.consented_at,
        agent_id: row.agent_id,
        erased: row.erased,
        state_changed_at: row.state_changed_at,
        created_at: row.created_at,
        history: None,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListQuery {
    pub posting_id: Option<String>,
    /// A pipeline state; by default every state but `applied` (unconfirmed emails).
    pub state: Option<String>,
    /// Primary language or tag (`fi` matches `fi-FI`), among languages rated 6 or more.
    pub language: Option<String>,
    pub time_zone: Option<String>,
    /// Available on this weekday (`mon` .. `sun`) ...
    pub available_on: Option<String>,
    /// ... at this local time (`HH:MM`; any day when `available_on` is not given).
    pub available_at: Option<String>,
    /// `created` (newest first, default) or `fit` (best first).
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Applications read into memory for filtering and fit sorting, at most.
const LIST_CAP: i64 = 5000;

/// Lists applications with their fit scores (managers only).
#[utoipa::path(get, path = "/api/v1/applications", tag = "recruiting", security(("bearer" = [])),
    params(ApplicationListQuery),
    responses((status = 200, body = Paged<ApplicationView>), (status = 400, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<ApplicationListQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let mut errors = ValidationErrors::new();
    let states = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => match ApplicationState::parse(s) {
            Some(st) => vec![st.as_str().to_string()],
            None => {
                errors.add("state", format!("unknown state '{s}'"));
                vec![]
            }
        },
        None => ApplicationState::ALL
            .iter()
            .filter(|s| **s != ApplicationState::Applied)
            .map(|s| s.as_str().to_string())
            .collect(),
    };
    let day = q
        .available_on
        .as_deref()
        .and_then(|d| errors.collect("available_on", parse_weekday(d)));
    let at = q
        .available_at
        .as_deref()
        .and_then(|t| errors.collect("available_at", parse_clock(t)));
    let by_fit = match q.sort.as_deref() {
        None | Some("created") => false,
        Some("fit") => true,
        Some(other) => {
            errors.add("sort", format!("'{other}' is not created or fit"));
            false
        }
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let filter = Filter {
        posting_id: q.posting_id.filter(|s| !s.is_empty()),
        states,
        time_zone: q.time_zone.filter(|s| !s.is_empty()),
    };
    let language = q
        .language
        .filter(|s| !s.is_empty())
        .map(|l| primary_subtag(&l));
    let (rows, period) = run_db(&state, move |c| {
        Ok((apps::list(c, &filter, LIST_CAP)?, latest_shortfalls(c)?))
    })
    .await?;
    let mut items: Vec<(ApplicationRow, Option<(FitScore, String)>)> = rows
        .into_iter()
        .filter(|r| {
            language.as_ref().is_none_or(|l| {
                r.languages()
                    .iter()
                    .any(|(t, level)| *level >= 6 && primary_subtag(t) == *l)
            })
        })
        .filter(|r| {
            (day.is_none() && at.is_none())
                || r.availability().iter().any(|w| {
                    day.is_none_or(|d| w.weekday == d)
                        && at.is_none_or(|m| w.start_minute <= m && m < w.end_minute)
                })
        })
        .map(|r| {
            let fit = period
                .as_ref()
                .and_then(|p| score(&r, p).map(|f| (f, p.schedule_id.clone())));
            (r, fit)
        })
        .collect();
    if by_fit {
        let key = |f: &Option<(FitScore, String)>| f.as_ref().map_or(-1.0, |(s, _)| s.score);
        items.sort_by(|a, b| key(&b.1).total_cmp(&key(&a.1)));
    }
    let total = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let offset = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(0);
    let views = items
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|(r, f)| view(r, f))
        .collect();
    Ok(HttpResponse::Ok().json(Paged::new(views, total, page)))
}

/// One application with its fit and full pipeline history (managers only).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "recruiting", security(("bearer" = [])),
    responses((status = 200, body = ApplicationView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/applications/{id}")]
pub async fn get_application(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let v = run_db(&state, move |c| {
        let row = apps::get(c, &id).map_err(missing("application", &id))?;
        let events = apps::events(c, &id)?;
        let fit =
            latest_shortfalls(c)?.and_then(|p| score(&row, &p).map(|f| (f, p.schedule_id.clone())));
        let mut v = view(row, fit);
        v.history = Some(events.into_iter().map(EventView::from).collect());
        Ok(v)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// A manager's move in the pipeline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// `screening`, `interview`, `offer`, `hired`, `rejected` or `withdrawn`.
    pub to: String,
    /// Why, for the history (never sent to the applicant).
    #[serde(default)]
    pub note: Option<String>,
    /// Required with `offer`: the contract the hire gets.
    #[serde(default)]
    pub contract: Option<Contract>,
}

/// Moves an application one legal step (managers only), recording who, when and why, and emailing the
/// applicant on interview, offer and rejection. `hired` creates the agent, schedulable at once, and
/// emails an invitation to set up the sign-in.
#[utoipa::path(post, path = "/api/v1/applications/{id}/transitions", tag = "recruiting", security(("bearer" = [])),
    request_body = MoveRequest,
    responses((status = 200, body = ApplicationView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
#[post("/applications/{id}/transitions")]
pub async fn move_application_route(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<MoveRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let body = body.into_inner();
    let mut errors = ValidationErrors::new();
    let to = ApplicationState::parse(&body.to);
    if to.is_none() {
        errors.add("to", format!("unknown state '{}'", body.to));
    }
    let note = body
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
        errors.add("note", "at most 2000 characters");
    }
    let Some(to) = to.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let step = Move {
        to,
        note,
        contract: body.contract,
    };
    let config = state.config.clone();
    let manager = auth.user.id.clone();
    let id = id.into_inner();
    let row = run_db(&state, move |c| {
        move_application(c, &config, &id, &manager, &step).map_err(|e| match e {
            crate::plan::recruiting::RecruitError::Db(crate::db::DbError::NotFound) => {
                ApiError::not_found(format!("no application with id {id}"))
            }
            other => other.into(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(row, None)))
}
