//! Forecasts, backtests and staffing requirements of a queue, and the stateless forecast.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db;
use crate::domain::forecast::{
    self, BacktestReport, BacktestSpec, Bounds, ForecastSpec, IntervalLength, ReasonForecast,
    SpecialDay, SpecialEffect,
};
use crate::domain::history::{self, HistoryInput, Position};
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::parse_date;
use crate::domain::zone::TimeZone;
use crate::plan::forecasting::{
    backtest_summary, queue_backtest, queue_forecast, Scenario, MAX_HORIZON_DAYS,
};
use crate::plan::requirements::{queue_requirements, RequirementsReport, WhatIf};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Body limit of the stateless forecast: two years of 15-minute rows as JSON.
pub const STATELESS_MAX_BYTES: usize = 32 * 1024 * 1024;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(queue_forecast_handler)
        .service(queue_backtest_handler)
        .service(queue_requirements_handler)
        .service(
            // Integrations send whole series: a larger body limit than the API default.
            web::resource("/forecast")
                .app_data(super::body::JsonLimit(STATELESS_MAX_BYTES))
                .route(web::post().to(stateless_forecast)),
        );
}

#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForecastQuery {
    /// First local date (default: the day after the stored history).
    pub from: Option<String>,
    /// Last local date, inclusive (default: two weeks).
    pub to: Option<String>,
    /// What-if: the AI deflection rate in [0, 1] ...
    pub deflection: Option<f64>,
    /// ... or a change in percentage points (e.g. 5 = five points more resolved by the AI).
    pub deflection_points: Option<f64>,
    /// The what-if applies from this local date (default: `from`).
    pub deflection_from: Option<String>,
    /// The what-if applies to this contact reason only.
    pub reason: Option<String>,
    /// Requirements only: service-level target instead of the queue's.
    pub sl_target: Option<f64>,
    /// Requirements only: AHT in seconds instead of the forecast's.
    pub aht_seconds: Option<f64>,
}

impl ForecastQuery {
    fn dates(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>, Scenario), ApiError> {
        let mut errors = ValidationErrors::new();
        let mut date = |field: &str, raw: &Option<String>| match raw {
            Some(r) => errors.collect(field, parse_date(r)),
            None => None,
        };
        let from = date("from", &self.from);
        let to = date("to", &self.to);
        let deflection_from = date("deflection_from", &self.deflection_from);
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let scenario = Scenario {
            deflection: self.deflection,
            deflection_points: self.deflection_points,
            from: deflection_from,
            reason: self.reason.clone().filter(|r| !r.is_empty()),
        };
        Ok((from, to, scenario))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoundsView {
    pub lo95: f64,
    pub lo80: f64,
    pub hi80: f64,
    pub hi95: f64,
}

impl From<Bounds> for BoundsView {
    fn from(b: Bounds) -> Self {
        Self {
            lo95: b.lo95,
            lo80: b.lo80,
            hi80: b.hi80,
            hi95: b.hi95,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ForecastIntervalView {
    pub start: DateTime<Utc>,
    /// The same instant on the queue's wall clock.
    pub local_start: String,
    /// Chats offered to the assistant.
    pub volume: f64,
    /// Share the AI resolves (never reaches a human).
    pub deflection_rate: f64,
    /// Chats left for humans.
    pub human_chats: f64,
    pub aht_seconds: f64,
    pub workload_erlangs: f64,
    /// Calibrated 80% and 95% prediction bounds on `volume`.
    pub volume_bounds: BoundsView,
    /// Calibrated bounds on `human_chats`.
    pub human_bounds: BoundsView,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReasonView {
    pub reason: String,
    pub volume: f64,
    pub human_chats: f64,
    pub deflection_rate: f64,
}

impl From<ReasonForecast> for ReasonView {
    fn from(r: ReasonForecast) -> Self {
        Self {
            reason: r.reason,
            volume: r.volume,
            human_chats: r.human_chats,
            deflection_rate: r.deflection_rate,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ForecastView {
    pub time_zone: String,
    pub interval_minutes: u32,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Rolling-origin forecasts the prediction bounds were calibrated on.
    pub calibration_origins: usize,
    pub reasons: Vec<String>,
    /// Horizon totals per contact reason.
    pub by_reason: Vec<ReasonView>,
    pub total_volume: f64,
    pub total_human_chats: f64,
    pub intervals: Vec<ForecastIntervalView>,
}

fn forecast_view(
    zone: Tz,
    interval_minutes: u32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    f: forecast::Forecast,
) -> ForecastView {
    ForecastView {
        time_zone: zone.name().into(),
        interval_minutes,
        from,
        to,
        calibration_origins: f.calibration_origins,
        reasons: f.reasons,
        by_reason: f.by_reason.into_iter().map(ReasonView::from).collect(),
        total_volume: f.intervals.iter().map(|i| i.volume).sum(),
        total_human_chats: f.intervals.iter().map(|i| i.human_chats).sum(),
        intervals: f
            .intervals
            .into_iter()
            .map(|i| ForecastIntervalView {
                local_start: i.start.with_timezone(&zone).to_rfc3339(),
                start: i.start,
                volume: i.volume,
                deflection_rate: i.deflection_rate,
                human_chats: i.human_chats,
                aht_seconds: i.aht_seconds,
                workload_erlangs: i.workload_erlangs,
                volume_bounds: i.volume_bounds.into(),
                human_bounds: i.human_bounds.into(),
            })
            .collect(),
    }
}

/// Forecast of chats, AI deflection and human workload per interval for local dates of the queue.
#[utoipa::path(get, path = "/api/v1/queues/{id}/forecast", tag = "forecast", security(("bearer" = [])),
    params(ForecastQuery),
    responses((status = 200, body = ForecastView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/queues/{id}/forecast")]
pub async fn queue_forecast_handler(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    query: ApiQuery<ForecastQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let (from, to, scenario) = query.dates()?;
    let id = id.into_inner();
    let view = run_db(&state, move |c| {
        let queue = db::queues::get(c, &id).map_err(missing("queue", &id))?;
        let (from, to, f) = queue_forecast(c, &queue, from, to, &scenario)?;
        Ok(forecast_view(
            queue.spec.time_zone.tz(),
            queue.spec.interval_minutes,
            Some(from),
            Some(to),
            f,
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Staffing requirements per interval from the forecast, with what-ifs on deflection, SL target and AHT.
#[utoipa::path(get, path = "/api/v1/queues/{id}/requirements", tag = "staffing", security(("bearer" = [])),
    params(ForecastQuery),
    responses((status = 200, body = RequirementsReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[get("/queues/{id}/requirements")]
pub async fn queue_requirements_handler(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    query: ApiQuery<ForecastQuery>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let q = query.into_inner();
    let (from, to, scenario) = q.dates()?;
    let what_if = WhatIf {
        scenario,
        sl_target: q.sl_target,
        aht_seconds: q.aht_seconds,
    };
    let id = id.into_inner();
    let report = run_db(&state, move |c| {
        let queue = db::queues::get(c, &id).map_err(missing("queue", &id))?;
        Ok(queue_requirements(c, &queue, from, to, &what_if)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestRequest {
    /// Evaluate over the last N weeks of history (default 12).
    #[serde(default)]
    pub weeks: Option<usize>,
    /// Horizon of each rolling origin in weeks (default 6, at most `weeks`).
    #[serde(default)]
    pub horizon_weeks: Option<usize>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BacktestView {
    /// The model against seasonal naive, in one sentence.
    pub summary: String,
    #[schema(value_type = Object)]
    pub report: BacktestReport,
}

/// Rolling-origin backtest of the model against seasonal naive: WAPE, MASE and interval coverage.
#[utoipa::path(post, path = "/api/v1/queues/{id}/backtest", tag = "forecast", security(("bearer" = [])),
    request_body = BacktestRequest,
    responses((status = 200, body = BacktestView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[post("/queues/{id}/backtest")]
pub async fn queue_backtest_handler(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<BacktestRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let defaults = BacktestSpec::default();
    let spec = BacktestSpec {
        weeks: body.weeks.unwrap_or(defaults.weeks),
        horizon_weeks: body.horizon_weeks.unwrap_or(defaults.horizon_weeks),
        step_days: defaults.step_days,
    };
    let id = id.into_inner();
    let report = run_db(&state, move |c| {
        let queue = db::queues::get(c, &id).map_err(missing("queue", &id))?;
        Ok(queue_backtest(c, &queue, &spec)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(BacktestView {
        summary: backtest_summary(&report),
        report,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialDayDto {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Volume multiplier; omit for a closed day.
    #[serde(default)]
    pub multiplier: Option<f64>,
}

/// A history series in, a forecast out (no data is stored).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatelessForecastRequest {
    pub time_zone: String,
    /// 15 or 30.
    pub interval_minutes: u32,
    /// Days to forecast after the history (1 to 84).
    pub horizon_days: u32,
    pub history: Vec<HistoryInput>,
    #[serde(default)]
    pub special_days: Vec<SpecialDayDto>,
    /// What-if on the deflection rate: an absolute rate ...
    #[serde(default)]
    pub deflection: Option<f64>,
    /// ... or a change in points.
    #[serde(default)]
    pub deflection_points: Option<f64>,
}

/// Forecast for an arbitrary history series, for integrations.
#[utoipa::path(post, path = "/api/v1/forecast", tag = "forecast", security(("bearer" = [])),
    request_body = StatelessForecastRequest,
    responses((status = 200, body = ForecastView), (status = 401, body = Problem), (status = 413, body = Problem),
              (status = 422, body = Problem)))]
pub async fn stateless_forecast(
    _auth: Authenticated,
    body: ApiJson<StatelessForecastRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let view = web::block(move || -> Result<ForecastView, ApiError> {
        let mut errors = ValidationErrors::new();
        let zone = errors.collect("time_zone", TimeZone::parse(&req.time_zone));
        let interval = match req.interval_minutes {
            15 => Some(IntervalLength::Min15),
            30 => Some(IntervalLength::Min30),
            other => {
                errors.add("interval_minutes", format!("must be 15 or 30, got {other}"));
                None
            }
        };
        if !(1..=MAX_HORIZON_DAYS).contains(&req.horizon_days) {
            errors.add(
                "horizon_days",
                format!("must be between 1 and {MAX_HORIZON_DAYS}"),
            );
        }
        let mut special_days = Vec::new();
        for (i, d) in req.special_days.iter().enumerate() {
            let effect = match d.multiplier {
                None => SpecialEffect::Closed,
                Some(m) if m.is_finite() && (0.0..=20.0).contains(&m) => {
                    SpecialEffect::Multiplier(m)
                }
                Some(_) => {
                    errors.add(
                        format!("special_days[{i}].multiplier"),
                        "must be between 0 and 20",
                    );
                    continue;
                }
            };
            if let Some(date) =
                errors.collect(&format!("special_days[{i}].date"), parse_date(&d.date))
            {
                special_days.push(SpecialDay { date, effect });
            }
        }
        let (Some(zone), Some(interval)) = (zone, interval) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let rows =
            history::parse_rows(&req.history, zone.tz(), req.interval_minutes).map_err(|e| {
                let field = match e.at {
                    Position::Row(n) => format!("history[{}].{}", n.saturating_sub(1), e.field),
                    Position::Line(_) | Position::Upload => "history".into(),
                };
                ApiError::validation(ValidationErrors::single(field, e.message))
            })?;
        let mut spec = ForecastSpec::new(zone.tz(), interval, req.horizon_days);
        spec.special_days = special_days;
        let scenario = Scenario {
            deflection: req.deflection,
            deflection_points: req.deflection_points,
            from: None,
            reason: None,
        };
        let last = rows
            .iter()
            .map(|r| r.start)
            .max()
            .map(|t| t.with_timezone(&zone.tz()).date_naive());
        spec.overrides = scenario.overrides(last.unwrap_or_default())?;
        let f = forecast::forecast(&rows, &spec).map_err(|e| {
            ApiError::validation(ValidationErrors::single("history", e.to_string()))
        })?;
        Ok(forecast_view(
            zone.tz(),
            req.interval_minutes,
            None,
            None,
            f,
        ))
    })
    .await??;
    Ok(HttpResponse::Ok().json(view))
}
