//! Validation of the public application form.
//!
//! Every rule is checked and all failures are returned together so the form
//! can highlight every field at once. A filled honeypot short-circuits to
//! [`ApplicationRejection::Spam`] so the caller can drop the submission
//! silently instead of teaching bots which field gave them away.
//!
//! Availability windows are same-day `HH:MM`-`HH:MM` ranges (end may be
//! `24:00`); overnight availability is entered as two windows.

use chrono::{DateTime, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::countries::is_iso_alpha2;
use super::fit::AvailabilityWindow;
use crate::domain::language::Proficiency;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguageInput {
    pub tag: String,
    pub proficiency: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowInput {
    pub weekday: Weekday,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ApplicationInput {
    pub name: String,
    pub email: String,
    pub languages: Vec<LanguageInput>,
    pub time_zone: String,
    pub country: String,
    pub availability: Vec<WindowInput>,
    pub hours_per_week: u32,
    pub earliest_start: String,
    pub is_student: bool,
    pub motivation: String,
    pub consent: bool,
    pub consent_text_version: String,
    pub honeypot: String,
}

/// Normalised application; not serde-derived because `Tz` lacks serde here.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidApplication {
    pub name: String,
    /// Lower-cased.
    pub email: String,
    /// `(tag, proficiency)`, tag as `ll` or `ll-RR`.
    pub languages: Vec<(String, u8)>,
    pub time_zone: Tz,
    /// Upper-cased ISO 3166-1 alpha-2.
    pub country: String,
    pub availability: Vec<AvailabilityWindow>,
    pub hours_per_week: u32,
    pub earliest_start: NaiveDate,
    pub is_student: bool,
    pub motivation: String,
    pub consent_text_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApplicationRejection {
    Spam,
    Invalid(Vec<FieldError>),
}

fn err(errors: &mut Vec<FieldError>, field: impl Into<String>, message: &str) {
    errors.push(FieldError {
        field: field.into(),
        message: message.into(),
    });
}

pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && domain.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
    ok.then_some(e)
}

/// `ll`/`lll` with optional `-RR` or `-999` region; returns canonical case.
pub fn normalize_language_tag(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let mut parts = raw.split(['-', '_']);
    let lang = parts.next()?;
    let region = parts.next();
    if parts.next().is_some()
        || !(2..=3).contains(&lang.len())
        || !lang.chars().all(|c| c.is_ascii_alphabetic())
    {
        return None;
    }
    let lang = lang.to_ascii_lowercase();
    match region {
        None => Some(lang),
        Some(r) if r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()) => {
            Some(format!("{lang}-{}", r.to_ascii_uppercase()))
        }
        Some(r) if r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()) => {
            Some(format!("{lang}-{r}"))
        }
        Some(_) => None,
    }
}

/// Minutes since midnight; `24:00` only allowed when `allow_24` (window ends).
pub fn parse_hhmm(s: &str, allow_24: bool) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    match (h, m) {
        (24, 0) if allow_24 => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Most languages one application may list.
pub const MAX_LANGUAGES: usize = 10;

/// The agent proficiency a self-rated level (1-10) stands for: 10 native, 9 C2, 8 C1, 6-7 B2. Below 6
/// the applicant cannot yet take chats in the language, so a hire leaves it out.
pub fn agent_proficiency(level: u8) -> Option<Proficiency> {
    match level {
        10 => Some(Proficiency::Native),
        9 => Some(Proficiency::C2),
        8 => Some(Proficiency::C1),
        6 | 7 => Some(Proficiency::B2),
        _ => None,
    }
}

/// Validates an application sent at `now`; the earliest start is a date in the applicant's own zone,
/// from their today on.
pub fn validate_application(
    input: &ApplicationInput,
    now: DateTime<Utc>,
) -> Result<ValidApplication, ApplicationRejection> {
    if !input.honeypot.is_empty() {
        return Err(ApplicationRejection::Spam);
    }
    let mut e = Vec::new();

    let name = input.name.trim().to_string();
    let n = name.chars().count();
    if n == 0 || n > 120 {
        err(&mut e, "name", "must be 1-120 characters");
    } else if name.chars().any(char::is_control) {
        err(&mut e, "name", "must not contain control characters");
    }

    let email = normalize_email(&input.email);
    if email.is_none() {
        err(&mut e, "email", "is not a valid email address");
    }

    let mut languages: Vec<(String, u8)> = Vec::new();
    if input.languages.is_empty() {
        err(&mut e, "languages", "at least one language is required");
    }
    if input.languages.len() > MAX_LANGUAGES {
        err(&mut e, "languages", "at most 10 languages");
    }
    for (i, l) in input.languages.iter().enumerate().take(MAX_LANGUAGES) {
        match normalize_language_tag(&l.tag) {
            None => err(
                &mut e,
                format!("languages[{i}].tag"),
                "must be a 2-3 letter language code with optional region",
            ),
            Some(t) if languages.iter().any(|(x, _)| *x == t) => {
                err(&mut e, format!("languages[{i}].tag"), "duplicate language")
            }
            Some(t) => languages.push((t, l.proficiency)),
        }
        if !(1..=10).contains(&l.proficiency) {
            err(
                &mut e,
                format!("languages[{i}].proficiency"),
                "must be 1-10",
            );
        }
    }

    let time_zone = input.time_zone.trim().parse::<Tz>().ok();
    if time_zone.is_none() {
        err(&mut e, "time_zone", "must be an IANA time zone name");
    }

    let country = input.country.trim().to_ascii_uppercase();
    if !is_iso_alpha2(&country) {
        err(&mut e, "country", "must be an ISO 3166-1 alpha-2 code");
    }

    let mut availability: Vec<AvailabilityWindow> = Vec::new();
    if input.availability.len() > 42 {
        err(&mut e, "availability", "at most 42 windows");
    }
    for (i, w) in input.availability.iter().enumerate() {
        let (s, t) = (parse_hhmm(&w.start, false), parse_hhmm(&w.end, true));
        let (Some(s), Some(t)) = (s, t) else {
            err(
                &mut e,
                format!("availability[{i}]"),
                "times must be HH:MM (end may be 24:00)",
            );
            continue;
        };
        if t <= s {
            err(
                &mut e,
                format!("availability[{i}]"),
                "end must be after start; split overnight windows at midnight",
            );
            continue;
        }
        if availability
            .iter()
            .any(|a| a.weekday == w.weekday && a.start_minute < t && s < a.end_minute)
        {
            err(
                &mut e,
                format!("availability[{i}]"),
                "overlaps another window",
            );
            continue;
        }
        availability.push(AvailabilityWindow {
            weekday: w.weekday,
            start_minute: s,
            end_minute: t,
        });
    }

    if !(1..=60).contains(&input.hours_per_week) {
        err(&mut e, "hours_per_week", "must be 1-60");
    }

    let start = input.earliest_start.trim();
    let earliest_start = NaiveDate::parse_from_str(start, "%Y-%m-%d")
        .ok()
        .filter(|_| start.len() == 10);
    // "Today" where the applicant lives: late evening in Honolulu is already tomorrow in UTC.
    let today = time_zone.map_or(now.date_naive(), |tz| now.with_timezone(&tz).date_naive());
    match earliest_start {
        None => err(&mut e, "earliest_start", "must be a date YYYY-MM-DD"),
        Some(d) if d < today => err(&mut e, "earliest_start", "must not be in the past"),
        Some(d) => {
            if let Err(years) = crate::domain::dates::check_date(d) {
                for fe in years.0 {
                    err(&mut e, "earliest_start", &fe.message);
                }
            }
        }
    }

    if input.motivation.chars().count() > 4000 {
        err(&mut e, "motivation", "at most 4000 characters");
    } else if input
        .motivation
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        err(&mut e, "motivation", "must not contain control characters");
    }
    if !input.consent {
        err(&mut e, "consent", "consent is required");
    }
    if input.consent_text_version.trim().is_empty() {
        err(&mut e, "consent_text_version", "must not be empty");
    }

    match (e.is_empty(), email, time_zone, earliest_start) {
        (true, Some(email), Some(time_zone), Some(earliest_start)) => Ok(ValidApplication {
            name,
            email,
            languages,
            time_zone,
            country,
            availability,
            hours_per_week: input.hours_per_week,
            earliest_start,
            is_student: input.is_student,
            motivation: input.motivation.clone(),
            consent_text_version: input.consent_text_version.trim().to_string(),
        }),
        _ => Err(ApplicationRejection::Invalid(e)),
    }
}
