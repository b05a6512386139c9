//! `POST /api/v1/solve`: the stateless scheduler — a problem in, a roster out.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::problem::{ApiError, Problem as ProblemDoc};
use super::query::ApiQuery;
use crate::domain::scheduler::{
    default_time_limit_seconds, solve, validate, Problem, Roster, ScheduleError, SolveOptions,
    Violation, MIP_GAP_RANGE,
};
use crate::domain::validation::ValidationErrors;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

/// Rostering problems carry every agent and requirement curve: a larger limit than the API default.
pub const SOLVE_MAX_BYTES: usize = 16 * 1024 * 1024;
/// Longest solve a request may ask for.
pub const MAX_TIME_LIMIT_SECONDS: f64 = 300.0;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/solve")
            .app_data(super::body::JsonLimit(SOLVE_MAX_BYTES))
            .route(web::post().to(solve_problem)),
    );
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SolveQuery {
    /// Wall-clock limit in seconds (1 to 300; default 60 a week of the problem's period, at most
    /// 300); the best roster found by then is returned.
    pub time_limit_seconds: Option<f64>,
    /// Relative MIP gap at which to stop (default 0.01).
    pub mip_gap: Option<f64>,
    /// Stop on work done rather than on the clock, in work units (0 to 100000; about a second of
    /// search each on the reference machine): the same problem and options then give the same
    /// roster, unless the time limit, still a hard cap, ends the solve first (the roster says so).
    pub work_limit: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SolveResponse {
    pub roster: Roster,
    /// Hard-rule violations found by the independent validator (empty for every roster it returns).
    pub violations: Vec<Violation>,
}

/// Solves a rostering problem: shifts per agent (UTC and local), coverage per queue and interval,
/// KPIs, objective, bound and gap, and diagnostics naming every shortfall and contradiction.
#[utoipa::path(post, path = "/api/v1/solve", tag = "scheduling", security(("bearer" = [])),
    params(SolveQuery),
    request_body(content = Problem, description = "A scheduling problem: period, queues with required agents per interval, agents, shift templates, pinned shifts, weights"),
    responses((status = 200, body = SolveResponse), (status = 401, body = ProblemDoc), (status = 403, body = ProblemDoc),
              (status = 413, body = ProblemDoc), (status = 422, body = ProblemDoc),
              (status = 500, description = "The solver failed on a valid problem", body = ProblemDoc)))]
pub async fn solve_problem(
    state: web::Data<super::AppState>,
    auth: Authenticated,
    query: ApiQuery<SolveQuery>,
    body: ApiJson<Problem>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let mut errors = ValidationErrors::new();
    let mut options = SolveOptions {
        threads: state.config.solver_threads,
        ..SolveOptions::default()
    };
    if let Some(t) = query.time_limit_seconds {
        if t.is_finite() && (1.0..=MAX_TIME_LIMIT_SECONDS).contains(&t) {
            options.time_limit_seconds = t;
        } else {
            errors.add(
                "time_limit_seconds",
                format!("must be between 1 and {MAX_TIME_LIMIT_SECONDS}"),
            );
        }
    }
    if let Some(w) = query.work_limit {
        super::schedules::check_work_limit(&mut errors, w);
        options.work_limit = Some(w);
    }
    if let Some(g) = query.mip_gap {
        if MIP_GAP_RANGE.contains(&g) {
            options.mip_gap = g;
        } else {
            errors.add("mip_gap", "must be between 0 and 1");
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let problem = body.into_inner();
    problem.check().map_err(problem_error)?;
    if query.time_limit_seconds.is_none() {
        options.time_limit_seconds =
            default_time_limit_seconds(problem.period.weeks).min(MAX_TIME_LIMIT_SECONDS);
    }
    let response = web::block(move || -> Result<SolveResponse, ApiError> {
        let roster = solve(&problem, &options).map_err(|e| match e {
            // The input passed every check; a failure inside the solver is the server's.
            ScheduleError::Solver(why) => {
                tracing::error!(%why, "solver failure on a checked problem");
                ApiError::internal()
            }
            e => problem_error(e),
        })?;
        let violations = validate(&problem, &roster);
        Ok(SolveResponse { roster, violations })
    })
    .await??;
    Ok(HttpResponse::Ok().json(response))
}

/// An input error of the problem, at the path of the offending value in the body.
fn problem_error(e: ScheduleError) -> ApiError {
    let field = e.field().unwrap_or("problem").to_string();
    ApiError::validation(ValidationErrors::single(field, e.message()))
}
