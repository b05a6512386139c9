//! The OpenAPI 3 document, generated from the handlers' annotations and served at
//! `/api/v1/openapi.json`.

use actix_web::{get, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "chatroster", description = "Forecast, staff, schedule and recruit the humans behind an AI chat assistant."),
    paths(
        super::health::healthz,
        super::health::readyz,
        document,
        super::auth::login,
        super::auth::logout,
        super::auth::me,
        super::auth::change_password,
        super::queues::list_queues,
        super::queues::create_queue,
        super::queues::get_queue,
        super::queues::update_queue,
        super::queues::delete_queue,
        super::agents::list_agents,
        super::agents::create_agent,
        super::agents::get_agent,
        super::agents::update_agent,
        super::agents::delete_agent,
        super::agents::get_availability,
        super::agents::put_availability,
        super::agents::get_preferences,
        super::agents::put_preferences,
        super::agents::set_agent_password,
        super::jobs::list_jobs,
        super::jobs::get_job,
        super::jobs::cancel_job,
        super::staffing::erlang,
        super::history::upload_history,
        super::history::list_history,
        super::history::delete_history,
        super::history::create_special_day,
        super::history::list_special_days,
        super::history::delete_special_day,
        super::forecast::queue_forecast_handler,
        super::forecast::queue_requirements_handler,
        super::forecast::queue_backtest_handler,
        super::forecast::stateless_forecast,
        super::solve::solve_problem,
        super::schedules::create_schedule,
        super::schedules::list_schedules,
        super::schedules::get_schedule,
        super::schedules::discard_schedule,
        super::schedule_edits::add_shift,
        super::schedule_edits::move_shift,
        super::schedule_edits::remove_shift,
        super::schedule_edits::lock_shift,
        super::schedule_edits::unlock_shift,
        super::schedule_edits::resolve,
        super::publishing::publish_schedule,
        super::publishing::deliveries,
        super::publishing::list_outbox,
        super::publishing::retry_message,
        super::me::my_shifts,
        super::me::create_feed,
        super::me::revoke_feed,
        super::me::feed,
        super::sign_in::request_link,
        super::sign_in::redeem_link,
        super::time_off::request_time_off,
        super::time_off::my_time_off,
        super::time_off::cancel_time_off,
        super::time_off::list_time_off,
        super::time_off::approve_time_off,
        super::time_off::deny_time_off,
        super::availability_conflicts::list_conflicts,
        super::availability_conflicts::resolve_conflict,
        super::swaps::offer_shift,
        super::swaps::withdraw_offer,
        super::swaps::list_offers,
        super::swaps::take_offer,
        super::swaps::approve_offer,
        super::swaps::reject_offer,
        super::open_shifts::post_open_shift,
        super::open_shifts::open_shifts_from_schedule,
        super::open_shifts::list_open_shifts,
        super::open_shifts::claim_open_shift,
        super::open_shifts::award_open_shift,
        super::postings::list_postings,
        super::postings::create_posting,
        super::postings::get_posting,
        super::postings::update_posting,
        super::postings::apply,
        super::my_application::confirm,
        super::my_application::get_mine,
        super::my_application::withdraw_mine,
        super::my_application::erase_mine,
        super::applications::list_applications,
        super::applications::get_application,
        super::applications::move_application_route,
        super::hiring_needs::hiring_needs,
    ),
    modifiers(&BearerAuth, &ProblemErrors),
    tags(
        (name = "auth", description = "Sign-in with bearer tokens"),
        (name = "queues", description = "Language/channel queues"),
        (name = "agents", description = "The remote workforce"),
        (name = "jobs", description = "Background work and its progress"),
        (name = "forecast", description = "History, special days, forecasts and backtests"),
        (name = "staffing", description = "Erlang C / Erlang A staffing"),
        (name = "scheduling", description = "Rostering with a mixed-integer program on HiGHS"),
        (name = "publishing", description = "Publishing rosters and the email outbox"),
        (name = "self-service", description = "Time off, availability conflicts, swaps and open shifts"),
        (name = "recruiting", description = "Postings, applications, the hiring pipeline and hiring needs"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Error responses are sent as `application/problem+json` (RFC 9457); the path macros declare
/// their `Problem` bodies as plain JSON, so the document is corrected in one place.
struct ProblemErrors;

impl Modify for ProblemErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                for (status, response) in op.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else {
                        continue;
                    };
                    if !(status.starts_with('4') || status.starts_with('5')) {
                        continue;
                    }
                    if let Some(content) = response.content.shift_remove("application/json") {
                        response
                            .content
                            .insert("application/problem+json".to_string(), content);
                    }
                }
            }
        }
    }
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3 document")))]
#[get("/openapi.json")]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
