use super::super::testutil::{shift, utc};
use super::*;

fn parse(text: &str) -> Vec<ical::parser::ical::component::IcalCalendar> {
    ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("unparseable calendar: {e}\n{text}"))
}

fn prop(props: &[ical::property::Property], name: &str) -> Option<String> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.clone())
}

fn sample() -> Vec<Shift> {
    let mut a = shift("s-1", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 30));
    a.sequence = 3;
    a.breaks = vec![(utc(2026, 11, 2, 12, 0), utc(2026, 11, 2, 12, 30))];
    let mut b = shift("s-2", utc(2026, 11, 3, 22, 0), utc(2026, 11, 4, 6, 0));
    b.cancelled = true;
    b.queue_name = "Sales".into();
    vec![a, b]
}

#[test]
fn parses_back_with_uids_times_sequence_status() {
    let text = calendar_at(
        &sample(),
        Method::Publish,
        "rota@example.com",
        "-//chatroster//calendar//EN",
        utc(2026, 11, 1, 9, 0),
    );
    let cals = parse(&text);
    assert_eq!(cals.len(), 1);
    let cal = &cals[0];
    assert_eq!(prop(&cal.properties, "VERSION").as_deref(), Some("2.0"));
    assert_eq!(prop(&cal.properties, "METHOD").as_deref(), Some("PUBLISH"));
    assert_eq!(cal.events.len(), 2);
    let e0 = &cal.events[0].properties;
    assert_eq!(prop(e0, "UID").as_deref(), Some("s-1@chatroster"));
    assert_eq!(prop(e0, "DTSTART").as_deref(), Some("20261102T080000Z"));
    assert_eq!(prop(e0, "DTEND").as_deref(), Some("20261102T163000Z"));
    assert_eq!(prop(e0, "DTSTAMP").as_deref(), Some("20261101T090000Z"));
    assert_eq!(prop(e0, "SEQUENCE").as_deref(), Some("3"));
    assert_eq!(prop(e0, "STATUS").as_deref(), Some("CONFIRMED"));
    assert_eq!(prop(e0, "SUMMARY").as_deref(), Some("Billing (en)"));
    assert_eq!(
        prop(e0, "DESCRIPTION").as_deref(),
        Some("Breaks (UTC):\\n2026-11-02 12:00 - 12:30")
    );
    assert_eq!(
        prop(e0, "ORGANIZER").as_deref(),
        Some("mailto:rota@example.com")
    );
    let e1 = &cal.events[1].properties;
    assert_eq!(prop(e1, "UID").as_deref(), Some("s-2@chatroster"));
    assert_eq!(prop(e1, "DTEND").as_deref(), Some("20261104T060000Z"));
    assert_eq!(prop(e1, "STATUS").as_deref(), Some("CANCELLED"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "bare LF found");
}

#[test]
fn cancel_method_marks_every_event_cancelled() {
    let text = calendar_at(
        &sample()[..1],
        Method::Cancel,
        "r@x.io",
        "p",
        utc(2026, 1, 1, 0, 0),
    );
    let cals = parse(&text);
    assert_eq!(
        prop(&cals[0].properties, "METHOD").as_deref(),
        Some("CANCEL")
    );
    let e = &cals[0].events[0].properties;
    assert_eq!(prop(e, "STATUS").as_deref(), Some("CANCELLED"));
    assert_eq!(prop(e, "UID").as_deref(), Some("s-1@chatroster"));
}

#[test]
fn long_multibyte_summary_is_folded_on_char_boundaries() {
    let mut s = shift("long", utc(2026, 5, 1, 8, 0), utc(2026, 5, 1, 9, 0));
    s.queue_name = "Kundtjänst för företagskunder – överflöde ✓ 日本語サポート ".repeat(4);
    let text = calendar_at(
        &[s.clone()],
        Method::Publish,
        "a@b.c",
        "p",
        utc(2026, 5, 1, 0, 0),
    );
    let mut saw_fold = false;
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "line over 75 octets: {line:?}");
        saw_fold |= line.starts_with(' ');
    }
    assert!(saw_fold);
    let cals = parse(&text);
    let summary = prop(&cals[0].events[0].properties, "SUMMARY");
    assert_eq!(
        summary,
        Some(escape_text(&format!("{} (en)", s.queue_name)))
    );
}

#[test]
fn text_is_escaped() {
    assert_eq!(escape_text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
    let mut s = shift(
        "id\r\nX-EVIL:1",
        utc(2026, 5, 1, 8, 0),
        utc(2026, 5, 1, 9, 0),
    );
    s.queue_name = "Chat; VIP, tier\\2\nnight".into();
    let text = calendar_at(
        &[s],
        Method::Publish,
        "a@b.c\r\nX:1",
        "p",
        utc(2026, 5, 1, 0, 0),
    );
    assert!(text.contains("SUMMARY:Chat\\; VIP\\, tier\\\\2\\nnight (en)\r\n"));
    assert!(text.contains("UID:idX-EVIL:1@chatroster\r\n"));
    assert!(!text.contains("\r\nX-EVIL"));
    assert!(!text.contains("\r\nX:1"));
}

proptest::proptest! {
    #[test]
    fn folding_keeps_content_and_limits(line in "\\PC{0,300}") {
        let folded = fold_line(&line);
        proptest::prop_assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            proptest::prop_assert!(l.len() <= 75);
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        proptest::prop_assert_eq!(unfolded, line);
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

proptest::proptest! {
    #[test]
    fn escaping_round_trips(text in "[a-zA-Zå日 ;,\\\\\n]{0,80}") {
        let escaped = escape_text(&text);
        proptest::prop_assert!(!escaped.contains('\n'));
        proptest::prop_assert_eq!(unescape(&escaped), text);
    }
}
