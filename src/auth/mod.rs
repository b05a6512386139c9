//! Credentials: argon2id password hashes and opaque bearer tokens stored only as SHA-256 hashes.

pub mod password;
pub mod token;

use serde::{Deserialize, Serialize};

/// What a signed-in user may do. Managers may do everything; an agent only touches its own record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Manager,
    Agent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manager => "manager",
            Self::Agent => "agent",
        }
    }

    pub fn from_db(raw: &str) -> Option<Self> {
        match raw {
            "manager" => Some(Self::Manager),
            "agent" => Some(Self::Agent),
            _ => None,
        }
    }
}
