//! Passwordless sign-in for a remote workforce: `POST /auth/sign-in-links` emails a one-time link,
//! `POST /auth/sign-in-links/redeem` exchanges its token for a bearer token.
//!
//! The request answers the same whether or not the address has an account, so it cannot be used to
//! find out who works here; the email goes through the outbox like every other.

use super::auth::{LoginResponse, UserView};
use super::body::ApiJson;
use super::problem::{ApiError, Problem};
use super::{run_db, AppState};
use crate::auth::token;
use crate::config::Config;
use crate::db::outbox::NewMessage;
use crate::db::sign_in::{self, Purpose};
use crate::db::{self, DbConnection};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};
use chrono::Duration;
use diesel::Connection;
use serde::{Deserialize, Serialize};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(request_link).service(redeem_link);
}

/// How long an emailed sign-in link works.
pub const SIGN_IN_LINK_MINUTES: i64 = 30;
/// How many links one account may be sent per hour.
const LINKS_PER_HOUR: i64 = 5;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    pub email: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LinkRequested {
    pub detail: String,
}

/// Writes a sign-in (or invitation) email for `user_id` to the outbox and returns nothing secret; the
/// token only exists inside the email. Shared with hiring, which invites new agents this way.
pub fn send_link(
    c: &mut DbConnection,
    config: &Config,
    user_id: &str,
    recipient: &str,
    name: &str,
    purpose: Purpose,
    agent_id: Option<&str>,
) -> Result<(), ApiError> {
    let ttl = match purpose {
        Purpose::SignIn => Duration::minutes(SIGN_IN_LINK_MINUTES),
        Purpose::Invitation => Duration::days(7),
    };
    let secret = sign_in::create_link(c, user_id, purpose, ttl)?;
    let url = format!(
        "{}/sign-in?token={secret}",
        config.base_url.trim_end_matches('/')
    );
    let expires = (db::now() + ttl).format("%Y-%m-%d %H:%M UTC").to_string();
    let mail =
        crate::email::notices::sign_in_link(name, &url, &expires, purpose == Purpose::Invitation)
            .map_err(|e| {
            tracing::error!("sign-in email template: {e}");
            ApiError::internal()
        })?;
    db::outbox::enqueue(
        c,
        &NewMessage {
            kind: purpose.as_str().into(),
            recipient: recipient.into(),
            recipient_name: Some(name.into()),
            subject: mail.subject,
            text_body: mail.text,
            html_body: Some(mail.html),
            agent_id: agent_id.map(str::to_string),
            ..NewMessage::default()
        },
        &config.mail_domain(),
    )?;
    Ok(())
}

/// Emails a one-time sign-in link to the address, if it belongs to an account. Always answers 202.
#[utoipa::path(post, path = "/api/v1/auth/sign-in-links", tag = "auth", request_body = LinkRequest,
    responses((status = 202, body = LinkRequested)))]
#[post("/auth/sign-in-links")]
pub async fn request_link(
    state: web::Data<AppState>,
    body: ApiJson<LinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = body.into_inner().email.trim().to_lowercase();
    let config = state.config.clone();
    if email.len() <= 254 && email.contains('@') {
        run_db(&state, move |c| {
            let Some((user, _)) = db::users::find_for_login(c, &email)? else {
                return Ok(());
            };
            let hour_ago = db::now() - Duration::hours(1);
            if sign_in::created_since(c, &user.id, hour_ago)? >= LINKS_PER_HOUR {
                tracing::warn!(user = %user.id, "sign-in link limit reached");
                return Ok(());
            }
            let name = match &user.agent_id {
                Some(agent) => db::agents::get(c, agent)?.spec.name,
                None => user.email.clone(),
            };
            c.transaction(|c| {
                crate::db::backend::begin_write(c)?;
                send_link(
                    c,
                    &config,
                    &user.id,
                    &user.email,
                    &name,
                    Purpose::SignIn,
                    user.agent_id.as_deref(),
                )
            })
        })
        .await?;
    }
    Ok(HttpResponse::Accepted().json(LinkRequested {
        detail: "if the address belongs to an account, a sign-in link is on its way".into(),
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedeemRequest {
    /// The `token` parameter of the emailed link.
    pub token: String,
}

/// Exchanges a sign-in link's token for a bearer token. Each link works once.
#[utoipa::path(post, path = "/api/v1/auth/sign-in-links/redeem", tag = "auth", request_body = RedeemRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem)))]
#[post("/auth/sign-in-links/redeem")]
pub async fn redeem_link(
    state: web::Data<AppState>,
    body: ApiJson<RedeemRequest>,
) -> Result<HttpResponse, ApiError> {
    let secret = body.into_inner().token;
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the link is invalid, used or expired; ask for a new one",
        )
        .with_field("token")
    };
    if secret.is_empty() || secret.len() > 128 {
        return Err(invalid());
    }
    let ttl = Duration::hours(i64::from(state.config.token_ttl_hours));
    let response = run_db(&state, move |c| {
        c.transaction(|c| {
            crate::db::backend::begin_write(c)?;
            let Some(user_id) = sign_in::redeem(c, &secret)? else {
                return Err(invalid());
            };
            let user = db::users::get(c, &user_id)?;
            let bearer = token::new_token();
            let expires_at = db::now() + ttl;
            db::users::insert_token(c, &token::digest(&bearer), &user.id, expires_at)?;
            Ok(LoginResponse {
                token: bearer,
                expires_at,
                user: UserView::from(user),
            })
        })
    })
    .await?;
    tracing::info!(user = %response.user.id, "signed in with a link");
    Ok(HttpResponse::Ok().json(response))
}
