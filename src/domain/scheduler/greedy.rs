//! Greedy feasible roster: day by day, each agent takes the feasible option with
//! the best marginal objective gain (if positive); then agents below an
//! attainable contract minimum get the least-bad extra shifts. Every step checks
//! the exact per-agent rules, so the result is always feasible. It is the MIP's
//! warm start and the fallback when the MIP has no incumbent.

use super::grid::Inst;
use super::options::UNSOCIAL_KINDS;
use super::problem::Weights;
use super::rules::AgentState;

/// Penalty of one open (queue, interval) at coverage `c`, per agent-hour.
pub(crate) fn penalty(w: &Weights, req: f64, floor: f64, c: f64) -> f64 {
    let s = (req - c).max(0.0);
    let (s1, s2, s3) = (s.min(1.0), (s - 1.0).clamp(0.0, 1.0), (s - 2.0).max(0.0));
    w.under[0] * s1
        + w.under[1] * s2
        + w.under[2] * s3
        + w.over * (c - req).max(0.0)
        + w.floor * (floor - c).max(0.0)
}

/// Fairness cost of one agent with `counts` solver-placed shifts of each unsocial
/// kind (night, weekend, against preferences): the k-th shift of a kind costs
/// `fairness * (k - 1)`, so loading one agent costs more than spreading the same shifts.
pub(crate) fn fairness_cost(w: &Weights, counts: [u32; UNSOCIAL_KINDS]) -> f64 {
    counts
        .iter()
        .map(|&n| w.fairness * f64::from(n) * f64::from(n.saturating_sub(1)) / 2.0)
        .sum()
}

#[derive(Debug, Clone)]
pub(crate) struct Pick {
    /// Option index within the agent's group.
    pub opt: usize,
    /// Break start in intervals from the shift start, when the MIP chose it.
    pub break_at: Option<usize>,
}

/// A roster under construction, with a greedy queue allocation per interval.
#[derive(Clone)]
pub(crate) struct Plan {
    pub states: Vec<AgentState>,
    pub picks: Vec<Vec<Pick>>,
    /// Coverage per queue and interval (greedy allocation).
    pub cov: Vec<Vec<f64>>,
    /// Per agent: shifts of each unsocial kind placed so far.
    pub unsocial: Vec<[u32; UNSOCIAL_KINDS]>,
}

impl Plan {
    /// Empty plan holding the pinned shifts.
    pub fn new(inst: &Inst) -> Plan {
        let mut plan = Plan {
            states: inst
                .agents
                .iter()
                .map(|a| AgentState::new(inst.weeks, &a.prior_days))
                .collect(),
            picks: vec![Vec::new(); inst.agents.len()],
            cov: vec![vec![0.0; inst.n]; inst.p.queues.len()],
            unsocial: vec![[0; UNSOCIAL_KINDS]; inst.agents.len()],
        };
        for s in &inst.pinned {
            plan.states[s.agent].add(s.placed(), inst.step);
            let work: Vec<(usize, f64)> = (s.start_t..s.start_t + s.len_t)
                .map(|t| {
                    (
                        t,
                        if s.breaks.iter().any(|&(a, b)| a <= t && t < b) {
                            0.0
                        } else {
                            1.0
                        },
                    )
                })
                .collect();
            plan.allocate(inst, s.agent, &work);
        }
        // Held shifts take the agent's time and contract, and cover nothing here.
        for s in &inst.held {
            plan.states[s.agent].add(s.placed(), inst.step);
        }
        plan
    }

    fn best_queue(&self, inst: &Inst, ai: usize, t: usize, f: f64) -> Option<(usize, f64)> {
        let w = &inst.p.weights;
        let mut best: Option<(usize, f64)> = None;
        for &q in &inst.agents[ai].quals {
            if !inst.open[q][t] {
                continue;
            }
            let qq = &inst.p.queues[q];
            let c = self.cov[q][t];
            let (r, fl) = (qq.required[t], f64::from(qq.floor));
            let gain = penalty(w, r, fl, c) - penalty(w, r, fl, c + f);
            if best.is_none_or(|(_, g)| gain > g + 1e-12) {
                best = Some((q, gain));
            }
        }
        best
    }

    fn allocate(&mut self, inst: &Inst, ai: usize, work: &[(usize, f64)]) {
        for &(t, f) in work {
            if f <= 0.0 {
                continue;
            }
            if let Some((q, _)) = self.best_queue(inst, ai, t, f) {
                self.cov[q][t] += f;
            }
        }
    }

    fn gain(&self, inst: &Inst, ai: usize, o: usize) -> f64 {
        let opt = &inst.groups[inst.group_of[ai]].options[o];
        let ih = inst.hours(1);
        let cover: f64 = opt
            .cov
            .iter()
            .enumerate()
            .filter_map(|(k, &f)| self.best_queue(inst, ai, opt.start_t + k, f))
            .map(|(_, g)| g)
            .sum();
        let before = self.unsocial[ai];
        let mut after = before;
        for (n, is) in after.iter_mut().zip(opt.unsocial()) {
            *n += u32::from(is);
        }
        let w = &inst.p.weights;
        cover * ih
            - w.paid_hour * inst.hours(opt.len_t)
            - opt.pref_cost
            - (fairness_cost(w, after) - fairness_cost(w, before))
    }

    pub fn can_take(&self, inst: &Inst, ai: usize, o: usize) -> bool {
        let opt = &inst.groups[inst.group_of[ai]].options[o];
        self.states[ai].can_add(&inst.p.agents[ai].contract, inst.step, &opt.placed())
    }

    pub fn take(&mut self, inst: &Inst, ai: usize, o: usize) {
        self.take_at(inst, ai, o, None);
    }

    /// Take option `o`, with its break at `break_at` intervals from the start if known.
    pub fn take_at(&mut self, inst: &Inst, ai: usize, o: usize, break_at: Option<usize>) {
        let opt = &inst.groups[inst.group_of[ai]].options[o];
        self.states[ai].add(opt.placed(), inst.step);
        self.picks[ai].push(Pick { opt: o, break_at });
        for (n, is) in self.unsocial[ai].iter_mut().zip(opt.unsocial()) {
            *n += u32::from(is);
        }
        let on_break = |k: usize| {
            opt.brk
                .zip(break_at)
                .is_some_and(|(b, at)| at <= k && k < at + b.len)
        };
        let work: Vec<(usize, f64)> = opt
            .cov
            .iter()
            .enumerate()
            .map(|(k, &f)| {
                let f = match break_at {
                    Some(_) if on_break(k) => 0.0,
                    Some(_) => 1.0,
                    None => f,
                };
                (opt.start_t + k, f)
            })
            .collect();
        self.allocate(inst, ai, &work);
    }
}

/// Agents with the fewest skills first, so specialists cover their queues.
fn agent_order(inst: &Inst) -> Vec<usize> {
    let mut order: Vec<usize> = (0..inst.agents.len()).collect();
    order.sort_by_key(|&a| (inst.agents[a].quals.len(), a));
    order
}

/// Lazy greedy over (group, option): always add the shift with the largest
/// marginal gain. Convex penalties make gains only shrink as coverage grows and
/// rules only tighten as shifts are added, so stale heap keys are upper bounds.
pub(crate) fn improve(inst: &Inst, plan: &mut Plan) {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let key = |g: f64| (g * 1e6).round() as i64;
    let mut heap = BinaryHeap::new();
    for (gi, g) in inst.groups.iter().enumerate() {
        for o in 0..g.options.len() {
            let gain = plan.gain(inst, g.members[0], o);
            if gain > 1e-9 {
                heap.push((key(gain), Reverse(gi), Reverse(o)));
            }
        }
    }
    while let Some((_, Reverse(gi), Reverse(o))) = heap.pop() {
        let g = &inst.groups[gi];
        let opt = &g.options[o];
        let member = g
            .members
            .iter()
            .copied()
            .filter(|&a| plan.can_take(inst, a, o))
            .min_by_key(|&a| {
                (
                    plan.states[a]
                        .week_minutes
                        .get(opt.week)
                        .copied()
                        .unwrap_or(0),
                    plan.states[a].shifts.len(),
                    a,
                )
            });
        let Some(a) = member else { continue };
        let gain = plan.gain(inst, a, o);
        if gain <= 1e-9 {
            continue;
        }
        if heap.peek().is_none_or(|top| key(gain) >= top.0) {
            plan.take(inst, a, o);
            let again = plan.gain(inst, a, o);
            if again > 1e-9 {
                heap.push((key(again), Reverse(gi), Reverse(o)));
            }
        } else {
            heap.push((key(gain), Reverse(gi), Reverse(o)));
        }
    }
}

/// Give agents below an attainable weekly minimum their least-bad extra shifts.
pub(crate) fn fill_minimums(inst: &Inst, plan: &mut Plan) {
    for ai in agent_order(inst) {
        let c = &inst.p.agents[ai].contract;
        for w in 0..inst.weeks {
            if !inst.agents[ai].min_attainable[w] {
                continue;
            }
            while plan.states[ai].week_hours(w) + 1e-9 < c.min_hours_per_week {
                let g = &inst.groups[inst.group_of[ai]];
                // Score includes the avoided minimum-hours penalty, so long
                // shifts win when max shifts per week would otherwise block the minimum.
                let missing = c.min_hours_per_week - plan.states[ai].week_hours(w);
                let mut best: Option<(usize, f64)> = None;
                for o in (0..g.options.len()).filter(|&o| g.options[o].week == w) {
                    if !plan.can_take(inst, ai, o) {
                        continue;
                    }
                    let hours = inst.hours(g.options[o].len_t).min(missing);
                    let score = plan.gain(inst, ai, o) + inst.p.weights.min_hours * hours;
                    if best.is_none_or(|(_, s)| score > s + 1e-9) {
                        best = Some((o, score));
                    }
                }
                match best {
                    Some((o, _)) => plan.take(inst, ai, o),
                    None => break,
                }
            }
        }
    }
}

pub(crate) fn build(inst: &Inst) -> Plan {
    let mut plan = Plan::new(inst);
    fill_minimums(inst, &mut plan);
    improve(inst, &mut plan);
    plan
}
