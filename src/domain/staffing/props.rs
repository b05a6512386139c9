//! Property tests over realistic and extreme inputs.

use proptest::prelude::*;

use super::requirement_tests::voice;
use super::*;

fn unit(x: f64) -> bool {
    (0.0..=1.0).contains(&x)
}

fn model(patience: Option<f64>) -> QueueModel {
    match patience {
        None => QueueModel::ErlangC,
        Some(theta) => QueueModel::ErlangA {
            mean_patience_seconds: theta,
        },
    }
}

fn patience() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![Just(None), (5.0..3600.0f64).prop_map(Some)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn figures_are_bounded(
        n in 0u32..400, load in 0.0..500.0f64, aht in 10.0..900.0f64,
        t in 0.0..300.0f64, p in patience(),
    ) {
        let f = queue_figures(model(p), n, load, aht, t).unwrap();
        prop_assert!(unit(f.p_wait) && unit(f.p_abandon) && unit(f.occupancy));
        prop_assert!(unit(f.sl_of_all_arrivals) && unit(f.sl_of_answered) && unit(f.sl_virtual_wait));
        prop_assert!(f.asa_seconds >= 0.0 && !f.asa_seconds.is_nan());
        if f.stable && n > 0 {
            prop_assert!(f.asa_seconds.is_finite(), "{:?}", f);
        }
    }

    #[test]
    fn sl_monotone_in_agents_and_load(
        n in 1u32..300, load in 0.1..300.0f64, dl in 0.0..20.0f64,
        t in 0.0..120.0f64, p in patience(),
    ) {
        let m = model(p);
        let f = queue_figures(m, n, load, 300.0, t).unwrap();
        let more = queue_figures(m, n + 1, load, 300.0, t).unwrap();
        let heavier = queue_figures(m, n, load + dl, 300.0, t).unwrap();
        prop_assert!(more.sl_of_all_arrivals >= f.sl_of_all_arrivals - 1e-12);
        prop_assert!(heavier.sl_of_all_arrivals <= f.sl_of_all_arrivals + 1e-12);
    }

    #[test]
    fn required_is_smallest(
        arrivals in 0.0..3000.0f64, aht in 60.0..900.0f64, t in 10.0..120.0f64,
        sl in 0.5..0.95f64, occ in 0.7..1.0f64, asa in prop::option::of(5.0..120.0f64),
        p in patience(), k in 1usize..4, shrink in 0.0..0.99f64, floor in 0u32..5, open: bool,
    ) {
        let input = IntervalInput {
            arrivals,
            handle_time: HandleTime::Concurrent { aht_by_concurrency: vec![aht; k] },
            sl_threshold_seconds: t,
            sl_target: sl,
            asa_target_seconds: asa,
            max_occupancy: occ,
            mean_patience_seconds: p,
            shrinkage: shrink,
            floor_agents: floor,
            open,
            ..voice(0.0)
        };
        let r = requirement(&input).unwrap();
        let n = r.required_by_load;
        if arrivals > 0.0 {
            prop_assert!(meets_targets(&input, n).unwrap());
            prop_assert!(!meets_targets(&input, n - 1).unwrap());
        } else {
            prop_assert_eq!(n, 0);
        }
        prop_assert_eq!(r.required, if open { n.max(floor) } else { n });
        prop_assert!(r.scheduled >= r.required);
        prop_assert!(f64::from(r.scheduled) * (1.0 - shrink) >= f64::from(r.required) * (1.0 - 1e-9));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The Erlang A search bisects; check it against a plain scan.
    #[test]
    fn erlang_a_search_equals_linear_scan(
        load in 0.5..120.0f64, aht in 60.0..600.0f64, theta in 5.0..1200.0f64,
        t in 0.0..90.0f64, sl in 0.3..0.95f64, occ in 0.6..1.0f64,
        asa in prop::option::of(2.0..60.0f64),
    ) {
        let m = QueueModel::ErlangA { mean_patience_seconds: theta };
        let targets = Targets { sl_threshold_seconds: t, sl_target: sl, asa_target_seconds: asa, max_occupancy: occ };
        let found = min_servers(m, load, aht, &targets).unwrap().servers;
        let first = (1..=found)
            .find(|&n| targets.is_met_by(&queue_figures(m, n, load, aht, t).unwrap()))
            .unwrap_or(0);
        prop_assert_eq!(first, found);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn huge_queues_are_finite(load in 1000.0..5000.0f64, n in 1000u32..=10_000, p in patience()) {
        let f = queue_figures(model(p), n, load, 300.0, 20.0).unwrap();
        prop_assert!(unit(f.p_wait) && unit(f.sl_of_all_arrivals) && unit(f.p_abandon));
        prop_assert!(!f.asa_seconds.is_nan());
    }
}
