//! Independent validator: re-derives every hard rule from the problem and the
//! roster's UTC/local times without using any model-building code.

use super::problem::{Agent, Problem};
use super::roster::{Diagnostic, Roster, ShortfallReason};
use super::validate_rules::{available, check_contract, check_template};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A hard rule a roster breaks, found by [`validate`].
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterViolation)]
pub struct Violation {
    pub rule: String,
    pub agent_id: Option<String>,
    pub queue_id: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub message: String,
}

pub(super) const EPS: f64 = 1e-4;

pub(super) struct V(pub Vec<Violation>);
impl V {
    pub fn push(
        &mut self,
        rule: &str,
        agent: Option<&str>,
        queue: Option<&str>,
        at: Option<DateTime<Utc>>,
        msg: String,
    ) {
        self.0.push(Violation {
            rule: rule.into(),
            agent_id: agent.map(Into::into),
            queue_id: queue.map(Into::into),
            at,
            message: msg,
        });
    }
}

pub(super) struct Worked {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub date: NaiveDate,
    /// Fixed: pinned, held elsewhere, or worked before the period.
    pub pinned: bool,
    /// Worked before the period (`Problem::history`): counts only for rest, days in
    /// a row and days off together.
    pub prior: bool,
    /// Held for other queues (`Problem::held`): counts for every rule, but a limit it passes
    /// alone is not the roster's breach.
    pub held: bool,
}

pub fn validate(p: &Problem, r: &Roster) -> Vec<Violation> {
    let mut v = V(Vec::new());
    let step = i64::from(p.period.interval_minutes.max(1));
    let pstart = p.period.start;
    let n = p.interval_count() as i64;
    let pend = pstart + Duration::minutes(n * step);
    let first_date = p.period.first_date();
    let weeks = i64::from(p.period.weeks.max(1));
    let agents: BTreeMap<&str, &Agent> = p.agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let queue_idx: BTreeMap<&str, usize> = p
        .queues
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.as_str(), i))
        .collect();
    let idx = |t: DateTime<Utc>| ((t - pstart).num_minutes() / step) as usize;
    let is_open = |q: usize, t: usize| {
        p.queues[q]
            .open
            .as_ref()
            .is_none_or(|o| o.get(t).copied().unwrap_or(false))
    };
    let mut sched = vec![vec![0.0; n as usize]; p.queues.len()];
    let mut worked: BTreeMap<&str, Vec<Worked>> = BTreeMap::new();
    for s in &r.shifts {
        let sid = Some(s.agent_id.as_str());
        let Some(a) = agents.get(s.agent_id.as_str()) else {
            v.push(
                "unknown_agent",
                sid,
                None,
                Some(s.start_utc),
                "shift for unknown agent".into(),
            );
            continue;
        };
        let Ok(tz) = a.zone.parse::<Tz>() else {
            continue;
        };
        let aligned = |t: DateTime<Utc>| (t - pstart).num_minutes() % step == 0;
        if s.start_utc < pstart
            || s.end_utc > pend
            || s.end_utc <= s.start_utc
            || !aligned(s.start_utc)
            || !aligned(s.end_utc)
        {
            v.push(
                "period_grid",
                sid,
                None,
                Some(s.start_utc),
                "shift outside the period or off the grid".into(),
            );
            continue;
        }
        if s.start_local != s.start_utc.with_timezone(&tz).fixed_offset()
            || s.end_local != s.end_utc.with_timezone(&tz).fixed_offset()
            || s.zone != a.zone
        {
            v.push(
                "local_time",
                sid,
                None,
                Some(s.start_utc),
                "local times do not match the agent's zone".into(),
            );
        }
        let local_date = s.start_utc.with_timezone(&tz).date_naive();
        worked.entry(a.id.as_str()).or_default().push(Worked {
            start: s.start_utc,
            end: s.end_utc,
            date: local_date,
            pinned: s.pinned,
            prior: false,
            held: false,
        });
        if s.pinned {
            let ok = p
                .pinned
                .iter()
                .any(|x| x.agent_id == s.agent_id && x.start == s.start_utc && x.end == s.end_utc);
            if !ok {
                v.push(
                    "pinned",
                    sid,
                    None,
                    Some(s.start_utc),
                    "shift marked pinned does not match a pinned input".into(),
                );
            }
        } else {
            check_template(p, a, &tz, s, &mut v);
            if !available(a, &tz, s.start_utc, s.end_utc) {
                v.push(
                    "availability",
                    sid,
                    None,
                    Some(s.start_utc),
                    "shift outside availability, time off or unavailable date".into(),
                );
            }
        }
        let mut expect = s.start_utc;
        for iv in &s.intervals {
            if iv.start_utc != expect {
                v.push(
                    "intervals",
                    sid,
                    None,
                    Some(iv.start_utc),
                    "shift intervals are not contiguous".into(),
                );
                break;
            }
            expect += Duration::minutes(step);
            let on_break = s
                .breaks
                .iter()
                .any(|b| b.start_utc <= iv.start_utc && iv.start_utc < b.end_utc);
            let total: f64 = iv.serving.iter().map(|x| x.share).sum();
            if total > 1.0 + EPS || iv.serving.iter().any(|x| x.share < -EPS) {
                v.push(
                    "double_count",
                    sid,
                    None,
                    Some(iv.start_utc),
                    format!("agent counted {total} times in one interval"),
                );
            }
            if on_break && !iv.serving.is_empty() {
                v.push(
                    "break",
                    sid,
                    None,
                    Some(iv.start_utc),
                    "agent serves a queue during a break".into(),
                );
            }
            let t = idx(iv.start_utc);
            for x in &iv.serving {
                let Some(&q) = queue_idx.get(x.queue_id.as_str()) else {
                    v.push(
                        "queue",
                        sid,
                        Some(&x.queue_id),
                        Some(iv.start_utc),
                        "unknown queue".into(),
                    );
                    continue;
                };
                if !a.languages.contains(&p.queues[q].language) {
                    v.push(
                        "language",
                        sid,
                        Some(&x.queue_id),
                        Some(iv.start_utc),
                        "agent does not speak the queue's language".into(),
                    );
                }
                if !is_open(q, t) {
                    v.push(
                        "opening_hours",
                        sid,
                        Some(&x.queue_id),
                        Some(iv.start_utc),
                        "serving a closed queue".into(),
                    );
                }
                if let Some(c) = sched.get_mut(q).and_then(|c| c.get_mut(t)) {
                    *c += x.share;
                }
            }
        }
        if expect != s.end_utc {
            v.push(
                "intervals",
                sid,
                None,
                Some(s.start_utc),
                "shift intervals do not cover the shift".into(),
            );
        }
    }
    for x in &p.pinned {
        let kept = r.shifts.iter().any(|s| {
            s.pinned
                && s.agent_id == x.agent_id
                && s.start_utc == x.start
                && s.end_utc == x.end
                && s.breaks
                    .iter()
                    .map(|b| (b.start_utc, b.end_utc))
                    .eq(x.breaks.iter().map(|b| (b.start, b.end)))
        });
        if !kept {
            v.push(
                "pinned",
                Some(&x.agent_id),
                None,
                Some(x.start),
                "pinned shift not kept as it is".into(),
            );
        }
    }
    let reported_min: BTreeSet<(&str, u32)> = r
        .diagnostics
        .iter()
        .filter_map(|d| match d {
            Diagnostic::MinHoursUnattainable { agent_id, week, .. }
            | Diagnostic::MinHoursNotMet { agent_id, week, .. } => Some((agent_id.as_str(), *week)),
            _ => None,
        })
        .collect();
    // Worked before the period, or held elsewhere (every contract rule counts those on the grid,
    // as the problem defines): fixed shifts, each on the local date it starts.
    let before = p
        .history
        .iter()
        .map(|h| (h.agent_id.as_str(), h.start, (h.start, h.end), true));
    let held = p
        .held
        .iter()
        .map(|h| (h.agent_id.as_str(), h.start, h.on_grid(&p.period), false));
    for (agent_id, began, (start, end), prior) in before.chain(held) {
        let Some(tz) = agents.get(agent_id).and_then(|a| a.zone.parse::<Tz>().ok()) else {
            continue;
        };
        worked.entry(agent_id).or_default().push(Worked {
            start,
            end,
            date: began.with_timezone(&tz).date_naive(),
            pinned: true,
            prior,
            held: !prior,
        });
    }
    for a in &p.agents {
        let mut ws = worked.remove(a.id.as_str()).unwrap_or_default();
        ws.sort_by_key(|w| w.start);
        check_contract(a, &ws, first_date, weeks, &reported_min, &mut v);
    }
    for (q, qq) in p.queues.iter().enumerate() {
        let Some(cov) = r.queues.iter().find(|c| c.queue_id == qq.id) else {
            v.push(
                "coverage",
                None,
                Some(&qq.id),
                None,
                "queue missing from roster".into(),
            );
            continue;
        };
        for (t, iv) in cov.intervals.iter().enumerate().take(n as usize) {
            if (iv.scheduled - sched[q][t]).abs() > EPS {
                v.push(
                    "coverage",
                    None,
                    Some(&qq.id),
                    Some(iv.start_utc),
                    format!(
                        "scheduled {} but agents sum to {}",
                        iv.scheduled, sched[q][t]
                    ),
                );
            }
            if is_open(q, t) && sched[q][t] + EPS < f64::from(qq.floor) {
                let diag = r.diagnostics.iter().find_map(|d| match d {
                    Diagnostic::Understaffed {
                        queue_id,
                        start_utc,
                        end_utc,
                        reason,
                        floor_missed: true,
                        ..
                    } if *queue_id == qq.id
                        && *start_utc <= iv.start_utc
                        && iv.start_utc < *end_utc =>
                    {
                        Some(*reason)
                    }
                    _ => None,
                });
                let someone = p.agents.iter().any(|a| {
                    a.languages.contains(&qq.language)
                        && a.zone.parse::<Tz>().is_ok_and(|tz| {
                            available(a, &tz, iv.start_utc, iv.start_utc + Duration::minutes(step))
                        })
                });
                match diag {
                    None => v.push(
                        "floor",
                        None,
                        Some(&qq.id),
                        Some(iv.start_utc),
                        "floor missed and not reported".into(),
                    ),
                    Some(ShortfallReason::NoQualifiedAgentAvailable) if someone => v.push(
                        "floor",
                        None,
                        Some(&qq.id),
                        Some(iv.start_utc),
                        "floor missed: reported no qualified agent, but one was available".into(),
                    ),
                    _ => {}
                }
            }
        }
    }
    v.0
}
