//! Confirmation: logging in to the servers found, with the password the
//! user typed, before the account is offered. Uses the same connection code
//! as the account will (`net::imap`, `net::pop3`, `net::smtp`), so what is
//! confirmed here is what later runs. A host the user still has to
//! approve is not even connected to.

use std::fmt;

use super::approval;
use crate::account::{Account, AuthMechanism, Protocol, Role, Security};
use crate::explain::{Explain, Sentence};
use crate::net::{self, imap, pop3, smtp};

/// How to confirm.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// Send the password to a server without encryption: only when the
    /// user said so for these settings.
    pub allow_unencrypted: bool,
    /// The user name is a guess (the whole address): when it is refused,
    /// try the part before the "@" as well, as many providers use that.
    pub try_local_part: bool,
    /// Hosts that get no password (no connection at all): a source nobody
    /// vouches for named them outside the address's domain, and the user
    /// has not approved them yet.
    pub unapproved: Vec<String>,
}

impl Policy {
    /// The user approved `host`: it may get the password.
    pub fn approve(&mut self, host: &str) {
        self.unapproved.retain(|h| !approval::same_host(h, host));
    }
}

/// The result for one server.
#[derive(Debug)]
pub struct Outcome {
    pub role: Role,
    pub host: String,
    pub port: u16,
    /// The user name the server accepted (or the last one it refused).
    pub username: String,
    pub result: Result<(), ConfirmError>,
}

impl fmt::Display for Outcome {
    /// One sentence for the user.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let which = match self.role {
            Role::Incoming => "incoming",
            Role::Outgoing => "outgoing",
        };
        match &self.result {
            Ok(()) if self.username.is_empty() => write!(
                f,
                "The {which} server {}:{} accepted the connection (it needs no login).",
                self.host, self.port
            ),
            Ok(()) => write!(
                f,
                "The {which} server {}:{} accepted the password for {}.",
                self.host, self.port, self.username
            ),
            Err(err) => write!(f, "The {which} server: {err}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("{0}")]
    Net(#[from] net::Error),
    #[error(
        "{host}:{port} offers no encryption, so Postel did not send your password to it. Choose a secure server, or allow an unencrypted connection for this account."
    )]
    Unencrypted { host: String, port: u16 },
    #[error(
        "{host} was named by settings that are not authenticated and lies outside your address's domain, so Postel did not send your password to it. Check that it is your provider's server, then approve it."
    )]
    NotApproved { host: String },
    #[error(
        "{host} signs in in the browser (OAuth2), not with a password, so Postel did not send it one. Sign in to finish."
    )]
    BrowserSignIn { host: String },
}

impl Explain for ConfirmError {
    fn sentence(&self) -> Sentence {
        match self {
            ConfirmError::Net(err) => err.sentence(),
            ConfirmError::Unencrypted { host, port } => Sentence::new("error-confirm-unencrypted")
                .arg("host", host)
                .arg("port", port),
            ConfirmError::NotApproved { host } => {
                Sentence::new("error-confirm-not-approved").arg("host", host)
            }
            ConfirmError::BrowserSignIn { host } => {
                Sentence::new("error-confirm-browser-sign-in").arg("host", host)
            }
        }
    }
}

impl Explain for Outcome {
    /// The same sentence as `Display`, in any language.
    fn sentence(&self) -> Sentence {
        match &self.result {
            Ok(()) if self.username.is_empty() => Sentence::new("confirm-no-login"),
            Ok(()) => Sentence::new("confirm-accepted").arg("user", &self.username),
            Err(err) => Sentence::new("confirm-failed").sentences("problem", vec![err.sentence()]),
        }
        .arg("which", self.role.as_str())
        .arg("host", &self.host)
        .arg("port", self.port)
    }
}

/// Logs in to both servers of `account` at once. A user name that only
/// worked as the local part is written back into `account`.
pub async fn confirm(account: &mut Account, password: &str, policy: Policy) -> Vec<Outcome> {
    let (incoming, outgoing) = futures::join!(
        login(account, Role::Incoming, password, &policy),
        login(account, Role::Outgoing, password, &policy),
    );
    if incoming.result.is_ok() && incoming.username != account.incoming.username {
        account.incoming.username = incoming.username.clone();
    }
    let needs_login = account.outgoing.server.auth != AuthMechanism::None;
    if needs_login && outgoing.result.is_ok() && outgoing.username != account.outgoing_username() {
        account.outgoing.username = Some(outgoing.username.clone());
    }
    vec![incoming, outgoing]
}

async fn login(account: &Account, role: Role, password: &str, policy: &Policy) -> Outcome {
    let server = account.server(role);
    let outcome = |username: &str, result| Outcome {
        role,
        host: server.host.clone(),
        port: server.port,
        username: username.to_owned(),
        result,
    };
    if policy
        .unapproved
        .iter()
        .any(|h| approval::same_host(h, &server.host))
    {
        let refused = ConfirmError::NotApproved {
            host: server.host.clone(),
        };
        return outcome(account.username(role), Err(refused));
    }
    if server.auth == AuthMechanism::OAuth2 {
        let refused = ConfirmError::BrowserSignIn {
            host: server.host.clone(),
        };
        return outcome(account.username(role), Err(refused));
    }
    if role == Role::Outgoing && server.auth == AuthMechanism::None {
        let result = async {
            let mut conn = smtp::connect(server, None).await?;
            let _ = conn.quit().await;
            Ok::<(), ConfirmError>(())
        };
        return outcome("", result.await);
    }
    let user = account.username(role);
    if server.security == Security::None && !policy.allow_unencrypted {
        let refused = ConfirmError::Unencrypted {
            host: server.host.clone(),
            port: server.port,
        };
        return outcome(user, Err(refused));
    }
    let mut names = vec![user.to_owned()];
    if policy.try_local_part
        && let Some((local, _)) = user.rsplit_once('@')
        && !local.is_empty()
    {
        names.push(local.to_owned());
    }
    let mut last = None;
    for name in names {
        let result = attempt(account, role, &name, password).await;
        let refused = matches!(result, Err(net::Error::AuthFailed { .. }));
        last = Some(outcome(&name, result.map_err(ConfirmError::from)));
        // Only a refused login is worth another name; anything else (no
        // connection, bad certificate) would fail the same way again.
        if !refused {
            break;
        }
    }
    last.unwrap_or_else(|| outcome(user, Ok(())))
}

async fn attempt(
    account: &Account,
    role: Role,
    user: &str,
    password: &str,
) -> Result<(), net::Error> {
    let server = account.server(role);
    match (role, account.incoming.protocol) {
        (Role::Incoming, Protocol::Imap) => {
            let mut session = imap::connect(server, user, password).await?;
            // A failed LOGOUT after a good login still proves the settings.
            let _ = session.logout().await;
        }
        (Role::Incoming, Protocol::Pop3) => {
            let client = pop3::connect(server, user, password).await?;
            let _ = client.quit().await;
        }
        (Role::Outgoing, _) => {
            let mut conn = smtp::connect(server, Some((user, password))).await?;
            let _ = conn.quit().await;
        }
    }
    Ok(())
}
