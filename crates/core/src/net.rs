//! Connection settings and transports shared by the mail protocols, and the
//! one error type whose messages a user reads when a connection fails.

pub mod check;
pub mod imap;
pub mod imap_raw;
pub mod login;
pub mod pop3;
pub mod sasl;
pub mod smtp;
pub mod stream;
pub mod tls;

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpStream;

use crate::account::{Security, Server};
use crate::explain::{Explain, Sentence};

/// How long any single network step (resolve, connect, handshake, one
/// command's reply) may take before the attempt is given up.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why talking to a server failed, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "The server \"{host}\" could not be found. Check the host name and your internet connection."
    )]
    HostNotFound { host: String },
    #[error(
        "{host} refused the connection on port {port}. Check the port number and the security setting."
    )]
    Refused { host: String, port: u16 },
    #[error("{host}:{port} did not answer within {} seconds while {step}. Check the host, the port and your network.", STEP_TIMEOUT.as_secs())]
    TimedOut { host: String, port: u16, step: Step },
    #[error(
        "{host}:{port} sent no greeting within {seconds} seconds. A port that expects TLS from the first byte (such as 993, 995 or 465) stays silent like this: choose TLS as the security setting, or the server's STARTTLS port (143, 110 or 587)."
    )]
    SilentGreeting {
        host: String,
        port: u16,
        seconds: u64,
    },
    #[error("{host}:{port} could not be reached: {reason}.")]
    Unreachable {
        host: String,
        port: u16,
        reason: String,
    },
    #[error(
        "The certificate of {host} is not trusted ({reason}). Its SHA-256 fingerprint is {fingerprint}. If you are sure this is your server, trust this certificate in the account's settings; otherwise do not connect."
    )]
    CertificateUntrusted {
        host: String,
        fingerprint: String,
        reason: String,
    },
    #[error(
        "The secure connection to {host} failed: {reason}. Check the security setting (TLS or STARTTLS) and the port."
    )]
    Tls { host: String, reason: String },
    #[error(
        "{host}:{port} does not offer STARTTLS, so Postel closed the connection before sending any password. Choose TLS and the server's TLS port, or ask your provider."
    )]
    StartTlsNotOffered { host: String, port: u16 },
    #[error("{host} refused the user name or password: {reply}. Check them and try again.")]
    AuthFailed { host: String, reply: String },
    /// A POP3 server that allows one login per so many seconds (RFC 2449).
    #[error(
        "{host} allows a new login only every {seconds} seconds ({reply}); Postel fetches mail again after that."
    )]
    LoginDelay {
        host: String,
        seconds: u64,
        reply: String,
    },
    /// The mailbox is busy or the server has a passing problem (RFC 3206
    /// IN-USE, SYS/TEMP).
    #[error(
        "{host} cannot open your mailbox just now ({reply}). Postel tries again later; if this goes on, close other mail programs that use this account."
    )]
    TryLater { host: String, reply: String },
    /// The server cannot serve the mailbox at all (RFC 3206 SYS/PERM).
    #[error("{host} cannot open your mailbox ({reply}). Ask your provider.")]
    MailboxUnavailable { host: String, reply: String },
    #[error(
        "{host} offers none of the sign-in methods Postel can use here ({reason}). Set the authentication to automatic, or ask your provider."
    )]
    NoAuthMechanism { host: String, reason: String },
    #[error(
        "{host} did not answer like a {protocol} server ({reason}). Check that the port belongs to {protocol}."
    )]
    Protocol {
        host: String,
        protocol: &'static str,
        reason: String,
    },
    #[error("The connection to {host} was closed unexpectedly ({reason}). Try again in a moment.")]
    Dropped { host: String, reason: String },
    #[error(
        "Postel stopped reading from {host}: {reason}. Nothing was lost; if this happens again, tell your provider."
    )]
    Hostile { host: String, reason: String },
    /// An OAuth2 server refused the access token (expired, revoked, or
    /// for another user); `refusal` is what it said why, when it did.
    #[error(
        "{host} did not accept the account's sign-in ({reply}). Sign in again in the account's settings."
    )]
    TokenRefused {
        host: String,
        reply: String,
        refusal: Option<Box<sasl::Refusal>>,
    },
    #[error("{0}")]
    Secret(#[from] crate::secret::Error),
    #[error("{0}")]
    OAuth(#[from] crate::oauth::Error),
    #[error("{0}")]
    Setup(#[from] tls::Error),
}

/// What a connection was doing when the server stopped answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    LookingUp,
    Connecting,
    SettingUpTls,
    WaitingForGreeting,
    AskingForStartTls,
    NegotiatingStartTls,
    Greeting,
    LoggingIn,
    WaitingForPop3,
    TalkingToSmtp,
}

impl Step {
    /// Its Fluent id, for [`Explain`].
    pub fn id(self) -> &'static str {
        match self {
            Step::LookingUp => "step-looking-up",
            Step::Connecting => "step-connecting",
            Step::SettingUpTls => "step-setting-up-tls",
            Step::WaitingForGreeting => "step-waiting-for-greeting",
            Step::AskingForStartTls => "step-asking-for-starttls",
            Step::NegotiatingStartTls => "step-negotiating-starttls",
            Step::Greeting => "step-greeting",
            Step::LoggingIn => "step-logging-in",
            Step::WaitingForPop3 => "step-waiting-for-pop3",
            Step::TalkingToSmtp => "step-talking-to-smtp",
        }
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Step::LookingUp => "looking up the host name",
            Step::Connecting => "connecting",
            Step::SettingUpTls => "setting up TLS",
            Step::WaitingForGreeting => "waiting for the greeting",
            Step::AskingForStartTls => "asking for STARTTLS",
            Step::NegotiatingStartTls => "negotiating STARTTLS",
            Step::Greeting => "greeting the server",
            Step::LoggingIn => "logging in",
            Step::WaitingForPop3 => "waiting for the POP3 server",
            Step::TalkingToSmtp => "talking to the SMTP server",
        })
    }
}

impl Error {
    /// How long the server asked to be left alone, when it did: the
    /// worker waits that long instead of counting a failure.
    pub fn wait(&self) -> Option<std::time::Duration> {
        match self {
            Error::LoginDelay { seconds, .. } => Some(std::time::Duration::from_secs(*seconds)),
            _ => None,
        }
    }

    /// Whether only the user can mend this, by signing in again.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Error::OAuth(e) if e.needs_sign_in())
    }
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::HostNotFound { host } => Sentence::new("error-host-not-found").arg("host", host),
            Error::Refused { host, port } => Sentence::new("error-refused")
                .arg("host", host)
                .arg("port", port),
            Error::TimedOut { host, port, step } => Sentence::new("error-timed-out")
                .arg("host", host)
                .arg("port", port)
                .arg("seconds", STEP_TIMEOUT.as_secs())
                .phrase("step", step.id()),
            Error::SilentGreeting {
                host,
                port,
                seconds,
            } => Sentence::new("error-silent-greeting")
                .arg("host", host)
                .arg("port", port)
                .arg("seconds", seconds),
            Error::Unreachable { host, port, reason } => Sentence::new("error-unreachable")
                .arg("host", host)
                .arg("port", port)
                .arg("reason", reason),
            Error::CertificateUntrusted {
                host,
                fingerprint,
                reason,
            } => Sentence::new("error-certificate-untrusted")
                .arg("host", host)
                .arg("fingerprint", fingerprint)
                .arg("reason", reason),
            Error::Tls { host, reason } => Sentence::new("error-tls")
                .arg("host", host)
                .arg("reason", reason),
            Error::StartTlsNotOffered { host, port } => Sentence::new("error-starttls-not-offered")
                .arg("host", host)
                .arg("port", port),
            Error::AuthFailed { host, reply } => Sentence::new("error-auth-failed")
                .arg("host", host)
                .arg("reply", reply),
            Error::LoginDelay {
                host,
                seconds,
                reply,
            } => Sentence::new("error-login-delay")
                .arg("host", host)
                .arg("seconds", seconds)
                .arg("reply", reply),
            Error::TryLater { host, reply } => Sentence::new("error-try-later")
                .arg("host", host)
                .arg("reply", reply),
            Error::MailboxUnavailable { host, reply } => Sentence::new("error-mailbox-unavailable")
                .arg("host", host)
                .arg("reply", reply),
            Error::NoAuthMechanism { host, reason } => Sentence::new("error-no-auth-mechanism")
                .arg("host", host)
                .arg("reason", reason),
            Error::Protocol {
                host,
                protocol,
                reason,
            } => Sentence::new("error-protocol")
                .arg("host", host)
                .arg("protocol", protocol)
                .arg("reason", reason),
            Error::Dropped { host, reason } => Sentence::new("error-dropped")
                .arg("host", host)
                .arg("reason", reason),
            Error::Hostile { host, reason } => Sentence::new("error-hostile")
                .arg("host", host)
                .arg("reason", reason),
            Error::TokenRefused { host, reply, .. } => Sentence::new("error-token-refused")
                .arg("host", host)
                .arg("reply", reply),
            Error::Secret(err) => err.sentence(),
            Error::OAuth(err) => err.sentence(),
            Error::Setup(err) => err.sentence(),
        }
    }
}

/// Why a connection failed, for a sentence: the I/O error in words, with
/// no library's documentation link (rustls appends one to "peer closed
/// connection without sending TLS close_notify", which reached users in
/// reconnect messages).
pub fn io_reason(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::UnexpectedEof {
        return "the server closed it without a word".to_owned();
    }
    without_links(&err.to_string())
}

/// `text` up to its first web address, for words meant for users.
pub fn without_links(text: &str) -> String {
    let cut = ["http://", "https://"]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()
        .unwrap_or(text.len());
    text[..cut]
        .trim_end_matches([' ', ':', ';', ',', '('])
        .to_owned()
}

/// How much of what a server sent goes into a log line or an error: enough
/// to see what went wrong, not a message's text (a 2 MB FETCH that failed
/// to parse became a 16 MB log line).
pub const MAX_EXCERPT: usize = 300;

/// The start of `bytes` from a server, for a log or an error: at most
/// [`MAX_EXCERPT`] bytes, control characters escaped, and how much was
/// left out.
pub fn excerpt(bytes: &[u8]) -> String {
    let bytes = bytes.trim_ascii_end();
    let cut = bytes.len().min(MAX_EXCERPT);
    let mut out: String = String::from_utf8_lossy(&bytes[..cut])
        .chars()
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if cut < bytes.len() {
        out.push_str(&format!("… ({} bytes more)", bytes.len() - cut));
    }
    out
}

/// Opens a TCP connection, telling "no such host" apart from "refused".
pub async fn connect_tcp(host: &str, port: u16) -> Result<TcpStream, Error> {
    // Most connections go on to TLS: the roots load while DNS and TCP run.
    tls::preload();
    let timed_out = |step: Step| Error::TimedOut {
        host: host.to_owned(),
        port,
        step,
    };
    let addrs: Vec<_> = tokio::time::timeout(STEP_TIMEOUT, tokio::net::lookup_host((host, port)))
        .await
        .map_err(|_| timed_out(Step::LookingUp))?
        .map_err(|_| Error::HostNotFound {
            host: host.to_owned(),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(Error::HostNotFound {
            host: host.to_owned(),
        });
    }
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(STEP_TIMEOUT, TcpStream::connect(addr)).await {
            Err(_) => last = Some(timed_out(Step::Connecting)),
            Ok(Ok(stream)) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Some(Error::Refused {
                    host: host.to_owned(),
                    port,
                })
            }
            Ok(Err(err)) => {
                last = Some(Error::Unreachable {
                    host: host.to_owned(),
                    port,
                    reason: err.to_string(),
                })
            }
        }
    }
    Err(last.unwrap_or_else(|| Error::HostNotFound {
        host: host.to_owned(),
    }))
}

/// The ports IANA assigns to IMAP, POP3 and SMTP over TLS from the first
/// byte: a client that waits there for a plain greeting waits for nothing.
pub const IMPLICIT_TLS_PORTS: [u16; 3] = [993, 995, 465];
/// How long a greeting is awaited on such a port when the account says
/// STARTTLS or no security: long enough for a slow server that really
/// greets, short enough not to keep the user 20 s per server.
pub const TLS_PORT_GREETING: Duration = Duration::from_secs(5);

/// Runs one protocol step under the step timeout. A greeting that never
/// comes over a plain connection most often means a port that expects TLS
/// at once, and says so.
pub async fn step<T>(
    server: &Server,
    what: Step,
    fut: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let greeting = what == Step::WaitingForGreeting && server.security != Security::Tls;
    let limit = if greeting && IMPLICIT_TLS_PORTS.contains(&server.port) {
        TLS_PORT_GREETING
    } else {
        STEP_TIMEOUT
    };
    tokio::time::timeout(limit, fut).await.map_err(|_| {
        if greeting {
            Error::SilentGreeting {
                host: server.host.clone(),
                port: server.port,
                seconds: limit.as_secs(),
            }
        } else {
            Error::TimedOut {
                host: server.host.clone(),
                port: server.port,
                step: what,
            }
        }
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_carry_no_documentation_links() {
        let eof = std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "peer closed connection without sending TLS close_notify: https://docs.rs/rustls/latest/rustls/manual/_03_howto/index.html#unexpected-eof",
        );
        assert_eq!(io_reason(&eof), "the server closed it without a word");
        let other = std::io::Error::other("bad thing (see https://example.org/x)");
        assert_eq!(io_reason(&other), "bad thing (see");
        assert_eq!(without_links("reset by peer"), "reset by peer");
    }

    #[test]
    fn an_excerpt_is_short_and_shows_control_characters() {
        let long = [
            b"* 1 FETCH (BODY[] {9}\r\n\x1b[31mred".as_slice(),
            &[b'y'; 5000],
        ]
        .concat();
        let cut = excerpt(&long);
        assert!(
            cut.starts_with("* 1 FETCH (BODY[] {9}\\r\\n\\u{1b}[31mred"),
            "{cut}"
        );
        assert!(cut.ends_with("… (4731 bytes more)"), "{cut}");
        assert!(cut.len() < MAX_EXCERPT + 100);
        assert_eq!(excerpt(b"A1 NO nope\r\n"), "A1 NO nope");
    }
}
