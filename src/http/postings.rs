//! `/api/v1/postings`: job postings for remote roles. Anyone may list and read open postings and apply
//! to them; managers create, edit, open and close them and see drafts and closed ones too.

use super::auth::Authenticated;
use super::body::ApiJson;
use super::pagination::{PageQuery, Paged};
use super::problem::{missing, ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::auth::Role;
use crate::db::recruiting::postings::{self, PostingRecord};
use crate::domain::recruiting::application::{ApplicationInput, LanguageInput, WindowInput};
use crate::domain::recruiting::posting::{PostingInput, PostingSpec, PostingStatus};
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::parse_weekday;
use crate::plan::recruiting::applicant;
use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(list_postings)
        .service(create_posting)
        .service(get_posting)
        .service(update_posting)
        .service(apply);
}

/// A posting as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PostingView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub languages: Vec<String>,
    pub regions: Vec<String>,
    pub time_zones: Vec<String>,
    pub hours_per_week_min: f64,
    pub hours_per_week_max: f64,
    pub pay: String,
    pub hires_wanted: u32,
    pub status: PostingStatus,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub updated_at: NaiveDateTime,
}

impl From<PostingRecord> for PostingView {
    fn from(r: PostingRecord) -> Self {
        Self {
            id: r.id,
            title: r.title,
            description: r.description,
            languages: r.languages,
            regions: r.regions,
            time_zones: r.time_zones,
            hours_per_week_min: r.hours_per_week_min,
            hours_per_week_max: r.hours_per_week_max,
            pay: r.pay,
            hires_wanted: r.hires_wanted,
            status: r.status,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

fn is_manager(auth: &Option<Authenticated>) -> bool {
    auth.as_ref().is_some_and(|a| a.user.role == Role::Manager)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PostingListQuery {
    /// Managers only: `draft`, `open`, `closed` or `all` (default for everyone else: `open`).
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Lists postings: open ones for everyone (no sign-in needed); managers may ask for any status.
#[utoipa::path(get, path = "/api/v1/postings", tag = "recruiting",
    params(PostingListQuery),
    responses((status = 200, body = Paged<PostingView>), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[get("/postings")]
pub async fn list_postings(
    state: web::Data<AppState>,
    auth: Option<Authenticated>,
    query: ApiQuery<PostingListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    }
    .page()?;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("open") => Some(PostingStatus::Open),
        Some(other) => {
            if !is_manager(&auth) {
                return Err(
                    ApiError::forbidden("only managers see postings that are not open")
                        .with_field("status"),
                );
            }
            match other {
                "all" => None,
                s => Some(PostingStatus::parse(s).map_err(|_| {
                    ApiError::bad_request("status must be draft, open, closed or all")
                        .with_field("status")
                })?),
            }
        }
    };
    let (records, total) = run_db(&state, move |c| Ok(postings::list(c, status, page)?)).await?;
    let items = records.into_iter().map(PostingView::from).collect();
    Ok(HttpResponse::Ok().json(Paged::new(items, total, page)))
}

/// Creates a posting (managers only); it stays a draft unless `status` says `open`.
#[utoipa::path(post, path = "/api/v1/postings", tag = "recruiting", security(("bearer" = [])),
    request_body = PostingInput,
    responses((status = 201, body = PostingView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 422, body = Problem)))]
#[post("/postings")]
pub async fn create_posting(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<PostingInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let spec = PostingSpec::parse(&body)?;
    let record = run_db(&state, move |c| Ok(postings::insert(c, &spec)?)).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/postings/{}", record.id)))
        .json(PostingView::from(record)))
}

/// One posting: open ones for everyone, any for managers.
#[utoipa::path(get, path = "/api/v1/postings/{id}", tag = "recruiting",
    responses((status = 200, body = PostingView), (status = 404, body = Problem)))]
#[get("/postings/{id}")]
pub async fn get_posting(
    state: web::Data<AppState>,
    auth: Option<Authenticated>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let manager = is_manager(&auth);
    let record = run_db(&state, move |c| {
        let r = postings::get(c, &id).map_err(missing("posting", &id))?;
        if r.status != PostingStatus::Open && !manager {
            return Err(ApiError::not_found(format!("no posting with id {id}")));
        }
        Ok(r)
    })
    .await?;
    Ok(HttpResponse::Ok().json(PostingView::from(record)))
}

/// Replaces a posting, its status included: this is how managers open and close it.
#[utoipa::path(put, path = "/api/v1/postings/{id}", tag = "recruiting", security(("bearer" = [])),
    request_body = PostingInput,
    responses((status = 200, body = PostingView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)))]
#[put("/postings/{id}")]
pub async fn update_posting(
    state: web::Data<AppState>,
    auth: Authenticated,
    id: web::Path<String>,
    body: ApiJson<PostingInput>,
) -> Result<HttpResponse, ApiError> {
    auth.require_manager()?;
    let spec = PostingSpec::parse(&body)?;
    let id = id.into_inner();
    let record = run_db(&state, move |c| {
        postings::update(c, &id, &spec).map_err(missing("posting", &id))
    })
    .await?;
    Ok(HttpResponse::Ok().json(PostingView::from(record)))
}

/// One language on the application form.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyLanguage {
    /// BCP 47 tag, e.g. `fi` or `pt-BR`.
    pub tag: String,
    /// Self-rated 1 (basic) to 10 (native); 6 or more is enough to take chats.
    pub proficiency: i64,
}

/// One weekly window in the applicant's own local time.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyWindow {
    /// `mon` .. `sun`.
    pub weekday: String,
    /// `HH:MM`.
    pub start: String,
    /// `HH:MM` after start, `24:00` for midnight.
    pub end: String,
}

/// The public application form. Every field is checked and every problem reported at once.
#[derive(Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApplyRequest {
    pub name: String,
    pub email: String,
    pub languages: Vec<ApplyLanguage>,
    /// IANA zone, e.g. `Asia/Manila`.
    pub time_zone: String,
    /// ISO 3166-1 alpha-2 country or region.
    pub country: String,
    pub availability: Vec<ApplyWindow>,
    pub hours_per_week: i64,
    /// `YYYY-MM-DD`, not in the past.
    pub earliest_start: String,
    pub is_student: bool,
    pub motivation: String,
    /// Must be `true`: consent to the processing of the application data.
    pub consent: bool,
    /// The version of the consent text shown to the applicant.
    pub consent_text_version: String,
    /// Leave empty (a field people never see).
    pub website: String,
}

/// At most this many availability windows are read from a form.
const MAX_WINDOWS: usize = 42;

impl ApplyRequest {
    /// The domain's form, plus the errors only the wire format can have (weekday names).
    fn to_input(&self) -> (ApplicationInput, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let mut availability = Vec::new();
        if self.availability.len() > MAX_WINDOWS {
            errors.add("availability", format!("at most {MAX_WINDOWS} windows"));
        }
        for (i, w) in self.availability.iter().enumerate().take(MAX_WINDOWS) {
            if let Some(day) = errors.collect(
                &format!("availability[{i}].weekday"),
                parse_weekday(&w.weekday),
            ) {
                availability.push(WindowInput {
                    weekday: day,
                    start: w.start.clone(),
                    end: w.end.clone(),
                });
            }
        }
        let input = ApplicationInput {
            name: self.name.clone(),
            email: self.email.clone(),
            languages: self
                .languages
                .iter()
                .map(|l| LanguageInput {
                    tag: l.tag.clone(),
                    proficiency: u8::try_from(l.proficiency).unwrap_or(0),
                })
                .collect(),
            time_zone: self.time_zone.clone(),
            country: self.country.clone(),
            availability,
            hours_per_week: u32::try_from(self.hours_per_week).unwrap_or(0),
            earliest_start: self.earliest_start.clone(),
            is_student: self.is_student,
            motivation: self.motivation.clone(),
            consent: self.consent,
            consent_text_version: self.consent_text_version.clone(),
            honeypot: self.website.clone(),
        };
        (input, errors)
    }
}

/// The answer to every accepted application, new or repeated.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplyAccepted {
    pub detail: String,
}

/// Applies to an open posting (no sign-in). The application enters the pipeline once the applicant
/// confirms their email from the link sent to it; applying again with the same email updates it.
#[utoipa::path(post, path = "/api/v1/postings/{id}/applications", tag = "recruiting",
    request_body = ApplyRequest,
    responses((status = 202, body = ApplyAccepted), (status = 400, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem), (status = 429, body = Problem)))]
#[post("/postings/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
    body: ApiJson<ApplyRequest>,
) -> Result<HttpResponse, ApiError> {
    let (input, wire_errors) = body.to_input();
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    let config = state.config.clone();
    let id = id.into_inner();
    run_db(&state, move |c| {
        Ok(applicant::apply(c, &config, &id, &input, wire_errors, &ip)?)
    })
    .await?;
    Ok(HttpResponse::Accepted().json(ApplyAccepted {
        detail: "thank you: check your email and confirm your address to complete the application"
            .into(),
    }))
}
