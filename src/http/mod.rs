//! The web layer: actix handlers that parse requests into domain values, call the database layer on
//! the blocking pool, and render JSON. Handlers stay thin; errors are [`problem::ApiError`].

pub mod agents;
pub mod applications;
pub mod auth;
pub mod availability_conflicts;
pub mod body;
pub mod forecast;
pub mod health;
pub mod hiring_needs;
pub mod history;
pub mod jobs;
pub mod me;
pub mod my_application;
pub mod open_shifts;
pub mod openapi;
pub mod pagination;
pub mod path;
pub mod postings;
pub mod problem;
pub mod publishing;
pub mod query;
pub mod queues;
pub mod schedule_edits;
pub mod schedules;
pub mod sign_in;
pub mod solve;
pub mod staffing;
pub mod swaps;
pub mod time_off;

use crate::config::Config;
use crate::db::{DbConnection, DbPool};
use actix_web::{web, HttpRequest, HttpResponse};
use problem::ApiError;
use std::sync::Arc;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub config: Arc<Config>,
}

/// Runs database work on the blocking pool with a pooled connection.
pub async fn run_db<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        work(&mut conn)
    })
    .await?
}

/// Registers every route and the extractor configs that turn malformed input into problems.
pub fn configure(cfg: &mut web::ServiceConfig, max_json_bytes: usize) {
    cfg.app_data(body::JsonLimit(max_json_bytes))
        .app_data(web::PathConfig::default().error_handler(path::not_found))
        .service(health::healthz)
        .service(health::readyz)
        .configure(me::public_routes)
        .service(
            web::scope("/api/v1")
                .service(openapi::document)
                .configure(auth::routes)
                .configure(queues::routes)
                .configure(agents::routes)
                .configure(jobs::routes)
                .configure(staffing::routes)
                .configure(history::routes)
                .configure(forecast::routes)
                .configure(solve::routes)
                .configure(schedules::routes)
                .configure(schedule_edits::routes)
                .configure(publishing::routes)
                .configure(me::routes)
                .configure(sign_in::routes)
                .configure(time_off::routes)
                .configure(availability_conflicts::routes)
                .configure(swaps::routes)
                .configure(open_shifts::routes)
                .configure(postings::routes)
                .configure(my_application::routes)
                .configure(applications::routes)
                .configure(hiring_needs::routes),
        )
        .default_service(web::to(not_found));
}

async fn not_found(req: HttpRequest) -> HttpResponse {
    use actix_web::ResponseError;
    ApiError::not_found(format!("no route for {} {}", req.method(), req.path())).error_response()
}
