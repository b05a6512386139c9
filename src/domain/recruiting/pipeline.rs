//! Application pipeline state machine.
//!
//! Forward path: `Applied -> EmailConfirmed -> Screening -> Interview ->
//! Offer -> Hired`, one step at a time. `Rejected` and `Withdrawn` are
//! reachable from any non-final state. `Hired`, `Rejected`, `Withdrawn`
//! are final.
//!
//! Permissions: the applicant may only confirm their email and withdraw.
//! Managers make every other move (and may also withdraw on the
//! applicant's behalf, e.g. after a phone call). `System` may confirm an
//! email (clicking the link is processed by the system) and reject (e.g.
//! automatic rejection of stale applications); it may not advance
//! candidates, because that is a human judgement.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApplicationState {
    Applied,
    EmailConfirmed,
    Screening,
    Interview,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

impl ApplicationState {
    pub const ALL: [ApplicationState; 8] = [
        Self::Applied,
        Self::EmailConfirmed,
        Self::Screening,
        Self::Interview,
        Self::Offer,
        Self::Hired,
        Self::Rejected,
        Self::Withdrawn,
    ];

    /// The stored and API name, e.g. `email_confirmed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::EmailConfirmed => "email_confirmed",
            Self::Screening => "screening",
            Self::Interview => "interview",
            Self::Offer => "offer",
            Self::Hired => "hired",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw.trim())
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Hired | Self::Rejected | Self::Withdrawn)
    }

    /// The single legal forward step, if any.
    pub fn next(self) -> Option<ApplicationState> {
        match self {
            Self::Applied => Some(Self::EmailConfirmed),
            Self::EmailConfirmed => Some(Self::Screening),
            Self::Screening => Some(Self::Interview),
            Self::Interview => Some(Self::Offer),
            Self::Offer => Some(Self::Hired),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Manager(String),
    Applicant,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: ApplicationState,
    pub to: ApplicationState,
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PipelineError {
    #[error("application is in final state {0:?}")]
    FinalState(ApplicationState),
    #[error("illegal transition {from:?} -> {to:?}")]
    Illegal {
        from: ApplicationState,
        to: ApplicationState,
    },
    #[error("actor not permitted to move {from:?} -> {to:?}")]
    Forbidden {
        from: ApplicationState,
        to: ApplicationState,
    },
}

/// Validates a move and returns the record to persist.
pub fn transition(
    current: ApplicationState,
    target: ApplicationState,
    actor: Actor,
    at: DateTime<Utc>,
    note: Option<String>,
) -> Result<Transition, PipelineError> {
    use ApplicationState as S;
    if current.is_final() {
        return Err(PipelineError::FinalState(current));
    }
    let legal = matches!(target, S::Rejected | S::Withdrawn) || current.next() == Some(target);
    if !legal {
        return Err(PipelineError::Illegal {
            from: current,
            to: target,
        });
    }
    let allowed = match (&actor, target) {
        (Actor::Manager(_), S::EmailConfirmed) => false,
        (Actor::Manager(_), _) => true,
        (Actor::Applicant, t) => matches!(t, S::EmailConfirmed | S::Withdrawn),
        (Actor::System, t) => matches!(t, S::EmailConfirmed | S::Rejected),
    };
    if !allowed {
        return Err(PipelineError::Forbidden {
            from: current,
            to: target,
        });
    }
    Ok(Transition {
        from: current,
        to: target,
        actor,
        at,
        note,
    })
}

/// Whether entering `to` should email the applicant.
///
/// `EmailConfirmed`: no, the applicant just did it themselves and sees the
/// confirmation page. `Screening`: no, it is an internal review step and
/// announcing it creates expectations. `Withdrawn`: no, the applicant
/// initiated it (or asked a manager to). `Interview`, `Offer`, `Hired`,
/// `Rejected`: yes, the applicant must act or deserves a decision.
pub fn notifies_applicant(to: ApplicationState) -> bool {
    use ApplicationState as S;
    matches!(to, S::Interview | S::Offer | S::Hired | S::Rejected)
}

#[cfg(test)]
mod tests {
    use super::ApplicationState as S;
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default()
    }
    fn mgr() -> Actor {
        Actor::Manager("m1".into())
    }
    fn ok(c: S, t: S, a: Actor) -> bool {
        transition(c, t, a, at(), None).is_ok()
    }

    #[test]
    fn forward_path_by_right_actor() {
        assert!(ok(S::Applied, S::EmailConfirmed, Actor::Applicant));
        assert!(ok(S::Applied, S::EmailConfirmed, Actor::System));
        assert!(ok(S::EmailConfirmed, S::Screening, mgr()));
        assert!(ok(S::Screening, S::Interview, mgr()));
        assert!(ok(S::Interview, S::Offer, mgr()));
        assert!(ok(S::Offer, S::Hired, mgr()));
    }

    #[test]
    fn exhaustive_matrix() {
        let actors = [mgr(), Actor::Applicant, Actor::System];
        for c in S::ALL {
            for t in S::ALL {
                for a in &actors {
                    let r = transition(c, t, a.clone(), at(), None);
                    let legal = !c.is_final()
                        && (matches!(t, S::Rejected | S::Withdrawn) || c.next() == Some(t));
                    let allowed = match a {
                        Actor::Manager(_) => t != S::EmailConfirmed,
                        Actor::Applicant => matches!(t, S::EmailConfirmed | S::Withdrawn),
                        Actor::System => matches!(t, S::EmailConfirmed | S::Rejected),
                    };
                    assert_eq!(r.is_ok(), legal && allowed, "{c:?}->{t:?} by {a:?}");
                    if c.is_final() {
                        assert_eq!(r, Err(PipelineError::FinalState(c)));
                    } else if !legal {
                        assert!(matches!(r, Err(PipelineError::Illegal { .. })));
                    } else if !allowed {
                        assert!(matches!(r, Err(PipelineError::Forbidden { .. })));
                    }
                }
            }
        }
    }

    #[test]
    fn names_round_trip() {
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
        assert_eq!(S::parse("hired!"), None);
    }

    #[test]
    fn no_skipping_or_going_back() {
        assert!(!ok(S::Applied, S::Screening, mgr()));
        assert!(!ok(S::Screening, S::Offer, mgr()));
        assert!(!ok(S::Interview, S::Screening, mgr()));
        assert!(!ok(S::Applied, S::Applied, mgr()));
    }

    #[test]
    fn applicant_limits() {
        assert!(!ok(S::EmailConfirmed, S::Screening, Actor::Applicant));
        assert!(!ok(S::Offer, S::Hired, Actor::Applicant));
        assert!(!ok(S::Offer, S::Rejected, Actor::Applicant));
        assert!(ok(S::Offer, S::Withdrawn, Actor::Applicant));
    }

    #[test]
    fn finals_are_final() {
        for f in [S::Hired, S::Rejected, S::Withdrawn] {
            assert!(!ok(f, S::Withdrawn, mgr()));
            assert!(!ok(f, S::Rejected, mgr()));
        }
    }

    #[test]
    fn record_contents_and_notifications() {
        let t = transition(S::Screening, S::Interview, mgr(), at(), Some("ok".into()));
        assert_eq!(
            t,
            Ok(Transition {
                from: S::Screening,
                to: S::Interview,
                actor: mgr(),
                at: at(),
                note: Some("ok".into())
            })
        );
        let yes: Vec<S> = S::ALL
            .into_iter()
            .filter(|s| notifies_applicant(*s))
            .collect();
        assert_eq!(yes, vec![S::Interview, S::Offer, S::Hired, S::Rejected]);
    }
}
