//! Erlang A checks against independent values.
//!
//! Reference numbers come from bench/reference_values.py: 40-digit mpmath,
//! birth-death stationary distribution for P(wait)/P(abandon), and the wait
//! of a tagged arrival through a killed pure-death chain (uniformisation for
//! SL, first-step analysis for ASA). That script shares no formula with the
//! incomplete-gamma closed forms implemented here. No published table was
//! at hand, so these are computed, not quoted.

use super::erlang_a::{figures, min_servers, served_wait_given_wait};
use super::erlang_c;
use super::gamma::ln_a;
use super::model::Targets;

fn close(what: &str, got: f64, want: f64, tol: f64) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} ± {tol}"
    );
}

#[test]
fn matches_birth_death_reference() {
    // (n, A, aht, theta, T) -> p_wait, p_ab, sl_all, sl_answered, asa
    let cases = [
        (
            (10, 10.0, 300.0, 120.0, 20.0),
            [
                0.442043885853,
                0.152438042708,
                0.649993587487,
                0.766898020722,
                15.0016694367,
            ],
        ),
        (
            (12, 10.0, 300.0, 600.0, 20.0),
            [
                0.341520215595,
                0.0391811484839,
                0.724251893047,
                0.753786098081,
                21.9820676472,
            ],
        ),
        (
            (5, 8.0, 240.0, 60.0, 30.0),
            [
                0.722660802047,
                0.430366677706,
                0.417072771861,
                0.732177622933,
                20.7355995424,
            ],
        ),
        // Overloaded: x < y - 1, so these go through the continued fraction.
        (
            (3, 8.0, 240.0, 300.0, 20.0),
            [
                0.992602463931,
                0.626150226645,
                0.0119699420676,
                0.0320180535626,
                257.750356989,
            ],
        ),
        (
            (40, 60.0, 180.0, 90.0, 15.0),
            [
                0.976225184511,
                0.334331781859,
                0.110626722458,
                0.166188980401,
                34.4827458298,
            ],
        ),
    ];
    for ((n, a, aht, theta, t), want) in cases {
        let f = figures(n, a, aht, theta, t).unwrap();
        close("p_wait", f.p_wait, want[0], 1e-9);
        close("p_abandon", f.p_abandon, want[1], 1e-9);
        close("sl_all", f.sl_of_all_arrivals, want[2], 1e-9);
        close("sl_answered", f.sl_of_answered, want[3], 1e-9);
        close("asa", f.asa_seconds, want[4], 1e-7);
        close(
            "occupancy",
            f.occupancy,
            a * (1.0 - want[1]) / n as f64,
            1e-9,
        );
    }
}

#[test]
fn closed_form_and_series_agree() {
    // P(served | wait) = (x/y)(1 - 1/A) must equal the queue-length series.
    for &(x, y) in &[(4.0, 2.0), (40.0, 40.0), (100.0, 300.0), (2000.0, 1990.0)] {
        let omi = ln_a(x, y).unwrap().one_minus_inv;
        let closed = x / y * omi;
        let ew = served_wait_given_wait(x, y).unwrap();
        assert!(ew.is_finite() && ew > 0.0);
        let (_, series) = super::erlang_a::served_series_for_test(x, y).unwrap();
        close("served|wait", series, closed, 1e-10);
    }
}

#[test]
fn infinite_patience_converges_to_erlang_c() {
    // theta -> inf: abandonment vanishes and Erlang A -> Erlang C (Palm).
    for &(n, a) in &[(11u32, 10.0), (12, 10.0), (14, 10.0), (110, 100.0)] {
        let c = erlang_c::figures(n, a, 180.0, 20.0);
        let ea = figures(n, a, 180.0, 1e7, 20.0).unwrap();
        close("p_wait", ea.p_wait, c.p_wait, 1e-4);
        close("sl", ea.sl_of_all_arrivals, c.sl_of_all_arrivals, 1e-4);
        close(
            "asa",
            ea.asa_seconds,
            c.asa_seconds,
            1e-3 * c.asa_seconds.max(1.0),
        );
        assert!(ea.p_abandon < 1e-4);
    }
}

#[test]
fn many_agents_means_no_abandonment() {
    let f = figures(400, 100.0, 300.0, 60.0, 20.0).unwrap();
    assert!(f.p_abandon < 1e-12 && f.sl_of_all_arrivals > 1.0 - 1e-12);
}

#[test]
fn overloaded_and_huge_are_finite() {
    for &(n, a, theta) in &[
        (1u32, 5000.0, 60.0),
        (4000, 5000.0, 120.0),
        (10_000, 5000.0, 600.0),
        (5000, 5000.0, 30.0),
    ] {
        let f = figures(n, a, 300.0, theta, 20.0).unwrap();
        for v in [
            f.p_wait,
            f.p_abandon,
            f.sl_of_all_arrivals,
            f.sl_of_answered,
            f.sl_virtual_wait,
            f.occupancy,
        ] {
            assert!((0.0..=1.0).contains(&v), "{f:?}");
        }
        assert!(f.asa_seconds.is_finite() && f.asa_seconds >= 0.0, "{f:?}");
    }
    // Overloaded: carried load can be at most n, so P(abandon) >= 1 - n/A.
    let f = figures(4000, 5000.0, 300.0, 120.0, 20.0).unwrap();
    assert!(f.p_abandon >= 0.2 - 1e-9 && f.occupancy > 0.99);
}

#[test]
fn search_can_go_below_load_with_impatient_customers() {
    // With 1 s patience and a 50% target nearly everyone who waits leaves at
    // once, so fewer agents than Erlangs suffice; n-1 must fail.
    let t = Targets {
        sl_threshold_seconds: 20.0,
        sl_target: 0.5,
        asa_target_seconds: None,
        max_occupancy: 1.0,
    };
    let f = min_servers(100.0, 300.0, 1.0, &t).unwrap();
    assert!(f.servers < 100 && f.sl_of_all_arrivals >= 0.5);
    let below = figures(f.servers - 1, 100.0, 300.0, 1.0, 20.0).unwrap();
    assert!(below.sl_of_all_arrivals < 0.5);
}
