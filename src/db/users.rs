//! Users (managers and agents' sign-ins) and their bearer tokens.

use super::schema::{api_tokens, users};
use super::{new_id, now, DbConnection, DbError, DbResult};
use crate::auth::Role;
use crate::domain::email::EmailAddress;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: Option<String>,
    pub role: String,
    pub agent_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The signed-in principal as the rest of the app sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub role: Role,
    pub agent_id: Option<String>,
}

fn to_user(row: UserRow) -> DbResult<User> {
    let role = Role::from_db(&row.role)
        .ok_or_else(|| DbError::Corrupt(format!("user {}: role {}", row.id, row.role)))?;
    Ok(User {
        id: row.id,
        email: row.email,
        role,
        agent_id: row.agent_id,
    })
}

pub fn insert_manager(
    conn: &mut DbConnection,
    email: &EmailAddress,
    password_hash: &str,
) -> DbResult<User> {
    let row = UserRow {
        id: new_id(),
        email: email.to_string(),
        password_hash: Some(password_hash.to_string()),
        role: Role::Manager.as_str().into(),
        agent_id: None,
        created_at: now(),
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    to_user(row)
}

/// The sign-in user that every agent has; it gets a password or sign-in link later.
pub fn insert_agent_user(
    conn: &mut DbConnection,
    agent_id: &str,
    email: &EmailAddress,
) -> DbResult<()> {
    let row = UserRow {
        id: new_id(),
        email: email.to_string(),
        password_hash: None,
        role: Role::Agent.as_str().into(),
        agent_id: Some(agent_id.to_string()),
        created_at: now(),
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// The user and stored password hash for an email, if any.
pub fn find_for_login(
    conn: &mut DbConnection,
    email: &str,
) -> DbResult<Option<(User, Option<String>)>> {
    let row: Option<UserRow> = users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| {
        let hash = r.password_hash.clone();
        to_user(r).map(|u| (u, hash))
    })
    .transpose()
}

pub fn set_password(conn: &mut DbConnection, user_id: &str, password_hash: &str) -> DbResult<()> {
    match diesel::update(users::table.find(user_id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?
    {
        0 => Err(DbError::NotFound),
        _ => Ok(()),
    }
}

pub fn user_for_agent(conn: &mut DbConnection, agent_id: &str) -> DbResult<User> {
    let row = users::table
        .filter(users::agent_id.eq(agent_id))
        .select(UserRow::as_select())
        .first(conn)?;
    to_user(row)
}

pub fn count_managers(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(users::table
        .filter(users::role.eq(Role::Manager.as_str()))
        .count()
        .get_result(conn)?)
}

pub fn insert_token(
    conn: &mut DbConnection,
    token_hash: &str,
    user_id: &str,
    expires_at: NaiveDateTime,
) -> DbResult<()> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(token_hash),
            api_tokens::user_id.eq(user_id),
            api_tokens::created_at.eq(now()),
            api_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The user behind a live (unexpired, unrevoked) token.
pub fn user_for_token(conn: &mut DbConnection, token_hash: &str) -> DbResult<Option<User>> {
    let row: Option<UserRow> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(now()))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    row.map(to_user).transpose()
}

pub fn revoke_token(conn: &mut DbConnection, token_hash: &str) -> DbResult<()> {
    diesel::update(api_tokens::table.find(token_hash))
        .set(api_tokens::revoked_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}

/// Revokes every token of a user (after a password change).
pub fn revoke_all(conn: &mut DbConnection, user_id: &str) -> DbResult<()> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConnection, id: &str) -> DbResult<User> {
    let row: UserRow = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?;
    to_user(row)
}
