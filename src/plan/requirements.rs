//! Staffing requirements of a stored queue: its forecast human workload per interval turned into
//! agents with the queue's service level, concurrency, occupancy cap, shrinkage and floor.

use super::forecasting::{queue_forecast, Scenario};
use super::PlanError;
use crate::db::{queues::QueueRecord, DbConnection};
use crate::domain::queue::QueueSpec;
use crate::domain::staffing::{requirement, HandleTime, IntervalInput, QueueModel, StaffingError};
use crate::domain::validation::ValidationErrors;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// What-ifs a manager can apply on top of the queue's settings.
#[derive(Debug, Clone, Default)]
pub struct WhatIf {
    pub scenario: Scenario,
    /// Service-level target instead of the queue's.
    pub sl_target: Option<f64>,
    /// Average handle time (seconds) instead of the forecast's.
    pub aht_seconds: Option<f64>,
}

/// The requirement of one interval.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IntervalRequirement {
    pub start: DateTime<Utc>,
    /// The same instant on the queue's wall clock.
    pub local_start: String,
    pub open: bool,
    pub volume: f64,
    pub deflection_rate: f64,
    pub human_chats: f64,
    pub aht_seconds: f64,
    pub workload_erlangs: f64,
    /// Fewest agents on chats meeting the targets for the forecast load.
    pub required_by_load: u32,
    /// The "always a human" floor while open.
    pub floor: u32,
    /// max(required_by_load, floor).
    pub required: u32,
    /// What the floor adds this interval.
    pub floor_uplift: u32,
    /// `required` grossed up for shrinkage: agents to roster.
    pub scheduled: u32,
    /// Expected service level at `required` (answered within the threshold / all arrivals).
    pub service_level: f64,
    /// Expected average speed of answer at `required`; null when unbounded.
    pub asa_seconds: Option<f64>,
    pub p_abandon: f64,
    pub occupancy: f64,
}

/// Totals over the range, in agent-hours.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequirementTotals {
    pub human_chats: f64,
    pub required_agent_hours: f64,
    pub scheduled_agent_hours: f64,
    /// Agent-hours the floor adds on top of the load (what "always a human" costs).
    pub floor_agent_hours: f64,
    pub peak_scheduled: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequirementsReport {
    pub queue_id: String,
    pub time_zone: String,
    pub interval_minutes: u32,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `erlang_c` or `erlang_a`.
    pub model: String,
    pub service_level_target: f64,
    pub service_level_definition: String,
    pub totals: RequirementTotals,
    pub intervals: Vec<IntervalRequirement>,
}

/// The staffing input of one interval of a queue. The forecast AHT is what agents achieve at their
/// usual concurrency, so every chat slot uses it.
pub fn interval_input(
    spec: &QueueSpec,
    arrivals: f64,
    aht_seconds: f64,
    interval_seconds: f64,
    sl_target: f64,
    open: bool,
) -> IntervalInput {
    let handle_time = HandleTime::uniform(aht_seconds.max(1.0), spec.chat_concurrency);
    IntervalInput {
        arrivals: arrivals.max(0.0),
        interval_seconds,
        handle_time,
        sl_threshold_seconds: f64::from(spec.service_level.threshold_seconds),
        sl_target: sl_target.min(0.999_999),
        asa_target_seconds: None,
        max_occupancy: spec.max_occupancy,
        mean_patience_seconds: spec.patience_seconds.map(f64::from),
        shrinkage: spec.shrinkage,
        floor_agents: spec.staffing_floor,
        open,
    }
}

/// An interval whose forecast staffing cannot turn into agents, named by what drove it there: the
/// manager's what-if when there is one, the history the forecast came from otherwise.
fn unstaffable(
    e: &StaffingError,
    at: DateTime<Utc>,
    zone: Tz,
    what_if: &WhatIf,
) -> ValidationErrors {
    let field = match e {
        StaffingError::LoadTooLarge(_) if what_if.aht_seconds.is_some() => "aht_seconds",
        StaffingError::TargetUnreachable(_) if what_if.sl_target.is_some() => "sl_target",
        _ => "history",
    };
    ValidationErrors::single(
        field,
        format!(
            "the forecast for {} cannot be staffed: {e}",
            at.with_timezone(&zone).to_rfc3339()
        ),
    )
}

/// Requirements for the local dates `from..=to` of a queue.
pub fn queue_requirements(
    conn: &mut DbConnection,
    queue: &QueueRecord,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    what_if: &WhatIf,
) -> Result<RequirementsReport, PlanError> {
    let spec = &queue.spec;
    let mut errors = ValidationErrors::new();
    if let Some(t) = what_if.sl_target {
        if !(t > 0.0 && t < 1.0) {
            errors.add("sl_target", format!("must be in (0, 1), got {t}"));
        }
    }
    if let Some(a) = what_if.aht_seconds {
        if !(a.is_finite() && (1.0..=86_400.0).contains(&a)) {
            errors.add(
                "aht_seconds",
                format!("must be between 1 and 86400 seconds, got {a}"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (from, to, forecast) = queue_forecast(conn, queue, from, to, &what_if.scenario)?;
    let sl_target = what_if
        .sl_target
        .unwrap_or(spec.service_level.target)
        .min(0.999_999);
    let interval_seconds = f64::from(spec.interval_minutes) * 60.0;
    let hours_per_interval = interval_seconds / 3600.0;
    let zone = spec.time_zone.tz();
    let mut intervals = Vec::with_capacity(forecast.intervals.len());
    let mut totals = RequirementTotals {
        human_chats: 0.0,
        required_agent_hours: 0.0,
        scheduled_agent_hours: 0.0,
        floor_agent_hours: 0.0,
        peak_scheduled: 0,
    };
    let mut model = QueueModel::ErlangC;
    for f in &forecast.intervals {
        let aht = what_if.aht_seconds.unwrap_or(f.aht_seconds).max(1.0);
        let open = spec.is_open_at(f.start);
        let input = interval_input(spec, f.human_chats, aht, interval_seconds, sl_target, open);
        let r = requirement(&input).map_err(|e| unstaffable(&e, f.start, zone, what_if))?;
        model = r.figures.model;
        totals.human_chats += f.human_chats;
        totals.required_agent_hours += f64::from(r.required) * hours_per_interval;
        totals.scheduled_agent_hours += f64::from(r.scheduled) * hours_per_interval;
        totals.floor_agent_hours += f64::from(r.floor_uplift) * hours_per_interval;
        totals.peak_scheduled = totals.peak_scheduled.max(r.scheduled);
        intervals.push(IntervalRequirement {
            start: f.start,
            local_start: f.start.with_timezone(&zone).to_rfc3339(),
            open,
            volume: f.volume,
            deflection_rate: f.deflection_rate,
            human_chats: f.human_chats,
            aht_seconds: aht,
            workload_erlangs: f.human_chats * aht / interval_seconds,
            required_by_load: r.required_by_load,
            floor: r.floor,
            required: r.required,
            floor_uplift: r.floor_uplift,
            scheduled: r.scheduled,
            service_level: r.figures.sl_of_all_arrivals,
            asa_seconds: r
                .figures
                .asa_seconds
                .is_finite()
                .then_some(r.figures.asa_seconds),
            p_abandon: r.figures.p_abandon,
            occupancy: r.figures.occupancy,
        });
    }
    Ok(RequirementsReport {
        queue_id: queue.id.clone(),
        time_zone: zone.name().into(),
        interval_minutes: spec.interval_minutes,
        from,
        to,
        model: match model {
            QueueModel::ErlangC => "erlang_c".into(),
            QueueModel::ErlangA { .. } => "erlang_a".into(),
        },
        service_level_target: sl_target,
        service_level_definition: crate::domain::staffing::SERVICE_LEVEL_DEFINITION.into(),
        totals,
        intervals,
    })
}
