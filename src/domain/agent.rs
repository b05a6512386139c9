//! An agent: a remote human with a zone, languages, a contract and weekly availability.

use super::email::EmailAddress;
use super::language::{LanguageTag, Proficiency};
use super::shift_preferences::{ShiftPreferences, ShiftPreferencesDto};
use super::validation::{in_range, text, ValidationErrors};
use super::weekly::{parse_weekly, DatedException, ExceptionDto, WeeklyWindow, WindowDto};
use super::zone::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    Active,
    Inactive,
}

impl AgentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        match raw.trim() {
            "active" => Ok(Self::Active),
            "inactive" => Ok(Self::Inactive),
            other => Err(ValidationErrors::single(
                "",
                format!("unknown status '{other}' (expected active or inactive)"),
            )),
        }
    }
}

/// The rules of an agent's contract that the scheduler must never break.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub min_hours_per_week: f64,
    pub max_hours_per_week: f64,
    pub max_shifts_per_week: u32,
    /// Minimum rest between two shifts, hours (e.g. 11).
    pub min_rest_hours: f64,
    pub max_consecutive_days: u32,
    /// Days off in a row the agent must get each week (usually 2).
    #[serde(default = "default_days_off")]
    pub min_consecutive_days_off: u32,
    /// Weekends (Saturday or Sunday worked) allowed in one planning period; none means no limit.
    #[serde(default)]
    pub max_weekends_per_period: Option<u32>,
}

fn default_days_off() -> u32 {
    2
}

impl Contract {
    pub fn parse(c: &Contract) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let finite = |v: f64| v.is_finite();
        if !finite(c.min_hours_per_week)
            || !finite(c.max_hours_per_week)
            || !finite(c.min_rest_hours)
        {
            errors.add("", "hours must be finite numbers");
            return Err(errors);
        }
        errors.collect(
            "min_hours_per_week",
            in_range(c.min_hours_per_week, 0.0, 80.0),
        );
        errors.collect(
            "max_hours_per_week",
            in_range(c.max_hours_per_week, 1.0, 80.0),
        );
        if c.min_hours_per_week > c.max_hours_per_week {
            errors.add(
                "min_hours_per_week",
                format!(
                    "minimum {} h is above the maximum {} h per week",
                    c.min_hours_per_week, c.max_hours_per_week
                ),
            );
        }
        errors.collect("max_shifts_per_week", in_range(c.max_shifts_per_week, 1, 7));
        errors.collect("min_rest_hours", in_range(c.min_rest_hours, 0.0, 48.0));
        errors.collect(
            "max_consecutive_days",
            in_range(c.max_consecutive_days, 1, 14),
        );
        errors.collect(
            "min_consecutive_days_off",
            in_range(c.min_consecutive_days_off, 0, 6),
        );
        if u64::from(c.max_consecutive_days) + u64::from(c.min_consecutive_days_off) > 14 {
            errors.add(
                "max_consecutive_days",
                "together with min_consecutive_days_off it exceeds two weeks",
            );
        }
        if let Some(w) = c.max_weekends_per_period {
            errors.collect("max_weekends_per_period", in_range(w, 0, 6));
        }
        errors.finish(|| Some(*c))
    }
}

/// One language an agent can serve, as sent and returned by the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LanguageSkillDto {
    /// BCP 47 tag.
    pub language: String,
    /// `b2`, `c1`, `c2` or `native`.
    pub proficiency: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageSkill {
    pub language: LanguageTag,
    pub proficiency: Proficiency,
}

/// Parses a skill list: 1..=10 distinct languages.
pub fn parse_skills(dtos: &[LanguageSkillDto]) -> Result<Vec<LanguageSkill>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if dtos.is_empty() {
        errors.add("", "at least one language is required");
    }
    if dtos.len() > 10 {
        errors.add("", format!("at most 10 languages, got {}", dtos.len()));
        return Err(errors);
    }
    let mut skills: Vec<LanguageSkill> = Vec::new();
    for (i, dto) in dtos.iter().enumerate() {
        let language = errors.collect(
            &format!("[{i}].language"),
            LanguageTag::parse(&dto.language),
        );
        let proficiency = errors.collect(
            &format!("[{i}].proficiency"),
            Proficiency::parse(&dto.proficiency),
        );
        if let (Some(language), Some(proficiency)) = (language, proficiency) {
            if skills.iter().any(|s| s.language == language) {
                errors.add(
                    format!("[{i}].language"),
                    format!("{language} is listed twice"),
                );
            } else {
                skills.push(LanguageSkill {
                    language,
                    proficiency,
                });
            }
        }
    }
    errors.finish(|| Some(skills))
}

/// Availability as an agent (or a manager) sets it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    /// Weekly windows in the agent's own local time.
    #[serde(default)]
    pub weekly: Vec<WindowDto>,
    /// Dated exceptions in the agent's local time.
    #[serde(default)]
    pub exceptions: Vec<ExceptionDto>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Availability {
    pub weekly: Vec<WeeklyWindow>,
    pub exceptions: Vec<DatedException>,
}

impl Availability {
    pub fn parse(input: &AvailabilityInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let weekly = errors.collect("weekly", parse_weekly(&input.weekly, 42));
        if input.exceptions.len() > 366 {
            errors.add("exceptions", "at most 366 dated exceptions");
            return Err(errors);
        }
        let mut exceptions = Vec::with_capacity(input.exceptions.len());
        for (i, dto) in input.exceptions.iter().enumerate() {
            if let Some(e) = errors.collect(&format!("exceptions[{i}]"), DatedException::parse(dto))
            {
                exceptions.push(e);
            }
        }
        exceptions.sort_by_key(|e: &DatedException| (e.date, e.start));
        errors.finish(|| {
            Some(Self {
                weekly: weekly?,
                exceptions,
            })
        })
    }

    /// Hours per week in the recurring pattern.
    pub fn weekly_hours(&self) -> f64 {
        self.weekly
            .iter()
            .map(|w| f64::from(w.minutes()))
            .sum::<f64>()
            / 60.0
    }
}

/// An agent as a manager creates or replaces it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    pub name: String,
    pub email: String,
    /// IANA zone the agent lives in; availability is in its wall clock.
    pub time_zone: String,
    pub languages: Vec<LanguageSkillDto>,
    pub contract: Contract,
    /// `active` (default) or `inactive`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub availability: AvailabilityInput,
    /// Start times and days the agent would rather work (wishes, not rules). Agents set their
    /// own; omitted when replacing an agent, the stored ones are kept.
    #[serde(default)]
    pub preferences: Option<ShiftPreferencesDto>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentSpec {
    pub name: String,
    pub email: EmailAddress,
    pub time_zone: TimeZone,
    pub languages: Vec<LanguageSkill>,
    pub contract: Contract,
    pub status: AgentStatus,
    pub availability: Availability,
    pub preferences: ShiftPreferences,
}

impl AgentSpec {
    /// Whether the agent speaks the language with primary subtag `primary` (e.g. "sv").
    pub fn speaks(&self, primary: &str) -> bool {
        self.languages
            .iter()
            .any(|l| l.language.primary().eq_ignore_ascii_case(primary))
    }

    pub fn parse(input: &AgentInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.collect("name", text(&input.name, 120));
        let email = errors.collect("email", EmailAddress::parse(&input.email));
        let time_zone = errors.collect("time_zone", TimeZone::parse(&input.time_zone));
        let languages = errors.collect("languages", parse_skills(&input.languages));
        let contract = errors.collect("contract", Contract::parse(&input.contract));
        let status = match &input.status {
            Some(s) => errors.collect("status", AgentStatus::parse(s)),
            None => Some(AgentStatus::Active),
        };
        let availability = errors.collect("availability", Availability::parse(&input.availability));
        let preferences = match &input.preferences {
            Some(p) => errors.collect("preferences", ShiftPreferences::parse(p)),
            None => Some(ShiftPreferences::default()),
        };
        errors.finish(|| {
            Some(Self {
                name: name?,
                email: email?,
                time_zone: time_zone?,
                languages: languages?,
                contract: contract?,
                status: status?,
                availability: availability?,
                preferences: preferences?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contract() -> Contract {
        Contract {
            min_hours_per_week: 10.0,
            max_hours_per_week: 20.0,
            max_shifts_per_week: 5,
            min_rest_hours: 11.0,
            max_consecutive_days: 5,
            min_consecutive_days_off: 2,
            max_weekends_per_period: None,
        }
    }

    fn input() -> AgentInput {
        AgentInput {
            name: "Lina Berg".into(),
            email: "lina@example.com".into(),
            time_zone: "Asia/Manila".into(),
            languages: vec![LanguageSkillDto {
                language: "sv".into(),
                proficiency: "native".into(),
            }],
            contract: contract(),
            status: None,
            availability: AvailabilityInput {
                weekly: vec![WindowDto {
                    weekday: "mon".into(),
                    start: "08:00".into(),
                    end: "16:00".into(),
                }],
                exceptions: vec![],
            },
            preferences: None,
        }
    }

    #[test]
    fn valid_agent_parses() {
        let a = AgentSpec::parse(&input()).unwrap();
        assert_eq!(a.status, AgentStatus::Active);
        assert_eq!(a.availability.weekly_hours(), 8.0);
    }

    #[test]
    fn min_above_max_hours_is_named() {
        let mut bad = input();
        bad.contract.min_hours_per_week = 30.0;
        let err = AgentSpec::parse(&bad).unwrap_err();
        assert_eq!(err.0[0].field, "contract.min_hours_per_week");
        assert!(err.0[0].message.contains("above the maximum"));
    }

    #[test]
    fn duplicate_and_unknown_languages_are_named() {
        let mut bad = input();
        bad.languages.push(LanguageSkillDto {
            language: "SV".into(),
            proficiency: "c1".into(),
        });
        bad.languages.push(LanguageSkillDto {
            language: "zz".into(),
            proficiency: "c1".into(),
        });
        let err = AgentSpec::parse(&bad).unwrap_err();
        let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["languages[1].language", "languages[2].language"]);
    }

    #[test]
    fn nan_hours_are_rejected() {
        let mut bad = input();
        bad.contract.max_hours_per_week = f64::NAN;
        assert!(AgentSpec::parse(&bad).is_err());
    }
}
