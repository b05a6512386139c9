//! Recruiting domain for chatroster: application pipeline, applicant fit
//! scoring against staffing shortfalls, hiring-needs aggregation, public
//! application validation and GDPR-style retention/erasure.
//!
//! Pure code: no I/O, no clock reads (callers pass `now`/`today`).

pub mod application;
#[cfg(test)]
mod application_tests;
mod countries;
pub mod emails;
pub mod fit;
#[cfg(test)]
mod fit_tests;
pub mod needs;
pub mod pipeline;
pub mod posting;
#[cfg(test)]
mod proptests;
pub mod retention;
