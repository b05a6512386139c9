//! Personal calendar feed secrets, one per agent. Only the digest is stored; regenerating replaces
//! it, so the old URL stops working at once.

use super::schema::calendar_feeds;
use super::{now, DbConnection, DbResult};
use crate::auth::token;
use diesel::prelude::*;

/// Creates or replaces the agent's feed secret; returns the new secret for the URL.
pub fn regenerate(conn: &mut DbConnection, agent_id: &str) -> DbResult<String> {
    let secret = token::new_token();
    conn.transaction(|c| {
        diesel::delete(calendar_feeds::table.find(agent_id)).execute(c)?;
        diesel::insert_into(calendar_feeds::table)
            .values((
                calendar_feeds::agent_id.eq(agent_id),
                calendar_feeds::secret_hash.eq(token::digest(&secret)),
                calendar_feeds::created_at.eq(now()),
            ))
            .execute(c)?;
        Ok(secret)
    })
}

/// Revokes the agent's feed; `false` when there was none.
pub fn revoke(conn: &mut DbConnection, agent_id: &str) -> DbResult<bool> {
    Ok(diesel::delete(calendar_feeds::table.find(agent_id)).execute(conn)? > 0)
}

/// The agent a feed secret belongs to.
pub fn agent_for_secret(conn: &mut DbConnection, secret: &str) -> DbResult<Option<String>> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::secret_hash.eq(token::digest(secret)))
        .select(calendar_feeds::agent_id)
        .first(conn)
        .optional()?)
}
