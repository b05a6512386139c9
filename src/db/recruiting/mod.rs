//! Recruiting storage: postings, applications with their pipeline history, and the attempt log behind
//! the apply rate limits.

pub mod applications;
pub mod postings;
pub mod rate_limit;
pub mod retention;
