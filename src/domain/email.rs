//! Email addresses as the product stores them: trimmed, lower-cased, syntactically valid.

use super::validation::ValidationErrors;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// A parsed email address; constructing one is the only way to get one, so a stored address is valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, ValidationErrors> {
        let candidate = raw.trim().to_lowercase();
        if candidate.is_empty() {
            return Err(ValidationErrors::single("", "email address is required"));
        }
        if candidate.len() > 254 {
            return Err(ValidationErrors::single(
                "",
                "email address must be at most 254 characters",
            ));
        }
        // The crate accepts quoted local parts and IP-literal domains, which no mail route here needs;
        // requiring a dotted domain rejects typos such as `ana@gmail`.
        let valid = email_address::EmailAddress::from_str(&candidate).is_ok()
            && !candidate.contains(['"', '[', ' '])
            && candidate
                .rsplit_once('@')
                .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
        if !valid {
            return Err(ValidationErrors::single(
                "",
                format!("'{}' is not a valid email address", raw.trim()),
            ));
        }
        Ok(Self(candidate))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let e = EmailAddress::parse("  Ana.Silva@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "ana.silva@example.com");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@@x.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn rejects_overlong_addresses() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
