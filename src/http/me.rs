//! The signed-in agent's own shifts and calendar feed: `GET /me/shifts`,
//! `POST|DELETE /me/calendar-feed`, and the feed itself at `GET /ical/{secret}.ics` (outside `/api/v1`,
//! authenticated by the secret in the URL, since calendar apps cannot send bearer tokens).

use super::auth::Authenticated;
use super::problem::{ApiError, Problem};
use super::query::ApiQuery;
use super::{run_db, AppState};
use crate::db::{self, shifts::ShiftRow};
use crate::domain::calendar::ics::{calendar, Method};
use crate::domain::calendar::local::{
    day_start_utc, render_rows, total_hours, ShiftRow as LocalRow,
};
use crate::domain::calendar::{AgentInfo, Shift};
use crate::domain::dates::check_date;
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::parse_date;
use crate::plan::publishing::{queue_labels, to_calendar, PRODUCT_ID};
use actix_web::{delete, get, post, web, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(my_shifts)
        .service(create_feed)
        .service(revoke_feed);
}

/// Routes outside `/api/v1`.
pub fn public_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(feed);
}

/// Longest range `/me/shifts` returns at once.
const MAX_RANGE_DAYS: i64 = 93;

fn own_agent(auth: &Authenticated) -> Result<String, ApiError> {
    auth.user
        .agent_id
        .clone()
        .ok_or_else(|| ApiError::forbidden("only agents have shifts"))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftRange {
    /// First local day (`YYYY-MM-DD`, in the agent's zone); default today.
    pub from: Option<String>,
    /// Last local day, inclusive; default 14 days after `from`. At most 93 days in all.
    pub to: Option<String>,
}

/// One of the agent's shifts, in their own zone and in UTC.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyShift {
    pub id: String,
    pub queue_id: String,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// The shift as the agent reads it: local date, weekday, times, zone abbreviation, breaks, notes on
    /// midnight and DST crossings.
    #[schema(value_type = Object)]
    pub local: LocalRow,
    /// iCalendar SEQUENCE: grows with every published change.
    pub sequence: i32,
    /// `active` or `cancelled`.
    pub status: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyShifts {
    /// IANA name of the agent's zone.
    pub zone: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Hours of the active shifts in the range.
    pub total_hours: f64,
    pub shifts: Vec<MyShift>,
}

fn parse_range(range: &ShiftRange, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let mut errors = ValidationErrors::new();
    // Dates outside the supported years are refused before any date arithmetic, which would
    // overflow at chrono's last day.
    let date = |raw: &str| parse_date(raw).and_then(check_date);
    let from = match &range.from {
        Some(raw) => errors.collect("from", date(raw)),
        None => Some(today),
    };
    let to = match (&range.to, from) {
        (Some(raw), _) => errors.collect("to", date(raw)),
        (None, Some(from)) => Some(from + Duration::days(14)),
        (None, None) => None,
    };
    let (from, to) = errors
        .finish(|| Some((from?, to?)))
        .map_err(ApiError::validation)?;
    if to < from {
        return Err(ApiError::validation(ValidationErrors::single(
            "to",
            "must not be before 'from'",
        )));
    }
    if (to - from).num_days() >= MAX_RANGE_DAYS {
        return Err(ApiError::validation(ValidationErrors::single(
            "to",
            format!("the range may span at most {MAX_RANGE_DAYS} days"),
        )));
    }
    Ok((from, to))
}

/// The caller's published shifts for a range of their local days, in their own time zone.
#[utoipa::path(get, path = "/api/v1/me/shifts", tag = "agents", security(("bearer" = [])), params(ShiftRange),
    responses((status = 200, body = MyShifts), (status = 403, body = Problem), (status = 422, body = Problem)))]
#[get("/me/shifts")]
pub async fn my_shifts(
    state: web::Data<AppState>,
    auth: Authenticated,
    range: ApiQuery<ShiftRange>,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let range = range.into_inner();
    let view = run_db(&state, move |c| {
        let agent = db::agents::get(c, &agent_id)?;
        let zone = agent.spec.time_zone.tz();
        let today = Utc::now().with_timezone(&zone).date_naive();
        let (from, to) = parse_range(&range, today)?;
        let start = day_start_utc(zone, from);
        let end = day_start_utc(zone, to + Duration::days(1));
        let rows: Vec<ShiftRow> =
            db::shifts::for_agent(c, &agent_id, start.naive_utc(), end.naive_utc())?;
        let queues = queue_labels(c)?;
        let calendar: Vec<Shift> = rows.iter().map(|r| to_calendar(r, &queues)).collect();
        let info = AgentInfo {
            name: agent.spec.name.clone(),
            email: agent.spec.email.to_string(),
            zone,
        };
        let active: Vec<Shift> = calendar.iter().filter(|s| !s.cancelled).cloned().collect();
        let by_id: HashMap<&str, &ShiftRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
        let shifts = render_rows(&info, &calendar)
            .into_iter()
            .filter_map(|local| {
                let row = by_id.get(local.shift_id.as_str())?;
                Some(MyShift {
                    id: row.id.clone(),
                    queue_id: row.queue_id.clone(),
                    start_utc: row.start_utc(),
                    end_utc: row.end_utc(),
                    sequence: row.sequence,
                    status: row.status.clone(),
                    local,
                })
            })
            .collect();
        Ok(MyShifts {
            zone: zone.name().to_string(),
            from,
            to,
            total_hours: total_hours(&active),
            shifts,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to this URL in a calendar app. It works until regenerated or revoked; keep it private.
    pub url: String,
}

/// Creates the caller's calendar feed URL, or replaces it (the old URL stops working).
#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "agents", security(("bearer" = [])),
    responses((status = 201, body = CalendarFeed), (status = 403, body = Problem)))]
#[post("/me/calendar-feed")]
pub async fn create_feed(
    state: web::Data<AppState>,
    auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let secret = run_db(&state, move |c| {
        Ok(db::calendar_feeds::regenerate(c, &agent_id)?)
    })
    .await?;
    let base = state.config.base_url.trim_end_matches('/');
    Ok(HttpResponse::Created().json(CalendarFeed {
        url: format!("{base}/ical/{secret}.ics"),
    }))
}

/// Revokes the caller's calendar feed URL.
#[utoipa::path(delete, path = "/api/v1/me/calendar-feed", tag = "agents", security(("bearer" = [])),
    responses((status = 204, description = "revoked"), (status = 404, body = Problem)))]
#[delete("/me/calendar-feed")]
pub async fn revoke_feed(
    state: web::Data<AppState>,
    auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    let agent_id = own_agent(&auth)?;
    let revoked = run_db(&state, move |c| {
        Ok(db::calendar_feeds::revoke(c, &agent_id)?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found("there is no calendar feed to revoke"))
    }
}

/// The agent's shifts as iCalendar: everything ahead and `calendar_feed_past_days` back (default a
/// year). Cancelled shifts stay in the feed marked cancelled, so subscribed calendars remove them.
#[utoipa::path(get, path = "/ical/{secret}.ics", tag = "agents",
    params(("secret" = String, Path, description = "the secret from POST /api/v1/me/calendar-feed")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem)))]
#[get("/ical/{secret}.ics")]
pub async fn feed(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let secret = path.into_inner();
    if secret.is_empty() || secret.len() > 128 {
        return Err(ApiError::not_found("no such calendar feed"));
    }
    let organizer = state.config.from_address();
    let past = Duration::days(i64::from(state.config.calendar_feed_past_days));
    let body = run_db(&state, move |c| {
        let Some(agent_id) = db::calendar_feeds::agent_for_secret(c, &secret)? else {
            return Err(ApiError::not_found("no such calendar feed"));
        };
        let now = db::now();
        // A far but ordinary bound: SQLite compares timestamps as text, so no extreme sentinel.
        let ahead = now + Duration::days(3_660);
        let rows = db::shifts::for_agent(c, &agent_id, now - past, ahead)?;
        let queues = queue_labels(c)?;
        let shifts: Vec<Shift> = rows.iter().map(|r| to_calendar(r, &queues)).collect();
        Ok(calendar(&shifts, Method::Publish, &organizer, PRODUCT_ID))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header(("Cache-Control", "private, max-age=300"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_default()
    }

    #[test]
    fn range_defaults_to_two_weeks_from_today() {
        let r = ShiftRange {
            from: None,
            to: None,
        };
        let (from, to) = parse_range(&r, day("2026-03-02")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((from, to), (day("2026-03-02"), day("2026-03-16")));
    }

    #[test]
    fn range_rejects_reversed_and_overlong_ranges() {
        let reversed = ShiftRange {
            from: Some("2026-03-10".into()),
            to: Some("2026-03-01".into()),
        };
        assert!(parse_range(&reversed, day("2026-03-02")).is_err());
        let long = ShiftRange {
            from: Some("2026-01-01".into()),
            to: Some("2026-06-01".into()),
        };
        assert!(parse_range(&long, day("2026-03-02")).is_err());
        let bad = ShiftRange {
            from: Some("March".into()),
            to: None,
        };
        assert!(parse_range(&bad, day("2026-03-02")).is_err());
    }
}
