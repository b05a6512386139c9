//! Input types (the JSON body of `POST /api/v1/solve`) and their structural checks.
//!
//! All instants are UTC; availability, start grids and "days" are in the agent's
//! own IANA zone. Durations are real elapsed minutes (a 8-h shift across a DST
//! change is still 8 h of UTC; its local wall-clock end moves by the DST delta).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Errors for inputs that cannot be scheduled at all (never panics on input).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ScheduleError {
    /// Malformed input; `field` is the path of the offending value in the problem's JSON
    /// (`agents[2].contract.max_hours_per_week`) or the option's name.
    #[error("invalid input: {field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{field}: unknown time zone '{zone}' for {owner}")]
    UnknownZone {
        field: String,
        owner: String,
        zone: String,
    },
    #[error("solver failure: {0}")]
    Solver(String),
}

impl ScheduleError {
    /// The path of the offending value, for input errors.
    pub fn field(&self) -> Option<&str> {
        match self {
            ScheduleError::Invalid { field, .. } | ScheduleError::UnknownZone { field, .. } => {
                Some(field)
            }
            ScheduleError::Solver(_) => None,
        }
    }

    /// What is wrong, without the field's path.
    pub fn message(&self) -> String {
        match self {
            ScheduleError::Invalid { message, .. } => message.clone(),
            ScheduleError::UnknownZone { owner, zone, .. } => {
                format!("unknown time zone '{zone}' for {owner}")
            }
            ScheduleError::Solver(why) => why.clone(),
        }
    }
}

/// Largest objective weight accepted (per agent-hour, or per preference). Far above any useful
/// trade-off (the defaults are 1 to 1 000), and low enough that the model's coefficients stay
/// within what HiGHS solves reliably: 1e300 made its model build fail.
pub const MAX_SOLVER_WEIGHT: f64 = 1e6;
/// Largest requirement accepted for one queue interval, in agents.
pub const MAX_REQUIRED: f64 = 1e5;
/// Contract hours (per week, and the rest between shifts) cannot exceed the hours of a week.
pub(crate) const HOURS_PER_WEEK: f64 = 168.0;

/// An input error at `field`.
pub(crate) fn invalid<T>(
    field: impl Into<String>,
    msg: impl Into<String>,
) -> Result<T, ScheduleError> {
    Err(ScheduleError::Invalid {
        field: field.into(),
        message: msg.into(),
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingPeriod)]
pub struct Period {
    /// First instant of the period (must be on the interval grid).
    pub start: DateTime<Utc>,
    /// 1..=6 weeks.
    pub weeks: u32,
    /// 15 or 30.
    pub interval_minutes: u32,
    /// IANA zone whose calendar numbers the period's days and weeks (usually the queues'
    /// zone, where the period starts at local midnight); omitted = UTC. Each agent's
    /// day is still their own local date: week `k` holds the agent-local dates
    /// `first_date + 7k .. first_date + 7k + 7`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl Period {
    /// The calendar date the period starts on, in the period's zone.
    pub fn first_date(&self) -> NaiveDate {
        let zone = self
            .zone
            .as_deref()
            .and_then(|z| z.parse::<Tz>().ok())
            .unwrap_or(Tz::UTC);
        self.start.with_timezone(&zone).date_naive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingQueue)]
pub struct Queue {
    pub id: String,
    pub language: String,
    /// Queue zone (informational: everything in a queue is on the UTC grid).
    pub zone: String,
    /// Required agents per UTC interval (from the staffing module).
    pub required: Vec<f64>,
    /// Opening hours per UTC interval; omitted = always open.
    #[serde(default)]
    pub open: Option<Vec<bool>>,
    /// "Always a human": wanted on-shift agents per open interval.
    #[serde(default)]
    pub floor: u32,
    /// What the queue's humans face per interval; with it, the roster reports the service level
    /// its scheduled agents are expected to reach (by the staffing module's Erlang models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<Workload>,
}

/// A queue's forecast workload on the problem's UTC grid, to judge a roster's service level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingWorkload)]
pub struct Workload {
    /// Chats reaching humans per interval (one value per interval, like `required`).
    pub arrivals: Vec<f64>,
    /// Average handle time per interval, seconds.
    pub aht_seconds: Vec<f64>,
    /// A chat answered within this many seconds counts as answered in time.
    pub sl_threshold_seconds: u32,
    /// Chats one agent handles at once.
    #[serde(default = "one")]
    pub chat_concurrency: u32,
    /// Fraction of scheduled time not available for chats, in [0, 1).
    #[serde(default)]
    pub shrinkage: f64,
    /// Mean patience in seconds: Erlang A with abandonment; omitted: Erlang C.
    #[serde(default)]
    pub patience_seconds: Option<u32>,
}

fn one() -> u32 {
    1
}

impl Workload {
    /// `at` is the workload's path in the problem (`queues[0].workload`).
    pub(super) fn check(&self, at: &str, queue: &str, n: usize) -> Result<(), ScheduleError> {
        let field = |name: &str, rule: &str| {
            invalid(
                format!("{at}.{name}"),
                format!("queue {queue}: workload.{name} {rule}"),
            )
        };
        if self.arrivals.len() != n {
            return field("arrivals", &format!("must have {n} values"));
        }
        if self.aht_seconds.len() != n {
            return field("aht_seconds", &format!("must have {n} values"));
        }
        if self.arrivals.iter().any(|a| !a.is_finite() || *a < 0.0) {
            return field("arrivals", "must be finite and >= 0");
        }
        let aht_ok = |(a, h): (&f64, &f64)| h.is_finite() && (*h > 0.0 || (*h == 0.0 && *a == 0.0));
        if !self.arrivals.iter().zip(&self.aht_seconds).all(aht_ok) {
            return field("aht_seconds", "must be finite, and > 0 where chats arrive");
        }
        if self.sl_threshold_seconds == 0 {
            return field("sl_threshold_seconds", "must be > 0");
        }
        if !(1..=20).contains(&self.chat_concurrency) {
            return field("chat_concurrency", "must be 1 to 20");
        }
        if !(self.shrinkage.is_finite() && (0.0..1.0).contains(&self.shrinkage)) {
            return field("shrinkage", "must be in [0, 1)");
        }
        if self.patience_seconds == Some(0) {
            return field("patience_seconds", "must be > 0");
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[schema(as = SchedulingAvailabilityWindow)]
pub struct AvailabilityWindow {
    #[schema(value_type = String)]
    pub weekday: Weekday,
    /// Local start; `end <= start` means the window crosses midnight
    /// (`end == start` = 24 h).
    pub start: NaiveTime,
    pub end: NaiveTime,
}

#[derive(
    Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema,
)]
#[schema(as = SchedulingUtcRange)]
pub struct UtcRange {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingContract)]
pub struct Contract {
    #[serde(default)]
    pub min_hours_per_week: f64,
    pub max_hours_per_week: f64,
    pub max_shifts_per_week: u32,
    #[serde(default = "default_rest")]
    pub min_rest_hours: f64,
    #[serde(default = "default_consec")]
    pub max_consecutive_days: u32,
    /// A stretch of days off between two worked days must be at least this long.
    #[serde(default = "default_one")]
    pub min_consecutive_days_off: u32,
    /// Weekends (local Sat/Sun) with any shift, over the whole period.
    #[serde(default = "default_weekends")]
    pub max_weekends: u32,
}
fn default_rest() -> f64 {
    11.0
}
fn default_consec() -> u32 {
    6
}
fn default_one() -> u32 {
    1
}
fn default_weekends() -> u32 {
    6
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, utoipa::ToSchema)]
#[schema(as = SchedulingPreferences)]
pub struct Preferences {
    #[serde(default)]
    pub preferred_start_times: Vec<NaiveTime>,
    #[serde(default)]
    pub start_weight: f64,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub preferred_days_on: Vec<Weekday>,
    #[serde(default)]
    pub days_on_weight: f64,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub preferred_days_off: Vec<Weekday>,
    #[serde(default)]
    pub days_off_weight: f64,
}

impl Preferences {
    /// Summed weights of the preferences a shift starting at local `start` on local
    /// `weekday` goes against (before the objective's `preference` multiplier).
    pub fn cost(&self, start: NaiveTime, weekday: Weekday) -> f64 {
        let mut cost = 0.0;
        if !self.preferred_start_times.is_empty() && !self.preferred_start_times.contains(&start) {
            cost += self.start_weight;
        }
        if self.preferred_days_off.contains(&weekday) {
            cost += self.days_off_weight;
        }
        if !self.preferred_days_on.is_empty() && !self.preferred_days_on.contains(&weekday) {
            cost += self.days_on_weight;
        }
        cost
    }

    /// Does any preference carry a weight, so that a shift can go against it?
    pub fn any(&self) -> bool {
        (!self.preferred_start_times.is_empty() && self.start_weight > 0.0)
            || (!self.preferred_days_on.is_empty() && self.days_on_weight > 0.0)
            || (!self.preferred_days_off.is_empty() && self.days_off_weight > 0.0)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingAgent)]
pub struct Agent {
    pub id: String,
    pub name: String,
    pub zone: String,
    pub languages: Vec<String>,
    pub availability: Vec<AvailabilityWindow>,
    /// Whole local days off (sick, training...).
    #[serde(default)]
    pub unavailable_dates: Vec<NaiveDate>,
    /// Approved time off, UTC.
    #[serde(default)]
    pub time_off: Vec<UtcRange>,
    pub contract: Contract,
    #[serde(default)]
    pub preferences: Preferences,
    /// Template ids this agent may work; omitted = all.
    #[serde(default)]
    pub templates: Option<Vec<String>>,
}

#[derive(
    Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema,
)]
#[schema(as = SchedulingBreakRule)]
pub struct BreakRule {
    pub length_minutes: u32,
    /// Earliest break start, minutes after shift start.
    pub window_start_minutes: u32,
    /// Latest break end, minutes after shift start.
    pub window_end_minutes: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingShiftTemplate)]
pub struct ShiftTemplate {
    pub id: String,
    pub length_minutes: u32,
    /// Local start grid step, counted from `earliest_start`.
    pub start_step_minutes: u32,
    #[serde(default)]
    pub earliest_start: Option<NaiveTime>,
    #[serde(default)]
    pub latest_start: Option<NaiveTime>,
    #[serde(default)]
    pub breaks: Vec<BreakRule>,
}

/// A published / hand-placed shift that must be kept verbatim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingPinnedShift)]
pub struct PinnedShift {
    pub agent_id: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    #[serde(default)]
    pub breaks: Vec<UtcRange>,
}

/// A shift an agent worked (or is published to work) that starts before the period.
/// It counts only for the rules that reach across the period start: rest between
/// shifts, days in a row and days off together. It covers nothing and does not
/// count toward the period's weekly hours, shifts or weekends; nothing new is placed
/// before its end plus the agent's rest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingPriorShift)]
pub struct PriorShift {
    pub agent_id: String,
    /// Before the period start.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A shift the agent holds outside this problem that starts inside the period: published for
/// other queues, a swap, a claimed open shift. It counts for every contract rule (weekly hours
/// and shifts, one shift a day, rest, days in a row, days off together, weekends) but covers
/// none of the problem's queues and is not part of the roster. It need not lie on the grid: the
/// solver rounds it outward, so its rest is never cut short.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingHeldShift)]
pub struct HeldShift {
    pub agent_id: String,
    /// Inside the period.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl HeldShift {
    /// The shift rounded outward to the period's interval grid: the span every contract rule
    /// counts (a held 10:15-14:15 on a 30-min grid takes 10:00-14:30, 4.5 h).
    pub fn on_grid(&self, period: &Period) -> (DateTime<Utc>, DateTime<Utc>) {
        let step = i64::from(period.interval_minutes.max(1));
        let from = (self.start - period.start).num_minutes();
        let to = (self.end - period.start).num_minutes().max(from);
        let down = from.div_euclid(step) * step;
        let up = (to + step - 1).div_euclid(step) * step;
        (
            period.start + chrono::Duration::minutes(down),
            period.start + chrono::Duration::minutes(up.max(down + step)),
        )
    }
}

/// Objective weights, all per agent-hour unless noted. Defaults make the
/// objective lexicographic in practice: floor >> shortfall >> over >> paid hours:
/// `under = [100, 200, 400]` (0-1, 1-2, >2 agents short), `over = 5`,
/// `paid_hour = 1`, `floor = 1000`, `min_hours = 1000`, `preference = 1`,
/// `fairness = 1`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingWeights)]
#[serde(default)]
pub struct Weights {
    /// Shortfall segments 0-1, 1-2, >2 agents short (convex: increasing).
    pub under: [f64; 3],
    pub over: f64,
    pub paid_hour: f64,
    /// Missing agent below the floor.
    pub floor: f64,
    /// Contract minimum hours not reached (per hour).
    pub min_hours: f64,
    /// Multiplier on the agents' own preference weights (per shift).
    pub preference: f64,
    /// Spreading unsocial shifts (per shift): an agent's k-th night shift (any part
    /// between 00:00 and 06:00 local), k-th weekend shift (starting on a local
    /// Saturday or Sunday) and k-th shift against their own preferences (on top of
    /// its preference cost) each cost `fairness * (k - 1)`, so two agents with one
    /// night each cost less than one agent with two. Pinned shifts are not counted.
    pub fairness: f64,
}
impl Weights {
    /// Every weight finite and >= 0, the shortfall segments non-decreasing.
    pub fn check(&self) -> Result<(), ScheduleError> {
        let named = [
            ("under[0]", self.under[0]),
            ("under[1]", self.under[1]),
            ("under[2]", self.under[2]),
            ("over", self.over),
            ("paid_hour", self.paid_hour),
            ("floor", self.floor),
            ("min_hours", self.min_hours),
            ("preference", self.preference),
            ("fairness", self.fairness),
        ];
        if let Some((name, _)) = named
            .iter()
            .find(|(_, v)| !(0.0..=MAX_SOLVER_WEIGHT).contains(v))
        {
            return invalid(
                format!("weights.{name}"),
                format!("must be >= 0 and <= {MAX_SOLVER_WEIGHT}"),
            );
        }
        let u = &self.under;
        if !(u[0] <= u[1] && u[1] <= u[2]) {
            return invalid("weights.under", "must be non-decreasing (a convex penalty)");
        }
        Ok(())
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            under: [100.0, 200.0, 400.0],
            over: 5.0,
            paid_hour: 1.0,
            floor: 1_000.0,
            min_hours: 1_000.0,
            preference: 1.0,
            fairness: 1.0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[schema(as = SchedulingProblem)]
pub struct Problem {
    pub period: Period,
    pub queues: Vec<Queue>,
    pub agents: Vec<Agent>,
    pub templates: Vec<ShiftTemplate>,
    #[serde(default)]
    pub pinned: Vec<PinnedShift>,
    /// Shifts worked before the period (the last two weeks matter at most).
    #[serde(default)]
    pub history: Vec<PriorShift>,
    /// Shifts the agents hold for other queues inside the period (see [`HeldShift`]).
    #[serde(default)]
    pub held: Vec<HeldShift>,
    #[serde(default)]
    pub weights: Weights,
}

/// The zone named `zone` of `owner`, whose path in the problem is `field`.
pub fn parse_zone(field: &str, owner: &str, zone: &str) -> Result<Tz, ScheduleError> {
    zone.parse::<Tz>().map_err(|_| ScheduleError::UnknownZone {
        field: field.to_string(),
        owner: owner.to_string(),
        zone: zone.to_string(),
    })
}

impl Problem {
    /// Number of UTC intervals in the period.
    pub fn interval_count(&self) -> usize {
        (self.period.weeks as usize * 7 * 24 * 60) / self.period.interval_minutes.max(1) as usize
    }

    /// Hours per week of the period that `agent_id` holds elsewhere ([`Problem::held`]), each
    /// shift on the grid and in the week of its local start date, as the contract rules count them.
    pub fn held_hours_per_week(&self, agent_id: &str) -> Vec<f64> {
        let weeks = self.period.weeks.max(1) as usize;
        let mut hours = vec![0.0; weeks];
        let Some(tz) = self
            .agents
            .iter()
            .find(|a| a.id == agent_id)
            .and_then(|a| a.zone.parse::<Tz>().ok())
        else {
            return hours;
        };
        let first = self.period.first_date();
        for h in self.held.iter().filter(|h| h.agent_id == agent_id) {
            let (from, to) = h.on_grid(&self.period);
            let day = (h.start.with_timezone(&tz).date_naive() - first).num_days();
            let week = day.div_euclid(7).clamp(0, weeks as i64 - 1) as usize;
            hours[week] += (to - from).num_minutes() as f64 / 60.0;
        }
        hours
    }
}
