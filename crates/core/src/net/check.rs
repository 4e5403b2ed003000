//! "Test connection": connect, secure, log in and log out again, for each
//! server of an account, and say in one sentence what happened.

use super::sasl::Refusal;
use super::{Error, imap, login, pop3, smtp};
use crate::account::{Account, AuthMechanism, Protocol, Role};

/// The result for one server of an account.
#[derive(Debug)]
pub struct Outcome {
    pub role: Role,
    pub host: String,
    pub port: u16,
    pub result: Result<(), Error>,
}

/// Tests the incoming and the outgoing server, one after the other.
pub async fn account(account: &Account) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for role in [Role::Incoming, Role::Outgoing] {
        let server = account.server(role);
        outcomes.push(Outcome {
            role,
            host: server.host.clone(),
            port: server.port,
            result: server_login(account, role).await,
        });
    }
    outcomes
}

/// Logs in to one server of the account with its stored password (or its
/// sign-in's token).
pub async fn server_login(account: &Account, role: Role) -> Result<(), Error> {
    login::with_renewal(account, role, |secret| async move {
        log_in_and_out(account, role, &secret).await
    })
    .await
}

/// What an OAuth2 server says when given no valid token: its refusal
/// may name its sign-in server (RFC 7628's `openid-configuration`). The
/// incoming server is asked, then the outgoing one.
pub async fn oauth_refusal(account: &Account) -> Option<Refusal> {
    for role in [Role::Incoming, Role::Outgoing] {
        if account.server(role).auth != AuthMechanism::OAuth2 {
            continue;
        }
        // Not a token: any server refuses it, saying why.
        match log_in_and_out(account, role, "-").await {
            Err(Error::TokenRefused {
                refusal: Some(refusal),
                ..
            }) => return Some(*refusal),
            Err(other) => {
                tracing::debug!(role = role.as_str(), "no sign-in server named: {other}");
            }
            Ok(()) => {}
        }
    }
    None
}

/// Connects, logs in with `password` (or, for an OAuth2 server, that
/// token) and out again: the settings work.
pub async fn log_in_and_out(account: &Account, role: Role, password: &str) -> Result<(), Error> {
    let server = account.server(role);
    let user = account.username(role);
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
