//! The ISPDB configuration format ("config-v1.1.xml") that providers publish
//! at autoconfig.<domain> and that Thunderbird's central database serves:
//! one `emailProvider` with incoming and outgoing servers, best first.

use roxmltree::{Document, Node};

use super::Entry;
use crate::account::{AuthMechanism, OAuth, Security, Server, Service};

/// A reply larger than this is not a configuration file.
pub const MAX_SIZE: usize = 256 * 1024;

/// The servers of one configuration file, in the file's order (its rank).
#[derive(Debug, Default)]
pub struct Config {
    pub incoming: Vec<Entry>,
    pub outgoing: Vec<Entry>,
    /// Servers left out, each with the reason, for the user's notes.
    pub skipped: Vec<String>,
    /// The provider's OAuth2 sign-in (`<oAuth2>`: issuer, scopes,
    /// endpoints), when the file describes one.
    pub oauth: OAuth,
}

/// The most scopes read from a file: real ones list one to four.
const MAX_SCOPES: usize = 16;

/// Reads a configuration file for `email`, filling in its placeholders.
pub fn parse(xml: &str, email: &str) -> Result<Config, String> {
    // roxmltree refuses DTDs (and so entity expansion) by default.
    let doc = Document::parse(xml).map_err(|e| format!("it is not valid XML ({e})"))?;
    let root = doc.root_element();
    if !root.has_tag_name("clientConfig") {
        return Err("it is not an autoconfig file (no <clientConfig>)".into());
    }
    let provider = root
        .children()
        .find(|n| n.has_tag_name("emailProvider"))
        .ok_or("it names no <emailProvider>")?;
    let mut config = Config {
        oauth: provider
            .children()
            .find(|n| n.has_tag_name("oAuth2"))
            .map(oauth)
            .unwrap_or_default(),
        ..Config::default()
    };
    let described = config.oauth.issuer.is_some();
    for node in provider.children().filter(Node::is_element) {
        let outgoing = match node.tag_name().name() {
            "incomingServer" => false,
            "outgoingServer" => true,
            _ => continue,
        };
        match entry(node, outgoing, email, described) {
            Ok(entry) if outgoing => config.outgoing.push(entry),
            Ok(entry) => config.incoming.push(entry),
            Err(why) => config.skipped.push(why),
        }
    }
    Ok(config)
}

/// The `<oAuth2>` element: its issuer (a host name, or a URL), scopes and
/// endpoints, each kept only when it is a secure address.
fn oauth(node: Node) -> OAuth {
    let text = |name: &str| {
        node.children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    let secure = |url: String| crate::oauth::metadata::is_secure(&url).then_some(url);
    let issuer = text("issuer").map(|i| {
        if i.contains("://") {
            i
        } else {
            format!("https://{i}")
        }
    });
    let scopes = text("scope")
        .map(|s| {
            s.split_whitespace()
                .take(MAX_SCOPES)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let issuer = issuer.and_then(secure);
    // A provider Postel knows signs in its own way (its scopes for mail
    // only, not the contacts and calendars a file may list).
    if issuer
        .as_deref()
        .is_some_and(|i| crate::oauth::known::for_issuer(i).is_some())
    {
        return OAuth {
            issuer,
            ..OAuth::default()
        };
    }
    OAuth {
        issuer,
        scopes,
        authorization_endpoint: text("authURL").and_then(secure),
        token_endpoint: text("tokenURL").and_then(secure),
        ..OAuth::default()
    }
}

/// One server. A server offering OAuth2 beside a password gets OAuth2
/// only when the file says how to sign in (`described`) or the provider
/// is one whose sign-in Postel knows; else the password, which surely
/// works (Thunderbird does the same).
fn entry(node: Node, outgoing: bool, email: &str, described: bool) -> Result<Entry, String> {
    let kind = node.attribute("type").unwrap_or_default();
    let service = match (kind, outgoing) {
        ("imap", false) => Service::Imap,
        ("pop3", false) => Service::Pop3,
        ("smtp", true) => Service::Smtp,
        // Exchange, JMAP and the like are for other clients.
        _ => return Err(format!("a \"{kind}\" server was skipped (not supported).")),
    };
    let text = |name: &str| {
        node.children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .map(|t| fill(t.trim(), email))
    };
    let host = text("hostname").filter(|h| !h.is_empty());
    let host =
        host.ok_or_else(|| format!("a \"{kind}\" server without a host name was skipped."))?;
    let port = text("port")
        .and_then(|p| p.parse::<u16>().ok())
        .filter(|p| *p != 0)
        .ok_or_else(|| format!("{host} was skipped: it has no valid port."))?;
    let security = match text("socketType").as_deref() {
        Some("SSL") => Security::Tls,
        Some("STARTTLS") => Security::Starttls,
        Some("plain") => Security::None,
        other => {
            return Err(format!(
                "{host}:{port} was skipped: unknown security \"{}\".",
                other.unwrap_or_default()
            ));
        }
    };
    let methods: Vec<String> = node
        .children()
        .filter(|n| n.has_tag_name("authentication"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .collect();
    let oauth = methods.iter().any(|m| m == "OAuth2");
    let password = methods.iter().find_map(|m| mechanism(m, outgoing));
    let known = described || crate::oauth::known::for_host(&host).is_some();
    let auth = if methods.is_empty() {
        Some(AuthMechanism::Automatic)
    } else if oauth && (password.is_none() || known) {
        Some(AuthMechanism::OAuth2)
    } else {
        password
    };
    let auth = auth.ok_or_else(|| {
        format!(
            "{host}:{port} was skipped: it signs in only by {}, which Postel does not offer yet.",
            methods.join(" or ")
        )
    })?;
    Ok(Entry {
        service,
        server: Server {
            host,
            port,
            security,
            auth,
            ..Server::default()
        },
        username: text("username").filter(|u| !u.is_empty()),
    })
}

/// The mechanism Postel uses for an ISPDB authentication value, if any.
fn mechanism(value: &str, outgoing: bool) -> Option<AuthMechanism> {
    match value {
        // "cleartext" means PLAIN or LOGIN: Postel sends it inside TLS.
        "password-cleartext" | "plain" => Some(AuthMechanism::Automatic),
        "none" | "client-IP-address" if outgoing => Some(AuthMechanism::None),
        _ => None,
    }
}

/// Fills the placeholders the format defines for the user's address.
fn fill(text: &str, email: &str) -> String {
    let (local, domain) = email.rsplit_once('@').unwrap_or((email, ""));
    text.replace("%EMAILADDRESS%", email)
        .replace("%EMAILLOCALPART%", local)
        .replace("%EMAILDOMAIN%", domain)
        // The real name is for display settings, never a login.
        .replace("%REALNAME%", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.org">
    <domain>example.org</domain>
    <displayName>Example Mail</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.org</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <authentication>OAuth2</authentication>
      <username>%EMAILADDRESS%</username>
    </incomingServer>
    <incomingServer type="imap">
      <hostname>mail.%EMAILDOMAIN%</hostname>
      <port>143</port>
      <socketType>STARTTLS</socketType>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
      <username>%EMAILLOCALPART%</username>
    </incomingServer>
    <incomingServer type="pop3">
      <hostname>pop.example.org</hostname>
      <port>995</port>
      <socketType>SSL</socketType>
    </incomingServer>
    <incomingServer type="exchange">
      <hostname>ews.example.org</hostname>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.org</hostname>
      <port>587</port>
      <socketType>STARTTLS</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
    <outgoingServer type="smtp">
      <hostname>relay.example.org</hostname>
      <port>25</port>
      <socketType>plain</socketType>
      <authentication>client-IP-address</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

    #[test]
    fn autoconfig_servers_keep_their_rank_and_placeholders_are_filled() {
        let config = parse(XML, "jo.doe@example.org").expect("parses");
        let incoming: Vec<_> = config
            .incoming
            .iter()
            .map(|e| (e.service, e.server.host.as_str(), e.server.port))
            .collect();
        // The Exchange server is left out; the OAuth2-only one signs in
        // in the browser, the one that also takes a password uses that
        // (the file does not say how to sign in).
        assert_eq!(
            incoming,
            [
                (Service::Imap, "imap.example.org", 993),
                (Service::Imap, "mail.example.org", 143),
                (Service::Pop3, "pop.example.org", 995)
            ]
        );
        assert_eq!(config.incoming[0].server.auth, AuthMechanism::OAuth2);
        assert_eq!(config.incoming[1].server.auth, AuthMechanism::Automatic);
        assert_eq!(config.incoming[1].server.security, Security::Starttls);
        assert_eq!(config.incoming[1].username.as_deref(), Some("jo.doe"));
        assert_eq!(config.incoming[2].username, None);
        assert_eq!(config.skipped.len(), 1, "{:?}", config.skipped);
        assert!(config.oauth.is_unset());
        let out = &config.outgoing;
        assert_eq!(out[0].username.as_deref(), Some("jo.doe@example.org"));
        assert_eq!(out[1].server.security, Security::None);
        assert_eq!(out[1].server.auth, AuthMechanism::None);
    }

    /// Thunderbird's database describes Gmail's sign-in like this.
    #[test]
    fn an_oauth2_description_is_read_and_preferred_over_the_password() {
        let xml = r#"<clientConfig version="1.1"><emailProvider id="mail.example">
  <incomingServer type="imap">
    <hostname>imap.mail.example</hostname><port>993</port><socketType>SSL</socketType>
    <authentication>OAuth2</authentication>
    <authentication>password-cleartext</authentication>
  </incomingServer>
  <outgoingServer type="smtp">
    <hostname>smtp.mail.example</hostname><port>465</port><socketType>SSL</socketType>
    <authentication>OAuth2</authentication>
    <authentication>password-cleartext</authentication>
  </outgoingServer>
  <oAuth2>
    <issuer>login.mail.example</issuer>
    <scope>mail offline_access</scope>
    <authURL>https://login.mail.example/authorize</authURL>
    <tokenURL>http://login.mail.example/token</tokenURL>
  </oAuth2>
</emailProvider></clientConfig>"#;
        let config = parse(xml, "jo@mail.example").expect("parses");
        assert_eq!(config.incoming[0].server.auth, AuthMechanism::OAuth2);
        assert_eq!(config.outgoing[0].server.auth, AuthMechanism::OAuth2);
        assert_eq!(
            config.oauth.issuer.as_deref(),
            Some("https://login.mail.example")
        );
        assert_eq!(config.oauth.scopes, ["mail", "offline_access"]);
        assert_eq!(
            config.oauth.authorization_endpoint.as_deref(),
            Some("https://login.mail.example/authorize")
        );
        assert_eq!(
            config.oauth.token_endpoint, None,
            "a token endpoint in the clear is not taken"
        );
    }

    #[test]
    fn autoconfig_rejects_what_is_not_a_config_file() {
        assert!(parse("<html><body>404</body></html>", "a@b.c").is_err());
        assert!(parse("not xml", "a@b.c").is_err());
        let dtd = r#"<!DOCTYPE x [<!ENTITY e "boom">]><clientConfig>&e;</clientConfig>"#;
        assert!(parse(dtd, "a@b.c").is_err(), "no DTDs, no entity expansion");
    }
}
