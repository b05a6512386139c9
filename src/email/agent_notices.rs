//! Notices to one agent about its requests (time-off decisions, shifts that changed hands), rendered
//! from askama templates into outbox messages. Times are shown in the agent's own zone.

use super::EmailError;
use crate::db::outbox::NewMessage;
use askama::Template;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Who receives a notice.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub agent_id: String,
    pub name: String,
    pub email: String,
    pub zone: Tz,
}

/// What a time-off decision email shows.
#[derive(Debug, Clone)]
pub struct TimeOffDecision {
    pub agent_name: String,
    pub approved: bool,
    pub decision: &'static str,
    /// Local start and end as the agent entered them.
    pub start: String,
    pub end: String,
    pub zone: String,
    pub reason: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "time_off_decision.txt")]
struct TimeOffText<'a> {
    v: &'a TimeOffDecision,
}

#[derive(Template)]
#[template(path = "time_off_decision.html")]
struct TimeOffHtml<'a> {
    v: &'a TimeOffDecision,
}

fn render(t: &impl Template) -> Result<String, EmailError> {
    t.render().map_err(|e| EmailError::Message(e.to_string()))
}

/// The email telling an agent its time off was approved or denied.
pub fn time_off_decision(to: &Recipient, v: &TimeOffDecision) -> Result<NewMessage, EmailError> {
    Ok(NewMessage {
        kind: "time_off_decision".into(),
        recipient: to.email.clone(),
        recipient_name: Some(to.name.clone()),
        subject: format!("Your time off from {} was {}", v.start, v.decision),
        text_body: render(&TimeOffText { v })?,
        html_body: Some(render(&TimeOffHtml { v })?),
        agent_id: Some(to.agent_id.clone()),
        ..NewMessage::default()
    })
}

/// What a shift-change email shows.
#[derive(Debug, Clone)]
pub struct ShiftChange {
    pub agent_name: String,
    pub headline: String,
    pub when: String,
    pub zone: String,
    pub queue: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "shift_change.txt")]
struct ShiftText<'a> {
    v: &'a ShiftChange,
}

#[derive(Template)]
#[template(path = "shift_change.html")]
struct ShiftHtml<'a> {
    v: &'a ShiftChange,
}

/// `start`-`end` in `zone`, e.g. `Mon 2026-03-02 09:00–17:00`.
pub fn local_range(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let s = start.with_timezone(&zone);
    let e = end.with_timezone(&zone);
    if s.date_naive() == e.date_naive() {
        format!("{}–{}", s.format("%a %Y-%m-%d %H:%M"), e.format("%H:%M"))
    } else {
        format!(
            "{} – {}",
            s.format("%a %Y-%m-%d %H:%M"),
            e.format("%a %Y-%m-%d %H:%M")
        )
    }
}

/// The email telling an agent a shift was given to or taken from them.
pub fn shift_change(
    to: &Recipient,
    subject: &str,
    v: &ShiftChange,
) -> Result<NewMessage, EmailError> {
    Ok(NewMessage {
        kind: "shift_change".into(),
        recipient: to.email.clone(),
        recipient_name: Some(to.name.clone()),
        subject: subject.to_string(),
        text_body: render(&ShiftText { v })?,
        html_body: Some(render(&ShiftHtml { v })?),
        agent_id: Some(to.agent_id.clone()),
        ..NewMessage::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to() -> Recipient {
        Recipient {
            agent_id: "a1".into(),
            name: "Lina <Berg>".into(),
            email: "lina@example.com".into(),
            zone: chrono_tz::Asia::Manila,
        }
    }

    #[test]
    fn time_off_decisions_render_both_parts_and_escape_html() {
        let v = TimeOffDecision {
            agent_name: "Lina <Berg>".into(),
            approved: false,
            decision: "denied",
            start: "2026-12-24".into(),
            end: "2026-12-26".into(),
            zone: "Asia/Manila".into(),
            reason: "family".into(),
            note: "peak week".into(),
        };
        let m = time_off_decision(&to(), &v).unwrap();
        assert!(m.text_body.contains("has been denied"));
        assert!(m.text_body.contains("Note from your manager: peak week"));
        assert!(m.text_body.contains("Hi Lina <Berg>,"));
        let html = m.html_body.unwrap();
        assert!(html.contains("Lina &#60;Berg&#62;") || html.contains("Lina &lt;Berg&gt;"));
        assert_eq!(m.kind, "time_off_decision");
    }

    #[test]
    fn ranges_are_local() {
        let s = DateTime::parse_from_rfc3339("2026-03-02T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let e = DateTime::parse_from_rfc3339("2026-03-02T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            local_range(chrono_tz::Asia::Manila, s, e),
            "Mon 2026-03-02 08:00–16:00"
        );
    }
}
