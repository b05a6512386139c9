//! Shared queue-level types: which model, targets, and the figures at a
//! given number of servers.

use serde::{Deserialize, Serialize};

use super::error::{check_range, StaffingError};
use super::{erlang_a, erlang_c, MAX_LOAD_ERLANGS, MAX_SERVERS};

/// Queueing model used for one interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum QueueModel {
    /// M/M/n: nobody abandons.
    ErlangC,
    /// M/M/n+M: exponential patience with this mean (seconds).
    ErlangA { mean_patience_seconds: f64 },
}

/// Performance of `servers` servers facing `offered_load` Erlangs.
///
/// SL definitions (T = threshold):
/// * `sl_of_all_arrivals` = P(answered and wait <= T) / all arrivals. **This is
///   the one `Targets::sl_target` is compared with.** Abandoners count as
///   failures, so a queue cannot "buy" SL by losing customers.
/// * `sl_of_answered` = P(wait <= T | answered).
/// * `sl_virtual_wait` = 1 - P(V > T), V = the wait an infinitely patient
///   arrival would have.
///
/// For Erlang C all three coincide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub model: QueueModel,
    pub servers: u32,
    pub offered_load: f64,
    /// Erlang C needs `servers > offered_load`; Erlang A is always stable.
    pub stable: bool,
    pub p_wait: f64,
    pub p_abandon: f64,
    pub sl_of_all_arrivals: f64,
    pub sl_of_answered: f64,
    pub sl_virtual_wait: f64,
    /// Mean wait of answered contacts; `f64::INFINITY` when unstable or
    /// when nobody is answered (zero servers). Note that serde_json writes
    /// an infinite f64 as `null`.
    pub asa_seconds: f64,
    /// Carried load / servers (Erlang A carries only non-abandoned work).
    pub occupancy: f64,
}

/// Service targets; all must hold at once.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub sl_threshold_seconds: f64,
    /// Target for `Figures::sl_of_all_arrivals`, in [0, 1).
    pub sl_target: f64,
    /// Upper bound for `Figures::asa_seconds`, if any.
    pub asa_target_seconds: Option<f64>,
    /// Upper bound for `Figures::occupancy`, in (0, 1].
    pub max_occupancy: f64,
}

impl Targets {
    pub fn validate(&self) -> Result<(), StaffingError> {
        check_range(
            "sl_threshold_seconds",
            self.sl_threshold_seconds,
            0.0,
            86_400.0,
            "must be in [0, 86400]",
        )?;
        // 1.0 is excluded: every model only approaches 100% asymptotically.
        check_range(
            "sl_target",
            self.sl_target,
            0.0,
            1.0 - 1e-9,
            "must be in [0, 1)",
        )?;
        check_range(
            "max_occupancy",
            self.max_occupancy,
            1e-6,
            1.0,
            "must be in (0, 1]",
        )?;
        if let Some(asa) = self.asa_target_seconds {
            check_range(
                "asa_target_seconds",
                asa,
                1e-6,
                86_400.0,
                "must be in (0, 86400]",
            )?;
        }
        Ok(())
    }

    /// True when `f` meets every target. A positive load needs at least one
    /// server and (Erlang C) a stable queue, whatever the targets say.
    pub fn is_met_by(&self, f: &Figures) -> bool {
        if f.offered_load > 0.0 && (f.servers == 0 || !f.stable) {
            return false;
        }
        // The relative slack on occupancy lets exact boundaries such as
        // 236.3 / 278 = 0.85 pass despite the quotient rounding up in f64.
        f.sl_of_all_arrivals >= self.sl_target
            && f.occupancy <= self.max_occupancy * (1.0 + 1e-12)
            && self.asa_target_seconds.is_none_or(|t| f.asa_seconds <= t)
    }
}

/// Loads this small are zero for every practical purpose, and flushing them
/// keeps `lambda * theta` from underflowing in the Erlang A terms.
fn negligible_to_zero(load: f64) -> f64 {
    if load < 1e-200 {
        0.0
    } else {
        load
    }
}

pub(super) fn validate_queue(
    model: QueueModel,
    load: f64,
    aht_seconds: f64,
) -> Result<(), StaffingError> {
    check_range(
        "aht_seconds",
        aht_seconds,
        1.0,
        86_400.0,
        "must be in [1, 86400] seconds",
    )?;
    check_range(
        "offered_load",
        load,
        0.0,
        f64::MAX,
        "must be finite and >= 0",
    )?;
    if load > MAX_LOAD_ERLANGS {
        return Err(StaffingError::LoadTooLarge(load));
    }
    if let QueueModel::ErlangA {
        mean_patience_seconds,
    } = model
    {
        check_range(
            "mean_patience_seconds",
            mean_patience_seconds,
            1.0,
            1e7,
            "must be in [1, 1e7] seconds",
        )?;
    }
    Ok(())
}

/// Figures for `servers` servers, offered `load` Erlangs with mean service
/// time `aht_seconds`.
pub fn queue_figures(
    model: QueueModel,
    servers: u32,
    load: f64,
    aht_seconds: f64,
    sl_threshold_seconds: f64,
) -> Result<Figures, StaffingError> {
    validate_queue(model, load, aht_seconds)?;
    check_range(
        "sl_threshold_seconds",
        sl_threshold_seconds,
        0.0,
        86_400.0,
        "must be in [0, 86400]",
    )?;
    if servers > MAX_SERVERS {
        return Err(StaffingError::InvalidInput {
            field: "servers",
            value: f64::from(servers),
            reason: "must be at most 200000 (MAX_SERVERS)",
        });
    }
    let load = negligible_to_zero(load);
    match model {
        QueueModel::ErlangC => Ok(erlang_c::figures(
            servers,
            load,
            aht_seconds,
            sl_threshold_seconds,
        )),
        QueueModel::ErlangA {
            mean_patience_seconds,
        } => erlang_a::figures(
            servers,
            load,
            aht_seconds,
            mean_patience_seconds,
            sl_threshold_seconds,
        ),
    }
}

/// Smallest number of servers meeting `targets`, with its figures.
/// Zero load needs zero servers.
pub fn min_servers(
    model: QueueModel,
    load: f64,
    aht_seconds: f64,
    targets: &Targets,
) -> Result<Figures, StaffingError> {
    validate_queue(model, load, aht_seconds)?;
    targets.validate()?;
    let load = negligible_to_zero(load);
    match model {
        QueueModel::ErlangC => erlang_c::min_servers(load, aht_seconds, targets),
        QueueModel::ErlangA {
            mean_patience_seconds,
        } => erlang_a::min_servers(load, aht_seconds, mean_patience_seconds, targets),
    }
}
