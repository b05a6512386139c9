//! Erlang A (M/M/n+M, Palm 1943) via the exact formulas in Mandelbaum &
//! Zeltyn, "The M/M/n+G queue: summary of performance measures" (2004),
//! specialised to exponential patience.
//!
//! Notation (time measured in units of mean patience theta):
//! `x = n*theta/AHT`, `y = lambda*theta`, `s = T/theta`, `z = y e^{-s}`,
//! `E` = Erlang B(n, A), `A(a, z)` as in `gamma.rs`. Then
//! * `P(W>0) = A(x,y) E / (1 + (A(x,y) - 1) E)`
//! * `P(served | W>0) = (x/y)(1 - 1/A(x,y))`, `P(Ab) = P(W>0)(1 - that)`
//! * `P(V > T | W>0) = A(x,z)/A(x,y) e^{y-z-xs}` (= gamma(x,z)/gamma(x,y))
//! * `P(served, V > T | W>0) = x/(x+1) A(x+1,z)/A(x,y) e^{y-z-(x+1)s}`
//!
//! The last two follow from the conditional density of the virtual wait,
//! `f(s) = x/A(x,y) exp(-xs + y(1-e^{-s}))`, by substituting `u = y e^{-s}`.
//! The ASA of answered contacts has no incomplete-gamma closed form, so it
//! is summed over the number `k` already queued (PASTA):
//! `E[V e^{-V} | k] = x/(x+k+1) * sum_{i=1}^{k+1} 1/(x+i)` (V is a sum of
//! exponentials with rates x..x+k, patience survival is e^{-V}).

use super::erlang_c::ErlangB;
use super::error::StaffingError;
use super::gamma::{digamma, ln_a};
use super::model::{Figures, QueueModel, Targets};
use super::MAX_SERVERS;

const MAX_TERMS: usize = 10_000_000;

fn model(theta: f64) -> QueueModel {
    QueueModel::ErlangA {
        mean_patience_seconds: theta,
    }
}

fn nobody_served(servers: u32, load: f64, theta: f64) -> Figures {
    Figures {
        model: model(theta),
        servers,
        offered_load: load,
        stable: true,
        p_wait: 1.0,
        p_abandon: 1.0,
        sl_of_all_arrivals: 0.0,
        sl_of_answered: 0.0,
        sl_virtual_wait: 0.0,
        asa_seconds: f64::INFINITY,
        occupancy: 0.0,
    }
}

/// Erlang A figures; inputs are assumed validated.
pub(super) fn figures(
    servers: u32,
    load: f64,
    aht: f64,
    theta: f64,
    t: f64,
) -> Result<Figures, StaffingError> {
    if load <= 0.0 {
        return Ok(Figures {
            p_wait: 0.0,
            p_abandon: 0.0,
            sl_of_all_arrivals: 1.0,
            sl_of_answered: 1.0,
            sl_virtual_wait: 1.0,
            asa_seconds: 0.0,
            offered_load: 0.0,
            ..nobody_served(servers, 0.0, theta)
        });
    }
    if servers == 0 {
        return Ok(nobody_served(0, load, theta));
    }
    let mut b = ErlangB::new(load);
    b.advance_to(servers);
    from_b(&b, load, aht, theta, t, Detail::Full)
}

/// The search only needs what the targets test; the virtual-wait SL and (if
/// untargeted) the ASA series are filled in once, at the answer.
#[derive(Clone, Copy, PartialEq)]
enum Detail {
    Full,
    Search { asa: bool },
}

fn from_b(
    b: &ErlangB,
    load: f64,
    aht: f64,
    theta: f64,
    t: f64,
    detail: Detail,
) -> Result<Figures, StaffingError> {
    let n = f64::from(b.servers());
    let x = n * theta / aht;
    let y = load * theta / aht;
    let s = t / theta;
    let la = ln_a(x, y)?;
    let eb = b.blocking();
    // P(W>0) = 1 / (1 + (1/E - 1)/A), with (1/E - 1)/A formed in logs
    // because A overflows when overloaded and 1/E overflows when n >> A.
    let p_wait = if eb > 0.0 {
        1.0 / (1.0 + ((-eb).ln_1p() - eb.ln() - la.ln).exp())
    } else {
        0.0
    };
    let served_if_wait = (x / y * la.one_minus_inv).clamp(0.0, 1.0);
    let p_abandon = p_wait * (1.0 - served_if_wait);
    let (served_late, virtual_late) = if s > 0.0 {
        let z = y * (-s).exp();
        let y_minus_z = -y * (-s).exp_m1();
        let l1 = ln_a(x + 1.0, z)?;
        let sl = ((x / (x + 1.0)).ln() + l1.ln - la.ln + y_minus_z - (x + 1.0) * s).exp();
        let vl = if detail == Detail::Full {
            (ln_a(x, z)?.ln - la.ln + y_minus_z - x * s).exp()
        } else {
            0.0
        };
        (sl.clamp(0.0, served_if_wait), vl.clamp(0.0, 1.0))
    } else {
        (served_if_wait, 1.0)
    };
    let answered = 1.0 - p_abandon;
    let within = (1.0 - p_wait) + p_wait * (served_if_wait - served_late);
    let asa = if matches!(detail, Detail::Search { asa: false }) {
        0.0
    } else if answered > 0.0 {
        theta * p_wait * served_wait_given_wait(x, y)? / answered
    } else {
        f64::INFINITY
    };
    Ok(Figures {
        model: model(theta),
        servers: b.servers(),
        offered_load: load,
        stable: true,
        p_wait,
        p_abandon,
        sl_of_all_arrivals: within.clamp(0.0, 1.0),
        sl_of_answered: if answered > 0.0 {
            (within / answered).clamp(0.0, 1.0)
        } else {
            0.0
        },
        sl_virtual_wait: (1.0 - p_wait * virtual_late).clamp(0.0, 1.0),
        asa_seconds: asa,
        occupancy: (load * answered / n).clamp(0.0, 1.0),
    })
}

/// `E[V e^{-V} | W>0]` in patience units, i.e. E[wait; served | wait].
/// The queue-length weights `t_k ~ y^k / ((x+1)...(x+k))` are summed outward
/// from their mode with `t_mode = 1`; the normalising constant cancels, so
/// no term ever overflows even when A(x, y) itself would.
pub(super) fn served_wait_given_wait(x: f64, y: f64) -> Result<f64, StaffingError> {
    served_series(x, y).map(|(w, _)| w)
}

#[cfg(test)]
pub(super) fn served_series_for_test(x: f64, y: f64) -> Result<(f64, f64), StaffingError> {
    served_series(x, y)
}

/// Returns (E[V e^{-V} | wait], P(served | wait)); the second is only a
/// cross-check of the closed form.
fn served_series(x: f64, y: f64) -> Result<(f64, f64), StaffingError> {
    let mode = (y - x - 1.0).ceil().max(0.0);
    if mode > MAX_TERMS as f64 {
        return Err(StaffingError::NoConvergence("Erlang A wait series"));
    }
    // sum_{i=1}^{k+1} 1/(x+i) = psi(x+k+2) - psi(x+1)
    let h_mode = if mode < 64.0 {
        (1..=(mode as usize + 1))
            .map(|i| 1.0 / (x + i as f64))
            .sum()
    } else {
        digamma(x + mode + 2.0) - digamma(x + 1.0)
    };
    // acc = (sum t_k, sum t_k P(served|k), sum t_k E[V e^-V | k])
    let mut acc = [0.0_f64; 3];
    let add = |acc: &mut [f64; 3], k: f64, t: f64, h: f64| {
        let served = x / (x + k + 1.0);
        acc[0] += t;
        acc[1] += t * served;
        acc[2] += t * served * h;
    };
    let (mut k, mut t, mut h) = (mode, 1.0, h_mode);
    for _ in 0..MAX_TERMS {
        add(&mut acc, k, t, h);
        t *= y / (x + k + 1.0);
        h += 1.0 / (x + k + 2.0);
        k += 1.0;
        if t < acc[0] * 1e-18 {
            break;
        }
    }
    let (mut k, mut t, mut h) = (mode, 1.0, h_mode);
    while k >= 1.0 {
        t *= (x + k) / y;
        h -= 1.0 / (x + k + 1.0);
        k -= 1.0;
        add(&mut acc, k, t, h.max(0.0));
        if t < acc[0] * 1e-18 {
            break;
        }
    }
    Ok((acc[2] / acc[0], acc[1] / acc[0]))
}

/// Smallest n meeting `targets`. Carried load is at most n, so
/// `SL_all <= P(answered) <= n/A`: any `n < sl_target * A` fails and the
/// search starts at `floor(sl_target * A)`. Each evaluation costs a few
/// incomplete-gamma series, so instead of a linear scan it gallops upward
/// (1, 2, 4, ... servers) and then bisects; this relies on the targets being
/// monotone in n (SL up, ASA and occupancy down), which the property tests
/// check. The Erlang B recursion still only moves forward: its states are
/// kept so bisection can revisit them.
pub(super) fn min_servers(
    load: f64,
    aht: f64,
    theta: f64,
    targets: &Targets,
) -> Result<Figures, StaffingError> {
    if load <= 0.0 {
        return figures(0, 0.0, aht, theta, targets.sl_threshold_seconds);
    }
    let start = (targets.sl_target * load).floor().max(1.0);
    if start > f64::from(MAX_SERVERS) {
        return Err(StaffingError::TargetUnreachable(MAX_SERVERS));
    }
    // Whole number in [1, MAX_SERVERS]: exact cast.
    let start = start as u32;
    let max_index = (MAX_SERVERS - start) as usize;
    let detail = Detail::Search {
        asa: targets.asa_target_seconds.is_some(),
    };
    let t = targets.sl_threshold_seconds;
    let mut b = ErlangB::new(load);
    b.advance_to(start);
    let mut states = vec![b];
    let met = |i: usize, states: &mut Vec<ErlangB>| -> Result<bool, StaffingError> {
        while states.len() <= i {
            let mut next = states[states.len() - 1];
            next.step();
            states.push(next);
        }
        let f = from_b(&states[i], load, aht, theta, t, detail)?;
        Ok(targets.is_met_by(&f))
    };
    // Invariant: index `lo` fails (lo = None: start - 1, failing by the
    // bound above) and index `hi` passes.
    let (mut lo, mut step, mut i) = (None::<usize>, 1usize, 0usize);
    let mut hi = loop {
        if met(i, &mut states)? {
            break i;
        }
        if i >= max_index {
            return Err(StaffingError::TargetUnreachable(MAX_SERVERS));
        }
        lo = Some(i);
        i = (i + step).min(max_index);
        step *= 2;
    };
    let mut lo = lo.map_or(0, |l| l + 1);
    // Now every index below `lo` fails; find the first pass in [lo, hi].
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if met(mid, &mut states)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    from_b(&states[hi], load, aht, theta, t, Detail::Full)
}
