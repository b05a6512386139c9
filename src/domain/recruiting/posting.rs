//! A job posting for a remote role, as a manager writes it.

use super::countries::is_iso_alpha2;
use crate::domain::language::LanguageTag;
use crate::domain::validation::{in_range, text, ValidationErrors};
use crate::domain::zone::TimeZone;
use serde::{Deserialize, Serialize};

/// Whether applicants can see and apply to a posting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostingStatus {
    Draft,
    Open,
    Closed,
}

impl PostingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        match raw.trim() {
            "draft" => Ok(Self::Draft),
            "open" => Ok(Self::Open),
            "closed" => Ok(Self::Closed),
            other => Err(ValidationErrors::single(
                "",
                format!("unknown status '{other}' (expected draft, open or closed)"),
            )),
        }
    }
}

/// A posting as a manager creates or replaces it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostingInput {
    pub title: String,
    pub description: String,
    /// BCP 47 tags of the languages the role needs.
    pub languages: Vec<String>,
    /// ISO 3166-1 alpha-2 countries or regions the role is open to (empty: anywhere).
    #[serde(default)]
    pub regions: Vec<String>,
    /// IANA zones the role targets (empty: any).
    #[serde(default)]
    pub time_zones: Vec<String>,
    pub hours_per_week_min: f64,
    pub hours_per_week_max: f64,
    /// Pay as shown to applicants, e.g. `EUR 18 per hour`.
    pub pay: String,
    /// How many people the posting hires.
    pub hires_wanted: u32,
    /// `draft` (default), `open` or `closed`.
    #[serde(default)]
    pub status: Option<String>,
}

/// A validated posting.
#[derive(Debug, Clone, PartialEq)]
pub struct PostingSpec {
    pub title: String,
    pub description: String,
    pub languages: Vec<LanguageTag>,
    pub regions: Vec<String>,
    pub time_zones: Vec<TimeZone>,
    pub hours_per_week_min: f64,
    pub hours_per_week_max: f64,
    pub pay: String,
    pub hires_wanted: u32,
    pub status: PostingStatus,
}

const MAX_LIST: usize = 50;

impl PostingSpec {
    pub fn parse(input: &PostingInput) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.collect("title", text(&input.title, 150));
        let description = errors.collect("description", text(&input.description, 10_000));
        let pay = errors.collect("pay", text(&input.pay, 200));
        let mut languages = Vec::new();
        if input.languages.is_empty() {
            errors.add("languages", "name at least one language");
        }
        if input.languages.len() > 10 {
            errors.add("languages", "at most 10 languages");
        }
        for (i, raw) in input.languages.iter().enumerate().take(10) {
            if let Some(tag) = errors.collect(&format!("languages[{i}]"), LanguageTag::parse(raw)) {
                if languages.contains(&tag) {
                    errors.add(format!("languages[{i}]"), format!("{tag} is listed twice"));
                } else {
                    languages.push(tag);
                }
            }
        }
        if input.regions.len() > MAX_LIST {
            errors.add("regions", format!("at most {MAX_LIST} regions"));
        }
        let mut regions = Vec::new();
        for (i, raw) in input.regions.iter().enumerate().take(MAX_LIST) {
            let code = raw.trim().to_ascii_uppercase();
            if !is_iso_alpha2(&code) {
                errors.add(
                    format!("regions[{i}]"),
                    format!("'{raw}' is not an ISO 3166-1 alpha-2 code"),
                );
            } else if regions.contains(&code) {
                errors.add(format!("regions[{i}]"), format!("{code} is listed twice"));
            } else {
                regions.push(code);
            }
        }
        if input.time_zones.len() > MAX_LIST {
            errors.add("time_zones", format!("at most {MAX_LIST} time zones"));
        }
        let mut time_zones = Vec::new();
        for (i, raw) in input.time_zones.iter().enumerate().take(MAX_LIST) {
            let field = format!("time_zones[{i}]");
            let Some(z) = errors.collect(&field, TimeZone::parse(raw)) else {
                continue;
            };
            if time_zones.iter().any(|t: &TimeZone| t.name() == z.name()) {
                errors.add(field, format!("{} is listed twice", z.name()));
            } else {
                time_zones.push(z);
            }
        }
        let (lo, hi) = (input.hours_per_week_min, input.hours_per_week_max);
        errors.collect("hours_per_week_min", in_range(lo, 1.0, 60.0));
        errors.collect("hours_per_week_max", in_range(hi, 1.0, 60.0));
        if lo.is_finite() && hi.is_finite() && lo > hi {
            errors.add(
                "hours_per_week_min",
                format!("minimum {lo} h is above the maximum {hi} h"),
            );
        }
        if !lo.is_finite() || !hi.is_finite() {
            errors.add("hours_per_week_min", "hours must be finite numbers");
        }
        errors.collect("hires_wanted", in_range(input.hires_wanted, 1, 1000));
        let status = match &input.status {
            None => Some(PostingStatus::Draft),
            Some(s) => errors.collect("status", PostingStatus::parse(s)),
        };
        errors.finish(|| {
            Some(Self {
                title: title?,
                description: description?,
                languages,
                regions,
                time_zones,
                hours_per_week_min: lo,
                hours_per_week_max: hi,
                pay: pay?,
                hires_wanted: input.hires_wanted,
                status: status?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PostingInput {
        PostingInput {
            title: "Finnish chat agent (nights)".into(),
            description: "Remote, part time.".into(),
            languages: vec!["fi".into()],
            regions: vec!["ph".into(), "FI".into()],
            time_zones: vec!["Asia/Manila".into()],
            hours_per_week_min: 10.0,
            hours_per_week_max: 30.0,
            pay: "EUR 18 per hour".into(),
            hires_wanted: 2,
            status: None,
        }
    }

    #[test]
    fn a_good_posting_parses_as_draft() {
        let p = PostingSpec::parse(&input()).unwrap();
        assert_eq!(p.status, PostingStatus::Draft);
        assert_eq!(p.regions, vec!["PH", "FI"]);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let mut bad = input();
        bad.title = " ".into();
        bad.languages = vec!["xx".into(), "fi".into(), "fi".into()];
        bad.regions = vec!["ZZ".into(), "SE".into(), " se".into()];
        bad.time_zones = vec![
            "Mars/Base".into(),
            "Europe/Helsinki".into(),
            "Europe/Helsinki".into(),
        ];
        bad.hours_per_week_min = 40.0;
        bad.hours_per_week_max = 20.0;
        bad.hires_wanted = 0;
        bad.status = Some("paused".into());
        let fields: Vec<String> = PostingSpec::parse(&bad)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect();
        for f in [
            "title",
            "languages[0]",
            "languages[2]",
            "regions[0]",
            "regions[2]",
            "time_zones[0]",
            "time_zones[2]",
            "hours_per_week_min",
            "hires_wanted",
            "status",
        ] {
            assert!(fields.iter().any(|x| x == f), "{f} missing in {fields:?}");
        }
    }
}
