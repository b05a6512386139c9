//! Sign-in, sign-out, the current user, and the extractor that guards every non-public route.

use super::body::ApiJson;
use super::problem::{ApiError, Problem};
use super::{run_db, AppState};
use crate::auth::{password, token, Role};
use crate::db::{self, users::User};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{get, post, web, FromRequest, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(logout)
        .service(me)
        .service(change_password);
}

/// The signed-in user behind a valid bearer token; extracting it answers 401 otherwise.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    token_hash: String,
}

impl Authenticated {
    pub fn require_manager(&self) -> Result<(), ApiError> {
        match self.user.role {
            Role::Manager => Ok(()),
            Role::Agent => Err(ApiError::forbidden("only managers may do this")),
        }
    }

    /// Managers may touch any agent; an agent only its own record.
    pub fn require_self_or_manager(&self, agent_id: &str) -> Result<(), ApiError> {
        match self.user.role {
            Role::Manager => Ok(()),
            Role::Agent if self.user.agent_id.as_deref() == Some(agent_id) => Ok(()),
            Role::Agent => Err(ApiError::forbidden(
                "agents may only access their own record",
            )),
        }
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 128)
        .then(|| token.to_string())
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(ApiError::unauthorized());
            };
            let token_hash = token::digest(&token);
            let lookup = token_hash.clone();
            let user = run_db(&state, move |c| Ok(db::users::user_for_token(c, &lookup)?)).await?;
            match user {
                Some(user) => Ok(Self { user, token_hash }),
                None => Err(ApiError::unauthorized()),
            }
        })
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// The agent record of an agent user.
    pub agent_id: Option<String>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            role: u.role,
            agent_id: u.agent_id,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Opaque bearer token; send as `Authorization: Bearer <token>`.
    pub token: String,
    #[serde(serialize_with = "crate::utc_json::utc")]
    pub expires_at: NaiveDateTime,
    pub user: UserView,
}

/// A fixed argon2id hash, verified against when the email is unknown so the response time does not
/// tell which addresses have accounts.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MYkXuHx9lZwzSOyYjb2EQ6c3LqkSNOnNMyk1PyDPR+Y";

/// The one answer to a failed sign-in, whatever was wrong.
const WRONG_CREDENTIALS: &str = "email or password is wrong";

/// Exchanges email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    // Too long to be an account's: the same answer as any wrong pair, before any hashing.
    if body.email.len() > 254 || body.password.len() > 1024 {
        return Err(ApiError::unauthorized_with(WRONG_CREDENTIALS));
    }
    let email = body.email.trim().to_lowercase();
    let ttl = Duration::hours(i64::from(state.config.token_ttl_hours));
    let response = run_db(&state, move |c| {
        let found = db::users::find_for_login(c, &email)?;
        let (user, hash) = match found {
            Some((user, Some(hash))) => (Some(user), hash),
            _ => (None, DUMMY_HASH.to_string()),
        };
        let verified = password::verify(&body.password, &hash);
        let Some(user) = user.filter(|_| verified) else {
            return Err(ApiError::unauthorized_with(WRONG_CREDENTIALS));
        };
        let secret = token::new_token();
        let expires_at = db::now() + ttl;
        db::users::insert_token(c, &token::digest(&secret), &user.id, expires_at)?;
        Ok(LoginResponse {
            token: secret,
            expires_at,
            user: user.into(),
        })
    })
    .await?;
    tracing::info!(user = %response.user.id, "signed in");
    Ok(HttpResponse::Ok().json(response))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204, description = "token revoked"), (status = 401, body = Problem)))]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    auth: Authenticated,
) -> Result<HttpResponse, ApiError> {
    run_db(&state, move |c| {
        Ok(db::users::revoke_token(c, &auth.token_hash)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = Problem)))]
#[get("/me")]
pub async fn me(auth: Authenticated) -> HttpResponse {
    HttpResponse::Ok().json(UserView::from(auth.user))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 10 to 256 characters.
    pub new_password: String,
}

/// Changes the caller's own password and signs out every other session.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePassword,
    responses((status = 204, description = "changed; all tokens revoked"), (status = 401, body = Problem),
              (status = 422, body = Problem)))]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: Authenticated,
    body: ApiJson<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new_hash = password::hash(&body.new_password).map_err(|e| {
        ApiError::validation(crate::domain::validation::ValidationErrors::single(
            "new_password",
            e.to_string(),
        ))
    })?;
    run_db(&state, move |c| {
        let current = db::users::find_for_login(c, &auth.user.email)?
            .and_then(|(_, hash)| hash)
            .unwrap_or_else(|| DUMMY_HASH.to_string());
        if !password::verify(&body.current_password, &current) {
            return Err(
                ApiError::forbidden("the current password is wrong").with_field("current_password")
            );
        }
        db::users::set_password(c, &auth.user.id, &new_hash)?;
        db::users::revoke_all(c, &auth.user.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dummy_hash_is_a_valid_argon2_hash() {
        assert!(argon2::password_hash::PasswordHash::new(super::DUMMY_HASH).is_ok());
    }
}
