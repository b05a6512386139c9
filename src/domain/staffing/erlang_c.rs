//! Erlang B / Erlang C (M/M/n) and the smallest-n search.
//!
//! Erlang B uses the inverse recursion `1/B(n) = 1 + (n/A) / B(n-1)`
//! (Jagerman 1974): no factorials or powers, every term positive, so it is
//! stable for any n. It can only overflow to `+inf` when `n >> A`, where
//! `B = 1/inf = 0` is the correct limit.
//! Erlang C from B: `C = n B / (n - A (1 - B))` (valid for `n > A`),
//! `SL(T) = 1 - C e^{-(n-A) T / AHT}`, `ASA = C AHT / (n - A)`.

use super::error::StaffingError;
use super::model::{Figures, QueueModel, Targets};
use super::MAX_SERVERS;

/// Erlang B state that can be advanced one server at a time, so the
/// staffing search never restarts the recursion from n = 1.
#[derive(Debug, Clone, Copy)]
pub(super) struct ErlangB {
    n: u32,
    inv_load: f64,
    inv_b: f64,
}

impl ErlangB {
    /// `load` must be > 0.
    pub(super) fn new(load: f64) -> Self {
        ErlangB {
            n: 0,
            inv_load: 1.0 / load,
            inv_b: 1.0,
        }
    }

    pub(super) fn servers(&self) -> u32 {
        self.n
    }

    pub(super) fn step(&mut self) {
        self.n += 1;
        // n/A is off the dependency chain, leaving one mul + add per step.
        self.inv_b = 1.0 + self.inv_b * (f64::from(self.n) * self.inv_load);
    }

    pub(super) fn advance_to(&mut self, n: u32) {
        while self.n < n {
            self.step();
        }
    }

    pub(super) fn blocking(&self) -> f64 {
        1.0 / self.inv_b
    }
}

/// Erlang B blocking probability for `servers` servers and `load` Erlangs.
/// Returns 1 for zero servers and 0 for zero load.
pub fn erlang_b(servers: u32, load: f64) -> f64 {
    if servers == 0 {
        return 1.0;
    }
    if load.is_nan() || load <= 0.0 {
        return 0.0;
    }
    if load.is_infinite() {
        return 1.0;
    }
    let mut b = ErlangB::new(load);
    b.advance_to(servers);
    b.blocking()
}

fn zero_load(servers: u32) -> Figures {
    Figures {
        model: QueueModel::ErlangC,
        servers,
        offered_load: 0.0,
        stable: true,
        p_wait: 0.0,
        p_abandon: 0.0,
        sl_of_all_arrivals: 1.0,
        sl_of_answered: 1.0,
        sl_virtual_wait: 1.0,
        asa_seconds: 0.0,
        occupancy: 0.0,
    }
}

/// Figures from an Erlang B value already advanced to `b.servers()`.
fn from_b(b: &ErlangB, load: f64, aht: f64, t: f64) -> Figures {
    let n = f64::from(b.servers());
    if n <= load {
        return Figures {
            stable: false,
            p_wait: 1.0,
            sl_of_all_arrivals: 0.0,
            sl_of_answered: 0.0,
            sl_virtual_wait: 0.0,
            asa_seconds: f64::INFINITY,
            occupancy: 1.0,
            offered_load: load,
            ..zero_load(b.servers())
        };
    }
    let eb = b.blocking();
    let c = (n * eb / (n - load * (1.0 - eb))).clamp(0.0, 1.0);
    let sl = (1.0 - c * (-(n - load) * t / aht).exp()).clamp(0.0, 1.0);
    Figures {
        offered_load: load,
        p_wait: c,
        sl_of_all_arrivals: sl,
        sl_of_answered: sl,
        sl_virtual_wait: sl,
        asa_seconds: c * aht / (n - load),
        occupancy: load / n,
        ..zero_load(b.servers())
    }
}

/// Erlang C figures; inputs are assumed validated.
pub(super) fn figures(servers: u32, load: f64, aht: f64, t: f64) -> Figures {
    if load <= 0.0 {
        return zero_load(servers);
    }
    if servers == 0 {
        return from_b(&ErlangB::new(load), load, aht, t);
    }
    let mut b = ErlangB::new(load);
    b.advance_to(servers);
    from_b(&b, load, aht, t)
}

/// Smallest stable n meeting `targets`. Every target is monotone in n for
/// n > A (SL up, ASA and occupancy down), so a linear scan upward from
/// `floor(A) + 1` returns the minimum.
pub(super) fn min_servers(
    load: f64,
    aht: f64,
    targets: &Targets,
) -> Result<Figures, StaffingError> {
    if load <= 0.0 {
        return Ok(zero_load(0));
    }
    // floor(A)+1 is the first stable n; the occupancy cap often jumps further.
    // The cap estimate is backed off by one so float rounding in A/occ can
    // never skip the true minimum; the predicate itself decides.
    let first_stable = load.floor() + 1.0;
    let occ_bound = (load / targets.max_occupancy).ceil() - 1.0;
    let start = first_stable.max(occ_bound);
    if start > f64::from(MAX_SERVERS) {
        return Err(StaffingError::TargetUnreachable(MAX_SERVERS));
    }
    let mut b = ErlangB::new(load);
    // `start` is a whole number in [1, MAX_SERVERS], so the cast is exact.
    b.advance_to(start as u32);
    loop {
        let f = from_b(&b, load, aht, targets.sl_threshold_seconds);
        if targets.is_met_by(&f) {
            return Ok(f);
        }
        if b.servers() >= MAX_SERVERS {
            return Err(StaffingError::TargetUnreachable(MAX_SERVERS));
        }
        b.step();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want} ± {tol}");
    }

    #[test]
    fn erlang_b_table_values() {
        // Erlang B table (e.g. Cooper, "Introduction to Queueing Theory", App.;
        // also the standard Erlang B tables): A = 10, n = 10 -> B = 0.2146.
        close(erlang_b(10, 10.0), 0.2146, 5e-5);
        // A = 1, n = 1 -> B = A/(1+A) = 0.5 exactly (closed form).
        close(erlang_b(1, 1.0), 0.5, 1e-15);
        // mpmath 50-digit direct sum A^n/n! / sum_k A^k/k! (bench/reference_values.py):
        // A = 100, n = 110 -> 0.0274634484498
        close(erlang_b(110, 100.0), 0.027_463_448_449_8, 1e-12);
    }

    #[test]
    fn erlang_c_table_values() {
        // Classic Erlang C table: A = 10 Erlangs, n = 11 -> P(wait) = 0.6821,
        // n = 12 -> 0.4494 (e.g. Wikipedia "Erlang (unit)" / Erlang C tables).
        close(figures(11, 10.0, 180.0, 20.0).p_wait, 0.6821, 5e-5);
        close(figures(12, 10.0, 180.0, 20.0).p_wait, 0.4494, 5e-5);
    }

    #[test]
    fn callcentrehelper_worked_example() {
        // The Call Centre Helper "Erlang C formula made simple" scenario:
        // 100 calls / 30 min (A = 10), AHT 180 s, 80% in 20 s. Values computed
        // with 50-digit mpmath direct sums (bench/reference_values.py):
        // n = 13 -> SL 0.7955947884 (fails), n = 14 -> P(wait) 0.1741319336,
        // SL 0.8883500192, ASA 7.835937012 s.
        close(
            figures(13, 10.0, 180.0, 20.0).sl_of_all_arrivals,
            0.795_594_788_4,
            1e-9,
        );
        let f = figures(14, 10.0, 180.0, 20.0);
        close(f.p_wait, 0.174_131_933_6, 1e-9);
        close(f.sl_of_all_arrivals, 0.888_350_019_2, 1e-9);
        close(f.asa_seconds, 7.835_937_012, 1e-8);
        let targets = Targets {
            sl_threshold_seconds: 20.0,
            sl_target: 0.8,
            asa_target_seconds: None,
            max_occupancy: 1.0,
        };
        assert_eq!(
            min_servers(10.0, 180.0, &targets).map(|f| f.servers),
            Ok(14)
        );
    }

    #[test]
    fn unstable_and_zero() {
        let f = figures(10, 10.0, 300.0, 20.0);
        assert!(!f.stable && f.p_wait == 1.0 && f.sl_of_all_arrivals == 0.0);
        assert!(f.asa_seconds.is_infinite() && f.occupancy == 1.0);
        let z = figures(0, 0.0, 300.0, 20.0);
        assert_eq!(
            (z.p_wait, z.sl_of_all_arrivals, z.occupancy),
            (0.0, 1.0, 0.0)
        );
        assert_eq!(erlang_b(0, 5.0), 1.0);
        assert_eq!(erlang_b(10_000, 0.01), 0.0);
    }

    #[test]
    fn huge_values_stay_finite() {
        let f = figures(10_000, 5_000.0, 300.0, 20.0);
        assert!(f.p_wait.is_finite() && f.sl_of_all_arrivals == 1.0);
        let f = figures(5_001, 5_000.0, 300.0, 20.0);
        assert!(f.p_wait > 0.9 && f.p_wait <= 1.0 && f.asa_seconds.is_finite());
    }
}
