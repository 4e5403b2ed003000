//! The SASL messages that carry an OAuth2 access token (issue 26):
//! OAUTHBEARER (RFC 7628), the standard, and XOAUTH2, Google's and
//! Microsoft's older form. Both go base64-encoded in AUTHENTICATE (IMAP),
//! AUTH (POP3, SMTP). A refusal comes back as a challenge holding a small
//! JSON object, read here as hostile input.

use base64::Engine as _;
use serde::Deserialize;

/// Which mechanism a server is spoken to with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    OAuthBearer,
    XOAuth2,
}

impl Mechanism {
    pub fn name(self) -> &'static str {
        match self {
            Self::OAuthBearer => "OAUTHBEARER",
            Self::XOAuth2 => "XOAUTH2",
        }
    }

    /// The one to use of those a server advertises (its capability or
    /// EHLO names, any case): the standard one first.
    pub fn choose<'a>(offered: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let offered: Vec<String> = offered.into_iter().map(str::to_ascii_uppercase).collect();
        [Self::OAuthBearer, Self::XOAuth2]
            .into_iter()
            .find(|m| offered.iter().any(|o| o == m.name()))
    }
}

/// The client's first message, not yet base64-encoded.
pub fn initial_response(
    mechanism: Mechanism,
    user: &str,
    host: &str,
    port: u16,
    token: &str,
) -> String {
    match mechanism {
        // RFC 7628 3.1: a GS2 header naming the user, then key=value
        // pairs each ended by ^A, and a final ^A. A comma or an equals
        // sign in the name is escaped as RFC 5801 asks.
        Mechanism::OAuthBearer => {
            let user = user.replace('=', "=3D").replace(',', "=2C");
            format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
        }
        Mechanism::XOAuth2 => format!("user={user}\x01auth=Bearer {token}\x01\x01"),
    }
}

/// [`initial_response`] as it goes on the wire.
pub fn initial_response_base64(
    mechanism: Mechanism,
    user: &str,
    host: &str,
    port: u16,
    token: &str,
) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(initial_response(mechanism, user, host, port, token))
}

/// The longest refusal challenge read: the JSON holds a status, a scope
/// and a URL.
pub const MAX_CHALLENGE: usize = 4096;

/// What a server says when it refuses a token (RFC 7628 3.2.2).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Refusal {
    /// "invalid_token" (expired or revoked: refresh, then sign in again),
    /// "insufficient_scope", or another word.
    pub status: String,
    #[serde(default)]
    pub scope: Option<String>,
    /// Where the server's authorization server describes itself: how
    /// Postel finds it without a list of providers (Dovecot sends it).
    #[serde(default, rename = "openid-configuration")]
    pub openid_configuration: Option<String>,
}

impl Refusal {
    /// Reads a base64 challenge; `None` when it is not one (too long, not
    /// base64, not the JSON the RFC describes).
    pub fn from_challenge(challenge: &str) -> Option<Self> {
        if challenge.len() > MAX_CHALLENGE {
            return None;
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(challenge.trim())
            .ok()?;
        Self::from_json(&bytes)
    }

    /// Reads a challenge already decoded from base64.
    pub fn from_json(challenge: &[u8]) -> Option<Self> {
        if challenge.len() > MAX_CHALLENGE {
            return None;
        }
        serde_json::from_slice(challenge).ok()
    }

    /// Whether a fresh access token may help (an expired or revoked one).
    pub fn token_expired(&self) -> bool {
        self.status == "invalid_token" || self.status == "401"
    }
}

/// The client's answer to a refusal challenge: a single ^A, so the server
/// ends the exchange with its failure (RFC 7628 3.2.3).
pub const ABORT: &str = "AQ==";

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7628, section 4.1 (the example's host, port and token).
    #[test]
    fn oauthbearer_matches_the_rfcs_example() {
        let got = initial_response(
            Mechanism::OAuthBearer,
            "user@example.com",
            "server.example.com",
            143,
            "vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==",
        );
        assert_eq!(
            got,
            "n,a=user@example.com,\x01host=server.example.com\x01port=143\x01auth=Bearer vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg==\x01\x01"
        );
        let odd = initial_response(Mechanism::OAuthBearer, "a,b=c", "h", 1, "t");
        assert!(odd.starts_with("n,a=a=2Cb=3Dc,"), "{odd:?}");
    }

    /// Google's documented XOAUTH2 form.
    #[test]
    fn xoauth2_matches_googles_form() {
        let wire = initial_response_base64(
            Mechanism::XOAuth2,
            "someuser@example.com",
            "",
            0,
            "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg",
        );
        assert_eq!(
            wire,
            "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
        );
    }

    #[test]
    fn the_standard_mechanism_is_chosen_first_in_any_case() {
        assert_eq!(
            Mechanism::choose(["PLAIN", "xoauth2", "OAUTHBEARER"]),
            Some(Mechanism::OAuthBearer)
        );
        assert_eq!(Mechanism::choose(["XOAUTH2"]), Some(Mechanism::XOAuth2));
        assert_eq!(Mechanism::choose(["PLAIN", "LOGIN"]), None);
    }

    #[test]
    fn a_refusal_is_read_and_garbage_is_not() {
        // RFC 7628 section 4.3's failure example.
        let challenge = "eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIiwic2NvcGUiOiJleGFtcGxlX3Njb3BlIiwib3BlbmlkLWNvbmZpZ3VyYXRpb24iOiJodHRwczovL2V4YW1wbGUuY29tLy53ZWxsLWtub3duL29wZW5pZC1jb25maWd1cmF0aW9uIn0=";
        let refusal = Refusal::from_challenge(challenge).expect("read");
        assert!(refusal.token_expired());
        assert_eq!(refusal.scope.as_deref(), Some("example_scope"));
        assert_eq!(
            refusal.openid_configuration.as_deref(),
            Some("https://example.com/.well-known/openid-configuration")
        );
        assert!(Refusal::from_challenge("not base64!").is_none());
        assert!(Refusal::from_challenge(&"A".repeat(MAX_CHALLENGE + 4)).is_none());
        assert!(
            Refusal::from_challenge("W1tbW1tb").is_none(),
            "[[[[[[ is no refusal"
        );
    }
}
