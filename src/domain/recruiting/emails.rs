//! Applicant and new-hire emails, rendered with askama from `templates/` (HTML escaped, text plain).

use super::pipeline::ApplicationState;
use askama::Template;

/// A rendered email: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

struct ConfirmView<'a> {
    name: &'a str,
    posting_title: &'a str,
    url: &'a str,
    ttl_hours: u32,
    is_update: bool,
}

#[derive(Template)]
#[template(path = "application_confirm.txt")]
struct ConfirmText<'a> {
    v: &'a ConfirmView<'a>,
}

#[derive(Template)]
#[template(path = "application_confirm.html")]
struct ConfirmHtml<'a> {
    v: &'a ConfirmView<'a>,
}

struct StatusView<'a> {
    name: &'a str,
    posting_title: &'a str,
    message: &'a str,
    /// Empty when the email carries no private link.
    url: &'a str,
}

#[derive(Template)]
#[template(path = "application_status.txt")]
struct StatusText<'a> {
    v: &'a StatusView<'a>,
}

#[derive(Template)]
#[template(path = "application_status.html")]
struct StatusHtml<'a> {
    v: &'a StatusView<'a>,
}

struct InvitationView<'a> {
    name: &'a str,
    posting_title: &'a str,
    url: &'a str,
    ttl_hours: u32,
}

#[derive(Template)]
#[template(path = "invitation.txt")]
struct InvitationText<'a> {
    v: &'a InvitationView<'a>,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationHtml<'a> {
    v: &'a InvitationView<'a>,
}

/// A subject is a mail header: control characters there could inject headers.
fn subject(raw: String) -> String {
    raw.chars().filter(|c| !c.is_control()).collect()
}

/// The double opt-in email with the one-time confirmation link.
pub fn confirmation(
    name: &str,
    posting_title: &str,
    url: &str,
    ttl_hours: u32,
    is_update: bool,
) -> Result<Rendered, askama::Error> {
    let v = ConfirmView {
        name,
        posting_title,
        url,
        ttl_hours,
        is_update,
    };
    Ok(Rendered {
        subject: subject(format!("Confirm your application: {posting_title}")),
        text: ConfirmText { v: &v }.render()?,
        html: ConfirmHtml { v: &v }.render()?,
    })
}

/// What the applicant is told on entering `state` (`email_confirmed` carries the private link).
fn status_message(state: ApplicationState) -> &'static str {
    match state {
        ApplicationState::EmailConfirmed => {
            "Your email address is confirmed and your application is with our team."
        }
        ApplicationState::Interview => "We would like to invite you to an interview.",
        ApplicationState::Offer => "Good news: we would like to make you an offer.",
        ApplicationState::Rejected => {
            "Thank you for your interest. We have decided not to continue with your application."
        }
        _ => "Your application has moved on.",
    }
}

/// A status email for `state`; `url` is the private status link, or empty (only the confirmation
/// creates a key; later emails point back to that one).
pub fn status(
    name: &str,
    posting_title: &str,
    state: ApplicationState,
    url: &str,
) -> Result<Rendered, askama::Error> {
    let v = StatusView {
        name,
        posting_title,
        message: status_message(state),
        url,
    };
    Ok(Rendered {
        subject: subject(format!("Your application: {posting_title}")),
        text: StatusText { v: &v }.render()?,
        html: StatusHtml { v: &v }.render()?,
    })
}

/// The new agent's invitation to set up a sign-in.
pub fn invitation(
    name: &str,
    posting_title: &str,
    url: &str,
    ttl_hours: u32,
) -> Result<Rendered, askama::Error> {
    let v = InvitationView {
        name,
        posting_title,
        url,
        ttl_hours,
    };
    Ok(Rendered {
        subject: subject(format!("Welcome aboard: {posting_title}")),
        text: InvitationText { v: &v }.render()?,
        html: InvitationHtml { v: &v }.render()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_escaped_and_text_is_not() {
        let r = confirmation(
            "<b>Aino</b>",
            "Fi\r\nBcc: x",
            "http://h/c?token=a&b",
            72,
            false,
        )
        .unwrap();
        assert!(r.html.contains("&#60;b&#62;Aino") || r.html.contains("&lt;b&gt;Aino"));
        assert!(r.text.contains("<b>Aino</b>"));
        assert!(r.text.contains("http://h/c?token=a&b"));
        assert!(!r.subject.contains('\n'));
    }

    #[test]
    fn status_and_invitation_render() {
        let s = status(
            "Aino",
            "Finnish nights",
            ApplicationState::Offer,
            "http://h/s",
        )
        .unwrap();
        assert!(s.text.contains("offer") && s.text.contains("http://h/s"));
        let i = invitation("Aino", "Finnish nights", "http://h/sign-in?token=t", 168).unwrap();
        assert!(i.text.contains("http://h/sign-in?token=t") && i.html.contains("168 hours"));
    }
}
