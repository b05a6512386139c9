//! Turning the internal final plan into the serialisable [`Roster`].

use super::assemble::{clean, Final};
use super::grid::{is_weekend, Inst};
use super::roster::*;
use super::service;
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use std::collections::BTreeSet;

fn local(tz: &Tz, t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(tz).fixed_offset()
}

pub(crate) struct Meta {
    pub status: SolverStatus,
    pub model_objective: Option<f64>,
    pub bound: Option<f64>,
    pub gap: Option<f64>,
    pub greedy_objective: f64,
    pub solve_seconds: f64,
    pub searches: u32,
    pub work_units: Option<f64>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn build(inst: &Inst, fin: &Final, meta: Meta) -> Roster {
    let p = inst.p;
    let mut shifts = Vec::new();
    let mut agents = Vec::new();
    let (mut nights_all, mut wends_all, mut against_all) = (Vec::new(), Vec::new(), Vec::new());
    for (ai, a) in p.agents.iter().enumerate() {
        let tz = &inst.agents[ai].tz;
        let mut hours = vec![0.0; inst.weeks];
        let (mut nights, mut pref, mut against) = (0u32, 0.0, 0u32);
        let mut wends = BTreeSet::new();
        for s in &fin.shifts[ai] {
            let (st, en) = (inst.time(s.start_t), inst.time(s.start_t + s.len_t));
            let (day, wk, wd) = inst.local_day(tz, st);
            hours[wk] += inst.hours(s.len_t);
            let ls = local(tz, st);
            let cost = a.preferences.cost(ls.time(), wd);
            pref += cost * p.weights.preference;
            against += u32::from(cost > 0.0);
            let sm = i64::from(chrono::Timelike::num_seconds_from_midnight(&ls) / 60);
            if super::grid::is_night(sm, (s.len_t as i64) * inst.step) {
                nights += 1;
            }
            if is_weekend(wd) {
                wends.insert(if wd == chrono::Weekday::Sun {
                    day - 1
                } else {
                    day
                });
            }
            let breaks = s
                .breaks
                .iter()
                .map(|&(x, y)| BreakOut {
                    start_utc: inst.time(x),
                    end_utc: inst.time(y),
                    start_local: local(tz, inst.time(x)),
                    end_local: local(tz, inst.time(y)),
                })
                .collect();
            let intervals = (s.start_t..s.start_t + s.len_t)
                .map(|t| ShiftInterval {
                    start_utc: inst.time(t),
                    serving: fin.shares[ai]
                        .get(&t)
                        .map(|v| {
                            v.iter()
                                .map(|&(q, sh)| QueueShare {
                                    queue_id: p.queues[q].id.clone(),
                                    share: sh,
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect();
            shifts.push(ShiftOut {
                agent_id: a.id.clone(),
                zone: a.zone.clone(),
                template_id: s.template.map(|t| p.templates[t].id.clone()),
                pinned: s.pinned,
                start_utc: st,
                end_utc: en,
                start_local: ls,
                end_local: local(tz, en),
                breaks,
                intervals,
            });
        }
        if !fin.shifts[ai].is_empty() {
            nights_all.push(nights);
            wends_all.push(wends.len() as u32);
            if a.preferences.any() {
                against_all.push(against);
            }
        }
        agents.push(AgentHours {
            agent_id: a.id.clone(),
            hours_per_week: hours,
            held_hours_per_week: p.held_hours_per_week(&a.id),
            min_hours_per_week: a.contract.min_hours_per_week,
            max_hours_per_week: a.contract.max_hours_per_week,
            shifts: fin.shifts[ai].len() as u32,
            nights,
            weekends: wends.len() as u32,
            preference_cost: clean(pref),
            preference_violations: against,
        });
    }
    let ih = inst.hours(1);
    let (mut req_sum, mut met_sum, mut under, mut short_h, mut over_h) = (0.0, 0.0, 0u32, 0.0, 0.0);
    let queues = p
        .queues
        .iter()
        .enumerate()
        .map(|(q, qq)| QueueCoverage {
            queue_id: qq.id.clone(),
            intervals: (0..inst.n)
                .map(|t| {
                    let open = inst.open[q][t];
                    let sched = clean(fin.cov[q][t]);
                    let req = if open { qq.required[t] } else { 0.0 };
                    let short = clean((req - sched).max(0.0));
                    if open {
                        req_sum += req;
                        met_sum += sched.min(req);
                        short_h += short * ih;
                        over_h += (sched - req).max(0.0) * ih;
                        if short > 1e-6 {
                            under += 1;
                        }
                    }
                    let floor = if open { qq.floor } else { 0 };
                    QueueInterval {
                        start_utc: inst.time(t),
                        open,
                        required: qq.required[t],
                        scheduled: sched,
                        shortfall: short,
                        floor,
                        floor_met: sched + 1e-6 >= f64::from(floor),
                        expected_service_level: service::of_queue(
                            qq,
                            t,
                            p.period.interval_minutes,
                            open,
                            sched,
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    let spread = |v: &[u32]| v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0);
    let kpis = Kpis {
        coverage_pct: if req_sum > 0.0 {
            clean(100.0 * met_sum / req_sum)
        } else {
            100.0
        },
        intervals_understaffed: under,
        total_shortfall_agent_hours: clean(short_h),
        total_over_agent_hours: clean(over_h),
        paid_hours: agents
            .iter()
            .map(|a| a.hours_per_week.iter().sum::<f64>())
            .sum(),
        nights_spread: spread(&nights_all),
        weekends_spread: spread(&wends_all),
        preference_violations_spread: spread(&against_all),
        agents,
    };
    Roster {
        status: meta.status,
        objective: clean(fin.objective),
        model_objective: meta.model_objective.map(clean),
        bound: meta.bound.map(clean),
        gap: meta.gap.map(clean),
        roster_gap: meta
            .bound
            .map(|b| clean(((fin.objective - b) / fin.objective.abs().max(1e-9)).max(0.0))),
        greedy_objective: clean(meta.greedy_objective),
        solve_seconds: meta.solve_seconds,
        searches: meta.searches,
        work_units: meta.work_units,
        shifts,
        queues,
        kpis,
        diagnostics: meta.diagnostics,
    }
}
