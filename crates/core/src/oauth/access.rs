//! An account's tokens: the refresh token in the keyring (never the
//! settings file, never a log), the access token in memory only, renewed
//! before it runs out and once more when a server refuses it.
//!
//! One lock per account serialises renewals: servers that rotate refresh
//! tokens invalidate the old one on use, so two connections renewing at
//! once (sync, IDLE, sending) would otherwise sign each other out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use super::http::Http;
use super::metadata::Metadata;
use super::token::{self, Client, TokenError, Tokens};
use super::{Error, discover};
use crate::account::Account;
use crate::secret;

/// The keyring entry's "user" for an account's refresh token.
pub fn key(account: &str) -> String {
    format!("{account}/oauth")
}

type Slot = Arc<tokio::sync::Mutex<Option<Tokens>>>;

/// Access tokens by account name. The outer lock is held only to find a
/// slot, never across a request.
fn slots() -> &'static Mutex<HashMap<String, Slot>> {
    static SLOTS: OnceLock<Mutex<HashMap<String, Slot>>> = OnceLock::new();
    SLOTS.get_or_init(Default::default)
}

fn slot(account: &str) -> Slot {
    let mut slots = slots().lock().unwrap_or_else(|e| e.into_inner());
    slots.entry(account.to_owned()).or_default().clone()
}

/// An access token for the account: the one in memory while it is good,
/// else a renewed one.
pub async fn token(account: &Account) -> Result<String, Error> {
    let slot = slot(&account.name);
    let mut held = slot.lock().await;
    if let Some(tokens) = held.as_ref()
        && !tokens.due(SystemTime::now())
    {
        return Ok(tokens.access.clone());
    }
    let tokens = renew(account).await?;
    let access = tokens.access.clone();
    *held = Some(tokens);
    Ok(access)
}

/// A new access token after a server refused `refused` (revoked early,
/// or the server's clock differs): renewed once, unless another
/// connection renewed it meanwhile.
pub async fn token_after_refusal(account: &Account, refused: &str) -> Result<String, Error> {
    let slot = slot(&account.name);
    let mut held = slot.lock().await;
    if let Some(tokens) = held.as_ref()
        && tokens.access != refused
        && !tokens.due(SystemTime::now())
    {
        return Ok(tokens.access.clone());
    }
    let tokens = renew(account).await?;
    let access = tokens.access.clone();
    *held = Some(tokens);
    Ok(access)
}

/// Keeps what a sign-in got: the refresh token in the keyring, the
/// access token in memory.
pub async fn keep(account: &Account, tokens: Tokens) -> Result<(), Error> {
    if let Some(refresh) = &tokens.refresh {
        secret::set(&key(&account.name), refresh).await?;
    }
    *slot(&account.name).lock().await = Some(tokens);
    Ok(())
}

/// Forgets the account's tokens (signing out, removing the account).
pub async fn forget(account: &str) -> Result<(), Error> {
    *slot(account).lock().await = None;
    secret::delete(&key(account)).await?;
    Ok(())
}

/// Drops the access token held in memory, so the next use renews it.
pub async fn drop_access(account: &str) {
    *slot(account).lock().await = None;
}

async fn renew(account: &Account) -> Result<Tokens, Error> {
    let refresh = match secret::get(&key(&account.name)).await {
        Ok(refresh) => refresh,
        Err(secret::Error::Missing(_)) => {
            return Err(Error::SignInAgain {
                account: account.name.clone(),
                reason: "not signed in yet".into(),
            });
        }
        Err(other) => return Err(other.into()),
    };
    let http = Http::for_account(account).map_err(|reason| Error::Unreachable {
        server: issuer_name(account),
        reason,
    })?;
    let (metadata, client) = where_to_renew(&http, account).await?;
    let form = token::refresh_form(
        &refresh,
        &Client {
            id: &client.0,
            secret: client.1.as_deref(),
        },
    );
    let answer = http
        .post_form(&metadata.token_endpoint, &form, token::MAX_TOKEN_RESPONSE)
        .await
        .map_err(|reason| Error::Unreachable {
            server: metadata.issuer.clone(),
            reason,
        })?;
    let tokens = match token::parse(&answer.body, SystemTime::now()) {
        Ok(tokens) => tokens,
        Err(TokenError::SignInAgain(reason)) => {
            tracing::info!(account = %account.name, "the refresh token was refused; the user must sign in again");
            return Err(Error::SignInAgain {
                account: account.name.clone(),
                reason,
            });
        }
        Err(other) => {
            return Err(Error::Failed {
                server: metadata.issuer.clone(),
                reason: other.to_string(),
            });
        }
    };
    // A rotated refresh token replaces the old one, which no longer works.
    if let Some(new) = &tokens.refresh
        && *new != refresh
    {
        secret::set(&key(&account.name), new).await?;
    }
    tracing::debug!(account = %account.name, "access token renewed");
    Ok(tokens)
}

/// The token endpoint and the client to renew with, from the account's
/// kept sign-in settings.
async fn where_to_renew(
    http: &Http,
    account: &Account,
) -> Result<(Metadata, (String, Option<String>)), Error> {
    let not_signed_in = || Error::SignInAgain {
        account: account.name.clone(),
        reason: "the sign-in settings are incomplete".into(),
    };
    let issuer = account.oauth.issuer.as_deref().ok_or_else(not_signed_in)?;
    let metadata = discover::account_metadata(http, account, issuer).await?;
    let (id, secret) = discover::client_of(account, issuer);
    Ok((metadata, (id.ok_or_else(not_signed_in)?, secret)))
}

fn issuer_name(account: &Account) -> String {
    account
        .oauth
        .issuer
        .clone()
        .unwrap_or_else(|| account.incoming.server.host.clone())
}
