//! Staffing: forecast contacts per interval -> agents required.
//!
//! # Models
//!
//! **Erlang C (M/M/n)** — Poisson arrivals, exponential handle times, `n`
//! identical servers, infinite patience, FCFS. Classic source: A. K. Erlang
//! (1917); formulas as in Koole, *Call Center Optimization* (2013), ch. 5,
//! and Gans, Koole & Mandelbaum, "Telephone call centers: tutorial, review
//! and research prospects" (MSOM 2003). Offered load
//! `A = arrivals * AHT / interval` Erlangs. `P(wait) = C(n, A)`, `SL(T) = 1 - C e^{-(n-A)T/AHT}`,
//! `ASA = C AHT/(n-A)`, occupancy `A/n`. For `n <= A` the queue is unstable:
//! we report `P(wait) = 1`, SL 0, ASA `+inf`, occupancy 1 (never NaN).
//! Assumption that matters in practice: nobody abandons, so Erlang C
//! overstates waits (and staff) when customers do give up.
//!
//! **Erlang A (M/M/n+M)** — as Erlang C, plus exponential patience with mean
//! `theta`; waiting customers abandon at rate `1/theta`. Palm (1943);
//! formulas from Mandelbaum & Zeltyn, "The M/M/n+G queue: summary of
//! performance measures" (2004) with the incomplete gamma computed here in
//! log space (see `gamma.rs`, `erlang_a.rs`). Assumptions: patience is
//! exponential and independent of the wait already endured; the abandonment
//! rate is usually estimated as P(abandon)/E[wait] (Mandelbaum & Zeltyn).
//!
//! ## Service-level definitions
//! [`Figures`] reports three SLs (identical under Erlang C):
//! `sl_of_all_arrivals` = P(answered and wait <= T) / all arrivals;
//! `sl_of_answered` = P(wait <= T | answered);
//! `sl_virtual_wait` = 1 - P(V > T), V = wait of an infinitely patient arrival.
//! **`sl_target` always applies to `sl_of_all_arrivals`** (abandoners count as
//! misses), and `asa_target_seconds` to `asa_seconds`, the mean wait of
//! *answered* contacts. `max_occupancy` caps carried load / servers.
//!
//! ## Chat concurrency
//! An agent handles up to `k` chats; `aht_by_concurrency[j]` is a chat's
//! handle time when the agent has `j+1` chats open. We model each agent as
//! `k` independent slots (servers = agents * k), every chat taking `aht_k`
//! (the AHT at full concurrency), then report `agents = ceil(slots / k)`.
//! This is the "multi-server with concurrency-dependent service time"
//! reduction discussed in Koole's *Call Center Optimization* (chat chapter)
//! and studied in Tezcan & Zhang, "Routing and staffing in customer service
//! chat systems with impatient customers" (Operations Research 2014) and Luo
//! & Zhang, "Staffing and control of instant messaging contact centers"
//! (Operations Research 2013). Assumptions: any free slot of any agent can
//! take the next chat (full pooling) and an agent's chats do not slow each
//! other beyond `aht_k`. It is conservative when handle time grows with
//! concurrency: agents below `k` chats actually finish faster (`aht_j <
//! aht_k`), which matters most at low load; it is optimistic if the router
//! cannot fill slots freely. Occupancy and the occupancy cap refer to slots.
//!
//! ## Shrinkage and floor
//! `scheduled = ceil(required / (1 - shrinkage))`, shrinkage in [0, 1).
//! While an interval is `open`, at least `floor_agents` are required even
//! with no forecast ("always a human"); [`Requirement`] keeps
//! `required_by_load`, `floor`, `required` and `floor_uplift` apart so the
//! cost of the floor is visible. Closed intervals get no floor but are still
//! staffed for any forecast load.
//!
//! ## Numerics and search
//! No factorials: Erlang B by the inverse recursion, Erlang A terms in log
//! space, tested for 1..=10,000 agents and thousands of Erlangs. The
//! smallest-n search advances the Erlang B recursion one server at a time
//! from its lower bound (Erlang C: `floor(A)+1` or the occupancy bound;
//! Erlang A: `floor(sl_target * A)`), never restarting from n = 1.

mod erlang_a;
mod erlang_c;
mod error;
mod gamma;
mod model;
mod requirement;

#[cfg(test)]
mod erlang_a_tests;
#[cfg(test)]
mod props;
#[cfg(test)]
mod requirement_tests;

pub use erlang_c::erlang_b;
pub use error::StaffingError;
pub use model::{min_servers, queue_figures, Figures, QueueModel, Targets};
pub use requirement::{
    figures_for_agents, meets_targets, requirement, scheduled_after_shrinkage, HandleTime,
    IntervalInput, Requirement,
};

/// Largest server (slot) count any search or evaluation will consider.
pub const MAX_SERVERS: u32 = 200_000;
/// Largest offered load accepted, in Erlangs.
pub const MAX_LOAD_ERLANGS: f64 = 100_000.0;

/// The service-level definition every target and reported `service_level` refers to.
pub const SERVICE_LEVEL_DEFINITION: &str =
    "answered within the threshold / all arrivals (abandoned contacts count as missed)";
