//! The schedule email, rendered with askama from `templates/`.
//!
//! The HTML part relies on askama's default HTML escaping for every value
//! (queue names and agent names are user text); the text part is not
//! escaped. Times are always shown in the agent's zone, with the IANA name
//! stated once so "CST"-style ambiguous abbreviations cannot mislead.

use super::diff::Changes;
use super::local::{format_hours, ShiftRow};
use super::{AgentInfo, Error, Shift};
use askama::Template;
use serde::{Deserialize, Serialize};

/// A rendered email, ready for a mail transport.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct RowView<'a> {
    row: &'a ShiftRow,
    zone: String,
    hours: String,
    breaks: String,
}

struct View<'a> {
    agent_name: &'a str,
    zone_label: String,
    period_label: &'a str,
    rows: Vec<RowView<'a>>,
    total_hours: String,
    has_changes: bool,
    added: Vec<String>,
    moved: Vec<String>,
    removed: Vec<String>,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "schedule_email.html")]
struct HtmlEmail<'a> {
    v: &'a View<'a>,
}

#[derive(Template)]
#[template(path = "schedule_email.txt")]
struct TextEmail<'a> {
    v: &'a View<'a>,
}

/// Renders the schedule email for `agent`.
///
/// `rows` come from [`super::local::render_rows`] for the same agent;
/// `changes` is shown only when not empty. Total hours are the elapsed
/// hours of the non-cancelled rows (breaks are paid, so not deducted).
pub fn render_schedule(
    agent: &AgentInfo,
    rows: &[ShiftRow],
    changes: &Changes,
    period_label: &str,
    agent_view_url: &str,
) -> Result<RenderedEmail, Error> {
    let lower = agent_view_url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(Error::InvalidUrl(agent_view_url.to_string()));
    }
    let mut abbrs: Vec<&str> = Vec::new();
    for r in rows {
        for a in [r.zone_abbr.as_str(), r.end_zone_abbr.as_str()] {
            if !abbrs.contains(&a) {
                abbrs.push(a);
            }
        }
    }
    let zone_name = agent.zone.name();
    let zone_label = if abbrs.is_empty() {
        zone_name.to_string()
    } else {
        format!("{zone_name} ({})", abbrs.join("/"))
    };
    let total: f64 = rows
        .iter()
        .filter(|r| !r.cancelled)
        .map(|r| r.duration_hours)
        .sum();
    let line = |s: &Shift| describe(agent, s.start, s.end, s);
    let view = View {
        agent_name: &agent.name,
        zone_label,
        period_label,
        rows: rows.iter().map(row_view).collect(),
        total_hours: format_hours(total),
        has_changes: !changes.is_empty(),
        added: changes.added.iter().map(line).collect(),
        moved: changes
            .moved
            .iter()
            .map(|m| {
                let old = describe(agent, m.old_start, m.old_end, &m.shift);
                format!("{old} → now {}", line(&m.shift))
            })
            .collect(),
        removed: changes.removed.iter().map(line).collect(),
        url: agent_view_url,
    };
    let updated = if view.has_changes { " (updated)" } else { "" };
    let subject = format!("Your shifts for {period_label}{updated}");
    Ok(RenderedEmail {
        // A subject is a mail header: line breaks there would inject headers.
        subject: subject.chars().filter(|c| !c.is_control()).collect(),
        text: TextEmail { v: &view }.render()?,
        html: HtmlEmail { v: &view }.render()?,
    })
}

fn row_view(row: &ShiftRow) -> RowView<'_> {
    let zone = if row.zone_abbr == row.end_zone_abbr {
        row.zone_abbr.clone()
    } else {
        format!("{}→{}", row.zone_abbr, row.end_zone_abbr)
    };
    let breaks = row
        .breaks
        .iter()
        .map(|b| format!("{}–{}", b.start, b.end))
        .collect::<Vec<_>>()
        .join(", ");
    RowView {
        row,
        zone,
        hours: format_hours(row.duration_hours),
        breaks,
    }
}

fn describe(
    agent: &AgentInfo,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
    s: &Shift,
) -> String {
    let ls = start.with_timezone(&agent.zone);
    let le = end.with_timezone(&agent.zone);
    let (za, zb) = (ls.format("%Z").to_string(), le.format("%Z").to_string());
    let zone = if za == zb { za } else { format!("{za}→{zb}") };
    format!(
        "{} {}–{} {zone}, {} ({})",
        ls.format("%A %Y-%m-%d"),
        ls.format("%H:%M"),
        le.format("%H:%M"),
        s.queue_name,
        s.language
    )
}

#[cfg(test)]
mod tests;
