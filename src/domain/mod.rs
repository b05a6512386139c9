//! The pure domain: values, rules and algorithms with no web or database types in them.
//!
//! Parsers here turn untrusted input into validated values (`*Spec`); anything holding one is valid.

pub mod agent;
pub mod assignment;
pub mod calendar;
pub mod dates;
pub mod email;
pub mod forecast;
pub mod history;
pub mod language;
pub mod local_time;
pub mod open_shifts;
pub mod queue;
pub mod recruiting;
pub mod scheduler;
pub mod shift_preferences;
pub mod staffing;
pub mod time_off;
pub mod validation;
pub mod weekly;
pub mod zone;
