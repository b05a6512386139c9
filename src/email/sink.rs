//! A small SMTP server that accepts every message and keeps it: the local mail catcher behind
//! `chatroster smtp-sink`, the integration tests and the mail benchmark. It speaks enough of RFC 5321
//! (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT) for lettre and for common clients.
//! It runs on its own thread and runtime, so callers need no async context.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A message as it arrived.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub recipients: Vec<String>,
    /// The raw message (headers and body), CRLF line ends, dot-stuffing removed.
    pub data: Vec<u8>,
}

impl ReceivedMail {
    /// The value of the first header called `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.data);
        let head = text.split("\r\n\r\n").next().unwrap_or("");
        let mut found: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(value) = found.as_mut() {
                if line.starts_with([' ', '\t']) {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, value)) = line.split_once(':') {
                if key.eq_ignore_ascii_case(name) {
                    found = Some(value.trim().to_string());
                }
            }
        }
        found
    }
}

/// How the sink behaves; the defaults accept everything at once.
#[derive(Debug, Clone, Default)]
pub struct SinkOptions {
    /// Waits this long before acknowledging each message (a slow server).
    pub delay_per_message: Duration,
    /// Refuses recipients containing this text with a permanent 550.
    pub reject_recipients_containing: Option<String>,
    /// Answers this many messages with a transient 451 before accepting again.
    pub transient_failures: usize,
    /// Also writes each message to `<dir>/<n>.eml`.
    pub directory: Option<PathBuf>,
    /// Prints one line per message to stdout.
    pub verbose: bool,
}

/// A running sink; dropping it (or [`SmtpSink::stop`]) closes the port.
pub struct SmtpSink {
    addr: SocketAddr,
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    inbox: Arc<Mutex<Vec<ReceivedMail>>>,
    options: SinkOptions,
    transient_left: AtomicUsize,
}

impl SmtpSink {
    /// Listens on `addr` (`127.0.0.1:0` picks a free port).
    pub fn start(addr: &str, options: SinkOptions) -> io::Result<Self> {
        let std_listener = std::net::TcpListener::bind(addr)?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        if let Some(dir) = &options.directory {
            std::fs::create_dir_all(dir)?;
        }
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared {
            inbox: inbox.clone(),
            transient_left: AtomicUsize::new(options.transient_failures),
            options,
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("smtp-sink".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match TcpListener::from_std(std_listener) {
                        Ok(listener) => accept_loop(listener, shared, stop_rx).await,
                        Err(e) => tracing::error!("smtp sink cannot listen: {e}"),
                    }
                });
            })?;
        Ok(Self {
            addr,
            inbox,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Everything received so far, in arrival order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.inbox.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits until at least `count` messages arrived or `timeout` passed; returns what arrived.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count || std::time::Instant::now() >= deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Closes the port and drops open connections.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.shutdown();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let shared = shared.clone();
                    connections.spawn(async move {
                        if let Err(e) = session(stream, &shared).await {
                            tracing::debug!("smtp sink session ended: {e}");
                        }
                    });
                }
            }
        }
    }
    connections.abort_all();
}

async fn session(stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 chatroster-sink ESMTP\r\n").await?;
    let mut from = String::new();
    let mut recipients: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_string();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-chatroster-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 52428800\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            from = address_of(&command["MAIL FROM:".len()..]);
            recipients.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let rcpt = address_of(&command["RCPT TO:".len()..]);
            match &shared.options.reject_recipients_containing {
                Some(bad) if rcpt.contains(bad.as_str()) => b"550 5.1.1 no such mailbox\r\n",
                _ => {
                    recipients.push(rcpt);
                    b"250 OK\r\n"
                }
            }
        } else if upper == "DATA" {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let data = read_data(&mut lines).await?;
            if !shared.options.delay_per_message.is_zero() {
                tokio::time::sleep(shared.options.delay_per_message).await;
            }
            let transient = shared
                .transient_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if transient {
                b"451 4.3.0 try again later\r\n"
            } else {
                store(shared, from.clone(), std::mem::take(&mut recipients), data);
                b"250 OK queued\r\n"
            }
        } else if upper == "RSET" {
            from.clear();
            recipients.clear();
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The SIZE the sink advertises and enforces.
const MAX_MESSAGE_BYTES: usize = 52_428_800;

async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut R) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if lines.read_until(b'\n', &mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside DATA",
            ));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        if data.len() + line.len() > MAX_MESSAGE_BYTES {
            // Matches the SIZE advertised in EHLO; a peer that ignores it cannot exhaust memory.
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "message exceeds the advertised SIZE",
            ));
        }
        let unstuffed = if line.starts_with(b"..") {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(unstuffed);
    }
}

fn address_of(arg: &str) -> String {
    let arg = arg.trim();
    let inner = match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if b > a => &arg[a + 1..b],
        _ => arg.split_whitespace().next().unwrap_or(""),
    };
    inner.to_string()
}

fn store(shared: &Shared, from: String, recipients: Vec<String>, data: Vec<u8>) {
    let mail = ReceivedMail {
        from,
        recipients,
        data,
    };
    let Ok(mut inbox) = shared.inbox.lock() else {
        return;
    };
    let n = inbox.len() + 1;
    if shared.options.verbose {
        println!(
            "#{n} to {} — {}",
            mail.recipients.join(", "),
            mail.header("Subject").unwrap_or_default()
        );
    }
    if let Some(dir) = &shared.options.directory {
        if let Err(e) = std::fs::write(dir.join(format!("{n:06}.eml")), &mail.data) {
            tracing::warn!("smtp sink cannot write message {n}: {e}");
        }
    }
    inbox.push(mail);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader as StdReader, Write};

    fn talk(port: u16, script: &[&str]) -> Vec<String> {
        let stream =
            std::net::TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"));
        let mut reader = StdReader::new(stream.try_clone().unwrap_or_else(|e| panic!("{e}")));
        let mut writer = stream;
        let mut replies = Vec::new();
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        for cmd in script {
            // Every command and the DATA body get exactly one reply line (HELO, not EHLO).
            let _ = writer.write_all(cmd.as_bytes());
            line.clear();
            let _ = reader.read_line(&mut line);
            replies.push(line.trim_end().to_string());
        }
        replies
    }

    #[test]
    fn keeps_messages_and_unstuffs_dots() {
        let sink = SmtpSink::start("127.0.0.1:0", SinkOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let replies = talk(
            sink.port(),
            &[
                "HELO x\r\n",
                "MAIL FROM:<a@example.com>\r\n",
                "RCPT TO:<b@example.com>\r\n",
                "DATA\r\n",
                "Subject: hi\r\n\r\n..leading dot\r\n.\r\n",
                "QUIT\r\n",
            ],
        );
        assert_eq!(replies[0], "250 OK");
        assert!(replies[3].starts_with("354"));
        assert!(replies[4].starts_with("250"));
        let mail = sink.wait_for(1, Duration::from_secs(5));
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].recipients, vec!["b@example.com".to_string()]);
        assert_eq!(mail[0].header("subject").as_deref(), Some("hi"));
        assert!(String::from_utf8_lossy(&mail[0].data).contains("\r\n.leading dot\r\n"));
    }

    #[test]
    fn rejects_configured_recipients_permanently() {
        let options = SinkOptions {
            reject_recipients_containing: Some("bounce".into()),
            ..SinkOptions::default()
        };
        let sink = SmtpSink::start("127.0.0.1:0", options).unwrap_or_else(|e| panic!("{e}"));
        let replies = talk(
            sink.port(),
            &[
                "HELO x\r\n",
                "MAIL FROM:<a@x>\r\n",
                "RCPT TO:<bounce@x>\r\n",
            ],
        );
        assert!(replies[2].starts_with("550"));
    }
}
