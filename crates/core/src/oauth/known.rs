//! The only providers Postel knows by name: those whose sign-in cannot be
//! discovered. Google publishes metadata but offers no registration, and
//! wants its own scope; Microsoft's common endpoint describes a tenant's
//! issuer, not itself, so its metadata cannot be checked. Everyone else is
//! found by discovery (`oauth::discover`).
//!
//! No client ID is compiled in as if it were ours: a distribution sets one
//! at build time (`POSTEL_OAUTH_GOOGLE_CLIENT_ID`, …), or the user in the
//! settings file.

use super::metadata::Metadata;

pub struct Known {
    pub name: &'static str,
    /// Server host names (exact, or a suffix starting with a dot).
    hosts: &'static [&'static str],
    pub issuer: &'static str,
    authorization_endpoint: &'static str,
    token_endpoint: &'static str,
    pub scopes: &'static [&'static str],
    /// Parameters the provider needs beyond the standard ones.
    pub extra: &'static [(&'static str, &'static str)],
    /// Set by a distribution at build time.
    pub client_id: Option<&'static str>,
    /// Google demands a "secret" of desktop apps, published with them.
    pub client_secret: Option<&'static str>,
}

impl Known {
    pub fn metadata(&self) -> Metadata {
        Metadata {
            issuer: self.issuer.to_owned(),
            authorization_endpoint: self.authorization_endpoint.to_owned(),
            token_endpoint: self.token_endpoint.to_owned(),
            registration_endpoint: None,
            revocation_endpoint: None,
            scopes_supported: Vec::new(),
            code_challenge_methods_supported: vec!["S256".into()],
            authorization_response_iss_parameter_supported: false,
        }
    }

    pub fn scopes(&self) -> Vec<String> {
        self.scopes.iter().map(|s| (*s).to_owned()).collect()
    }
}

pub const GOOGLE: Known = Known {
    name: "Google",
    hosts: &[
        "imap.gmail.com",
        "pop.gmail.com",
        "smtp.gmail.com",
        ".googlemail.com",
    ],
    issuer: "https://accounts.google.com",
    authorization_endpoint: "https://accounts.google.com/o/oauth2/v2/auth",
    token_endpoint: "https://oauth2.googleapis.com/token",
    scopes: &["https://mail.google.com/"],
    // Without these Google gives no refresh token.
    extra: &[("access_type", "offline"), ("prompt", "consent")],
    client_id: option_env!("POSTEL_OAUTH_GOOGLE_CLIENT_ID"),
    client_secret: option_env!("POSTEL_OAUTH_GOOGLE_CLIENT_SECRET"),
};

pub const MICROSOFT: Known = Known {
    name: "Microsoft",
    hosts: &[
        "outlook.office365.com",
        "smtp.office365.com",
        "imap-mail.outlook.com",
        "pop-mail.outlook.com",
        "smtp-mail.outlook.com",
    ],
    issuer: "https://login.microsoftonline.com/common/v2.0",
    authorization_endpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    token_endpoint: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    scopes: &[
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/POP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    ],
    extra: &[],
    client_id: option_env!("POSTEL_OAUTH_MICROSOFT_CLIENT_ID"),
    client_secret: None,
};

const ALL: [&Known; 2] = [&GOOGLE, &MICROSOFT];

/// The known provider serving a mail host, if any.
pub fn for_host(host: &str) -> Option<&'static Known> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ALL.into_iter().find(|k| {
        k.hosts.iter().any(|h| match h.strip_prefix('.') {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == *h,
        })
    })
}

/// The known provider with this issuer, if any.
pub fn for_issuer(issuer: &str) -> Option<&'static Known> {
    ALL.into_iter().find(|k| k.issuer == issuer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn providers_are_known_by_their_mail_hosts_only() {
        assert_eq!(for_host("IMAP.gmail.com.").map(|k| k.name), Some("Google"));
        assert_eq!(
            for_host("smtp.office365.com").map(|k| k.name),
            Some("Microsoft")
        );
        assert!(for_host("gmail.com.evil.test").is_none());
        assert!(for_host("mail.example.test").is_none());
        assert_eq!(
            for_issuer("https://accounts.google.com").map(|k| k.name),
            Some("Google")
        );
    }

    #[test]
    fn the_built_in_endpoints_pass_the_metadata_checks() {
        for known in ALL {
            let meta = known.metadata();
            let body = serde_json::json!({
                "issuer": meta.issuer,
                "authorization_endpoint": meta.authorization_endpoint,
                "token_endpoint": meta.token_endpoint,
            });
            assert!(
                Metadata::parse(body.to_string().as_bytes(), known.issuer).is_ok(),
                "{}",
                known.name
            );
        }
    }
}
