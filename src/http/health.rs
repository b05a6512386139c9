//! Liveness and readiness probes for orchestrators and load balancers.

use super::AppState;
use actix_web::{get, web, HttpResponse};
use serde_json::json;

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health", responses((status = 200, description = "alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers; 503 otherwise, so a load balancer stops routing here.
#[utoipa::path(get, path = "/readyz", tag = "health", responses(
    (status = 200, description = "database reachable"),
    (status = 503, description = "database unreachable")))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ok = web::block(move || pool.ping()).await.unwrap_or(false);
    if ok {
        HttpResponse::Ok().json(json!({ "status": "ready", "database": "ok" }))
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("application/problem+json")
            .json(
                json!({ "type": "about:blank", "title": "Service unavailable", "status": 503,
                          "detail": "the database is unreachable" }),
            )
    }
}
