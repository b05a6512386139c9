//! One-time sign-in links and invitations. The token goes out by email; only its digest is stored, and
//! redeeming it marks it used in the same statement, so a link works once even if clicked twice at once.

use super::schema::sign_in_links;
use super::{now, DbConnection, DbResult};
use crate::auth::token;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Why a link exists; an invitation lives longer than a sign-in link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    SignIn,
    Invitation,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::SignIn => "sign_in",
            Purpose::Invitation => "invitation",
        }
    }
}

/// Creates a link for `user_id` valid for `ttl`; returns the secret token to put in the email.
pub fn create_link(
    conn: &mut DbConnection,
    user_id: &str,
    purpose: Purpose,
    ttl: Duration,
) -> DbResult<String> {
    let secret = token::new_token();
    let t = now();
    diesel::insert_into(sign_in_links::table)
        .values((
            sign_in_links::token_hash.eq(token::digest(&secret)),
            sign_in_links::user_id.eq(user_id),
            sign_in_links::purpose.eq(purpose.as_str()),
            sign_in_links::expires_at.eq(t + ttl),
            sign_in_links::created_at.eq(t),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// Redeems a link: the user id when the token is known, unused and unexpired; `None` otherwise.
pub fn redeem(conn: &mut DbConnection, secret: &str) -> DbResult<Option<String>> {
    let hash = token::digest(secret);
    let t = now();
    conn.transaction(|c| {
        let used = diesel::update(
            sign_in_links::table
                .find(&hash)
                .filter(sign_in_links::used_at.is_null())
                .filter(sign_in_links::expires_at.gt(t)),
        )
        .set(sign_in_links::used_at.eq(Some(t)))
        .execute(c)?;
        if used == 0 {
            return Ok(None);
        }
        let user: String = sign_in_links::table
            .find(&hash)
            .select(sign_in_links::user_id)
            .first(c)?;
        Ok(Some(user))
    })
}

/// Removes links that can no longer be used.
pub fn purge_expired(conn: &mut DbConnection, before: NaiveDateTime) -> DbResult<usize> {
    Ok(diesel::delete(
        sign_in_links::table.filter(
            sign_in_links::expires_at
                .lt(before)
                .or(sign_in_links::used_at.is_not_null()),
        ),
    )
    .execute(conn)?)
}

/// Links created for `user_id` since `since` (bounds how many sign-in emails one address can trigger).
pub fn created_since(
    conn: &mut DbConnection,
    user_id: &str,
    since: NaiveDateTime,
) -> DbResult<i64> {
    Ok(sign_in_links::table
        .filter(sign_in_links::user_id.eq(user_id))
        .filter(sign_in_links::created_at.ge(since))
        .count()
        .get_result(conn)?)
}
