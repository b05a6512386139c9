//! Short account emails rendered from `templates/`: the one-time sign-in link and the invitation a
//! new agent receives. HTML values are escaped by askama.

use crate::domain::calendar::email::RenderedEmail;
use askama::Template;

#[derive(Template)]
#[template(path = "sign_in_link.txt")]
struct LinkText<'a> {
    name: &'a str,
    url: &'a str,
    expires: &'a str,
    invitation: bool,
}

#[derive(Template)]
#[template(path = "sign_in_link.html")]
struct LinkHtml<'a> {
    name: &'a str,
    url: &'a str,
    expires: &'a str,
    invitation: bool,
}

/// The sign-in (or, with `invitation`, welcome) email carrying `url`, valid until `expires`.
pub fn sign_in_link(
    name: &str,
    url: &str,
    expires: &str,
    invitation: bool,
) -> Result<RenderedEmail, askama::Error> {
    let subject = if invitation {
        "Welcome: set up your chatroster sign-in"
    } else {
        "Your chatroster sign-in link"
    };
    Ok(RenderedEmail {
        subject: subject.into(),
        text: LinkText {
            name,
            url,
            expires,
            invitation,
        }
        .render()?,
        html: LinkHtml {
            name,
            url,
            expires,
            invitation,
        }
        .render()?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn link_email_escapes_names_and_carries_the_link() {
        let mail = super::sign_in_link(
            "<Ana>",
            "https://example.com/sign-in?token=abc",
            "2026-03-02 10:00 UTC",
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!mail.html.contains("<Ana>") && mail.html.contains("Ana"));
        assert!(mail.text.contains("https://example.com/sign-in?token=abc"));
        assert!(mail
            .html
            .contains("href=\"https://example.com/sign-in?token=abc\""));
    }
}
