//! The authorization request: a PKCE pair (RFC 7636, S256 only: "plain"
//! would hand the verifier to anyone who sees the request), a `state`
//! tied to this one sign-in, and the URL the browser opens.

use sha2::{Digest, Sha256};

/// A verifier of 32 random bytes (43 characters), the size RFC 7636
/// recommends, and its S256 challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        Self::from_verifier(super::random_token(32))
    }

    pub fn from_verifier(verifier: String) -> Self {
        use base64::Engine as _;
        let digest = Sha256::digest(verifier.as_bytes());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// A fresh `state` for one sign-in: 16 random bytes.
pub fn new_state() -> String {
    super::random_token(16)
}

/// What the browser is sent to.
pub struct Request<'a> {
    pub authorization_endpoint: &'a str,
    pub client_id: &'a str,
    /// `http://127.0.0.1:PORT/` of the one-shot listener.
    pub redirect_uri: &'a str,
    pub scopes: &'a [String],
    pub state: &'a str,
    pub pkce: &'a Pkce,
    /// The address, so the provider can skip asking which account.
    pub login_hint: Option<&'a str>,
    /// A known provider's own parameters (Google's `access_type`).
    pub extra: &'a [(&'a str, &'a str)],
}

/// The authorization URL: the endpoint with the request's parameters
/// added (its own query kept), or why the endpoint is not a URL.
pub fn authorization_url(request: &Request<'_>) -> Result<String, url::ParseError> {
    let mut url = url::Url::parse(request.authorization_endpoint)?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", request.client_id)
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("state", request.state)
            .append_pair("code_challenge", &request.pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        if !request.scopes.is_empty() {
            query.append_pair("scope", &request.scopes.join(" "));
        }
        if let Some(hint) = request.login_hint {
            query.append_pair("login_hint", hint);
        }
        // OpenID Connect ignores offline_access (no refresh token) unless
        // the user is asked to consent (Core 1.0, 11).
        if request.scopes.iter().any(|s| s == "offline_access") {
            query.append_pair("prompt", "consent");
        }
        for (name, value) in request.extra {
            query.append_pair(name, value);
        }
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B.
    #[test]
    fn the_challenge_is_the_rfcs_example() {
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(
            pkce.challenge,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_and_states_are_fresh_and_of_the_allowed_alphabet() {
        let (a, b) = (Pkce::new(), Pkce::new());
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.verifier.len(), 43, "between 43 and 128 (RFC 7636 4.1)");
        let unreserved = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
        };
        assert!(unreserved(&a.verifier));
        assert_ne!(new_state(), new_state());
        assert!(unreserved(&new_state()));
    }

    #[test]
    fn the_url_carries_every_parameter_encoded_and_keeps_the_endpoints_own() {
        let pkce = Pkce::from_verifier("v".repeat(43));
        let scopes = vec!["openid".to_owned(), "mail imap".to_owned()];
        let url = authorization_url(&Request {
            authorization_endpoint: "https://id.example.test/auth?tenant=a",
            client_id: "postel client",
            redirect_uri: "http://127.0.0.1:40123/",
            scopes: &scopes,
            state: "s1",
            pkce: &pkce,
            login_hint: Some("anna@example.test"),
            extra: &[],
        })
        .expect("a URL");
        let parsed = url::Url::parse(&url).expect("parses");
        let pairs: std::collections::HashMap<String, String> =
            parsed.query_pairs().into_owned().collect();
        assert_eq!(pairs["tenant"], "a");
        assert_eq!(pairs["response_type"], "code");
        assert_eq!(pairs["client_id"], "postel client");
        assert_eq!(pairs["redirect_uri"], "http://127.0.0.1:40123/");
        assert_eq!(pairs["code_challenge"], pkce.challenge);
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["scope"], "openid mail imap");
        assert_eq!(pairs["login_hint"], "anna@example.test");
        assert!(
            authorization_url(&Request {
                authorization_endpoint: "not a url",
                ..Request {
                    authorization_endpoint: "",
                    client_id: "c",
                    redirect_uri: "r",
                    scopes: &[],
                    state: "s",
                    pkce: &pkce,
                    login_hint: None,
                    extra: &[],
                }
            })
            .is_err()
        );
    }
}
