//! `/api/v1/staffing`: the stateless Erlang calculator (Erlang C, or Erlang A with patience, with chat
//! concurrency, shrinkage and a floor).

use super::auth::Authenticated;
use super::body::ApiJson;
use super::problem::{ApiError, Problem};
use crate::domain::staffing::{
    figures_for_agents, requirement, Figures, HandleTime, IntervalInput, QueueModel, StaffingError,
    SERVICE_LEVEL_DEFINITION,
};
use crate::domain::validation::ValidationErrors;
use actix_web::{post, web, HttpResponse};
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(erlang);
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErlangTargets {
    /// Target service level (answered within the threshold over all arrivals), in (0, 1).
    pub service_level: f64,
    /// Optional cap on the average speed of answer of answered contacts, seconds.
    #[serde(default)]
    pub asa_seconds: Option<f64>,
    /// Cap on occupancy (default 0.85).
    #[serde(default)]
    pub max_occupancy: Option<f64>,
}

/// One interval: give `agents` to evaluate a staffing level, or `targets` to find the fewest agents.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErlangRequest {
    /// Contacts arriving in the interval.
    pub arrivals: f64,
    /// Interval length in minutes (1 to 1440).
    pub interval_minutes: u32,
    /// Average handle time of one contact, seconds (or give `aht_by_concurrency`).
    #[serde(default)]
    pub aht_seconds: Option<f64>,
    /// Chat AHT while an agent handles 1, 2, ... chats at once; its length is the concurrency.
    #[serde(default)]
    pub aht_by_concurrency: Option<Vec<f64>>,
    /// Service-level threshold T, seconds.
    pub sl_threshold_seconds: f64,
    /// Mean customer patience, seconds: switches from Erlang C to Erlang A.
    #[serde(default)]
    pub patience_seconds: Option<f64>,
    #[serde(default)]
    pub agents: Option<u32>,
    #[serde(default)]
    pub targets: Option<ErlangTargets>,
    /// Shrinkage in [0, 1) for the scheduled figure (targets mode).
    #[serde(default)]
    pub shrinkage: Option<f64>,
    /// Minimum agents whatever the load (targets mode).
    #[serde(default)]
    pub floor_agents: Option<u32>,
}

/// Expected performance at a staffing level.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FiguresView {
    pub offered_load_erlangs: f64,
    /// False when Erlang C load reaches the servers (the queue grows without bound).
    pub stable: bool,
    pub p_wait: f64,
    pub p_abandon: f64,
    /// Answered within the threshold / all arrivals (see `service_level_definition`).
    pub service_level: f64,
    /// Answered within the threshold / answered.
    pub service_level_of_answered: f64,
    /// 1 - P(an infinitely patient customer would wait longer than the threshold).
    pub service_level_virtual_wait: f64,
    /// Average speed of answer of answered contacts; null when unbounded.
    pub asa_seconds: Option<f64>,
    pub occupancy: f64,
}

impl From<Figures> for FiguresView {
    fn from(f: Figures) -> Self {
        Self {
            offered_load_erlangs: f.offered_load,
            stable: f.stable,
            p_wait: f.p_wait,
            p_abandon: f.p_abandon,
            service_level: f.sl_of_all_arrivals,
            service_level_of_answered: f.sl_of_answered,
            service_level_virtual_wait: f.sl_virtual_wait,
            asa_seconds: f.asa_seconds.is_finite().then_some(f.asa_seconds),
            occupancy: f.occupancy,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequirementView {
    /// Fewest agents meeting every target for the load alone.
    pub required_by_load: u32,
    pub floor: u32,
    /// max(required_by_load, floor): agents needed on chats.
    pub required: u32,
    /// What the floor adds.
    pub floor_uplift: u32,
    /// `required` grossed up for shrinkage: agents to schedule.
    pub scheduled: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErlangResponse {
    /// `erlang_c` or `erlang_a`.
    pub model: String,
    pub service_level_definition: String,
    pub concurrency: u32,
    /// The agents evaluated, or the fewest meeting the targets (floor included).
    pub agents: u32,
    pub figures: FiguresView,
    /// Present in targets mode.
    pub requirement: Option<RequirementView>,
}

/// A staffing error for the calculator's request: the domain's input names are mapped to the
/// request's fields (`mean_patience_seconds` is `patience_seconds`, and so on).
fn staffing_problem(e: StaffingError, req: &ErlangRequest) -> ApiError {
    if let StaffingError::NoConvergence(what) = e {
        // Inside the checked input ranges this is the server's fault, not the request's.
        tracing::error!(what, "staffing evaluation did not converge");
        return ApiError::internal();
    }
    let field = match &e {
        StaffingError::InvalidInput { field, .. } => match *field {
            "mean_patience_seconds" => "patience_seconds",
            "sl_target" => "targets.service_level",
            "asa_target_seconds" => "targets.asa_seconds",
            "max_occupancy" => "targets.max_occupancy",
            "servers" => "agents",
            "aht_seconds" if req.aht_by_concurrency.is_some() => "aht_by_concurrency",
            "interval_seconds" => "interval_minutes",
            "offered_load" => "arrivals",
            other => other,
        },
        StaffingError::NoHandleTime => "aht_by_concurrency",
        // The load is arrivals times handle time over the interval: arrivals is what is absurd.
        StaffingError::LoadTooLarge(_) => "arrivals",
        StaffingError::TargetUnreachable(_) if req.floor_agents.is_some_and(|f| f > 0) => {
            "floor_agents"
        }
        StaffingError::TargetUnreachable(_) | StaffingError::NoConvergence(_) => "targets",
    };
    let message = match &e {
        StaffingError::InvalidInput { reason, .. } => (*reason).to_string(),
        StaffingError::NoHandleTime => "give at least one AHT".into(),
        other => other.to_string(),
    };
    ApiError::validation(ValidationErrors::single(field, message))
}

fn interval_input(req: &ErlangRequest) -> Result<IntervalInput, ApiError> {
    let mut errors = ValidationErrors::new();
    if !(1..=1440).contains(&req.interval_minutes) {
        errors.add("interval_minutes", "must be between 1 and 1440");
    }
    let handle_time = match (&req.aht_seconds, &req.aht_by_concurrency) {
        (Some(aht), None) => Some(HandleTime::Single { aht_seconds: *aht }),
        (None, Some(list)) if !list.is_empty() => Some(HandleTime::Concurrent {
            aht_by_concurrency: list.clone(),
        }),
        _ => {
            errors.add(
                "aht_seconds",
                "give either aht_seconds or a non-empty aht_by_concurrency",
            );
            None
        }
    };
    if req.agents.is_some() == req.targets.is_some() {
        errors.add(
            "agents",
            "give either agents (to evaluate) or targets (to find the fewest agents)",
        );
    }
    let targets = req.targets.clone();
    let input = errors.finish(|| {
        Some(IntervalInput {
            arrivals: req.arrivals,
            interval_seconds: f64::from(req.interval_minutes) * 60.0,
            handle_time: handle_time?,
            sl_threshold_seconds: req.sl_threshold_seconds,
            // In evaluate mode no target is searched for; 0.8 only satisfies input validation.
            sl_target: targets.as_ref().map_or(0.8, |t| t.service_level),
            asa_target_seconds: targets.as_ref().and_then(|t| t.asa_seconds),
            max_occupancy: targets
                .as_ref()
                .and_then(|t| t.max_occupancy)
                .unwrap_or(0.85),
            mean_patience_seconds: req.patience_seconds,
            shrinkage: req.shrinkage.unwrap_or(0.0),
            floor_agents: req.floor_agents.unwrap_or(0),
            open: true,
        })
    })?;
    Ok(input)
}

/// Service level, ASA, occupancy and abandonment for a staffing level, or the fewest agents for targets.
#[utoipa::path(post, path = "/api/v1/staffing/erlang", tag = "staffing", security(("bearer" = [])),
    request_body = ErlangRequest,
    responses((status = 200, body = ErlangResponse), (status = 401, body = Problem), (status = 422, body = Problem)))]
#[post("/staffing/erlang")]
pub async fn erlang(
    _auth: Authenticated,
    body: ApiJson<ErlangRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let input = interval_input(&req)?;
    let concurrency = input
        .handle_time
        .slots_and_aht()
        .map_err(|e| staffing_problem(e, &req))?
        .0;
    let (agents, figures, requirement_view) = match req.agents {
        Some(n) => (
            n,
            figures_for_agents(&input, n).map_err(|e| staffing_problem(e, &req))?,
            None,
        ),
        None => {
            let r = requirement(&input).map_err(|e| staffing_problem(e, &req))?;
            let view = RequirementView {
                required_by_load: r.required_by_load,
                floor: r.floor,
                required: r.required,
                floor_uplift: r.floor_uplift,
                scheduled: r.scheduled,
            };
            (r.required, r.figures, Some(view))
        }
    };
    let model = match figures.model {
        QueueModel::ErlangC => "erlang_c",
        QueueModel::ErlangA { .. } => "erlang_a",
    };
    Ok(HttpResponse::Ok().json(ErlangResponse {
        model: model.into(),
        service_level_definition: SERVICE_LEVEL_DEFINITION.into(),
        concurrency,
        agents,
        figures: figures.into(),
        requirement: requirement_view,
    }))
}
