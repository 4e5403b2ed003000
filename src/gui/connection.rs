//! Network work for the account setup screen: discovery and the
//! connection test with the password typed (not yet stored).

use super::screen::account_setup::Tested;
use crate::account::Account;
use crate::fl;

/// Finds an address's settings and, with a password, logs in to confirm.
pub async fn discover(
    email: &str,
    password: &str,
) -> Result<(Box<Account>, String, Vec<Tested>), String> {
    use crate::account::autoconfig;
    let found = autoconfig::discover(email, &autoconfig::Options::default())
        .await
        .map_err(|e| e.to_string())?;
    let mut account = found.account.clone();
    let mut source = found.source.describe().to_string();
    if found.insecure {
        source.push_str(&format!(" {}", fl!("setup-insecure")));
    }
    let results = if password.is_empty() {
        Vec::new()
    } else {
        autoconfig::confirm(&mut account, password, found.policy())
            .await
            .into_iter()
            .map(|o| Tested {
                incoming: o.role == crate::account::Role::Incoming,
                ok: o.result.is_ok(),
                message: o.to_string(),
                fingerprint: None,
            })
            .collect()
    };
    Ok((Box::new(account), source, results))
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
                message: e.to_string(),
            },
        });
    }
    results
}
