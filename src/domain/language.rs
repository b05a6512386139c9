//! Language tags (BCP 47) and how well an agent speaks a language.
//!
//! A tag must be well-formed *and* name a real language: `xx-YY` is well-formed but no queue can be in
//! it, so the primary subtag is checked against ISO 639-1/639-3.

use super::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated, canonically cased BCP 47 tag such as `sv`, `pt-BR` or `zh-Hant-TW`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LanguageTag(String);

impl LanguageTag {
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        let raw = raw.trim();
        let tag = oxilangtag::LanguageTag::parse(raw).map_err(|e| {
            ValidationErrors::single(
                "",
                format!("'{raw}' is not a valid BCP 47 language tag: {e}"),
            )
        })?;
        let primary = tag.primary_language().to_ascii_lowercase();
        let known = match primary.len() {
            2 => isolang::Language::from_639_1(&primary).is_some(),
            3 => isolang::Language::from_639_3(&primary).is_some(),
            _ => false,
        };
        if !known {
            return Err(ValidationErrors::single(
                "",
                format!("'{raw}' does not name a known language ('{primary}' is not in ISO 639)"),
            ));
        }
        Ok(Self(canonical_case(raw)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag (`pt` for `pt-BR`): agents are matched to queues on it.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

/// BCP 47 case conventions: language lower, script title, region upper.
fn canonical_case(raw: &str) -> String {
    raw.split('-')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_ascii_lowercase()
            } else if part.len() == 2 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                part.to_ascii_uppercase()
            } else if part.len() == 4 && part.chars().all(|c| c.is_ascii_alphabetic()) {
                let lower = part.to_ascii_lowercase();
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            } else {
                part.to_ascii_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

impl fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How well an agent handles chats in a language, on the CEFR scale managers know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proficiency {
    B2,
    C1,
    C2,
    Native,
}

impl Proficiency {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::B2 => "b2",
            Self::C1 => "c1",
            Self::C2 => "c2",
            Self::Native => "native",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "b2" => Ok(Self::B2),
            "c1" => Ok(Self::C1),
            "c2" => Ok(Self::C2),
            "native" => Ok(Self::Native),
            other => Err(ValidationErrors::single(
                "",
                format!("unknown proficiency '{other}' (expected b2, c1, c2 or native)"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_canonicalises_real_tags() {
        assert_eq!(LanguageTag::parse("sv").unwrap().as_str(), "sv");
        assert_eq!(LanguageTag::parse("PT-br").unwrap().as_str(), "pt-BR");
        assert_eq!(
            LanguageTag::parse("zh-hant-tw").unwrap().as_str(),
            "zh-Hant-TW"
        );
        assert_eq!(LanguageTag::parse("fil").unwrap().primary(), "fil");
        assert_eq!(LanguageTag::parse("es-419").unwrap().as_str(), "es-419");
    }

    #[test]
    fn rejects_malformed_and_unknown_tags() {
        for bad in ["", "english", "xx", "qq-ZZ", "en_US", "e", "123"] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn proficiency_round_trips() {
        for p in [
            Proficiency::B2,
            Proficiency::C1,
            Proficiency::C2,
            Proficiency::Native,
        ] {
            assert_eq!(Proficiency::parse(p.as_str()).unwrap(), p);
        }
        assert!(Proficiency::parse("expert").is_err());
    }
}
