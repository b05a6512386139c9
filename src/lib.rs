//! chatroster: forecast the chats an AI assistant leaves to humans, turn them into staffing
//! requirements, roster a remote workforce across time zones, publish rosters, and recruit.
//!
//! Layers and their error types (each layer converts the one below):
//! - [`domain`]: pure rules and algorithms; parsers return [`domain::validation::ValidationErrors`],
//!   algorithms their own `thiserror` enums.
//! - [`db`]: diesel over SQLite or PostgreSQL; [`db::DbError`].
//! - [`jobs`]: durable background work on the `jobs` table; [`jobs::worker::JobError`].
//! - [`email`]: the outbox sender and SMTP sink; [`email::EmailError`].
//! - [`http`]: actix handlers; [`http::problem::ApiError`], rendered as `application/problem+json`.
//! - `main.rs`: the CLI; `anyhow` at the very top only.

pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod email;
pub mod http;
pub mod jobs;
pub mod plan;
pub mod startup;
pub mod telemetry;
pub mod utc_json;
