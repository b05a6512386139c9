//! Field-level validation errors shared by every parser in the domain.
//!
//! Parsers collect all problems of an input instead of stopping at the first, so a client can fix a form
//! in one round trip. The HTTP layer turns [`ValidationErrors`] into a `422 application/problem+json`.

use serde::Serialize;
use std::fmt;

/// One invalid input field: a JSON-pointer-like path (`contract.max_hours_per_week`) and why it is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The field serde names in its "missing field `x`", "unknown field `x`" and "duplicate field `x`"
/// messages; serde's other messages name none.
pub fn named_field(message: &str) -> Option<String> {
    if !["missing field", "unknown field", "duplicate field"]
        .iter()
        .any(|m| message.contains(m))
    {
        return None;
    }
    let start = message.find('`')? + 1;
    let end = message[start..].find('`')? + start;
    Some(message[start..end].to_string()).filter(|f| !f.is_empty())
}

/// Every invalid field of one input, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single-field error, for parsers that check one value.
    pub fn single(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut errors = Self::new();
        errors.add(field, message);
        errors
    }

    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs a parser and records its errors under `prefix`, returning the value when it parsed.
    pub fn collect<T>(&mut self, prefix: &str, result: Result<T, ValidationErrors>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(errors) => {
                for e in errors.0 {
                    let field = if e.field.is_empty() {
                        prefix.to_string()
                    } else if prefix.is_empty() {
                        e.field
                    } else if e.field.starts_with('[') {
                        format!("{prefix}{}", e.field)
                    } else {
                        format!("{prefix}.{}", e.field)
                    };
                    self.add(field, e.message);
                }
                None
            }
        }
    }

    /// `Ok(value)` when nothing was recorded, the collected errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ValidationErrors> {
        if self.is_empty() {
            match value() {
                Some(v) => Ok(v),
                None => Err(Self::single("", "invalid input")),
            }
        } else {
            Err(self)
        }
    }
}

/// Checks a free-text field: trimmed, non-empty, at most `max` characters.
pub fn text(value: &str, max: usize) -> Result<String, ValidationErrors> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationErrors::single("", "must not be empty"));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationErrors::single(
            "",
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ValidationErrors::single(
            "",
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}

/// Checks that a number lies in `[min, max]`.
pub fn in_range<T: PartialOrd + fmt::Display + Copy>(
    value: T,
    min: T,
    max: T,
) -> Result<T, ValidationErrors> {
    if value < min || value > max {
        Err(ValidationErrors::single(
            "",
            format!("must be between {min} and {max}, got {value}"),
        ))
    } else {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_out_of_serde_messages() {
        assert_eq!(
            named_field("missing field `email` at line 1 column 2"),
            Some("email".into())
        );
        assert_eq!(
            named_field("unknown field `rowz`, expected `rows`"),
            Some("rowz".into())
        );
        assert_eq!(named_field("expected value at line 1"), None);
        assert_eq!(named_field("invalid type: string `x`, expected i64"), None);
    }

    #[test]
    fn collect_prefixes_nested_fields() {
        let mut errors = ValidationErrors::new();
        let r: Option<u8> = errors.collect("contract", Err(ValidationErrors::single("min", "bad")));
        assert!(r.is_none());
        errors.collect::<u8>("name", Err(ValidationErrors::single("", "empty")));
        errors.collect::<u8>("windows", Err(ValidationErrors::single("[2]", "overlap")));
        let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["contract.min", "name", "windows[2]"]);
    }

    #[test]
    fn text_rejects_blank_long_and_control() {
        assert_eq!(text("  Ana ", 10).unwrap(), "Ana");
        assert!(text("   ", 10).is_err());
        assert!(text("abcdefghijk", 10).is_err());
        assert!(text("a\u{0}b", 10).is_err());
    }

    #[test]
    fn range_is_inclusive() {
        assert!(in_range(5, 1, 5).is_ok());
        assert!(in_range(0, 1, 5).is_err());
        assert!(in_range(0.5, 0.0, 1.0).is_ok());
    }
}
