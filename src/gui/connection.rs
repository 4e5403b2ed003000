//! Network work for the account setup screen: discovery and the
//! connection test with the password typed (not yet stored).

use super::screen::account_setup::Tested;
use crate::account::{Account, Role};
use crate::discovery::{self, Found, Policy};
use crate::fl;

/// What "Find my settings" found, and the logins made with it.
#[derive(Debug, Clone)]
pub struct Discovery {
    pub found: Box<Found>,
    pub results: Vec<Tested>,
}

/// Finds an address's settings and, with a password, logs in to confirm,
/// unless a server waits for the user's approval: then the settings are
/// shown first, and nothing is logged into.
pub async fn discover(email: &str, password: &str) -> Result<Discovery, String> {
    let mut found = discovery::discover(email, &discovery::Options::default())
        .await
        .map_err(|e| crate::i18n::say(&e))?;
    let policy = found.policy();
    // A provider that signs in in the browser gets no password.
    let results =
        if password.is_empty() || !policy.unapproved.is_empty() || found.account.uses_oauth() {
            Vec::new()
        } else {
            logins(&mut found.account, password, policy).await
        };
    Ok(Discovery {
        found: Box::new(found),
        results,
    })
}

/// Logs in to the servers found once the user approved them; a user name
/// only the server knew comes back in the account.
pub async fn confirm_found(
    mut account: Account,
    password: String,
    policy: Policy,
) -> (Box<Account>, Vec<Tested>) {
    let results = logins(&mut account, &password, policy).await;
    (Box::new(account), results)
}

async fn logins(account: &mut Account, password: &str, policy: Policy) -> Vec<Tested> {
    discovery::confirm(account, password, policy)
        .await
        .into_iter()
        .map(|o| Tested {
            incoming: o.role == Role::Incoming,
            ok: o.result.is_ok(),
            message: crate::i18n::say(&o),
            fingerprint: None,
        })
        .collect()
}

/// Tests each server of an account being set up, with the typed password.
pub async fn test_account(account: &Account, password: String) -> Vec<Tested> {
    use crate::account::Role;
    use crate::net::{Error, imap, pop3, smtp};
    let mut results = Vec::new();
    for role in [Role::Incoming, Role::Outgoing] {
        let server = account.server(role);
        let user = account.username(role);
        let result: Result<(), Error> = match (role, account.incoming.protocol) {
            (Role::Incoming, crate::account::Protocol::Imap) => {
                match imap::connect(server, user, &password).await {
                    Ok(mut s) => {
                        let _ = s.logout().await;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            (Role::Incoming, crate::account::Protocol::Pop3) => {
                match pop3::connect(server, user, &password).await {
                    Ok(c) => {
                        let _ = c.quit().await;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            (Role::Outgoing, _) => match smtp::connect(server, Some((user, &password))).await {
                Ok(mut c) => {
                    let _ = c.quit().await;
                    Ok(())
                }
                Err(e) => Err(e),
            },
        };
        results.push(match result {
            Ok(()) => Tested {
                incoming: role == Role::Incoming,
                ok: true,
                message: fl!("setup-test-ok"),
                fingerprint: None,
            },
            Err(e) => Tested {
                incoming: role == Role::Incoming,
                ok: false,
                fingerprint: match &e {
                    Error::CertificateUntrusted { fingerprint, .. } => Some(fingerprint.clone()),
                    _ => None,
                },
                message: crate::i18n::say(&e),
            },
        });
    }
    results
}
