//! The service level a roster's agents are expected to reach on a queue, by the staffing module's
//! models: the same chats, handle time, concurrency, patience and shrinkage the requirement was
//! sized with, but the agents the roster actually puts there.

use super::problem::{Queue, Workload};
use crate::domain::staffing::{figures_for_agents, HandleTime, IntervalInput};

/// Expected service level at interval `t` of `queue` with `scheduled` agents; `None` when the
/// queue carries no workload to judge it by.
pub(crate) fn of_queue(
    queue: &Queue,
    t: usize,
    interval_minutes: u32,
    open: bool,
    scheduled: f64,
) -> Option<f64> {
    let w = queue.workload.as_ref()?;
    expected_service_level(w, t, interval_minutes, open, scheduled)
}

/// Expected service level (answered within the threshold over all arrivals) at interval `t` with
/// `scheduled` agents on the queue; `None` when the workload cannot be evaluated there.
///
/// Split (fractional) agents and shrinkage leave whole productive agents only, as when the
/// requirement was rounded up to whole agents.
pub(crate) fn expected_service_level(
    w: &Workload,
    t: usize,
    interval_minutes: u32,
    open: bool,
    scheduled: f64,
) -> Option<f64> {
    let (arrivals, aht) = (*w.arrivals.get(t)?, *w.aht_seconds.get(t)?);
    if arrivals <= 0.0 {
        return Some(1.0);
    }
    let input = IntervalInput {
        arrivals,
        interval_seconds: f64::from(interval_minutes) * 60.0,
        handle_time: HandleTime::uniform(aht.max(1.0), w.chat_concurrency),
        sl_threshold_seconds: f64::from(w.sl_threshold_seconds),
        // Targets only steer a requirement search; the figures at a given staffing ignore them.
        sl_target: 0.0,
        asa_target_seconds: None,
        max_occupancy: 1.0,
        mean_patience_seconds: w.patience_seconds.map(f64::from),
        shrinkage: w.shrinkage,
        floor_agents: 0,
        open,
    };
    let productive = (scheduled * (1.0 - w.shrinkage) + 1e-9).floor().max(0.0) as u32;
    if productive == 0 {
        // Nobody there: no chat is answered in time.
        return Some(0.0);
    }
    figures_for_agents(&input, productive)
        .ok()
        .map(|f| f.sl_of_all_arrivals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chats(arrivals: f64) -> Workload {
        Workload {
            arrivals: vec![arrivals],
            aht_seconds: vec![300.0],
            sl_threshold_seconds: 60,
            chat_concurrency: 1,
            shrinkage: 0.0,
            patience_seconds: None,
        }
    }

    #[test]
    fn more_agents_answer_more_chats_in_time() {
        // 60 chats of 5 minutes in 30 minutes: 10 Erlangs.
        let w = chats(60.0);
        let sl = |agents: f64| expected_service_level(&w, 0, 30, true, agents).unwrap_or(-1.0);
        assert_eq!(
            sl(10.0),
            0.0,
            "at the load itself the queue grows without bound"
        );
        assert!(sl(11.0) > 0.0 && sl(11.0) < sl(13.0) && sl(13.0) < sl(16.0));
        assert!(sl(16.0) > 0.9);
        // Erlang C: 13 agents on 10 Erlangs answer about 85 % within a minute.
        assert!((sl(13.0) - 0.85).abs() < 0.03, "{}", sl(13.0));
    }

    #[test]
    fn shrinkage_and_split_agents_leave_whole_productive_agents() {
        let mut w = chats(60.0);
        let at = |w: &Workload, agents: f64| expected_service_level(w, 0, 30, true, agents);
        assert_eq!(at(&w, 13.7), at(&w, 13.0));
        w.shrinkage = 0.25;
        // 16 scheduled, a quarter of their time elsewhere: 12 on chats.
        assert_eq!(at(&w, 16.0), at(&chats(60.0), 12.0));
    }

    #[test]
    fn no_chats_are_all_answered_and_missing_values_are_unknown() {
        assert_eq!(
            expected_service_level(&chats(0.0), 0, 30, true, 0.0),
            Some(1.0)
        );
        assert_eq!(
            expected_service_level(&chats(5.0), 0, 30, true, 0.5),
            Some(0.0)
        );
        assert_eq!(expected_service_level(&chats(5.0), 1, 30, true, 3.0), None);
    }
}
