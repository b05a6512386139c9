//! An applicant's own application, without an account: confirming the email from the one-time link,
//! then through the private key (header `X-Application-Key`) reading it, withdrawing it, or having its
//! personal data erased. A key shows only the one application it was issued for.

use super::applications::{languages, windows, LanguageView, WindowView};
use super::body::ApiJson;
use super::problem::{ApiError, Problem};
use super::{run_db, AppState};
use crate::db::recruiting::applications::{self as apps, ApplicationRow};
use crate::db::recruiting::postings;
use crate::db::DbConnection;
use crate::plan::recruiting::applicant;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Registered before the managers' `/applications/{id}` routes so `mine` is not taken for an id.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(confirm)
        .service(get_mine)
        .service(withdraw_mine)
        .service(erase_mine);
}

/// The header that carries the private key.
pub const KEY_HEADER: &str = "X-Application-Key";

/// A step of the applicant's own history (managers' notes stay internal).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StepView {
    pub from: String,
    pub to: String,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub at: NaiveDateTime,
}

/// The applicant's view of their application.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyApplicationView {
    pub id: String,
    pub posting_id: String,
    pub posting_title: String,
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
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    pub history: Vec<StepView>,
}

fn my_view(c: &mut DbConnection, row: ApplicationRow) -> Result<MyApplicationView, ApiError> {
    let posting = postings::get(c, &row.posting_id)?;
    let history = apps::events(c, &row.id)?
        .into_iter()
        .map(|e| StepView {
            from: e.from_state,
            to: e.to_state,
            at: e.at,
        })
        .collect();
    Ok(MyApplicationView {
        languages: languages(&row),
        availability: windows(&row),
        id: row.id,
        posting_id: row.posting_id,
        posting_title: posting.title,
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
        created_at: row.created_at,
        history,
    })
}

fn key(req: &HttpRequest) -> Result<String, ApiError> {
    req.headers()
        .get(KEY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::unauthorized_with(format!(
                "send the private key from your confirmation email in the {KEY_HEADER} header"
            ))
        })
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmRequest {
    /// The token from the confirmation link.
    pub token: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    /// The private key for `X-Application-Key` (also emailed as a link); keep it secret.
    pub key: String,
    pub application: MyApplicationView,
}

/// Confirms the applicant's email from the one-time link: the application enters the pipeline (or a
/// re-application replaces the earlier details) and a private key is issued.
#[utoipa::path(post, path = "/api/v1/applications/confirm", tag = "recruiting",
    request_body = ConfirmRequest,
    responses((status = 200, body = Confirmed), (status = 400, body = Problem), (status = 404, body = Problem)))]
#[post("/applications/confirm")]
pub async fn confirm(
    state: web::Data<AppState>,
    body: ApiJson<ConfirmRequest>,
) -> Result<HttpResponse, ApiError> {
    let token = body.into_inner().token;
    if token.is_empty() || token.len() > 128 {
        return Err(
            ApiError::bad_request("token must be the one from the link").with_field("token")
        );
    }
    let config = state.config.clone();
    let out = run_db(&state, move |c| {
        let (row, key) = applicant::confirm(c, &config, &token)?;
        Ok(Confirmed {
            key,
            application: my_view(c, row)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The applicant's own application, by private key.
#[utoipa::path(get, path = "/api/v1/applications/mine", tag = "recruiting",
    params(("X-Application-Key" = String, Header, description = "the private key")),
    responses((status = 200, body = MyApplicationView), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[get("/applications/mine")]
pub async fn get_mine(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let key = key(&req)?;
    let v = run_db(&state, move |c| {
        let row = applicant::by_key(c, &key)?;
        my_view(c, row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Withdraws the applicant's own application.
#[utoipa::path(post, path = "/api/v1/applications/mine/withdraw", tag = "recruiting",
    params(("X-Application-Key" = String, Header, description = "the private key")),
    responses((status = 200, body = MyApplicationView), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
#[post("/applications/mine/withdraw")]
pub async fn withdraw_mine(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let key = key(&req)?;
    let v = run_db(&state, move |c| {
        let row = applicant::withdraw(c, &key)?;
        my_view(c, row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Erases the applicant's personal data now; the key stops working.
#[utoipa::path(delete, path = "/api/v1/applications/mine", tag = "recruiting",
    params(("X-Application-Key" = String, Header, description = "the private key")),
    responses((status = 204, description = "erased"), (status = 401, body = Problem), (status = 404, body = Problem)))]
#[delete("/applications/mine")]
pub async fn erase_mine(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let key = key(&req)?;
    run_db(&state, move |c| {
        let row = applicant::by_key(c, &key)?;
        Ok(applicant::erase(c, &row.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
