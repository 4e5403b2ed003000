//! An account's settings: who the user is, where mail comes from (IMAP or
//! POP3) and where it goes out (SMTP). Pure data and validation; no I/O.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::explain::{Explain, Sentence};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Account {
    /// Unique, chosen by the user; the key for the CLI and the keyring.
    pub name: String,
    pub display_name: String,
    pub email: String,
    pub signature: Option<String>,
    pub incoming: Incoming,
    pub outgoing: Outgoing,
    pub password: PasswordSource,
    /// The OAuth2 sign-in, for servers whose `auth` is [`AuthMechanism::OAuth2`].
    #[serde(skip_serializing_if = "OAuth::is_unset")]
    pub oauth: OAuth,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            name: String::new(),
            display_name: String::new(),
            email: String::new(),
            signature: None,
            incoming: Incoming::default(),
            outgoing: Outgoing::default(),
            password: PasswordSource::Keyring,
            oauth: OAuth::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Imap,
    Pop3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (IMAPS 993, POP3S 995, submissions 465).
    #[default]
    Tls,
    /// Plain connect, then STARTTLS, which is then required: no fallback.
    Starttls,
    /// No encryption at all; only for servers on a trusted network.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMechanism {
    /// The best the server offers.
    #[default]
    Automatic,
    Plain,
    Login,
    /// No login at all: only for an outgoing relay that needs none.
    None,
    /// A token from the account's OAuth2 sign-in, by SASL OAUTHBEARER or
    /// XOAUTH2 (whichever the server offers); no password.
    #[serde(rename = "oauth2")]
    OAuth2,
}

/// An account's OAuth2 sign-in: one for both servers, as providers issue
/// one token for IMAP, POP3 and SMTP. Nothing here is secret: the refresh
/// token lives in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OAuth {
    /// The authorization server (its issuer URL); found by discovery when
    /// unset, and kept once found.
    pub issuer: Option<String>,
    /// The client ID Postel signs in as: given by the user or a
    /// distribution, or got by registering with the issuer.
    pub client_id: Option<String>,
    /// Whether `client_id` came from registering with `issuer` (then a
    /// changed issuer means registering again, not reusing it).
    pub registered: bool,
    /// Only for a provider that demands one of desktop apps (Google): it
    /// is published with the app, so no secret at all.
    pub client_secret: Option<String>,
    /// The scopes asked for; empty: the known provider's, or the
    /// discovered server's.
    pub scopes: Vec<String>,
    /// Where the browser goes and where tokens come from, for a server
    /// that publishes no metadata (named by the provider's autoconfig
    /// file); unset: from the issuer's metadata.
    pub authorization_endpoint: Option<String>,
    pub token_endpoint: Option<String>,
}

impl OAuth {
    pub fn is_unset(&self) -> bool {
        *self == Self::default()
    }
}

/// Which server of an account; part of the keyring key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Incoming,
    Outgoing,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Incoming => "incoming",
            Role::Outgoing => "outgoing",
        }
    }
}

/// One server's connection: shared by incoming and outgoing.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub auth: AuthMechanism,
    /// PEM certificates (the server's own or its CA) trusted beside the
    /// system's roots, by the user's explicit choice.
    pub trusted_certificates: Vec<String>,
    /// SHA-256 fingerprints (hex) of server certificates the user pinned.
    pub pinned_sha256: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Incoming {
    pub protocol: Protocol,
    pub username: String,
    #[serde(flatten)]
    pub server: Server,
    pub pop3: Pop3Options,
    /// IMAP: each sync also downloads the whole messages of the last this
    /// many days, to read them offline; only on demand when unset.
    pub offline_days: Option<u32>,
    /// Folders the user chose for a role, over what the server says.
    pub folders: FolderChoices,
}

/// Folders chosen by hand for Sent, Drafts, Trash, Junk and Archive, by
/// name (as the server writes it or as the user reads it); unset: found
/// by SPECIAL-USE or by name. For servers that mark nothing, or mark the
/// wrong folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FolderChoices {
    pub sent: Option<String>,
    pub drafts: Option<String>,
    pub trash: Option<String>,
    pub junk: Option<String>,
    pub archive: Option<String>,
}

impl FolderChoices {
    /// Each choice, by the role's name ("sent", "drafts", …).
    pub fn chosen(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("sent", &self.sent),
            ("drafts", &self.drafts),
            ("trash", &self.trash),
            ("junk", &self.junk),
            ("archive", &self.archive),
        ]
        .into_iter()
        .filter_map(|(role, name)| Some((role, name.as_deref()?)))
    }

    /// The choice for a role by its name; None for a name that is no role
    /// one can choose.
    pub fn slot(&mut self, role: &str) -> Option<&mut Option<String>> {
        match role {
            "sent" => Some(&mut self.sent),
            "drafts" => Some(&mut self.drafts),
            "trash" => Some(&mut self.trash),
            "junk" => Some(&mut self.junk),
            "archive" => Some(&mut self.archive),
            _ => None,
        }
    }
}

impl Default for Incoming {
    fn default() -> Self {
        Self {
            protocol: Protocol::Imap,
            username: String::new(),
            server: Server {
                port: default_port(Protocol::Imap.into(), Security::Tls),
                ..Server::default()
            },
            pop3: Pop3Options::default(),
            offline_days: None,
            folders: FolderChoices::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pop3Options {
    pub leave_on_server: bool,
    /// With `leave_on_server`, delete a message from the server this many
    /// days after it was downloaded; never when unset.
    pub delete_after_days: Option<u32>,
}

impl Default for Pop3Options {
    fn default() -> Self {
        Self {
            leave_on_server: true,
            delete_after_days: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Outgoing {
    /// Empty means "the incoming user name", as most providers use one login.
    pub username: Option<String>,
    #[serde(flatten)]
    pub server: Server,
    /// A message the server keeps deferring (4xx) is given up after this
    /// many days, as MTAs do.
    pub give_up_after_days: u32,
    /// Delivery reports (DSN) for delivered mail too, not only for bounces
    /// and delays.
    pub report_delivery: bool,
}

impl Default for Outgoing {
    fn default() -> Self {
        Self {
            username: None,
            give_up_after_days: 5,
            report_delivery: false,
            server: Server {
                port: default_port(Service::Smtp, Security::Tls),
                ..Server::default()
            },
        }
    }
}

/// Where the password comes from. Never the settings file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "source", content = "command")]
pub enum PasswordSource {
    /// The system keyring (Secret Service), one entry per server.
    #[default]
    Keyring,
    /// A program and its arguments, run without a shell; its first line of
    /// output is the password (like mbsync's `PassCmd`).
    Command(Vec<String>),
}

/// The protocol a port default is chosen for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Imap,
    Pop3,
    Smtp,
}

impl From<Protocol> for Service {
    fn from(p: Protocol) -> Self {
        match p {
            Protocol::Imap => Service::Imap,
            Protocol::Pop3 => Service::Pop3,
        }
    }
}

/// The standard port for a service under a security mode.
pub fn default_port(service: Service, security: Security) -> u16 {
    match (service, security) {
        (Service::Imap, Security::Tls) => 993,
        (Service::Imap, _) => 143,
        (Service::Pop3, Security::Tls) => 995,
        (Service::Pop3, _) => 110,
        (Service::Smtp, Security::Tls) => 465,
        (Service::Smtp, _) => 587,
    }
}

impl Account {
    pub fn outgoing_username(&self) -> &str {
        match &self.outgoing.username {
            Some(u) if !u.is_empty() => u,
            _ => &self.incoming.username,
        }
    }

    /// Whether either server signs in with OAuth2.
    pub fn uses_oauth(&self) -> bool {
        self.incoming.server.auth == AuthMechanism::OAuth2
            || self.outgoing.server.auth == AuthMechanism::OAuth2
    }

    pub fn server(&self, role: Role) -> &Server {
        match role {
            Role::Incoming => &self.incoming.server,
            Role::Outgoing => &self.outgoing.server,
        }
    }

    pub fn username(&self, role: Role) -> &str {
        match role {
            Role::Incoming => &self.incoming.username,
            Role::Outgoing => self.outgoing_username(),
        }
    }

    /// Every problem with these settings, each a sentence for the user.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(Problem::NameEmpty);
        } else if name != self.name || name.chars().any(char::is_control) {
            problems.push(Problem::NameSpaces);
        }
        if let Err(problem) = validate_email(&self.email) {
            problems.push(problem);
        }
        check_server(Role::Incoming, &self.incoming.server, &mut problems);
        check_server(Role::Outgoing, &self.outgoing.server, &mut problems);
        if self.incoming.server.auth == AuthMechanism::None {
            problems.push(Problem::NoLogin);
        }
        if self.outgoing.give_up_after_days == 0 {
            problems.push(Problem::GiveUpDays);
        }
        if self.incoming.username.trim().is_empty() {
            problems.push(Problem::UsernameEmpty);
        }
        if let PasswordSource::Command(argv) = &self.password
            && argv.first().is_none_or(|p| p.trim().is_empty())
        {
            problems.push(Problem::CommandEmpty);
        }
        for address in [
            &self.oauth.issuer,
            &self.oauth.authorization_endpoint,
            &self.oauth.token_endpoint,
        ]
        .into_iter()
        .flatten()
        {
            if !crate::oauth::metadata::is_secure(address) {
                problems.push(Problem::OAuthIssuer(address.clone()));
            }
        }
        if self.incoming.pop3.delete_after_days == Some(0) {
            problems.push(Problem::DeleteAfterDays);
        }
        for (_, name) in self.incoming.folders.chosen() {
            if name.trim().is_empty() || name.chars().any(char::is_control) {
                problems.push(Problem::FolderName(name.to_owned()));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Invalid(problems))
        }
    }
}

fn check_server(which: Role, server: &Server, problems: &mut Vec<Problem>) {
    if let Err(problem) = validate_host(&server.host) {
        problems.push(Problem::Server(which, Box::new(problem)));
    }
    if server.port == 0 {
        problems.push(Problem::Port(which));
    }
    for fp in &server.pinned_sha256 {
        if parse_fingerprint(fp).is_none() {
            problems.push(Problem::Fingerprint(which, fp.clone()));
        }
    }
}

/// One thing wrong with an account's settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("The account name is empty.")]
    NameEmpty,
    #[error("The account name may not start or end with spaces or hold control characters.")]
    NameSpaces,
    #[error("The email address is empty.")]
    EmailEmpty,
    #[error("\"{0}\" is not an email address (like name@example.com).")]
    NotAnEmail(String),
    #[error("the host name is empty.")]
    HostEmpty,
    #[error("\"{0}\" is not a host name (like mail.example.com).")]
    NotAHost(String),
    /// A problem with one server's host.
    #[error("The {} server: {}", .0.as_str(), .1)]
    Server(Role, Box<Problem>),
    #[error("The {} server's port must be between 1 and 65535.", .0.as_str())]
    Port(Role),
    #[error(
        "The {} server's pinned fingerprint \"{}\" is not a SHA-256 fingerprint (64 hex digits).",
        .0.as_str(),
        .1
    )]
    Fingerprint(Role, String),
    #[error("The incoming server needs a login; choose automatic, plain or login authentication.")]
    NoLogin,
    #[error("\"Give up sending after\" must be at least one day.")]
    GiveUpDays,
    #[error("The user name for the incoming server is empty.")]
    UsernameEmpty,
    #[error("The password command is empty.")]
    CommandEmpty,
    #[error(
        "\"Delete from server after\" must be at least one day; leave it unset to keep mail on the server."
    )]
    DeleteAfterDays,
    #[error("\"{0}\" is not a folder name one can choose.")]
    FolderName(String),
    #[error(
        "The sign-in server \"{0}\" must be an HTTPS address (like https://login.example.com)."
    )]
    OAuthIssuer(String),
}

impl Explain for Problem {
    fn sentence(&self) -> Sentence {
        match self {
            Problem::NameEmpty => Sentence::new("error-account-name-empty"),
            Problem::NameSpaces => Sentence::new("error-account-name-spaces"),
            Problem::EmailEmpty => Sentence::new("error-email-empty"),
            Problem::NotAnEmail(text) => Sentence::new("error-not-an-email").arg("text", text),
            Problem::HostEmpty => Sentence::new("error-host-empty"),
            Problem::NotAHost(text) => Sentence::new("error-not-a-host").arg("text", text),
            Problem::Server(role, problem) => Sentence::new("error-server-problem")
                .arg("which", role.as_str())
                .sentences("problem", vec![problem.sentence()]),
            Problem::Port(role) => Sentence::new("error-port-range").arg("which", role.as_str()),
            Problem::Fingerprint(role, fp) => Sentence::new("error-bad-fingerprint")
                .arg("which", role.as_str())
                .arg("fingerprint", fp),
            Problem::NoLogin => Sentence::new("error-incoming-no-login"),
            Problem::GiveUpDays => Sentence::new("error-give-up-days"),
            Problem::UsernameEmpty => Sentence::new("error-username-empty"),
            Problem::CommandEmpty => Sentence::new("error-command-empty"),
            Problem::DeleteAfterDays => Sentence::new("error-delete-after-days"),
            Problem::FolderName(name) => Sentence::new("error-folder-name").arg("name", name),
            Problem::OAuthIssuer(issuer) => {
                Sentence::new("error-oauth-issuer").arg("issuer", issuer)
            }
        }
    }
}

/// Settings that cannot be used, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<Problem>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let said: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&said.join(" "))
    }
}

impl std::error::Error for Invalid {}

impl Explain for Invalid {
    fn sentence(&self) -> Sentence {
        Sentence::new("error-settings-invalid")
            .sentences("problems", self.0.iter().map(Explain::sentence).collect())
    }
}

pub fn validate_email(email: &str) -> Result<(), Problem> {
    if email.trim().is_empty() {
        return Err(Problem::EmailEmpty);
    }
    lettre::Address::from_str(email)
        .map(drop)
        .map_err(|_| Problem::NotAnEmail(email.to_owned()))
}

pub fn validate_host(host: &str) -> Result<(), Problem> {
    if host.trim().is_empty() {
        return Err(Problem::HostEmpty);
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    if trimmed.len() > 253 || !trimmed.split('.').all(label_ok) {
        return Err(Problem::NotAHost(host.to_owned()));
    }
    Ok(())
}

/// A SHA-256 fingerprint as 32 bytes, from hex with or without colons.
pub fn parse_fingerprint(text: &str) -> Option<[u8; 32]> {
    let hex: String = text
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Upper-case hex pairs joined by colons, as browsers and openssl show them.
pub fn format_fingerprint(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $(Self::$variant => $text),+ })
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.to_ascii_lowercase().as_str() {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!(
                        "\"{s}\" is not one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(Protocol { Imap => "imap", Pop3 => "pop3" });
text_enum!(Security { Tls => "tls", Starttls => "starttls", None => "none" });
text_enum!(AuthMechanism { Automatic => "automatic", Plain => "plain", Login => "login", None => "none", OAuth2 => "oauth2" });

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> Account {
        Account {
            name: "work".into(),
            display_name: "Alice".into(),
            email: "alice@example.com".into(),
            incoming: Incoming {
                username: "alice".into(),
                server: Server {
                    host: "imap.example.com".into(),
                    port: 993,
                    ..Server::default()
                },
                ..Incoming::default()
            },
            outgoing: Outgoing {
                server: Server {
                    host: "smtp.example.com".into(),
                    port: 465,
                    ..Server::default()
                },
                ..Outgoing::default()
            },
            ..Account::default()
        }
    }

    #[test]
    fn a_complete_account_is_valid() {
        assert_eq!(valid().validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut a = valid();
        a.email = "not an address".into();
        a.incoming.server.host = String::new();
        a.outgoing.server.port = 0;
        let Invalid(problems) = a.validate().expect_err("three problems");
        assert_eq!(
            problems,
            vec![
                Problem::NotAnEmail("not an address".into()),
                Problem::Server(Role::Incoming, Box::new(Problem::HostEmpty)),
                Problem::Port(Role::Outgoing),
            ]
        );
        let said = Invalid(problems).to_string();
        assert!(said.contains("not an email address"), "{said}");
        assert!(
            said.contains("The incoming server: the host name is empty."),
            "{said}"
        );
        assert!(
            said.contains("outgoing server's port") && said.contains("65535"),
            "{said}"
        );
    }

    #[test]
    fn host_names_and_addresses() {
        for ok in [
            "mail.example.com",
            "localhost",
            "127.0.0.1",
            "::1",
            "xn--bcher-kva.example",
            "mail.example.com.",
        ] {
            assert_eq!(validate_host(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            " ",
            "mail example.com",
            "-bad.example",
            "a..b",
            "mail.example.com/x",
        ] {
            assert!(validate_host(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn default_ports_follow_protocol_and_security() {
        assert_eq!(default_port(Service::Imap, Security::Tls), 993);
        assert_eq!(default_port(Service::Imap, Security::Starttls), 143);
        assert_eq!(default_port(Service::Pop3, Security::Tls), 995);
        assert_eq!(default_port(Service::Pop3, Security::Starttls), 110);
        assert_eq!(default_port(Service::Smtp, Security::Tls), 465);
        assert_eq!(default_port(Service::Smtp, Security::Starttls), 587);
    }

    #[test]
    fn outgoing_user_defaults_to_incoming() {
        let mut a = valid();
        assert_eq!(a.outgoing_username(), "alice");
        a.outgoing.username = Some("alice-smtp".into());
        assert_eq!(a.outgoing_username(), "alice-smtp");
    }

    #[test]
    fn fingerprints_round_trip_with_or_without_colons() {
        let bytes: Vec<u8> = (0u8..32).collect();
        let text = format_fingerprint(&bytes);
        assert_eq!(
            parse_fingerprint(&text).map(|b| b.to_vec()),
            Some(bytes.clone())
        );
        assert_eq!(
            parse_fingerprint(&text.replace(':', "").to_lowercase()).map(|b| b.to_vec()),
            Some(bytes)
        );
        assert_eq!(parse_fingerprint("AB:CD"), None);
        let mut a = valid();
        a.incoming.server.pinned_sha256 = vec!["zz".into()];
        assert!(a.validate().is_err());
    }

    #[test]
    fn empty_password_command_is_refused() {
        let mut a = valid();
        a.password = PasswordSource::Command(vec![]);
        assert!(a.validate().is_err());
        a.password = PasswordSource::Command(vec!["pass".into(), "show".into(), "mail".into()]);
        assert_eq!(a.validate(), Ok(()));
    }

    #[test]
    fn enums_parse_from_cli_words() {
        assert_eq!("STARTTLS".parse::<Security>(), Ok(Security::Starttls));
        assert_eq!("pop3".parse::<Protocol>(), Ok(Protocol::Pop3));
        assert!("ssl".parse::<Security>().is_err());
    }
}
