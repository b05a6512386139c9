use super::edit::{apply, Edit, EditError, Edited};
use super::recompute::recompute;
use super::testkit::*;
use super::*;
use chrono::{Duration, Timelike};
use std::collections::{BTreeMap, BTreeSet};

const MON: &str = "2026-03-23T00:00:00Z";

/// Two agents, a weekday 09-17 queue needing one agent, 8-hour shifts with a meal break.
fn solved() -> (Problem, Roster) {
    let n = 336;
    let mut q = queue("en", "en", n, |i| {
        let (d, h) = dh(i);
        if d < 5 && (9.0..17.0).contains(&h) {
            1.0
        } else {
            0.0
        }
    });
    q.open = Some((0..n).map(|i| q.required[i] > 0.0).collect());
    let tpl = eight_hours_with_meal_break(60);
    let a1 = agent("a1", "UTC", &["en"], &WEEK[..5], hm(8, 0), hm(18, 0));
    let a2 = agent("a2", "Asia/Manila", &["en"], &WEEK, hm(0, 0), hm(23, 59));
    let p = problem(MON, vec![q], vec![a1, a2], vec![tpl]);
    let r = solve_ok(&p);
    (p, r)
}

/// An 8-hour template on a `step`-minute start grid with a 30-minute meal break in hours 3-5.
fn eight_hours_with_meal_break(step: u32) -> ShiftTemplate {
    let mut tpl = template("8h", 8, step);
    tpl.breaks = vec![BreakRule {
        length_minutes: 30,
        window_start_minutes: 180,
        window_end_minutes: 300,
    }];
    tpl
}

/// Adds an 8-hour shift for `agent_id` from `start` by hand; the edit must be accepted.
fn add_8h(p: &Problem, r: &Roster, agent_id: &str, start: chrono::DateTime<chrono::Utc>) -> Edited {
    apply(
        p,
        r,
        &Edit::Add {
            agent_id: agent_id.into(),
            start,
            template_id: "8h".into(),
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn recomputing_a_solved_roster_changes_nothing() {
    let (p, r) = solved();
    let mut again = r.clone();
    recompute(&p, &mut again);
    assert_eq!(again.queues, r.queues);
    assert_eq!(again.kpis.coverage_pct, r.kpis.coverage_pct);
    assert_eq!(again.kpis.paid_hours, r.kpis.paid_hours);
    assert_eq!(
        again.kpis.intervals_understaffed,
        r.kpis.intervals_understaffed
    );
    assert_eq!(again.objective, r.objective);
    assert_eq!(again.roster_gap, r.roster_gap);
}

#[test]
fn the_objective_recomputed_from_shifts_is_the_solvers() {
    // Every term of the objective at once: a Stockholm queue with a floor served from Manila
    // (night shifts) and Stockholm, weekends, an agent who would rather start at 10:00, a
    // locked shift (no preference or fairness cost), an attainable and an unattainable
    // contract minimum.
    let n = 336;
    let mut q = queue("en", "en", n, |i| {
        if (14..48).contains(&(i % 48)) {
            2.0
        } else {
            0.0
        }
    });
    q.floor = 1;
    let tpl = eight_hours_with_meal_break(30);
    let mut picky = agent(
        "picky",
        "Europe/Stockholm",
        &["en"],
        &WEEK,
        hm(7, 0),
        hm(22, 0),
    );
    picky.preferences.preferred_start_times = vec![hm(10, 0)];
    picky.preferences.start_weight = 3.0;
    picky.contract.min_hours_per_week = 24.0;
    // Available 00:00-09:00 in Manila (16:00-01:00 UTC): every shift of theirs is a night.
    let mut far = agent("far", "Asia/Manila", &["en"], &WEEK, hm(0, 0), hm(9, 0));
    far.contract.min_hours_per_week = 16.0;
    far.preferences.preferred_start_times = vec![hm(0, 30)];
    far.preferences.start_weight = 2.0;
    let mut scarce = agent(
        "scarce",
        "UTC",
        &["en"],
        &[chrono::Weekday::Sat, chrono::Weekday::Sun],
        hm(9, 0),
        hm(17, 0),
    );
    scarce.contract.min_hours_per_week = 30.0;
    let mut p = problem(MON, vec![q], vec![picky, far, scarce], vec![tpl]);
    p.pinned.push(PinnedShift {
        agent_id: "far".into(),
        start: t("2026-03-24T16:00:00Z"),
        end: t("2026-03-25T00:00:00Z"),
        breaks: vec![UtcRange {
            start: t("2026-03-24T19:30:00Z"),
            end: t("2026-03-24T20:00:00Z"),
        }],
    });
    let r = solve_ok(&p);
    assert!(r.diagnostics.iter().any(|d| matches!(
        d,
        Diagnostic::MinHoursUnattainable { agent_id, .. } if agent_id == "scarce"
    )));
    let far = &r.kpis.agents[1];
    assert!(
        far.nights >= 3,
        "the locked night and two of the solver's: {far:?}"
    );
    assert!(
        far.preference_violations >= 1,
        "the locked 00:00 start: {far:?}"
    );
    assert_eq!(
        r.kpis.agents[2].shifts, 2,
        "scarce works Saturday and Sunday"
    );
    let mut again = r.clone();
    again.objective = 0.0;
    again.roster_gap = None;
    recompute(&p, &mut again);
    assert!(
        (again.objective - r.objective).abs() < 1e-6 * r.objective.max(1.0),
        "recomputed {} against the solver's {}",
        again.objective,
        r.objective
    );
    assert_eq!(again.roster_gap, r.roster_gap);
}

#[test]
fn removing_a_shift_reports_the_coverage_it_costs() {
    let (p, r) = solved();
    let edited = apply(&p, &r, &Edit::Remove { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(edited.roster.shifts.len(), r.shifts.len() - 1);
    let c = &edited.change;
    assert!(c.coverage_pct_after < c.coverage_pct_before);
    assert!(c.shortfall_agent_hours_after > c.shortfall_agent_hours_before);
    // An 8-hour shift with a 30-minute break served 15 half-hours.
    assert_eq!(c.intervals.len(), 15);
    assert!(c
        .intervals
        .iter()
        .all(|i| i.scheduled_after < i.scheduled_before));
    // The objective follows: eight paid hours less, each half-hour's shortfall (100 per
    // agent-hour) or over-coverage (5) at the default weights.
    let cost = |required: f64, scheduled: f64| {
        assert!(required <= 1.0);
        100.0 * (required - scheduled).max(0.0) + 5.0 * (scheduled - required).max(0.0)
    };
    let expected = r.objective - 8.0
        + c.intervals
            .iter()
            .map(|i| {
                0.5 * (cost(i.required, i.scheduled_after) - cost(i.required, i.scheduled_before))
            })
            .sum::<f64>();
    assert!((edited.roster.objective - expected).abs() < 1e-6);
    assert_eq!(c.objective_before, r.objective);
    assert_eq!(c.objective_after, edited.roster.objective);
    let bound = r.bound.unwrap_or_else(|| panic!("the MIP ran"));
    let gap = (edited.roster.objective - bound) / edited.roster.objective;
    assert!(edited
        .roster
        .roster_gap
        .is_some_and(|g| (g - gap).abs() < 1e-6));
    assert!(validate(&p, &edited.roster)
        .iter()
        .all(|v| v.agent_id.is_none()));
}

#[test]
fn an_edit_that_leaves_a_floor_unmet_warns_of_every_interval() {
    let (mut p, _) = solved();
    p.queues[0].floor = 1;
    let r = solve_ok(&p);
    let removed = r.shifts[0].clone();
    let edited = apply(&p, &r, &Edit::Remove { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    let warned: BTreeSet<_> = edited
        .warnings
        .iter()
        .filter(|w| w.rule == "floor")
        .map(|w| (w.queue_id.clone().unwrap_or_default(), w.at))
        .collect();
    let lost: BTreeSet<_> = edited
        .change
        .intervals
        .iter()
        .filter(|i| i.scheduled_before >= 1.0 - 1e-6 && i.scheduled_after < 1.0 - 1e-6)
        .map(|i| (i.queue_id.clone(), Some(i.start_utc)))
        .collect();
    assert!(!lost.is_empty(), "{:?}", edited.change);
    assert_eq!(warned, lost);
    // Putting the shift back meets the floor again: nothing to warn of.
    let back = add_8h(&p, &edited.roster, &removed.agent_id, removed.start_utc);
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
}

#[test]
fn a_move_outside_availability_is_refused_with_the_rule() {
    let (p, r) = solved();
    let i = r
        .shifts
        .iter()
        .position(|s| s.agent_id == "a1")
        .unwrap_or(0);
    let night = r.shifts[i].start_utc - Duration::hours(8);
    match apply(
        &p,
        &r,
        &Edit::Move {
            index: i,
            start: night,
            template_id: None,
        },
    ) {
        Err(EditError::Rules(v)) => assert!(v.iter().any(|v| v.rule == "availability"), "{v:?}"),
        other => panic!("expected a rule violation, got {other:?}"),
    }
}

#[test]
fn a_valid_move_keeps_the_template_and_its_break() {
    let (p, r) = solved();
    let start = r.shifts[0].start_utc + Duration::hours(1);
    let edited = apply(
        &p,
        &r,
        &Edit::Move {
            index: 0,
            start,
            template_id: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = &edited.roster.shifts[0];
    assert_eq!(s.start_utc, start);
    assert_eq!(s.end_utc - s.start_utc, Duration::hours(8));
    assert_eq!(
        s.breaks[0].start_utc - s.start_utc,
        r.shifts[0].breaks[0].start_utc - r.shifts[0].start_utc
    );
    assert!(validate(&p, &edited.roster)
        .iter()
        .all(|v| v.agent_id.is_none()));
}

#[test]
fn an_added_shift_is_in_the_agents_own_zone_and_shares_the_queue() {
    let (p, r) = solved();
    // 01:00 UTC is 09:00 in Manila, inside the agent's availability.
    let start = r.shifts[0].start_utc - Duration::hours(8);
    let edited = add_8h(&p, &r, "a2", start);
    let s = edited
        .roster
        .shifts
        .last()
        .unwrap_or_else(|| panic!("no shift"));
    assert_eq!(s.start_local.hour(), 9);
    assert_eq!(edited.roster.kpis.agents[1].shifts, 1);
    assert!(edited.change.coverage_pct_after >= edited.change.coverage_pct_before);
}

#[test]
fn locking_a_locked_shift_changes_nothing() {
    let (p, r) = solved();
    let locked = apply(&p, &r, &Edit::Lock { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    let p2 = Problem {
        pinned: locked.pinned.clone(),
        ..p.clone()
    };
    let again =
        apply(&p2, &locked.roster, &Edit::Lock { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.pinned, locked.pinned);
    assert_eq!(again.roster, locked.roster);
}

#[test]
fn locked_shifts_cannot_be_moved_and_survive_a_re_solve() {
    let (p, r) = solved();
    let locked = apply(&p, &r, &Edit::Lock { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    assert!(locked.roster.shifts[0].pinned);
    assert_eq!(locked.pinned.len(), 1);
    let p2 = Problem {
        pinned: locked.pinned.clone(),
        ..p.clone()
    };
    assert_eq!(
        apply(&p2, &locked.roster, &Edit::Remove { index: 0 }).err(),
        Some(EditError::Locked(0))
    );
    let again = solve_ok(&p2);
    let pin = &locked.pinned[0];
    assert!(again
        .shifts
        .iter()
        .any(|s| s.pinned && s.agent_id == pin.agent_id && s.start_utc == pin.start));
    let unlocked =
        apply(&p2, &locked.roster, &Edit::Unlock { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    assert!(unlocked.pinned.is_empty() && !unlocked.roster.shifts[0].pinned);
}

#[test]
fn unknown_templates_agents_and_shifts_are_named() {
    let (p, r) = solved();
    assert_eq!(
        apply(&p, &r, &Edit::Remove { index: 99 }).err(),
        Some(EditError::NoSuchShift(99))
    );
    let add = |agent: &str, tpl: &str| Edit::Add {
        agent_id: agent.into(),
        start: r.shifts[0].start_utc,
        template_id: tpl.into(),
    };
    assert_eq!(
        apply(&p, &r, &add("zz", "8h")).err(),
        Some(EditError::UnknownAgent("zz".into()))
    );
    assert_eq!(
        apply(&p, &r, &add("a1", "9h")).err(),
        Some(EditError::UnknownTemplate("9h".into()))
    );
}

#[test]
fn preference_kpis_are_spread_and_follow_an_edited_shift() {
    // Two agents who would rather start at 10:00; the queue needs one of them from 09:00
    // on all five weekdays, so every shift goes against a preference.
    let n = 336;
    let q = queue("en", "en", n, |i| {
        let (d, h) = dh(i);
        if d < 5 && (9.0..17.0).contains(&h) {
            1.0
        } else {
            0.0
        }
    });
    let agents = ["a1", "a2"].map(|id| {
        let mut a = agent(id, "UTC", &["en"], &WEEK[..5], hm(8, 0), hm(18, 0));
        a.preferences.preferred_start_times = vec![hm(10, 0)];
        a.preferences.start_weight = 0.5;
        a
    });
    let p = problem(MON, vec![q], agents.to_vec(), vec![template("8h", 8, 60)]);
    let r = solve_ok(&p);
    let against = |r: &Roster| -> Vec<u32> {
        r.kpis
            .agents
            .iter()
            .map(|a| a.preference_violations)
            .collect()
    };
    // Three and two, not five and none: an agent's k-th such shift costs k - 1 more.
    let mut split = against(&r);
    split.sort_unstable();
    assert_eq!(split, vec![2, 3]);
    assert_eq!(r.kpis.preference_violations_spread, 1);
    let mut again = r.clone();
    recompute(&p, &mut again);
    assert_eq!(again.kpis.agents, r.kpis.agents);
    assert_eq!(again.kpis.preference_violations_spread, 1);
    // Moving one shift to 10:00 takes it off the list and its 0.5 off the agent's cost.
    let index = 0;
    let agent = r.shifts[index].agent_id.clone();
    let start = r.shifts[index].start_utc + Duration::hours(1);
    assert_eq!(start.hour(), 10);
    let edited = apply(
        &p,
        &r,
        &Edit::Move {
            index,
            start,
            template_id: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(against(&edited.roster).iter().sum::<u32>(), 4);
    let cost = |r: &Roster| {
        r.kpis
            .agents
            .iter()
            .find(|a| a.agent_id == agent)
            .map_or(f64::NAN, |a| a.preference_cost)
    };
    assert!((cost(&r) - cost(&edited.roster) - 0.5).abs() < 1e-9);
}

#[test]
fn time_goes_to_the_deepest_shortfall_first() {
    use super::edit::split_by_need;
    assert_eq!(split_by_need(&[2.0, 0.5]), vec![1.0, 0.0]);
    assert_eq!(split_by_need(&[0.5, 2.0]), vec![0.0, 1.0]);
    assert_eq!(split_by_need(&[0.6, 0.6]), vec![0.5, 0.5]);
    assert_eq!(split_by_need(&[1.5, 1.0, -2.0]), vec![0.75, 0.25, 0.0]);
    // Every need met: the rest is spread evenly, as before any need was known.
    assert_eq!(split_by_need(&[0.5, -1.0]), vec![0.75, 0.25]);
    assert_eq!(split_by_need(&[0.0, 0.0]), vec![0.5, 0.5]);
    assert_eq!(split_by_need(&[]), Vec::<f64>::new());
}

proptest::proptest! {
    #[test]
    fn a_split_by_need_is_one_agent_and_never_overfills_while_others_are_short(
        needs in proptest::collection::vec(-3.0f64..3.0, 1..6)
    ) {
        let shares = super::edit::split_by_need(&needs);
        proptest::prop_assert_eq!(shares.len(), needs.len());
        proptest::prop_assert!((shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        proptest::prop_assert!(shares.iter().all(|&s| s >= 0.0));
        let positive: f64 = needs.iter().map(|d| d.max(0.0)).sum();
        for (s, d) in shares.iter().zip(&needs) {
            if positive >= 1.0 {
                // Short queues take all the time, none beyond its need.
                proptest::prop_assert!(*s <= d.max(0.0) + 1e-9);
            } else {
                // Every need is met.
                proptest::prop_assert!(*s + 1e-9 >= d.max(0.0));
            }
        }
    }
}

#[test]
fn an_edited_shift_serves_the_queue_that_needs_it() {
    // English and Swedish each want one agent Monday 09-17; a1 speaks Swedish only, so the
    // bilingual a2 belongs on English all day. Re-adding or moving a2's shift by hand must
    // say so, not split a2 half and half (English half short, Swedish half over).
    let n = 336;
    let need = |i: usize| if (18..34).contains(&i) { 1.0 } else { 0.0 };
    let en = queue("en", "en", n, need);
    let sv = queue("sv", "sv", n, need);
    let day = [chrono::Weekday::Mon];
    let a1 = agent("a1", "UTC", &["sv"], &day, hm(9, 0), hm(17, 0));
    let a2 = agent("a2", "UTC", &["en", "sv"], &day, hm(9, 0), hm(17, 0));
    let p = problem(MON, vec![en, sv], vec![a1, a2], vec![template("8h", 8, 60)]);
    let r = solve_ok(&p);
    assert_eq!(r.kpis.intervals_understaffed, 0);
    let i2 = r
        .shifts
        .iter()
        .position(|s| s.agent_id == "a2")
        .unwrap_or_else(|| panic!("a2 works"));
    let start = r.shifts[i2].start_utc;
    let serves_english_only = |s: &roster::ShiftOut| {
        s.intervals.iter().all(|iv| {
            iv.serving.len() == 1 && iv.serving[0].queue_id == "en" && iv.serving[0].share == 1.0
        })
    };
    let moved = apply(
        &p,
        &r,
        &Edit::Move {
            index: i2,
            start,
            template_id: None,
        },
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(serves_english_only(&moved.roster.shifts[i2]));
    assert!(moved.change.intervals.is_empty(), "{:?}", moved.change);

    let removed = apply(&p, &r, &Edit::Remove { index: i2 })
        .unwrap_or_else(|e| panic!("{e:?}"))
        .roster;
    assert_eq!(removed.kpis.intervals_understaffed, 16);
    let added = add_8h(&p, &removed, "a2", start);
    let s = added
        .roster
        .shifts
        .last()
        .unwrap_or_else(|| panic!("added"));
    assert!(serves_english_only(s));
    assert_eq!(added.roster.kpis.intervals_understaffed, 0);
    assert_eq!(added.roster.kpis.total_over_agent_hours, 0.0);
    assert_eq!(added.change.intervals.len(), 16);
    assert!(added
        .change
        .intervals
        .iter()
        .all(|c| c.queue_id == "en" && c.scheduled_after == 1.0));
}

#[test]
fn a_hand_placed_break_goes_where_the_agent_is_least_needed() {
    // One agent, one queue wanting one agent Monday 08-16 UTC except 12:00-12:30. A shift
    // added by hand takes its meal break (window 11:00-13:00) then, not at the window's
    // middle (11:30), where it would leave the queue short.
    let n = 336;
    let q = queue("en", "en", n, |i| {
        if (16..32).contains(&i) && i != 24 {
            1.0
        } else {
            0.0
        }
    });
    let tpl = eight_hours_with_meal_break(60);
    let a1 = agent(
        "a1",
        "UTC",
        &["en"],
        &[chrono::Weekday::Mon],
        hm(8, 0),
        hm(16, 0),
    );
    let p = problem(MON, vec![q], vec![a1], vec![tpl]);
    let r = solve_ok(&p);
    assert_eq!(r.kpis.intervals_understaffed, 0);
    let removed = apply(&p, &r, &Edit::Remove { index: 0 })
        .unwrap_or_else(|e| panic!("{e:?}"))
        .roster;
    let added = add_8h(&p, &removed, "a1", t("2026-03-23T08:00:00Z"));
    let s = added
        .roster
        .shifts
        .last()
        .unwrap_or_else(|| panic!("added"));
    assert_eq!(s.breaks.len(), 1);
    assert_eq!(s.breaks[0].start_utc, t("2026-03-23T12:00:00Z"));
    assert_eq!(added.roster.kpis.intervals_understaffed, 0);
    assert_eq!(added.roster.objective, r.objective);
}

#[test]
fn an_edit_recomputes_the_service_level_from_the_workload() {
    // Four chats of five minutes per half hour wherever the queue wants its agent.
    let (mut p, r) = solved();
    let n = p.interval_count();
    p.queues[0].workload = Some(Workload {
        arrivals: p.queues[0].required.iter().map(|r| 4.0 * r).collect(),
        aht_seconds: vec![300.0; n],
        sl_threshold_seconds: 60,
        chat_concurrency: 1,
        shrinkage: 0.0,
        patience_seconds: None,
    });
    let edited = apply(&p, &r, &Edit::Remove { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    let queue = &edited.roster.queues[0];
    let one_agent = 1.0 - 2.0 / 3.0 * (-(1.0 - 2.0 / 3.0) * 60.0 / 300.0_f64).exp();
    assert_eq!(edited.change.intervals.len(), 15);
    for iv in queue.intervals.iter().filter(|iv| iv.required > 0.0) {
        let sl = iv
            .expected_service_level
            .unwrap_or_else(|| panic!("no service level at {}", iv.start_utc));
        if iv.scheduled == 0.0 {
            assert_eq!(sl, 0.0, "{}", iv.start_utc);
        } else {
            assert!((sl - one_agent).abs() < 1e-3, "{sl} at {}", iv.start_utc);
        }
    }
    // The removed shift's half-hours now have nobody.
    for c in &edited.change.intervals {
        let iv = queue
            .intervals
            .iter()
            .find(|iv| iv.start_utc == c.start_utc);
        assert_eq!(iv.and_then(|iv| iv.expected_service_level), Some(0.0));
    }
}

/// Start of every open queue interval the roster leaves short of its requirement or floor.
fn understaffed_intervals(r: &Roster) -> BTreeSet<(String, chrono::DateTime<chrono::Utc>)> {
    r.queues
        .iter()
        .flat_map(|q| {
            q.intervals
                .iter()
                .filter(|iv| iv.open && (iv.shortfall > 1e-6 || !iv.floor_met))
                .map(|iv| (q.queue_id.clone(), iv.start_utc))
        })
        .collect()
}

/// Start of every 30-minute interval inside an `Understaffed` diagnostic, with its reason.
fn diagnosed_intervals(
    r: &Roster,
) -> BTreeMap<(String, chrono::DateTime<chrono::Utc>), ShortfallReason> {
    let mut out = BTreeMap::new();
    for d in &r.diagnostics {
        if let Diagnostic::Understaffed {
            queue_id,
            start_utc,
            end_utc,
            reason,
            ..
        } = d
        {
            let mut t = *start_utc;
            while t < *end_utc {
                out.insert((queue_id.clone(), t), *reason);
                t += Duration::minutes(30);
            }
        }
    }
    out
}

fn sorted_json(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut v: Vec<String> = diagnostics
        .iter()
        .map(|d| serde_json::to_string(d).unwrap_or_default())
        .collect();
    v.sort();
    v
}

#[test]
fn judging_a_solved_roster_anew_finds_the_solvers_diagnostics() {
    let (p, r) = solved();
    assert!(r
        .diagnostics
        .iter()
        .any(|d| matches!(d, Diagnostic::Understaffed { .. })));
    let mut again = r.clone();
    recompute(&p, &mut again);
    assert_eq!(sorted_json(&again.diagnostics), sorted_json(&r.diagnostics));
}

#[test]
fn an_edit_names_the_understaffing_it_leaves_and_why() {
    let (p, r) = solved();
    let removed = r.shifts[0].clone();
    let edited = apply(&p, &r, &Edit::Remove { index: 0 }).unwrap_or_else(|e| panic!("{e}"));
    let named = diagnosed_intervals(&edited.roster);
    let short = understaffed_intervals(&edited.roster);
    assert!(short.len() > understaffed_intervals(&r).len());
    assert_eq!(named.keys().cloned().collect::<BTreeSet<_>>(), short);
    // The agent whose shift went could work it again: the shortfall is the roster's choice.
    for iv in removed.intervals.iter().filter(|iv| !iv.serving.is_empty()) {
        assert_eq!(
            named.get(&("en".to_string(), iv.start_utc)),
            Some(&ShortfallReason::NotCostEffective),
            "{}",
            iv.start_utc
        );
    }
    // Putting the shift back clears what it covers again.
    let back = add_8h(&p, &edited.roster, &removed.agent_id, removed.start_utc);
    let named = diagnosed_intervals(&back.roster);
    assert_eq!(
        named.keys().cloned().collect::<BTreeSet<_>>(),
        understaffed_intervals(&back.roster)
    );
    assert!(named.len() < diagnosed_intervals(&edited.roster).len());
}

#[test]
fn an_edit_that_drops_an_agent_below_their_minimum_says_so() {
    let (mut p, _) = solved();
    p.agents[0].contract = contract(40.0, 40.0, 5);
    let r = solve_ok(&p);
    assert!(!r
        .diagnostics
        .iter()
        .any(|d| matches!(d, Diagnostic::MinHoursNotMet { .. })));
    let index = r
        .shifts
        .iter()
        .position(|s| s.agent_id == "a1")
        .unwrap_or_else(|| panic!("a1 works"));
    let edited = apply(&p, &r, &Edit::Remove { index }).unwrap_or_else(|e| panic!("{e}"));
    let missed: Vec<&Diagnostic> = edited
        .roster
        .diagnostics
        .iter()
        .filter(|d| matches!(d, Diagnostic::MinHoursNotMet { .. }))
        .collect();
    assert_eq!(
        missed,
        [&Diagnostic::MinHoursNotMet {
            agent_id: "a1".into(),
            week: 0,
            min_hours: 40.0,
            hours: 32.0,
        }]
    );
}
