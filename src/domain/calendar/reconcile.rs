//! Re-publishing: how an agent's newly rostered shifts replace what they were last sent.
//!
//! A shift keeps its id (the calendar UID) when the new roster has a shift on the same local day, so
//! a shift moved by an hour updates the event in the agent's calendar instead of adding a second one.
//! Any visible change bumps the sequence; shifts with no counterpart are cancelled, never deleted, so
//! the cancellation can still be sent.

use super::Shift;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::BTreeSet;

/// What one publication decides on: its schedule's period and queues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub queues: BTreeSet<String>,
}

impl Scope {
    /// Whether publishing replaces a published shift starting at `start` that serves `served`.
    /// `scheduled` is false for a shift handed over by a swap or claimed as an open shift: it has
    /// left the plan and stays with its holder. A shift that also serves a queue outside the scope
    /// belongs to that queue's plan too, so a schedule for fewer queues leaves it alone.
    pub fn replaces(&self, scheduled: bool, start: DateTime<Utc>, served: &[String]) -> bool {
        scheduled
            && self.start <= start
            && start < self.end
            && !served.is_empty()
            && served.iter().all(|q| self.queues.contains(q))
    }
}

/// A shift as the new roster has it, before it has an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub queue_name: String,
    pub language: String,
    pub breaks: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Caller's payload carried through (e.g. the queue id).
    pub queue_id: String,
}

/// What to store for one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reconciled {
    /// New shifts: `(fresh id supplied by the caller, shift, queue id)`.
    pub inserted: Vec<(Shift, String)>,
    /// Existing shifts whose times, queue or breaks changed (sequence bumped), with the new queue id.
    pub updated: Vec<(Shift, String)>,
    /// Existing shifts without a counterpart, now cancelled (sequence bumped).
    pub cancelled: Vec<Shift>,
    /// Existing shifts that stay as they are.
    pub unchanged: Vec<Shift>,
}

impl Reconciled {
    pub fn has_changes(&self) -> bool {
        !(self.inserted.is_empty() && self.updated.is_empty() && self.cancelled.is_empty())
    }

    /// The agent's active shifts after this publication, by start.
    pub fn active(&self) -> Vec<Shift> {
        let mut all: Vec<Shift> = self
            .inserted
            .iter()
            .chain(self.updated.iter())
            .map(|(s, _)| s.clone())
            .chain(self.unchanged.iter().cloned())
            .collect();
        all.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        all
    }
}

fn local_day(zone: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

/// Matches `planned` against the agent's currently active `existing` shifts in the same period.
/// `new_id` supplies ids for shifts that have no counterpart.
pub fn reconcile(
    zone: Tz,
    existing: &[Shift],
    planned: &[Planned],
    mut new_id: impl FnMut() -> String,
) -> Reconciled {
    let mut out = Reconciled::default();
    let mut free: Vec<&Shift> = existing.iter().filter(|s| !s.cancelled).collect();
    free.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    let mut planned: Vec<&Planned> = planned.iter().collect();
    planned.sort_by_key(|p| p.start);
    for p in planned {
        let day = local_day(zone, p.start);
        let matched = free
            .iter()
            .position(|s| local_day(zone, s.start) == day)
            .map(|i| free.remove(i));
        match matched {
            Some(old) => {
                let same = old.start == p.start
                    && old.end == p.end
                    && old.queue_name == p.queue_name
                    && old.breaks == p.breaks;
                if same {
                    out.unchanged.push(old.clone());
                } else {
                    let shift = Shift {
                        id: old.id.clone(),
                        start: p.start,
                        end: p.end,
                        queue_name: p.queue_name.clone(),
                        language: p.language.clone(),
                        breaks: p.breaks.clone(),
                        sequence: old.sequence + 1,
                        cancelled: false,
                    };
                    out.updated.push((shift, p.queue_id.clone()));
                }
            }
            None => {
                let shift = Shift {
                    id: new_id(),
                    start: p.start,
                    end: p.end,
                    queue_name: p.queue_name.clone(),
                    language: p.language.clone(),
                    breaks: p.breaks.clone(),
                    sequence: 0,
                    cancelled: false,
                };
                out.inserted.push((shift, p.queue_id.clone()));
            }
        }
    }
    for old in free {
        let mut gone = old.clone();
        gone.cancelled = true;
        gone.sequence += 1;
        out.cancelled.push(gone);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::testutil::{shift, utc};

    fn planned(start: DateTime<Utc>, end: DateTime<Utc>) -> Planned {
        Planned {
            start,
            end,
            queue_name: "Billing".into(),
            language: "en".into(),
            breaks: Vec::new(),
            queue_id: "q".into(),
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("new-{n}")
        }
    }

    #[test]
    fn a_scope_replaces_only_scheduled_shifts_of_its_period_and_queues() {
        let scope = Scope {
            start: utc(2026, 12, 7, 23, 0),
            end: utc(2026, 12, 14, 23, 0),
            queues: ["sv".to_string()].into_iter().collect(),
        };
        let sv = ["sv".to_string()];
        let sv_en = ["sv".to_string(), "en".to_string()];
        let monday = utc(2026, 12, 8, 7, 0);
        assert!(scope.replaces(true, monday, &sv));
        assert!(!scope.replaces(true, monday, &sv_en), "also serves English");
        assert!(!scope.replaces(true, monday, &["en".to_string()]));
        assert!(!scope.replaces(false, monday, &sv), "handed over");
        assert!(
            !scope.replaces(true, utc(2026, 12, 14, 23, 0), &sv),
            "after the period"
        );
        assert!(
            !scope.replaces(true, utc(2026, 12, 7, 22, 0), &sv),
            "before it"
        );
        assert!(!scope.replaces(true, monday, &[]));
    }

    #[test]
    fn first_publication_inserts_everything() {
        let r = reconcile(
            chrono_tz::Europe::Stockholm,
            &[],
            &[planned(utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 16, 0))],
            ids(),
        );
        assert_eq!(r.inserted.len(), 1);
        assert_eq!(r.inserted[0].0.id, "new-1");
        assert_eq!(r.inserted[0].0.sequence, 0);
        assert!(r.has_changes());
    }

    #[test]
    fn a_moved_shift_keeps_its_id_and_bumps_the_sequence() {
        let old = shift("s1", utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 16, 0));
        let r = reconcile(
            chrono_tz::Europe::Stockholm,
            std::slice::from_ref(&old),
            &[planned(utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 18, 0))],
            ids(),
        );
        assert_eq!(r.updated.len(), 1);
        assert_eq!(r.updated[0].0.id, "s1");
        assert_eq!(r.updated[0].0.sequence, 1);
        assert!(r.inserted.is_empty() && r.cancelled.is_empty());
    }

    #[test]
    fn identical_shift_is_unchanged_and_a_dropped_one_is_cancelled() {
        let keep = shift("s1", utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 16, 0));
        let drop = shift("s2", utc(2026, 3, 3, 8, 0), utc(2026, 3, 3, 16, 0));
        let r = reconcile(
            chrono_tz::UTC,
            &[keep.clone(), drop],
            &[planned(keep.start, keep.end)],
            ids(),
        );
        assert_eq!(r.unchanged, vec![keep]);
        assert_eq!(r.cancelled.len(), 1);
        assert!(r.cancelled[0].cancelled);
        assert_eq!(r.cancelled[0].sequence, 1);
        assert_eq!(r.active().len(), 1);
    }

    #[test]
    fn days_are_the_agents_local_days() {
        // 23:00 UTC on the 2nd is already the 3rd in Sydney: the shift on the Sydney 3rd matches it.
        let old = shift("s1", utc(2026, 3, 2, 23, 0), utc(2026, 3, 3, 7, 0));
        let later = planned(utc(2026, 3, 3, 1, 0), utc(2026, 3, 3, 9, 0));
        let sydney = reconcile(
            chrono_tz::Australia::Sydney,
            std::slice::from_ref(&old),
            std::slice::from_ref(&later),
            ids(),
        );
        assert_eq!(sydney.updated.len(), 1);
        let london = reconcile(chrono_tz::Europe::London, &[old], &[later], ids());
        assert_eq!((london.inserted.len(), london.cancelled.len()), (1, 1));
    }
}
