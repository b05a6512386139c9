//! Tests for `application` validation, one per rule.

use chrono::{DateTime, Utc, Weekday};

use super::application::*;

/// Midnight UTC on 2026-11-25: morning of that day in Manila, where [`good`] applies from.
fn now() -> DateTime<Utc> {
    at("2026-11-25T00:00:00Z")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_default()
}

fn good() -> ApplicationInput {
    ApplicationInput {
        name: "Aino Virtanen".into(),
        email: " Aino.V@Example.COM ".into(),
        languages: vec![
            LanguageInput {
                tag: "fi".into(),
                proficiency: 10,
            },
            LanguageInput {
                tag: "en_gb".into(),
                proficiency: 8,
            },
        ],
        time_zone: "Asia/Manila".into(),
        country: "ph".into(),
        availability: vec![
            WindowInput {
                weekday: Weekday::Sun,
                start: "22:00".into(),
                end: "24:00".into(),
            },
            WindowInput {
                weekday: Weekday::Mon,
                start: "00:00".into(),
                end: "06:00".into(),
            },
        ],
        hours_per_week: 20,
        earliest_start: "2026-12-01".into(),
        is_student: true,
        motivation: "Hei!".into(),
        consent: true,
        consent_text_version: "v3".into(),
        honeypot: String::new(),
    }
}

fn fields(input: &ApplicationInput) -> Vec<String> {
    match validate_application(input, now()) {
        Err(ApplicationRejection::Invalid(v)) => v.into_iter().map(|e| e.field).collect(),
        Err(ApplicationRejection::Spam) => vec!["SPAM".into()],
        Ok(_) => vec![],
    }
}

fn with(f: impl FnOnce(&mut ApplicationInput)) -> Vec<String> {
    let mut a = good();
    f(&mut a);
    fields(&a)
}

#[test]
fn valid_input_is_normalised() {
    let v = validate_application(&good(), now());
    let Ok(v) = v else {
        panic!("expected valid: {v:?}")
    };
    assert_eq!(v.email, "aino.v@example.com");
    assert_eq!(v.country, "PH");
    assert_eq!(v.languages, vec![("fi".into(), 10), ("en-GB".into(), 8)]);
    assert_eq!(v.time_zone, chrono_tz::Asia::Manila);
    assert_eq!(v.availability[0].end_minute, 1440);
}

#[test]
fn name_rules() {
    assert_eq!(with(|a| a.name = "  ".into()), ["name"]);
    assert_eq!(with(|a| a.name = "x".repeat(121)), ["name"]);
    assert!(with(|a| a.name = "ä".repeat(120)).is_empty());
    assert_eq!(with(|a| a.name = "a\u{0007}b".into()), ["name"]);
}

#[test]
fn email_rules() {
    for bad in [
        "", "no-at", "a@b", "a b@c.fi", "@c.fi", "a@@c.fi", "a@.fi", "a@c-.fi",
    ] {
        assert_eq!(with(|a| a.email = bad.into()), ["email"], "{bad}");
    }
}

#[test]
fn language_rules() {
    assert_eq!(with(|a| a.languages.clear()), ["languages"]);
    assert_eq!(
        with(|a| a.languages[0].tag = "finnish".into()),
        ["languages[0].tag"]
    );
    assert_eq!(
        with(|a| a.languages[0].tag = "fi-F1".into()),
        ["languages[0].tag"]
    );
    assert!(with(|a| a.languages[0].tag = "fil-419".into()).is_empty());
    assert_eq!(
        with(|a| a.languages[1].tag = "FI".into()),
        ["languages[1].tag"]
    );
    assert_eq!(
        with(|a| a.languages[0].proficiency = 0),
        ["languages[0].proficiency"]
    );
    assert_eq!(
        with(|a| a.languages[1].proficiency = 11),
        ["languages[1].proficiency"]
    );
}

#[test]
fn zone_and_country() {
    assert_eq!(with(|a| a.time_zone = "Mars/Olympus".into()), ["time_zone"]);
    assert_eq!(with(|a| a.country = "UK".into()), ["country"]);
    assert_eq!(with(|a| a.country = "FIN".into()), ["country"]);
}

#[test]
fn availability_rules() {
    assert_eq!(
        with(|a| a.availability[0].start = "7:00".into()),
        ["availability[0]"]
    );
    assert_eq!(
        with(|a| a.availability[0].start = "24:00".into()),
        ["availability[0]"]
    );
    assert_eq!(
        with(|a| a.availability[1].end = "00:00".into()),
        ["availability[1]"]
    );
    assert_eq!(
        with(|a| a.availability.push(WindowInput {
            weekday: Weekday::Mon,
            start: "05:59".into(),
            end: "08:00".into()
        })),
        ["availability[2]"]
    );
    assert!(with(|a| a.availability.push(WindowInput {
        weekday: Weekday::Mon,
        start: "06:00".into(),
        end: "08:00".into()
    }))
    .is_empty());
    assert!(with(|a| a.availability.clear()).is_empty());
    let too_many = with(|a| {
        a.availability = (0..43)
            .map(|i| WindowInput {
                weekday: Weekday::Tue,
                start: format!("{:02}:{:02}", i / 2, (i % 2) * 30),
                end: format!("{:02}:{:02}", i / 2, (i % 2) * 30 + 1),
            })
            .collect()
    });
    assert_eq!(too_many, ["availability"]);
}

#[test]
fn hours_and_start_date() {
    assert_eq!(with(|a| a.hours_per_week = 0), ["hours_per_week"]);
    assert_eq!(with(|a| a.hours_per_week = 61), ["hours_per_week"]);
    assert!(with(|a| a.earliest_start = "2026-11-25".into()).is_empty());
    assert_eq!(
        with(|a| a.earliest_start = "2026-11-24".into()),
        ["earliest_start"]
    );
    assert_eq!(
        with(|a| a.earliest_start = "2026-2-01".into()),
        ["earliest_start"]
    );
    assert_eq!(
        with(|a| a.earliest_start = "2026-02-30".into()),
        ["earliest_start"]
    );
    assert!(with(|a| a.earliest_start = "2199-12-31".into()).is_empty());
    // Past means before the applicant's own today: 01:00 UTC on the 26th is still the 25th in
    // Honolulu, and already the 26th in Manila.
    let start_on_the_25th = |zone: &str, now: &str| {
        let mut a = good();
        a.time_zone = zone.into();
        a.earliest_start = "2026-11-25".into();
        validate_application(&a, at(now)).is_ok()
    };
    assert!(start_on_the_25th(
        "Pacific/Honolulu",
        "2026-11-26T01:00:00Z"
    ));
    assert!(!start_on_the_25th("Asia/Manila", "2026-11-26T01:00:00Z"));
    assert!(start_on_the_25th("Asia/Manila", "2026-11-24T17:00:00Z"));
    assert_eq!(
        with(|a| a.earliest_start = "2200-01-01".into()),
        ["earliest_start"]
    );
}

#[test]
fn motivation_and_consent() {
    assert!(with(|a| a.motivation = "m".repeat(4000)).is_empty());
    assert_eq!(with(|a| a.motivation = "m".repeat(4001)), ["motivation"]);
    assert_eq!(with(|a| a.consent = false), ["consent"]);
    assert_eq!(
        with(|a| a.consent_text_version = " ".into()),
        ["consent_text_version"]
    );
}

#[test]
fn all_errors_reported_and_spam_is_distinct() {
    let all = fields(&ApplicationInput::default());
    let expected = [
        "name",
        "email",
        "languages",
        "time_zone",
        "country",
        "hours_per_week",
        "earliest_start",
        "consent",
        "consent_text_version",
    ];
    assert_eq!(all, expected);
    let a = ApplicationInput {
        honeypot: "http://spam".into(),
        ..ApplicationInput::default()
    };
    assert_eq!(
        validate_application(&a, now()),
        Err(ApplicationRejection::Spam)
    );
}

#[test]
fn language_count_and_control_characters_are_limited() {
    let many = with(|a| {
        a.languages = (0..11)
            .map(|i| LanguageInput {
                tag: [
                    "fi", "sv", "en", "de", "fr", "es", "it", "pt", "nl", "da", "nb",
                ][i]
                    .into(),
                proficiency: 8,
            })
            .collect()
    });
    assert_eq!(many, ["languages"]);
    assert_eq!(with(|a| a.motivation = "hi\u{7}".into()), ["motivation"]);
    assert!(with(|a| a.motivation = "line\nline".into()).is_empty());
}

#[test]
fn self_rated_levels_map_to_agent_proficiency() {
    use crate::domain::language::Proficiency;
    assert_eq!(agent_proficiency(10), Some(Proficiency::Native));
    assert_eq!(agent_proficiency(9), Some(Proficiency::C2));
    assert_eq!(agent_proficiency(8), Some(Proficiency::C1));
    assert_eq!(agent_proficiency(6), Some(Proficiency::B2));
    assert_eq!(agent_proficiency(5), None);
}
