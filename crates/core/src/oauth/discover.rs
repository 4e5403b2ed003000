//! Where an account signs in, without a list of providers: the issuer
//! the account names; a provider whose sign-in cannot be discovered
//! (`known`); the metadata published for the mail domain or the mail
//! server's host (RFC 8414, OpenID discovery); or the address the mail
//! server itself names when it refuses a token (RFC 7628's
//! `openid-configuration`, which Dovecot sends).

use super::http::Http;
use super::metadata::{self, MAX_METADATA_BYTES, Metadata};
use super::{Error, known};
use crate::account::Account;

/// What a sign-in needs to know about the server it signs in with.
#[derive(Debug, Clone)]
pub struct SignInServer {
    pub metadata: Metadata,
    /// What to ask for when the account names no scopes.
    pub scopes: Vec<String>,
    pub extra: &'static [(&'static str, &'static str)],
}

impl SignInServer {
    fn new(metadata: Metadata) -> Self {
        let scopes = match known::for_issuer(&metadata.issuer) {
            Some(k) => k.scopes(),
            None => default_scopes(&metadata, None),
        };
        let extra = known::for_issuer(&metadata.issuer).map_or(&[][..], |k| k.extra);
        Self {
            metadata,
            scopes,
            extra,
        }
    }
}

/// The scopes asked of a discovered server: what its refusal named, and
/// the OpenID ones that give a refresh token, where the server lists them
/// (or lists nothing).
pub fn default_scopes(metadata: &Metadata, named: Option<&str>) -> Vec<String> {
    let supported = |s: &str| {
        metadata.scopes_supported.is_empty() || metadata.scopes_supported.iter().any(|x| x == s)
    };
    let mut scopes: Vec<String> = named
        .unwrap_or_default()
        .split_whitespace()
        .take(MAX_SCOPES)
        .map(str::to_owned)
        .collect();
    for wanted in ["openid", "offline_access"] {
        if supported(wanted) && !scopes.iter().any(|s| s == wanted) {
            scopes.push(wanted.to_owned());
        }
    }
    scopes
}

/// The most scopes taken from a server's refusal: real ones name one or
/// two.
const MAX_SCOPES: usize = 16;

/// The metadata of an issuer: a known provider's built-in endpoints, or
/// the document at its well-known places.
pub async fn metadata(http: &Http, issuer: &str) -> Result<Metadata, Error> {
    if let Some(k) = known::for_issuer(issuer) {
        return Ok(k.metadata());
    }
    let mut last = None;
    for location in metadata::locations(issuer) {
        match fetch(http, &location, issuer).await {
            Ok(found) => return Ok(found),
            Err(err) => last = Some(err),
        }
    }
    Err(last.unwrap_or_else(|| Error::Failed {
        server: issuer.to_owned(),
        reason: "its address is not a URL".into(),
    }))
}

async fn fetch(http: &Http, location: &str, issuer: &str) -> Result<Metadata, Error> {
    let answer = http
        .get(location, MAX_METADATA_BYTES)
        .await
        .map_err(|reason| Error::Unreachable {
            server: issuer.to_owned(),
            reason,
        })?;
    if answer.status != 200 {
        return Err(Error::Failed {
            server: issuer.to_owned(),
            reason: format!("{location} answered {}", answer.status),
        });
    }
    Metadata::parse(&answer.body, issuer).map_err(|e| Error::Failed {
        server: issuer.to_owned(),
        reason: e.to_string(),
    })
}

/// The metadata for the account's own issuer: the endpoints it names
/// (from a provider's autoconfig file), else the issuer's metadata.
pub async fn account_metadata(
    http: &Http,
    account: &Account,
    issuer: &str,
) -> Result<Metadata, Error> {
    match (
        &account.oauth.authorization_endpoint,
        &account.oauth.token_endpoint,
    ) {
        (Some(authorization), Some(token)) if known::for_issuer(issuer).is_none() => Ok(Metadata {
            issuer: issuer.to_owned(),
            authorization_endpoint: authorization.clone(),
            token_endpoint: token.clone(),
            registration_endpoint: None,
            revocation_endpoint: None,
            scopes_supported: Vec::new(),
            code_challenge_methods_supported: Vec::new(),
            authorization_response_iss_parameter_supported: false,
        }),
        _ => metadata(http, issuer).await,
    }
}

/// The sign-in server found without asking the mail server: the account's
/// issuer, a known provider, or metadata published for the domain or host.
pub async fn without_server(http: &Http, account: &Account) -> Result<Option<SignInServer>, Error> {
    if let Some(issuer) = &account.oauth.issuer {
        let found = account_metadata(http, account, issuer).await?;
        return Ok(Some(SignInServer::new(found)));
    }
    let hosts = [&account.incoming.server.host, &account.outgoing.server.host];
    if let Some(k) = hosts.iter().find_map(|h| known::for_host(h)) {
        return Ok(Some(SignInServer::new(k.metadata())));
    }
    let domain = account.email.rsplit_once('@').map(|(_, d)| d.to_owned());
    let mut candidates: Vec<String> = domain.into_iter().collect();
    for host in hosts {
        if !candidates.iter().any(|c| c.eq_ignore_ascii_case(host)) {
            candidates.push(host.clone());
        }
    }
    for candidate in candidates {
        // Only over HTTPS: a name from the user's own address or settings
        // says nothing about who answers plain HTTP for it.
        let issuer = format!("https://{}", candidate.trim_end_matches('.'));
        if let Ok(found) = metadata(http, &issuer).await {
            return Ok(Some(SignInServer::new(found)));
        }
    }
    Ok(None)
}

/// The sign-in server a mail server named in its refusal (the URL of its
/// OpenID configuration), believed only when the document there is that
/// issuer's own: the URL must be one of the issuer's well-known places.
pub async fn from_server(
    http: &Http,
    configuration: &str,
    named_scope: Option<&str>,
) -> Result<SignInServer, Error> {
    let issuer =
        if let Some(issuer) = configuration.strip_suffix("/.well-known/openid-configuration") {
            issuer.to_owned()
        } else if let Some((origin, path)) =
            configuration.split_once("/.well-known/oauth-authorization-server")
        {
            // RFC 8414's form: the well-known part goes before the path.
            format!("{origin}{path}")
        } else {
            return Err(Error::Failed {
                server: super::said_by_server(configuration),
                reason: "the mail server named no metadata address".into(),
            });
        };
    if !metadata::is_secure(&issuer) {
        return Err(Error::Failed {
            server: issuer,
            reason: "the mail server named a sign-in server that is not HTTPS".into(),
        });
    }
    let found = fetch(http, configuration, &issuer).await?;
    let scopes = default_scopes(&found, named_scope);
    Ok(SignInServer {
        metadata: found,
        scopes,
        extra: &[],
    })
}

/// The client ID (and Google's published "secret") to sign in to `issuer`
/// with: the account's own, else a distribution's for a known provider.
pub fn client_of(account: &Account, issuer: &str) -> (Option<String>, Option<String>) {
    let registered_elsewhere =
        account.oauth.registered && account.oauth.issuer.as_deref() != Some(issuer);
    let own = account
        .oauth
        .client_id
        .clone()
        .filter(|id| !id.trim().is_empty() && !registered_elsewhere);
    let known = known::for_issuer(issuer);
    let secret = account
        .oauth
        .client_secret
        .clone()
        .or_else(|| known.and_then(|k| k.client_secret.map(str::to_owned)));
    match own {
        Some(id) => (Some(id), secret),
        None => (known.and_then(|k| k.client_id.map(str::to_owned)), secret),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(supported: &[&str]) -> Metadata {
        Metadata {
            issuer: "https://id.example.test".into(),
            authorization_endpoint: "https://id.example.test/auth".into(),
            token_endpoint: "https://id.example.test/token".into(),
            registration_endpoint: None,
            revocation_endpoint: None,
            scopes_supported: supported.iter().map(|s| (*s).to_owned()).collect(),
            code_challenge_methods_supported: Vec::new(),
            authorization_response_iss_parameter_supported: false,
        }
    }

    #[test]
    fn scopes_are_the_named_ones_and_the_openid_ones_offered() {
        assert_eq!(
            default_scopes(&meta(&[]), Some("mail")),
            ["mail", "openid", "offline_access"]
        );
        assert_eq!(default_scopes(&meta(&["openid", "mail"]), None), ["openid"]);
        let many = "s ".repeat(1000);
        assert_eq!(default_scopes(&meta(&["x"]), Some(&many)).len(), MAX_SCOPES);
    }

    #[test]
    fn a_registered_client_id_is_used_only_with_its_issuer() {
        let mut account = Account::default();
        account.oauth.client_id = Some("got-by-registering".into());
        account.oauth.registered = true;
        account.oauth.issuer = Some("https://id.example.test".into());
        assert_eq!(
            client_of(&account, "https://id.example.test").0.as_deref(),
            Some("got-by-registering")
        );
        assert_eq!(client_of(&account, "https://other.example.test").0, None);
        account.oauth.registered = false;
        assert_eq!(
            client_of(&account, "https://other.example.test")
                .0
                .as_deref(),
            Some("got-by-registering"),
            "one the user set holds for any issuer"
        );
    }
}
