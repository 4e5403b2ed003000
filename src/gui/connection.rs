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
    use crate::net::Error;
    let mut results = Vec::new();
    for role in [Role::Incoming, Role::Outgoing] {
        // A browser sign-in's server gets the account's token, not the
        // password field (empty then).
        let result: Result<(), Error> =
            if account.server(role).auth == crate::account::AuthMechanism::OAuth2 {
                crate::net::check::server_login(account, role).await
            } else {
                crate::net::check::log_in_and_out(account, role, &password).await
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
