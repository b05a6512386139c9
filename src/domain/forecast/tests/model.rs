use super::common::{date, history, local_midnight};
use crate::domain::forecast::*;
use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Europe::Stockholm;

fn synthetic(weeks: usize, seed: u64) -> SyntheticHistory {
    generate(&SyntheticSpec::new(
        Stockholm,
        IntervalLength::Min15,
        date(2025, 1, 6),
        weeks,
        seed,
    ))
    .expect("generate")
}

fn spec_for(syn: &SyntheticHistory, days: u32) -> ForecastSpec {
    let mut spec = ForecastSpec::new(Stockholm, IntervalLength::Min15, days);
    spec.special_days = syn.special_days.clone();
    spec
}

fn local_date(i: &ForecastInterval) -> NaiveDate {
    i.start.with_timezone(&Stockholm).date_naive()
}

fn daily_total(fc: &Forecast, day: NaiveDate) -> f64 {
    fc.intervals
        .iter()
        .filter(|i| local_date(i) == day)
        .map(|i| i.volume)
        .sum()
}

#[test]
fn beats_seasonal_naive_with_calibrated_coverage() {
    let syn = synthetic(40, 7);
    let bt = BacktestSpec {
        weeks: 10,
        horizon_weeks: 4,
        step_days: 7,
    };
    let rep = backtest(&syn.rows, &spec_for(&syn, 28), &bt).expect("backtest");
    assert_eq!(rep.origins, 7);
    for c in [rep.volume, rep.human] {
        assert!(c.model.wape < c.naive.wape, "{c:?}");
        assert!(c.model.mase < c.naive.mase, "{c:?}");
        assert!(c.wape_improvement > 0.1, "{c:?}");
        let (c80, c95) = (
            c.model.coverage80.unwrap_or(0.0),
            c.model.coverage95.unwrap_or(0.0),
        );
        assert!((0.7..=0.9).contains(&c80), "80% coverage {c80}");
        assert!((0.88..=0.99).contains(&c95), "95% coverage {c95}");
    }
}

#[test]
fn deflection_trend_and_aht_follow_the_data() {
    let syn = synthetic(52, 3);
    let fc = forecast(&syn.rows, &spec_for(&syn, 28)).expect("forecast");
    let vol: f64 = fc.intervals.iter().map(|i| i.volume).sum();
    let hum: f64 = fc.intervals.iter().map(|i| i.human_chats).sum();
    // Generated rate ends at 75% and keeps rising by ~0.2 pt per week.
    let rate = 1.0 - hum / vol;
    assert!((0.74..0.79).contains(&rate), "deflection {rate}");
    assert_eq!(
        fc.reasons,
        vec!["billing".to_string(), "order_status".to_string()]
    );
    for i in &fc.intervals {
        assert!((0.0..=1.0).contains(&i.deflection_rate));
        assert!(
            (430.0..=650.0).contains(&i.aht_seconds),
            "aht {}",
            i.aht_seconds
        );
        let erl = i.human_chats * i.aht_seconds / 900.0;
        assert!((i.workload_erlangs - erl).abs() < 1e-9);
        let (v, h) = (i.volume_bounds, i.human_bounds);
        assert!(v.lo95 <= v.lo80 && v.lo80 <= v.hi80 && v.hi80 <= v.hi95);
        assert!(h.lo95 <= h.lo80 && h.lo80 <= h.hi80 && h.hi80 <= h.hi95);
    }
}

#[test]
fn special_days_close_scale_and_do_not_train() {
    let syn = synthetic(20, 11);
    let base_spec = spec_for(&syn, 21);
    let base = forecast(&syn.rows, &base_spec).expect("forecast");
    let first = local_date(&base.intervals[0]);
    let closed = first + chrono::Days::new(3);
    let half = first + chrono::Days::new(4);
    let mut spec = base_spec.clone();
    spec.special_days.push(SpecialDay {
        date: closed,
        effect: SpecialEffect::Closed,
    });
    spec.special_days.push(SpecialDay {
        date: half,
        effect: SpecialEffect::Multiplier(0.5),
    });
    let fc = forecast(&syn.rows, &spec).expect("forecast");
    for i in fc.intervals.iter().filter(|i| local_date(i) == closed) {
        assert_eq!(
            (
                i.volume,
                i.human_chats,
                i.workload_erlangs,
                i.volume_bounds.hi95
            ),
            (0.0, 0.0, 0.0, 0.0)
        );
    }
    let ratio = daily_total(&fc, half) / daily_total(&base, half);
    assert!((ratio - 0.5).abs() < 1e-9, "multiplier ratio {ratio}");

    // A x20 campaign day last week, marked special, must not distort the forecast.
    let spike_day = first - chrono::Days::new(5);
    let mut rows = syn.rows.clone();
    for r in rows
        .iter_mut()
        .filter(|r| r.start.with_timezone(&Stockholm).date_naive() == spike_day)
    {
        r.offered *= 20;
        r.ai_resolved *= 20;
        r.handed_to_human *= 20;
        r.abandoned *= 20;
        r.escalations = r.escalations.map(|e| e * 20);
    }
    let mut spiked = base_spec.clone();
    spiked.special_days.push(SpecialDay {
        date: spike_day,
        effect: SpecialEffect::Multiplier(20.0),
    });
    let fc = forecast(&rows, &spiked).expect("forecast");
    for d in 0..21 {
        let day = first + chrono::Days::new(d);
        let r = daily_total(&fc, day) / daily_total(&base, day);
        assert!((r - 1.0).abs() < 0.03, "day {day}: ratio {r}");
    }
}

#[test]
fn missing_intervals_and_outliers_are_absorbed() {
    let syn = synthetic(20, 5);
    let spec = spec_for(&syn, 14);
    let base = forecast(&syn.rows, &spec).expect("forecast");
    let last = syn.rows.last().map(|r| r.start).expect("rows");
    let mut rows: Vec<HistoryRow> = syn
        .rows
        .iter()
        .enumerate()
        // Drop ~10% of intervals and a whole day nine days before the end.
        .filter(|(k, r)| (k / 2) % 10 != 3 && (last - r.start).num_days() != 9)
        .map(|(_, r)| r.clone())
        .collect();
    // Unmarked outliers: 30 intervals with 40x volume.
    for r in rows.iter_mut().step_by(997).take(30) {
        r.offered *= 40;
        r.ai_resolved *= 40;
    }
    let fc = forecast(&rows, &spec).expect("forecast");
    let first = local_date(&base.intervals[0]);
    for d in 0..14 {
        let day = first + chrono::Days::new(d);
        let r = daily_total(&fc, day) / daily_total(&base, day);
        assert!((r - 1.0).abs() < 0.06, "day {day}: ratio {r}");
    }
}

#[test]
fn scenario_overrides_move_workload_the_right_way() {
    let syn = synthetic(20, 9);
    let spec = spec_for(&syn, 14);
    let base = forecast(&syn.rows, &spec).expect("forecast");
    let first = local_date(&base.intervals[0]);
    let from = first + chrono::Days::new(7);
    let work = |fc: &Forecast, late: bool| -> f64 {
        fc.intervals
            .iter()
            .filter(|i| (local_date(i) >= from) == late)
            .map(|i| i.workload_erlangs)
            .sum()
    };
    let run = |reason: Option<&str>, change| {
        let mut s = spec.clone();
        s.overrides.push(ScenarioOverride {
            from,
            reason: reason.map(String::from),
            change,
        });
        forecast(&syn.rows, &s)
    };
    let up = run(None, DeflectionChange::Points(10.0)).expect("forecast");
    assert!(work(&up, true) < 0.8 * work(&base, true));
    assert!(
        (work(&up, false) - work(&base, false)).abs() < 1e-6,
        "before `from` unchanged"
    );
    let billing = run(Some("billing"), DeflectionChange::Points(10.0)).expect("forecast");
    assert!(work(&billing, true) < work(&base, true) && work(&billing, true) > work(&up, true));
    let down = run(None, DeflectionChange::Absolute(0.2)).expect("forecast");
    assert!(work(&down, true) > 2.0 * work(&base, true));
    let full = run(None, DeflectionChange::Absolute(1.0)).expect("forecast");
    assert_eq!(work(&full, true), 0.0);
    assert!(matches!(
        run(Some("nope"), DeflectionChange::Points(1.0)),
        Err(ForecastError::InvalidSpec(_))
    ));
    assert!(matches!(
        run(None, DeflectionChange::Absolute(1.5)),
        Err(ForecastError::InvalidSpec(_))
    ));
}

#[test]
fn invalid_input_is_an_error_not_a_panic() {
    let rows = history(
        Stockholm,
        IntervalLength::Min15,
        date(2026, 1, 5),
        28,
        |t| 1 + t.hour(),
    );
    let spec = ForecastSpec::new(Stockholm, IntervalLength::Min15, 7);
    assert!(forecast(&rows, &spec).is_ok());
    assert_eq!(forecast(&[], &spec), Err(ForecastError::EmptyHistory));
    let mut bad = rows.clone();
    bad[5].start += chrono::Duration::minutes(1);
    assert!(matches!(
        forecast(&bad, &spec),
        Err(ForecastError::Misaligned(_))
    ));
    let mut bad = rows.clone();
    bad[5].handed_to_human = bad[5].offered + 1;
    assert!(matches!(
        forecast(&bad, &spec),
        Err(ForecastError::InvalidRow { .. })
    ));
    let mut bad = rows.clone();
    bad[5].aht_seconds = Some(f64::NAN);
    assert!(matches!(
        forecast(&bad, &spec),
        Err(ForecastError::InvalidRow { .. })
    ));
    let mut bad = rows.clone();
    bad.push(rows[3].clone());
    assert!(matches!(
        forecast(&bad, &spec),
        Err(ForecastError::DuplicateRow(_))
    ));
    for days in [0, 85] {
        let s = ForecastSpec::new(Stockholm, IntervalLength::Min15, days);
        assert!(matches!(
            forecast(&rows, &s),
            Err(ForecastError::InvalidSpec(_))
        ));
    }
    let short = &rows[..96 * 10];
    assert!(matches!(
        forecast(short, &spec),
        Err(ForecastError::InsufficientHistory { .. })
    ));
    let mut s = spec.clone();
    s.special_days.push(SpecialDay {
        date: date(2026, 2, 3),
        effect: SpecialEffect::Multiplier(f64::NAN),
    });
    assert!(matches!(
        forecast(&rows, &s),
        Err(ForecastError::InvalidSpec(_))
    ));
    let bt = BacktestSpec {
        weeks: 3,
        horizon_weeks: 6,
        step_days: 7,
    };
    assert!(matches!(
        backtest(&rows, &spec, &bt),
        Err(ForecastError::InvalidSpec(_))
    ));
    let bt = BacktestSpec {
        weeks: 3,
        horizon_weeks: 1,
        step_days: 7,
    };
    assert!(matches!(
        backtest(&rows, &spec, &bt),
        Err(ForecastError::InsufficientHistory { .. })
    ));
    let mut s = spec.clone();
    s.origin = Some(local_midnight(Stockholm, date(2026, 2, 2)) + chrono::Duration::minutes(5));
    assert!(matches!(
        forecast(&rows, &s),
        Err(ForecastError::InvalidSpec(_))
    ));
}

#[test]
fn synthetic_is_reproducible_and_shaped() {
    let a = synthetic(3, 42);
    assert_eq!(a, synthetic(3, 42));
    assert_ne!(a.rows, synthetic(3, 43).rows);
    // 3 weeks x 96 intervals x 2 reasons, no DST change in January.
    assert_eq!(a.rows.len(), 21 * 96 * 2);
    let by_hour = |h: u32| -> u32 {
        a.rows
            .iter()
            .filter(|r| {
                let l = r.start.with_timezone(&Stockholm);
                l.hour() == h && l.weekday().num_days_from_monday() < 5
            })
            .map(|r| r.offered)
            .sum()
    };
    assert!(by_hour(10) > 5 * by_hour(3), "intraday peak");
    let long = synthetic(104, 1);
    assert!(!long.special_days.is_empty());
}

#[test]
fn escalation_and_direct_handle_times_are_mixed() {
    // Escalations (AHT 800 s) are 50% of human chats, direct chats take 400 s.
    let mut rows = history(
        Stockholm,
        IntervalLength::Min30,
        date(2026, 1, 5),
        35,
        |t| 20 + t.hour(),
    );
    for r in rows.iter_mut() {
        let esc = r.handed_to_human / 2;
        let direct = r.handed_to_human - esc;
        r.escalations = Some(esc);
        r.escalation_aht_seconds = Some(800.0);
        r.aht_seconds = Some(
            (800.0 * f64::from(esc) + 400.0 * f64::from(direct))
                / f64::from(r.handed_to_human.max(1)),
        );
    }
    let spec = ForecastSpec::new(Stockholm, IntervalLength::Min30, 7);
    let fc = forecast(&rows, &spec).expect("forecast");
    for i in &fc.intervals {
        // Slight deviations from 600 s come from odd human counts (esc share just under 1/2).
        assert!(
            (i.aht_seconds - 600.0).abs() < 25.0,
            "aht {}",
            i.aht_seconds
        );
    }
    // A single-AHT history gives that AHT back.
    let rows = history(
        Stockholm,
        IntervalLength::Min30,
        date(2026, 1, 5),
        35,
        |t| 20 + t.hour(),
    );
    let fc = forecast(&rows, &spec).expect("forecast");
    assert!(fc
        .intervals
        .iter()
        .all(|i| (i.aht_seconds - 480.0).abs() < 1e-6));
    assert!(fc.by_reason.is_empty() && fc.reasons.is_empty());
}
