use super::super::diff::changes;
use super::super::local::render_rows;
use super::super::testutil::{shift, utc};
use super::*;

fn agent() -> AgentInfo {
    AgentInfo {
        name: "Ana <b>".into(),
        email: "ana@example.com".into(),
        zone: chrono_tz::Europe::Stockholm,
    }
}

fn render(shifts: &[Shift], ch: &Changes) -> RenderedEmail {
    let rows = render_rows(&agent(), shifts);
    render_schedule(
        &agent(),
        &rows,
        ch,
        "week 44",
        "https://roster.example/me?a=1&b=2",
    )
    .unwrap_or_else(|e| panic!("render failed: {e}"))
}

#[test]
fn both_parts_show_local_times_zone_notes_and_total() {
    let mut s = shift("dst", utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 5, 0));
    s.breaks = vec![(utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 30))];
    let day = shift("d", utc(2026, 10, 26, 7, 0), utc(2026, 10, 26, 15, 0));
    let mail = render(&[s, day], &Changes::default());
    for part in [&mail.text, &mail.html] {
        assert!(part.contains("Europe/Stockholm (CEST/CET)"), "{part}");
        assert!(part.contains("22:00–06:00 CEST→CET"), "{part}");
        assert!(part.contains("08:00–16:00 CET"), "{part}");
        assert!(part.contains("Saturday"), "{part}");
        assert!(part.contains("2026-10-24"), "{part}");
        assert!(part.contains("02:00–02:30"), "{part}");
        assert!(part.contains("Clocks go back"), "{part}");
        assert!(part.contains("Ends the next day"), "{part}");
        assert!(part.contains("17 hours"), "{part}");
        assert!(!part.contains("What changed"), "{part}");
    }
    assert!(mail.text.contains("https://roster.example/me?a=1&b=2"));
    assert!(
        mail.html
            .contains("href=\"https://roster.example/me?a=1&#38;b=2\"")
            || mail.html.contains("a=1&amp;b=2"),
        "{}",
        mail.html
    );
    assert_eq!(mail.subject, "Your shifts for week 44");
}

#[test]
fn html_escapes_user_text() {
    let mut s = shift("x", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    s.queue_name = "<script>alert(1)</script>".into();
    let mail = render(
        std::slice::from_ref(&s),
        &changes(&[], std::slice::from_ref(&s)),
    );
    assert!(!mail.html.contains("<script>"), "{}", mail.html);
    assert!(mail.html.contains("&#60;script&#62;") || mail.html.contains("&lt;script&gt;"));
    assert!(!mail.html.contains("Ana <b>"));
    assert!(mail.text.contains("<script>alert(1)</script>"));
}

#[test]
fn changes_section_lists_added_moved_removed() {
    let a = shift("a", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    let mut a2 = a.clone();
    a2.start = utc(2026, 11, 2, 9, 0);
    a2.end = utc(2026, 11, 2, 17, 0);
    let b = shift("b", utc(2026, 11, 3, 8, 0), utc(2026, 11, 3, 16, 0));
    let c = shift("c", utc(2026, 11, 4, 8, 0), utc(2026, 11, 4, 16, 0));
    let ch = changes(&[a, b], &[a2.clone(), c.clone()]);
    let mail = render(&[a2, c], &ch);
    for part in [&mail.text, &mail.html] {
        assert!(part.contains("What changed"), "{part}");
        assert!(
            part.contains("Added: Wednesday 2026-11-04 09:00–17:00 CET"),
            "{part}"
        );
        assert!(
            part.contains("Moved: Monday 2026-11-02 09:00–17:00 CET"),
            "{part}"
        );
        assert!(
            part.contains("now Monday 2026-11-02 10:00–18:00 CET"),
            "{part}"
        );
        assert!(
            part.contains("Removed: Tuesday 2026-11-03 09:00–17:00 CET"),
            "{part}"
        );
    }
    assert_eq!(mail.subject, "Your shifts for week 44 (updated)");
}

#[test]
fn rejects_non_http_links_and_renders_empty_schedule() {
    let err = render_schedule(
        &agent(),
        &[],
        &Changes::default(),
        "w",
        "javascript:alert(1)",
    );
    assert!(matches!(err, Err(Error::InvalidUrl(_))));
    let ok = render_schedule(&agent(), &[], &Changes::default(), "w", "https://x.io");
    let mail = ok.unwrap_or_else(|e| panic!("{e}"));
    assert!(mail.text.contains("no shifts in this period"));
    assert!(mail.text.contains("Total: 0 hours"), "{}", mail.text);
}

#[test]
fn moved_over_dst_names_both_abbreviations() {
    let s = shift("dst", utc(2026, 10, 24, 20, 0), utc(2026, 10, 25, 5, 0));
    let mail = render(
        std::slice::from_ref(&s),
        &changes(&[], std::slice::from_ref(&s)),
    );
    assert!(mail
        .text
        .contains("Added: Saturday 2026-10-24 22:00–06:00 CEST→CET"));
}
