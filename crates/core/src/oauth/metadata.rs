//! An authorization server's metadata (RFC 8414, or OpenID Connect
//! discovery, which carries the same fields): where to send the user,
//! where to get tokens, whether Postel may register itself.
//!
//! Read as hostile input from the network: bounded in size, and only
//! believed when it names the issuer it was fetched for (RFC 8414 3.3: a
//! document naming another issuer could send the user's sign-in anywhere).

use serde::Deserialize;

/// The largest metadata document read: real ones are 2-10 KB (Google's
/// is 1.2 KB, Microsoft's 1.7 KB, a Keycloak realm's about 6 KB).
pub const MAX_METADATA_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    /// Present: Postel can register itself (RFC 7591) instead of needing
    /// a client ID from the user.
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// RFC 9207: the answer carries `iss`, and it is then required.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("the sign-in server's description is too large ({0} bytes) to be one")]
    TooLarge(usize),
    #[error("the sign-in server's description could not be read: {0}")]
    Unreadable(String),
    #[error(
        "the sign-in server's description names another server ({found}) than the one asked ({expected})"
    )]
    OtherIssuer { expected: String, found: String },
    #[error("the sign-in server's address {0} is not HTTPS")]
    NotHttps(String),
    #[error("the sign-in server does not offer PKCE with S256, which Postel needs")]
    NoPkce,
}

impl Metadata {
    /// Reads `body`, fetched for `issuer`, and checks it.
    pub fn parse(body: &[u8], issuer: &str) -> Result<Self, MetadataError> {
        if body.len() > MAX_METADATA_BYTES {
            return Err(MetadataError::TooLarge(body.len()));
        }
        let meta: Metadata =
            serde_json::from_slice(body).map_err(|e| MetadataError::Unreadable(e.to_string()))?;
        if meta.issuer != issuer {
            return Err(MetadataError::OtherIssuer {
                expected: issuer.to_owned(),
                found: meta.issuer,
            });
        }
        for endpoint in [
            Some(&meta.authorization_endpoint),
            Some(&meta.token_endpoint),
            meta.registration_endpoint.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if !is_secure(endpoint) {
                return Err(MetadataError::NotHttps(endpoint.clone()));
            }
        }
        // Servers that list no methods may still do S256 (RFC 8414 says
        // absent means none is advertised, and many omit it); one that
        // lists methods without S256 does not.
        if !meta.code_challenge_methods_supported.is_empty()
            && !meta
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
        {
            return Err(MetadataError::NoPkce);
        }
        Ok(meta)
    }
}

/// HTTPS, or plain HTTP to this machine (a server under test on
/// loopback; nothing crosses a network).
pub fn is_secure(endpoint: &str) -> bool {
    match url::Url::parse(endpoint) {
        Ok(u) if u.scheme() == "https" => true,
        Ok(u) if u.scheme() == "http" => {
            matches!(
                u.host(),
                Some(url::Host::Ipv4(ip)) if ip.is_loopback()
            ) || matches!(u.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback())
                || u.host_str() == Some("localhost")
        }
        _ => false,
    }
}

/// Where the metadata of `issuer` is published (RFC 8414 3.1: the
/// well-known path goes between the host and the issuer's own path), then
/// the OpenID Connect place (after the path), for servers that only do that.
pub fn locations(issuer: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(issuer) else {
        return Vec::new();
    };
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/');
    vec![
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{origin}{path}/.well-known/openid-configuration"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(issuer: &str, extra: &str) -> Vec<u8> {
        format!(
            r#"{{"issuer":"{issuer}","authorization_endpoint":"{issuer}/auth","token_endpoint":"{issuer}/token"{extra}}}"#
        )
        .into_bytes()
    }

    #[test]
    fn a_good_document_is_read_with_its_optional_parts() {
        let meta = Metadata::parse(
            &doc(
                "https://id.example.test",
                r#","registration_endpoint":"https://id.example.test/reg","code_challenge_methods_supported":["plain","S256"],"authorization_response_iss_parameter_supported":true,"unknown":{"deep":[1,2]}"#,
            ),
            "https://id.example.test",
        )
        .expect("read");
        assert_eq!(meta.token_endpoint, "https://id.example.test/token");
        assert!(meta.registration_endpoint.is_some());
        assert!(meta.authorization_response_iss_parameter_supported);
    }

    #[test]
    fn another_issuer_plain_http_no_s256_or_a_huge_body_are_refused() {
        assert!(matches!(
            Metadata::parse(&doc("https://evil.test", ""), "https://id.example.test"),
            Err(MetadataError::OtherIssuer { .. })
        ));
        assert!(matches!(
            Metadata::parse(&doc("http://id.example.test", ""), "http://id.example.test"),
            Err(MetadataError::NotHttps(_))
        ));
        assert!(
            Metadata::parse(&doc("http://127.0.0.1:9000", ""), "http://127.0.0.1:9000").is_ok(),
            "loopback for a server under test"
        );
        assert_eq!(
            Metadata::parse(
                &doc(
                    "https://id.example.test",
                    r#","code_challenge_methods_supported":["plain"]"#
                ),
                "https://id.example.test"
            ),
            Err(MetadataError::NoPkce)
        );
        let huge = vec![b' '; MAX_METADATA_BYTES + 1];
        assert!(matches!(
            Metadata::parse(&huge, "https://id.example.test"),
            Err(MetadataError::TooLarge(_))
        ));
        assert!(matches!(
            Metadata::parse(b"[[[[[[", "https://id.example.test"),
            Err(MetadataError::Unreadable(_))
        ));
    }

    #[test]
    fn the_well_known_places_follow_rfc_8414_then_openid() {
        assert_eq!(
            locations("https://id.example.test/realms/mail"),
            [
                "https://id.example.test/.well-known/oauth-authorization-server/realms/mail",
                "https://id.example.test/realms/mail/.well-known/openid-configuration"
            ]
        );
        assert_eq!(
            locations("https://id.example.test"),
            [
                "https://id.example.test/.well-known/oauth-authorization-server",
                "https://id.example.test/.well-known/openid-configuration"
            ]
        );
        assert!(locations("not a url").is_empty());
    }
}
