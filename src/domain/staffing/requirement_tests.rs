//! Edge cases of the per-interval entry point.

use super::*;

pub(super) fn voice(arrivals: f64) -> IntervalInput {
    IntervalInput {
        arrivals,
        interval_seconds: 1800.0,
        handle_time: HandleTime::Single { aht_seconds: 180.0 },
        sl_threshold_seconds: 20.0,
        sl_target: 0.8,
        asa_target_seconds: None,
        max_occupancy: 1.0,
        mean_patience_seconds: None,
        shrinkage: 0.0,
        floor_agents: 0,
        open: true,
    }
}

#[test]
fn classic_example_end_to_end() {
    // 100 calls / 30 min, AHT 180 s, 80/20: 14 agents (see erlang_c tests).
    let r = requirement(&voice(100.0)).unwrap();
    assert_eq!((r.required_by_load, r.required, r.scheduled), (14, 14, 14));
    // 30% shrinkage: 14 / 0.7 = 20 exactly, must not round to 21.
    let r = requirement(&IntervalInput {
        shrinkage: 0.3,
        ..voice(100.0)
    })
    .unwrap();
    assert_eq!(r.scheduled, 20);
}

#[test]
fn zero_arrivals_and_floor() {
    let input = IntervalInput {
        floor_agents: 2,
        ..voice(0.0)
    };
    let r = requirement(&input).unwrap();
    assert_eq!(
        (r.required_by_load, r.floor, r.required, r.floor_uplift),
        (0, 2, 2, 2)
    );
    assert_eq!(r.figures.p_wait, 0.0);
    let closed = requirement(&IntervalInput {
        open: false,
        ..input
    })
    .unwrap();
    assert_eq!((closed.floor, closed.required, closed.scheduled), (0, 0, 0));
    // The floor adds nothing when the load needs more.
    let busy = requirement(&IntervalInput {
        floor_agents: 2,
        ..voice(100.0)
    })
    .unwrap();
    assert_eq!((busy.required, busy.floor_uplift), (14, 0));
}

#[test]
fn shrinkage_extremes() {
    assert_eq!(scheduled_after_shrinkage(14, 0.0), Ok(14));
    assert_eq!(scheduled_after_shrinkage(14, 0.99), Ok(1400));
    assert_eq!(scheduled_after_shrinkage(8, 0.2), Ok(10));
    assert_eq!(scheduled_after_shrinkage(10, 0.2), Ok(13));
    assert!(scheduled_after_shrinkage(1, 1.0).is_err());
    assert!(scheduled_after_shrinkage(1, -0.1).is_err());
    assert!(scheduled_after_shrinkage(1, f64::NAN).is_err());
}

#[test]
fn load_at_or_above_agents() {
    let f = figures_for_agents(&voice(100.0), 10).unwrap();
    assert_eq!(
        (f.p_wait, f.sl_of_all_arrivals, f.stable),
        (1.0, 0.0, false)
    );
    assert_eq!(meets_targets(&voice(100.0), 10), Ok(false));
}

#[test]
fn concurrency_one_equals_plain_erlang() {
    let single = requirement(&voice(100.0)).unwrap();
    let chat = IntervalInput {
        handle_time: HandleTime::Concurrent {
            aht_by_concurrency: vec![180.0],
        },
        ..voice(100.0)
    };
    assert_eq!(requirement(&chat).unwrap(), single);
}

#[test]
fn concurrency_uses_full_concurrency_aht() {
    // k = 3, aht_3 = 450 s: 200 chats / 30 min -> 50 Erlangs on slots.
    let chat = IntervalInput {
        arrivals: 200.0,
        handle_time: HandleTime::Concurrent {
            aht_by_concurrency: vec![300.0, 360.0, 450.0],
        },
        ..voice(0.0)
    };
    let r = requirement(&chat).unwrap();
    let slots = min_servers(
        QueueModel::ErlangC,
        50.0,
        450.0,
        &Targets {
            sl_threshold_seconds: 20.0,
            sl_target: 0.8,
            asa_target_seconds: None,
            max_occupancy: 1.0,
        },
    )
    .unwrap()
    .servers;
    assert_eq!(r.required_by_load, slots.div_ceil(3));
    assert_eq!(r.figures.servers, r.required * 3);
    assert!(!meets_targets(&chat, r.required - 1).unwrap());
}

#[test]
fn erlang_a_needs_no_more_than_erlang_c() {
    let c = requirement(&voice(300.0)).unwrap();
    let a = requirement(&IntervalInput {
        mean_patience_seconds: Some(120.0),
        ..voice(300.0)
    })
    .unwrap();
    assert!(a.required <= c.required && a.figures.sl_of_all_arrivals >= 0.8);
}

#[test]
fn asa_and_occupancy_targets_bind() {
    let asa = requirement(&IntervalInput {
        asa_target_seconds: Some(2.0),
        ..voice(100.0)
    })
    .unwrap();
    assert!(asa.required > 14 && asa.figures.asa_seconds <= 2.0);
    let occ = requirement(&IntervalInput {
        max_occupancy: 0.6,
        ..voice(100.0)
    })
    .unwrap();
    // A = 10 -> at least ceil(10 / 0.6) = 17.
    assert_eq!(occ.required, 17);
}

#[test]
fn invalid_inputs_are_errors_not_panics() {
    let bad = [
        IntervalInput {
            arrivals: f64::NAN,
            ..voice(1.0)
        },
        IntervalInput {
            arrivals: -1.0,
            ..voice(1.0)
        },
        IntervalInput {
            interval_seconds: 0.0,
            ..voice(1.0)
        },
        IntervalInput {
            sl_target: 1.0,
            ..voice(1.0)
        },
        IntervalInput {
            max_occupancy: 0.0,
            ..voice(1.0)
        },
        IntervalInput {
            mean_patience_seconds: Some(f64::INFINITY),
            ..voice(1.0)
        },
        IntervalInput {
            asa_target_seconds: Some(0.0),
            ..voice(1.0)
        },
        IntervalInput {
            handle_time: HandleTime::Concurrent {
                aht_by_concurrency: vec![],
            },
            ..voice(1.0)
        },
        IntervalInput {
            handle_time: HandleTime::Single {
                aht_seconds: f64::INFINITY,
            },
            ..voice(1.0)
        },
        IntervalInput {
            arrivals: 1e12,
            ..voice(1.0)
        },
    ];
    for input in bad {
        assert!(requirement(&input).is_err(), "{input:?}");
    }
}

#[test]
fn vanishing_load_is_zero_not_nan() {
    for p in [None, Some(60.0)] {
        let input = IntervalInput {
            arrivals: 1e-300,
            mean_patience_seconds: p,
            ..voice(0.0)
        };
        let r = requirement(&input).unwrap();
        assert_eq!(r.required_by_load, 0);
        let f = figures_for_agents(&input, 3).unwrap();
        assert!(f.p_wait == 0.0 && f.sl_of_all_arrivals == 1.0 && f.asa_seconds == 0.0);
    }
}
