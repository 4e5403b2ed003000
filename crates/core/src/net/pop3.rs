//! A small POP3 client (RFC 1939, with CAPA from RFC 2449 and STLS from
//! RFC 2595) over any async stream, so plain, STLS-upgraded and implicit-TLS
//! connections share one code path.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

use super::imap::guard::MAX_MESSAGE;
use super::stream::Stream;
use super::{STEP_TIMEOUT, connect_tcp, tls};
use crate::account::{AuthMechanism, Security, Server};

/// A reply line longer than this is a broken or hostile server.
const MAX_LINE: usize = 8 * 1024;
/// Message lines may be long (RFC 5322 allows 998 octets; broken mail more).
const MAX_BODY_LINE: usize = 1024 * 1024;
/// Most lines a listing (UIDL, LIST, CAPA) may have: a maildrop of two
/// million messages, far more than any POP3 server keeps; held as strings,
/// about 200 MB. A server that lists without end is stopped here.
const MAX_LISTING: usize = 2_000_000;
/// Slack over the size LIST declares before a download counts as endless:
/// some servers declare sizes only roughly (and LF-only stores count one
/// byte less per line), so a message may come larger than declared, but
/// not twice as large and more than this.
const SIZE_SLACK: u64 = 16 * 1024 * 1024;
/// How long to wait after a `[LOGIN-DELAY]` refusal from a server that did
/// not say its delay in CAPA (RFC 2449 §6.8): the worker's usual poll.
pub const LOGIN_DELAY_UNSAID: u64 = 300;
/// A server's LOGIN-DELAY above this (a day) is taken as this: the account
/// is still checked daily.
const MAX_LOGIN_DELAY: u64 = 86_400;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the POP3 server answered: {0}")]
    Negative(String),
    #[error("the POP3 server sent something that is not POP3: {0}")]
    Protocol(String),
    #[error("the POP3 server did not answer in time")]
    Timeout,
    #[error("the POP3 server sent {0}; Postel stopped reading")]
    TooLarge(&'static str),
    #[error("the connection to the POP3 server failed: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug)]
pub struct Client<S> {
    stream: BufReader<S>,
    /// Seconds the server wants between two logins (CAPA LOGIN-DELAY).
    login_delay: Option<u64>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    /// Reads the server's greeting on a fresh connection.
    pub async fn connect(stream: S) -> Result<Self, Error> {
        let mut client = Self::resume(stream);
        client.status_line().await?;
        Ok(client)
    }

    /// Continues on a stream that has already been greeted (after STLS).
    pub fn resume(stream: S) -> Self {
        Self {
            stream: BufReader::new(stream),
            login_delay: None,
        }
    }

    /// Seconds the server wants between two logins, when it said so.
    pub fn login_delay(&self) -> Option<u64> {
        self.login_delay
    }

    /// Gives the stream back, e.g. to wrap it in TLS after STLS.
    pub fn into_inner(self) -> S {
        self.stream.into_inner()
    }

    /// The server's capabilities (CAPA), upper-cased, one per entry.
    pub async fn capabilities(&mut self) -> Result<Vec<String>, Error> {
        self.command("CAPA").await?;
        let lines = self.multiline().await?;
        Ok(lines.into_iter().map(|l| l.to_ascii_uppercase()).collect())
    }

    /// Turns on UTF-8 mode (RFC 6856), before logging in: without it a
    /// server may rewrite a message whose header holds raw UTF-8.
    pub async fn utf8(&mut self) -> Result<(), Error> {
        self.command("UTF8").await.map(drop)
    }

    /// Asks for STLS; on success the caller must wrap `into_inner()` in TLS.
    pub async fn stls(&mut self) -> Result<(), Error> {
        self.command("STLS").await.map(drop)
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Result<(), Error> {
        if user.contains(['\r', '\n']) || password.contains(['\r', '\n']) {
            return Err(Error::Protocol(
                "a user name or password may not contain a line break".into(),
            ));
        }
        self.command(&format!("USER {user}")).await?;
        self.command(&format!("PASS {password}")).await.map(drop)
    }

    /// SASL PLAIN (RFC 5034), for servers that offer it.
    pub async fn auth_plain(&mut self, user: &str, password: &str) -> Result<(), Error> {
        use base64::Engine;
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0{password}"));
        self.command(&format!("AUTH PLAIN {token}")).await.map(drop)
    }

    /// Number of messages and their total size in octets.
    pub async fn stat(&mut self) -> Result<(u64, u64), Error> {
        let reply = self.command("STAT").await?;
        let mut words = reply.split_ascii_whitespace();
        let count = words.next().and_then(|w| w.parse().ok());
        let size = words.next().and_then(|w| w.parse().ok());
        match (count, size) {
            (Some(count), Some(size)) => Ok((count, size)),
            _ => Err(Error::Protocol(format!("STAT reply \"{reply}\""))),
        }
    }

    /// Every message's number and unique id (UIDL, RFC 1939 §7).
    pub async fn uidl_all(&mut self) -> Result<Vec<(u32, String)>, Error> {
        self.listing("UIDL", |uidl| Some(uidl.to_owned())).await
    }

    /// Every message's number and size in octets (LIST, RFC 1939 §5).
    pub async fn list_all(&mut self) -> Result<Vec<(u32, u64)>, Error> {
        self.listing("LIST", |size| size.parse().ok()).await
    }

    /// A multi-line listing of "number value" lines, each value read by
    /// `value`.
    async fn listing<T>(
        &mut self,
        command: &str,
        value: impl Fn(&str) -> Option<T>,
    ) -> Result<Vec<(u32, T)>, Error> {
        self.command(command).await?;
        let lines = self.multiline().await?;
        lines
            .iter()
            .map(|line| {
                let mut words = line.split_ascii_whitespace();
                match (
                    words.next().and_then(|n| n.parse().ok()),
                    words.next().and_then(&value),
                ) {
                    (Some(n), Some(v)) => Ok((n, v)),
                    _ => Err(Error::Protocol(format!("{command} line \"{line}\""))),
                }
            })
            .collect()
    }

    /// Downloads message `n` whole, dot-unstuffed, line ends kept.
    pub async fn retr(&mut self, n: u32) -> Result<Vec<u8>, Error> {
        self.command(&format!("RETR {n}")).await?;
        self.message(None).await
    }

    /// Downloads the messages `numbers`, as `retr` does, with all the
    /// commands sent at once and the replies read in order: one round trip
    /// instead of one per message. More than one only for a server that
    /// offers PIPELINING (RFC 2449). Returns the messages that came before
    /// the first failure, and that failure, after which the replies still
    /// due are unread: the connection is only good for closing.
    /// `numbers` come with the sizes LIST declared, where it did.
    pub async fn retr_pipelined(
        &mut self,
        numbers: &[(u32, Option<u64>)],
    ) -> (Vec<Vec<u8>>, Option<Error>) {
        use std::fmt::Write as _;
        let mut commands = String::with_capacity(numbers.len() * 16);
        for (n, _) in numbers {
            let _ = write!(commands, "RETR {n}\r\n");
        }
        if let Err(err) = self.send(&commands).await {
            return (Vec::new(), Some(err));
        }
        let mut got = Vec::with_capacity(numbers.len());
        for (_, declared) in numbers {
            let reply = match self.status_line().await {
                Ok(_) => self.message(*declared).await,
                Err(err) => Err(err),
            };
            match reply {
                Ok(raw) => got.push(raw),
                Err(err) => return (got, Some(err)),
            }
        }
        (got, None)
    }

    /// Reads a message after its "+OK": dot-unstuffed, line ends kept.
    /// More than `MAX_MESSAGE`, or than twice the `declared` size and
    /// [`SIZE_SLACK`], is an error instead of a download without end (one
    /// grew to 3 GB in 16 s).
    async fn message(&mut self, declared: Option<u64>) -> Result<Vec<u8>, Error> {
        let most = declared.map_or(MAX_MESSAGE as u64, |size| {
            (size.saturating_mul(2) + SIZE_SLACK).min(MAX_MESSAGE as u64)
        });
        let mut raw = Vec::new();
        loop {
            if raw.len() as u64 > most {
                return Err(Error::TooLarge(if declared.is_some_and(|d| d < most) {
                    "a message far larger than it said"
                } else {
                    "a message larger than 160 MB"
                }));
            }
            let mut line = Vec::new();
            let read = async {
                let mut limited = (&mut self.stream).take(MAX_BODY_LINE as u64);
                limited.read_until(b'\n', &mut line).await
            };
            let got = tokio::time::timeout(STEP_TIMEOUT, read)
                .await
                .map_err(|_| Error::Timeout)??;
            if got == 0 {
                return Err(Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
            }
            if line == b".\r\n" || line == b".\n" {
                return Ok(raw);
            }
            let content = if line.starts_with(b"..") {
                &line[1..]
            } else {
                &line[..]
            };
            raw.extend_from_slice(content);
        }
    }

    /// Marks message `n` for deletion; it goes when QUIT succeeds.
    pub async fn dele(&mut self, n: u32) -> Result<(), Error> {
        self.command(&format!("DELE {n}")).await.map(drop)
    }

    pub async fn quit(mut self) -> Result<(), Error> {
        self.command("QUIT").await.map(drop)
    }

    /// Sends one command and returns the text after "+OK".
    async fn command(&mut self, line: &str) -> Result<String, Error> {
        self.send(&format!("{line}\r\n")).await?;
        self.status_line().await
    }

    /// Writes `lines` (each ending in CRLF) in one go.
    async fn send(&mut self, lines: &str) -> Result<(), Error> {
        let stream = self.stream.get_mut();
        let write = async {
            stream.write_all(lines.as_bytes()).await?;
            stream.flush().await
        };
        tokio::time::timeout(STEP_TIMEOUT, write)
            .await
            .map_err(|_| Error::Timeout)?
            .map_err(Error::from)
    }

    async fn status_line(&mut self) -> Result<String, Error> {
        let line = self.line().await?;
        if let Some(rest) = line.strip_prefix("+OK") {
            Ok(rest.trim().to_owned())
        } else if let Some(rest) = line.strip_prefix("-ERR") {
            Err(Error::Negative(rest.trim().to_owned()))
        } else {
            Err(Error::Protocol(line))
        }
    }

    /// Reads a dot-terminated multi-line body, undoing dot-stuffing.
    async fn multiline(&mut self) -> Result<Vec<String>, Error> {
        let mut lines = Vec::new();
        loop {
            if lines.len() > MAX_LISTING {
                return Err(Error::TooLarge("a listing of more than two million lines"));
            }
            let line = self.line().await?;
            if line == "." {
                return Ok(lines);
            }
            let line = line.strip_prefix('.').map(str::to_owned).unwrap_or(line);
            lines.push(line);
        }
    }

    async fn line(&mut self) -> Result<String, Error> {
        let mut buf = Vec::new();
        let read = async {
            let mut limited = (&mut self.stream).take(MAX_LINE as u64);
            limited.read_until(b'\n', &mut buf).await
        };
        let n = tokio::time::timeout(STEP_TIMEOUT, read)
            .await
            .map_err(|_| Error::Timeout)??;
        if n == 0 {
            return Err(Error::Io(std::io::ErrorKind::UnexpectedEof.into()));
        }
        if !buf.ends_with(b"\n") {
            return Err(Error::Protocol("a reply line is too long".into()));
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }
}

/// The greeting over a plain connection: silence there is the sign of a
/// port that expects TLS at once, and is said so (see `net::step`).
async fn greet(
    server: &Server,
    tcp: tokio::net::TcpStream,
) -> Result<Client<Stream>, super::Error> {
    super::step(server, super::Step::WaitingForGreeting, async {
        Client::connect(Stream::Plain(tcp))
            .await
            .map_err(|e| match e {
                Error::Timeout => super::Error::SilentGreeting {
                    host: server.host.clone(),
                    port: server.port,
                    seconds: STEP_TIMEOUT.as_secs(),
                },
                other => net_error(server, other),
            })
    })
    .await
}

/// Connects to `server`, secures the connection as configured and logs in.
pub async fn connect(
    server: &Server,
    username: &str,
    password: &str,
) -> Result<Client<Stream>, super::Error> {
    connect_choosing(server, username, password, None).await
}

/// Logs in with an OAuth2 access token by `mechanism`, whatever else the
/// server offers ([`connect`] with an OAuth2 server chooses by itself).
pub async fn connect_bearer(
    server: &Server,
    username: &str,
    token: &str,
    mechanism: super::sasl::Mechanism,
) -> Result<Client<Stream>, super::Error> {
    let server = Server {
        auth: AuthMechanism::OAuth2,
        ..server.clone()
    };
    connect_choosing(&server, username, token, Some(mechanism)).await
}

async fn connect_choosing(
    server: &Server,
    username: &str,
    password: &str,
    only: Option<super::sasl::Mechanism>,
) -> Result<Client<Stream>, super::Error> {
    let tcp = connect_tcp(&server.host, server.port).await?;
    let mut client = match server.security {
        Security::Tls => Client::connect(tls::secure(tcp, server).await?)
            .await
            .map_err(|e| net_error(server, e))?,
        Security::None => greet(server, tcp).await?,
        Security::Starttls => {
            let mut plain = greet(server, tcp).await?;
            let caps = plain.capabilities().await.unwrap_or_default();
            let offered = caps.iter().any(|c| c == "STLS");
            if !offered || plain.stls().await.is_err() {
                return Err(super::Error::StartTlsNotOffered {
                    host: server.host.clone(),
                    port: server.port,
                });
            }
            let Stream::Plain(tcp) = plain.into_inner() else {
                unreachable!("the stream is plain until STLS completes")
            };
            Client::resume(tls::secure(tcp, server).await?)
        }
    };
    // A server that knows no CAPA (RFC 1939 only) offers nothing more.
    let caps = client.capabilities().await.unwrap_or_default();
    client.login_delay = login_delay(&caps);
    let utf8 = caps
        .iter()
        .any(|c| c.split_whitespace().next() == Some("UTF8"));
    if utf8 && let Err(e) = client.utf8().await {
        tracing::info!("{}: UTF8 was offered, then refused: {e}", server.host);
    }
    if server.auth == AuthMechanism::OAuth2 {
        // `password` is the access token here.
        bearer(server, &mut client, &caps, username, password, only).await?;
        return Ok(client);
    }
    let use_plain = match server.auth {
        AuthMechanism::Plain => true,
        AuthMechanism::Login | AuthMechanism::None | AuthMechanism::OAuth2 => false,
        AuthMechanism::Automatic => caps
            .iter()
            .any(|c| c.starts_with("SASL") && c.split_whitespace().any(|m| m == "PLAIN")),
    };
    let result = if use_plain {
        client.auth_plain(username, password).await
    } else {
        client.login(username, password).await
    };
    match result {
        Ok(()) => Ok(client),
        Err(Error::Negative(reply)) => Err(refusal(server, reply, client.login_delay)),
        Err(other) => Err(net_error(server, other)),
    }
}

/// RFC 5034 limits an AUTH command to 255 octets: a longer initial
/// response (Microsoft's tokens run to 2 KB) goes after an empty challenge.
const MAX_AUTH_COMMAND: usize = 255;

/// AUTH with an OAuth2 access token, by the best mechanism the server's
/// SASL capability names.
async fn bearer(
    server: &Server,
    client: &mut Client<Stream>,
    caps: &[String],
    username: &str,
    token: &str,
    only: Option<super::sasl::Mechanism>,
) -> Result<(), super::Error> {
    use super::sasl::{self, Mechanism, Refusal};
    use base64::Engine as _;
    let offered = caps
        .iter()
        .filter(|c| c.starts_with("SASL"))
        .flat_map(|c| c.split_whitespace().skip(1))
        .filter(|m| only.is_none_or(|o| o.name().eq_ignore_ascii_case(m)));
    let Some(mechanism) = Mechanism::choose(offered) else {
        return Err(super::Error::NoAuthMechanism {
            host: server.host.clone(),
            reason: "it offers neither OAUTHBEARER nor XOAUTH2".into(),
        });
    };
    let first = base64::engine::general_purpose::STANDARD.encode(sasl::initial_response(
        mechanism,
        username,
        &server.host,
        server.port,
        token,
    ));
    let command = format!("AUTH {} {first}", mechanism.name());
    let answer = async {
        if command.len() + 2 <= MAX_AUTH_COMMAND {
            client.send(&format!("{command}\r\n")).await?;
        } else {
            client
                .send(&format!("AUTH {}\r\n", mechanism.name()))
                .await?;
            let line = client.line().await?;
            if !line.starts_with('+') || line.starts_with("+OK") {
                return Ok(line);
            }
            client.send(&format!("{first}\r\n")).await?;
        }
        client.line().await
    };
    let mut line = step_answer(server, answer.await)?;
    let mut refusal = None;
    if let Some(challenge) = line
        .strip_prefix("+ ")
        .or(line.strip_prefix('+').filter(|r| r.is_empty()))
        && !line.starts_with("+OK")
    {
        refusal = Refusal::from_challenge(challenge);
        // RFC 7628 3.2.3: ^A ends a failed OAUTHBEARER; XOAUTH2 takes an
        // empty answer.
        let end = match mechanism {
            Mechanism::OAuthBearer => sasl::ABORT,
            Mechanism::XOAuth2 => "",
        };
        let again = async {
            client.send(&format!("{end}\r\n")).await?;
            client.line().await
        };
        line = step_answer(server, again.await)?;
    }
    if line.starts_with("+OK") {
        return Ok(());
    }
    let reply = line.strip_prefix("-ERR").unwrap_or(&line).trim().to_owned();
    Err(super::Error::TokenRefused {
        host: server.host.clone(),
        reply: refusal.as_ref().map_or(reply, |r| r.status.clone()),
        refusal: refusal.map(Box::new),
    })
}

fn step_answer(server: &Server, answer: Result<String, Error>) -> Result<String, super::Error> {
    answer.map_err(|e| net_error(server, e))
}

/// The LOGIN-DELAY capability's seconds (RFC 2449 §6.8), bounded.
pub(crate) fn login_delay(caps: &[String]) -> Option<u64> {
    caps.iter().find_map(|c| {
        let mut words = c.split_whitespace();
        (words.next() == Some("LOGIN-DELAY"))
            .then(|| words.next()?.parse::<u64>().ok())
            .flatten()
            .map(|s| s.min(MAX_LOGIN_DELAY))
    })
}

/// A refused login, read by its response code (RFC 2449 §8, RFC 3206):
/// only `[AUTH]` or no code means the user name or password is wrong.
pub(crate) fn refusal(server: &Server, reply: String, login_delay: Option<u64>) -> super::Error {
    let host = server.host.clone();
    let code = reply
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(code, _)| code.to_ascii_uppercase());
    match code.as_deref() {
        Some("LOGIN-DELAY") => super::Error::LoginDelay {
            host,
            seconds: login_delay.unwrap_or(LOGIN_DELAY_UNSAID),
            reply,
        },
        Some("IN-USE" | "SYS/TEMP") => super::Error::TryLater { host, reply },
        Some("SYS/PERM") => super::Error::MailboxUnavailable { host, reply },
        _ => super::Error::AuthFailed { host, reply },
    }
}

/// Maps this module's errors to the sentences users read.
pub fn net_error(server: &Server, err: Error) -> super::Error {
    match err {
        Error::Timeout => super::Error::TimedOut {
            host: server.host.clone(),
            port: server.port,
            step: crate::net::Step::WaitingForPop3,
        },
        Error::Io(e) => super::Error::Dropped {
            host: server.host.clone(),
            reason: crate::net::io_reason(&e),
        },
        Error::Negative(reason) | Error::Protocol(reason) => super::Error::Protocol {
            host: server.host.clone(),
            protocol: "POP3",
            reason,
        },
        Error::TooLarge(what) => super::Error::Hostile {
            host: server.host.clone(),
            reason: format!("it sent {what}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|l| l.to_ascii_uppercase()).collect()
    }

    #[test]
    fn the_login_delay_is_read_from_capa_and_bounded() {
        assert_eq!(login_delay(&caps(&["USER", "LOGIN-DELAY 900"])), Some(900));
        assert_eq!(login_delay(&caps(&["LOGIN-DELAY 60 USER"])), Some(60));
        assert_eq!(login_delay(&caps(&["USER", "UIDL"])), None);
        assert_eq!(login_delay(&caps(&["LOGIN-DELAY soon"])), None);
        assert_eq!(
            login_delay(&caps(&["LOGIN-DELAY 99999999999"])),
            Some(MAX_LOGIN_DELAY)
        );
    }

    #[test]
    fn only_auth_or_no_code_reads_as_a_wrong_password() {
        let server = Server {
            host: "pop.example.org".into(),
            ..Server::default()
        };
        let said = |reply: &str, delay| refusal(&server, reply.into(), delay);
        assert!(matches!(
            said("[LOGIN-DELAY] wait", Some(900)),
            crate::net::Error::LoginDelay { seconds: 900, .. }
        ));
        assert!(matches!(
            said("[login-delay] wait", None),
            crate::net::Error::LoginDelay {
                seconds: LOGIN_DELAY_UNSAID,
                ..
            }
        ));
        assert!(matches!(
            said("[IN-USE] locked", None),
            crate::net::Error::TryLater { .. }
        ));
        assert!(matches!(
            said("[SYS/TEMP] later", None),
            crate::net::Error::TryLater { .. }
        ));
        assert!(matches!(
            said("[SYS/PERM] never", None),
            crate::net::Error::MailboxUnavailable { .. }
        ));
        for wrong in [
            "[AUTH] bad",
            "bad password",
            "[UNKNOWN-CODE] x",
            "[unclosed",
        ] {
            assert!(
                matches!(said(wrong, None), crate::net::Error::AuthFailed { .. }),
                "{wrong}"
            );
        }
    }
}
