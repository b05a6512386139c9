//! `/api/v1/queues/{id}/history` (contact history upload and listing) and `/api/v1/special-days`.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::{self, history::SpecialDayRow};
use crate::domain::forecast::SpecialEffect;
use crate::domain::history::{self, HistoryInput, RowError};
use crate::domain::validation::{text, ValidationErrors};
use crate::domain::weekly::parse_date;
use actix_web::http::StatusCode;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(upload_history)
        .service(list_history)
        .service(delete_history)
        .service(create_special_day)
        .service(list_special_days)
        .service(delete_special_day);
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UploadSummary {
    /// Rows written.
    pub inserted: usize,
    /// Rows that were in the uploaded range before and were replaced.
    pub replaced: usize,
    pub first_interval: Option<DateTime<Utc>>,
    pub last_interval: Option<DateTime<Utc>>,
}

/// The JSON upload body.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryUpload {
    pub rows: Vec<HistoryInput>,
}

/// A rejected upload: `422` for a row with invalid values, `400` for one that cannot be read as JSON
/// (as for every other JSON body); either way naming the field and saying where it is.
fn row_problem(e: RowError) -> ApiError {
    let detail = format!("upload rejected, nothing was written: {e}");
    if e.unreadable {
        return ApiError::bad_request(detail).with_field(e.field);
    }
    let mut errors = ValidationErrors::new();
    errors.add(e.field.clone(), e.located_message());
    let mut api = ApiError::validation(errors);
    api.detail = detail;
    api
}

/// A blocking `Read` over body chunks that arrive through a channel, so the CSV and JSON parsers
/// consume the upload while it streams in instead of after it has been buffered whole.
struct ChunkReader {
    chunks: tokio::sync::mpsc::Receiver<web::Bytes>,
    current: web::Bytes,
}

impl std::io::Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(chunk) => self.current = chunk,
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current[..n]);
        let _ = self.current.split_to(n);
        Ok(n)
    }
}

/// Feeds the payload to `parse` on the blocking pool as it arrives, enforcing the size limit.
async fn parse_streaming<T, F>(
    mut payload: web::Payload,
    limit: usize,
    parse: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(ChunkReader) -> Result<T, ApiError> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(32);
    let parser = web::block(move || {
        parse(ChunkReader {
            chunks: rx,
            current: web::Bytes::new(),
        })
    });
    let feed = async move {
        let mut received = 0usize;
        while let Some(chunk) = payload.next().await {
            let chunk = chunk
                .map_err(|e| ApiError::bad_request(format!("could not read the body: {e}")))?;
            received += chunk.len();
            if received > limit {
                return Err(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("history uploads are limited to {limit} bytes; split the file by date"),
                ));
            }
            if tx.send(chunk).await.is_err() {
                // The parser stopped early (a bad row); its error is the answer.
                break;
            }
        }
        Ok(())
    };
    let (fed, parsed) = futures_util::future::join(feed, parser).await;
    fed?;
    parsed?
}

/// Uploads history as CSV (`text/csv`, header row with the field names of `HistoryInput`) or JSON
/// (`{"rows": [...]}`). The uploaded range replaces what was stored for it; one bad row rejects the
/// whole upload with its line and reason.
#[utoipa::path(post, path = "/api/v1/queues/{id}/history", tag = "forecast", security(("bearer" = [])),
    request_body(content = HistoryUpload, description = "JSON rows, or the same columns as text/csv",
        content_type = "application/json"),
    responses((status = 200, body = UploadSummary), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
#[post("/queues/{id}/history")]
pub async fn upload_history(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    let content_type = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_csv = content_type.starts_with("text/csv");
    if !is_csv && !content_type.starts_with("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send history as text/csv or application/json",
        ));
    }
    let queue_id = id.clone();
    let queue = run_db(&state, move |c| {
        db::queues::get(c, &queue_id).map_err(missing("queue", &queue_id))
    })
    .await?;
    let zone = queue.spec.time_zone.tz();
    let interval = queue.spec.interval_minutes;
    let started = std::time::Instant::now();
    let limit = state.config.max_upload_bytes;
    let rows = parse_streaming(payload, limit, move |reader| {
        if is_csv {
            history::parse_csv(reader, zone, interval).map_err(row_problem)
        } else {
            history::parse_json(reader, zone, interval).map_err(row_problem)
        }
    })
    .await?;
    let summary = run_db(&state, move |c| {
        // The rows were read on the queue's grid as it was when the upload began.
        let current = db::queues::get(c, &id).map_err(missing("queue", &id))?;
        if current.spec.interval_minutes != interval {
            return Err(ApiError::conflict(format!(
                "the queue's interval changed from {interval} to {} minutes during the upload; \
                 nothing was written",
                current.spec.interval_minutes
            ))
            .with_field("interval_minutes"));
        }
        Ok(db::history::replace_range(c, &id, &rows)?)
    })
    .await?;
    tracing::info!(queue = %queue.id, rows = summary.inserted, elapsed_ms = started.elapsed().as_millis() as u64, "history uploaded");
    Ok(HttpResponse::Ok().json(UploadSummary {
        inserted: summary.inserted,
        replaced: summary.replaced,
        first_interval: summary.first,
        last_interval: summary.last,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// First interval (RFC 3339), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// End (RFC 3339), exclusive.
    pub to: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryView {
    pub interval_start: DateTime<Utc>,
    /// The same instant on the queue's wall clock.
    pub local_start: String,
    pub reason: Option<String>,
    pub offered: i32,
    pub ai_resolved: i32,
    pub handed_to_human: i32,
    pub abandoned: i32,
    pub aht_seconds: Option<f64>,
    pub escalations: Option<i32>,
    pub escalation_aht_seconds: Option<f64>,
}

/// Stored history of a queue, oldest first.
#[utoipa::path(get, path = "/api/v1/queues/{id}/history", tag = "forecast", security(("bearer" = [])),
    params(HistoryQuery),
    responses((status = 200, body = Paged<HistoryView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[get("/queues/{id}/history")]
pub async fn list_history(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    query: ApiQuery<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let id = id.into_inner();
    let from: Option<NaiveDateTime> = q.from.map(|t| t.naive_utc());
    let to: Option<NaiveDateTime> = q.to.map(|t| t.naive_utc());
    let (queue, rows, total) = run_db(&state, move |c| {
        let queue = db::queues::get(c, &id).map_err(missing("queue", &id))?;
        let (rows, total) = db::history::list(c, &id, from, to, q.reason.as_deref(), page)?;
        Ok((queue, rows, total))
    })
    .await?;
    let zone = queue.spec.time_zone.tz();
    let items = rows
        .into_iter()
        .map(|r| HistoryView {
            interval_start: r.interval_start.and_utc(),
            local_start: r.interval_start.and_utc().with_timezone(&zone).to_rfc3339(),
            reason: (!r.reason.is_empty()).then_some(r.reason),
            offered: r.offered,
            ai_resolved: r.ai_resolved,
            handed_to_human: r.handed_to_human,
            abandoned: r.abandoned,
            aht_seconds: r.aht_seconds,
            escalations: r.escalations,
            escalation_aht_seconds: r.escalation_aht_seconds,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryRangeQuery {
    /// First interval to delete (RFC 3339), inclusive; omit to start at the first stored row.
    pub from: Option<String>,
    /// End (RFC 3339), exclusive; omit to reach the last stored row.
    pub to: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeleteSummary {
    /// Rows deleted (every contact reason).
    pub deleted: usize,
}

fn instant(field: &str, raw: Option<&str>, errors: &mut ValidationErrors) -> Option<NaiveDateTime> {
    let raw = raw?;
    match DateTime::parse_from_rfc3339(raw.trim()) {
        Ok(t) => Some(t.naive_utc()),
        Err(_) => {
            errors.add(
                field,
                format!("'{raw}' is not an RFC 3339 instant such as 2026-12-07T00:00:00Z"),
            );
            None
        }
    }
}

/// Deletes a queue's history in `[from, to)`, every contact reason; an open end reaches the first
/// or last stored row, and leaving out both deletes all of it (before changing the queue's
/// interval length, or to remove rows that should not be forecast from).
#[utoipa::path(delete, path = "/api/v1/queues/{id}/history", tag = "forecast", security(("bearer" = [])),
    params(HistoryRangeQuery),
    responses((status = 200, body = DeleteSummary), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[delete("/queues/{id}/history")]
pub async fn delete_history(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    query: ApiQuery<HistoryRangeQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let mut errors = ValidationErrors::new();
    let from = instant("from", q.from.as_deref(), &mut errors);
    let to = instant("to", q.to.as_deref(), &mut errors);
    if let (Some(f), Some(t)) = (from, to) {
        if t <= f {
            errors.add("to", "must be after from");
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let id = id.into_inner();
    let deleted = run_db(&state, move |c| {
        db::queues::get(c, &id).map_err(missing("queue", &id))?;
        Ok(db::history::delete_range(c, &id, from, to)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DeleteSummary { deleted }))
}

/// A holiday, campaign or outage on a local calendar day.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialDayInput {
    /// The queue it applies to; omit for every queue.
    #[serde(default)]
    pub queue_id: Option<String>,
    /// Local date in the queue's zone, `YYYY-MM-DD`.
    pub date: String,
    /// `closed` (no chats) or `multiplier` (volume scaled by `multiplier`).
    pub kind: String,
    #[serde(default)]
    pub multiplier: Option<f64>,
    /// What it is, e.g. "Midsummer Eve".
    pub label: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SpecialDayView {
    pub id: String,
    pub queue_id: Option<String>,
    pub date: String,
    pub kind: String,
    pub multiplier: Option<f64>,
    pub label: String,
}

impl From<SpecialDayRow> for SpecialDayView {
    fn from(r: SpecialDayRow) -> Self {
        Self {
            id: r.id,
            queue_id: r.queue_id,
            date: r.day.format("%Y-%m-%d").to_string(),
            kind: r.kind,
            multiplier: r.multiplier,
            label: r.label,
        }
    }
}

fn parse_special_day(
    input: &SpecialDayInput,
) -> Result<(chrono::NaiveDate, SpecialEffect, String), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let date = errors
        .collect("date", parse_date(&input.date))
        .and_then(|d| errors.collect("date", crate::domain::dates::check_date(d)));
    let label = errors.collect("label", text(&input.label, 120));
    let effect = match (input.kind.as_str(), input.multiplier) {
        ("closed", None) => Some(SpecialEffect::Closed),
        ("multiplier", Some(m)) if m.is_finite() && (0.0..=20.0).contains(&m) => {
            Some(SpecialEffect::Multiplier(m))
        }
        ("multiplier", _) => {
            errors.add(
                "multiplier",
                "give a multiplier between 0 and 20 (e.g. 0.4 for a holiday, 1.8 for a campaign)",
            );
            None
        }
        ("closed", Some(_)) => {
            errors.add("multiplier", "a closed day takes no multiplier");
            None
        }
        (other, _) => {
            errors.add(
                "kind",
                format!("unknown kind '{other}' (expected closed or multiplier)"),
            );
            None
        }
    };
    errors.finish(|| Some((date?, effect?, label?)))
}

/// Adds a special day; it is left out of model training and applied to forecasts.
#[utoipa::path(post, path = "/api/v1/special-days", tag = "forecast", security(("bearer" = [])),
    request_body = SpecialDayInput,
    responses((status = 201, body = SpecialDayView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/special-days")]
pub async fn create_special_day(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<SpecialDayInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let input = body.into_inner();
    let (date, effect, label) = parse_special_day(&input)?;
    let row = run_db(&state, move |c| {
        if let Some(q) = &input.queue_id {
            db::queues::get(c, q).map_err(|e| missing("queue", q)(e).with_field("queue_id"))?;
        }
        // One entry per queue (or for every queue) and date: two would contradict each other,
        // and which one a forecast applied would depend on load order.
        let taken = db::history::special_days_for(c, input.queue_id.as_deref())?
            .into_iter()
            .find(|d| d.day == date && d.queue_id == input.queue_id);
        if let Some(taken) = taken {
            return Err(ApiError::conflict(format!(
                "{date} already has a special day ({}, id {}); delete it first",
                taken.label, taken.id
            ))
            .with_field("date"));
        }
        Ok(db::history::insert_special_day(
            c,
            input.queue_id.as_deref(),
            date,
            effect,
            &label,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(SpecialDayView::from(row)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpecialDayQuery {
    /// Only days for this queue (and those for every queue).
    pub queue_id: Option<String>,
}

/// Lists special days by date.
#[utoipa::path(get, path = "/api/v1/special-days", tag = "forecast", security(("bearer" = [])),
    params(SpecialDayQuery),
    responses((status = 200, body = Vec<SpecialDayView>), (status = 401, body = Problem), (status = 403, body = Problem)))]
#[get("/special-days")]
pub async fn list_special_days(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<SpecialDayQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let queue_id = query.into_inner().queue_id;
    let rows = run_db(&state, move |c| {
        Ok(db::history::special_days_for(c, queue_id.as_deref())?)
    })
    .await?;
    let views: Vec<SpecialDayView> = rows.into_iter().map(SpecialDayView::from).collect();
    Ok(HttpResponse::Ok().json(views))
}

/// Removes a special day.
#[utoipa::path(delete, path = "/api/v1/special-days/{id}", tag = "forecast", security(("bearer" = [])),
    responses((status = 204, description = "deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem)))]
#[delete("/special-days/{id}")]
pub async fn delete_special_day(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let id = id.into_inner();
    run_db(&state, move |c| {
        db::history::delete_special_day(c, &id).map_err(missing("special day", &id))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
