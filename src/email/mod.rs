//! Email delivery: the outbox sender (lettre over SMTP) and a local SMTP sink.
//!
//! Messages are rendered and written to the outbox ([`crate::db::outbox`]) inside the transaction that
//! makes them necessary; nothing here is ever called from a request. Errors are [`EmailError`].

pub mod message;
pub mod notices;
pub mod sender;
pub mod sink;

/// Errors of email delivery.
#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("invalid email configuration: {0}")]
    Config(String),
    #[error("cannot build the message: {0}")]
    Message(String),
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}
