//! Published shifts a schedule keeps beside its roster (another queue's plan, a swap, a claimed
//! open shift): as the scheduler's held shifts at solve time, and at publish time, when shifts
//! published since the solve may have changed what the agents hold.

use crate::db::shifts::ShiftRow;
use crate::domain::calendar::reconcile::Scope;
use crate::domain::scheduler::{validate, HeldShift, Problem, Roster, Violation};
use std::collections::BTreeSet;

/// The rows that start inside the scope's period, as held shifts of their agents.
pub(super) fn held_in<'a>(
    scope: &Scope,
    rows: impl IntoIterator<Item = &'a ShiftRow>,
) -> Vec<HeldShift> {
    let mut held: Vec<HeldShift> = rows
        .into_iter()
        .filter(|r| r.start_utc() >= scope.start && r.start_utc() < scope.end)
        .filter_map(|r| {
            Some(HeldShift {
                agent_id: r.agent_id.clone()?,
                start: r.start_utc(),
                end: r.end_utc(),
            })
        })
        .collect();
    sort(&mut held);
    held
}

fn sort(held: &mut [HeldShift]) {
    held.sort_by(|a, b| (&a.agent_id, a.start, a.end).cmp(&(&b.agent_id, b.start, b.end)));
}

/// The contract rules `roster` would break beside `held` that it did not break beside the shifts
/// held when it was solved (or last edited): a hand edit the manager accepted is not raised again.
pub(super) fn new_breaches(
    problem: &Problem,
    roster: &Roster,
    held: Vec<HeldShift>,
) -> Vec<Violation> {
    let scheduled: BTreeSet<&str> = problem.agents.iter().map(|a| a.id.as_str()).collect();
    let held: Vec<HeldShift> = held
        .into_iter()
        .filter(|h| scheduled.contains(h.agent_id.as_str()))
        .collect();
    let mut solved_beside = problem.held.clone();
    sort(&mut solved_beside);
    if held == solved_beside {
        return Vec::new();
    }
    let known: BTreeSet<(String, Option<String>)> = validate(problem, roster)
        .into_iter()
        .map(|v| (v.rule, v.agent_id))
        .collect();
    let now = Problem {
        held,
        ..problem.clone()
    };
    validate(&now, roster)
        .into_iter()
        .filter(|v| !known.contains(&(v.rule.clone(), v.agent_id.clone())))
        .collect()
}
