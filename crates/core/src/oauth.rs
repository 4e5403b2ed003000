//! OAuth2 sign-in for mail servers that take no passwords (issue 26),
//! following the IETF's work for open clients (draft-ietf-mailmaint-
//! oauth-public): the authorization server's metadata (RFC 8414), the
//! authorization code with PKCE (RFC 7636) on a loopback redirect
//! (RFC 8252), the issuer checked on the way back (RFC 9207), and SASL
//! OAUTHBEARER (RFC 7628) or XOAUTH2 to the server (`net::sasl`).
//!
//! `signin` runs the browser flow once; `access` keeps the account's
//! tokens (the refresh token in the keyring) and hands out access tokens
//! to the protocols; `discover` finds the sign-in server without a list.

pub mod access;
pub mod callback;
pub mod discover;
pub mod http;
pub mod known;
pub mod listener;
pub mod metadata;
pub mod pkce;
pub mod register;
pub mod signin;
pub mod token;

use crate::explain::{Explain, Sentence};

/// Why signing in with OAuth2 failed, in words a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("The sign-in server {server} could not be reached: {reason}.")]
    Unreachable { server: String, reason: String },
    #[error("Signing in with {server} failed: {reason}.")]
    Failed { server: String, reason: String },
    #[error(
        "Postel could not find how {host} signs in with OAuth2. Set the sign-in server (its issuer address) in the account's settings, or with `postel account edit {account} --oauth-issuer URL`."
    )]
    NotFound { host: String, account: String },
    #[error(
        "The sign-in server {issuer} does not let Postel register itself, and no client ID is set for it. Set the client ID your provider gave you in the account's settings, or with `postel account edit {account} --oauth-client-id ID`."
    )]
    NoClientId { issuer: String, account: String },
    #[error(
        "The sign-in of {account} is no longer valid ({reason}). Sign in again: press Sign in, or run `postel account login {account}`."
    )]
    SignInAgain { account: String, reason: String },
    #[error("The sign-in in the browser was not finished within {minutes} minutes. Try again.")]
    TimedOut { minutes: u64 },
    #[error("The browser's answer was refused: {0}. Try signing in again.")]
    Refused(String),
    #[error("{0}")]
    Secret(#[from] crate::secret::Error),
}

impl Explain for Error {
    fn sentence(&self) -> Sentence {
        match self {
            Error::Unreachable { server, reason } => Sentence::new("error-oauth-unreachable")
                .arg("server", server)
                .arg("reason", reason),
            Error::Failed { server, reason } => Sentence::new("error-oauth-failed")
                .arg("server", server)
                .arg("reason", reason),
            Error::NotFound { host, account } => Sentence::new("error-oauth-not-found")
                .arg("host", host)
                .arg("account", account),
            Error::NoClientId { issuer, account } => Sentence::new("error-oauth-no-client-id")
                .arg("issuer", issuer)
                .arg("account", account),
            Error::SignInAgain { account, reason } => Sentence::new("error-oauth-sign-in-again")
                .arg("account", account)
                .arg("reason", reason),
            Error::TimedOut { minutes } => {
                Sentence::new("error-oauth-timed-out").arg("minutes", minutes)
            }
            Error::Refused(reason) => Sentence::new("error-oauth-refused").arg("reason", reason),
            Error::Secret(err) => err.sentence(),
        }
    }
}

impl Error {
    /// Whether only the user can mend this (by signing in again), so a
    /// worker stops trying until then.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self, Error::SignInAgain { .. })
    }
}

/// Random bytes from the system, as unpadded base64url: the alphabet
/// PKCE verifiers and `state` values may use.
pub(crate) fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    let mut buf = vec![0u8; bytes];
    // The system's source failing is not something to go on without.
    getrandom::fill(&mut buf).expect("the system's random source");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The most of a sign-in server's own words shown to the user.
const MAX_SAID: usize = 300;

/// A sign-in server's words for the user (an error description): one
/// line, no control characters, at most [`MAX_SAID`] characters.
pub(crate) fn said_by_server(words: &str) -> String {
    crate::mailto::one_line(words)
        .chars()
        .take(MAX_SAID)
        .collect()
}
