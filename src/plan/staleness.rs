//! What changed since a roster was solved that publishing it must not pass over: its agents may
//! have left (set inactive or deleted) or had time off approved over its shifts.

use super::PlanError;
use crate::db::{self, DbConnection};
use crate::domain::scheduler::ShiftOut;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::collections::{BTreeMap, HashSet};

/// A span of approved time off, UTC.
type Off = (DateTime<Utc>, DateTime<Utc>);

/// The agents and approved time off a roster is published against.
pub(super) struct Current {
    active: HashSet<String>,
    time_off: BTreeMap<String, Vec<Off>>,
}

impl Current {
    /// Reads who is active now and the time off approved in `[from, to)`.
    pub fn read(
        c: &mut DbConnection,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Self, PlanError> {
        let active = db::agents::all_active(c)?
            .into_iter()
            .map(|a| a.id)
            .collect();
        let mut time_off: BTreeMap<String, Vec<_>> = BTreeMap::new();
        for (agent, start, end) in db::time_off::approved_between(c, None, from, to)? {
            time_off
                .entry(agent)
                .or_default()
                .push((start.and_utc(), end.and_utc()));
        }
        Ok(Current { active, time_off })
    }

    /// Why roster shift `index` can no longer be published as it is, if it cannot.
    pub fn why_not(&self, index: usize, shift: &ShiftOut) -> Option<String> {
        if !self.active.contains(&shift.agent_id) {
            return Some(format!(
                "shifts[{index}]: agent {} is no longer active",
                shift.agent_id
            ));
        }
        let off = self
            .time_off
            .get(&shift.agent_id)?
            .iter()
            .find(|(start, end)| *start < shift.end_utc && shift.start_utc < *end)?;
        Some(format!(
            "shifts[{index}]: agent {} has approved time off from {} to {} UTC",
            shift.agent_id,
            off.0.format("%Y-%m-%d %H:%M"),
            off.1.format("%Y-%m-%d %H:%M")
        ))
    }
}
