//! What a server is logged in with: the password, or for an OAuth2 server
//! the account's access token (which the protocols then send by SASL
//! OAUTHBEARER or XOAUTH2 instead of a password).

use std::future::Future;

use super::Error;
use crate::account::{Account, AuthMechanism, Role};
use crate::{oauth, secret};

/// The password or access token for one server of the account; empty for
/// an outgoing relay that needs no login.
pub async fn secret(account: &Account, role: Role) -> Result<String, Error> {
    match account.server(role).auth {
        AuthMechanism::None if role == Role::Outgoing => Ok(String::new()),
        AuthMechanism::OAuth2 => Ok(oauth::access::token(account).await?),
        _ => Ok(secret::password(account, role).await?),
    }
}

/// Runs `connect` with the server's secret. When an OAuth2 server refuses
/// the token (revoked early, or its clock runs ahead), the token is renewed
/// once and `connect` tried again; a second refusal means the user must
/// sign in again.
pub async fn with_renewal<T, F, Fut>(account: &Account, role: Role, connect: F) -> Result<T, Error>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let first = secret(account, role).await?;
    if account.server(role).auth != AuthMechanism::OAuth2 {
        return connect(first).await;
    }
    match connect(first.clone()).await {
        Err(Error::TokenRefused { reply, .. }) => {
            tracing::info!(account = %account.name, role = role.as_str(), "the server refused the access token; renewing it once");
            let renewed = oauth::access::token_after_refusal(account, &first).await?;
            match connect(renewed).await {
                Err(Error::TokenRefused { reply: again, .. }) => {
                    oauth::access::drop_access(&account.name).await;
                    Err(Error::OAuth(oauth::Error::SignInAgain {
                        account: account.name.clone(),
                        reason: if again.is_empty() { reply } else { again },
                    }))
                }
                other => other,
            }
        }
        other => other,
    }
}
