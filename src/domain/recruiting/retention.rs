//! Retention and erasure of applicant data.
//!
//! Only closed-unsuccessful applications (`Rejected`, `Withdrawn`) are purged
//! automatically: `Hired` records become employment data with their own
//! retention rules, and open applications are still being processed.
//! An application is due once `retention_days` full days have passed since
//! its last state change (`now >= last_change + retention_days`).
//!
//! Erasure keeps the record (id, state, dates, languages/zone for aggregate
//! statistics) but replaces every personal or free-text field, so counts and
//! funnels stay correct after a data-subject request.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::fit::AvailabilityWindow;
use super::pipeline::ApplicationState;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationRecord {
    pub id: String,
    pub state: ApplicationState,
    pub name: String,
    pub email: String,
    pub languages: Vec<(String, u8)>,
    /// IANA name as stored.
    pub time_zone: String,
    pub country: String,
    pub availability: Vec<AvailabilityWindow>,
    pub hours_per_week: u32,
    pub earliest_start: NaiveDate,
    pub is_student: bool,
    pub motivation: String,
    /// Manager notes: free text that may quote the applicant.
    pub notes: Vec<String>,
    pub consent_text_version: String,
    pub created_at: DateTime<Utc>,
    pub last_change: DateTime<Utc>,
    pub erased: bool,
}

pub fn purge_due(
    state: ApplicationState,
    last_change: DateTime<Utc>,
    now: DateTime<Utc>,
    retention_days: u32,
) -> bool {
    if !matches!(
        state,
        ApplicationState::Rejected | ApplicationState::Withdrawn
    ) {
        return false;
    }
    match last_change.checked_add_signed(Duration::days(i64::from(retention_days))) {
        Some(due) => now >= due,
        // Overflow means "never" within representable time.
        None => false,
    }
}

/// Anonymised copy; idempotent.
pub fn erase(record: &ApplicationRecord) -> ApplicationRecord {
    ApplicationRecord {
        name: "erased".into(),
        email: format!("erased-{}@invalid", record.id),
        motivation: String::new(),
        notes: Vec::new(),
        availability: Vec::new(),
        erased: true,
        ..record.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Weekday};
    use ApplicationState as S;

    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, d, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    #[test]
    fn purge_only_closed_unsuccessful_after_retention() {
        assert!(purge_due(S::Rejected, t(1), t(31), 30));
        assert!(purge_due(S::Withdrawn, t(1), t(31), 30));
        assert!(!purge_due(S::Rejected, t(1), t(30), 30));
        assert!(purge_due(S::Rejected, t(1), t(1), 0));
        for s in [
            S::Applied,
            S::EmailConfirmed,
            S::Screening,
            S::Interview,
            S::Offer,
            S::Hired,
        ] {
            assert!(!purge_due(s, t(1), t(31), 1), "{s:?}");
        }
        assert!(!purge_due(S::Rejected, t(1), t(31), u32::MAX));
    }

    #[test]
    fn erase_clears_personal_data() {
        let r = ApplicationRecord {
            id: "a42".into(),
            state: S::Rejected,
            name: "Aino".into(),
            email: "aino@example.com".into(),
            languages: vec![("fi".into(), 9)],
            time_zone: "Europe/Helsinki".into(),
            country: "FI".into(),
            availability: vec![AvailabilityWindow {
                weekday: Weekday::Mon,
                start_minute: 0,
                end_minute: 60,
            }],
            hours_per_week: 20,
            earliest_start: t(1).date_naive(),
            is_student: false,
            motivation: "I love chat".into(),
            notes: vec!["called her".into()],
            consent_text_version: "v3".into(),
            created_at: t(1),
            last_change: t(2),
            erased: false,
        };
        let e = erase(&r);
        assert_eq!(e.name, "erased");
        assert_eq!(e.email, "erased-a42@invalid");
        assert!(e.motivation.is_empty() && e.notes.is_empty() && e.availability.is_empty());
        assert!(e.erased);
        assert_eq!(
            (e.id.as_str(), e.state, e.languages.clone()),
            ("a42", S::Rejected, r.languages.clone())
        );
        assert_eq!(erase(&e), e);
    }
}
