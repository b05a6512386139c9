use super::common::{date, local_midnight};
use crate::domain::forecast::*;
use chrono::Duration;
use chrono_tz::{America::Sao_Paulo, Europe::Stockholm};
use proptest::prelude::*;

fn row(
    start: chrono::DateTime<chrono::Utc>,
    offered: u32,
    handed: u32,
    aht: f64,
    reason: Option<&str>,
) -> HistoryRow {
    HistoryRow {
        start,
        offered,
        ai_resolved: offered - handed,
        handed_to_human: handed,
        abandoned: 0,
        aht_seconds: Some(aht),
        escalations: Some(handed / 2),
        escalation_aht_seconds: Some(aht * 1.2),
        reason: reason.map(String::from),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Arbitrary non-negative (sparse, spiky, gappy) histories give finite, non-negative
    /// forecasts with deflection in [0, 1] and ordered bounds; errors are allowed, panics not.
    #[test]
    fn forecasts_are_finite_and_non_negative(
        counts in prop::collection::vec((0u32..60, 0u32..=100, 0u8..10), 48 * 7),
        weeks in 3usize..6,
        use_reasons in any::<bool>(),
        sao_paulo in any::<bool>(),
        points in -100.0f64..100.0,
    ) {
        let zone = if sao_paulo { Sao_Paulo } else { Stockholm };
        let t0 = local_midnight(zone, date(2025, 1, 6));
        let mut rows = Vec::new();
        for k in 0..weeks * 7 * 48 {
            let (offered, pct, flag) = counts[k % counts.len()];
            if flag == 0 {
                continue; // missing interval
            }
            let offered = if flag == 9 { offered * 50 } else { offered };
            let handed = offered * pct / 100;
            let start = t0 + Duration::minutes(30 * k as i64);
            let reason = (use_reasons && flag % 2 == 0).then_some("billing");
            rows.push(row(start, offered, handed, 100.0 + f64::from(flag) * 50.0, reason));
        }
        let mut spec = ForecastSpec::new(zone, IntervalLength::Min30, 21);
        spec.overrides.push(ScenarioOverride {
            from: date(2025, 2, 20),
            reason: None,
            change: DeflectionChange::Points(points),
        });
        if let Ok(fc) = forecast(&rows, &spec) {
            prop_assert!(!fc.intervals.is_empty());
            for i in &fc.intervals {
                for v in [i.volume, i.human_chats, i.aht_seconds, i.workload_erlangs] {
                    prop_assert!(v.is_finite() && v >= 0.0, "{:?}", i);
                }
                prop_assert!((0.0..=1.0).contains(&i.deflection_rate));
                prop_assert!(i.human_chats <= i.volume + 1e-9);
                for b in [i.volume_bounds, i.human_bounds] {
                    prop_assert!(b.lo95 >= 0.0 && b.lo95 <= b.lo80 && b.lo80 <= b.hi80 && b.hi80 <= b.hi95);
                    prop_assert!(b.hi95.is_finite());
                }
            }
        }
    }

    /// Arbitrary rows never panic the validator, whatever their alignment or values.
    #[test]
    fn arbitrary_rows_never_panic(
        raw in prop::collection::vec((0i64..5_000_000, 0u32..1000, 0u32..1000, prop::option::of(-10.0f64..1e6)), 1..50),
        horizon in 0u32..100,
    ) {
        let base = local_midnight(Stockholm, date(2025, 1, 6));
        let rows: Vec<HistoryRow> = raw
            .iter()
            .map(|&(secs, offered, handed, aht)| HistoryRow {
                start: base + Duration::seconds(secs),
                offered,
                ai_resolved: 0,
                handed_to_human: handed,
                abandoned: 0,
                aht_seconds: aht,
                escalations: None,
                escalation_aht_seconds: None,
                reason: None,
            })
            .collect();
        let spec = ForecastSpec::new(Stockholm, IntervalLength::Min15, horizon);
        let _ = forecast(&rows, &spec);
        let _ = backtest(&rows, &spec, &BacktestSpec::default());
    }
}
