//! The sign-in itself (RFC 8252): find the sign-in server, register with
//! it when it allows that, send the user's browser there with PKCE and a
//! fresh `state`, wait on a one-shot loopback listener, check the answer,
//! and trade the code for tokens.

use std::time::{Duration, SystemTime};

use super::callback::Expected;
use super::discover::{self, SignInServer};
use super::http::Http;
use super::listener::{Listener, WaitError};
use super::pkce::{self, Pkce, Request};
use super::token::{self, Client};
use super::{Error, access, register};
use crate::account::Account;

/// How long the user has in the browser: enough to type a password and
/// answer a second factor, not so long that a forgotten tab keeps a port.
pub const SIGN_IN_TIME: Duration = Duration::from_secs(5 * 60);

/// The redirect URI registered: a loopback address without a port, as the
/// port is chosen anew for each sign-in (RFC 8252 7.3 has servers accept
/// any port on a loopback redirect).
const REGISTERED_REDIRECT: &str = "http://127.0.0.1/";

/// Signs the account in: on success its refresh token is in the keyring
/// and `account.oauth` holds the issuer and client ID to keep in the
/// settings. `open` is given the address to send the browser to.
pub async fn sign_in(
    account: &mut Account,
    open: impl FnOnce(&str),
    time: Duration,
) -> Result<(), Error> {
    let http = Http::for_account(account).map_err(|reason| Error::Unreachable {
        server: account.incoming.server.host.clone(),
        reason,
    })?;
    let server = find(&http, account).await?;
    let issuer = server.metadata.issuer.clone();
    if account.oauth.issuer.as_deref() != Some(issuer.as_str()) {
        if account.oauth.registered {
            account.oauth.client_id = None;
            account.oauth.registered = false;
        }
        account.oauth.issuer = Some(issuer.clone());
    }
    let scopes = if account.oauth.scopes.is_empty() {
        server.scopes.clone()
    } else {
        account.oauth.scopes.clone()
    };
    let (client_id, client_secret) = match discover::client_of(account, &issuer) {
        (Some(id), secret) => (id, secret),
        (None, secret) => {
            let Some(endpoint) = &server.metadata.registration_endpoint else {
                return Err(Error::NoClientId {
                    issuer,
                    account: account.name.clone(),
                });
            };
            let id = register_with(&http, endpoint, &issuer, &scopes).await?;
            tracing::info!(account = %account.name, %issuer, "registered with the sign-in server");
            account.oauth.client_id = Some(id.clone());
            account.oauth.registered = true;
            (id, secret)
        }
    };
    let listener = Listener::bind().await.map_err(|e| Error::Failed {
        server: issuer.clone(),
        reason: format!("no local port to return to: {e}"),
    })?;
    let pkce = Pkce::new();
    let state = pkce::new_state();
    let url = pkce::authorization_url(&Request {
        authorization_endpoint: &server.metadata.authorization_endpoint,
        client_id: &client_id,
        redirect_uri: &listener.redirect_uri,
        scopes: &scopes,
        state: &state,
        pkce: &pkce,
        login_hint: Some(&account.email)
            .filter(|e| !e.is_empty())
            .map(|e| e.as_str()),
        extra: server.extra,
    })
    .map_err(|e| Error::Failed {
        server: issuer.clone(),
        reason: format!("its sign-in address is not a URL ({e})"),
    })?;
    let redirect_uri = listener.redirect_uri.clone();
    open(&url);
    let expected = Expected {
        state: &state,
        issuer: &issuer,
        issuer_required: server
            .metadata
            .authorization_response_iss_parameter_supported,
    };
    let returned = listener
        .wait(&expected, time)
        .await
        .map_err(|err| match err {
            WaitError::Timeout => Error::TimedOut {
                minutes: time.as_secs().div_ceil(60),
            },
            WaitError::Refused(refused) => Error::Refused(refused.to_string()),
            WaitError::Io(e) => Error::Failed {
                server: issuer.clone(),
                reason: e.to_string(),
            },
        })?;
    let client = Client {
        id: &client_id,
        secret: client_secret.as_deref(),
    };
    let form = token::code_form(&returned.code, &pkce.verifier, &redirect_uri, &client);
    let answer = http
        .post_form(
            &server.metadata.token_endpoint,
            &form,
            token::MAX_TOKEN_RESPONSE,
        )
        .await
        .map_err(|reason| Error::Unreachable {
            server: issuer.clone(),
            reason,
        })?;
    let tokens = token::parse(&answer.body, SystemTime::now()).map_err(|e| Error::Failed {
        server: issuer.clone(),
        reason: e.to_string(),
    })?;
    if tokens.refresh.is_none() {
        tracing::warn!(account = %account.name, "the sign-in gave no refresh token; the user will sign in again when the access token runs out");
    }
    access::keep(account, tokens).await?;
    tracing::info!(account = %account.name, %issuer, "signed in");
    Ok(())
}

/// The sign-in server: found without the mail server if possible, else
/// from the refusal the mail server gives an empty token.
async fn find(http: &Http, account: &Account) -> Result<SignInServer, Error> {
    if let Some(found) = discover::without_server(http, account).await? {
        return Ok(found);
    }
    let refusal = crate::net::check::oauth_refusal(account).await;
    match refusal
        .as_ref()
        .and_then(|r| r.openid_configuration.as_deref())
    {
        Some(configuration) => {
            discover::from_server(
                http,
                configuration,
                refusal.as_ref().and_then(|r| r.scope.as_deref()),
            )
            .await
        }
        None => Err(Error::NotFound {
            host: account.incoming.server.host.clone(),
            account: account.name.clone(),
        }),
    }
}

async fn register_with(
    http: &Http,
    endpoint: &str,
    issuer: &str,
    scopes: &[String],
) -> Result<String, Error> {
    let body = register::request(REGISTERED_REDIRECT, scopes);
    let answer = http
        .post_json(endpoint, &body, register::MAX_REGISTRATION_RESPONSE)
        .await
        .map_err(|reason| Error::Unreachable {
            server: issuer.to_owned(),
            reason,
        })?;
    register::parse(&answer.body).map_err(|e| Error::Failed {
        server: issuer.to_owned(),
        reason: e.to_string(),
    })
}
