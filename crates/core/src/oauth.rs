//! OAuth2 sign-in for mail servers that take no passwords (issue 26),
//! following the IETF's work for open clients (draft-ietf-mailmaint-
//! oauth-public): the authorization server's metadata (RFC 8414), the
//! authorization code with PKCE (RFC 7636) on a loopback redirect
//! (RFC 8252), the issuer checked on the way back (RFC 9207), and SASL
//! OAUTHBEARER (RFC 7628) or XOAUTH2 to the server (`net::sasl`).
//!
//! These are the building blocks, each tested on its own; discovery,
//! registration, tokens and the accounts' use of them come next.

pub mod callback;
pub mod listener;
pub mod metadata;
pub mod pkce;
pub mod register;
pub mod token;

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
