//! Mail in tests: the app pointed at a real SMTP sink on loopback, and received messages parsed the
//! way a mail client would (MIME parts, transfer encodings, attachments).

use super::{Kind, TestApp};
use chatroster::config::Config;
use chatroster::email::sink::{ReceivedMail, SinkOptions, SmtpSink};

/// The app with one job worker and one outbox sender delivering to `smtp_port` quickly.
pub async fn spawn_with_sink(
    kind: Kind,
    smtp_port: u16,
    tweak: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    super::spawn_with(kind, |c| {
        c.workers = 1;
        c.smtp.port = smtp_port;
        c.smtp.senders = 1;
        c.smtp.poll_millis = 50;
        c.smtp.retry_base_seconds = 1;
        c.smtp.timeout_seconds = 5;
        tweak(c);
    })
    .await
}

/// A sink on a free loopback port.
pub fn sink() -> SmtpSink {
    SmtpSink::start("127.0.0.1:0", SinkOptions::default()).expect("smtp sink")
}

/// A loopback port held bound but not listening: connecting to it is refused, as to a mail server
/// that is down, and no other test process can be handed the same port by the system while it is
/// held (a port only looked up as free was, now and then, given to the parallel test on the other
/// database too, whose mail then reached this test's sink).
pub struct ReservedPort {
    socket: socket2::Socket,
    port: u16,
}

impl ReservedPort {
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Frees the port for a sink to listen on, right away.
    pub fn release(self) -> u16 {
        drop(self.socket);
        self.port
    }
}

pub fn reserve_port() -> ReservedPort {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
    let any: std::net::SocketAddr = ([127, 0, 0, 1], 0).into();
    socket.bind(&any.into()).expect("bind");
    let port = socket
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .map(|a| a.port())
        .expect("bound address");
    ReservedPort { socket, port }
}

/// A received message, decoded.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// (file name, MIME type, decoded contents)
    pub attachments: Vec<(String, String, String)>,
}

impl Mail {
    pub fn attachment(&self, name: &str) -> Option<&str> {
        self.attachments
            .iter()
            .find(|a| a.0 == name)
            .map(|a| a.2.as_str())
    }
}

pub fn parse(raw: &ReceivedMail) -> Mail {
    use mail_parser::{MessageParser, MimeHeaders};
    let msg = MessageParser::default()
        .parse(&raw.data)
        .expect("a parseable message");
    let attachments = msg
        .attachments()
        .map(|part| {
            let kind = part
                .content_type()
                .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default()))
                .unwrap_or_default();
            (
                part.attachment_name().unwrap_or_default().to_string(),
                kind,
                String::from_utf8_lossy(part.contents()).into_owned(),
            )
        })
        .collect();
    Mail {
        to: raw.recipients.clone(),
        subject: msg.subject().unwrap_or_default().to_string(),
        message_id: msg.message_id().unwrap_or_default().to_string(),
        text: msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        html: msg.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
        attachments,
    }
}

/// Waits for `count` messages (up to `secs` seconds) and decodes them.
pub fn wait_for(sink: &SmtpSink, count: usize, secs: u64) -> Vec<Mail> {
    let received = sink.wait_for(count, std::time::Duration::from_secs(secs));
    received.iter().map(parse).collect()
}

/// The `token` query parameter of the first link in `text` that contains `marker`.
pub fn link_token(text: &str, marker: &str) -> Option<String> {
    let at = text.find(marker)?;
    let rest = &text[at..];
    let start = rest.find("token=")? + "token=".len();
    let token: String = rest[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}
