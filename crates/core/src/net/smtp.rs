//! Opening an authenticated SMTP submission connection with lettre.
//!
//! TLS is done here, not by lettre, so the same verifier (system roots,
//! trusted certificates, pins) guards every protocol. For STARTTLS this
//! module negotiates the upgrade itself and then hands lettre the secured
//! stream, replaying a greeting so lettre starts with its usual EHLO.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream};
use lettre::transport::smtp::extension::ClientId;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};

use super::stream::Stream;
use super::{Error, connect_tcp, step, tls};
use crate::account::{AuthMechanism, Security, Server};

const PROTOCOL: &str = "SMTP";

/// Longest reply line accepted. RFC 5321 allows 512 octets; servers list
/// their extensions on lines a little longer. lettre checks a line's
/// length only once it has read all of it, so a line without end grew
/// without bound: here it stops.
const MAX_REPLY_LINE: usize = 8 * 1024;

/// How long the server may go without taking or sending a byte, once
/// lettre has the connection: RFC 5321 (4.5.3.2) lets a server take up
/// to ten minutes to accept the end of DATA. A stalled server used to hang
/// the account's sending for good.
const STALL: Duration = Duration::from_secs(10 * 60);

/// The stream lettre talks through: it first yields `prefix`, then the
/// inner stream's bytes, and ends the connection when a reply line runs
/// past [`MAX_REPLY_LINE`] or the server stalls for [`STALL`].
#[derive(Debug)]
struct Replay {
    prefix: Vec<u8>,
    inner: Stream,
    /// Bytes read since the last line feed.
    line: usize,
    /// How long a silence may last: [`STALL`], shorter in tests.
    patience: Duration,
    stall: Pin<Box<tokio::time::Sleep>>,
    /// The stall timer runs: the last poll found nothing to do. Time
    /// between lettre's calls is Postel's, not a stall.
    stalling: bool,
}

impl Replay {
    fn new(prefix: Vec<u8>, inner: Stream) -> Self {
        Self {
            prefix,
            inner,
            line: 0,
            patience: STALL,
            stall: Box::pin(tokio::time::sleep(STALL)),
            stalling: false,
        }
    }

    /// Some progress was made: the next wait starts a new stall timer.
    fn progressed(&mut self) {
        self.stalling = false;
    }

    /// The inner stream had nothing to give or take: an error once the
    /// server has been silent for [`STALL`].
    fn waiting<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        if !self.stalling {
            self.stalling = true;
            self.stall
                .as_mut()
                .reset(tokio::time::Instant::now() + self.patience);
        }
        match self.stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "the server was silent for {} seconds",
                    self.patience.as_secs()
                ),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Replay {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if !this.prefix.is_empty() {
            let n = this.prefix.len().min(buf.remaining());
            buf.put_slice(&this.prefix[..n]);
            this.prefix.drain(..n);
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.progressed();
                for &b in &buf.filled()[before..] {
                    this.line = if b == b'\n' { 0 } else { this.line + 1 };
                    if this.line > MAX_REPLY_LINE {
                        buf.set_filled(before);
                        return Poll::Ready(Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "the server sent a reply line longer than {MAX_REPLY_LINE} bytes"
                            ),
                        )));
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => this.waiting(cx),
        }
    }
}

impl AsyncWrite for Replay {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                this.progressed();
                Poll::Ready(result)
            }
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Ready(result) => {
                this.progressed();
                Poll::Ready(result)
            }
            Poll::Pending => this.waiting(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for Replay {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.inner.tcp().peer_addr()
    }
}

/// Connects, secures and (when a password is given) authenticates.
pub async fn connect(
    server: &Server,
    credentials: Option<(&str, &str)>,
) -> Result<AsyncSmtpConnection, Error> {
    connect_choosing(server, credentials, None).await
}

/// Logs in with an OAuth2 access token by `mechanism`, whatever else the
/// server offers ([`connect`] with an OAuth2 server chooses by itself).
pub async fn connect_bearer(
    server: &Server,
    username: &str,
    token: &str,
    mechanism: super::sasl::Mechanism,
) -> Result<AsyncSmtpConnection, Error> {
    let server = Server {
        auth: AuthMechanism::OAuth2,
        ..server.clone()
    };
    connect_choosing(&server, Some((username, token)), Some(mechanism)).await
}

async fn connect_choosing(
    server: &Server,
    credentials: Option<(&str, &str)>,
    only: Option<super::sasl::Mechanism>,
) -> Result<AsyncSmtpConnection, Error> {
    let tcp = connect_tcp(&server.host, server.port).await?;
    let hello = ClientId::default();
    let (stream, prefix) = match server.security {
        Security::Tls => (tls::secure(tcp, server).await?, Vec::new()),
        Security::None => (Stream::Plain(tcp), Vec::new()),
        Security::Starttls => {
            let tcp = starttls(server, tcp, &hello).await?;
            let greeting = format!("220 {} ready after STARTTLS\r\n", server.host);
            (tls::secure(tcp, server).await?, greeting.into_bytes())
        }
    };
    let boxed = Box::new(Replay::new(prefix, stream));
    let mut conn = step(server, crate::net::Step::Greeting, async {
        AsyncSmtpConnection::connect_with_transport(boxed, &hello)
            .await
            .map_err(|e| smtp_error(server, e))
    })
    .await?;
    if server.auth == AuthMechanism::OAuth2 {
        // The "password" is the access token here.
        if let Some((user, token)) = credentials {
            step(
                server,
                crate::net::Step::LoggingIn,
                bearer(server, &mut conn, &hello, (user, token), only),
            )
            .await?;
        }
        return Ok(conn);
    }
    if let (Some((user, password)), false) = (credentials, server.auth == AuthMechanism::None) {
        let mechanisms: &[Mechanism] = match server.auth {
            AuthMechanism::Plain => &[Mechanism::Plain],
            AuthMechanism::Login => &[Mechanism::Login],
            _ => &[Mechanism::Plain, Mechanism::Login],
        };
        let creds = Credentials::new(user.to_owned(), password.to_owned());
        step(server, crate::net::Step::LoggingIn, async {
            conn.auth(mechanisms, &creds).await.map_err(|err| {
                if err.is_permanent() || err.is_transient() {
                    Error::AuthFailed {
                        host: server.host.clone(),
                        reply: err.to_string(),
                    }
                } else if err.is_client() {
                    Error::NoAuthMechanism {
                        host: server.host.clone(),
                        reason: err.to_string(),
                    }
                } else {
                    smtp_error(server, err)
                }
            })
        })
        .await?;
    }
    Ok(conn)
}

/// AUTH with an OAuth2 access token. lettre speaks XOAUTH2 only and keeps
/// only the mechanisms it knows from EHLO, so the exchange is done here,
/// after a second EHLO to see every mechanism the server names.
async fn bearer(
    server: &Server,
    conn: &mut AsyncSmtpConnection,
    hello: &ClientId,
    (user, token): (&str, &str),
    only: Option<super::sasl::Mechanism>,
) -> Result<(), Error> {
    use super::sasl::{self, Refusal};
    use base64::Engine as _;
    let offered: Vec<String> = extensions(conn, hello)
        .await
        .map_err(|e| smtp_error(server, e))?
        .iter()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let keyword = words.next()?;
            keyword
                .eq_ignore_ascii_case("AUTH")
                .then(|| words.map(str::to_owned).collect::<Vec<_>>())
        })
        .flatten()
        .filter(|m| only.is_none_or(|o| o.name().eq_ignore_ascii_case(m)))
        .collect();
    let Some(mechanism) = sasl::Mechanism::choose(offered.iter().map(String::as_str)) else {
        return Err(Error::NoAuthMechanism {
            host: server.host.clone(),
            reason: "it offers neither OAUTHBEARER nor XOAUTH2".into(),
        });
    };
    let first = base64::engine::general_purpose::STANDARD.encode(sasl::initial_response(
        mechanism,
        user,
        &server.host,
        server.port,
        token,
    ));
    let refused = |reply: String, refusal: Option<Refusal>| Error::TokenRefused {
        host: server.host.clone(),
        reply: refusal.as_ref().map_or(reply, |r| r.status.clone()),
        refusal: refusal.map(Box::new),
    };
    let answer = conn
        .command(format!("AUTH {} {first}\r\n", mechanism.name()))
        .await;
    match answer {
        Ok(reply) if reply.has_code(334) => {
            let refusal = reply.message().next().and_then(Refusal::from_challenge);
            // RFC 7628 3.2.3: ^A ends a failed OAUTHBEARER; XOAUTH2 takes
            // an empty answer.
            let end = match mechanism {
                sasl::Mechanism::OAuthBearer => sasl::ABORT,
                sasl::Mechanism::XOAuth2 => "",
            };
            match conn.command(format!("{end}\r\n")).await {
                Err(err) if err.is_permanent() => Err(refused(err.to_string(), refusal)),
                Err(err) => Err(not_now(server, err)),
                Ok(_) => Err(protocol(server, "it accepted a failed sign-in".into())),
            }
        }
        Ok(_) => Ok(()),
        Err(err) if err.is_permanent() => Err(refused(err.to_string(), None)),
        Err(err) => Err(not_now(server, err)),
    }
}

/// The server's EHLO lines after the greeting line, asked again: lettre
/// keeps only the extensions it knows (no DSN, no OAUTHBEARER).
pub async fn extensions(
    conn: &mut AsyncSmtpConnection,
    hello: &ClientId,
) -> Result<Vec<String>, lettre::transport::smtp::Error> {
    let ehlo = conn.command(format!("EHLO {hello}\r\n")).await?;
    Ok(ehlo.message().skip(1).map(str::to_owned).collect())
}

/// Whether the server offers the extension `keyword` (DSN, …).
pub async fn offers(conn: &mut AsyncSmtpConnection, keyword: &str) -> bool {
    extensions(conn, &ClientId::default())
        .await
        .is_ok_and(|lines| {
            lines.iter().any(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|k| k.eq_ignore_ascii_case(keyword))
            })
        })
}

/// A 4xx answer to AUTH is the server's passing trouble, not a refused
/// token: tried again later, without renewing anything.
fn not_now(server: &Server, err: lettre::transport::smtp::Error) -> Error {
    if err.is_transient() {
        Error::TryLater {
            host: server.host.clone(),
            reply: err.to_string(),
        }
    } else {
        smtp_error(server, err)
    }
}

/// Greets, checks that STARTTLS is offered and asks for it. Anything less
/// closes the connection: STARTTLS chosen means STARTTLS required.
async fn starttls(
    server: &Server,
    tcp: tokio::net::TcpStream,
    hello: &ClientId,
) -> Result<tokio::net::TcpStream, Error> {
    let mut io = BufReader::new(tcp);
    let (code, _) = step(
        server,
        crate::net::Step::WaitingForGreeting,
        reply(server, &mut io),
    )
    .await?;
    if code != 220 {
        return Err(protocol(server, format!("greeting {code}")));
    }
    step(server, crate::net::Step::NegotiatingStartTls, async {
        send(server, &mut io, &format!("EHLO {hello}")).await?;
        let (code, lines) = reply(server, &mut io).await?;
        let offered = code == 250
            && lines
                .iter()
                .any(|l| l.trim().eq_ignore_ascii_case("STARTTLS"));
        if !offered {
            return Err(Error::StartTlsNotOffered {
                host: server.host.clone(),
                port: server.port,
            });
        }
        send(server, &mut io, "STARTTLS").await?;
        let (code, lines) = reply(server, &mut io).await?;
        if code != 220 {
            return Err(Error::Tls {
                host: server.host.clone(),
                reason: format!("STARTTLS was refused: {code} {}", lines.join(" ")),
            });
        }
        Ok(())
    })
    .await?;
    Ok(io.into_inner())
}

async fn send(
    server: &Server,
    io: &mut BufReader<tokio::net::TcpStream>,
    line: &str,
) -> Result<(), Error> {
    let dropped = |e: std::io::Error| Error::Dropped {
        host: server.host.clone(),
        reason: crate::net::io_reason(&e),
    };
    io.get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .map_err(dropped)
}

/// One (possibly multi-line) SMTP reply: its code and the text of each line.
pub(crate) async fn reply(
    server: &Server,
    io: &mut (impl tokio::io::AsyncBufRead + Unpin),
) -> Result<(u16, Vec<String>), Error> {
    let mut lines = Vec::new();
    loop {
        let mut bytes = Vec::new();
        let n = (&mut *io)
            .take(MAX_REPLY_LINE as u64)
            .read_until(b'\n', &mut bytes)
            .await
            .map_err(|e| Error::Dropped {
                host: server.host.clone(),
                reason: crate::net::io_reason(&e),
            })?;
        if n == 0 {
            return Err(Error::Dropped {
                host: server.host.clone(),
                reason: "the server closed the connection".into(),
            });
        }
        if !bytes.ends_with(b"\n") {
            return Err(Error::Hostile {
                host: server.host.clone(),
                reason: format!("it sent a reply line longer than {MAX_REPLY_LINE} bytes"),
            });
        }
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end();
        let code = line
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| protocol(server, format!("\"{}\"", super::excerpt(line.as_bytes()))))?;
        lines.push(line.get(4..).unwrap_or_default().to_owned());
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok((code, lines));
        }
        if lines.len() > 1000 {
            return Err(protocol(server, "an endless reply".into()));
        }
    }
}

/// Maps lettre's errors to sentences.
pub fn smtp_error(server: &Server, err: lettre::transport::smtp::Error) -> Error {
    if err.is_timeout() {
        return Error::TimedOut {
            host: server.host.clone(),
            port: server.port,
            step: crate::net::Step::TalkingToSmtp,
        };
    }
    if err.is_response() || err.is_permanent() || err.is_transient() {
        return protocol(server, err.to_string());
    }
    Error::Dropped {
        host: server.host.clone(),
        reason: crate::net::without_links(&err.to_string()),
    }
}

fn protocol(server: &Server, reason: String) -> Error {
    Error::Protocol {
        host: server.host.clone(),
        protocol: PROTOCOL,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that takes bytes and then says nothing (as one that never
    /// answers the end of DATA) is cut off; one that answers slowly but
    /// within the limit is not, and a reply line without end is refused.
    #[test]
    fn a_silent_server_and_an_endless_line_end_the_connection() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let port = listener.local_addr().expect("addr").port();
            let server = tokio::spawn(async move {
                let (mut peer, _) = listener.accept().await.expect("accept");
                tokio::time::sleep(Duration::from_millis(150)).await;
                peer.write_all(b"250 slow but there\r\n")
                    .await
                    .expect("written");
                // Then silence, until the client gives up and goes.
                let mut rest = Vec::new();
                let _ = tokio::io::AsyncReadExt::read_to_end(&mut peer, &mut rest).await;
                let (mut peer, _) = listener.accept().await.expect("accept");
                let _ = peer.write_all(&vec![b'x'; MAX_REPLY_LINE + 10]).await;
                let _ = tokio::io::AsyncReadExt::read_to_end(&mut peer, &mut rest).await;
            });
            let connect = || async {
                let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .expect("connect");
                let mut replay = Replay::new(Vec::new(), Stream::Plain(tcp));
                replay.patience = Duration::from_millis(400);
                replay
            };
            let mut replay = connect().await;
            replay
                .write_all(b"DATA...\r\n.\r\n")
                .await
                .expect("written");
            let mut buf = [0u8; 64];
            let n = replay.read(&mut buf).await.expect("a slow answer");
            assert_eq!(&buf[..n], b"250 slow but there\r\n");
            let err = replay.read(&mut buf).await.expect_err("silence");
            assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
            drop(replay);
            let mut replay = connect().await;
            let mut all = Vec::new();
            let err = replay
                .read_to_end(&mut all)
                .await
                .expect_err("an endless line");
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
            drop(replay);
            server.await.expect("server");
        });
    }
}
