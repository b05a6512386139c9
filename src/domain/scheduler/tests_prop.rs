//! Property test: random small instances always validate cleanly, judging a roster anew
//! from its shifts finds the solver's diagnostics, and a work-limited solve gives the same
//! roster twice.

use super::testkit::*;
use super::*;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]
    #[test]
    fn random_instances_validate(seed in 0u64..1_000_000, agents in 1usize..5, min_h in 0u32..30) {
        let n = 336;
        let zones = ["UTC", "Europe/Stockholm", "America/Los_Angeles", "Asia/Manila", "Asia/Kolkata"];
        let mut s = seed;
        let mut next = move || { s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (s >> 33) as usize };
        let q1 = queue("en", "en", n, |i| ((i * 7 + seed as usize) % 5) as f64 * 0.5);
        let mut q2 = queue("sv", "sv", n, |i| if (i % 48) > 14 { 1.0 } else { 0.0 });
        q2.floor = 1;
        q2.open = Some((0..n).map(|i| (i % 48) >= 12).collect());
        let ags: Vec<Agent> = (0..agents).map(|k| {
            let z = zones[next() % zones.len()];
            let langs: &[&str] = if next() % 2 == 0 { &["en", "sv"] } else { &["en"] };
            let mut a = agent(&format!("a{k}"), z, langs, &WEEK[..(3 + next() % 5)], hm((next() % 12) as u32, 30), hm((next() % 24) as u32, 0));
            a.contract = contract(f64::from(min_h), 40.0, 5);
            a.contract.min_consecutive_days_off = 2;
            a.contract.max_weekends = (next() % 2) as u32;
            a
        }).collect();
        let mut t8 = template("8h", 8, 30);
        t8.breaks.push(BreakRule { length_minutes: 30, window_start_minutes: 180, window_end_minutes: 300 });
        let p = problem("2026-10-19T00:00:00Z", vec![q1, q2], ags, vec![t8, template("4h", 4, 60)]);
        let r = solve_with(&p, &SolveOptions { time_limit_seconds: 5.0, mip_gap: 0.01, ..Default::default() });
        prop_assert!(r.objective.is_finite());
        // Judged anew from its shifts (as after a hand edit), the roster has the solver's diagnostics.
        let mut again = r.clone();
        recompute::recompute(&p, &mut again);
        let sorted = |d: &[Diagnostic]| {
            let mut v: Vec<String> = d.iter().map(|d| format!("{d:?}")).collect();
            v.sort();
            v
        };
        prop_assert_eq!(sorted(&again.diagnostics), sorted(&r.diagnostics));
        // Under a work limit the same instance gives the same roster again.
        let limited = SolveOptions { time_limit_seconds: 60.0, work_limit: Some(0.3), mip_gap: 0.0, ..Default::default() };
        let (_, first) = roster_json(&p, &limited);
        prop_assert_eq!(roster_json(&p, &limited).1, first);
    }
}
