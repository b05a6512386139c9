//! Output types (the JSON response of `POST /api/v1/solve`).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = RosterSolverStatus)]
#[serde(rename_all = "kebab-case")]
pub enum SolverStatus {
    /// MIP proven optimal within HiGHS tolerances (gap <= 1e-6).
    Optimal,
    /// MIP stopped at the requested relative gap.
    GapLimit,
    /// MIP stopped at the time limit with an incumbent.
    TimeLimit,
    /// MIP stopped at the work limit with an incumbent: the same input and options
    /// give the same roster.
    WorkLimit,
    /// The greedy roster is returned (MIP disabled, failed, or not better).
    GreedyFallback,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterQueueShare)]
pub struct QueueShare {
    pub queue_id: String,
    /// Fraction of the interval spent on this queue (multi-skill split).
    pub share: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterShiftInterval)]
pub struct ShiftInterval {
    pub start_utc: DateTime<Utc>,
    /// Empty during a break or when none of the agent's queues is open.
    pub serving: Vec<QueueShare>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterBreakOut)]
pub struct BreakOut {
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub start_local: DateTime<FixedOffset>,
    pub end_local: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterShiftOut)]
pub struct ShiftOut {
    pub agent_id: String,
    pub zone: String,
    /// `None` for pinned shifts that match no template.
    pub template_id: Option<String>,
    pub pinned: bool,
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    pub start_local: DateTime<FixedOffset>,
    pub end_local: DateTime<FixedOffset>,
    pub breaks: Vec<BreakOut>,
    pub intervals: Vec<ShiftInterval>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterQueueInterval)]
pub struct QueueInterval {
    pub start_utc: DateTime<Utc>,
    pub open: bool,
    pub required: f64,
    /// Agents scheduled on the queue (fractional where split). This is the hook
    /// for the staffing module to compute the expected service level.
    pub scheduled: f64,
    pub shortfall: f64,
    pub floor: u32,
    pub floor_met: bool,
    /// Expected service level with the scheduled agents, when the queue carries a `workload`
    /// (stored schedules do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_service_level: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterQueueCoverage)]
pub struct QueueCoverage {
    pub queue_id: String,
    pub intervals: Vec<QueueInterval>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterAgentHours)]
pub struct AgentHours {
    pub agent_id: String,
    /// Paid (elapsed shift) hours per week of the period, in this roster.
    pub hours_per_week: Vec<f64>,
    /// Hours per week the agent holds for other queues (the problem's `held` shifts, on the
    /// grid): the contract's weekly limits apply to both sums together.
    #[serde(default)]
    pub held_hours_per_week: Vec<f64>,
    pub min_hours_per_week: f64,
    pub max_hours_per_week: f64,
    pub shifts: u32,
    pub nights: u32,
    pub weekends: u32,
    /// Summed weights of the agent's preferences the roster goes against, every
    /// shift counted (pinned ones too), times the objective's `preference` weight.
    pub preference_cost: f64,
    /// Shifts that go against at least one of the agent's preferences.
    #[serde(default)]
    pub preference_violations: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterKpis)]
pub struct Kpis {
    /// Sum of min(scheduled, required) / sum of required over open intervals.
    pub coverage_pct: f64,
    pub intervals_understaffed: u32,
    pub total_shortfall_agent_hours: f64,
    pub total_over_agent_hours: f64,
    pub paid_hours: f64,
    /// Max - min nights / weekends over agents with at least one shift.
    pub nights_spread: u32,
    pub weekends_spread: u32,
    /// Max - min shifts against the agent's own preferences, over agents with at
    /// least one shift and at least one preference.
    #[serde(default)]
    pub preference_violations_spread: u32,
    pub agents: Vec<AgentHours>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = RosterDiagnostic)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Diagnostic {
    /// Contract minimum cannot be reached with availability/templates/max shifts:
    /// treated as unattainable (not enforced) and reported.
    MinHoursUnattainable {
        agent_id: String,
        week: u32,
        min_hours: f64,
        reachable_hours: f64,
    },
    /// Attainable minimum that the roster still misses (other rules interfere).
    MinHoursNotMet {
        agent_id: String,
        week: u32,
        min_hours: f64,
        hours: f64,
    },
    /// No shift option at all (availability vs templates vs opening hours).
    NoShiftOptions {
        agent_id: String,
    },
    /// Shortfall (or floor miss) for a queue over a UTC time range, with cause.
    Understaffed {
        queue_id: String,
        start_utc: DateTime<Utc>,
        end_utc: DateTime<Utc>,
        reason: ShortfallReason,
        floor_missed: bool,
        max_shortfall: f64,
    },
    /// Shifts of the MIP that could not be given to a member of their group.
    DisaggregationDropped {
        shifts: u32,
    },
    Info {
        message: String,
    },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = RosterShortfallReason)]
#[serde(rename_all = "snake_case")]
pub enum ShortfallReason {
    /// Nobody who speaks the language is available then.
    NoQualifiedAgentAvailable,
    /// Qualified agents are available but every one is already working then,
    /// or cannot take any extra shift covering it (contract or rest limits).
    QualifiedAgentsAtContractOrRestLimits,
    /// A qualified agent could still take a shift, but its cost exceeds the gain (after a hand
    /// edit: a qualified agent could still take a shift covering it).
    NotCostEffective,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = Roster)]
pub struct Roster {
    pub status: SolverStatus,
    /// Objective of the returned roster (exact breaks and queue split); after a hand edit, of
    /// the edited roster.
    pub objective: f64,
    /// MIP incumbent objective (model with smeared breaks), if the MIP ran.
    pub model_objective: Option<f64>,
    /// MIP dual bound (lower bound of the model), if the MIP ran.
    pub bound: Option<f64>,
    /// Relative gap reached by HiGHS on the model.
    pub gap: Option<f64>,
    /// `(objective - bound) / objective` for the returned roster: the gap that
    /// includes the losses of disaggregation and exact break placement (after a hand
    /// edit, of the edited roster).
    pub roster_gap: Option<f64>,
    pub greedy_objective: f64,
    pub solve_seconds: f64,
    /// HiGHS searches that ran: 0 (greedy roster only), 1 (the staged MIP) or 2
    /// (HiGHS alone on the whole model beside it, when `threads` allows, the stages
    /// search and the time left holds its root node).
    #[serde(default)]
    pub searches: u32,
    /// Work the solve counted, in work units, when it ran under a work limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_units: Option<f64>,
    pub shifts: Vec<ShiftOut>,
    pub queues: Vec<QueueCoverage>,
    pub kpis: Kpis,
    pub diagnostics: Vec<Diagnostic>,
}

impl ShiftOut {
    /// This shift held fixed where it is, breaks included.
    pub fn as_pinned(&self) -> super::problem::PinnedShift {
        super::problem::PinnedShift {
            agent_id: self.agent_id.clone(),
            start: self.start_utc,
            end: self.end_utc,
            breaks: self
                .breaks
                .iter()
                .map(|b| super::problem::UtcRange {
                    start: b.start_utc,
                    end: b.end_utc,
                })
                .collect(),
        }
    }
}

impl Roster {
    /// Scheduled agents per interval for one queue (input for service level).
    pub fn scheduled_agents(&self, queue_id: &str) -> Option<Vec<f64>> {
        let q = self.queues.iter().find(|q| q.queue_id == queue_id)?;
        Some(q.intervals.iter().map(|i| i.scheduled).collect())
    }
}
