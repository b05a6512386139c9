//! Special functions for Erlang A, all evaluated in log space.
//!
//! Erlang A needs `A(a, z) = sum_{k>=0} z^k / ((a+1)(a+2)...(a+k))`, which is
//! the regularized lower incomplete gamma `P(a, z)` divided by the Poisson-like
//! prefactor `z^a e^{-z} / Gamma(a+1)` (Mandelbaum & Zeltyn's `A(x, y)`).
//! In an overloaded queue `A` exceeds `f64::MAX`, so only `ln A` is returned.
//! The series / continued-fraction split follows Numerical Recipes §6.2
//! (`gser`/`gcf`), which converge fast on either side of `z = a + 1`.

use super::error::StaffingError;

/// Enough for `sqrt(a)`-length series at `a` ~ 1e11 (the largest the
/// validated input ranges can produce).
const MAX_ITER: usize = 10_000_000;
const EPS: f64 = 1e-17;
const FPMIN: f64 = 1e-300;
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Stirling remainder `ln Gamma(a+1) - [(a+1/2) ln a - a + ln sqrt(2 pi)]`;
/// the truncation error at `a >= 15` is below 1e-14.
fn stirling_err(a: f64) -> f64 {
    let r = 1.0 / a;
    let r2 = r * r;
    r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 * (1.0 / 1260.0 - r2 * (1.0 / 1680.0 - r2 / 1188.0))))
}

/// `ln Gamma(x)` for `x > 0`: shift up to 15 by the recurrence, then Stirling.
pub(super) fn ln_gamma(x: f64) -> f64 {
    let mut shift = 1.0;
    let mut y = x;
    while y < 15.0 {
        shift *= y;
        y += 1.0;
    }
    // ln Gamma(y) = ln Gamma(y+1) - ln y
    (y - 0.5) * y.ln() - y + LN_SQRT_2PI + stirling_err(y) - shift.ln()
}

/// Digamma for `x > 0`: recurrence up to 12 (series error < 3e-15 there),
/// then the asymptotic series.
pub(super) fn digamma(x: f64) -> f64 {
    let mut acc = 0.0;
    let mut y = x;
    while y < 12.0 {
        acc -= 1.0 / y;
        y += 1.0;
    }
    let r2 = 1.0 / (y * y);
    acc + y.ln()
        - 0.5 / y
        - r2 * (1.0 / 12.0
            - r2 * (1.0 / 120.0 - r2 * (1.0 / 252.0 - r2 * (1.0 / 240.0 - r2 / 132.0))))
}

/// `ln( z^a e^{-z} / Gamma(a+1) )`. For large `a` this is written as
/// `a (ln1p(d) - d) - ...` with `d = (z-a)/a` (Loader's saddle-point form)
/// so the two huge terms `a ln z` and `z` never cancel.
pub(super) fn ln_prefactor(a: f64, z: f64) -> f64 {
    if z <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if a >= 15.0 {
        let d = (z - a) / a;
        a * (d.ln_1p() - d) - 0.5 * a.ln() - LN_SQRT_2PI - stirling_err(a)
    } else {
        a * z.ln() - z - ln_gamma(a + 1.0)
    }
}

/// `ln A(a, z)` plus `1 - 1/A` computed without cancellation (needed for
/// P(served | wait) when the queue is light and `A` is barely above 1).
#[derive(Debug, Clone, Copy)]
pub(super) struct LnA {
    pub ln: f64,
    pub one_minus_inv: f64,
}

/// `A(a, z)` for `a > 0`, `z >= 0`.
pub(super) fn ln_a(a: f64, z: f64) -> Result<LnA, StaffingError> {
    if z <= 0.0 {
        return Ok(LnA {
            ln: 0.0,
            one_minus_inv: 0.0,
        });
    }
    if z < a + 1.0 {
        // Terms shrink from k = 1 on; summing the tail separately keeps
        // A - 1 exact when it is tiny.
        let mut term = 1.0;
        let mut tail = 0.0;
        for k in 1..MAX_ITER {
            term *= z / (a + k as f64);
            tail += term;
            if term <= tail * EPS {
                return Ok(LnA {
                    ln: tail.ln_1p(),
                    one_minus_inv: tail / (1.0 + tail),
                });
            }
        }
        return Err(StaffingError::NoConvergence("incomplete gamma series"));
    }
    let h = upper_gamma_cf(a, z)?;
    // Q(a, z) = a * prefactor * CF; here Q < ~0.6 so 1 - Q is benign.
    let lpf = ln_prefactor(a, z);
    let q = (a.ln() + lpf + h.ln()).exp().min(1.0);
    let ln = (-q).ln_1p() - lpf;
    Ok(LnA {
        ln,
        one_minus_inv: -(-ln).exp_m1(),
    })
}

/// Modified Lentz evaluation of the continued fraction for `Q(a, z)`
/// without its prefactor (Numerical Recipes `gcf`).
fn upper_gamma_cf(a: f64, z: f64) -> Result<f64, StaffingError> {
    let mut b = z + 1.0 - a;
    let mut c = 1.0 / FPMIN;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_ITER {
        let fi = i as f64;
        let an = -fi * (fi - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = b + an / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            return Ok(h);
        }
    }
    Err(StaffingError::NoConvergence(
        "incomplete gamma continued fraction",
    ))
}

/// Regularized lower incomplete gamma `P(a, z) = A(a, z) * prefactor`;
/// only the tests need it in this form.
#[cfg(test)]
pub(super) fn regularized_lower_gamma(a: f64, z: f64) -> Result<f64, StaffingError> {
    let la = ln_a(a, z)?;
    Ok((la.ln + ln_prefactor(a, z)).exp().min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_matches_factorials() {
        // Gamma(n) = (n-1)!, exact integers.
        let mut f = 1.0_f64;
        for n in 1..40 {
            let got = ln_gamma(n as f64);
            assert!(
                (got - f.ln()).abs() < 1e-12 * f.ln().abs().max(1.0),
                "n={n}"
            );
            f *= n as f64;
        }
        // Gamma(1/2) = sqrt(pi).
        let want = std::f64::consts::PI.sqrt().ln();
        assert!((ln_gamma(0.5) - want).abs() < 1e-13);
    }

    #[test]
    fn digamma_known_values() {
        // psi(1) = -Euler-Mascheroni; psi(x+1) = psi(x) + 1/x.
        let euler = 0.577_215_664_901_532_9;
        assert!((digamma(1.0) + euler).abs() < 1e-13);
        assert!((digamma(11.0) - digamma(10.0) - 0.1).abs() < 1e-14);
        // psi(1/2) = -gamma - 2 ln 2.
        assert!((digamma(0.5) + euler + 2.0 * 2f64.ln()).abs() < 1e-13);
    }

    #[test]
    fn incomplete_gamma_closed_forms() {
        // P(1, z) = 1 - e^{-z}; P(n, z) = 1 - e^{-z} sum_{j<n} z^j/j! (Poisson CDF identity).
        for &z in &[0.01, 0.5, 1.0, 3.0, 10.0, 40.0] {
            let p1 = regularized_lower_gamma(1.0, z).unwrap();
            assert!((p1 + (-z).exp_m1()).abs() < 1e-14, "z={z}");
            for n in [2usize, 5, 20] {
                let mut s = 0.0;
                let mut t = 1.0;
                for j in 0..n {
                    if j > 0 {
                        t *= z / j as f64;
                    }
                    s += t;
                }
                let want = 1.0 - (-z).exp() * s;
                let got = regularized_lower_gamma(n as f64, z).unwrap();
                assert!(
                    (got - want).abs() < 1e-13,
                    "n={n} z={z} got={got} want={want}"
                );
            }
        }
    }

    #[test]
    fn a_function_recurrence_on_both_branches() {
        // A(a, z) = 1 + z/(a+1) A(a+1, z) straight from the series definition;
        // exercises series/series, CF/CF and mixed pairs.
        for &(a, z) in &[
            (3.0, 2.0),
            (10.0, 30.0),
            (1000.0, 1000.5),
            (2000.0, 5000.0),
            (0.2, 0.9),
        ] {
            let l0 = ln_a(a, z).unwrap().ln;
            let l1 = ln_a(a + 1.0, z).unwrap().ln;
            // ln(1 + e^u) evaluated as a softplus so it cannot overflow.
            let u = (z / (a + 1.0)).ln() + l1;
            let rhs = u.max(0.0) + (-u.abs()).exp().ln_1p();
            assert!((l0 - rhs).abs() < 1e-10 * l0.abs().max(1.0), "a={a} z={z}");
        }
    }
}
