//! Week patterns of a group of identical agents. Counting shifts per day is too
//! weak for a group: "two days off together" or "at most five days in a row" hold
//! for the group's totals long before they hold for any way of handing the days to
//! members, and the shifts the split then cannot place are lost coverage. Here
//! the group chooses, per week, how many members work each set of days that the
//! contract allows inside the week, and each day's shift count must equal the
//! members whose set contains that day. Every member's week is one such set, so
//! the rows stay a valid relaxation, and any choice of counts can be handed out
//! day by day without breaking a day-level rule inside the week (rest between
//! shifts and weekly hours stay aggregate rows).

use super::contract_rows::{weekend_id, Builder, Counts};
use super::grid::Inst;
use super::problem::Contract;
use super::rules::days_off_fit;
use chrono::Weekday;
use good_lp::{variable, Expression, Variable};
use std::collections::BTreeMap;

/// More offered days than this in one week (not possible with 7-day weeks) and
/// the week keeps only the per-day rows.
const MAX_DAYS: usize = 8;

/// A week's day with an offered option.
struct Day {
    day: i64,
    weekday: Weekday,
    shifts: Vec<Variable>,
}

/// Pattern rows for the group in `k`; nothing for a single agent (its rows are
/// exact already) or a group holding pinned shifts (its members differ).
pub(crate) fn add_week_patterns(
    b: &mut Builder,
    inst: &Inst,
    k: &Counts,
    member_days: &[Vec<i64>],
) {
    let cnt = k.members.len();
    if cnt < 2 || inst.fixed().any(|s| k.members.contains(&s.agent)) {
        return;
    }
    let c = &inst.p.agents[k.members[0]].contract;
    let shortest = k
        .options
        .iter()
        .map(|o| inst.hours(o.len_t))
        .fold(f64::INFINITY, f64::min);
    let mut weeks: BTreeMap<usize, Vec<Day>> = BTreeMap::new();
    for (&day, os) in k.by_day {
        let shifts: Vec<Variable> = os.iter().filter_map(|&o| k.y[o]).collect();
        if let (false, Some(&o)) = (shifts.is_empty(), os.first()) {
            let opt = &k.options[o];
            weeks.entry(opt.week).or_default().push(Day {
                day,
                weekday: opt.weekday,
                shifts,
            });
        }
    }
    for days in weeks.values().filter(|d| d.len() <= MAX_DAYS) {
        let mut warm_counts: BTreeMap<u32, f64> = BTreeMap::new();
        for worked in member_days {
            let mask = days
                .iter()
                .enumerate()
                .filter(|(_, d)| worked.contains(&d.day))
                .fold(0u32, |m, (i, _)| m | 1 << i);
            *warm_counts.entry(mask).or_default() += 1.0;
        }
        let mut link: Vec<Expression> = days
            .iter()
            .map(|d| d.shifts.iter().fold(Expression::default(), |e, &v| e + v))
            .collect();
        let mut members = Expression::default();
        for mask in (0u32..1 << days.len()).filter(|&m| allowed(m, days, c, shortest)) {
            let warm = warm_counts.get(&mask).copied().unwrap_or(0.0);
            let n = b.var_unfixed(variable().integer().min(0.0).max(cnt as f64), warm);
            members.add_mul(1.0, n);
            for (i, e) in link.iter_mut().enumerate() {
                if mask & 1 << i != 0 {
                    e.add_mul(-1.0, n);
                }
            }
        }
        b.tightening.push(members.eq(cnt as f64));
        for e in link {
            b.tightening.push(e.eq(0.0));
        }
    }
}

/// Whether one agent may work exactly the days in `mask` of this week.
fn allowed(mask: u32, days: &[Day], c: &Contract, shortest: f64) -> bool {
    let worked: Vec<&Day> = days
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & 1 << i != 0)
        .map(|(_, d)| d)
        .collect();
    let n = worked.len() as u32;
    if n > c.max_shifts_per_week || f64::from(n) * shortest > c.max_hours_per_week + 1e-9 {
        return false;
    }
    let mut run = 0;
    for (i, d) in worked.iter().enumerate() {
        let gap = i.checked_sub(1).map(|p| d.day - worked[p].day - 1);
        run = if gap == Some(0) { run + 1 } else { 1 };
        if run > c.max_consecutive_days {
            return false;
        }
        if gap.is_some_and(|g| !days_off_fit(g, i64::from(c.min_consecutive_days_off))) {
            return false;
        }
    }
    let mut weekends: Vec<i64> = worked
        .iter()
        .filter_map(|d| weekend_id(d.day, d.weekday))
        .collect();
    weekends.dedup();
    weekends.len() as u32 <= c.max_weekends
}

#[cfg(test)]
mod tests {
    use super::super::testkit::WEEK;
    use super::*;

    /// Monday 2026-03-23 is day 0.
    fn week(days: &[i64]) -> Vec<Day> {
        days.iter()
            .map(|&d| Day {
                day: d,
                weekday: WEEK[d.rem_euclid(7) as usize],
                shifts: Vec::new(),
            })
            .collect()
    }

    fn contract(off_together: u32, in_a_row: u32, weekends: u32) -> Contract {
        Contract {
            min_hours_per_week: 0.0,
            max_hours_per_week: 40.0,
            max_shifts_per_week: 5,
            min_rest_hours: 11.0,
            max_consecutive_days: in_a_row,
            min_consecutive_days_off: off_together,
            max_weekends: weekends,
        }
    }

    fn mask(days: &[usize]) -> u32 {
        days.iter().fold(0, |m, &i| m | 1 << i)
    }

    #[test]
    fn a_single_day_off_between_shifts_breaks_two_days_off_together() {
        let days = week(&[0, 1, 2, 3, 4, 5, 6]);
        let c = contract(2, 5, 1);
        assert!(!allowed(mask(&[0, 2]), &days, &c, 8.0));
        assert!(allowed(mask(&[0, 3]), &days, &c, 8.0));
        assert!(allowed(mask(&[0, 1, 2, 3, 4]), &days, &c, 8.0));
        // One day off is enough when the contract asks for one.
        assert!(allowed(mask(&[0, 2]), &days, &contract(1, 5, 1), 8.0));
    }

    #[test]
    fn days_in_a_row_shifts_hours_and_weekends_are_checked() {
        let days = week(&[0, 1, 2, 3, 4, 5, 6]);
        assert!(!allowed(
            mask(&[0, 1, 2, 3]),
            &days,
            &contract(1, 3, 1),
            8.0
        ));
        // Six shifts exceed five per week; five 8-h shifts fit 40 h, five 9-h ones do not.
        assert!(!allowed(
            mask(&[0, 1, 2, 4, 5, 6]),
            &days,
            &contract(1, 7, 1),
            8.0
        ));
        assert!(!allowed(
            mask(&[0, 1, 2, 3, 4]),
            &days,
            &contract(1, 7, 1),
            9.0
        ));
        // Saturday and Sunday are one weekend; none allowed forbids both.
        assert!(allowed(mask(&[5, 6]), &days, &contract(1, 5, 1), 8.0));
        assert!(!allowed(mask(&[6]), &days, &contract(1, 5, 0), 8.0));
    }

    #[test]
    fn days_without_options_count_as_days_off() {
        // Wednesday has no option: Tuesday and Thursday are two days apart.
        let days = week(&[0, 1, 3, 4]);
        let c = contract(2, 5, 1);
        assert!(!allowed(mask(&[1, 2]), &days, &c, 8.0));
        assert!(allowed(mask(&[0, 3]), &days, &c, 8.0));
    }
}
