//! Tokens from the authorization server's token endpoint (RFC 6749 4.1.3,
//! 6): the form sent for a code or a refresh, and the answer read as
//! hostile input. A token is a password while it lasts: `Tokens` never
//! prints one (`Debug` shows only their lengths).

use std::time::{Duration, SystemTime};

use serde::Deserialize;

/// The largest token response read: real ones are under 4 KB even with
/// an ID token.
pub const MAX_TOKEN_RESPONSE: usize = 64 * 1024;
/// Tokens are refreshed this long before they expire, so none runs out
/// between the check and its use on a slow connection; a short-lived
/// token (a few minutes) is refreshed after three quarters of its life.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// The longest lifetime believed: a server saying "ten years" is read as
/// a day, and the token is refreshed then.
pub const MAX_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The form for exchanging the authorization code (with the PKCE
/// verifier; a public client sends no secret).
pub fn code_form(
    code: &str,
    verifier: &str,
    redirect_uri: &str,
    client: &Client<'_>,
) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", redirect_uri.into()),
        ("code_verifier", verifier.into()),
    ];
    client.add_to(&mut form);
    form
}

/// Who asks for tokens.
#[derive(Clone, Copy)]
pub struct Client<'a> {
    pub id: &'a str,
    /// Only for providers that demand one of desktop apps (Google), where
    /// it is published with the app and so no secret at all.
    pub secret: Option<&'a str>,
}

impl Client<'_> {
    fn add_to(&self, form: &mut Vec<(&'static str, String)>) {
        form.push(("client_id", self.id.into()));
        if let Some(secret) = self.secret {
            form.push(("client_secret", secret.into()));
        }
    }
}

/// The form for a new access token from the refresh token.
pub fn refresh_form(refresh_token: &str, client: &Client<'_>) -> Vec<(&'static str, String)> {
    let mut form = vec![
        ("grant_type", "refresh_token".into()),
        ("refresh_token", refresh_token.into()),
    ];
    client.add_to(&mut form);
    form
}

#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access: String,
    /// A new refresh token replaces the old one (servers rotate them).
    pub refresh: Option<String>,
    /// When the access token is to be refreshed (its expiry, less
    /// [`REFRESH_MARGIN`]).
    pub refresh_at: SystemTime,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("access", &format_args!("<{} bytes>", self.access.len()))
            .field("refresh", &self.refresh.as_ref().map(|r| r.len()))
            .field("refresh_at", &self.refresh_at)
            .field("scope", &self.scope)
            .finish()
    }
}

impl Tokens {
    pub fn due(&self, now: SystemTime) -> bool {
        now >= self.refresh_at
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the sign-in server's answer is too large ({0} bytes) to be one")]
    TooLarge(usize),
    #[error("the sign-in server's answer could not be read: {0}")]
    Unreadable(String),
    #[error("the sign-in server gave a token of type {0}, not a bearer token")]
    NotBearer(String),
    /// `invalid_grant`: the code was used or the refresh token revoked or
    /// expired: the user must sign in again.
    #[error("the sign-in is no longer valid; sign in again ({0})")]
    SignInAgain(String),
    #[error("the sign-in server refused: {0}")]
    Refused(String),
}

#[derive(Deserialize)]
struct Answer {
    access_token: Option<String>,
    token_type: Option<String>,
    expires_in: Option<serde_json::Value>,
    refresh_token: Option<String>,
    scope: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Reads the token endpoint's answer, received at `now`.
pub fn parse(body: &[u8], now: SystemTime) -> Result<Tokens, TokenError> {
    if body.len() > MAX_TOKEN_RESPONSE {
        return Err(TokenError::TooLarge(body.len()));
    }
    let a: Answer =
        serde_json::from_slice(body).map_err(|e| TokenError::Unreadable(e.to_string()))?;
    if let Some(error) = a.error {
        let said = super::said_by_server(a.error_description.as_deref().unwrap_or(&error));
        return Err(if error == "invalid_grant" {
            TokenError::SignInAgain(said)
        } else {
            TokenError::Refused(said)
        });
    }
    let access = a
        .access_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| TokenError::Unreadable("no access token".into()))?;
    let kind = a.token_type.unwrap_or_default();
    if !kind.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::NotBearer(kind));
    }
    // A number, or a number in a string (some servers quote it); absent:
    // an hour, the common default.
    let lifetime = match a.expires_in {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .map_or(Duration::from_secs(3600), Duration::from_secs)
    .min(MAX_LIFETIME);
    Ok(Tokens {
        access,
        refresh: a.refresh_token.filter(|t| !t.is_empty()),
        refresh_at: now + lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 4)),
        scope: a.scope,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: SystemTime = SystemTime::UNIX_EPOCH;

    #[test]
    fn a_good_answer_gives_tokens_refreshed_before_they_expire() {
        let t = parse(
            br#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","scope":"imap smtp"}"#,
            NOW,
        )
        .expect("tokens");
        assert_eq!(t.access, "at-1");
        assert_eq!(t.refresh.as_deref(), Some("rt-1"));
        assert_eq!(t.refresh_at, NOW + Duration::from_secs(3540));
        assert!(!t.due(NOW) && t.due(NOW + Duration::from_secs(3540)));
        // Quoted, absent, absurd lifetimes.
        let quoted = parse(
            br#"{"access_token":"a","token_type":"bearer","expires_in":"120"}"#,
            NOW,
        )
        .expect("quoted");
        assert_eq!(quoted.refresh_at, NOW + Duration::from_secs(90));
        let long = parse(
            br#"{"access_token":"a","token_type":"Bearer","expires_in":999999999999}"#,
            NOW,
        )
        .expect("long");
        assert_eq!(long.refresh_at, NOW + MAX_LIFETIME - REFRESH_MARGIN);
    }

    #[test]
    fn refusals_and_odd_answers_are_told_apart() {
        assert!(matches!(
            parse(br#"{"error":"invalid_grant","error_description":"Token\nrevoked"}"#, NOW),
            Err(TokenError::SignInAgain(s)) if s == "Token revoked"
        ));
        assert!(matches!(
            parse(br#"{"error":"invalid_client"}"#, NOW),
            Err(TokenError::Refused(s)) if s == "invalid_client"
        ));
        assert!(matches!(
            parse(br#"{"access_token":"a","token_type":"mac"}"#, NOW),
            Err(TokenError::NotBearer(_))
        ));
        assert!(matches!(
            parse(br#"{"token_type":"Bearer"}"#, NOW),
            Err(TokenError::Unreadable(_))
        ));
        assert!(matches!(
            parse(&vec![b' '; MAX_TOKEN_RESPONSE + 1], NOW),
            Err(TokenError::TooLarge(_))
        ));
    }

    #[test]
    fn tokens_never_show_in_debug_output() {
        let t = parse(
            br#"{"access_token":"secret-access","token_type":"Bearer","refresh_token":"secret-refresh"}"#,
            NOW,
        )
        .expect("tokens");
        let shown = format!("{t:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn the_forms_carry_the_verifier_and_a_secret_only_when_one_is_published() {
        let form = code_form(
            "c",
            "v",
            "http://127.0.0.1:1/",
            &Client {
                id: "id",
                secret: None,
            },
        );
        assert!(form.contains(&("code_verifier", "v".into())));
        assert!(form.iter().all(|(k, _)| *k != "client_secret"));
        let form = refresh_form(
            "r",
            &Client {
                id: "id",
                secret: Some("published"),
            },
        );
        assert!(form.contains(&("grant_type", "refresh_token".into())));
        assert!(form.contains(&("client_secret", "published".into())));
    }

    #[test]
    fn a_short_lived_token_is_refreshed_after_three_quarters_of_its_life() {
        let t = parse(
            br#"{"access_token":"a","token_type":"Bearer","expires_in":8}"#,
            NOW,
        )
        .expect("tokens");
        assert_eq!(t.refresh_at, NOW + Duration::from_secs(6));
    }
}
