//! Schedule changes between two versions, keyed by `Shift::id`.
//!
//! A shift that becomes `cancelled` counts as removed, since for the agent
//! it is gone; cancelled shifts that were never active are ignored. Only
//! start/end changes count as a move: queue or break edits are not
//! reported here.

use super::Shift;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A shift whose times changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    pub id: String,
    pub old_start: DateTime<Utc>,
    pub old_end: DateTime<Utc>,
    /// The shift as it is now.
    pub shift: Shift,
}

/// What changed between two schedules; each list is ordered by start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub added: Vec<Shift>,
    pub moved: Vec<Moved>,
    pub removed: Vec<Shift>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.moved.is_empty() && self.removed.is_empty()
    }
}

/// Compares `old` to `new`. With duplicate ids the first occurrence wins.
pub fn changes(old: &[Shift], new: &[Shift]) -> Changes {
    let old_active = active_by_id(old);
    let new_active = active_by_id(new);
    let mut out = Changes::default();

    for s in unique_active(new) {
        match old_active.get(s.id.as_str()) {
            None => out.added.push(s.clone()),
            Some(o) if o.start != s.start || o.end != s.end => out.moved.push(Moved {
                id: s.id.clone(),
                old_start: o.start,
                old_end: o.end,
                shift: s.clone(),
            }),
            Some(_) => {}
        }
    }
    for s in unique_active(old) {
        if !new_active.contains_key(s.id.as_str()) {
            out.removed.push(s.clone());
        }
    }
    sort(&mut out.added);
    sort(&mut out.removed);
    out.moved.sort_by_key(|m| m.shift.start);
    out
}

fn active_by_id(shifts: &[Shift]) -> HashMap<&str, &Shift> {
    let mut map = HashMap::new();
    for s in shifts.iter().filter(|s| !s.cancelled) {
        map.entry(s.id.as_str()).or_insert(s);
    }
    map
}

fn unique_active(shifts: &[Shift]) -> impl Iterator<Item = &Shift> {
    let mut seen = std::collections::HashSet::new();
    shifts
        .iter()
        .filter(move |s| !s.cancelled && seen.insert(s.id.as_str()))
}

fn sort(v: &mut [Shift]) {
    v.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
}

#[cfg(test)]
mod tests;
