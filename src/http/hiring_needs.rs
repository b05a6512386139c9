//! `/api/v1/hiring-needs`: where the capacity gap is, per language and UTC time band, under the AI
//! deflection scenario the manager chooses; when the assistant resolves less, the gap grows.

use super::auth::Authenticated;
use super::problem::{ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::domain::recruiting::needs::band_label;
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::parse_date;
use crate::plan::forecasting::Scenario;
use crate::plan::recruiting::needs::hiring_needs_report;
use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(hiring_needs);
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedsQuery {
    /// First UTC day, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last UTC day, inclusive (at most 84 days after `from`).
    pub to: Option<String>,
    /// What-if: the AI deflection rate in [0, 1] ...
    pub deflection: Option<f64>,
    /// ... or a change in percentage points.
    pub deflection_points: Option<f64>,
    /// The what-if applies from this local date (default: the whole range).
    pub deflection_from: Option<String>,
    /// Weekly hours of one FTE (default 40).
    pub fte_hours: Option<f64>,
}

/// One language in one 6-hour UTC band.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BandNeedView {
    pub language: String,
    /// 0 = 00-06 UTC, 1 = 06-12, 2 = 12-18, 3 = 18-24.
    pub band: u8,
    pub band_label: String,
    /// Agent-hours the requirements call for (after shrinkage, floor included).
    pub required_hours: f64,
    /// Agent-hours the active agents can be scheduled for.
    pub capacity_hours: f64,
    pub gap_hours: f64,
    pub gap_fte: f64,
    /// Gap hours per week on each UTC weekday, Monday first: the availability a hire should offer.
    pub profile_hours_per_weekday: [f64; 7],
    /// UTC offsets (minutes) where this band is local daytime (08:00-20:00): where to recruit.
    pub daytime_offsets_minutes: Vec<i32>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NeedsView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub fte_hours_per_week: f64,
    pub deflection: Option<f64>,
    pub deflection_points: Option<f64>,
    pub total_gap_fte: f64,
    pub bands: Vec<BandNeedView>,
    /// Queues left out because they have no history to forecast from.
    pub queues_without_history: Vec<String>,
    /// Queues left out because their requirements could not be computed (the other queues'
    /// needs are still reported).
    pub queues_with_errors: Vec<QueueErrorView>,
}

/// Why one queue is missing from the needs.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QueueErrorView {
    pub queue_id: String,
    /// The input the problem is in (`history` for what the forecast was built from).
    pub field: String,
    pub detail: String,
}

/// Hiring needs per language and UTC band: required agent-hours, schedulable capacity, the gap in
/// FTE and the weekly profile that would close it (managers only).
#[utoipa::path(get, path = "/api/v1/hiring-needs", tag = "recruiting", security(("bearer" = [])),
    params(NeedsQuery),
    responses((status = 200, body = NeedsView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
#[get("/hiring-needs")]
pub async fn hiring_needs(
    state: web::Data<AppState>,
    auth: Authenticated,
    query: ApiQuery<NeedsQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let mut errors = ValidationErrors::new();
    let mut date = |field: &str, raw: &Option<String>, required: bool| match raw {
        Some(r) => errors.collect(field, parse_date(r)),
        None if required => {
            errors.add(field, "is required (YYYY-MM-DD)");
            None
        }
        None => None,
    };
    let from = date("from", &q.from, true);
    let to = date("to", &q.to, true);
    let deflection_from = date("deflection_from", &q.deflection_from, false);
    let (Some(from), Some(to)) = (from, to) else {
        return Err(errors.into());
    };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let scenario = Scenario {
        deflection: q.deflection,
        deflection_points: q.deflection_points,
        from: deflection_from,
        reason: None,
    };
    let fte = q.fte_hours.unwrap_or(40.0);
    let report = run_db(&state, move |c| {
        Ok(hiring_needs_report(c, from, to, &scenario, fte)?)
    })
    .await?;
    let bands: Vec<BandNeedView> = report
        .bands
        .into_iter()
        .map(|b| BandNeedView {
            band_label: band_label(b.band),
            language: b.language,
            band: b.band,
            required_hours: b.required_hours,
            capacity_hours: b.capacity_hours,
            gap_hours: b.gap_hours,
            gap_fte: b.gap_fte,
            profile_hours_per_weekday: b.profile_hours_per_weekday,
            daytime_offsets_minutes: b.daytime_offsets_minutes,
        })
        .collect();
    Ok(HttpResponse::Ok().json(NeedsView {
        from,
        to,
        fte_hours_per_week: fte,
        deflection: q.deflection,
        deflection_points: q.deflection_points,
        // An empty float sum is -0.0, which would read "-0.0" in JSON.
        total_gap_fte: bands.iter().map(|b| b.gap_fte).sum::<f64>() + 0.0,
        bands,
        queues_without_history: report.queues_without_history,
        queues_with_errors: report
            .queues_with_errors
            .into_iter()
            .map(|p| QueueErrorView {
                queue_id: p.queue_id,
                field: p.field,
                detail: p.detail,
            })
            .collect(),
    }))
}
