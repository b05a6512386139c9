//! Per-interval entry points: load -> agents (with concurrency, floor and
//! shrinkage) and agents -> figures.

use serde::{Deserialize, Serialize};

use super::error::{check_range, StaffingError};
use super::model::{min_servers, queue_figures, Figures, QueueModel, Targets};
use super::MAX_SERVERS;

/// Handle time of one contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum HandleTime {
    /// One contact per agent at a time (voice, or chat without concurrency).
    Single { aht_seconds: f64 },
    /// Chat: `aht_by_concurrency[j]` is the AHT of a chat while the agent
    /// handles `j + 1` chats; the maximum concurrency `k` is the length.
    /// Only `aht_by_concurrency[k-1]` enters the model (see crate docs).
    Concurrent { aht_by_concurrency: Vec<f64> },
}

impl HandleTime {
    /// `aht_seconds` in every one of `concurrency` chat slots (one slot: a contact at a time).
    pub fn uniform(aht_seconds: f64, concurrency: u32) -> Self {
        if concurrency > 1 {
            HandleTime::Concurrent {
                aht_by_concurrency: vec![aht_seconds; concurrency as usize],
            }
        } else {
            HandleTime::Single { aht_seconds }
        }
    }
}

impl HandleTime {
    /// `(concurrency k, AHT per slot)`, validated.
    pub fn slots_and_aht(&self) -> Result<(u32, f64), StaffingError> {
        let check = |v: f64| {
            check_range(
                "aht_seconds",
                v,
                1.0,
                86_400.0,
                "must be in [1, 86400] seconds",
            )
        };
        match self {
            HandleTime::Single { aht_seconds } => Ok((1, check(*aht_seconds)?)),
            HandleTime::Concurrent { aht_by_concurrency } => {
                let last = *aht_by_concurrency
                    .last()
                    .ok_or(StaffingError::NoHandleTime)?;
                for &v in aht_by_concurrency {
                    check(v)?;
                }
                let k = u32::try_from(aht_by_concurrency.len())
                    .ok()
                    .filter(|&k| k <= 64)
                    .ok_or(StaffingError::InvalidInput {
                        field: "aht_by_concurrency",
                        value: aht_by_concurrency.len() as f64,
                        reason: "concurrency must be at most 64",
                    })?;
                Ok((k, last))
            }
        }
    }
}

/// One interval of one queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntervalInput {
    /// Forecast contacts arriving in the interval.
    pub arrivals: f64,
    pub interval_seconds: f64,
    pub handle_time: HandleTime,
    pub sl_threshold_seconds: f64,
    /// Target for `Figures::sl_of_all_arrivals`, in [0, 1).
    pub sl_target: f64,
    pub asa_target_seconds: Option<f64>,
    /// Cap on slot occupancy, in (0, 1].
    pub max_occupancy: f64,
    /// `None` -> Erlang C; `Some(theta)` -> Erlang A with mean patience theta.
    pub mean_patience_seconds: Option<f64>,
    /// Fraction of paid time not available for contacts, in [0, 1).
    pub shrinkage: f64,
    /// Minimum agents on the floor while `open` ("always a human").
    pub floor_agents: u32,
    pub open: bool,
}

/// Staffing requirement for one interval. Agent counts are productive
/// agents unless called `scheduled*`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// Smallest agents meeting all targets for the forecast load alone.
    pub required_by_load: u32,
    /// Floor in force (0 when closed).
    pub floor: u32,
    /// `max(required_by_load, floor)`.
    pub required: u32,
    /// `required - required_by_load`: what the floor costs this interval.
    pub floor_uplift: u32,
    /// `required_by_load` grossed up for shrinkage.
    pub scheduled_by_load: u32,
    /// `required` grossed up for shrinkage: agents to roster.
    pub scheduled: u32,
    /// Expected performance with `required` agents.
    pub figures: Figures,
}

struct Prepared {
    model: QueueModel,
    slots_per_agent: u32,
    aht: f64,
    load: f64,
}

fn prepare(input: &IntervalInput) -> Result<Prepared, StaffingError> {
    let (k, aht) = input.handle_time.slots_and_aht()?;
    check_range(
        "arrivals",
        input.arrivals,
        0.0,
        f64::MAX,
        "must be finite and >= 0",
    )?;
    check_range(
        "interval_seconds",
        input.interval_seconds,
        1.0,
        86_400.0,
        "must be in [1, 86400]",
    )?;
    check_range(
        "shrinkage",
        input.shrinkage,
        0.0,
        1.0 - 1e-9,
        "must be in [0, 1)",
    )?;
    let model = match input.mean_patience_seconds {
        None => QueueModel::ErlangC,
        Some(theta) => QueueModel::ErlangA {
            mean_patience_seconds: theta,
        },
    };
    Ok(Prepared {
        model,
        slots_per_agent: k,
        aht,
        load: input.arrivals / input.interval_seconds * aht,
    })
}

fn targets(input: &IntervalInput) -> Targets {
    Targets {
        sl_threshold_seconds: input.sl_threshold_seconds,
        sl_target: input.sl_target,
        asa_target_seconds: input.asa_target_seconds,
        max_occupancy: input.max_occupancy,
    }
}

/// `ceil(required / (1 - shrinkage))`. A relative slack of 1e-12 absorbs
/// float noise so that e.g. 8 / (1 - 0.2) gives 10, not 11.
pub fn scheduled_after_shrinkage(required: u32, shrinkage: f64) -> Result<u32, StaffingError> {
    check_range("shrinkage", shrinkage, 0.0, 1.0 - 1e-9, "must be in [0, 1)")?;
    let gross = f64::from(required) / (1.0 - shrinkage);
    let rounded = (gross * (1.0 - 1e-12)).ceil();
    if rounded > f64::from(u32::MAX) {
        return Err(StaffingError::TargetUnreachable(u32::MAX));
    }
    // Whole, non-negative and in range: the cast is exact.
    Ok(rounded as u32)
}

/// Agents needed for one interval (see the crate docs for the models).
pub fn requirement(input: &IntervalInput) -> Result<Requirement, StaffingError> {
    let p = prepare(input)?;
    let t = targets(input);
    let by_slots = min_servers(p.model, p.load, p.aht, &t)?;
    let k = p.slots_per_agent;
    let required_by_load = by_slots.servers.div_ceil(k);
    let floor = if input.open { input.floor_agents } else { 0 };
    let required = required_by_load.max(floor);
    let slots = required.checked_mul(k).filter(|&s| s <= MAX_SERVERS);
    let slots = slots.ok_or(StaffingError::TargetUnreachable(MAX_SERVERS))?;
    let figures = if slots == by_slots.servers {
        by_slots
    } else {
        queue_figures(p.model, slots, p.load, p.aht, input.sl_threshold_seconds)?
    };
    Ok(Requirement {
        required_by_load,
        floor,
        required,
        floor_uplift: required - required_by_load,
        scheduled_by_load: scheduled_after_shrinkage(required_by_load, input.shrinkage)?,
        scheduled: scheduled_after_shrinkage(required, input.shrinkage)?,
        figures,
    })
}

/// Expected figures with `agents` productive agents (each with `k` slots).
pub fn figures_for_agents(input: &IntervalInput, agents: u32) -> Result<Figures, StaffingError> {
    let p = prepare(input)?;
    targets(input).validate()?;
    let slots = agents.checked_mul(p.slots_per_agent);
    let slots = slots.ok_or(StaffingError::TargetUnreachable(MAX_SERVERS))?;
    queue_figures(p.model, slots, p.load, p.aht, input.sl_threshold_seconds)
}

/// Whether `agents` meet all targets of `input`.
pub fn meets_targets(input: &IntervalInput, agents: u32) -> Result<bool, StaffingError> {
    let f = figures_for_agents(input, agents)?;
    Ok(targets(input).is_met_by(&f))
}
