//! IMAP AUTHENTICATE with an OAuth2 access token (RFC 7628 section 3 for
//! OAUTHBEARER; Google's XOAUTH2), with the initial response on the
//! command line when the server offers SASL-IR (RFC 4959). A refusal
//! arrives as a challenge holding a small JSON object: it is kept (it says
//! why, and may name the sign-in server) and answered as each mechanism
//! asks, so the server ends the exchange with its NO.

use async_imap::imap_proto::{Capability, Response};
use async_imap::types::UnsolicitedResponse;
use base64::Engine as _;

use super::{Client, Inner, imap_error, server_text};
use crate::account::Server;
use crate::net::Error;
use crate::net::sasl::{Mechanism, Refusal, initial_response};

/// The most untagged responses kept from CAPABILITY: a server sends one
/// line; the rest of a flood is dropped (the login step's timeout ends a
/// server that never finishes).
const MAX_CAPABILITY_RESPONSES: usize = 16;

/// The capabilities before login, upper-cased (`AUTH=…` for mechanisms).
async fn capabilities(server: &Server, client: &mut Client) -> Result<Vec<String>, Error> {
    let (tx, rx) = async_channel::bounded(MAX_CAPABILITY_RESPONSES);
    client
        .run_command_and_check_ok("CAPABILITY", Some(tx))
        .await
        .map_err(|e| imap_error(server, e))?;
    let mut caps = Vec::new();
    while let Ok(response) = rx.try_recv() {
        let UnsolicitedResponse::Other(data) = response else {
            continue;
        };
        if let Response::Capabilities(list) = data.parsed() {
            caps.extend(list.iter().map(|c| match c {
                Capability::Imap4rev1 => "IMAP4REV1".to_owned(),
                Capability::Auth(m) => format!("AUTH={}", m.to_ascii_uppercase()),
                Capability::Atom(a) => a.to_ascii_uppercase(),
            }));
        }
    }
    Ok(caps)
}

/// The exchange's side kept by Postel: the first message, and what the
/// server said when it refused.
struct Bearer<'a> {
    mechanism: Mechanism,
    /// Not yet sent (no SASL-IR): sent on the server's first, empty,
    /// challenge.
    initial: Option<String>,
    refusal: &'a mut Option<Refusal>,
}

impl async_imap::Authenticator for Bearer<'_> {
    type Response = Vec<u8>;

    fn process(&mut self, challenge: &[u8]) -> Vec<u8> {
        if challenge.is_empty()
            && let Some(initial) = self.initial.take()
        {
            return initial.into_bytes();
        }
        *self.refusal = Refusal::from_json(challenge);
        match self.mechanism {
            // RFC 7628 3.2.3: a single ^A ends a failed exchange.
            Mechanism::OAuthBearer => vec![0x01],
            // Google's XOAUTH2: an empty answer.
            Mechanism::XOAuth2 => Vec::new(),
        }
    }
}

/// Logs in with the access token by the best mechanism the server offers,
/// or by `only`.
pub(super) async fn login(
    server: &Server,
    mut client: Client,
    username: &str,
    token: &str,
    only: Option<Mechanism>,
) -> Result<Inner, Error> {
    let caps = capabilities(server, &mut client).await?;
    let offered = caps
        .iter()
        .filter_map(|c| c.strip_prefix("AUTH="))
        .filter(|m| only.is_none_or(|o| o.name() == *m));
    let Some(mechanism) = Mechanism::choose(offered) else {
        return Err(Error::NoAuthMechanism {
            host: server.host.clone(),
            reason: "it offers neither OAUTHBEARER nor XOAUTH2".into(),
        });
    };
    let first = initial_response(mechanism, username, &server.host, server.port, token);
    let sasl_ir = caps.iter().any(|c| c == "SASL-IR");
    let (command, initial) = if sasl_ir {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&first);
        (format!("{} {encoded}", mechanism.name()), None)
    } else {
        (mechanism.name().to_owned(), Some(first))
    };
    let mut refusal = None;
    let bearer = Bearer {
        mechanism,
        initial,
        refusal: &mut refusal,
    };
    match client.authenticate(command, bearer).await {
        Ok(session) => Ok(session),
        Err((async_imap::error::Error::No(reply) | async_imap::error::Error::Bad(reply), _)) => {
            Err(Error::TokenRefused {
                host: server.host.clone(),
                reply: refusal
                    .as_ref()
                    .map(|r| r.status.clone())
                    .unwrap_or_else(|| server_text(&reply)),
                refusal: refusal.map(Box::new),
            })
        }
        Err((other, _)) => Err(imap_error(server, other)),
    }
}
