//! Opening an authenticated IMAP session (async-imap) over TLS, STARTTLS
//! (required, never downgraded) or, where the user chose it, plain TCP.
//! Every byte the server sends passes [`guard`] before a parser sees it.

mod bearer;
pub mod guard;
pub mod mutf7;

use async_imap::imap_proto::{Response, Status};

use self::guard::Guarded;
use super::stream::Stream;
use super::{Error, connect_tcp, step, tls};
use crate::account::{AuthMechanism, Security, Server};

mod session;
pub use session::Session;

type Inner = async_imap::Session<Guarded<Stream>>;
type Client = async_imap::Client<Guarded<Stream>>;

const PROTOCOL: &str = "IMAP";

/// Connects, secures and logs in; the password crosses the wire only
/// inside TLS unless the user chose no security.
pub async fn connect(server: &Server, username: &str, password: &str) -> Result<Session, Error> {
    login(server, secured(server).await?, username, password).await
}

/// [`connect`] with the password looked up while the connection is made
/// and secured (a password command or the keyring takes milliseconds that
/// the TLS handshake would otherwise wait for).
pub async fn connect_looking_up(
    server: &Server,
    username: &str,
    password: impl std::future::Future<Output = Result<String, crate::secret::Error>>,
) -> Result<Session, Error> {
    let (client, password) = tokio::join!(secured(server), password);
    let client = client?;
    login(server, client, username, &password?).await
}

/// Logs in with an OAuth2 access token by `mechanism`, whatever else the
/// server offers ([`connect`] with an OAuth2 server chooses by itself).
pub async fn connect_bearer(
    server: &Server,
    username: &str,
    token: &str,
    mechanism: crate::net::sasl::Mechanism,
) -> Result<Session, Error> {
    let client = secured(server).await?;
    let inner = step(
        server,
        crate::net::Step::LoggingIn,
        bearer::login(server, client, username, token, Some(mechanism)),
    )
    .await?;
    Session::start(inner)
        .await
        .map_err(|e| imap_error(server, e))
}

/// A connection with the server's greeting read, inside TLS unless the
/// user chose no security.
async fn secured(server: &Server) -> Result<Client, Error> {
    let tcp = connect_tcp(&server.host, server.port).await?;
    let client = match server.security {
        Security::Tls => {
            let mut client = Client::new(Guarded::new(tls::secure(tcp, server).await?));
            greeting(server, &mut client).await?;
            client
        }
        Security::None => {
            let mut client = Client::new(Guarded::new(Stream::Plain(tcp)));
            greeting(server, &mut client).await?;
            client
        }
        Security::Starttls => {
            let mut client = Client::new(Guarded::new(Stream::Plain(tcp)));
            greeting(server, &mut client).await?;
            step(server, crate::net::Step::AskingForStartTls, async {
                client
                    .run_command_and_check_ok("STARTTLS", None)
                    .await
                    .map_err(|err| match err {
                        async_imap::error::Error::Bad(_) | async_imap::error::Error::No(_) => {
                            Error::StartTlsNotOffered {
                                host: server.host.clone(),
                                port: server.port,
                            }
                        }
                        other => imap_error(server, other),
                    })
            })
            .await?;
            let Stream::Plain(tcp) = client.into_inner().into_inner() else {
                unreachable!("the stream is plain until STARTTLS completes")
            };
            // No greeting follows STARTTLS: the session continues inside TLS.
            Client::new(Guarded::new(tls::secure(tcp, server).await?))
        }
    };
    Ok(client)
}

async fn greeting(server: &Server, client: &mut Client) -> Result<(), Error> {
    let response = step(server, crate::net::Step::WaitingForGreeting, async {
        client
            .read_response()
            .await
            .map_err(|e| match guard::breach(&e) {
                Some(breach) => Error::Hostile {
                    host: server.host.clone(),
                    reason: breach.to_string(),
                },
                None => protocol(server, e.to_string()),
            })
    })
    .await?;
    let Some(response) = response else {
        return Err(Error::Dropped {
            host: server.host.clone(),
            reason: "no greeting".into(),
        });
    };
    match response.parsed() {
        Response::Data {
            status: Status::Ok | Status::PreAuth,
            ..
        } => Ok(()),
        Response::Data {
            status: Status::Bye,
            outcome,
        } => Err(Error::Dropped {
            host: server.host.clone(),
            reason: outcome.information.as_deref().unwrap_or("BYE").to_owned(),
        }),
        other => Err(protocol(server, format!("{other:?}"))),
    }
}

struct Plain<'a> {
    username: &'a str,
    password: &'a str,
}

impl async_imap::Authenticator for Plain<'_> {
    type Response = Vec<u8>;

    fn process(&mut self, _challenge: &[u8]) -> Vec<u8> {
        format!("\0{}\0{}", self.username, self.password).into_bytes()
    }
}

async fn login(
    server: &Server,
    client: Client,
    username: &str,
    password: &str,
) -> Result<Session, Error> {
    if server.auth == AuthMechanism::OAuth2 {
        // `password` is the access token here.
        let inner = step(
            server,
            crate::net::Step::LoggingIn,
            bearer::login(server, client, username, password, None),
        )
        .await?;
        return Session::start(inner)
            .await
            .map_err(|e| imap_error(server, e));
    }
    let attempt = async {
        match server.auth {
            AuthMechanism::Plain => client
                .authenticate("PLAIN", Plain { username, password })
                .await
                .map_err(|(err, _)| err),
            AuthMechanism::Automatic
            | AuthMechanism::Login
            | AuthMechanism::None
            | AuthMechanism::OAuth2 => client
                .login(username, password)
                .await
                .map_err(|(err, _)| err),
        }
    };
    let inner = step(server, crate::net::Step::LoggingIn, async {
        attempt.await.map_err(|err| match err {
            async_imap::error::Error::No(reply) | async_imap::error::Error::Bad(reply) => {
                Error::AuthFailed {
                    host: server.host.clone(),
                    reply: server_text(&reply),
                }
            }
            other => imap_error(server, other),
        })
    })
    .await?;
    Session::start(inner)
        .await
        .map_err(|e| imap_error(server, e))
}

/// Maps async-imap's errors for steps after login.
pub fn imap_error(server: &Server, err: async_imap::error::Error) -> Error {
    use async_imap::error::Error as E;
    match err {
        E::Io(e) if guard::breach(&e).is_some() => Error::Hostile {
            host: server.host.clone(),
            reason: e.to_string(),
        },
        E::Io(e) => Error::Dropped {
            host: server.host.clone(),
            reason: crate::net::io_reason(&e),
        },
        E::ConnectionLost => Error::Dropped {
            host: server.host.clone(),
            reason: "connection lost".into(),
        },
        other => protocol(server, other.to_string()),
    }
}

fn protocol(server: &Server, reason: String) -> Error {
    Error::Protocol {
        host: server.host.clone(),
        protocol: PROTOCOL,
        reason,
    }
}

/// The server's own words from an async-imap NO/BAD error, which arrive
/// wrapped in a debug rendering (`code: …, info: Some("…")`).
pub fn server_text(reply: &str) -> String {
    let info = reply
        .split_once("info: Some(\"")
        .and_then(|(_, rest)| rest.rsplit_once("\")"))
        .map(|(text, _)| text.replace("\\\"", "\""));
    // A server's words go into sentences and logs: a few hundred bytes.
    super::excerpt(info.as_deref().unwrap_or(reply.trim()).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::server_text;

    #[test]
    fn server_text_unwraps_async_imap_replies() {
        assert_eq!(
            server_text(
                "code: None, info: Some(\"[AUTHENTICATIONFAILED] Authentication failed.\")"
            ),
            "[AUTHENTICATIONFAILED] Authentication failed."
        );
        assert_eq!(server_text(" plain words "), "plain words");
    }
}
