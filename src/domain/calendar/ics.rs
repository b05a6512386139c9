//! RFC 5545 iCalendar output.
//!
//! Choices made, and why:
//! * Lines end in CRLF and are folded at 75 octets (RFC 5545 §3.1); folds
//!   never split a UTF-8 sequence, so a line may be a little shorter than 75.
//! * All times are written as UTC (`...Z`): no VTIMEZONE block is needed and
//!   every client converts to the viewer's zone itself, so DST is never our
//!   problem inside the file.
//! * `UID` is `{shift.id}@chatroster`, so a re-sent calendar updates the
//!   event in the agent's calendar app instead of duplicating it; `SEQUENCE`
//!   comes from the shift so clients accept the newer version.
//! * `METHOD:CANCEL` marks every event it carries `STATUS:CANCELLED`
//!   (RFC 5546 §3.2.5); with `METHOD:PUBLISH` the status follows
//!   `Shift::cancelled`.
//! * Breaks are listed in DESCRIPTION in UTC, since the file has no agent
//!   zone; the email carries the local-time view.

use super::Shift;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;

/// The iTIP method of the calendar object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    Publish,
    Cancel,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Cancel => "CANCEL",
        }
    }
}

/// Builds a calendar stamped with the current time.
pub fn calendar(
    shifts: &[Shift],
    method: Method,
    organizer_email: &str,
    product_id: &str,
) -> String {
    calendar_at(shifts, method, organizer_email, product_id, Utc::now())
}

/// Like [`calendar`] with an explicit DTSTAMP, for reproducible output.
pub fn calendar_at(
    shifts: &[Shift],
    method: Method,
    organizer_email: &str,
    product_id: &str,
    dtstamp: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    push(&mut out, "BEGIN:VCALENDAR");
    push(&mut out, "VERSION:2.0");
    push(&mut out, &format!("PRODID:{}", escape_text(product_id)));
    push(&mut out, "CALSCALE:GREGORIAN");
    push(&mut out, &format!("METHOD:{}", method.as_str()));
    for shift in shifts {
        write_event(&mut out, shift, method, organizer_email, dtstamp);
    }
    push(&mut out, "END:VCALENDAR");
    out
}

fn write_event(
    out: &mut String,
    shift: &Shift,
    method: Method,
    organizer_email: &str,
    dtstamp: DateTime<Utc>,
) {
    let cancelled = shift.cancelled || method == Method::Cancel;
    push(out, "BEGIN:VEVENT");
    push(out, &format!("UID:{}", uid(&shift.id)));
    push(out, &format!("DTSTAMP:{}", format_utc(dtstamp)));
    push(out, &format!("DTSTART:{}", format_utc(shift.start)));
    push(out, &format!("DTEND:{}", format_utc(shift.end)));
    let summary = format!("{} ({})", shift.queue_name, shift.language);
    push(out, &format!("SUMMARY:{}", escape_text(&summary)));
    if !shift.breaks.is_empty() {
        let mut desc = String::from("Breaks (UTC):");
        for (s, e) in &shift.breaks {
            let _ = write!(
                desc,
                "\n{} - {}",
                s.format("%Y-%m-%d %H:%M"),
                e.format("%H:%M")
            );
        }
        push(out, &format!("DESCRIPTION:{}", escape_text(&desc)));
    }
    push(out, &format!("SEQUENCE:{}", shift.sequence));
    let status = if cancelled { "CANCELLED" } else { "CONFIRMED" };
    push(out, &format!("STATUS:{status}"));
    // Shifts block the agent's time, so clients should show them as busy.
    push(out, "TRANSP:OPAQUE");
    let organizer = strip_controls(organizer_email);
    if !organizer.is_empty() {
        push(out, &format!("ORGANIZER:mailto:{organizer}"));
    }
    push(out, "END:VEVENT");
}

/// The stable UID of a shift.
pub fn uid(shift_id: &str) -> String {
    format!("{}@chatroster", strip_controls(shift_id))
}

fn format_utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

// Control characters would break the line structure (header injection);
// values that are not TEXT cannot escape them, so they are dropped.
fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds one content line at 75 octets and terminates it with CRLF.
pub fn fold_line(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > LIMIT {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts toward 75.
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

fn push(out: &mut String, line: &str) {
    out.push_str(&fold_line(line));
}

#[cfg(test)]
mod tests;
