//! Turning an outbox row into a MIME message: text and HTML alternatives, attachments, and the stored
//! Message-ID, so a resend after a crash is recognisably the same message.

use super::EmailError;
use crate::db::outbox::OutboxRow;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::Message;

/// The `From:` mailbox from configuration text like `Chat Roster <rosters@example.com>`.
pub fn parse_from(from: &str) -> Result<Mailbox, EmailError> {
    from.parse()
        .map_err(|e| EmailError::Config(format!("smtp.from {from:?} is not a mailbox: {e}")))
}

/// The domain part of the `From:` address, used on the right of every Message-ID.
pub fn mail_domain(from: &Mailbox) -> String {
    from.email.domain().to_string()
}

/// Builds the message for `row`. An unparseable recipient is a permanent error.
pub fn build(row: &OutboxRow, from: &Mailbox) -> Result<Message, EmailError> {
    let address = row
        .recipient
        .parse()
        .map_err(|e| EmailError::Message(format!("recipient {:?}: {e}", row.recipient)))?;
    let to = Mailbox::new(row.recipient_name.clone(), address);
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()));
    let text = SinglePart::plain(row.text_body.clone());
    let content = match &row.html_body {
        Some(html) => MultiPart::alternative()
            .singlepart(text)
            .singlepart(SinglePart::html(html.clone())),
        None => MultiPart::mixed().singlepart(text),
    };
    let attachments = row.attachments();
    let message = if attachments.is_empty() {
        builder.multipart(content)
    } else {
        let mut mixed = MultiPart::mixed().multipart(content);
        for a in attachments {
            let kind = ContentType::parse(&a.content_type).map_err(|e| {
                EmailError::Message(format!("content type {:?}: {e}", a.content_type))
            })?;
            mixed = mixed.singlepart(Attachment::new(a.filename).body(a.body, kind));
        }
        builder.multipart(mixed)
    };
    message.map_err(|e| EmailError::Message(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::outbox::{row_for, Attachment as Att, NewMessage};

    #[test]
    fn message_carries_both_parts_the_attachment_and_the_stored_message_id() {
        let from = parse_from("Rosters <rosters@example.com>").unwrap_or_else(|e| panic!("{e}"));
        let row = row_for(
            &NewMessage {
                kind: "schedule".into(),
                recipient: "ana@example.org".into(),
                recipient_name: Some("Ana".into()),
                subject: "Your shifts".into(),
                text_body: "plain".into(),
                html_body: Some("<p>html</p>".into()),
                attachments: vec![Att {
                    filename: "shifts.ics".into(),
                    content_type: "text/calendar; method=PUBLISH; charset=UTF-8".into(),
                    body: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
                }],
                ..NewMessage::default()
            },
            &mail_domain(&from),
        );
        let raw = String::from_utf8(
            build(&row, &from)
                .unwrap_or_else(|e| panic!("{e}"))
                .formatted(),
        )
        .unwrap_or_default();
        assert!(raw.contains(&format!("Message-ID: {}", row.message_id)));
        assert!(row.message_id.ends_with("@example.com>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("filename=\"shifts.ics\""));
    }

    #[test]
    fn bad_recipient_is_reported() {
        let from = parse_from("a@example.com").unwrap_or_else(|e| panic!("{e}"));
        let mut row = row_for(&NewMessage::default(), "example.com");
        row.recipient = "not an address".into();
        assert!(matches!(build(&row, &from), Err(EmailError::Message(_))));
    }
}
