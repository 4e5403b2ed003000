//! Checking a server without a password: connect, read its greeting, and
//! secure the connection (TLS, or STARTTLS when offered) with a certificate
//! valid for its name. This is what lets a candidate from plain HTTP, DNS or
//! a guess count; no credentials are ever sent here.

use std::net::IpAddr;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use super::dns::Dns;
use crate::account::{Security, Server, Service};
use crate::net::stream::Stream;
use crate::net::{Error, tls};

/// A reply line longer than this is not a mail server's.
const MAX_LINE: u64 = 8 * 1024;
/// A capability list longer than this is not a mail server's either.
const MAX_LINES: usize = 200;

/// What `server` really offers for `service`: `Tls` when asked for TLS;
/// `Starttls` when asked for STARTTLS or for none and the upgrade worked;
/// `None` when the server offers no STARTTLS at all. A server that offers
/// STARTTLS but whose certificate fails is an error, never "plain".
pub async fn probe(
    dns: &Dns,
    service: Service,
    server: &Server,
    timeout: Duration,
) -> Result<Security, Error> {
    tokio::time::timeout(timeout, run(dns, service, server))
        .await
        .unwrap_or_else(|_| {
            Err(Error::Unreachable {
                host: server.host.clone(),
                port: server.port,
                reason: super::no_answer(timeout),
            })
        })
}

async fn run(dns: &Dns, service: Service, server: &Server) -> Result<Security, Error> {
    let tcp = connect(dns, &server.host, server.port).await?;
    if server.security == Security::Tls {
        let mut io = BufReader::new(tls::secure(tcp, server).await?);
        greeting(service, server, &mut io).await?;
        goodbye(service, &mut io).await;
        return Ok(Security::Tls);
    }
    let mut io = BufReader::new(Stream::Plain(tcp));
    greeting(service, server, &mut io).await?;
    if !offers_starttls(service, server, &mut io).await? {
        goodbye(service, &mut io).await;
        return Ok(Security::None);
    }
    start_tls(service, server, &mut io).await?;
    // Bytes that arrived before the handshake could be injected by anyone
    // on the path (CVE-2011-0411 and kin): such a server is not trusted.
    if !io.buffer().is_empty() {
        return Err(protocol(
            service,
            server,
            "it sent data before TLS started".into(),
        ));
    }
    let Stream::Plain(tcp) = io.into_inner() else {
        unreachable!("the stream is plain until STARTTLS completes")
    };
    let mut io = BufReader::new(tls::secure(tcp, server).await?);
    goodbye(service, &mut io).await;
    Ok(Security::Starttls)
}

/// Connects to the first of the host's addresses that answers.
async fn connect(dns: &Dns, host: &str, port: u16) -> Result<TcpStream, Error> {
    let ips = dns.addresses(host).await.map_err(|_| Error::HostNotFound {
        host: host.to_owned(),
    })?;
    let mut last = None;
    for ip in ips {
        match TcpStream::connect((ip, port)).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(err) => last = Some(connect_error(host, port, ip, err)),
        }
    }
    Err(last.unwrap_or_else(|| Error::HostNotFound {
        host: host.to_owned(),
    }))
}

fn connect_error(host: &str, port: u16, ip: IpAddr, err: std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::ConnectionRefused {
        Error::Refused {
            host: host.to_owned(),
            port,
        }
    } else {
        Error::Unreachable {
            host: host.to_owned(),
            port,
            reason: format!("{ip}: {err}"),
        }
    }
}

fn name(service: Service) -> &'static str {
    match service {
        Service::Imap => "IMAP",
        Service::Pop3 => "POP3",
        Service::Smtp => "SMTP",
    }
}

fn protocol(service: Service, server: &Server, reason: String) -> Error {
    Error::Protocol {
        host: server.host.clone(),
        protocol: name(service),
        reason,
    }
}

async fn greeting(
    service: Service,
    server: &Server,
    io: &mut BufReader<Stream>,
) -> Result<(), Error> {
    let kind = match service {
        Service::Smtp => Reply::Smtp,
        _ => Reply::Line,
    };
    let (first, _) = reply(kind, service, server, io).await?;
    let upper = first.to_ascii_uppercase();
    let ok = match service {
        Service::Imap => upper.starts_with("* OK") || upper.starts_with("* PREAUTH"),
        Service::Pop3 => upper.starts_with("+OK"),
        Service::Smtp => upper.starts_with("220"),
    };
    if ok {
        Ok(())
    } else {
        Err(protocol(
            service,
            server,
            format!("its greeting was \"{first}\""),
        ))
    }
}

/// Asks for the capabilities and looks for STARTTLS (STLS in POP3).
async fn offers_starttls(
    service: Service,
    server: &Server,
    io: &mut BufReader<Stream>,
) -> Result<bool, Error> {
    let (command, kind, word) = match service {
        Service::Imap => ("P1 CAPABILITY", Reply::Tagged("P1"), "STARTTLS"),
        Service::Pop3 => ("CAPA", Reply::Listing, "STLS"),
        Service::Smtp => ("EHLO postel.invalid", Reply::Smtp, "STARTTLS"),
    };
    send(server, io, command).await?;
    let (first, lines) = reply(kind, service, server, io).await?;
    let upper = first.to_ascii_uppercase();
    let positive = match service {
        Service::Imap => upper.starts_with("P1 OK"),
        Service::Pop3 => upper.starts_with("+OK"),
        Service::Smtp => upper.starts_with("250"),
    };
    Ok(positive
        && lines.iter().any(|line| {
            line.split(|c: char| c.is_whitespace() || c == '-')
                .any(|w| w.eq_ignore_ascii_case(word))
        }))
}

async fn start_tls(
    service: Service,
    server: &Server,
    io: &mut BufReader<Stream>,
) -> Result<(), Error> {
    let (command, kind) = match service {
        Service::Imap => ("P2 STARTTLS", Reply::Tagged("P2")),
        Service::Pop3 => ("STLS", Reply::Line),
        Service::Smtp => ("STARTTLS", Reply::Smtp),
    };
    send(server, io, command).await?;
    let (first, _) = reply(kind, service, server, io).await?;
    let upper = first.to_ascii_uppercase();
    let ok = match service {
        Service::Imap => upper.starts_with("P2 OK"),
        Service::Pop3 => upper.starts_with("+OK"),
        Service::Smtp => upper.starts_with("220"),
    };
    if ok {
        Ok(())
    } else {
        Err(Error::Tls {
            host: server.host.clone(),
            reason: format!("STARTTLS was refused: {first}"),
        })
    }
}

/// Ends the session politely; its answer does not matter.
async fn goodbye(service: Service, io: &mut BufReader<Stream>) {
    let command = match service {
        Service::Imap => "P9 LOGOUT\r\n",
        Service::Pop3 | Service::Smtp => "QUIT\r\n",
    };
    let stream = io.get_mut();
    let _ = stream.write_all(command.as_bytes()).await;
    let _ = stream.flush().await;
    let _ = stream.shutdown().await;
}

async fn send(server: &Server, io: &mut BufReader<Stream>, line: &str) -> Result<(), Error> {
    let stream = io.get_mut();
    let write = async {
        stream.write_all(line.as_bytes()).await?;
        stream.write_all(b"\r\n").await?;
        stream.flush().await
    };
    write.await.map_err(|e| Error::Dropped {
        host: server.host.clone(),
        reason: e.to_string(),
    })
}

/// How a reply ends.
#[derive(Clone, Copy)]
enum Reply<'a> {
    /// One line (greetings, POP3 status).
    Line,
    /// IMAP: untagged lines up to the one with this tag.
    Tagged(&'a str),
    /// POP3 CAPA: a status line, then (after "+OK") lines up to ".".
    Listing,
    /// SMTP: lines while the code is followed by "-".
    Smtp,
}

/// Reads one reply: its status line (the tagged line for IMAP, the first
/// otherwise) and all its lines.
async fn reply(
    kind: Reply<'_>,
    service: Service,
    server: &Server,
    io: &mut BufReader<Stream>,
) -> Result<(String, Vec<String>), Error> {
    let mut lines: Vec<String> = Vec::new();
    loop {
        if lines.len() > MAX_LINES {
            return Err(protocol(service, server, "an endless reply".into()));
        }
        let line = read_line(server, io).await?;
        let done = match kind {
            Reply::Line => true,
            Reply::Tagged(tag) => line
                .get(..tag.len() + 1)
                .is_some_and(|head| head.eq_ignore_ascii_case(&format!("{tag} "))),
            Reply::Listing => (lines.is_empty() && !line.starts_with("+OK")) || line == ".",
            Reply::Smtp => line.as_bytes().get(3) != Some(&b'-'),
        };
        lines.push(line);
        if done {
            break;
        }
    }
    let status = match kind {
        Reply::Tagged(_) => lines.last(),
        _ => lines.first(),
    };
    Ok((status.cloned().unwrap_or_default(), lines))
}

async fn read_line(server: &Server, io: &mut BufReader<Stream>) -> Result<String, Error> {
    let mut buf = Vec::new();
    let n = (&mut *io)
        .take(MAX_LINE)
        .read_until(b'\n', &mut buf)
        .await
        .map_err(|e| Error::Dropped {
            host: server.host.clone(),
            reason: e.to_string(),
        })?;
    if n == 0 {
        return Err(Error::Dropped {
            host: server.host.clone(),
            reason: "the server closed the connection".into(),
        });
    }
    if !buf.ends_with(b"\n") {
        return Err(Error::Dropped {
            host: server.host.clone(),
            reason: "a reply line is too long for a mail server".into(),
        });
    }
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}
