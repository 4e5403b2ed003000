//! "Test connection": connect, secure, log in and log out again, for each
//! server of an account, and say in one sentence what happened.

use super::{Error, imap, pop3, smtp};
use crate::account::{Account, Protocol, Role};
use crate::secret;

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

/// Logs in to one server of the account with its stored password.
pub async fn server_login(account: &Account, role: Role) -> Result<(), Error> {
    let needs_password = !(role == Role::Outgoing
        && account.outgoing.server.auth == crate::account::AuthMechanism::None);
    let password = if needs_password {
        secret::password(account, role).await?
    } else {
        String::new()
    };
    let server = account.server(role);
    let user = account.username(role);
    match (role, account.incoming.protocol) {
        (Role::Incoming, Protocol::Imap) => {
            let mut session = imap::connect(server, user, &password).await?;
            // A failed LOGOUT after a good login still proves the settings.
            let _ = session.logout().await;
        }
        (Role::Incoming, Protocol::Pop3) => {
            let client = pop3::connect(server, user, &password).await?;
            let _ = client.quit().await;
        }
        (Role::Outgoing, _) => {
            let mut conn = smtp::connect(server, Some((user, &password))).await?;
            let _ = conn.quit().await;
        }
    }
    Ok(())
}
