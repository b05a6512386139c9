//! Sliding-window rate limits kept in the database, so they hold across every instance sharing it.

use crate::db::schema::rate_limit_hits;
use crate::db::{new_id, now, DbConnection, DbResult};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Records an attempt in `bucket` and returns how many attempts (this one included) fall within
/// `window`.
pub fn hit(conn: &mut DbConnection, bucket: &str, window: Duration) -> DbResult<i64> {
    let t = now();
    diesel::insert_into(rate_limit_hits::table)
        .values((
            rate_limit_hits::id.eq(new_id()),
            rate_limit_hits::bucket.eq(bucket),
            rate_limit_hits::at.eq(t),
        ))
        .execute(conn)?;
    Ok(rate_limit_hits::table
        .filter(rate_limit_hits::bucket.eq(bucket))
        .filter(rate_limit_hits::at.gt(t - window))
        .count()
        .get_result(conn)?)
}

/// Forgets attempts older than `before`.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> DbResult<usize> {
    Ok(
        diesel::delete(rate_limit_hits::table.filter(rate_limit_hits::at.lt(before)))
            .execute(conn)?,
    )
}
